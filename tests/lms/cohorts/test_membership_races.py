"""Joining or leaving a cohort twice at the same moment: one move counts, the other is told."""

from __future__ import annotations

import html
from contextlib import contextmanager

from sqlalchemy import event, text

from tests.lms.cohorts.helpers import create_cohort, database, login
from tests.lms.cohorts.test_cohorts import statements


@contextmanager
def meanwhile(app, table_write: str, other_write: str, **params):
    """Run `other_write` in another connection just before this request's `table_write`.

    It stands for a second request (another tap, the trainer) that read the same membership
    and committed first: the window a check-then-write leaves open.
    """
    engine = app.extensions["db_engine"]
    done = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if not done and statement.lstrip().upper().startswith(table_write):
            done.append(statement)
            with engine.begin() as other:
                other.execute(text(other_write), params)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", before)
    assert done, f"this request never wrote {table_write}"


def _members(app, cohort_id):
    with database(app) as db:
        return (
            db.execute(
                text("SELECT user_id FROM cohort_members WHERE cohort_id = :c"), {"c": cohort_id}
            )
            .scalars()
            .all()
        )


def _by(user, found: list[dict]) -> list[dict]:
    return [s for s in found if s["actor"]["account"]["name"] == user.public_id]


def test_a_learner_joining_twice_at_once_is_in_once_and_told_so(client, make_user, app):
    trainer, learner = make_user("trainer"), make_user("learner")
    cohort_id, code = create_cohort(client, trainer, name="Cohorte Tiznit")
    login(client, learner)
    other_tap = (
        "INSERT INTO cohort_members (cohort_id, user_id, joined_at) "
        "VALUES (:c, :u, CURRENT_TIMESTAMP)"
    )
    with meanwhile(app, "INSERT INTO COHORT_MEMBERS", other_tap, c=cohort_id, u=learner.id):
        response = client.post(f"/join/{code}", follow_redirects=True)
    assert response.status_code == 200
    assert "Vous êtes déjà dans cette cohorte." in html.unescape(response.get_data(as_text=True))
    assert _members(app, cohort_id) == [learner.id]
    assert _by(learner, statements(app, "joined")) == []  # the other request's join counts


def test_a_learner_removed_twice_at_once_is_removed_once(client, make_user, app):
    trainer, learner = make_user("trainer"), make_user("learner")
    cohort_id, code = create_cohort(client, trainer, name="Cohorte Taroudant")
    login(client, learner)
    client.post(f"/join/{code}")
    login(client, trainer)
    other_click = "DELETE FROM cohort_members WHERE cohort_id = :c AND user_id = :u"
    with meanwhile(app, "DELETE FROM COHORT_MEMBERS", other_click, c=cohort_id, u=learner.id):
        response = client.post(
            f"/cohorts/{cohort_id}/members/{learner.public_id}/remove", follow_redirects=True
        )
    assert response.status_code == 200
    assert "n'est pas dans la cohorte" in html.unescape(response.get_data(as_text=True))
    assert _members(app, cohort_id) == []
    assert _by(learner, statements(app, "left")) == []  # the request that removed her records it
