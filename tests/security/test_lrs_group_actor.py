"""Finding 3 (issue 13): a launch credential writes only as its own Agent, never as a Group.

A Group carrying the learner's own account as its IFI and another learner as `member` passed the
old "own actor" check, and the statement then met agent filters for the other learner.
"""

from __future__ import annotations

import json

import pytest

from tests.security.lrs_clients import is_xapi_error, launch, lrs_client_headers, statement


def _group_shapes(own: dict, other: dict) -> list[dict]:
    account = own["account"]
    return [
        {"objectType": "Group", "account": account, "member": [other]},
        {"objectType": "Group", "account": account, "member": [own, other]},
        {"objectType": "Group", "account": account},
        {"objectType": "Group", "member": [own]},
    ]


def _stored(app, statement_id: str) -> bool:
    admin = lrs_client_headers(app)
    found = app.test_client().get(f"/xapi/statements?statementId={statement_id}", headers=admin)
    return found.status_code == 200


@pytest.mark.parametrize("shape", range(4))
@pytest.mark.parametrize("method", ["POST", "PUT", "POST batch"])
def test_finding3_launch_credential_cannot_write_as_a_group(app, make_user, shape, method):
    headers, own = launch(app, make_user())
    _, other = launch(app, make_user())
    group = _group_shapes(own, other)[shape]
    forged = statement(group)
    lrs = app.test_client()
    if method == "PUT":
        answer = lrs.put(
            f"/xapi/statements?statementId={forged['id']}", json=forged, headers=headers
        )
    elif method == "POST":
        answer = lrs.post("/xapi/statements", json=forged, headers=headers)
    else:
        honest = statement(own)
        answer = lrs.post("/xapi/statements", json=[honest, forged], headers=headers)
        assert not _stored(app, honest["id"]), "a refused batch stores nothing"
    assert is_xapi_error(answer, 403), answer.data
    assert "Agent" in answer.get_json()["message"]
    assert not _stored(app, forged["id"])
    # The other learner's timeline (an agent filter, related agents included) stays clean.
    admin = lrs_client_headers(app)
    timeline = lrs.get(
        "/xapi/statements",
        query_string={"agent": json.dumps(other), "related_agents": "true"},
        headers=admin,
    )
    assert timeline.get_json()["statements"] == []


def test_finding3_own_agent_still_writes_and_reads_back_its_statements(app, make_user):
    headers, own = launch(app, make_user())
    lrs = app.test_client()
    without_type = {key: value for key, value in own.items() if key != "objectType"}
    single = statement(own)
    put = lrs.put(f"/xapi/statements?statementId={single['id']}", json=single, headers=headers)
    assert put.status_code == 204
    batch = [statement(own), statement(without_type)]
    posted = lrs.post("/xapi/statements", json=batch, headers=headers)
    assert posted.status_code == 200 and len(posted.get_json()) == 2
    # statements/read/mine: the credential reads back what it wrote, one by one and listed.
    one = lrs.get(f"/xapi/statements?statementId={single['id']}", headers=headers)
    assert one.status_code == 200 and one.get_json()["id"] == single["id"]
    listed = lrs.get("/xapi/statements", headers=headers).get_json()["statements"]
    assert {s["id"] for s in listed} == {single["id"], *(s["id"] for s in batch)}
