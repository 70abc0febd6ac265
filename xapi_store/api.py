"""In-process API for the host application (the LMS recorder): same rules as HTTP, no commit."""

from collections.abc import Iterator

from sqlalchemy import String, func, literal, select, type_coerce
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from . import auth, documents, query, storage
from .errors import ValidationError
from .models import Statement, StatementIndex
from .validation import UUID_RE, check_iri, validate_agent, validate_statement

DEFAULT_SESSION_TTL = 4 * 3600


def store_statements(
    session: Session, statements: list[dict], authority: dict | None = None
) -> list[str]:
    """Validate like POST /statements, set id/stored/timestamp/authority/version and add the
    statements to `session` without committing; raise XAPIError on invalid input."""
    if authority is not None:
        validate_statement_authority(authority)
    return storage.store_statements(session, list(statements), authority=authority)


def validate_statement_authority(authority: dict):
    validator_statement = {
        "actor": authority,
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
        "object": {"id": "urn:taawun:authority-check"},
    }
    validate_statement(validator_statement, "authority")


def query_statements(session: Session, **filters) -> list[dict]:
    """Matching statements (voided ones excluded), newest first unless ascending=True."""
    return list(iter_statements(session, **filters))


def iter_statements(
    session: Session,
    *,
    agent: dict | None = None,
    verb: str | None = None,
    activity: str | None = None,
    registration: str | None = None,
    since=None,
    until=None,
    related_activities: bool = False,
    related_agents: bool = False,
    ascending: bool = False,
    limit: int | None = None,
) -> Iterator[dict]:
    """Like query_statements, walked by keyset pages so memory stays constant."""
    if agent is not None:
        validate_agent(agent)
    return query.iter_statements(
        session,
        agent=agent,
        verb=verb,
        activity=activity,
        registration=registration,
        since=since,
        until=until,
        related_activities=related_activities,
        related_agents=related_agents,
        ascending=ascending,
        limit=limit,
    )


#: What a fold rarely needs and most of a statement's bytes are (a question's choices and prompt in
#: every language): left out by iter_statements_with_verbs(light=True).
HEAVY_PATHS = (("object", "definition"), ("context", "contextActivities"))


def _light_data(session: Session):
    """The `data` column without HEAVY_PATHS, removed by the database (decoding the JSON of
    definitions was half the time of replaying 200,000 statements)."""
    if session.get_bind().dialect.name == "postgresql":
        column = Statement.data
        for path in HEAVY_PATHS:
            column = column.op("#-")(literal(list(path), ARRAY(String)))
        return column
    paths = [literal("$." + ".".join(path)) for path in HEAVY_PATHS]
    return type_coerce(func.json_remove(Statement.data, *paths), Statement.data.type)


def iter_statements_with_verbs(
    session: Session, verbs: list[str], page_size: int = 2000, light: bool = False
) -> Iterator[dict]:
    """Every statement whose verb is one of `verbs` (voided ones excluded), in stored order, as
    stored (with its `authority`; `light`: without HEAVY_PATHS): what a host application replays
    to rebuild what it folds from statements. One walk of the verb index by keyset pages, so
    memory stays constant."""
    keys = [storage.index_key("V", verb) for verb in verbs]
    data = _light_data(session) if light else Statement.data
    after = 0
    while True:
        rows = session.execute(
            select(Statement.seq, data)
            .join(StatementIndex, StatementIndex.seq == Statement.seq)
            .where(
                StatementIndex.key.in_(keys),
                Statement.seq > after,
                Statement.voided.is_(False),
            )
            .order_by(Statement.seq)
            .limit(page_size)
        ).all()
        for _seq, statement in rows:
            yield statement
        if len(rows) < page_size:
            return
        after = rows[-1][0]


def _check_state_args(activity_id: str, agent: dict, registration: str | None):
    check_iri(activity_id, "activityId")
    validate_agent(agent)
    if registration is not None and not UUID_RE.match(registration):
        raise ValidationError("registration: must be a UUID")


def get_state(
    session: Session, activity_id: str, agent: dict, state_id: str, registration=None
) -> bytes | None:
    _check_state_args(activity_id, agent, registration)
    document = documents.get_document(
        session, documents.STATE, activity_id, agent, registration, state_id
    )
    return None if document is None else document.body


def put_state(
    session: Session,
    activity_id: str,
    agent: dict,
    state_id: str,
    body: bytes,
    content_type: str = "application/json",
    registration=None,
):
    _check_state_args(activity_id, agent, registration)
    documents.put_document(
        session, documents.STATE, activity_id, agent, registration, state_id, body, content_type
    )


def delete_state(
    session: Session, activity_id: str, agent: dict, state_id: str | None = None, registration=None
):
    """Delete one state document, or all of them for the activity and agent when no id."""
    _check_state_args(activity_id, agent, registration)
    if state_id is None:
        documents.delete_documents(session, documents.STATE, activity_id, agent, registration)
    else:
        documents.delete_document(
            session, documents.STATE, activity_id, agent, registration, state_id
        )


def create_session_credential(
    session: Session, agent: dict, ttl_seconds: int = DEFAULT_SESSION_TTL
) -> tuple[str, str]:
    """A short-lived Basic-auth credential for a learner's launched content, limited to
    writing that learner's statements, reading its own ones, and state."""
    validate_agent(agent)
    return auth.create_credential(
        session, "session", auth.SESSION_SCOPES, agent=agent, ttl_seconds=ttl_seconds
    )


def launch_credential(
    session: Session,
    agent: dict,
    registration: str | None,
    server_key: str,
    ttl_seconds: int = DEFAULT_SESSION_TTL,
):
    """The learner's session credential for launched content, reused while it has time left
    (see auth.session_credential): (key, secret, expires_at)."""
    validate_agent(agent)
    return auth.session_credential(session, agent, registration, server_key, ttl_seconds)


def revoke_session_credentials(session: Session, agent: dict) -> int:
    """End every launch credential of this learner (deactivation, new password, logout)."""
    validate_agent(agent)
    return auth.revoke_agent_credentials(session, agent)


def purge_session_credentials(session: Session) -> int:
    """Delete expired and revoked launch credentials; return how many."""
    return auth.purge_session_credentials(session)
