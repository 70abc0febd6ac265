"""About, activities, agents, credentials and scopes, CORS and the alternate request syntax."""

import json
import uuid
from urllib.parse import quote, urlencode

from lrs_helpers import basic, make_statement


def test_about_needs_no_credentials(lrs_client):
    response = lrs_client.get("/xapi/about")
    assert response.status_code == 200
    assert "1.0.3" in response.get_json()["version"]
    assert "2.0.0" in response.get_json()["version"]


def test_activities_resource_merges_definitions(lrs_client, lrs_auth):
    activity = "http://example.org/meeting"
    for language, name in (("en-US", "meeting"), ("fr", "réunion")):
        statement = make_statement(
            object={"id": activity, "definition": {"name": {language: name}}}
        )
        lrs_client.post("/xapi/statements", json=statement, headers=lrs_auth)
    response = lrs_client.get(f"/xapi/activities?activityId={activity}", headers=lrs_auth)
    assert response.get_json()["definition"]["name"] == {"en-US": "meeting", "fr": "réunion"}
    unknown = lrs_client.get("/xapi/activities?activityId=http://x.example/y", headers=lrs_auth)
    assert unknown.get_json() == {"objectType": "Activity", "id": "http://x.example/y"}


def test_agents_resource_returns_a_person(lrs_client, lrs_auth):
    agent = quote(json.dumps({"mbox": "mailto:a@example.org", "name": "A"}))
    person = lrs_client.get(f"/xapi/agents?agent={agent}", headers=lrs_auth).get_json()
    assert person == {"objectType": "Person", "name": ["A"], "mbox": ["mailto:a@example.org"]}


def test_credentials_and_scopes(lrs_client, lrs_credentials):
    headers = {"X-Experience-API-Version": "1.0.3"}
    assert lrs_client.get("/xapi/statements", headers=headers).status_code == 401
    wrong = {**headers, "Authorization": basic("nobody", "nothing")}
    response = lrs_client.get("/xapi/statements", headers=wrong)
    assert response.status_code == 401 and "WWW-Authenticate" in response.headers
    writer = {**headers, "Authorization": basic(*lrs_credentials("statements/write"))}
    assert (
        lrs_client.post("/xapi/statements", json=make_statement(), headers=writer).status_code
        == 200
    )
    assert lrs_client.get("/xapi/statements", headers=writer).status_code == 403
    reader = {**headers, "Authorization": basic(*lrs_credentials("statements/read"))}
    assert lrs_client.get("/xapi/statements", headers=reader).status_code == 200
    assert (
        lrs_client.post("/xapi/statements", json=make_statement(), headers=reader).status_code
        == 403
    )
    state_url = "/xapi/activities/state?" + urlencode(
        {"activityId": "http://a.example", "agent": '{"mbox":"mailto:a@b.c"}', "stateId": "s"}
    )
    assert lrs_client.put(state_url, json={}, headers=reader).status_code == 403
    state = {**headers, "Authorization": basic(*lrs_credentials("state"))}
    assert lrs_client.put(state_url, json={}, headers=state).status_code == 204


def test_read_mine_sees_only_own_statements(lrs_client, lrs_credentials, lrs_auth):
    lrs_client.post("/xapi/statements", json=make_statement(), headers=lrs_auth)
    mine = {
        "X-Experience-API-Version": "1.0.3",
        "Authorization": basic(*lrs_credentials("statements/write", "statements/read/mine")),
    }
    response = lrs_client.post("/xapi/statements", json=make_statement(), headers=mine)
    listing = lrs_client.get("/xapi/statements", headers=mine).get_json()["statements"]
    assert [s["id"] for s in listing] == response.get_json()


def test_cors_preflight_and_headers(lrs_client, lrs_auth):
    response = lrs_client.options(
        "/xapi/statements",
        headers={"Origin": "http://content.example", "Access-Control-Request-Method": "POST"},
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-Experience-API-Version" in response.headers["Access-Control-Allow-Headers"]
    got = lrs_client.get("/xapi/statements", headers=lrs_auth)
    assert "ETag" in got.headers["Access-Control-Expose-Headers"]


def test_alternate_request_syntax(lrs_client, lrs_auth):
    statement_id = str(uuid.uuid4())
    form = {
        "statementId": statement_id,
        "content": json.dumps(make_statement()),
        **lrs_auth,
    }
    response = lrs_client.post(
        "/xapi/statements?method=PUT",
        data=urlencode(form),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 204, response.get_json()
    response = lrs_client.post(
        "/xapi/statements?method=GET",
        data=urlencode({"statementId": statement_id, **lrs_auth}),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.get_json()["id"] == statement_id
    extra = lrs_client.post(
        f"/xapi/statements?method=PUT&statementId={statement_id}",
        data=urlencode(form),
        content_type="application/x-www-form-urlencoded",
    )
    assert extra.status_code == 400


def test_unknown_resource_is_404(lrs_client, lrs_auth):
    assert lrs_client.get("/xapi/nothing", headers=lrs_auth).status_code == 404


def test_revoked_credential_is_refused_at_once_even_when_cached(lrs_app, lrs_client, lrs_auth):
    import base64

    from xapi_store import auth

    assert lrs_client.get("/xapi/statements", headers=lrs_auth).status_code == 200  # now cached
    token = lrs_auth["Authorization"].split()[1]
    credential_key = base64.b64decode(token).decode().split(":")[0]
    with lrs_app.app_context():
        session = lrs_app.extensions["db_session"]
        assert auth.revoke_credential(session, credential_key)
        session.commit()
    assert lrs_client.get("/xapi/statements", headers=lrs_auth).status_code == 401
