"""Finding 5 (issue 13): JSON nested too deep, lone surrogates and forged `more` links.

A statement nested 900 levels was stored, then every format=ids/canonical listing holding it
answered 500; `[[[[...` 10,000 deep, an escaped lone surrogate and tampered `more` tokens
answered 500 HTML. Each now gets a 400 xAPI error naming the problem, and nothing is stored.
"""

from __future__ import annotations

import base64
import json

import pytest

from tests.security.lrs_clients import is_xapi_error, launch, lrs_client_headers, statement
from xapi_store.jsonutil import MAX_DEPTH

EXTENSION = "http://taawun.test/extensions/nested"


def _nested(levels: int):
    value: object = "bottom"
    for _ in range(levels):
        value = {"down": value}
    return value


def _with_extension(actor: dict, value) -> dict:
    return statement(actor, context={"extensions": {EXTENSION: value}})


@pytest.fixture
def admin(app):
    return lrs_client_headers(app)


@pytest.fixture
def actor(app, make_user):
    return launch(app, make_user())[1]


def _listing_works(app, admin) -> bool:
    lrs = app.test_client()
    return all(
        lrs.get(f"/xapi/statements?format={fmt}", headers=admin).status_code == 200
        for fmt in ("exact", "ids", "canonical")
    )


def test_finding5_statement_nested_900_levels_is_refused_and_listings_keep_working(
    app, admin, actor
):
    deep = _with_extension(actor, _nested(900))
    answer = app.test_client().post("/xapi/statements", json=deep, headers=admin)
    assert is_xapi_error(answer, 400)
    assert f"deeper than {MAX_DEPTH}" in answer.get_json()["message"]
    found = app.test_client().get(f"/xapi/statements?statementId={deep['id']}", headers=admin)
    assert found.status_code == 404
    assert _listing_works(app, admin)


def test_finding5_json_just_past_the_limit_is_refused_and_within_it_accepted(app, admin, actor):
    lrs = app.test_client()
    # statement (1) > context (2) > extensions (3) > the extension's value (4 and deeper)
    fits = _with_extension(actor, _nested(MAX_DEPTH - 3))
    too_deep = _with_extension(actor, _nested(MAX_DEPTH - 2))
    assert lrs.post("/xapi/statements", json=too_deep, headers=admin).status_code == 400
    assert lrs.post("/xapi/statements", json=fits, headers=admin).status_code == 200
    assert _listing_works(app, admin)
    canonical = lrs.get(
        f"/xapi/statements?statementId={fits['id']}&format=canonical", headers=admin
    ).get_json()
    assert canonical["context"]["extensions"][EXTENSION] == _nested(MAX_DEPTH - 3)


@pytest.mark.parametrize(
    "body",
    [
        "[" * 10_000 + "]" * 10_000,
        "[" * 10_000,
        '{"a":' * 5_000 + "1" + "}" * 5_000,
    ],
    ids=["brackets-closed", "brackets-open", "objects"],
)
def test_finding5_json_10000_deep_gets_400_not_500(app, admin, body):
    answer = app.test_client().post(
        "/xapi/statements", data=body, content_type="application/json", headers=admin
    )
    assert is_xapi_error(answer, 400), answer.data[:200]


def test_finding5_lone_surrogate_gets_400(app, admin, actor):
    text = json.dumps(statement(actor)).replace('"experienced"}', '"\\ud800"}')
    assert "\\ud800" in text
    answer = app.test_client().post(
        "/xapi/statements", data=text, content_type="application/json", headers=admin
    )
    assert is_xapi_error(answer, 400), answer.data[:200]
    assert "surrogate" in answer.get_json()["message"]


def _state_url(actor: dict, state_id: str = "bookmark") -> str:
    agent = json.dumps(actor)
    return (
        "/xapi/activities/state?activityId=http://taawun.test/courses/think-coop"
        f"&agent={agent}&stateId={state_id}"
    )


@pytest.mark.parametrize("method", ["PUT", "POST"])
@pytest.mark.parametrize(
    "body",
    [
        json.dumps({"deep": _nested(200)}),
        "[" * 10_000 + "]" * 10_000,
        '{"text": "\\udc00"}',
    ],
    ids=["nested-200", "brackets-10000", "lone-surrogate"],
)
def test_finding5_json_documents_refuse_deep_json_and_surrogates(app, make_user, method, body):
    headers, actor = launch(app, make_user())
    lrs = app.test_client()
    answer = lrs.open(
        _state_url(actor),
        method=method,
        data=body,
        content_type="application/json",
        headers=headers,
    )
    assert is_xapi_error(answer, 400), answer.data[:200]
    assert lrs.get(_state_url(actor), headers=headers).status_code == 404


def test_finding5_merge_into_a_document_that_is_not_mergeable_gets_400(app, make_user):
    headers, actor = launch(app, make_user())
    lrs = app.test_client()
    url = _state_url(actor)
    stored = lrs.put(url, data="not json", content_type="application/json", headers=headers)
    assert stored.status_code == 204  # PUT stores any bytes (Communication 2.2)
    merged = lrs.post(url, json={"more": 1}, headers=headers)
    assert is_xapi_error(merged, 400)
    assert lrs.get(url, headers=headers).data == b"not json"


def test_finding5_deep_agent_parameter_gets_400(app, admin):
    agent = '{"objectType":"Agent","mbox":' * 3_000 + "1" + "}" * 3_000
    answer = app.test_client().get("/xapi/statements", query_string={"agent": agent}, headers=admin)
    assert is_xapi_error(answer, 400)


def _more_link(app, admin, actor) -> str:
    lrs = app.test_client()
    lrs.post("/xapi/statements", json=[statement(actor) for _ in range(3)], headers=admin)
    page = lrs.get("/xapi/statements?limit=1", headers=admin).get_json()
    assert page["more"]
    return page["more"]


def _token(state) -> str:
    return base64.urlsafe_b64encode(json.dumps(state).encode()).decode()


TAMPERED = {
    "params-not-an-object": _token({"params": [], "after": 1, "bound": 9}),
    "param-not-a-string": _token({"params": {"limit": 5}, "after": 1, "bound": 9}),
    "agent-not-json-text": _token({"params": {"agent": 5}, "after": 1, "bound": 9}),
    "after-infinite": base64.urlsafe_b64encode(b'{"params":{},"after":1e400,"bound":9}').decode(),
    "after-beyond-64-bits": _token({"params": {}, "after": 2**70, "bound": 9}),
    "not-base64-json": "%%%not-a-token",
    "not-utf8": base64.urlsafe_b64encode(b"\xff\xfe{").decode(),
}


@pytest.mark.parametrize("token", TAMPERED.values(), ids=TAMPERED.keys())
def test_finding5_tampered_more_token_gets_400(app, admin, token):
    answer = app.test_client().get("/xapi/statements", query_string={"more": token}, headers=admin)
    assert is_xapi_error(answer, 400), answer.data[:200]


def test_finding5_more_token_is_signed(app, admin, actor):
    lrs = app.test_client()
    link = _more_link(app, admin, actor)
    assert lrs.get(link, headers=admin).status_code == 200
    token = link.split("more=", 1)[1]
    flipped = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    answer = lrs.get("/xapi/statements", query_string={"more": flipped}, headers=admin)
    assert is_xapi_error(answer, 400)
    # A well-formed token this LRS did not sign: same shape, other limit.
    forged = _token({"params": {"limit": "2"}, "after": 10**6, "bound": 10**6})
    answer = lrs.get("/xapi/statements", query_string={"more": forged}, headers=admin)
    assert is_xapi_error(answer, 400)
