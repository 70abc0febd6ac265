"""Every statement rule: a valid statement is stored, an invalid one gets 400 naming the path."""

import pytest
from lrs_helpers import make_statement

VALID = [
    {},
    {"id": "1b0c7a2e-8f5e-4b8e-9a63-0c3f7f0a9d11"},
    {"actor": {"mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"}},
    {"actor": {"openid": "http://openid.example.org/learner"}},
    {"actor": {"account": {"homePage": "http://lms.example", "name": "u1"}}},
    {
        "actor": {
            "objectType": "Group",
            "member": [{"mbox": "mailto:a@example.org"}, {"mbox": "mailto:b@example.org"}],
        }
    },
    {"object": {"objectType": "Agent", "mbox": "mailto:peer@example.org"}},
    {"object": {"objectType": "StatementRef", "id": "1b0c7a2e-8f5e-4b8e-9a63-0c3f7f0a9d11"}},
    {
        "object": {
            "objectType": "SubStatement",
            "actor": {"mbox": "mailto:a@example.org"},
            "verb": {"id": "http://example.org/verbs/plan"},
            "object": {"id": "http://example.org/activities/x"},
        }
    },
    {
        "object": {
            "id": "http://example.org/q1",
            "definition": {
                "interactionType": "choice",
                "correctResponsesPattern": ["a"],
                "choices": [{"id": "a", "description": {"fr": "Oui"}}, {"id": "b"}],
            },
        }
    },
    {"result": {"score": {"scaled": 0.5, "raw": 5, "min": 0, "max": 10}, "duration": "PT1H2M3.5S"}},
    {"result": {"duration": "P2W"}},
    {"context": {"registration": "1b0c7a2e-8f5e-4b8e-9a63-0c3f7f0a9d11", "language": "ar-MA"}},
    {"context": {"contextActivities": {"parent": {"id": "http://example.org/course"}}}},
    {"timestamp": "2026-11-23T10:00:00.123+01:00"},
    {"timestamp": "20261123T100000Z"},
    {"version": "1.0.3"},
    {"result": {"extensions": {"http://example.org/ext": None}}},
]

INVALID = [
    ({"actor": {"mbox": "learner@example.org"}}, "statement.actor.mbox: must be a mailto: IRI"),
    ({"actor": {"name": "no identifier"}}, "statement.actor: an Agent needs exactly one"),
    (
        {"actor": {"mbox": "mailto:a@example.org", "openid": "http://o.example"}},
        "statement.actor: an Agent needs exactly one",
    ),
    ({"actor": {"objectType": "Group"}}, "statement.actor.member: is required"),
    ({"verb": {"id": "not an iri"}}, "statement.verb.id: must be an absolute IRI"),
    ({"verb": {"id": "http://v.example", "display": {"not a tag!": "x"}}}, "display.not a tag!"),
    ({"object": {"id": "http://a.example", "objectType": "Thing"}}, "statement.object.objectType"),
    ({"id": "not-a-uuid"}, "statement.id: must be a UUID"),
    ({"timestamp": "2026-11-23T10:00:00-00:00"}, "negative zero offset"),
    ({"timestamp": "yesterday"}, "statement.timestamp: must be an ISO 8601 timestamp"),
    ({"result": {"duration": "P1W2D"}}, "statement.result.duration"),
    ({"result": {"score": {"scaled": 1.5}}}, "statement.result.score.scaled"),
    ({"result": {"score": {"raw": 11, "max": 10}}}, "statement.result.score.raw"),
    ({"result": {"score": {"min": 5, "max": 1}}}, "statement.result.score.max"),
    ({"result": {"success": "yes"}}, "statement.result.success: must be true or false"),
    ({"context": {"registration": "nope"}}, "statement.context.registration: must be a UUID"),
    (
        {"object": {"objectType": "Agent", "mbox": "mailto:a@b.c"}, "context": {"platform": "x"}},
        "statement.context.platform: is only allowed when the object is an Activity",
    ),
    ({"context": {"team": {"mbox": "mailto:a@b.c"}}}, "statement.context.team.objectType"),
    ({"context": {"extensions": {"notiri": 1}}}, "statement.context.extensions.notiri"),
    ({"unknown": 1}, "statement.unknown: is not a property allowed here"),
    ({"version": "3.0.0"}, "statement.version"),
    ({"result": None}, "statement.result: must not be null"),
    (
        {
            "object": {
                "id": "http://example.org/q1",
                "definition": {"interactionType": "true-false", "choices": [{"id": "a"}]},
            }
        },
        "statement.object.definition.choices: is not allowed for interactionType 'true-false'",
    ),
    (
        {
            "object": {
                "objectType": "SubStatement",
                "id": "1b0c7a2e-8f5e-4b8e-9a63-0c3f7f0a9d11",
                "actor": {"mbox": "mailto:a@example.org"},
                "verb": {"id": "http://example.org/verbs/plan"},
                "object": {"id": "http://example.org/activities/x"},
            }
        },
        "statement.object.id: is not allowed in a SubStatement",
    ),
    (
        {"verb": {"id": "http://adlnet.gov/expapi/verbs/voided"}},
        "a voiding statement's object must be a StatementRef",
    ),
    (
        {
            "authority": {
                "objectType": "Group",
                "mbox": "mailto:g@example.org",
                "member": [{"mbox": "mailto:a@b.c"}, {"mbox": "mailto:d@e.f"}],
            }
        },
        "statement.authority: an authority Group must be anonymous",
    ),
]


@pytest.mark.parametrize("overrides", VALID)
def test_valid_statement_is_stored(lrs_client, lrs_auth, overrides):
    response = lrs_client.post(
        "/xapi/statements", json=make_statement(**overrides), headers=lrs_auth
    )
    assert response.status_code == 200, response.get_json()
    [statement_id] = response.get_json()
    got = lrs_client.get(f"/xapi/statements?statementId={statement_id}", headers=lrs_auth)
    assert got.status_code == 200
    assert got.get_json()["id"] == statement_id


@pytest.mark.parametrize(("overrides", "message"), INVALID)
def test_invalid_statement_is_rejected_naming_the_path(lrs_client, lrs_auth, overrides, message):
    response = lrs_client.post(
        "/xapi/statements", json=make_statement(**overrides), headers=lrs_auth
    )
    assert response.status_code == 400
    assert message in response.get_json()["message"]


def test_rejected_batch_stores_nothing(lrs_client, lrs_auth):
    batch = [make_statement(), make_statement(), make_statement(actor={"mbox": "x"})]
    response = lrs_client.post("/xapi/statements", json=batch, headers=lrs_auth)
    assert response.status_code == 400
    assert response.get_json()["message"].startswith("statements[2].actor.mbox:")
    listing = lrs_client.get("/xapi/statements", headers=lrs_auth).get_json()
    assert listing["statements"] == []
