"""Finding 8: a session ends everywhere at logout, password change and deactivation, and
within LMS_SESSION_DAYS; "log out everywhere" is on the profile page."""

from __future__ import annotations

import time

import pytest

from lms.config import ConfigError
from tests.conftest import PASSWORD, csrf_token_from, make_test_app


def _copy_of(client):
    """Another browser holding a copy of `client`'s session cookie (a stolen cookie)."""
    thief = client.application.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def _logged_in(client) -> bool:
    return client.get("/dashboard").status_code == 200


def test_finding8_a_copied_cookie_stops_working_after_logout(client, auth, make_user):
    auth.login(make_user())
    thief = _copy_of(client)
    assert _logged_in(thief)
    auth.logout()
    assert not _logged_in(thief)


def test_finding8_a_password_change_ends_the_other_sessions_and_keeps_this_one(
    client, auth, make_user
):
    auth.login(make_user())
    thief = _copy_of(client)
    changed = client.post(
        "/password",
        data={"current": PASSWORD, "new": "new-password-8", "confirm": "new-password-8"},
    )
    assert changed.status_code == 302
    assert not _logged_in(thief)
    assert _logged_in(client)


def test_finding8_deactivation_ends_the_accounts_sessions(client, auth, make_user):
    learner, admin = make_user(), make_user("admin")
    auth.login(learner)
    learners_browser = _copy_of(client)
    auth.login(admin)
    client.post(f"/admin/users/{learner.public_id}/active", data={"action": "deactivate"})
    assert not _logged_in(learners_browser)


def test_finding8_a_session_older_than_the_lifetime_is_refused(client, auth, make_user):
    auth.login(make_user())
    cookie = client.get_cookie("session")
    # The cookie lasts LMS_SESSION_DAYS (14) and is not a browser-session cookie.
    assert cookie.expires is not None
    assert 13.9 * 86400 < cookie.expires.timestamp() - time.time() <= 14 * 86400 + 60
    with client.session_transaction() as session:
        session["login_at"] -= 15 * 86400  # logged in 15 days ago
    assert not _logged_in(client)


def test_finding8_log_out_everywhere_from_the_profile_page(database_url, tmp_path, make_user):
    app = make_test_app(database_url, tmp_path, WTF_CSRF_ENABLED=True)
    user = make_user()
    phone, laptop = app.test_client(), app.test_client()
    for browser in (phone, laptop):
        token = csrf_token_from(browser.get("/login").get_data(as_text=True))
        browser.post("/login", data={"email": user.email, "password": PASSWORD,
                                     "csrf_token": token})  # fmt: skip
        assert _logged_in(browser)
    page = laptop.get("/profile").get_data(as_text=True)
    assert 'action="/logout-everywhere"' in page
    assert laptop.post("/logout-everywhere").status_code == 400  # no CSRF token: refused
    assert _logged_in(phone)
    response = laptop.post("/logout-everywhere", data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 302
    assert not _logged_in(phone) and not _logged_in(laptop)
    app.extensions["db_engine"].dispose()


def test_finding8_the_lifetime_is_lms_session_days(database_url, tmp_path, make_user, monkeypatch):
    monkeypatch.setenv("LMS_SESSION_DAYS", "2")
    app = make_test_app(database_url, tmp_path)
    browser = app.test_client()
    browser.post("/login", data={"email": make_user().email, "password": PASSWORD})
    lifetime = browser.get_cookie("session").expires.timestamp() - time.time()
    assert 1.9 * 86400 < lifetime <= 2 * 86400 + 60
    with browser.session_transaction() as session:
        session["login_at"] -= 2 * 86400 + 1
    assert not _logged_in(browser)
    app.extensions["db_engine"].dispose()
    monkeypatch.setenv("LMS_SESSION_DAYS", "forever")
    with pytest.raises(ConfigError, match="LMS_SESSION_DAYS"):
        make_test_app(database_url, tmp_path)
