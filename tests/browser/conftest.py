"""Browser tests: the real app served on a free local port, driven by Debian's Chromium."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import make_test_app
from tests.programs import CHROMIUM

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 360, "height": 740}


class LiveServer:
    """A real HTTP server (threaded werkzeug) around a test app, stopped at the end."""

    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(timeout=5)
        for name in ("db_engine", "xapi_store_engine"):
            if name in self.app.extensions:
                self.app.extensions[name].dispose()


def browser_app(tmp_path, **config):
    """An app as a user meets it: CSRF on, real cookies; SQLite in a temporary folder."""
    config.setdefault("WTF_CSRF_ENABLED", True)
    config.setdefault("TESTING", False)
    return make_test_app(f"sqlite:///{tmp_path / 'browser.sqlite3'}", tmp_path, **config)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def phone(browser):
    """A fresh browser context the size of a small phone."""
    context = browser.new_context(viewport=PHONE, locale="fr-FR")
    yield context
    context.close()


def make_account(app, email: str, password: str, **fields) -> int:
    """A committed account (roles, display_name, region... as create_user takes them)."""
    from lms.auth.services import create_user

    with app.app_context():
        session = app.extensions["db_session"]()
        user = create_user(session, email, password, **fields)
        session.commit()
        user_id = user.id
        app.extensions["db_session"].remove()
    return user_id


def log_in(page, url: str, email: str, password: str) -> None:
    """Through the real login form, as a person would; lands on the dashboard."""
    page.goto(url + "/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("main form[novalidate] button[type=submit]")
    page.wait_for_url("**/dashboard")


def open_menu(page) -> None:
    """The menu button (a <details>, no script) shows the menu, the language buttons in it."""
    if page.locator("details.menu-box[open]").count() == 0:
        page.click(".menu-button")


def log_out(page) -> None:
    open_menu(page)
    page.click(".menu form button[type=submit]")
    page.wait_for_load_state()


def choose_language(page, code: str) -> None:
    open_menu(page)
    page.click(f".lang-switch button[lang={code}]")
    page.wait_for_load_state()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
