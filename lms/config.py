"""Every LMS_* setting, read once from the environment and checked with a clear message."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

LANGUAGES = ("fr", "ar", "en")
DEFAULT_LANGUAGE = "fr"
RTL_LANGUAGES = frozenset({"ar"})
# Rate-limit counters in the LMS database (lms.rate_limits), shared by every worker.
RATE_LIMIT_DATABASE_URI = "lms-database://"


class ConfigError(Exception):
    """A setting is wrong; the message is one line naming the variable."""


def _secret_key(instance_path: Path) -> str:
    """LMS_SECRET_KEY, else a key generated once and kept in the instance folder."""
    if key := os.environ.get("LMS_SECRET_KEY"):
        return key
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def check_database_url(url: str) -> str:
    """Refuse a URL SQLAlchemy cannot use, naming the variable (no traceback at start-up)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(f"LMS_DATABASE_URL is not a database URL: {url!r}") from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise ConfigError(
            f"LMS_DATABASE_URL: unsupported database {parsed.get_backend_name()!r} "
            "(use sqlite:/// or postgresql+psycopg://)"
        )
    if parsed.get_backend_name() == "postgresql" and parsed.drivername != "postgresql+psycopg":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return url


def _port(value: str) -> int:
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise ConfigError(f"LMS_PORT must be a port number, not {value!r}")
    return int(value)


def _base_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"LMS_BASE_URL must be an http(s) URL, not {value!r}")
    return value.rstrip("/")


def _session_days(value: str) -> int:
    if not value.isdigit() or not 0 < int(value) <= 366:
        raise ConfigError(f"LMS_SESSION_DAYS must be a number of days from 1 to 366, not {value!r}")
    return int(value)


def _redis_url(value: str | None) -> str | None:
    if value and urlsplit(value).scheme not in ("redis", "rediss", "redis+unix"):
        raise ConfigError(f"LMS_REDIS_URL must be a redis:// or rediss:// URL, not {value!r}")
    return value or None


def load(instance_path: Path) -> dict:
    """Flask settings built from the environment."""
    env = os.environ.get
    base_url = _base_url(env("LMS_BASE_URL", "http://127.0.0.1:5000"))
    https = base_url.startswith("https://")
    default_db = f"sqlite:///{instance_path / 'taawun.sqlite3'}"
    lrs_endpoint = env("LMS_LRS_ENDPOINT") or None
    redis_url = _redis_url(env("LMS_REDIS_URL"))
    session_days = _session_days(env("LMS_SESSION_DAYS", "14"))
    if lrs_endpoint and not (env("LMS_LRS_KEY") and env("LMS_LRS_SECRET")):
        raise ConfigError("LMS_LRS_ENDPOINT is set: LMS_LRS_KEY and LMS_LRS_SECRET are needed too")
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "DATABASE_URL": check_database_url(env("LMS_DATABASE_URL", default_db)),
        "BASE_URL": base_url,
        "LRS_ENDPOINT": lrs_endpoint,
        "LRS_KEY": env("LMS_LRS_KEY"),
        "LRS_SECRET": env("LMS_LRS_SECRET"),
        "HOST": env("LMS_HOST", "127.0.0.1"),
        "PORT": _port(env("LMS_PORT", "5000")),
        "PLUGINS": [
            p
            for p in env("LMS_PLUGINS", "xapi_store,projects,market,accompaniment").split(",")
            if p
        ],
        "LOGIN_RATE_LIMIT": env("LMS_LOGIN_RATE_LIMIT", "10 per minute;100 per day"),
        "REGISTER_RATE_LIMIT": env("LMS_REGISTER_RATE_LIMIT", "5 per minute;50 per day"),
        "PASSWORD_RATE_LIMIT": env("LMS_PASSWORD_RATE_LIMIT", "5 per minute;50 per day"),
        # PIN and card sign-ins: a training room shares one address, so a little more room.
        "PIN_RATE_LIMIT": env("LMS_PIN_RATE_LIMIT", "20 per minute;300 per day"),
        "REDIS_URL": redis_url,
        # A login lasts at most this long (the cookie's lifetime and a check on the server).
        "SESSION_DAYS": session_days,
        "PERMANENT_SESSION_LIFETIME": timedelta(days=session_days),
        # Cookies: HttpOnly always, Secure whenever the site is served over https.
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PREFERRED_URL_SCHEME": "https" if https else "http",
        "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
        # Shared by every worker and node: Redis when given, else the LMS database.
        "RATELIMIT_STORAGE_URI": redis_url or RATE_LIMIT_DATABASE_URI,
        "RATELIMIT_HEADERS_ENABLED": True,
        # The shared store unreachable: count per worker meanwhile rather than fail the page.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "BABEL_DEFAULT_LOCALE": DEFAULT_LANGUAGE,
        "BABEL_DEFAULT_TIMEZONE": "Africa/Casablanca",
        "SEND_FILE_MAX_AGE_DEFAULT": 7 * 24 * 3600,
        "WTF_CSRF_TIME_LIMIT": None,
    }
