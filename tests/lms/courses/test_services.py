"""The services other features rely on: statuses (one learner and many), handouts, path steps."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from lms.auth.models import User
from lms.courses import services
from tests.conftest import AuthActions
from tests.lms.courses.helpers import read_pages, take_quiz


@pytest.fixture
def session(app):
    with app.test_request_context():
        yield app.extensions["db_session"]()


def _count_queries(app):
    engine = app.extensions["db_engine"]
    seen = []

    def before(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    return seen, lambda: event.remove(engine, "before_cursor_execute", before)


def test_course_statuses_for_many_learners_take_two_queries(app, courses, make_user):
    learners = [make_user("learner") for _ in range(3)]
    client = app.test_client()
    AuthActions(client).login(learners[0])
    read_pages(client, app, "demo-course", "start")
    take_quiz(client, app, "demo-course", "start")
    with app.test_request_context():
        session = app.extensions["db_session"]()
        course = services.get_course(session, "demo-course")  # kept in the identity map
        seen, stop = _count_queries(app)
        statuses = services.course_statuses(session, [u.id for u in learners], "demo-course")
        stop()
    assert course is not None and len(seen) <= 2, seen
    first = statuses[learners[0].id]
    assert first.enrolled and first.registration
    start = first.module("start")
    assert (start.pages_seen, start.pages_total, start.quiz_passed, start.completed) == (
        2,
        2,
        True,
        True,
    )
    assert start.quiz_best == 1.0 and start.quiz_attempts == 1 and start.last_page == "02-second"
    assert first.progress == 50 and not first.completed
    assert not statuses[learners[1].id].enrolled and statuses[learners[1].id].progress == 0
    with app.test_request_context():
        found = services.enrolments(app.extensions["db_session"](), ["demo-course"])
    mine = [e for e in found if e.user_id in {u.id for u in learners}]
    assert [(e.user_id, e.course_id, e.completed) for e in mine] == [
        (learners[0].id, "demo-course", False)
    ]
    assert mine[0].registration == first.registration


def test_module_content_gives_a_printable_handout(app, courses, session):
    content = services.module_content(session, "demo-course", "start", "en")
    assert content["title"] == "Module start"
    assert content["activity"]["title"] == "Our problem"
    assert "<strong>Talk</strong>" in content["activity"]["instructions"]
    assert "<strong>en</strong>" in content["activity"]["facilitator_notes"]
    assert [p["id"] for p in content["pages"]] == ["01-first", "02-second"]
    assert "Some text in en." in content["pages"][0]["html"]
    assert services.module_content(session, "demo-course", "nowhere") is None


def test_list_courses_and_modules(app, courses, session):
    ids = [c.id for c in services.list_courses(session)]
    assert ids.index("demo-course") < ids.index("next-course")
    modules = services.course_modules(session, "demo-course")
    assert [(m.id, m.title["en"]) for m in modules] == [
        ("start", "Module start"),
        ("next", "Module next"),
    ]


def test_path_steps_say_done_open_or_locked(app, client, make_user, courses):
    from lms.courses import step_status

    learner = make_user("learner")
    with app.test_request_context():
        user = app.extensions["db_session"]().get(User, learner.id)
        missing = step_status(user, "no-such-course")
        assert not missing.unlocked
    client.set_cookie("lang", "en")
    AuthActions(client).login(learner)
    html = client.get("/path").get_data(as_text=True)
    assert "Think.COOP" in html  # not loaded here: its fallback name, locked
    assert "This course is not available yet." in html
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        user = app.extensions["db_session"]().get(User, learner.id)
        locked = step_status(user, "next-course")
        assert not locked.unlocked and "Course demo-course" in str(locked.hint)
        opened = step_status(user, "demo-course")
        assert opened.unlocked and not opened.done and "Not started" in str(opened.hint)
