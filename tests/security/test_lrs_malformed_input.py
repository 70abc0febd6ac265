"""Finding 5 (issue 13), the general rule: every malformed request gets a 4xx xAPI error with a
reason, never a 500. A table of known troublemakers, then a seeded random fuzz of the statements
resource (POST bodies, GET parameters, `more` links) and of the document resources."""

from __future__ import annotations

import json
import random
import urllib.parse

import pytest

from tests.security.lrs_clients import launch, lrs_client_headers, statement

ACTIVITY = "http://taawun.test/courses/think-coop"
STATE = "/xapi/activities/state"
AGENT = {"objectType": "Agent", "mbox": "mailto:fuzz@example.org"}


def _q(**params) -> str:
    return urllib.parse.urlencode(params)


AGENT_Q = json.dumps(AGENT)
# (method, path with query, headers beyond the client's, body or None)
TABLE = [
    ("GET", "/xapi/statements?limit=%C2%B2", {}, None),  # "²": a digit to str.isdigit()
    ("GET", "/xapi/statements?limit=" + "9" * 5000, {}, None),
    ("GET", "/xapi/statements?since=0001-01-01T00:00:00Z", {}, None),
    ("GET", "/xapi/statements?until=9999-12-31T23:59:59.999Z", {}, None),
    ("GET", "/xapi/statements?since=9999-99-99T99:99:99Z", {}, None),
    ("GET", "/xapi/statements?" + _q(agent="5"), {}, None),
    ("GET", "/xapi/statements?" + _q(agent="[]"), {}, None),
    ("GET", "/xapi/statements?" + _q(agent='{"mbox": "mailto:\\ud800@x"}'), {}, None),
    ("GET", "/xapi/statements?" + _q(agent='{"account": {"homePage": 1, "name": []}}'), {}, None),
    ("GET", "/xapi/statements?verb=%00", {}, None),
    ("GET", "/xapi/statements?activity=http://x/%00", {}, None),
    ("GET", "/xapi/statements?statementId=%00", {}, None),
    ("GET", "/xapi/statements?registration=%FF%FE", {}, None),
    ("GET", "/xapi/statements?more=", {}, None),
    ("GET", "/xapi/statements?more=.", {}, None),
    ("GET", "/xapi/statements?more=%E2%9C%93.%E2%9C%93", {}, None),
    ("GET", "/xapi/statements?format=%00", {}, None),
    ("GET", "/xapi/statements", {"Authorization": "Basic \xe9\xe9"}, None),
    ("GET", "/xapi/statements", {"Authorization": "Basic " + "=" * 7}, None),
    ("GET", "/xapi/statements", {"X-Experience-API-Version": "\xff"}, None),
    ("GET", "/xapi/statements", {"Accept-Language": "fr;q=x, ;q=, *;q=1e999"}, None),
    ("POST", "/xapi/statements", {}, b"\xff\xfe\x00"),
    ("POST", "/xapi/statements", {}, b"NaN"),
    ("POST", "/xapi/statements", {}, b'{"actor": 1e400}'),
    ("POST", "/xapi/statements", {}, b"[" + b"1," * 10_000 + b"1]"),
    ("POST", "/xapi/statements", {"Content-Type": "multipart/mixed"}, b"--x\r\n"),
    (
        "POST",
        "/xapi/statements",
        {"Content-Type": "multipart/mixed; boundary=b"},
        b"--b\r\nContent-Type: application/json\r\n\r\n" + b"[" * 5000 + b"\r\n--b--",
    ),
    ("PUT", "/xapi/statements?statementId=" + "a" * 36, {}, b"{}"),
    (
        "POST",
        "/xapi/statements",
        {},
        json.dumps(statement(AGENT, "http://taawun.test/verbs/nul\x00")).encode(),
    ),
    (
        "POST",
        "/xapi/statements",
        {},
        json.dumps(statement(AGENT, result={"response": "a\x00b"})).encode(),
    ),
    ("POST", "/xapi/statements", {}, json.dumps(statement(AGENT)).encode()[:-1] + b',"x":1e400}'),
    ("POST", "/xapi/statements?method=PUT", {"Content-Type": "text/plain"}, b"%%%"),
    (
        "POST",
        "/xapi/statements?method=GET",
        {"Content-Type": "application/x-www-form-urlencoded"},
        b"limit=%FF&agent=%7B%7D&X-Experience-API-Version=1.0.3",
    ),
    ("GET", STATE + "?" + _q(activityId=ACTIVITY, agent=AGENT_Q, stateId="a\x00b"), {}, None),
    ("PUT", STATE + "?" + _q(activityId=ACTIVITY, agent=AGENT_Q, stateId="a\x00b"), {}, b"x"),
    ("GET", STATE + "?" + _q(activityId="x\x00:y", agent=AGENT_Q), {}, None),
    ("GET", STATE + "?" + _q(activityId=ACTIVITY, agent=AGENT_Q, since="0000-00-00"), {}, None),
    (
        "PUT",
        STATE + "?" + _q(activityId=ACTIVITY, agent=AGENT_Q, stateId="s", registration="x"),
        {},
        b"{}",
    ),
    (
        "POST",
        STATE + "?" + _q(activityId=ACTIVITY, agent=AGENT_Q, stateId="s"),
        {"Content-Type": "application/json"},
        b'{"a": "\\udfff"}',
    ),
    (
        "PUT",
        "/xapi/activities/profile?" + _q(activityId=ACTIVITY, profileId="p"),
        {"If-Match": "\x00", "Content-Type": "application/json"},
        b"[" * 3000,
    ),
    (
        "POST",
        "/xapi/agents/profile?" + _q(agent=AGENT_Q, profileId="p"),
        {"Content-Type": "application/json"},
        b'{"a": 1e400}',
    ),
    ("GET", "/xapi/agents?" + _q(agent='{"objectType": "Agent"}'), {}, None),
    ("GET", "/xapi/activities?activityId=%00", {}, None),
]


