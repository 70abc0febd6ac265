"""The LRS behind one interface, as ralph has: the built-in store or a remote LRS.

The recorder picks one when the app starts (`for_app`) and never asks which it has. Both store
statements (the built-in one in the caller's transaction, the remote one through the outbox, in
the same transaction, then over HTTP in order), query them, keep State documents, and say which
`authority` marks the statements the LMS wrote (the authority rule, lms.xapi.projections).
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from urllib.parse import urlsplit

import requests
import tincan
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.xapi.models import LearnedAuthority, OutboxStatement
from lms.xapi.projections import authority_key
from xapi_store import api

XAPI_VERSION = "1.0.3"
TINCAN_VERSION = "1.0.1"  # the newest the tincan library speaks; 1.0.3 LRSs accept it
FLUSH_BATCH = 100
RETRY_SECONDS = 30


class LRSBackend(ABC):
    """What the LMS needs from an LRS. Statements and filters are plain xAPI JSON (dicts)."""

    #: True when the LRS is another server (it issues its own credentials to content)
    external: bool = False

    @abstractmethod
    def store(self, session: Session, statements: list[dict]) -> list[str]:
        """Keep the statements with the caller's transaction; returns their ids."""

    @abstractmethod
    def statements(self, session: Session, **filters) -> Iterator[dict]:
        """GET /statements: agent, verb, activity, registration, since, related_activities,
        ascending (xAPI 1.0.3 section 7.2.3), voided ones left out."""

    @abstractmethod
    def statements_with_verbs(self, session: Session, verbs: Iterable[str]) -> Iterator[dict]:
        """Every statement with one of these verb IRIs, oldest first (to rebuild projections;
        activity definitions may be left out)."""

    @abstractmethod
    def our_authorities(self, session: Session) -> set[str]:
        """The authorities (projections.authority_key) of the statements the LMS wrote."""

    @abstractmethod
    def get_state(self, session: Session, activity_id, agent, state_id, registration=None):
        """A State document as parsed JSON, or None."""

    @abstractmethod
    def put_state(self, session: Session, activity_id, agent, state_id, value, registration=None):
        """Keep a State document (JSON)."""

    def flush(self, session: Session, limit: int | None = None) -> tuple[int, int]:
        """Send what waits for the LRS; returns (sent, still waiting)."""
        return 0, 0

    def after_request(self, app: Flask) -> None:
        """Called once a response is sent (the request's transaction has committed)."""
        return None


# --- built-in: xapi_store in the LMS's database -----------------------------------------------


class BuiltInLRS(LRSBackend):
    """xapi_store's in-process API: statements are stored in the user's own transaction."""

    def __init__(self, authority: dict):
        self.authority = authority

    def store(self, session, statements):
        return api.store_statements(session, statements, authority=self.authority)

    def statements(self, session, **filters):
        return api.iter_statements(session, **filters)

    def statements_with_verbs(self, session, verbs):
        return api.iter_statements_with_verbs(session, list(verbs), light=True)

    def our_authorities(self, session):
        # The LMS hands its own authority to the store; no credential can be given it (a launch
        # credential's authority is the learner, an lrs-client's names its key).
        return {authority_key(self.authority)}

    def get_state(self, session, activity_id, agent, state_id, registration=None):
        body = api.get_state(session, activity_id, agent, state_id, registration=registration)
        return json.loads(body) if body else None

    def put_state(self, session, activity_id, agent, state_id, value, registration=None):
        body = json.dumps(value).encode()
        api.put_state(
            session, activity_id, agent, state_id, body, "application/json",
            registration=registration,
        )  # fmt: skip


# --- remote: another LRS over HTTP, fed through the outbox --------------------------------------


