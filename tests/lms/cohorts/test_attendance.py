"""Unticking a learner voids their `attended` statement, so the LRS agrees with the ticks."""

from __future__ import annotations

import base64
import json
import uuid

from lms.auth.models import User
from lms.auth.services import create_user
from lms.cohorts import services
from lms.cohorts.models import Attendance, CohortSession
from lms.xapi import recorder
from lms.xapi.models import OutboxStatement
from lms.xapi.vocabulary import VERBS
from tests.conftest import PASSWORD
from tests.lms.cohorts.helpers import cohort, create_cohort, database, join, login
from tests.lms.test_recorder import external_lrs, lms_with_external_lrs  # noqa: F401 (fixtures)
from xapi_store import auth as lrs_auth
from xapi_store.query import find_statement

MODULE = "think-coop/what-is-a-cooperative"


def cohort_with_a_session(client, make_user):
    trainer, learner = make_user("trainer"), make_user("learner", display_name="Amina Learner")
    cohort_id, code = create_cohort(client, trainer)
    join(client, learner, code)
    login(client, trainer)
    response = client.post(
        f"/cohorts/{cohort_id}/sessions", data={"held_on": "2026-11-05", "module": MODULE}
    )
    assert response.status_code == 302
    return trainer, learner, cohort_id, response.headers["Location"]


def lrs_client(app, client):
    """GET /xapi/statements as an outside LRS client would."""
    with database(app) as db:
        key, secret = lrs_auth.create_credential(db, "reports", ["all"])
        db.commit()
    token = base64.b64encode(f"{key}:{secret}".encode()).decode()
    headers = {"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"}

    def get(**params):
        params = {k: json.dumps(v) if isinstance(v, dict) else v for k, v in params.items()}
        return client.get("/xapi/statements", query_string=params, headers=headers)

    return get


def attended_ids(get, learner) -> list[str]:
    """Ids of the `attended` statements a normal query returns for the learner."""
    body = get(agent=recorder_agent(learner), verb=VERBS["attended"][0]).get_json()
    return [s["id"] for s in body["statements"] if s["verb"]["id"] == VERBS["attended"][0]]


def recorder_agent(learner) -> dict:
    return {
        "objectType": "Agent",
        "account": {"homePage": "http://taawun.test", "name": learner.public_id},
    }


def share(app, cohort_id, learner) -> tuple[int, int]:
    with database(app) as db:
        return services.attendance_share(db, cohort(db, cohort_id), learner, "think-coop")


def test_unticking_voids_the_attended_statement_and_ticking_again_records_a_new_one(
    client, make_user, app
):
    trainer, learner, cohort_id, attendance_url = cohort_with_a_session(client, make_user)
    get = lrs_client(app, app.test_client())

    client.post(attendance_url, data={"present": [str(learner.id)]})
    [first] = attended_ids(get, learner)
    assert share(app, cohort_id, learner) == (1, 1)

    client.post(attendance_url, data={})  # the trainer corrects a mistake
    assert attended_ids(get, learner) == []
    assert get(statementId=first).status_code == 404
    voided = get(voidedStatementId=first)
    assert voided.status_code == 200 and voided.get_json()["id"] == first
    voiding = get(verb=VERBS["voided"][0]).get_json()["statements"]
    [correction] = [s for s in voiding if s["object"]["id"] == first]
    assert correction["object"] == {"objectType": "StatementRef", "id": first}
    assert correction["actor"]["account"]["name"] == trainer.public_id
    assert share(app, cohort_id, learner) == (0, 1)

    client.post(attendance_url, data={"present": [str(learner.id)]})
    client.post(attendance_url, data={"present": [str(learner.id)]})  # saved twice: no new one
    [second] = attended_ids(get, learner)
    assert second != first
    assert share(app, cohort_id, learner) == (1, 1)
    page = client.get(
        f"/cohorts/{cohort_id}/certification/{learner.public_id}?course_id=think-coop"
    )
    assert "1 séance(s) sur 1" in page.get_data(as_text=True)
    # the learner's timeline tells the coach they attended once, and nothing they did not do
    timeline = client.get(f"/coach/learners/{learner.public_id}").get_data(as_text=True)
    assert timeline.count("a assisté à") == 1 and "a annulé" not in timeline


def test_unticking_a_presence_saved_before_ids_were_kept_finds_its_statements(
    client, make_user, app
):
    _trainer, learner, cohort_id, attendance_url = cohort_with_a_session(client, make_user)
    get = lrs_client(app, app.test_client())
    client.post(attendance_url, data={"present": [str(learner.id)]})
    with database(app) as db:  # as the row was before the migration
        row = db.query(Attendance).filter_by(user_id=learner.id).one()
        row.attended_statement_id = None
        db.commit()
    assert len(attended_ids(get, learner)) == 1

    client.post(attendance_url, data={})
    assert attended_ids(get, learner) == []
    assert share(app, cohort_id, learner) == (0, 1)


# --- with an external LRS: the voiding statement waits in the outbox like the others ----------


def test_with_an_external_lrs_the_voiding_statement_follows_the_attended_one(
    lms_with_external_lrs,  # noqa: F811
    external_lrs,  # noqa: F811
):
    live, _key, _secret = external_lrs
    app = lms_with_external_lrs
    with app.test_request_context():
        db = app.extensions["db_session"]()
        tag = uuid.uuid4().hex[:6]
        trainer = create_user(db, f"t{tag}@example.org", PASSWORD, roles=("trainer",))
        learner = create_user(db, f"l{tag}@example.org", PASSWORD, roles=("learner",))
        group = services.create_cohort(
            db, trainer, name="Cohorte Tiznit", course_ids=["think-coop"]
        )
        services.add_member(db, group, learner)
        course_id, module_id = MODULE.split("/")
        meeting = services.add_session(db, group, group.created_at.date(), course_id, module_id)
        db.commit()
        recorder.flush_outbox(db)

        services.take_attendance(db, meeting, {learner.id}, trainer)
        db.commit()
        first = db.get(Attendance, meeting.attendance[0].id).attended_statement_id
        services.take_attendance(db, db.get(CohortSession, meeting.id), set(), trainer)
        db.commit()
        waiting = [row.statement for row in db.query(OutboxStatement).order_by(OutboxStatement.id)]
        assert [s["verb"]["id"] for s in waiting] == [VERBS["attended"][0], VERBS["voided"][0]]
        assert waiting[0]["id"] == first and waiting[1]["object"]["id"] == first
        assert recorder.flush_outbox(db) == (2, 0)

        # read back from the external LRS, as reports do
        agent = recorder.actor_dict(db.get(User, learner.id))
        found = recorder.statements(agent=agent, verb_key="attended", ascending=False)
        assert [s["verb"]["id"] for s in found] == [VERBS["voided"][0]]  # only the correction
    with live.app.app_context():
        lrs = live.app.extensions["db_session"]()
        assert find_statement(lrs, first, voided=False) is None
        assert find_statement(lrs, first, voided=True)["id"] == first
