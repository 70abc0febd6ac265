"""Finding 1 of issue 13: a learner cannot forge a course completion with the launch credential.

Black-box, as the learner would try it: log in, `GET /launch/xapi`, POST a `completed`
statement on the course with that credential. The LRS keeps it (it is the learner's own
content), but neither the online projection nor `lms rebuild-progress` counts it: the next
course stays locked and the programme view does not count a completion.
"""

from __future__ import annotations

import csv
import io
import uuid

import pytest
import requests

from lms.xapi import recorder
from tests.conftest import PASSWORD, AuthActions, create_user, make_test_app
from tests.lms.cohorts.helpers import complete_course, load_real_courses, login
from tests.lms.test_recorder import external_lrs  # noqa: F401 (fixture)
from xapi_store import auth as lrs_auth

COURSE_IRI = "http://taawun.test/courses/think-coop"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
HEADERS = {"X-Experience-API-Version": "1.0.3"}


def forged_completion(client, registration: str | None) -> dict:
    """POST what a learner's own content could send: think-coop completed, by the learner."""
    launch = client.get("/launch/xapi").get_json()
    statement = {
        "id": str(uuid.uuid4()),
        "actor": launch["actor"],
        "verb": {"id": COMPLETED, "display": {"en": "completed"}},
        "object": {
            "id": COURSE_IRI,
            "definition": {"type": "http://adlnet.gov/expapi/activities/course"},
        },
        "result": {"completion": True},
        "context": {"registration": registration or launch["registration"]},
    }
    response = client.post(
        launch["endpoint"] + "statements",
        json=statement,
        headers={**HEADERS, "Authorization": launch["auth"]},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return statement


def think_coop_completions(client, admin) -> int:
    login(client, admin)
    table = client.get("/programme/courses.csv").get_data(as_text=True)
    rows = {row[0]: row for row in csv.reader(io.StringIO(table.lstrip("\ufeff")))}
    return int(rows["Penser coopérative"][4])  # the Completed column


@pytest.fixture(scope="module", autouse=True)
def content(app):
    load_real_courses(app)


@pytest.fixture
def learner_client(app, make_user):
    learner = make_user("learner")
    client = app.test_client()
    assert AuthActions(client).login(learner).status_code == 302
    return learner, client


@pytest.mark.parametrize("enrolled", [False, True], ids=["not-enrolled", "enrolled"])
def test_forged_completion_counts_neither_online_nor_after_rebuild(
    app, make_user, learner_client, enrolled
):
    learner, client = learner_client
    admin = make_user("admin")
    registration = None
    if enrolled:
        assert client.post("/courses/think-coop/launch").status_code == 302
        registration = _registration(app, learner)
    before = think_coop_completions(app.test_client(), admin)
    forged = forged_completion(client, registration)

    # online: nothing opened, nothing counted
    assert client.post("/courses/start-coop/launch").status_code == 403
    assert think_coop_completions(app.test_client(), admin) == before

    # every rebuild applies the same rule
    result = app.test_cli_runner().invoke(args=["rebuild-progress"])
    assert result.exit_code == 0, result.output
    assert client.post("/courses/start-coop/launch").status_code == 403
    assert think_coop_completions(app.test_client(), admin) == before

    # the statement is kept: the learner's own content, readable with the launch credential
    launch = client.get("/launch/xapi").get_json()
    stored = client.get(
        launch["endpoint"] + "statements",
        query_string={"statementId": forged["id"]},
        headers={**HEADERS, "Authorization": launch["auth"]},
    )
    assert stored.status_code == 200 and stored.get_json()["verb"]["id"] == COMPLETED


def test_the_lms_own_completion_still_opens_the_next_course_after_rebuild(app, learner_client):
    learner, client = learner_client
    complete_course(app, learner)
    assert client.post("/courses/start-coop/launch").status_code == 302
    result = app.test_cli_runner().invoke(args=["rebuild-progress"])
    assert result.exit_code == 0, result.output
    assert client.post("/courses/start-coop/launch").status_code == 302


def _registration(app, learner) -> str:
    from sqlalchemy import select

    from lms.courses.models import CourseProgress

    with app.app_context():
        session = app.extensions["db_session"]()
        found = session.scalar(
            select(CourseProgress.registration).where(
                CourseProgress.user_id == learner.id, CourseProgress.course_id == "think-coop"
            )
        )
        app.extensions["db_session"].remove()
    return found


# --- the same rule with an external LRS ---------------------------------------------------------


@pytest.fixture(scope="module")
def lms_external(database_url, tmp_path_factory, external_lrs):  # noqa: F811
    live, key, secret = external_lrs
    config = {"LRS_ENDPOINT": live.url + "/xapi", "LRS_KEY": key, "LRS_SECRET": secret}
    app = make_test_app(database_url, tmp_path_factory.mktemp("lms-forged"), **config)
    load_real_courses(app)
    yield app
    app.extensions["db_engine"].dispose()


def test_rebuild_refuses_before_the_external_lrs_authority_is_known(lms_external):
    result = lms_external.test_cli_runner().invoke(args=["rebuild-progress"])
    assert result.exit_code == 1 and "lms xapi flush" in result.output


def test_with_an_external_lrs_only_the_lms_statements_count(lms_external, external_lrs):  # noqa: F811
    live, _key, _secret = external_lrs
    app = lms_external
    with app.app_context():
        session = app.extensions["db_session"]()
        learner = create_user(session, "forger@example.org", PASSWORD, roles=("learner",))
        session.commit()
        app.extensions["db_session"].remove()
    client = app.test_client()
    assert AuthActions(client).login(learner).status_code == 302
    assert client.post("/courses/think-coop/launch").status_code == 302  # launched, initialized
    with app.test_request_context():
        assert recorder.flush_outbox(app.extensions["db_session"]()) == (2, 0)
        actor = recorder.actor_dict(learner)
    # content the learner runs holds a credential of the external LRS (not the LMS's)
    with live.app.app_context():
        lrs_session = live.app.extensions["db_session"]()
        key, secret = lrs_auth.create_credential(lrs_session, "authoring-tool", ["all"])
        lrs_session.commit()
    forged = {
        "actor": actor,
        "verb": {"id": COMPLETED, "display": {"en": "completed"}},
        "object": {"id": COURSE_IRI},
        "context": {"registration": str(uuid.uuid4())},
    }
    response = requests.post(
        live.url + "/xapi/statements", json=forged, auth=(key, secret), headers=HEADERS, timeout=10
    )
    assert response.status_code == 200, response.text

    result = app.test_cli_runner().invoke(args=["rebuild-progress"])
    assert result.exit_code == 0, result.output
    assert client.post("/courses/start-coop/launch").status_code == 403
    with app.test_request_context():
        from lms.courses import services as courses

        status = courses.course_status(app.extensions["db_session"](), learner, "think-coop")
        assert status.enrolled and not status.completed  # the LMS's launch counted, not the forgery
