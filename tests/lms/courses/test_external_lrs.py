"""With an external LRS the player works the same, and rebuild-progress reads it back."""

from __future__ import annotations

import pytest

from lms.xapi import recorder
from tests.conftest import PASSWORD, AuthActions, create_user, make_test_app
from tests.lms.courses.fixtures import write_course
from tests.lms.courses.helpers import read_pages, take_quiz
from tests.lms.courses.test_statements import _projection
from tests.lms.test_recorder import external_lrs  # noqa: F401 (fixture)


@pytest.fixture(scope="module")
def lms(database_url, tmp_path_factory, external_lrs):  # noqa: F811
    live, key, secret = external_lrs
    config = {"LRS_ENDPOINT": live.url + "/xapi", "LRS_KEY": key, "LRS_SECRET": secret}
    app = make_test_app(database_url, tmp_path_factory.mktemp("lms-ext"), **config)
    root = tmp_path_factory.mktemp("content")
    write_course(root, "demo-course")
    assert app.test_cli_runner().invoke(args=["load-content", str(root)]).exit_code == 0
    yield app
    app.extensions["db_engine"].dispose()


def test_progress_rebuilt_from_an_external_lrs_matches(lms):
    with lms.app_context():
        session = lms.extensions["db_session"]()
        learner = create_user(session, "external@example.org", PASSWORD, roles=("learner",))
        session.commit()
        lms.extensions["db_session"].remove()
    client = lms.test_client()
    AuthActions(client).login(learner)
    client.post("/courses/demo-course/launch")
    read_pages(client, lms, "demo-course", "start")
    take_quiz(client, lms, "demo-course", "start", wrong=5)
    take_quiz(client, lms, "demo-course", "start")
    other = lms.test_client()  # resume from the external LRS's State resource
    AuthActions(other).login(learner)
    location = other.post("/courses/demo-course/launch").headers["Location"]
    # the State says "the quiz of module start"; it is passed, so resuming goes to what follows
    assert location.endswith("/courses/demo-course/modules/start/activity")

    with lms.test_request_context():
        session = lms.extensions["db_session"]()
        assert recorder.flush_outbox(session)[1] == 0
    before = _projection(lms)
    assert before[1][0][4] == 1.0 and before[1][0][5] == 2  # best score, attempts
    result = lms.test_cli_runner().invoke(args=["rebuild-progress"])
    assert result.exit_code == 0, result.output
    assert _projection(lms) == before
