"""Export and import of the whole LRS as JSON lines (statements, documents, attachments)."""

import base64
import json
from collections.abc import Iterator
from typing import IO

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import documents as docs
from .agents import authority_ifi
from .errors import XAPIError
from .models import Attachment, Document, Statement
from .storage import defined_activities, index_rows, remember_definitions, same_statement
from .validation import parse_timestamp, validate_agent, validate_statement

BATCH = 500


def export_lines(session: Session) -> Iterator[str]:
    """One JSON object per line: statements in stored order, then attachments, documents."""
    after = 0
    while True:
        rows = session.execute(
            select(Statement.seq, Statement.voided, Statement.data)
            .where(Statement.seq > after)
            .order_by(Statement.seq)
            .limit(BATCH)
        ).all()
        for row in rows:
            yield _line({"type": "statement", "voided": row.voided, "statement": row.data})
        if len(rows) < BATCH:
            break
        after = rows[-1].seq
    for attachment in session.scalars(select(Attachment).order_by(Attachment.sha2)):
        yield _line(
            {
                "type": "attachment",
                "sha2": attachment.sha2,
                "contentType": attachment.content_type,
                "body": base64.b64encode(attachment.body).decode(),
            }
        )
    for document in session.scalars(select(Document).order_by(Document.id)):
        yield _line(
            {
                "type": "document",
                "kind": document.kind,
                "activityId": document.activity_id,
                "agent": document.agent,
                "registration": document.registration,
                "id": document.document_id,
                "contentType": document.content_type,
                "updated": document.updated.isoformat(),
                "body": base64.b64encode(document.body).decode(),
            }
        )


def _line(value: dict) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n"


def read_lines(stream: IO[str], name: str) -> list[tuple[int, dict]]:
    """Parse and check every line first, so a bad line imports nothing."""
    entries = []
    for number, text in enumerate(stream, start=1):
        if not text.strip():
            continue
        where = f"{name}:{number}"
        try:
            entry = json.loads(text)
            kind = entry["type"]
            if kind == "statement":
                validate_statement(entry["statement"], "statement")
                if "id" not in entry["statement"] or "stored" not in entry["statement"]:
                    raise XAPIError("statement: id and stored are required in an export")
                parse_timestamp(entry["statement"]["stored"], "statement.stored")
                if not isinstance(entry.get("voided", False), bool):
                    raise XAPIError("voided: must be true or false")
            elif kind == "attachment":
                base64.b64decode(entry["body"], validate=True)
                str(entry["sha2"]), str(entry["contentType"])
            elif kind == "document":
                if entry["kind"] not in ("state", "activity_profile", "agent_profile"):
                    raise XAPIError("kind: must be state, activity_profile or agent_profile")
                if entry.get("agent") is not None:
                    validate_agent(entry["agent"])
                base64.b64decode(entry["body"], validate=True)
                parse_timestamp(entry["updated"], "updated")
                str(entry["id"]), str(entry["contentType"])
            else:
                raise XAPIError(f"type: unknown entry type {kind!r}")
        except XAPIError as exc:
            raise XAPIError(f"{where}: {exc.message}") from None
        except (ValueError, KeyError, TypeError) as exc:
            raise XAPIError(f"{where}: not a valid export line ({exc!r})") from None
        entries.append((number, entry))
    return entries


def import_entries(session: Session, entries: list[tuple[int, dict]], name: str) -> dict:
    """Add the entries to the session (caller commits); statements keep ids and stored order."""
    counts = {"statement": 0, "attachment": 0, "document": 0}
    statements = [(n, e) for n, e in entries if e["type"] == "statement"]
    ids = [e["statement"]["id"].lower() for _, e in statements]
    existing = {}
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        existing.update(
            session.execute(
                select(Statement.statement_id, Statement.data).where(
                    Statement.statement_id.in_(chunk)
                )
            ).all()
        )
    rows = []
    seen = set()
    for number, entry in statements:
        data = entry["statement"]
        statement_id = data["id"].lower()
        if statement_id in existing or statement_id in seen:
            if statement_id in existing and same_statement(existing[statement_id], data):
                continue
            raise XAPIError(f"{name}:{number}: statement {data['id']} conflicts with a stored one")
        seen.add(statement_id)
        obj = data["object"]
        rows.append(
            Statement(
                statement_id=statement_id,
                stored=parse_timestamp(data["stored"], "stored"),
                voided=entry.get("voided", False),
                object_ref=obj["id"].lower() if obj.get("objectType") == "StatementRef" else None,
                authority_ifi=_authority_ifi(data),
                data=data,
            )
        )
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        session.add_all(chunk)
        session.flush()
        index_rows(session, chunk)
        remember_definitions(session, defined_activities([row.data for row in chunk]))
    counts["statement"] = len(rows)
    for _number, entry in entries:
        if entry["type"] == "attachment":
            if session.get(Attachment, entry["sha2"]) is None:
                session.add(
                    Attachment(
                        sha2=entry["sha2"],
                        content_type=entry["contentType"],
                        body=base64.b64decode(entry["body"]),
                    )
                )
                counts["attachment"] += 1
        elif entry["type"] == "document":
            document = docs.put_document(
                session,
                entry["kind"],
                entry["activityId"],
                entry["agent"],
                entry["registration"],
                entry["id"],
                base64.b64decode(entry["body"]),
                entry["contentType"],
            )
            document.updated = parse_timestamp(entry["updated"], "updated")
            counts["document"] += 1
    session.flush()
    return counts


def _authority_ifi(data: dict) -> str | None:
    return authority_ifi(data.get("authority"))
