"""The LMS's statement recorder: builds statements with `tincan`, records them, feeds projections.

The LRS is a backend picked at start-up (lms.xapi.backends): built-in (LMS_LRS_ENDPOINT unset),
the statement is validated and stored by xapi_store in the same database transaction as the
user's action; external, it waits in the outbox (same transaction) and is sent in order after
each request and by `lms xapi flush`. Either way each recorded statement is folded into the
projections (lms.xapi.projections) in that transaction. Reading back works the same in both.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import tincan
from flask import current_app
from sqlalchemy.orm import Session

from lms.db import session as db_session
from lms.xapi import projections
from lms.xapi.backends import TINCAN_VERSION, XAPI_VERSION, LRSBackend
from lms.xapi.vocabulary import ACTIVITY_TYPES, PLATFORM, VERBS


def base_url() -> str:
    return current_app.config["BASE_URL"]


def external() -> bool:
    """Whether the LRS is another server (it then issues the credentials content uses)."""
    return backend().external


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


def backend() -> LRSBackend:
    """The LRS the app started with (lms.xapi.init_app picks it once)."""
    return current_app.extensions["lrs_backend"]


def record(stmt: tincan.Statement | dict, session: Session | None = None) -> str:
    """Store (built-in LRS) or queue (external LRS) one statement; returns its id.

    Runs inside the caller's transaction: if the user's action rolls back, so does the statement.
    """
    return record_many([stmt], session)[0]


def record_many(stmts: list, session: Session | None = None) -> list[str]:
    """Record statements and fold them into the projections, in the caller's transaction."""
    session = session or db_session
    data = [to_dict(s) for s in stmts]
    ids = backend().store(session, data)
    projections.feed(session, data, base_url())
    return ids


def flush_outbox(session: Session, limit: int | None = None) -> tuple[int, int]:
    """Send waiting statements in order; stop at the first failure. Returns (sent, waiting)."""
    return backend().flush(session, limit)


def rebuild_projections(session: Session, names: list[str] | None = None) -> int:
    """Empty the projections (all, or those named) and replay the LRS with the authority rule;
    returns how many statements were read. Refuses when the LMS does not know its own authority
    yet (an external LRS that has never accepted a statement from it): nothing would count."""
    lrs = backend()
    ours = lrs.our_authorities(session)
    if not ours:
        raise UnknownAuthority(
            "the external LRS has not accepted a statement from the LMS yet, so the LMS cannot "
            "tell its own statements from others: send the outbox first (lms xapi flush)"
        )
    chosen = projections.chosen(names)
    wanted = [VERBS[key][0] for key in sorted({v for p in chosen for v in p.verbs})]
    statements = lrs.statements_with_verbs(session, wanted)
    return projections.rebuild(session, statements, ours, base_url(), chosen)


class UnknownAuthority(RuntimeError):
    """The external LRS's authority for the LMS is not known yet."""


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
    return backend().statements(
        db_session,
        agent=agent,
        verb=VERBS[verb_key][0] if verb_key else None,
        activity=activity_id,
        registration=registration,
        since=since,
        related_activities=related_activities,
        ascending=ascending,
    )


def own_authorities() -> set[str]:
    """The authorities of the LMS's own statements: `projections.is_counted(s, these)` tells a
    statement read back that the LMS wrote from one a learner's content wrote."""
    return backend().our_authorities(db_session)


def get_state(activity_id: str, agent: dict, state_id: str, registration: str | None = None):
    """A State document as parsed JSON, or None."""
    return backend().get_state(db_session, activity_id, agent, state_id, registration)


def put_state(
    activity_id: str, agent: dict, state_id: str, value, registration: str | None = None
) -> None:
    backend().put_state(db_session, activity_id, agent, state_id, value, registration)
