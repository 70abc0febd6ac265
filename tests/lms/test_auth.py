"""Accounts: register, log in and out, profile, password, deactivation, rate limit, cookies."""

from __future__ import annotations

from lms.auth.models import User
from tests.conftest import PASSWORD, make_test_app


def _register(client, **fields):
    data = {
        "email": "amina@example.org",
        "password": "argan-oil-2024",
        "confirm": "argan-oil-2024",
        "display_name": "Amina",
        "preferred_language": "fr",
        "gender": "female",
        "birth_year": "2001",
        "region": "souss-massa",
    }
    data.update(fields)
    return client.post("/register", data=data)


def test_a_learner_registers_and_lands_on_her_space(client, db):
    response = _register(client)
    assert response.status_code == 302 and response.headers["Location"].endswith("/dashboard")
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Amina" in page
    user = db.query(User).filter_by(email="amina@example.org").one()
    assert user.roles == {"learner"}
    assert user.gender == "female" and user.birth_year == 2001 and user.region == "souss-massa"
    assert user.password_hash.startswith("scrypt:") and "argan-oil-2024" not in user.password_hash


def test_registration_errors_are_shown_in_the_users_language(client):
    response = client.post(
        "/register",
        data={"email": "not-an-address", "password": "short", "confirm": "other",
              "display_name": "", "preferred_language": "ar"},
        headers={"Accept-Language": "ar"},
    )  # fmt: skip
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'dir="rtl"' in page
    assert "عنوان بريد إلكتروني صالح" in page  # "a valid e-mail address" in Arabic


def test_optional_profile_facts_may_be_left_out(client, db):
    response = _register(client, email="omar@example.org", gender="", birth_year="", region="")
    assert response.status_code == 302
    user = db.query(User).filter_by(email="omar@example.org").one()
    assert (user.gender, user.birth_year, user.region) == (None, None, None)


def test_the_same_email_cannot_register_twice(client, auth, make_user, db):
    make_user(email="twice@example.org")
    response = _register(client, email="Twice@Example.org", display_name="Intruder")
    assert response.status_code == 302  # the same answer as for a new address (security tests)
    assert client.get("/dashboard").status_code == 302  # but nobody is logged in
    assert db.query(User).filter_by(email="twice@example.org").one().display_name != "Intruder"
    assert auth.login("twice@example.org", "argan-oil-2024").status_code == 400
    assert auth.login("twice@example.org", PASSWORD).status_code == 302


def test_login_then_logout(client, auth, make_user):
    user = make_user()
    response = auth.login(user)
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 200
    auth.logout()
    assert client.get("/dashboard").status_code == 302


def test_failed_login_says_the_same_thing_for_unknown_email_and_wrong_password(
    client, auth, make_user
):
    user = make_user()
    wrong_password = auth.login(user, "wrong-password-x").get_data(as_text=True)
    unknown = auth.login("nobody@example.org").get_data(as_text=True)
    message = "Adresse e-mail ou mot de passe incorrect."
    assert message in wrong_password and message in unknown


def test_login_redirects_only_to_this_site(client, make_user):
    user = make_user()
    response = client.post(
        "/login?next=https://evil.example/steal", data={"email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"].endswith("/dashboard")


def test_a_deactivated_account_cannot_log_in(client, auth, make_user, db):
    user = make_user()
    db.query(User).filter_by(id=user.id).one().active = False
    db.commit()
    response = auth.login(user)
    assert response.status_code == 400
    assert client.get("/dashboard").status_code == 302


def test_change_password_needs_the_current_one(client, auth, make_user):
    user = make_user()
    auth.login(user)
    refused = client.post(
        "/password",
        data={"current": "not-it-at-all", "new": "new-password-1", "confirm": "new-password-1"},
    )
    assert refused.status_code == 400
    changed = client.post(
        "/password",
        data={"current": PASSWORD, "new": "new-password-1", "confirm": "new-password-1"},
    )
    assert changed.status_code == 302
    auth.logout()
    assert auth.login(user, PASSWORD).status_code == 400
    assert auth.login(user, "new-password-1").status_code == 302


def test_profile_saves_language_and_the_interface_follows(client, auth, make_user):
    user = make_user()
    auth.login(user)
    response = client.post(
        "/profile",
        data={"display_name": "Said", "preferred_language": "ar", "gender": "",
              "birth_year": "1990", "region": "oriental"},
    )  # fmt: skip
    assert response.status_code == 302
    page = client.get("/profile").get_data(as_text=True)
    assert 'lang="ar" dir="rtl"' in page and "Said" in page


def test_profile_rejects_an_impossible_birth_year(client, auth, make_user):
    auth.login(make_user())
    response = client.post(
        "/profile", data={"display_name": "X", "preferred_language": "en", "birth_year": "1800"}
    )
    assert response.status_code == 400
    assert "1920" in response.get_data(as_text=True)


def test_login_is_rate_limited(database_url, tmp_path, make_user):
    app = make_test_app(database_url, tmp_path, RATELIMIT_ENABLED=True,
                        LOGIN_RATE_LIMIT="3 per minute")  # fmt: skip
    client = app.test_client()
    codes = [
        client.post("/login", data={"email": "x@example.org", "password": "nope-nope"}).status_code
        for _ in range(4)
    ]
    assert codes == [400, 400, 400, 429]
    app.extensions["db_engine"].dispose()


def test_cookies_are_secure_when_the_site_is_served_over_https(
    database_url, tmp_path, make_user, monkeypatch
):
    user = make_user()
    monkeypatch.setenv("LMS_BASE_URL", "https://taawun.example")
    app = make_test_app(database_url, tmp_path, BASE_URL=None)
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    app.extensions["db_engine"].dispose()


def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "<script>" not in response.get_data(as_text=True)
