"""The site as a whole: health, languages, right-to-left, error pages."""

from __future__ import annotations

import pytest

from lms import create_app
from lms.config import ConfigError
from tests.conftest import make_test_app


def test_health_says_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_health_says_unavailable_when_the_database_is_down(tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": "postgresql://postgres@127.0.0.1:1/none"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.get_json()["status"] == "unavailable"


@pytest.mark.parametrize(
    "url", ["mysql://root@localhost/x", "not a url", "postgresql+psycopg2://host/db?"]
)
def test_a_bad_database_url_stops_start_up_with_one_clear_line(url, monkeypatch):
    monkeypatch.setenv("LMS_DATABASE_URL", url)
    if url.startswith("postgresql"):
        from lms.config import check_database_url

        assert check_database_url(url).startswith("postgresql+psycopg://")
        return
    with pytest.raises(ConfigError) as error:
        create_app()
    assert "LMS_DATABASE_URL" in str(error.value) and "\n" not in str(error.value)


@pytest.mark.parametrize(
    ("header", "cookie", "expected", "direction"),
    [
        (None, None, "fr", "ltr"),
        ("ar,fr;q=0.5", None, "ar", "rtl"),
        ("en-GB,en;q=0.8", None, "en", "ltr"),
        ("en", "ar", "ar", "rtl"),
        ("de", None, "fr", "ltr"),
    ],
)
def test_interface_language_follows_cookie_then_browser_then_french(
    app, header, cookie, expected, direction
):
    client = app.test_client()
    if cookie:
        client.set_cookie("lang", cookie)
    headers = {"Accept-Language": header} if header else {}
    page = client.get("/", headers=headers).get_data(as_text=True)
    assert f'<html lang="{expected}" dir="{direction}">' in page


def test_language_switch_sets_the_cookie_and_returns_to_the_page(client):
    response = client.post("/language", data={"lang": "ar", "next": "/login"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert "lang=ar" in response.headers["Set-Cookie"]
    assert 'dir="rtl"' in client.get("/login").get_data(as_text=True)


def test_language_switch_never_redirects_elsewhere(client):
    response = client.post("/language", data={"lang": "en", "next": "//evil.example/x"})
    assert response.headers["Location"] == "/"


def test_a_logged_in_users_choice_wins_over_the_cookie(client, auth, make_user):
    user = make_user(preferred_language="en")
    auth.login(user)
    client.set_cookie("lang", "ar")
    assert '<html lang="en" dir="ltr">' in client.get("/dashboard").get_data(as_text=True)


@pytest.mark.parametrize(
    ("language", "text"),
    [("fr", "Page introuvable"), ("ar", "الصفحة غير موجودة"), ("en", "Page not found")],
)
def test_error_pages_speak_the_users_language(client, language, text):
    response = client.get("/no/such/page", headers={"Accept-Language": language})
    assert response.status_code == 404 and text in response.get_data(as_text=True)


def test_forbidden_page_in_arabic_is_right_to_left(client, auth, make_user):
    auth.login(make_user("learner", preferred_language="ar"))
    response = client.get("/admin/users")
    page = response.get_data(as_text=True)
    assert response.status_code == 403 and 'dir="rtl"' in page and "لا يمكنك" in page


def test_an_unexpected_error_shows_a_500_page_without_traceback(database_url, tmp_path):
    app = make_test_app(database_url, tmp_path, PROPAGATE_EXCEPTIONS=False)

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret detail")

    boom.allowed = frozenset({"public"})
    response = app.test_client().get("/boom", headers={"Accept-Language": "en"})
    page = response.get_data(as_text=True)
    assert response.status_code == 500 and "secret detail" not in page
    assert "Something went wrong" in page
    app.extensions["db_engine"].dispose()


def test_pages_have_landmarks_skip_link_and_language_switcher(client):
    page = client.get("/").get_data(as_text=True)
    for marker in ('class="skip-link" href="#main"', "<header", "<nav", '<main id="main"',
                   "<footer", 'name="lang" value="ar"'):  # fmt: skip
        assert marker in page
