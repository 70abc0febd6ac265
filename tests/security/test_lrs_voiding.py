"""Finding 4 (issue 13): a launch credential voids only statements it wrote itself.

Learner A's launch credential voided learner B's `passed` statement, and B lost the quiz at the
next rebuild. Voiding (xAPI Data 2.3.2) stays open to the credential for its own statements.
"""

from __future__ import annotations

import uuid

from tests.security.lrs_clients import (
    PASSED,
    is_xapi_error,
    launch,
    lrs_client_headers,
    statement,
    voiding,
)
from xapi_store import api

LMS_AUTHORITY = {
    "objectType": "Agent",
    "account": {"homePage": "http://taawun.test", "name": "taawun-lms"},
}


def _lms_records(app, data: dict) -> str:
    """A statement the LMS itself stores (recorder authority), as when a quiz is passed."""
    with app.app_context():
        session = app.extensions["db_session"]
        [statement_id] = api.store_statements(session, [data], authority=LMS_AUTHORITY)
        session.commit()
        app.extensions["db_session"].remove()
    return statement_id


def _still_counts(app, statement_id: str) -> bool:
    admin = lrs_client_headers(app)
    found = app.test_client().get(f"/xapi/statements?statementId={statement_id}", headers=admin)
    return found.status_code == 200


def test_finding4_launch_credential_cannot_void_another_learners_statement(app, make_user):
    headers, actor_a = launch(app, make_user())
    _, actor_b = launch(app, make_user())
    passed_b = _lms_records(app, statement(actor_b, PASSED))
    answer = app.test_client().post(
        "/xapi/statements", json=voiding(actor_a, passed_b), headers=headers
    )
    assert is_xapi_error(answer, 403), answer.data
    assert "void" in answer.get_json()["message"]
    assert _still_counts(app, passed_b)


def test_finding4_learner_cannot_void_the_lms_statement_about_themself(app, make_user):
    headers, actor = launch(app, make_user())
    own_pass = _lms_records(app, statement(actor, PASSED))
    target = voiding(actor, own_pass)
    answer = app.test_client().put(
        f"/xapi/statements?statementId={target['id']}", json=target, headers=headers
    )
    assert is_xapi_error(answer, 403)
    assert _still_counts(app, own_pass)


def test_finding4_void_of_a_statement_not_stored_yet_is_refused(app, make_user):
    # Otherwise the voiding waits in the LRS and voids the LMS's statement when it arrives.
    headers, actor = launch(app, make_user())
    answer = app.test_client().post(
        "/xapi/statements", json=voiding(actor, str(uuid.uuid4())), headers=headers
    )
    assert is_xapi_error(answer, 403)


def test_finding4_refused_voiding_in_a_batch_stores_nothing(app, make_user):
    headers, actor_a = launch(app, make_user())
    _, actor_b = launch(app, make_user())
    lrs = app.test_client()
    own = statement(actor_a)
    assert lrs.post("/xapi/statements", json=own, headers=headers).status_code == 200
    passed_b = _lms_records(app, statement(actor_b, PASSED))
    batch = [voiding(actor_a, own["id"]), voiding(actor_a, passed_b)]
    answer = lrs.post("/xapi/statements", json=batch, headers=headers)
    assert is_xapi_error(answer, 403)
    assert _still_counts(app, own["id"]) and _still_counts(app, passed_b)


def test_finding4_launch_credential_voids_its_own_statements(app, make_user):
    headers, actor = launch(app, make_user())
    lrs = app.test_client()
    earlier, in_batch = statement(actor), statement(actor)
    assert lrs.post("/xapi/statements", json=earlier, headers=headers).status_code == 200
    batch = [in_batch, voiding(actor, earlier["id"]), voiding(actor, in_batch["id"])]
    assert lrs.post("/xapi/statements", json=batch, headers=headers).status_code == 200
    assert not _still_counts(app, earlier["id"]) and not _still_counts(app, in_batch["id"])
    voided = lrs.get(f"/xapi/statements?voidedStatementId={earlier['id']}", headers=headers)
    assert voided.status_code == 200


def test_finding4_lrs_client_with_full_scope_still_voids_any_statement(app, make_user):
    _, actor = launch(app, make_user())
    passed = _lms_records(app, statement(actor, PASSED))
    admin = lrs_client_headers(app)
    answer = app.test_client().post("/xapi/statements", json=voiding(actor, passed), headers=admin)
    assert answer.status_code == 200
    assert not _still_counts(app, passed)
