"""Database: the declarative base, the engine and the per-request session."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask, current_app
from sqlalchemy import DateTime, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker
from sqlalchemy.types import TypeDecorator
from werkzeug.local import LocalProxy


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every database (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime: use lms.db.utcnow()")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    """Base of every model of lms, projects and market (xapi_store has its own)."""


def _sqlite_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(url: str, pool_size: int = 10) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # No JIT: it compiles any query whose estimated cost passes a threshold, and estimates of
    # short queries go wrong (fresh tables without statistics): 10-300 ms of compiling for
    # queries that run in 1 ms (xapi_store's lookups and pages at 1,000,000 statements).
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=pool_size,
        max_overflow=pool_size,
        connect_args={"options": "-c jit=off"},
    )


def init_app(app: Flask) -> None:
    """One engine per app; one session per request, removed when the request ends."""
    engine = make_engine(app.config["DATABASE_URL"])
    factory = scoped_session(sessionmaker(bind=engine, expire_on_commit=False))
    app.extensions["db_engine"] = engine
    app.extensions["db_session"] = factory

    @app.after_request
    def _end_transaction(response):
        # One transaction per request: keep it only when the request succeeded.
        if factory.registry.has():
            if response.status_code < 400:
                factory().commit()
            else:
                factory().rollback()
        return response

    @app.teardown_appcontext
    def _remove_session(_exc):
        if factory.registry.has():
            # Work that never committed is discarded: undo its side effects (files written...).
            _run(factory().info, "on_rollback")
        factory.remove()


def on_commit(session: Session, action) -> None:
    """Run `action()` once the current transaction commits (e.g. delete a file for good)."""
    session.info.setdefault("on_commit", []).append(action)


def on_rollback(session: Session, action) -> None:
    """Run `action()` if the current transaction is rolled back (e.g. remove a file written)."""
    session.info.setdefault("on_rollback", []).append(action)


def _run(info: dict, key: str) -> None:
    actions = info.pop(key, [])
    info.pop("on_rollback" if key == "on_commit" else "on_commit", None)
    for action in actions:
        action()


@event.listens_for(Session, "after_commit")
def _after_commit(session):
    _run(session.info, "on_commit")


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session, previous_transaction):
    if previous_transaction.parent is None:  # the outermost transaction, not a savepoint
        _run(session.info, "on_rollback")


def get_session() -> Session:
    return current_app.extensions["db_session"]()


#: The current request's session: `from lms.db import session`.
session: Session = LocalProxy(get_session)  # type: ignore[assignment]
