"""Shared fixtures: a fresh app and database per test module, on SQLite and on PostgreSQL.

PostgreSQL runs when LMS_TEST_DATABASE_URL is set: each module gets a private database created
from that server and dropped afterwards, so parallel runs never clash.
"""

from __future__ import annotations

import itertools
import os
import re
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from lms import create_app
from lms.auth import sessions
from lms.auth.services import create_user
from tests.programs import PROGRAMS, REQUIRE_ALL

PG_URL = os.environ.get("LMS_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])
PASSWORD = "correct-horse-battery"
_counter = itertools.count(1)


def _pg_admin_engine():
    return create_engine(
        make_url(PG_URL).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
    )


@pytest.fixture(scope="session", autouse=True)
def _compiled_translations():
    from lms.i18n import compile_catalogs

    compile_catalogs()


@pytest.fixture(scope="module")
def database_url(request, tmp_path_factory):
    """A fresh, empty database for one test module."""
    backend = getattr(request, "param", "sqlite")
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        return
    name = f"taawun_t_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = _pg_admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield (
        make_url(PG_URL)
        .set(drivername="postgresql+psycopg", database=name)
        .render_as_string(hide_password=False)
    )
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def pytest_configure(config):
    config.addinivalue_line("markers", "needs(program): the test drives this program (programs.py)")
    config.stash[_skipped] = {}


_skipped = pytest.StashKey[dict]()
BROWSER_TESTS = os.path.join("tests", "browser", "")


def pytest_collection_modifyitems(config, items):
    """Tests whose program is missing are skipped, or fail when every test must run."""
    for item in items:
        if BROWSER_TESTS in str(item.path):
            item.add_marker(pytest.mark.needs("chromium"))
        for mark in item.iter_markers("needs"):
            program = PROGRAMS[mark.args[0]]
            if not program.missing():
                continue
            if REQUIRE_ALL:
                item.add_marker(pytest.mark.program_missing(program))
            else:
                item.add_marker(pytest.mark.skip(reason=f"{program.path} is missing"))
                config.stash[_skipped].setdefault(program, []).append(item)


def pytest_runtest_setup(item):
    for mark in item.iter_markers("program_missing"):
        program = mark.args[0]
        pytest.fail(f"TAAWUN_REQUIRE_ALL_TESTS=1 and {program.path} is missing "
                    f"(apt-get install -y {program.package})")  # fmt: skip


def pytest_terminal_summary(terminalreporter, config):
    for program, items in config.stash[_skipped].items():
        terminalreporter.write_line(program.note(len(items)), yellow=True)


def pytest_generate_tests(metafunc):
    if "database_url" in metafunc.fixturenames:
        metafunc.parametrize("database_url", BACKENDS, indirect=True, scope="module")


def make_test_app(database_url: str, tmp_path, **overrides):
    config = {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "BASE_URL": "http://taawun.test",
        "SERVER_NAME": None,
    }
    config.update(overrides)
    config = {key: value for key, value in config.items() if value is not None}
    os.environ.setdefault("LMS_SECRET_KEY", "test-secret")
    app = create_app(config)
    app.instance_path = str(tmp_path)
    from lms import migrations

    with app.app_context():
        migrations.upgrade(app)
    return app


@pytest.fixture(scope="module")
def app(database_url, tmp_path_factory):
    app = make_test_app(database_url, tmp_path_factory.mktemp("instance"))
    yield app
    app.extensions["db_session"].remove()
    app.extensions["db_engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db(app):
    """The database session, inside an app context."""
    with app.app_context():
        session = app.extensions["db_session"]()
        yield session
        # Requests made meanwhile remove the registry's session, this very object: a query
        # after them starts a new transaction on it that only closing it gives back.
        session.close()
        app.extensions["db_session"].remove()


@pytest.fixture
def make_user(app):
    """Factory: make_user("coach") -> a committed user with that role and a unique e-mail."""

    def make(*roles: str, **profile):
        roles = roles or ("learner",)
        email = profile.pop("email", None) or f"{'-'.join(roles)}{next(_counter)}@example.org"
        with app.app_context():
            session = app.extensions["db_session"]()
            user = create_user(session, email, PASSWORD, roles=roles, **profile)
            session.commit()
            app.extensions["db_session"].remove()
        return user

    return make


def log_in_as(client, user) -> None:
    """Set the session cookie directly (no password hashing): for tests that switch users often.
    `user=None` leaves the client anonymous."""
    with client.session_transaction() as session:
        session.clear()
        if user is not None:
            session["_user_id"] = user.public_id
            session["_fresh"] = True
            sessions.stamp(session, _session_version(client.application, user))


def _session_version(app, user) -> int:
    """The account's current session version (a logout elsewhere in the test may have bumped
    it since `user` was loaded)."""
    from sqlalchemy import select

    from lms.auth.models import User

    with app.extensions["db_engine"].connect() as connection:
        return connection.execute(
            select(User.session_version).where(User.id == user.id)
        ).scalar_one()


class AuthActions:
    """Log in and out through the real forms, as a user would."""

    def __init__(self, client):
        self.client = client

    def login(self, user_or_email, password: str = PASSWORD):
        email = getattr(user_or_email, "email", user_or_email)
        return self.client.post("/login", data={"email": email, "password": password})

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)
