"""Finding 7: launch credentials end with the account's sessions, one is reused per learner and
registration, and dead ones are purged."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from tests.conftest import PASSWORD
from xapi_store.models import Credential

XAPI = {"X-Experience-API-Version": "1.0.3"}


def _launch(client, registration: str | None = None) -> dict:
    query = {"registration": registration} if registration else {}
    response = client.get("/launch/xapi", query_string=query)
    assert response.status_code == 200
    return response.get_json()


def _can_write(app, params: dict) -> bool:
    """Launched content (no LMS cookie) posting one of its learner's statements."""
    statement = {
        "actor": params["actor"],
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
        "object": {"id": "http://taawun.test/packages/argan/slide-1"},
    }
    response = app.test_client().post(
        "/xapi/statements", json=statement, headers=dict(XAPI, Authorization=params["auth"])
    )
    assert response.status_code in (200, 401), response.get_data(as_text=True)
    return response.status_code == 200


def _rows(db, actor: dict | None = None) -> int:
    """Credential rows: all of them, or the learner's."""
    db.rollback()  # see the requests' commits
    if actor is None:
        return db.scalar(select(func.count()).select_from(Credential))
    return sum(agent == actor for agent in db.scalars(select(Credential.agent)))


def test_finding7_deactivation_ends_the_learners_launch_credentials(app, client, auth, make_user):
    learner, admin = make_user(), make_user("admin")
    auth.login(learner)
    params = _launch(client)
    assert _can_write(app, params)
    auth.login(admin)
    client.post(f"/admin/users/{learner.public_id}/active", data={"action": "deactivate"})
    assert not _can_write(app, params)


def test_finding7_a_new_password_ends_the_launch_credentials(app, client, auth, make_user):
    auth.login(make_user())
    params = _launch(client)
    client.post("/password", data={"current": PASSWORD, "new": "new-password-7",
                                   "confirm": "new-password-7"})  # fmt: skip
    assert not _can_write(app, params)
    assert _can_write(app, _launch(client))  # this browser goes on with a fresh one


def test_finding7_log_out_everywhere_ends_the_launch_credentials(app, client, auth, make_user):
    auth.login(make_user())
    params = _launch(client)
    client.post("/logout-everywhere")
    assert not _can_write(app, params)


def test_finding7_one_live_credential_per_learner_and_registration(
    app, client, auth, make_user, db
):
    auth.login(make_user())
    registration = str(uuid.uuid4())
    first = [_launch(client, registration) for _ in range(100)]
    assert {params["auth"] for params in first} == {first[0]["auth"]}
    unnamed = [_launch(client) for _ in range(100)]
    assert {params["auth"] for params in unnamed} == {unnamed[0]["auth"]}
    assert len({params["registration"] for params in unnamed}) == 100  # still one per launch
    other = _launch(client, str(uuid.uuid4()))
    assert other["auth"] != first[0]["auth"]
    assert _rows(db, other["actor"]) == 3
    assert _can_write(app, first[-1]) and _can_write(app, unnamed[-1])


def test_finding7_expired_credentials_are_purged(app, client, runner, auth, make_user, db):
    auth.login(make_user())
    _launch(client, str(uuid.uuid4()))
    _launch(client, str(uuid.uuid4()))
    db.rollback()
    db.execute(Credential.__table__.update().values(
        expires_at=datetime.now(UTC) - timedelta(minutes=1)))  # fmt: skip
    db.commit()
    dead = _rows(db)  # these two, and those revoked by the tests above
    result = runner.invoke(args=["xapi", "purge-credentials"])
    assert result.exit_code == 0 and f"removed {dead} " in result.output
    assert _rows(db) == 0
    # Minting purges too, so no schedule is needed to keep the table small.
    _launch(client, str(uuid.uuid4()))
    db.rollback()
    db.execute(Credential.__table__.update().values(
        expires_at=datetime.now(UTC) - timedelta(minutes=1)))  # fmt: skip
    db.commit()
    _launch(client, str(uuid.uuid4()))
    assert _rows(db) == 1
