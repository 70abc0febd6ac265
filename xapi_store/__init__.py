"""Taawun's Learning Record Store (xAPI 1.0.3 and 2.0.0), hosted in a Flask app or standalone."""

import os
import secrets

from flask import Flask
from sqlalchemy import create_engine, event
from sqlalchemy.orm import scoped_session, sessionmaker

from .errors import XAPIError

__all__ = ["XAPIError", "create_app", "init_app"]
URL_PREFIX = "/xapi"


def init_app(app: Flask, url_prefix: str = URL_PREFIX):
    """Register the LRS on a host app whose `extensions["db_session"]` is a scoped_session."""
    from .cli import register_commands
    from .views import blueprint

    if "db_session" not in app.extensions:
        raise RuntimeError("xapi_store.init_app: put a scoped_session in app.extensions first")
    app.register_blueprint(blueprint, url_prefix=url_prefix)
    app.extensions["xapi_store_prefix"] = url_prefix
    if "csrf" in app.extensions:
        # xAPI clients authenticate with HTTP Basic, not cookies: no CSRF token to check.
        app.extensions["csrf"].exempt(blueprint)
    register_commands(app)


def make_engine(database_url: str):
    postgresql = database_url.startswith("postgresql")
    # No JIT on PostgreSQL: see lms.db.make_engine.
    connect_args = {"options": "-c jit=off"} if postgresql else {}
    engine = create_engine(database_url, pool_pre_ping=True, connect_args=connect_args)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection, _record):
            cursor = connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.close()

    return engine


def create_app(database_url: str, create_tables: bool = True) -> Flask:
    """A Flask app serving only the LRS, with its own engine and session."""
    from .models import Base

    app = Flask(__name__)
    app.config["XAPI_VERSION_WITHOUT_HEADER"] = os.environ.get(
        "XAPI_VERSION_WITHOUT_HEADER", "1.0.3"
    )
    # Signs `more` links: processes serving the same database share XAPI_SECRET_KEY, or a link
    # given by one is refused by the others (a random key suits one process).
    app.config["SECRET_KEY"] = os.environ.get("XAPI_SECRET_KEY") or secrets.token_hex(32)
    engine = make_engine(database_url)
    if create_tables:
        Base.metadata.create_all(engine)
    session = scoped_session(sessionmaker(bind=engine, expire_on_commit=False))
    app.extensions["db_session"] = session
    app.extensions["xapi_store_engine"] = engine

    @app.teardown_appcontext
    def _remove_session(_exc):
        session.remove()

    init_app(app)
    return app
