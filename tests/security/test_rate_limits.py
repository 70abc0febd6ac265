"""Finding 6: rate limits hold across workers and nodes (shared counters), and cover login,
registration and the password change."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid

import pytest
import requests

from tests.conftest import PASSWORD, make_test_app

REDIS_URL = os.environ.get("LMS_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
WRONG_LOGIN = {"email": "nobody@example.org", "password": "not-the-password"}


def _workers(database_url, tmp_path, count=2, **config):
    """`count` separately created apps on one database: the workers of `lms serve`, or nodes."""
    config = {"RATELIMIT_ENABLED": True, "RATELIMIT_KEY_PREFIX": uuid.uuid4().hex, **config}
    return [make_test_app(database_url, tmp_path / f"worker{i}", **config) for i in range(count)]


def _dispose(apps):
    for app in apps:
        app.extensions["db_engine"].dispose()


def _wrong_logins(apps, times: int) -> list[int]:
    """Wrong logins from one address, spread over the apps in turn."""
    browsers = [app.test_client() for app in apps]
    return [
        browsers[i % len(browsers)].post("/login", data=WRONG_LOGIN).status_code
        for i in range(times)
    ]


def test_finding6_login_limit_holds_across_two_workers_on_one_database(database_url, tmp_path):
    # Each app has its own Limiter, as each gunicorn worker has: before, one process-wide Limiter
    # made two apps in one process share counters, which hid the finding here (the `lms serve`
    # test below shows it with real workers).
    apps = _workers(database_url, tmp_path, LOGIN_RATE_LIMIT="4 per minute")
    assert _wrong_logins(apps, 6) == [400, 400, 400, 400, 429, 429]
    _dispose(apps)


def _redis_or_skip():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.RedisError as exc:
        pytest.skip(f"no Redis at {REDIS_URL} ({exc}); set LMS_TEST_REDIS_URL to run this test")
    return redis.Redis.from_url(REDIS_URL)


def test_finding6_login_limit_holds_across_two_nodes_with_redis(
    database_url, tmp_path, monkeypatch
):
    server = _redis_or_skip()
    monkeypatch.setenv("LMS_REDIS_URL", REDIS_URL)
    apps = _workers(database_url, tmp_path, LOGIN_RATE_LIMIT="4 per minute")
    prefix = apps[0].config["RATELIMIT_KEY_PREFIX"]
    assert apps[0].config["RATELIMIT_STORAGE_URI"] == REDIS_URL
    try:
        assert _wrong_logins(apps, 6) == [400, 400, 400, 400, 429, 429]
        assert list(server.scan_iter(f"*{prefix}*"))  # the counters are in Redis
    finally:
        for key in server.scan_iter(f"*{prefix}*"):
            server.delete(key)
        _dispose(apps)


def test_finding6_registration_and_password_change_are_limited(database_url, tmp_path, make_user):
    apps = _workers(database_url, tmp_path, REGISTER_RATE_LIMIT="2 per minute",
                    PASSWORD_RATE_LIMIT="2 per minute")  # fmt: skip
    browsers = [app.test_client() for app in apps]
    registrations = [
        browsers[i % 2].post("/register", data={"email": "not-an-address"}).status_code
        for i in range(3)
    ]
    assert registrations == [400, 400, 429]

    user = make_user()
    for browser in browsers:
        browser.post("/login", data={"email": user.email, "password": PASSWORD})
    guesses = {"current": "guess-guess-guess", "new": "new-password-6", "confirm": "new-password-6"}
    changes = [browsers[i % 2].post("/password", data=guesses).status_code for i in range(3)]
    assert changes == [400, 400, 429]
    _dispose(apps)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_finding6_lms_serve_gives_ten_wrong_logins_a_minute_whatever_the_worker(tmp_path):
    """The real server: `lms serve` with 3 gunicorn workers, 15 wrong logins in a burst, each on
    a new connection so the workers share them. Quick: the server's start-up, then 15 requests."""
    port, database_url = _free_port(), f"sqlite:///{tmp_path / 'serve.sqlite3'}"
    _dispose(_workers(database_url, tmp_path, count=1))  # migrated here: one start-up less
    env = dict(os.environ, LMS_DATABASE_URL=database_url,
               LMS_SECRET_KEY="serve-test", LMS_HOST="127.0.0.1", LMS_PORT=str(port),
               LMS_WORKERS="3", LMS_LOGIN_RATE_LIMIT="10 per minute")  # fmt: skip
    env.pop("LMS_REDIS_URL", None)
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    server = subprocess.Popen([sys.executable, "-m", "lms", "serve"], env=env, **quiet)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                form = requests.get(f"{base}/login", timeout=5)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "lms serve did not start"
                time.sleep(0.2)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form.text).group(1)
        codes = [
            requests.post(
                f"{base}/login",
                data=dict(WRONG_LOGIN, csrf_token=token),
                cookies=form.cookies,
                headers={"Connection": "close"},
                timeout=10,
            ).status_code  # fmt: skip
            for _ in range(15)
        ]
    finally:
        server.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
        server.wait(timeout=30)
    assert sum(code != 429 for code in codes) == 10, codes
    assert set(codes[:10]) == {400}
