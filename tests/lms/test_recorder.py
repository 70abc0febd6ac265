"""The LMS's recorder: statements built with tincan, stored with the user's action, or queued
for an external LRS and delivered in order when it answers."""

from __future__ import annotations

import uuid

import pytest
import tincan

import xapi_store
from lms.auth.models import User
from lms.xapi import recorder
from lms.xapi.models import OutboxStatement
from tests.browser.conftest import LiveServer
from tests.conftest import make_test_app
from xapi_store import auth as lrs_auth
from xapi_store.errors import XAPIError


def _experienced(user, page: str) -> tincan.Statement:
    return recorder.statement(
        user,
        "experienced",
        recorder.activity(
            recorder.activity_iri("courses", "think-coop", "pages", page),
            "lesson",
            {"fr": f"Page {page}", "en": f"Page {page}"},
        ),
        ctx=recorder.context(registration=str(uuid.uuid4()), language="fr"),
    )


def test_statements_are_stored_in_the_users_transaction(app, make_user):
    user = make_user()
    with app.test_request_context():
        session = app.extensions["db_session"]()
        learner = session.get(User, user.id)
        recorder.record(_experienced(learner, "kept"))
        session.commit()
        recorder.record(_experienced(learner, "rolled-back"))
        session.rollback()
        found = list(recorder.statements(agent=recorder.actor_dict(learner)))
    names = [s["object"]["definition"]["name"]["en"] for s in found]
    assert names == ["Page kept"]
    statement = found[0]
    assert statement["actor"] == {
        "objectType": "Agent",
        "account": {"homePage": "http://taawun.test", "name": learner.public_id},
    }
    assert "@" not in str(statement["actor"]) and learner.email not in str(statement)
    assert statement["verb"]["id"] == "http://adlnet.gov/expapi/verbs/experienced"
    assert statement["context"]["platform"] == "Taawun"
    assert statement["authority"]["account"]["name"] == "taawun-lms"


def test_an_invalid_statement_is_refused_with_its_path(app, make_user):
    user = make_user()
    with app.test_request_context():
        learner = app.extensions["db_session"]().get(User, user.id)
        bad = recorder.to_dict(_experienced(learner, "x"))
        bad["object"]["id"] = "not an iri"
        with pytest.raises(XAPIError) as error:
            recorder.record(bad)
    assert "object" in str(error.value)


def test_state_documents_round_trip(app, make_user):
    user = make_user()
    registration = str(uuid.uuid4())
    with app.test_request_context():
        session = app.extensions["db_session"]()
        agent = recorder.actor_dict(session.get(User, user.id))
        iri = recorder.activity_iri("courses", "think-coop")
        assert recorder.get_state(iri, agent, "bookmark", registration) is None
        recorder.put_state(iri, agent, "bookmark", {"page": "02-values"}, registration)
        session.commit()
        assert recorder.get_state(iri, agent, "bookmark", registration) == {"page": "02-values"}


@pytest.fixture(scope="module")
def external_lrs(tmp_path_factory):
    """A second, separate LRS (xapi_store served alone) with a credential for the LMS."""
    folder = tmp_path_factory.mktemp("external-lrs")
    lrs = xapi_store.create_app(f"sqlite:///{folder / 'lrs.sqlite3'}")
    with lrs.app_context():
        session = lrs.extensions["db_session"]()
        key, secret = lrs_auth.create_credential(session, "taawun-lms", ["all"])
        session.commit()
    with LiveServer(lrs) as live:
        yield live, key, secret


@pytest.fixture(scope="module")
def lms_with_external_lrs(database_url, tmp_path_factory, external_lrs):
    live, key, secret = external_lrs
    app = make_test_app(
        database_url,
        tmp_path_factory.mktemp("lms-external"),
        LRS_ENDPOINT=live.url + "/xapi",
        LRS_KEY=key,
        LRS_SECRET=secret,
    )
    yield app
    app.extensions["db_engine"].dispose()


def _external_statements(lrs_app) -> list[dict]:
    with lrs_app.app_context():
        from xapi_store import api

        return api.query_statements(lrs_app.extensions["db_session"](), ascending=True)


def test_external_lrs_down_then_back_nothing_lost_and_order_kept(
    lms_with_external_lrs, external_lrs
):
    live, key, secret = external_lrs
    app = lms_with_external_lrs
    with app.test_request_context():
        session = app.extensions["db_session"]()
        from lms.auth.services import create_user

        learner = create_user(session, f"ext{uuid.uuid4().hex[:6]}@example.org", "long-password")
        ids = [recorder.record(_experienced(learner, f"p{i}")) for i in range(5)]
        session.commit()
        assert session.query(OutboxStatement).count() == 5

        lrs = app.extensions["lrs_backend"]
        lrs.endpoint = "http://127.0.0.1:9/xapi/"  # nobody listens there
        assert recorder.flush_outbox(session) == (0, 5)
        assert session.query(OutboxStatement).filter(OutboxStatement.attempts > 0).count() == 5

        lrs.endpoint = live.url + "/xapi/"
        assert recorder.flush_outbox(session) == (5, 0)
        delivered = [s["id"] for s in _external_statements(live.app)]
        assert delivered[-5:] == ids

        # Reading back goes to the external LRS too.
        read = list(recorder.statements(agent=recorder.actor_dict(learner)))
        assert [s["id"] for s in read] == ids


def test_external_state_round_trip(lms_with_external_lrs):
    app = lms_with_external_lrs
    with app.test_request_context():
        agent = {"objectType": "Agent", "account": {"homePage": "http://taawun.test", "name": "x1"}}
        iri = recorder.activity_iri("courses", "start-coop")
        recorder.put_state(iri, agent, "bookmark", {"module": "03"})
        assert recorder.get_state(iri, agent, "bookmark") == {"module": "03"}


def test_flush_command_reports_what_is_left(lms_with_external_lrs):
    runner = lms_with_external_lrs.test_cli_runner()
    result = runner.invoke(args=["xapi", "flush"])
    assert result.exit_code == 0 and "still waiting" in result.output
