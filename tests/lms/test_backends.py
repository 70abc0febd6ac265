"""The same cases against each LRS backend: the built-in store and a remote LRS over HTTP.

Code above the seam never asks which backend it has, so each behaviour here must hold for both.
"""

from __future__ import annotations

import uuid

import pytest

from lms.auth.services import create_user
from lms.xapi import projections, recorder
from lms.xapi.vocabulary import VERBS
from tests.conftest import PASSWORD, make_test_app
from tests.lms.test_recorder import _experienced, external_lrs  # noqa: F401 (fixture)


@pytest.fixture(scope="module", params=["built-in", "remote"])
def lms(request, database_url, tmp_path_factory):
    config = {}
    if request.param == "remote":
        live, key, secret = request.getfixturevalue("external_lrs")
        config = {"LRS_ENDPOINT": live.url + "/xapi", "LRS_KEY": key, "LRS_SECRET": secret}
    app = make_test_app(database_url, tmp_path_factory.mktemp("lms-backend"), **config)
    yield app
    app.extensions["db_engine"].dispose()


def _learner(app):
    session = app.extensions["db_session"]()
    return create_user(session, f"b{uuid.uuid4().hex[:8]}@example.org", PASSWORD)


def _deliver(app):
    session = app.extensions["db_session"]()
    session.commit()
    recorder.flush_outbox(session)


def test_statements_recorded_are_read_back_in_order(lms):
    with lms.test_request_context():
        learner = _learner(lms)
        ids = recorder.record_many([_experienced(learner, f"p{i}") for i in range(3)])
        _deliver(lms)
        agent = recorder.actor_dict(learner)
        assert [s["id"] for s in recorder.statements(agent=agent)] == ids
        newest = recorder.statements(agent=agent, verb_key="experienced", ascending=False)
        assert [s["id"] for s in newest] == ids[::-1]


def test_the_lms_statements_carry_the_authority_it_counts(lms):
    with lms.test_request_context():
        learner = _learner(lms)
        recorder.record(_experienced(learner, "mine"))
        _deliver(lms)
        ours = recorder.own_authorities()
        found = list(recorder.statements(agent=recorder.actor_dict(learner)))
        assert ours and all(projections.is_counted(s, ours) for s in found)
        lrs = recorder.backend()
        session = lms.extensions["db_session"]()
        iri = VERBS["experienced"][0]
        replayed = [s["id"] for s in lrs.statements_with_verbs(session, [iri])]
        assert found[0]["id"] in replayed


def test_state_round_trip(lms):
    with lms.test_request_context():
        learner = _learner(lms)
        agent, iri = recorder.actor_dict(learner), recorder.activity_iri("courses", "think-coop")
        registration = str(uuid.uuid4())
        assert recorder.get_state(iri, agent, "bookmark", registration) is None
        recorder.put_state(iri, agent, "bookmark", {"page": "02"}, registration)
        _deliver(lms)
        assert recorder.get_state(iri, agent, "bookmark", registration) == {"page": "02"}
        assert recorder.get_state(iri, agent, "bookmark", str(uuid.uuid4())) is None
