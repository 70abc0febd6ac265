"""Fixtures of the LRS tests: a standalone LRS app on SQLite and, if configured, PostgreSQL."""

import os
import uuid

import pytest
from lrs_helpers import basic
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

import xapi_store
from xapi_store import auth

PG_URL = os.environ.get("LMS_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


@pytest.fixture(scope="session")
def pg_database_url():
    """A private PostgreSQL database for this run, dropped at the end."""
    if not PG_URL:
        pytest.skip("LMS_TEST_DATABASE_URL is not set")
    name = f"taawun_lrs_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _empty_tables(app):
    from xapi_store.models import Base

    engine = app.extensions["xapi_store_engine"]
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture(params=BACKENDS)
def lrs_app(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'lrs.sqlite3'}"
    else:
        url = request.getfixturevalue("pg_database_url")
    app = xapi_store.create_app(url)
    app.config["TESTING"] = True
    if request.param == "postgresql":
        _empty_tables(app)
    yield app
    app.extensions["db_session"].remove()
    app.extensions["xapi_store_engine"].dispose()


@pytest.fixture
def lrs_session(lrs_app):
    with lrs_app.app_context():
        yield lrs_app.extensions["db_session"]


@pytest.fixture
def lrs_credentials(lrs_app):
    """Create credentials with the given scopes; returns (key, secret)."""

    def make(*scopes, agent=None):
        with lrs_app.app_context():
            session = lrs_app.extensions["db_session"]
            if agent is not None:
                pair = auth.create_credential(
                    session, "test", list(scopes), agent=agent, ttl_seconds=600
                )
            else:
                pair = auth.create_credential(session, "test", list(scopes) or ["all"])
            session.commit()
        return pair

    return make


@pytest.fixture
def lrs_auth(lrs_credentials):
    """Headers of a full-access client speaking xAPI 1.0.3."""
    key, secret = lrs_credentials("all")
    return {"Authorization": basic(key, secret), "X-Experience-API-Version": "1.0.3"}


@pytest.fixture
def lrs_client(lrs_app):
    return lrs_app.test_client()