class RemoteLRS(LRSBackend):
    """An external LRS (LMS_LRS_ENDPOINT): statements wait in the outbox, sent in order.

    Its authority: the external LRS, not the LMS, sets `authority` from the credential a
    statement came with, so the LMS learns it. After a batch sent with LMS_LRS_KEY is accepted,
    one of its statements is read back by id and its authority kept (LearnedAuthority, one row
    per endpoint and key, so statements sent before a key rotation still count). Only a
    statement the LMS sent can teach it: its id is a fresh UUID nobody else knew. The LRS must
    give the LMS's key an authority of its own (xAPI 1.0.3 section 4.1.9: the authority is the
    credential's), as every conformant LRS does.
    """

    external = True

    def __init__(self, endpoint: str, key: str, secret: str):
        self.endpoint = endpoint.rstrip("/") + "/"
        self.key, self.secret = key, secret
        self.key_digest = hashlib.sha256(key.encode()).hexdigest()
        self._flush_lock = threading.Lock()
        self._next_attempt = 0.0

    # reading and state, plain HTTP: tincan re-serialises statements and its save_state drops
    # the registration parameter

    def _call(self, method: str, url: str, **kwargs) -> requests.Response:
        headers = {"X-Experience-API-Version": XAPI_VERSION, **kwargs.pop("headers", {})}
        if not url.startswith("http"):
            url = self.endpoint + url
        return requests.request(
            method, url, auth=(self.key, self.secret), headers=headers, timeout=30, **kwargs
        )

    def _query(self, params: dict) -> Iterator[dict]:
        """GET /statements with `more` paging, as plain dicts."""
        url, query = "statements", params
        while url:
            response = self._call("GET", url, params=query)
            response.raise_for_status()
            body = response.json()
            yield from body.get("statements", [])
            more = body.get("more")
            url = self._more_url(more) if more else None
            query = None

    def _more_url(self, more: str) -> str:
        if more.startswith("http"):
            return more
        parts = urlsplit(self.endpoint)
        return f"{parts.scheme}://{parts.netloc}{more}"

    def statements(
        self, session, *, agent=None, related_activities=False, ascending=False, **filters
    ):
        query = {
            "ascending": str(ascending).lower(),
            "related_activities": str(related_activities).lower(),
        }
        if agent:
            query["agent"] = json.dumps(agent)
        query.update({key: value for key, value in filters.items() if value})
        return self._query(query)

    def statements_with_verbs(self, session, verbs):
        wanted = set(verbs)
        # xAPI filters one verb at a time; one walk keeps the stored order across verbs.
        for statement in self.statements(session, ascending=True):
            if (statement.get("verb") or {}).get("id") in wanted:
                yield statement

    def our_authorities(self, session):
        rows = session.scalars(
            select(LearnedAuthority.authority).where(LearnedAuthority.endpoint == self.endpoint)
        )
        return {authority_key(authority) for authority in rows}

    def _state(self, method, activity_id, agent, state_id, registration, body=None):
        """One call to the State resource (xAPI 1.0.3 section 7.4)."""
        params = {"activityId": activity_id, "agent": json.dumps(agent), "stateId": state_id}
        if registration:
            params["registration"] = registration
        headers = {"Content-Type": "application/json"} if body is not None else {}
        return self._call(method, "activities/state", params=params, data=body, headers=headers)

    def get_state(self, session, activity_id, agent, state_id, registration=None):
        response = self._state("GET", activity_id, agent, state_id, registration)
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return response.json() if response.content else None

    def put_state(self, session, activity_id, agent, state_id, value, registration=None):
        body = json.dumps(value).encode()
        response = self._state("PUT", activity_id, agent, state_id, registration, body)
        if not response.ok:
            raise RuntimeError(f"external LRS refused the state document: {response.text[:200]!r}")

    # writing: the outbox

    def store(self, session, statements):
        for item in statements:
            session.add(OutboxStatement(statement_id=item["id"], statement=item))
        session.flush()
        return [item["id"] for item in statements]

    def _tincan(self) -> tincan.RemoteLRS:
        return tincan.RemoteLRS(
            endpoint=self.endpoint, version=TINCAN_VERSION, username=self.key,
            password=self.secret,
        )  # fmt: skip

    def flush(self, session, limit=None):
        """Send waiting statements in order; stop at the first failure."""
        lrs = self._tincan()
        sent = 0
        while limit is None or sent < limit:
            rows = session.scalars(
                select(OutboxStatement)
                .where(OutboxStatement.rejected.is_(False))
                .order_by(OutboxStatement.id)
                .limit(FLUSH_BATCH)
            ).all()
            if not rows:
                break
            batch = tincan.StatementList([tincan.Statement(row.statement) for row in rows])
            try:
                response = lrs.save_statements(batch)
            except OSError as exc:  # LRS down or unreachable: keep everything, try later
                _note_failure(rows, str(exc))
                session.commit()
                break
            if response.success:
                self._learn_authority(session, rows[0].statement_id)
                for row in rows:
                    session.delete(row)
                sent += len(rows)
                session.commit()
                continue
            status = response.response.status
            _note_failure(rows, f"{status}: {response.data[:500]!r}")
            if 400 <= status < 500 and status not in (401, 403, 429):
                self._reject_one_by_one(session, lrs, rows)
            session.commit()
            if status >= 500 or status in (401, 403, 429):
                break
        waiting = session.query(OutboxStatement).filter_by(rejected=False).count()
        return sent, waiting

    def _learn_authority(self, session: Session, statement_id: str) -> None:
        """Read back a statement just accepted and keep the authority the LRS gave it."""
        known = session.scalar(
            select(LearnedAuthority.id).where(
                LearnedAuthority.endpoint == self.endpoint,
                LearnedAuthority.key_digest == self.key_digest,
            )
        )
        if known is not None:
            return
        try:
            response = self._call("GET", "statements", params={"statementId": statement_id})
            authority = response.json().get("authority") if response.ok else None
        except (OSError, ValueError):  # the next flush tries again
            return
        if isinstance(authority, dict):
            session.add(
                LearnedAuthority(
                    endpoint=self.endpoint, key_digest=self.key_digest, authority=authority
                )
            )

    def _reject_one_by_one(self, session: Session, lrs, rows) -> None:
        """A batch was refused: send each alone so one bad statement does not block the queue."""
        for row in rows:
            response = lrs.save_statement(tincan.Statement(row.statement))
            if response.success:
                self._learn_authority(session, row.statement_id)
                session.delete(row)
            elif 400 <= response.response.status < 500:
                row.rejected = True

    def after_request(self, app):
        """Send queued statements in a background thread, at most one at a time."""
        if app.testing or time.monotonic() < self._next_attempt:
            return
        if not self._flush_lock.acquire(blocking=False):
            return
        threading.Thread(target=self._flush_in_background, args=(app,), daemon=True,
                         name="xapi-flush").start()  # fmt: skip

    def _flush_in_background(self, app: Flask) -> None:
        try:
            with app.app_context():
                session = app.extensions["db_session"]()
                try:
                    _sent, waiting = self.flush(session)
                    self._next_attempt = time.monotonic() + (RETRY_SECONDS if waiting else 0)
                finally:
                    app.extensions["db_session"].remove()
        except Exception:  # never let delivery break the site; the next kick retries
            app.logger.exception("xAPI outbox flush failed")
            self._next_attempt = time.monotonic() + RETRY_SECONDS
        finally:
            self._flush_lock.release()


def _note_failure(rows, error: str) -> None:
    for row in rows:
        row.attempts += 1
        row.last_error = error


def for_app(app: Flask, authority: dict) -> LRSBackend:
    """The backend the configuration names: a remote LRS when LMS_LRS_ENDPOINT is set."""
    config = app.config
    if config.get("LRS_ENDPOINT"):
        return RemoteLRS(config["LRS_ENDPOINT"], config["LRS_KEY"], config["LRS_SECRET"])
    return BuiltInLRS(authority)
