"""State, activity profile and agent profile documents (Communication 2.2 to 2.7)."""

import hashlib
import json
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from . import jsonutil
from .agents import agent_ifi
from .errors import Conflict, PreconditionFailed, ValidationError
from .models import Document
from .storage import now_ms

STATE = "state"
ACTIVITY_PROFILE = "activity_profile"
AGENT_PROFILE = "agent_profile"


def _hash(*parts) -> str:
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def scope_of(kind: str, activity_id: str | None, agent: dict | None, registration: str | None):
    ifi = agent_ifi(agent) if agent else None
    return _hash(kind, activity_id, ifi, registration.lower() if registration else None)


def key_of(kind, activity_id, agent, registration, document_id) -> str:
    return _hash(scope_of(kind, activity_id, agent, registration), document_id)


def etag_of(body: bytes) -> str:
    return hashlib.sha1(body).hexdigest()  # noqa: S324 - the spec's ETag is a SHA-1


def is_json(content_type: str | None) -> bool:
    return (content_type or "").split(";")[0].strip().lower() == "application/json"


def get_document(session: Session, kind, activity_id, agent, registration, document_id):
    return session.scalar(
        select(Document).where(
            Document.key_hash == key_of(kind, activity_id, agent, registration, document_id)
        )
    )


def list_document_ids(
    session: Session, kind, activity_id, agent, registration, since: datetime | None = None
) -> list[str]:
    query = select(Document.document_id).where(
        Document.scope_hash == scope_of(kind, activity_id, agent, registration)
    )
    if since is not None:
        query = query.where(Document.updated > since)
    return list(session.scalars(query.order_by(Document.id)))


def check_preconditions(document: Document | None, if_match, if_none_match, required=None):
    """If-Match / If-None-Match (Communication 3.1); 412 when they fail. `required`: None,
    "existing" (409 when an existing document is overwritten without either header) or
    "always" (also 400 when a new one is created without them)."""
    if if_match is not None:
        tags = {tag.strip().strip('"') for tag in if_match.split(",")}
        if document is None or ("*" not in tags and document.etag not in tags):
            raise PreconditionFailed("If-Match: the document has changed or does not exist")
    if if_none_match is not None:
        tags = {tag.strip().strip('"') for tag in if_none_match.split(",")}
        if document is not None and ("*" in tags or document.etag in tags):
            raise PreconditionFailed("If-None-Match: the document already exists")
    if required and if_match is None and if_none_match is None:
        if document is not None:
            raise Conflict("If-Match or If-None-Match is required to change an existing document")
        if required == "always":
            raise ValidationError("If-Match or If-None-Match: one is required to PUT a profile")


def put_document(
    session: Session,
    kind: str,
    activity_id,
    agent,
    registration,
    document_id: str,
    body: bytes,
    content_type: str,
    merge: bool = False,
    if_match=None,
    if_none_match=None,
    require_precondition: str | None = None,
) -> Document:
    """PUT replaces a document; POST (`merge`) merges JSON objects (Communication 2.2)."""
    document = get_document(session, kind, activity_id, agent, registration, document_id)
    check_preconditions(document, if_match, if_none_match, None if merge else require_precondition)
    if merge and document is not None:
        body = merge_json(document, body, content_type)
        content_type = "application/json"
    elif merge and is_json(content_type):
        load_json_object(body, "body")
    elif is_json(content_type):
        check_json_document(body)
    if document is None:
        document = Document(
            key_hash=key_of(kind, activity_id, agent, registration, document_id),
            scope_hash=scope_of(kind, activity_id, agent, registration),
            kind=kind,
            activity_id=activity_id,
            agent=agent,
            registration=registration.lower() if registration else None,
            document_id=document_id,
        )
        session.add(document)
    document.body = body
    document.content_type = content_type or "application/octet-stream"
    document.etag = etag_of(body)
    document.updated = now_ms()
    session.flush()
    return document


def load_json_object(body: bytes, what: str) -> dict:
    try:
        value = jsonutil.loads(body)
    except jsonutil.UnsafeJSON as exc:
        raise ValidationError(f"{what}: {exc}") from None
    except ValueError:
        raise ValidationError(f"{what}: is not valid JSON") from None
    if not isinstance(value, dict):
        raise ValidationError(f"{what}: must be a JSON object to be merged")
    return value


def check_json_document(body: bytes):
    """A PUT stores any bytes, JSON or not (Communication 2.2: a document is opaque), but a
    JSON document the LRS would later merge or hand to a client must be safe JSON: no deeper
    than jsonutil.MAX_DEPTH, no lone surrogate."""
    try:
        jsonutil.loads(body)
    except jsonutil.UnsafeJSON as exc:
        raise ValidationError(f"body: {exc}") from None
    except ValueError:
        pass  # not JSON at all: kept as the opaque bytes it is


def merge_json(document: Document, body: bytes, content_type: str) -> bytes:
    if not is_json(document.content_type) or not is_json(content_type):
        raise ValidationError("body: only application/json documents can be merged (POST)")
    stored = load_json_object(document.body, "stored document")
    stored.update(load_json_object(body, "body"))
    return json.dumps(stored, ensure_ascii=False).encode()


def delete_document(
    session: Session, kind, activity_id, agent, registration, document_id, if_match=None
) -> bool:
    document = get_document(session, kind, activity_id, agent, registration, document_id)
    check_preconditions(document, if_match, None)
    if document is None:
        return False
    session.delete(document)
    session.flush()
    return True


def delete_documents(session: Session, kind, activity_id, agent, registration):
    """DELETE without stateId: every state document of the activity, agent (and registration)."""
    session.execute(
        delete(Document).where(
            Document.scope_hash == scope_of(kind, activity_id, agent, registration)
        )
    )
