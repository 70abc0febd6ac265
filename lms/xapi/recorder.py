"""The LMS's statement recorder: builds statements with `tincan` and stores or queues them.

Built-in LRS (LMS_LRS_ENDPOINT unset): the statement is validated and stored by xapi_store in the
same database transaction as the user's action. External LRS: it waits in the outbox (same
transaction) and is sent in order by `flush_outbox` (after each request, and `lms xapi flush`).
Reading back (statements, state) works the same in both modes.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import urlsplit

import requests
import tincan
from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.db import session as db_session
from lms.xapi.models import OutboxStatement
from lms.xapi.vocabulary import ACTIVITY_TYPES, PLATFORM, VERBS

XAPI_VERSION = "1.0.3"
TINCAN_VERSION = "1.0.1"  # the newest the tincan library speaks; 1.0.3 LRSs accept it
FLUSH_BATCH = 100


def base_url() -> str:
    return current_app.config["BASE_URL"]


def external() -> bool:
    return bool(current_app.config.get("LRS_ENDPOINT"))


# --- building -------------------------------------------------------------------------------


def actor(user) -> tincan.Agent:
    """The learner as an xAPI account agent: the opaque public id, never the e-mail address."""
    return tincan.Agent(
        object_type="Agent",
        account=tincan.AgentAccount(home_page=base_url(), name=user.public_id),
    )


def actor_dict(user) -> dict:
    return {"objectType": "Agent", "account": {"homePage": base_url(), "name": user.public_id}}


def authority() -> dict:
    return {"objectType": "Agent", "account": {"homePage": base_url(), "name": "taawun-lms"}}


def activity_iri(*parts: str) -> str:
    return "/".join([base_url(), *(str(p).strip("/") for p in parts)])


def verb(key: str) -> tincan.Verb:
    iri, display = VERBS[key]
    return tincan.Verb(id=iri, display=tincan.LanguageMap(display))


def activity(
    iri: str,
    type_key: str,
    name: dict[str, str],
    description: dict[str, str] | None = None,
    **definition,
) -> tincan.Activity:
    """An activity with its definition; `definition` adds interaction fields and extensions."""
    return tincan.Activity(
        id=iri,
        definition=tincan.ActivityDefinition(
            type=ACTIVITY_TYPES[type_key],
            name=tincan.LanguageMap({k: v for k, v in name.items() if v}),
            description=tincan.LanguageMap(description) if description else None,
            **definition,
        ),
    )


def context(
    registration: str | None = None,
    parent: list[tincan.Activity] | None = None,
    grouping: list[tincan.Activity] | None = None,
    language: str | None = None,
    extensions: dict | None = None,
) -> tincan.Context:
    return tincan.Context(
        registration=registration,
        context_activities=tincan.ContextActivities(parent=parent, grouping=grouping)
        if parent or grouping
        else None,
        language=language,
        platform=PLATFORM,
        extensions=tincan.Extensions(extensions) if extensions else None,
    )


def statement(
    user,
    verb_key: str,
    obj,
    result: tincan.Result | None = None,
    ctx: tincan.Context | None = None,
) -> tincan.Statement:
    return tincan.Statement(
        id=uuid.uuid4(),
        actor=actor(user),
        verb=verb(verb_key),
        object=obj,
        result=result,
        context=ctx,
        timestamp=datetime.now(UTC),
    )


def voiding(user, statement_id: str) -> tincan.Statement:
    """`user` withdraws an earlier statement: the LRS keeps it but no query returns it any more
    (xAPI 1.0.3 Data 2.3.2, voided verb with a StatementRef object)."""
    return statement(user, "voided", tincan.StatementRef(id=statement_id))


def to_dict(stmt: tincan.Statement | dict) -> dict:
    data = stmt if isinstance(stmt, dict) else json.loads(stmt.to_json(TINCAN_VERSION))
    data = dict(data)
    data.setdefault("id", str(uuid.uuid4()))
    data.setdefault("timestamp", datetime.now(UTC).isoformat())
    data["version"] = XAPI_VERSION
    return data


# --- recording ------------------------------------------------------------------------------


def record(stmt: tincan.Statement | dict, session: Session | None = None) -> str:
    """Store (built-in LRS) or queue (external LRS) one statement; returns its id.

    Runs inside the caller's transaction: if the user's action rolls back, so does the statement.
    """
    return record_many([stmt], session)[0]


def record_many(stmts: list, session: Session | None = None) -> list[str]:
    session = session or db_session
    data = [to_dict(s) for s in stmts]
    if external():
        for item in data:
            session.add(OutboxStatement(statement_id=item["id"], statement=item))
        session.flush()
        return [item["id"] for item in data]
    from xapi_store import api

    return api.store_statements(session, data, authority=authority())


def _remote_lrs() -> tincan.RemoteLRS:
    config = current_app.config
    return tincan.RemoteLRS(
        endpoint=config["LRS_ENDPOINT"].rstrip("/") + "/",
        version=TINCAN_VERSION,
        username=config["LRS_KEY"],
        password=config["LRS_SECRET"],
    )


def flush_outbox(session: Session, limit: int | None = None) -> tuple[int, int]:
    """Send waiting statements in order; stop at the first failure. Returns (sent, waiting)."""
    lrs = _remote_lrs()
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
            for row in rows:
                session.delete(row)
            sent += len(rows)
            session.commit()
            continue
        status = response.response.status
        _note_failure(rows, f"{status}: {response.data[:500]!r}")
        if 400 <= status < 500 and status not in (401, 403, 429):
            _reject_one_by_one(session, lrs, rows)
        session.commit()
        if status >= 500 or status in (401, 403, 429):
            break
    waiting = session.query(OutboxStatement).filter_by(rejected=False).count()
    return sent, waiting


def _note_failure(rows, error: str) -> None:
    for row in rows:
        row.attempts += 1
        row.last_error = error


def _reject_one_by_one(session: Session, lrs, rows) -> None:
    """A batch was refused: send each alone so one bad statement does not block the queue."""
    for row in rows:
        response = lrs.save_statement(tincan.Statement(row.statement))
        if response.success:
            session.delete(row)
        elif 400 <= response.response.status < 500:
            row.rejected = True


_flush_lock = threading.Lock()
_next_attempt = 0.0
RETRY_SECONDS = 30


def kick_flush(app: Flask) -> None:
    """After a request: send queued statements in a background thread, at most one at a time."""
    global _next_attempt
    if time.monotonic() < _next_attempt or not _flush_lock.acquire(blocking=False):
        return

    def run():
        global _next_attempt
        try:
            with app.app_context():
                session = app.extensions["db_session"]()
                try:
                    _sent, waiting = flush_outbox(session)
                    _next_attempt = time.monotonic() + (RETRY_SECONDS if waiting else 0)
                finally:
                    app.extensions["db_session"].remove()
        except Exception:  # never let delivery break the site; the next kick retries
            app.logger.exception("xAPI outbox flush failed")
            _next_attempt = time.monotonic() + RETRY_SECONDS
        finally:
            _flush_lock.release()

    threading.Thread(target=run, daemon=True, name="xapi-flush").start()


# --- reading back ---------------------------------------------------------------------------


def statements(
    *,
    agent: dict | None = None,
    verb_key: str | None = None,
    activity_id: str | None = None,
    registration: str | None = None,
    since: str | None = None,
    related_activities: bool = False,
    ascending: bool = True,
) -> Iterator[dict]:
    """Statements matching the filters, from whichever LRS is in use (oldest first by default)."""
    verb_iri = VERBS[verb_key][0] if verb_key else None
    if not external():
        from xapi_store import api

        yield from api.iter_statements(
            db_session,
            agent=agent,
            verb=verb_iri,
            activity=activity_id,
            registration=registration,
            since=since,
            related_activities=related_activities,
            ascending=ascending,
        )
        return
    query = {
        "ascending": str(ascending).lower(),
        "related_activities": str(related_activities).lower(),
    }
    if agent:
        query["agent"] = json.dumps(agent)
    for key, value in (("verb", verb_iri), ("activity", activity_id),
                       ("registration", registration), ("since", since)):  # fmt: skip
        if value:
            query[key] = value
    yield from _remote_query(query)


def _remote(method: str, url: str, **kwargs):
    """One HTTP call to the external LRS, with its credentials and the xAPI version header.

    Plain HTTP for reading back: tincan re-serialises statements and its save_state drops the
    registration parameter.
    """
    config = current_app.config
    headers = {"X-Experience-API-Version": XAPI_VERSION, **kwargs.pop("headers", {})}
    if not url.startswith("http"):
        url = config["LRS_ENDPOINT"].rstrip("/") + "/" + url
    return requests.request(
        method, url, auth=(config["LRS_KEY"], config["LRS_SECRET"]), headers=headers,
        timeout=30, **kwargs,
    )  # fmt: skip


def _remote_query(params: dict) -> Iterator[dict]:
    """GET /statements with `more` paging, as plain dicts."""
    url, query = "statements", params
    while url:
        response = _remote("GET", url, params=query)
        response.raise_for_status()
        body = response.json()
        yield from body.get("statements", [])
        more = body.get("more")
        url = _more_url(current_app.config["LRS_ENDPOINT"], more) if more else None
        query = None


def _more_url(endpoint: str, more: str) -> str:
    if more.startswith("http"):
        return more
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}{more}"


def get_state(activity_id: str, agent: dict, state_id: str, registration: str | None = None):
    """A State document as parsed JSON, or None."""
    if not external():
        from xapi_store import api

        body = api.get_state(db_session, activity_id, agent, state_id, registration=registration)
        return json.loads(body) if body else None
    response = _remote_state("GET", activity_id, agent, state_id, registration)
    if response.status_code == 404:
        return None
    response.raise_for_status()
    return response.json() if response.content else None


def put_state(
    activity_id: str, agent: dict, state_id: str, value, registration: str | None = None
) -> None:
    body = json.dumps(value).encode()
    if not external():
        from xapi_store import api

        api.put_state(
            db_session, activity_id, agent, state_id, body, "application/json",
            registration=registration,
        )  # fmt: skip
        return
    response = _remote_state("PUT", activity_id, agent, state_id, registration, body)
    if not response.ok:
        raise RuntimeError(f"external LRS refused the state document: {response.text[:200]!r}")


def _remote_state(method, activity_id, agent, state_id, registration, body=None):
    """One call to the external LRS's State resource (xAPI 1.0.3 section 7.4)."""
    params = {"activityId": activity_id, "agent": json.dumps(agent), "stateId": state_id}
    if registration:
        params["registration"] = registration
    headers = {"Content-Type": "application/json"} if body is not None else {}
    return _remote(method, "activities/state", params=params, data=body, headers=headers)
