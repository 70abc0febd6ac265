"""State, activity profile and agent profile documents: ETags, preconditions, merging."""

import hashlib
import json
from urllib.parse import urlencode

AGENT = json.dumps({"objectType": "Agent", "mbox": "mailto:learner@example.org"})
ACTIVITY = "http://example.org/course"
REGISTRATION = "1b0c7a2e-8f5e-4b8e-9a63-0c3f7f0a9d11"


def state_url(**params):
    return "/xapi/activities/state?" + urlencode({"activityId": ACTIVITY, "agent": AGENT, **params})


def test_state_put_get_etag_and_binary_round_trip(lrs_client, lrs_auth):
    body = bytes(range(256))
    headers = {**lrs_auth, "Content-Type": "application/octet-stream"}
    assert lrs_client.put(state_url(stateId="blob"), data=body, headers=headers).status_code == 204
    response = lrs_client.get(state_url(stateId="blob"), headers=lrs_auth)
    assert response.data == body
    assert response.headers["ETag"] == f'"{hashlib.sha1(body).hexdigest()}"'  # noqa: S324
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert lrs_client.get(state_url(stateId="none"), headers=lrs_auth).status_code == 404


def test_state_post_merges_json_and_refuses_non_json(lrs_client, lrs_auth):
    url = state_url(stateId="progress")
    lrs_client.post(url, json={"a": 1, "b": 1}, headers=lrs_auth)
    assert lrs_client.post(url, json={"b": 2, "c": 3}, headers=lrs_auth).status_code == 204
    assert lrs_client.get(url, headers=lrs_auth).get_json() == {"a": 1, "b": 2, "c": 3}
    text = {**lrs_auth, "Content-Type": "text/plain"}
    assert lrs_client.post(url, data=b"hello", headers=text).status_code == 400
    assert lrs_client.get(url, headers=lrs_auth).get_json() == {"a": 1, "b": 2, "c": 3}


def test_state_ids_registration_since_and_delete_all(lrs_client, lrs_auth):
    for state_id in ("one", "two"):
        lrs_client.put(state_url(stateId=state_id), json={}, headers=lrs_auth)
    lrs_client.put(state_url(stateId="reg", registration=REGISTRATION), json={}, headers=lrs_auth)
    assert lrs_client.get(state_url(), headers=lrs_auth).get_json() == ["one", "two"]
    in_registration = lrs_client.get(state_url(registration=REGISTRATION), headers=lrs_auth)
    assert in_registration.get_json() == ["reg"]
    future = state_url(since="2999-01-01T00:00:00Z")
    assert lrs_client.get(future, headers=lrs_auth).get_json() == []
    assert lrs_client.delete(state_url(), headers=lrs_auth).status_code == 204
    assert lrs_client.get(state_url(), headers=lrs_auth).get_json() == []
    assert lrs_client.get(state_url(registration=REGISTRATION), headers=lrs_auth).get_json() == [
        "reg"
    ]


def test_state_needs_valid_parameters(lrs_client, lrs_auth):
    for url in (
        "/xapi/activities/state?" + urlencode({"agent": AGENT, "stateId": "x"}),
        state_url(stateId="x", registration="nope"),
        "/xapi/activities/state?"
        + urlencode({"activityId": ACTIVITY, "agent": '{"mbox":"x"}', "stateId": "x"}),
    ):
        response = lrs_client.put(url, json={}, headers=lrs_auth)
        assert response.status_code == 400, url


def test_activity_profile_concurrency(lrs_client, lrs_auth):
    url = "/xapi/activities/profile?" + urlencode({"activityId": ACTIVITY, "profileId": "p"})
    # Creating or replacing a profile needs If-Match or If-None-Match.
    assert lrs_client.put(url, json={"v": 1}, headers=lrs_auth).status_code == 400
    create = {**lrs_auth, "If-None-Match": "*"}
    assert lrs_client.put(url, json={"v": 1}, headers=create).status_code == 204
    assert lrs_client.put(url, json={"v": 2}, headers=create).status_code == 412
    assert lrs_client.put(url, json={"v": 2}, headers=lrs_auth).status_code == 409
    etag = lrs_client.get(url, headers=lrs_auth).headers["ETag"]
    stale = {**lrs_auth, "If-Match": '"0000"'}
    assert lrs_client.put(url, json={"v": 2}, headers=stale).status_code == 412
    fresh = {**lrs_auth, "If-Match": etag}
    assert lrs_client.put(url, json={"v": 2}, headers=fresh).status_code == 204
    assert lrs_client.get(url, headers=lrs_auth).get_json() == {"v": 2}
    listing = "/xapi/activities/profile?" + urlencode({"activityId": ACTIVITY})
    assert lrs_client.get(listing, headers=lrs_auth).get_json() == ["p"]
    assert lrs_client.delete(url, headers=lrs_auth).status_code == 204
    assert lrs_client.get(url, headers=lrs_auth).status_code == 404


def test_agent_profile(lrs_client, lrs_auth):
    url = "/xapi/agents/profile?" + urlencode({"agent": AGENT, "profileId": "prefs"})
    headers = {**lrs_auth, "If-None-Match": "*"}
    assert lrs_client.put(url, json={"lang": "ar"}, headers=headers).status_code == 204
    assert lrs_client.get(url, headers=lrs_auth).get_json() == {"lang": "ar"}
    listing = "/xapi/agents/profile?" + urlencode({"agent": AGENT})
    assert lrs_client.get(listing, headers=lrs_auth).get_json() == ["prefs"]
