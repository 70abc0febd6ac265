"""The statements resource: POST, PUT, GET, filters, paging, voiding, formats, headers."""

import json
import uuid
from urllib.parse import quote

from lrs_helpers import make_statement

VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def post(client, headers, statements):
    response = client.post("/xapi/statements", json=statements, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def get(client, headers, query=""):
    response = client.get(f"/xapi/statements{query}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_post_sets_lrs_properties(lrs_client, lrs_auth):
    [statement_id] = post(lrs_client, lrs_auth, make_statement())
    statement = get(lrs_client, lrs_auth, f"?statementId={statement_id}")
    assert statement["id"] == statement_id
    assert statement["stored"].endswith("Z") and statement["timestamp"] == statement["stored"]
    assert statement["version"] == "1.0.0"
    assert statement["authority"]["account"]["homePage"] == "urn:taawun:lrs-client"


def test_put_with_statement_id_and_idempotence(lrs_client, lrs_auth):
    statement_id = str(uuid.uuid4())
    url = f"/xapi/statements?statementId={statement_id}"
    assert lrs_client.put(url, json=make_statement(), headers=lrs_auth).status_code == 204
    # Same id, same statement: accepted, nothing new stored.
    assert lrs_client.put(url, json=make_statement(), headers=lrs_auth).status_code == 204
    assert post(lrs_client, lrs_auth, make_statement(id=statement_id)) == [statement_id]
    assert len(get(lrs_client, lrs_auth)["statements"]) == 1
    other = make_statement(verb={"id": "http://example.org/verbs/other"})
    assert lrs_client.put(url, json=other, headers=lrs_auth).status_code == 409


def test_put_needs_statement_id(lrs_client, lrs_auth):
    response = lrs_client.put("/xapi/statements", json=make_statement(), headers=lrs_auth)
    assert response.status_code == 400
    assert "statementId" in response.get_json()["message"]


def test_unknown_statement_is_404_with_consistent_through(lrs_client, lrs_auth):
    response = lrs_client.get(f"/xapi/statements?statementId={uuid.uuid4()}", headers=lrs_auth)
    assert response.status_code == 404
    assert response.headers["X-Experience-API-Consistent-Through"].endswith("Z")


def test_voiding(lrs_client, lrs_auth):
    [target] = post(lrs_client, lrs_auth, make_statement())
    voiding = make_statement(
        verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": target}
    )
    [voiding_id] = post(lrs_client, lrs_auth, voiding)
    assert (
        lrs_client.get(f"/xapi/statements?statementId={target}", headers=lrs_auth).status_code
        == 404
    )
    assert get(lrs_client, lrs_auth, f"?voidedStatementId={target}")["id"] == target
    assert [s["id"] for s in get(lrs_client, lrs_auth)["statements"]] == [voiding_id]
    # A voiding statement cannot itself be voided.
    again = make_statement(
        verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": voiding_id}
    )
    response = lrs_client.post("/xapi/statements", json=again, headers=lrs_auth)
    assert response.status_code == 400


def test_filters(lrs_client, lrs_auth):
    alice = {"mbox": "mailto:alice@example.org"}
    bob = {"mbox": "mailto:bob@example.org"}
    registration = str(uuid.uuid4())
    [a] = post(lrs_client, lrs_auth, make_statement(actor=alice))
    [b] = post(
        lrs_client,
        lrs_auth,
        make_statement(
            actor=bob,
            verb={"id": "http://example.org/verbs/taught"},
            object={"id": "http://example.org/lesson"},
            context={
                "registration": registration,
                "instructor": alice,
                "contextActivities": {"parent": [{"id": "http://example.org/course"}]},
            },
        ),
    )

    def ids(query):
        return [s["id"] for s in get(lrs_client, lrs_auth, query)["statements"]]

    agent = quote(json.dumps(alice))
    assert ids(f"?agent={agent}") == [a]
    assert ids(f"?agent={agent}&related_agents=true") == [b, a]
    assert ids("?verb=http://example.org/verbs/taught") == [b]
    assert ids("?activity=http://example.org/course") == []
    assert ids("?activity=http://example.org/course&related_activities=true") == [b]
    assert ids(f"?registration={registration}") == [b]
    assert ids("?ascending=true") == [a, b]
    first_stored = get(lrs_client, lrs_auth, f"?statementId={a}")["stored"]
    assert ids(f"?since={quote(first_stored)}") == [b]
    assert ids(f"?until={quote(first_stored)}") == [a]


def test_statement_ref_meets_its_targets_filters(lrs_client, lrs_auth):
    [target] = post(lrs_client, lrs_auth, make_statement(object={"id": "http://example.org/x"}))
    ref = make_statement(
        verb={"id": "http://example.org/verbs/liked"},
        object={"objectType": "StatementRef", "id": target},
    )
    [liking] = post(lrs_client, lrs_auth, ref)
    found = get(lrs_client, lrs_auth, "?activity=http://example.org/x")["statements"]
    assert [s["id"] for s in found] == [liking, target]


def test_more_paging_walks_each_statement_once_while_new_ones_arrive(lrs_client, lrs_auth):
    ids = post(lrs_client, lrs_auth, [make_statement() for _ in range(7)])
    page = get(lrs_client, lrs_auth, "?limit=3")
    seen = [s["id"] for s in page["statements"]]
    post(lrs_client, lrs_auth, [make_statement()])  # arrives during the walk
    while page["more"]:
        response = lrs_client.get(page["more"], headers=lrs_auth)
        page = response.get_json()
        seen += [s["id"] for s in page["statements"]]
    assert seen == list(reversed(ids))


def test_formats(lrs_client, lrs_auth):
    statement = make_statement(
        object={
            "id": "http://example.org/a",
            "definition": {"name": {"en-US": "Course", "fr": "Cours"}},
        }
    )
    [statement_id] = post(lrs_client, lrs_auth, statement)
    ids = get(lrs_client, lrs_auth, f"?statementId={statement_id}&format=ids")
    assert ids["object"] == {"id": "http://example.org/a"}
    assert ids["actor"] == {"objectType": "Agent", "mbox": "mailto:learner@example.org"}
    headers = {**lrs_auth, "Accept-Language": "fr"}
    response = lrs_client.get(
        f"/xapi/statements?statementId={statement_id}&format=canonical", headers=headers
    )
    assert response.get_json()["object"]["definition"]["name"] == {"fr": "Cours"}
    exact = get(lrs_client, lrs_auth, f"?statementId={statement_id}")
    assert exact["object"]["definition"]["name"] == {"en-US": "Course", "fr": "Cours"}


def test_bad_query_parameters(lrs_client, lrs_auth):
    for query in ("?statementid=x", "?limit=-1", "?format=full", "?since=yesterday", "?agent={"):
        assert lrs_client.get(f"/xapi/statements{query}", headers=lrs_auth).status_code == 400
    statement_id = uuid.uuid4()
    query = f"?statementId={statement_id}&verb=http://example.org/v"
    assert lrs_client.get(f"/xapi/statements{query}", headers=lrs_auth).status_code == 400


def test_head_and_last_modified(lrs_client, lrs_auth):
    post(lrs_client, lrs_auth, make_statement())
    response = lrs_client.head("/xapi/statements", headers=lrs_auth)
    assert response.status_code == 200 and response.data == b""
    assert "Last-Modified" in response.headers


def test_version_header(lrs_client, lrs_auth):
    headers = {"Authorization": lrs_auth["Authorization"]}
    assert lrs_client.get("/xapi/statements", headers=headers).status_code == 400
    bad = {**headers, "X-Experience-API-Version": "0.9"}
    assert lrs_client.get("/xapi/statements", headers=bad).status_code == 400
    v2 = {**headers, "X-Experience-API-Version": "2.0.0"}
    response = lrs_client.get("/xapi/statements", headers=v2)
    assert response.headers["X-Experience-API-Version"] == "2.0.0"
    [statement_id] = post(lrs_client, v2, make_statement())
    assert get(lrs_client, v2, f"?statementId={statement_id}")["version"] == "2.0.0"
