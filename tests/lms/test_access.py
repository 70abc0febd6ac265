"""Every route declares who may open it, and the declaration holds for every role."""

from __future__ import annotations

import pytest

from lms.access import PUBLIC, USER, allowed
from tests.conftest import log_in_as, make_test_app

ROLES = ("learner", "trainer", "coach", "admin")
EXEMPT_PREFIXES = ("/static/", "/xapi")  # the LRS has its own HTTP Basic auth, tested there
DUMMY = {"int": 987654, "integer": 987654, "uuid": "00000000-0000-0000-0000-000000000000"}


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(EXEMPT_PREFIXES):
            continue
        values = {arg: DUMMY.get(type(rule._converters[arg]).__name__.replace("Converter", "")
                                 .lower(), "no-such-thing") for arg in rule.arguments}  # fmt: skip
        method = "GET" if "GET" in rule.methods else "POST"
        with app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **values)
        yield rule.endpoint, method, url


@pytest.fixture(scope="module")
def people(app):
    from tests.conftest import create_user

    made = {}
    with app.app_context():
        session = app.extensions["db_session"]()
        for role in ROLES:
            made[role] = create_user(session, f"matrix-{role}@example.org", "matrix-password",
                                     roles=(role,))  # fmt: skip
        session.commit()
    return made


def test_every_view_declares_who_may_open_it(app):
    undeclared = [
        endpoint
        for endpoint, _method, _url in _routes(app)
        if allowed(app.view_functions[endpoint]) is None
    ]
    assert undeclared == [], f"views without @allow(...): {undeclared}"


@pytest.mark.parametrize("who", ["anonymous", *ROLES])
def test_role_matrix(app, people, who):
    client = app.test_client()
    user = None if who == "anonymous" else people[who]
    wrong = []
    for endpoint, method, url in _routes(app):
        rule_allows = allowed(app.view_functions[endpoint])
        log_in_as(client, user)
        response = client.open(url, method=method)
        to_login = response.status_code == 302 and "/login" in response.headers["Location"]
        if PUBLIC in rule_allows:
            expected_ok = True
        elif user is None:
            expected_ok = False
        else:
            expected_ok = USER in rule_allows or who in rule_allows
        if expected_ok and (response.status_code in (401, 403) or to_login):
            wrong.append(f"{method} {url}: {who} refused ({response.status_code})")
        if not expected_ok:
            refused = to_login if user is None else response.status_code == 403
            if not refused:
                wrong.append(f"{method} {url}: {who} let in ({response.status_code})")
    assert wrong == []


def test_no_form_accepts_a_post_without_csrf_token(database_url, tmp_path, people):
    app = make_test_app(database_url, tmp_path, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    accepted = []
    for endpoint, _method, url in _routes(app):
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        if "POST" not in rule.methods:
            continue
        for user in (None, people["admin"]):
            log_in_as(client, user)
            response = client.post(url, data={"anything": "x"})
            if response.status_code != 400:
                accepted.append(f"POST {url} as {user and user.email}: {response.status_code}")
    assert accepted == []
    app.extensions["db_engine"].dispose()