def _assert_refused_cleanly(response, what):
    assert response.status_code < 500, f"{what}: {response.status_code} {response.data[:300]!r}"
    if response.status_code >= 400:
        body = response.get_json(silent=True)
        assert body and body.get("message"), f"{what}: no xAPI error body: {response.data[:200]!r}"


@pytest.fixture(scope="module")
def admin(app):
    return lrs_client_headers(app)


@pytest.mark.parametrize("case", range(len(TABLE)), ids=lambda i: f"{TABLE[i][0]}-{i}")
def test_finding5_malformed_requests_get_a_reason_never_a_500(app, admin, case):
    method, url, extra, body = TABLE[case]
    headers = {"Content-Type": "application/json", **admin, **extra}
    response = app.test_client().open(url, method=method, headers=headers, data=body)
    _assert_refused_cleanly(response, TABLE[case])


NASTY = [
    b"\x00",
    b"\\ud800",
    b"\\u0000",
    b"[[[[[[[[",
    b"}",
    b'"',
    b"1e400",
    b"-0",
    b"\xff",
    b"null",
    b"{}",
    b"[]",
    b'"\\',
    b"\xf0\x9f\x98",
    b"99999999999999999999999",
    b'{"objectType":"Group","member":[]}',
    b'{"objectType":"SubStatement"}',
    b'"2024-02-30T25:61:61Z"',
    b'"P1Y2M"',
]


def _mutate(rng: random.Random, text: bytes) -> bytes:
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(text) + 1)
        span = rng.randint(0, 12)
        action = rng.random()
        if action < 0.4:
            text = text[:at] + rng.choice(NASTY) + text[at + span :]
        elif action < 0.7:
            text = text[:at] + text[at + span :]
        else:
            text = text[:at] + bytes([rng.randrange(256)]) + text[at:]
    return text


def _rich_statement(actor: dict) -> dict:
    return statement(
        actor,
        result={"score": {"scaled": 0.5}, "success": True, "duration": "PT1M2.5S"},
        context={
            "registration": "6f2b54f4-3b5e-4f7b-9d2b-6c1b9f4b1a2e",
            "contextActivities": {"parent": [{"id": ACTIVITY}]},
            "extensions": {"http://taawun.test/x": {"a": [1, 2, {"b": None}]}},
        },
        timestamp="2026-12-02T10:00:00.123Z",
    )


def test_finding5_fuzzed_statements_never_answer_500(app, admin, make_user):
    rng = random.Random(13)
    _, actor = launch(app, make_user())
    lrs = app.test_client()
    seed = json.dumps([_rich_statement(actor), _rich_statement(actor)]).encode()
    for i in range(150):
        body = _mutate(rng, seed)
        response = lrs.post(
            "/xapi/statements", data=body, content_type="application/json", headers=admin
        )
        _assert_refused_cleanly(response, f"POST #{i} {body[:400]!r}")


def test_finding5_fuzzed_queries_and_more_links_never_answer_500(app, admin, make_user):
    rng = random.Random(19)
    _, actor = launch(app, make_user())
    lrs = app.test_client()
    lrs.post("/xapi/statements", json=[statement(actor) for _ in range(3)], headers=admin)
    more = lrs.get("/xapi/statements?limit=1", headers=admin).get_json()["more"]
    token = more.split("more=", 1)[1].encode()
    params = {
        "agent": json.dumps(actor).encode(),
        "verb": b"http://adlnet.gov/expapi/verbs/experienced",
        "since": b"2026-01-01T00:00:00Z",
        "limit": b"2",
        "ascending": b"true",
        "format": b"canonical",
    }
    for i in range(150):
        if i % 3 == 0:
            query = {"more": _mutate(rng, token)}
        else:
            query = {k: _mutate(rng, v) if rng.random() < 0.5 else v for k, v in params.items()}
        url = "/xapi/statements?" + urllib.parse.urlencode(query)
        response = lrs.get(url, headers=admin)
        _assert_refused_cleanly(response, f"GET #{i} {url[:400]}")


def test_finding5_fuzzed_documents_never_answer_500(app, make_user):
    rng = random.Random(23)
    headers, actor = launch(app, make_user())
    lrs = app.test_client()
    seed = json.dumps({"bookmark": "page-3", "answers": [1, 2, {"q": "a"}]}).encode()
    for i in range(120):
        state_id = _mutate(rng, b"progress").decode("utf-8", "replace")
        url = STATE + "?" + _q(activityId=ACTIVITY, agent=json.dumps(actor), stateId=state_id)
        method = rng.choice(["PUT", "POST", "GET", "DELETE"])
        response = lrs.open(
            url,
            method=method,
            data=_mutate(rng, seed),
            content_type="application/json",
            headers=headers,
        )
        _assert_refused_cleanly(response, f"{method} #{i} {url[:300]}")


def test_finding5_more_link_keeps_the_first_query(app, admin, make_user):
    # The signed link carries the first request's parameters, format included.
    _, actor = launch(app, make_user())
    lrs = app.test_client()
    lrs.post("/xapi/statements", json=[statement(actor) for _ in range(3)], headers=admin)
    agent = urllib.parse.quote(json.dumps(actor))
    first = lrs.get(f"/xapi/statements?agent={agent}&limit=2&format=ids", headers=admin)
    second = lrs.get(first.get_json()["more"], headers=admin).get_json()
    assert len(second["statements"]) == 1 and second["more"] == ""
    assert "display" not in second["statements"][0]["verb"]
