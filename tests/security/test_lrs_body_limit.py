"""Finding 9 (issue 13): a body over the 20 MB limit gets 413 whether it is chunked or not.

A chunked body (no Content-Length) over the limit was cut at 20 MB and stored as if complete.
Checked through the Flask test client (a streamed body, as a server that terminates chunked
input hands it over: `wsgi.input_terminated`) and through a real gunicorn, as `lms serve` runs.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import socket
import subprocess
import sys
import time
import uuid

import pytest

from tests.security.lrs_clients import is_xapi_error, launch, lrs_client_headers, statement

LIMIT = 20 * 1024 * 1024
PROFILE = "/xapi/activities/profile?activityId=http://taawun.test/courses/think-coop&profileId="


def _chunked(body: bytes, size: int = 1 << 20):
    for start in range(0, len(body), size):
        yield body[start : start + size]


def _send_chunked(app, method: str, url: str, body: bytes, headers: dict):
    """A request with Transfer-Encoding: chunked and no Content-Length."""
    return app.test_client().open(
        url,
        method=method,
        headers={**headers, "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input": _Stream(body), "wsgi.input_terminated": True},
    )


class _Stream:
    """A file-like body that does not know its length, read as a server reads chunks."""

    def __init__(self, body: bytes):
        self._chunks = _chunked(body)
        self._rest = b""

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._rest) < size:
            chunk = next(self._chunks, b"")
            if not chunk:
                break
            self._rest += chunk
        if size < 0:
            size = len(self._rest)
        out, self._rest = self._rest[:size], self._rest[size:]
        return out


def test_finding9_chunked_document_over_the_limit_gets_413_and_nothing_is_stored(app):
    admin = lrs_client_headers(app)
    url = PROFILE + "too-big"
    headers = {**admin, "Content-Type": "application/octet-stream", "If-None-Match": "*"}
    answer = _send_chunked(app, "PUT", url, b"x" * (LIMIT + 1024), headers)
    assert is_xapi_error(answer, 413), (answer.status_code, answer.data[:200])
    assert app.test_client().get(url, headers=admin).status_code == 404


def test_finding9_chunked_statements_over_the_limit_get_413_and_nothing_is_stored(app, make_user):
    headers, actor = launch(app, make_user())
    filler = "x" * 1_000_000
    batch = [statement(actor, result={"response": filler}) for _ in range(21)]
    body = json.dumps(batch).encode()
    assert len(body) > LIMIT
    answer = _send_chunked(
        app, "POST", "/xapi/statements", body, {**headers, "Content-Type": "application/json"}
    )
    assert is_xapi_error(answer, 413)
    listed = app.test_client().get("/xapi/statements", headers=headers).get_json()
    assert listed["statements"] == []


def test_finding9_declared_length_over_the_limit_gets_an_xapi_413(app):
    admin = lrs_client_headers(app)
    answer = app.test_client().put(
        PROFILE + "declared",
        data=b"x" * (LIMIT + 1),
        headers={**admin, "Content-Type": "application/octet-stream", "If-None-Match": "*"},
    )
    assert is_xapi_error(answer, 413)


def test_finding9_chunked_body_within_the_limit_is_stored_whole(app):
    admin = lrs_client_headers(app)
    url = PROFILE + "fits"
    body = os.urandom(3 * 1024 * 1024)
    headers = {**admin, "Content-Type": "application/octet-stream", "If-None-Match": "*"}
    assert _send_chunked(app, "PUT", url, body, headers).status_code == 204
    assert app.test_client().get(url, headers=admin).data == body


# Under gunicorn -------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def gunicorn_lrs(tmp_path):
    """The standalone LRS served by gunicorn (as `lms serve` serves the site): (port, auth)."""
    import xapi_store
    from xapi_store import auth

    url = f"sqlite:///{tmp_path / 'lrs.sqlite3'}"
    lrs = xapi_store.create_app(url)
    with lrs.app_context():
        session = lrs.extensions["db_session"]
        key, secret = auth.create_credential(session, "gunicorn-test", ["all"])
        session.commit()
    lrs.extensions["xapi_store_engine"].dispose()
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            f"xapi_store:create_app({url!r})",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    token = base64.b64encode(f"{key}:{secret}".encode()).decode()
    yield port, f"Basic {token}"
    server.terminate()
    server.wait(timeout=10)


def _gunicorn_put(port: int, authorization: str, path: str, body: bytes):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {
        "Authorization": authorization,
        "X-Experience-API-Version": "1.0.3",
        "Content-Type": "application/octet-stream",
        "If-None-Match": "*",
    }
    try:
        connection.request("PUT", path, body=_chunked(body), headers=headers, encode_chunked=True)
        response = connection.getresponse()
        return response.status, response.read()
    except (BrokenPipeError, ConnectionResetError):
        return None, b""  # the server answered and closed before the whole body went
    finally:
        connection.close()


def _gunicorn_get(port: int, authorization: str, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": authorization, "X-Experience-API-Version": "1.0.3"}
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    status, body = response.status, response.read()
    connection.close()
    return status, body


def test_finding9_under_gunicorn_chunked_bodies_are_limited_the_same(gunicorn_lrs):
    port, authorization = gunicorn_lrs
    big, small = PROFILE + uuid.uuid4().hex, PROFILE + uuid.uuid4().hex
    status, body = _gunicorn_put(port, authorization, big, b"x" * (LIMIT + 1024))
    assert status in (413, None), (status, body[:200])
    if status == 413:
        assert json.loads(body)["message"]
    assert _gunicorn_get(port, authorization, big)[0] == 404
    fits = os.urandom(1024 * 1024)
    assert _gunicorn_put(port, authorization, small, fits)[0] == 204
    assert _gunicorn_get(port, authorization, small) == (200, fits)
