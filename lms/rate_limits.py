"""Rate limits shared by every worker and node: a counter table in the LMS database, or Redis.

Flask-Limiter's `memory://` store lives in one process, so under `lms serve`'s gunicorn workers
"10 per minute" meant 10 per worker. Here the counters live where every worker sees them: the
database the app already uses (default), or Redis when LMS_REDIS_URL is set. Views opt in with
`@rate_limited("SETTING")`, naming the config key that holds the limit; each app gets its own
Limiter, so two apps in one process (tests, a WSGI dispatcher) never share counters.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits.storage import Storage, storage_from_string
from sqlalchemy import Float, Integer, String, case, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from lms.config import RATE_LIMIT_DATABASE_URI
from lms.db import Base, make_engine

# One increment in this many also deletes counters whose window has ended, so the table holds
# only live windows (one row per client address and limit) without a scheduled job.
PURGE_ONE_IN = 200


class RateLimitCounter(Base):
    """One fixed-window counter: how many hits `key` had in the window ending at `expires_at`."""

    __tablename__ = "rate_limit_counters"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)
    #: Seconds since the epoch (a float, as the `limits` storage interface counts time).
    expires_at: Mapped[float] = mapped_column(Float, index=True)


class DatabaseStorage(Storage):
    """A `limits` storage on the `rate_limit_counters` table: one atomic upsert per hit.

    `INSERT ... ON CONFLICT DO UPDATE ... RETURNING` runs as one statement on SQLite (3.35+) and
    PostgreSQL, so concurrent workers never lose a hit or both see a fresh window. Each call
    commits on its own connection: a refused login rolls the request back, never its count.
    """

    STORAGE_SCHEME = ["lms-database"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.database_url = str(options["database_url"])
        self.table = RateLimitCounter.__table__
        self._engine: Engine | None = None
        self._pid = 0

    @property
    def engine(self) -> Engine:
        # Its own small pool, opened in the process that uses it: gunicorn forks the workers
        # after create_app(), and a connection must never be shared across a fork.
        if self._engine is None or self._pid != os.getpid():
            self._engine = make_engine(self.database_url, pool_size=2)
            self._pid = os.getpid()
        return self._engine

    @property
    def base_exceptions(self):
        return SQLAlchemyError

    def _insert(self):
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        return dialect.insert(self.table)

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        table = self.table
        ended = table.c.expires_at <= now
        statement = self._insert().values(key=key, hits=amount, expires_at=now + expiry)
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "hits": case((ended, amount), else_=table.c.hits + amount),
                "expires_at": case((ended, now + expiry), else_=table.c.expires_at),
            },
        ).returning(table.c.hits)
        with self.engine.begin() as connection:
            hits = connection.execute(statement).scalar_one()
            if random.randrange(PURGE_ONE_IN) == 0:
                connection.execute(delete(table).where(table.c.expires_at <= now))
        return hits

    def _live(self, key: str):
        table = self.table
        with self.engine.connect() as connection:
            return connection.execute(
                select(table.c.hits, table.c.expires_at).where(
                    table.c.key == key, table.c.expires_at > time.time()
                )
            ).first()

    def get(self, key: str) -> int:
        row = self._live(key)
        return row.hits if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._live(key)
        return row.expires_at if row else time.time()

    def check(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(select(1))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with self.engine.begin() as connection:
            return connection.execute(delete(self.table)).rowcount

    def clear(self, key: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(delete(self.table).where(self.table.c.key == key))


def rate_limited(setting: str) -> Callable:
    """Mark a view as limited on POST by the limit string in app.config[setting]."""

    def mark(view: Callable) -> Callable:
        view.rate_limit_setting = setting
        return view

    return mark


def init_app(app: Flask) -> None:
    """Give the app its own Limiter on the shared store and apply every marked view's limit."""
    options = dict(app.config.get("RATELIMIT_STORAGE_OPTIONS") or {})
    if app.config["RATELIMIT_STORAGE_URI"].startswith(RATE_LIMIT_DATABASE_URI):
        options["database_url"] = app.config["DATABASE_URL"]
    app.config["RATELIMIT_STORAGE_OPTIONS"] = options
    limiter = Limiter(key_func=get_remote_address, default_limits=[])
    limiter.init_app(app)
    app.extensions["taawun.limiter"] = limiter


def apply_limits(app: Flask) -> None:
    """Wrap each view marked with @rate_limited (called once every blueprint is registered)."""
    limiter: Limiter = app.extensions["taawun.limiter"]
    for endpoint, view in list(app.view_functions.items()):
        setting = getattr(view, "rate_limit_setting", None)
        if setting:
            # One bucket per setting, shared by the views that name it: a PIN typed on /pin and
            # a card code typed on /card count against the same limit of the address.
            app.view_functions[endpoint] = limiter.shared_limit(
                lambda setting=setting: current_app.config[setting], scope=setting, methods=["POST"]
            )(view)


def counter(app: Flask | None = None) -> Storage:
    """The shared store itself, for counts that are not per address (wrong PINs per account).

    Its own handle on the same table or Redis, so these counts hold even where the per-address
    limits are switched off (RATELIMIT_ENABLED)."""
    app = app or current_app
    if "taawun.counter" not in app.extensions:
        app.extensions["taawun.counter"] = storage_from_string(
            app.config["RATELIMIT_STORAGE_URI"], **app.config["RATELIMIT_STORAGE_OPTIONS"]
        )
    return app.extensions["taawun.counter"]
