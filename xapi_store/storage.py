"""Writing statements: LRS-set properties, idempotence, voiding and the filter index."""

import hashlib
import json
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from sqlalchemy import insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from . import jsonutil
from .agents import actor_ifis, authority_ifi
from .errors import Conflict, Forbidden, ValidationError
from .models import ActivityDefinition, Attachment, Statement, StatementIndex
from .validation import VOIDED_VERB, parse_timestamp, validate_statement

DEFAULT_AUTHORITY = {
    "objectType": "Agent",
    "account": {"homePage": "urn:taawun:lrs", "name": "taawun-lms"},
}
# Properties the LRS sets or that do not take part in statement comparison (Data 2.3.1? and
# Communication 2.1.1: same id + same statement is not a conflict).
IGNORED_IN_COMPARISON = ("authority", "stored", "version", "attachments", "id")


def now_ms() -> datetime:
    """Now, cut to the millisecond: `stored` is shown with milliseconds, since/until match it."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def format_time(moment: datetime) -> str:
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


@lru_cache(maxsize=65536)
def index_key(kind: str, value: str) -> int:
    """The 64-bit key of one filter value: a: agent IFI, c: activity id, V: verb id,
    R: registration. Integers keep the index small and its inserts cheap; a collision is as
    unlikely as 1 in 10^12 among millions of distinct values."""
    digest = hashlib.blake2b(f"{kind}:{value}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _activities(items) -> list[dict]:
    if isinstance(items, dict):
        return [items]
    return list(items or ())


def _add(keys: dict[int, bool], key: int, direct: bool):
    if not keys.get(key):
        keys[key] = direct


def _add_actor(keys: dict[int, bool], actor: dict, direct: bool):
    for ifi in actor_ifis(actor):
        _add(keys, index_key("a", ifi), direct)


def _body_keys(body: dict, keys: dict[int, bool], direct: bool):
    """Keys of actor/verb/object/context of a statement or substatement; `direct` marks the
    actor and object of the statement itself (the agent/activity filters without related_*)."""
    obj = body["object"]
    _add_actor(keys, body["actor"], direct)
    object_type = obj.get("objectType", "Activity")
    if object_type == "Activity":
        _add(keys, index_key("c", obj["id"]), direct)
    elif object_type in ("Agent", "Group"):
        _add_actor(keys, obj, direct)
    elif object_type == "SubStatement":
        _body_keys(obj, keys, direct=False)
    context = body.get("context")
    if direct:
        keys[index_key("V", body["verb"]["id"])] = True
        if context and "registration" in context:
            keys[index_key("R", context["registration"].lower())] = True
    if not context:
        return
    for key in ("instructor", "team"):
        if key in context:
            _add_actor(keys, context[key], False)
    for item in context.get("contextAgents") or ():
        _add_actor(keys, item["agent"], False)
    for item in context.get("contextGroups") or ():
        _add_actor(keys, item["group"], False)
    for items in (context.get("contextActivities") or {}).values():
        for activity in _activities(items):
            _add(keys, index_key("c", activity["id"]), False)


def index_keys(statement: dict, authority_keys: dict[int, bool] | None = None) -> dict[int, bool]:
    """The filter keys of a statement (Communication 2.1.3) and whether each is direct
    (actor or object) or only related (context, authority, substatement). A batch passes the
    keys of its authority, the same for every statement, as `authority_keys`."""
    keys: dict[int, bool] = {}
    _body_keys(statement, keys, direct=True)
    if authority_keys is None:
        authority_keys = {}
        _add_actor(authority_keys, statement.get("authority") or {}, False)
    for key in authority_keys:
        _add(keys, key, False)
    return keys


def comparable(statement: dict) -> dict:
    """A statement without the properties that do not make two statements different."""
    data = {k: v for k, v in normalise(dict(statement)).items() if k not in IGNORED_IN_COMPARISON}
    if "timestamp" in data:
        data["timestamp"] = parse_timestamp(data["timestamp"], "timestamp").timestamp()
    for body in (data, data.get("object") or {}):
        duration = (body.get("result") or {}).get("duration")
        if isinstance(duration, str):
            body["result"] = {**body["result"], "duration": hundredths(duration)}
    return data


def hundredths(duration: str) -> str:
    """A duration cut to 0.01 s: finer precision is not compared (xAPI 2.0, 4.2.7)."""
    return re.sub(r"(\d+)[.,](\d+)S$", lambda m: f"{m[1]}.{m[2][:2].ljust(2, '0')}S", duration)


def same_statement(stored: dict, incoming: dict) -> bool:
    left, right = comparable(stored), comparable(incoming)
    if "timestamp" not in incoming:
        left.pop("timestamp", None)
    return json.dumps(left, sort_keys=True) == json.dumps(right, sort_keys=True)


def normalise(statement: dict) -> dict:
    """Single context activities become arrays, as the LRS returns them (Data 2.4.6.2)."""
    for body in (statement, statement.get("object") or {}):
        activities = (body.get("context") or {}).get("contextActivities")
        if activities and any(isinstance(v, dict) for v in activities.values()):
            body["context"] = {
                **body["context"],
                "contextActivities": {k: _activities(v) for k, v in activities.items()},
            }
    return statement


def validate_batch(statements, version: str = "1.0.3") -> list[dict]:
    if isinstance(statements, dict):
        validate_statement(statements, "statement", version)
        return [normalise(dict(statements))]
    if not isinstance(statements, list):
        raise ValidationError("statements: must be a statement or an array of statements")
    for i, statement in enumerate(statements):
        validate_statement(statement, f"statements[{i}]", version)
    return [normalise(dict(statement)) for statement in statements]


def store_statements(
    session: Session,
    statements,
    authority: dict | None = None,
    version: str = "1.0.3",
    attachments: dict[str, tuple[str, bytes]] | None = None,
    validated: bool = False,
    voids_only_own: bool = False,
) -> list[str]:
    """Validate and add statements to the session (no commit); return their ids in order.

    `attachments` maps sha2 to (content type, body) for attachments sent in the request;
    `voids_only_own`: the batch may void only statements stored under its own authority.
    """
    if not validated:
        statements = validate_batch(statements, version)
    authority = authority or DEFAULT_AUTHORITY
    ids: list[str] = []
    seen: dict[str, dict] = {}
    for i, statement in enumerate(statements):
        statement_id = statement.get("id") or str(uuid.uuid4())
        lowered = statement_id.lower()
        if lowered in seen:
            raise ValidationError(f"statements[{i}].id: appears twice in the batch")
        seen[lowered] = statement
        ids.append(statement_id)
    definitions = defined_activities(statements)
    existing_ids, referrers, known = _lookup(session, list(seen), list(definitions))
    existing = _existing(session, existing_ids)
    new = []
    for statement_id, statement in zip(ids, statements, strict=True):
        lowered = statement_id.lower()
        if lowered in existing:
            if not same_statement(existing[lowered], statement):
                raise Conflict(
                    f"statement {statement_id}: another statement with this id is stored", 409
                )
            continue
        new.append((statement_id, statement))
    if not new:
        return ids
    authority_name = authority_ifi(authority)
    _check_voiding(session, [s for _, s in new], seen, authority_name if voids_only_own else None)
    stored = now_ms()
    stored_text = format_time(stored)
    default_version = "2.0.0" if version.startswith("2.") else "1.0.0"
    rows = []
    for statement_id, statement in new:
        data = dict(statement)
        data["id"] = statement_id
        data["stored"] = stored_text
        data.setdefault("timestamp", stored_text)
        data["authority"] = authority
        data.setdefault("version", default_version)
        obj = data["object"]
        rows.append(
            NewStatement(
                statement_id=statement_id.lower(),
                object_ref=obj["id"].lower() if obj.get("objectType") == "StatementRef" else None,
                data=data,
            )
        )
    for row in rows:
        # A voiding statement stored before its target still voids it.
        row.voided = row.data["verb"]["id"] != VOIDED_VERB and any(
            ref == row.statement_id and verb == VOIDED_VERB for _, ref, verb in referrers
        )
    keys_by_id = statement_keys(session, rows)
    written = _insert_rows(session, rows, stored, authority_name, keys_by_id)
    index_rows(session, rows, referrers, keys_by_id, written)
    _apply_voiding(session, rows)
    remember_definitions(session, definitions, known)
    if attachments:
        store_attachments(session, attachments)
    return ids


INSERT_BATCH_SQL = text(
    "WITH batch AS MATERIALIZED (SELECT * FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS x("
    "statement_id varchar, voided boolean, object_ref varchar, data jsonb, keys jsonb)), "
    "stored AS (INSERT INTO xapi_statement "
    "(statement_id, stored, voided, object_ref, authority_ifi, data) "
    "SELECT statement_id, :stored, voided, object_ref, :authority, data FROM batch "
    "RETURNING seq, statement_id), "
    "indexed AS (INSERT INTO xapi_statement_index (key, seq, direct) "
    "SELECT CAST(k.value->>0 AS bigint), stored.seq, CAST(k.value->>1 AS boolean) "
    "FROM stored JOIN batch USING (statement_id), jsonb_array_elements(batch.keys) AS k) "
    "SELECT seq, statement_id FROM stored"
)


def _insert_rows(
    session: Session, rows: list["NewStatement"], stored, authority_name, keys_by_id=None
) -> bool:
    """Insert the batch and set each row's seq; True when the rows' index keys (given in
    `keys_by_id`) were written with them."""
    if session.get_bind().dialect.name == "postgresql" and keys_by_id is not None:
        # One statement writes the batch and its index keys: rows travel as one JSON
        # document (far less client work than a VALUES list), and one round trip is spent
        # where two or three were (each costs most on a busy server).
        payload = jsonutil.dumps(
            [
                {
                    "statement_id": row.statement_id,
                    "voided": row.voided,
                    "object_ref": row.object_ref,
                    "data": row.data,
                    "keys": list(keys_by_id[row.statement_id].items()),  # tuples: arrays
                }
                for row in rows
            ]
        )
        result = session.execute(
            INSERT_BATCH_SQL, {"stored": stored, "authority": authority_name, "rows": payload}
        )
        seqs = dict((statement_id, seq) for seq, statement_id in result)
        for row in rows:
            row.seq = seqs[row.statement_id]
        return True
    result = session.execute(
        insert(Statement).returning(Statement.seq, sort_by_parameter_order=True),
        [
            {
                "statement_id": row.statement_id,
                "stored": stored,
                "voided": row.voided,
                "object_ref": row.object_ref,
                "authority_ifi": authority_name,
                "data": row.data,
            }
            for row in rows
        ],
    ).scalars()
    for row, seq in zip(rows, result, strict=True):
        row.seq = seq
    return False


@dataclass
class NewStatement:
    statement_id: str
    object_ref: str | None
    data: dict
    seq: int = 0
    voided: bool = False


# Ids and hashes travel as one comma-separated text each (UUIDs and hex digests hold no
# comma): psycopg spent more time quoting 200 array elements than PostgreSQL spent answering.
# Referrers are looked up id by id (a LATERAL subquery that cannot be flattened): as one
# `object_ref = ANY(...)`, a table without statistics yet (before autovacuum's first ANALYZE)
# looked half-full of references and was scanned whole, 0.4-2 s a batch at 1,000,000.
LOOKUP_SQL = (
    "SELECT 'e', statement_id, CAST(NULL AS bigint), CAST(NULL AS text) FROM xapi_statement "
    "WHERE statement_id = ANY(string_to_array(%(ids)s, ',')) "
    "UNION ALL SELECT 'r', r.object_ref, r.seq, r.verb "
    "FROM unnest(string_to_array(%(ids)s, ',')) AS t(id), LATERAL (SELECT object_ref, seq, "
    "data->'verb'->>'id' AS verb FROM xapi_statement WHERE object_ref = t.id OFFSET 0) AS r "
    "UNION ALL SELECT 'd', id_hash, NULL, digest FROM xapi_activity "
    "WHERE id_hash = ANY(string_to_array(%(hashes)s, ','))"
)
# Stored activity definitions by digest. Keyed by content, an entry can never be stale: the
# lookup reads each activity's current digest, and only a digest not seen yet costs a read of
# the definition itself (turning ~100 definitions into text was half the lookup's time).
DEFINITIONS_BY_DIGEST: dict[str, dict] = {}
DEFINITIONS_BY_DIGEST_LIMIT = 20_000


def definition_digest(definition: dict) -> str:
    return hashlib.blake2b(jsonutil.dumps_sorted(definition), digest_size=16).hexdigest()


def _remember_digest(digest: str, definition: dict):
    if len(DEFINITIONS_BY_DIGEST) >= DEFINITIONS_BY_DIGEST_LIMIT:
        DEFINITIONS_BY_DIGEST.clear()
    DEFINITIONS_BY_DIGEST[digest] = definition


def _lookup(session: Session, ids: list[str], hashes: list[str]):
    """What a batch needs to know before it is written: which ids are stored already,
    stored statements referring to the batch (seq, target, verb), and the stored definitions
    of its activities. One round trip on PostgreSQL (two when a definition is not cached)."""
    if session.get_bind().dialect.name != "postgresql":
        existing = set(
            session.scalars(select(Statement.statement_id).where(Statement.statement_id.in_(ids)))
        )
        return existing, _referrers(session, ids), stored_definitions(session, hashes)
    existing, referrers, known, missing = set(), [], {}, []
    with _dbapi_cursor(session) as cursor:
        # Never prepared: a prepared statement soon gets PostgreSQL's generic plan, which
        # cannot see the lists' sizes and was 2 to 8 times slower here.
        params = {"ids": ",".join(ids), "hashes": ",".join(hashes)}
        rows = cursor.execute(LOOKUP_SQL, params, prepare=False).fetchall()
    for kind, key, seq, value in rows:
        if kind == "e":
            existing.add(key)
        elif kind == "r":
            referrers.append((seq, key, value))
        elif (definition := DEFINITIONS_BY_DIGEST.get(value)) is not None:
            known[key] = definition
        else:
            missing.append(key)
    if missing:
        known.update(stored_definitions(session, missing))
    return existing, referrers, known


def stored_definitions(session: Session, hashes) -> dict[str, dict]:
    """The stored definitions of these activities (by id hash), remembered by digest."""
    rows = session.execute(
        select(
            ActivityDefinition.id_hash, ActivityDefinition.definition, ActivityDefinition.digest
        ).where(ActivityDefinition.id_hash.in_(list(hashes)))
    )
    known = {}
    for id_hash, definition, digest in rows:
        known[id_hash] = definition
        if digest:
            _remember_digest(digest, definition)
    return known


def _dbapi_cursor(session: Session):
    """A cursor of the session's own psycopg connection (same transaction), for what
    SQLAlchemy does not expose: COPY, and statements that must not be prepared."""
    return session.connection().connection.dbapi_connection.cursor()


def _existing(session: Session, ids) -> dict[str, dict]:
    """The stored statements with these ids (usually none)."""
    if not ids:
        return {}
    rows = session.execute(
        select(Statement.statement_id, Statement.data).where(Statement.statement_id.in_(list(ids)))
    )
    return {row.statement_id: row.data for row in rows}


def _referrers(session: Session, ids: list[str]) -> list[tuple[int, str, str]]:
    """(seq, target id, verb) of stored statements whose object is a StatementRef to `ids`."""
    return [
        tuple(row)
        for row in session.execute(
            select(
                Statement.seq, Statement.object_ref, Statement.data["verb"]["id"].as_string()
            ).where(Statement.object_ref.in_(ids))
        )
    ]


def _check_voiding(
    session: Session, statements: list[dict], batch: dict[str, dict], owner: str | None = None
):
    """A voiding statement cannot target another voiding statement (Data 2.3.2). With an
    `owner` (the authority of a credential bound to one learner), it may target only that
    authority's statements, stored or in this batch: the spec lets the LRS refuse a voiding
    (Data 2.3.2 leaves who may void to the LRS), and a learner must not withdraw what the LMS
    or another learner recorded. A target not stored yet is refused too, or the voiding would
    wait and void another authority's statement when it arrives."""
    targets = {
        s["object"]["id"].lower(): i
        for i, s in enumerate(statements)
        if s["verb"]["id"] == VOIDED_VERB
    }
    if not targets:
        return
    for target, i in targets.items():
        if target in batch and batch[target]["verb"]["id"] == VOIDED_VERB:
            raise ValidationError(f"statements[{i}].object: a voiding statement cannot be voided")
    rows = session.execute(
        select(
            Statement.statement_id,
            Statement.data["verb"]["id"].as_string(),
            Statement.authority_ifi,
        ).where(Statement.statement_id.in_(list(targets)))
    )
    stored = set()
    for statement_id, verb, authority in rows:
        stored.add(statement_id)
        if verb == VOIDED_VERB:
            raise ValidationError(
                f"statements[{targets[statement_id]}].object: a voiding statement cannot be voided"
            )
        if owner is not None and authority != owner:
            raise Forbidden(
                f"statements[{targets[statement_id]}].object: this credential may void only "
                "statements it wrote"
            )
    if owner is not None:
        for target, i in targets.items():
            if target not in stored and target not in batch:
                raise Forbidden(
                    f"statements[{i}].object: this credential may void only statements it "
                    f"wrote; {target} is not stored"
                )


def statement_keys(session: Session, rows) -> dict[str, dict[int, bool]]:
    """The index keys of each new row (objects with statement_id, object_ref and data)."""
    authorities: dict[int, dict[int, bool]] = {}  # by id() of the authority object
    keys_by_id = {}
    for row in rows:
        authority = row.data.get("authority") or {}
        if id(authority) not in authorities:
            authorities[id(authority)] = {}
            _add_actor(authorities[id(authority)], authority, False)
        keys_by_id[row.statement_id] = index_keys(row.data, authorities[id(authority)])
    # A statement referring to another (StatementRef) meets the filters its target meets
    # (Communication 2.1.3, "Filter Conditions for StatementRefs").
    refs = {row.object_ref for row in rows if row.object_ref}
    if refs:
        outside = refs - keys_by_id.keys()
        if outside:
            found = session.execute(
                select(Statement.statement_id, StatementIndex.key, StatementIndex.direct)
                .join(StatementIndex, StatementIndex.seq == Statement.seq)
                .where(Statement.statement_id.in_(list(outside)))
            )
            for statement_id, key, direct in found:
                _add(keys_by_id.setdefault(statement_id, {}), key, direct)
        for row in rows:
            if row.object_ref and row.object_ref in keys_by_id:
                own = keys_by_id[row.statement_id]
                for key, direct in keys_by_id[row.object_ref].items():
                    _add(own, key, direct)
    return keys_by_id


def index_rows(session: Session, rows, referrers=None, keys_by_id=None, written=False):
    """Write the filter keys of newly stored rows (objects with seq, statement_id,
    object_ref and data); `referrers` are stored statements pointing at them, if known;
    `written`: the rows' own keys went in with the rows (see _insert_rows)."""
    if keys_by_id is None:
        keys_by_id = statement_keys(session, rows)
    values = []
    if not written:
        values = [
            (key, row.seq, direct)
            for row in rows
            for key, direct in keys_by_id[row.statement_id].items()
        ]
    # Statements stored earlier that refer to these ones now meet their filters too.
    if referrers is None:
        referrers = _referrers(session, [row.statement_id for row in rows])
    new_seqs = {row.seq for row in rows}
    for seq, ref, _verb in referrers:
        if seq in new_seqs:
            continue
        have = set(session.scalars(select(StatementIndex.key).where(StatementIndex.seq == seq)))
        values += [(key, seq, direct) for key, direct in keys_by_id[ref].items() if key not in have]
    if not values:
        return
    if session.get_bind().dialect.name == "postgresql":
        # COPY in binary: the cheapest way in for PostgreSQL (no parsing, no per-row work).
        with _dbapi_cursor(session).copy(
            "COPY xapi_statement_index (key, seq, direct) FROM STDIN (FORMAT BINARY)"
        ) as copy:
            copy.set_types(["int8", "int8", "bool"])
            for value in values:
                copy.write_row(value)
    else:
        session.execute(
            insert(StatementIndex),
            [{"key": k, "seq": q, "direct": d} for k, q, d in values],
        )


def _apply_voiding(session: Session, rows):
    targets = [
        row.object_ref for row in rows if row.object_ref and row.data["verb"]["id"] == VOIDED_VERB
    ]
    if targets:
        session.execute(
            update(Statement)
            .where(Statement.statement_id.in_(targets))
            .where(Statement.data["verb"]["id"].as_string() != VOIDED_VERB)
            .values(voided=True)
            .execution_options(synchronize_session=False)
        )


def store_attachments(session: Session, attachments: dict[str, tuple[str, bytes]]):
    """Keep each attachment body once, whatever the number of statements that use it."""
    if not attachments:
        return
    have = set(
        session.scalars(select(Attachment.sha2).where(Attachment.sha2.in_(list(attachments))))
    )
    for sha2, (content_type, body) in attachments.items():
        if sha2 not in have:
            session.add(Attachment(sha2=sha2, content_type=content_type, body=body))


def activity_hash(activity_id: str) -> str:
    return hashlib.sha256(activity_id.encode()).hexdigest()


def _defined_activities(body: dict, found: dict[str, dict]):
    obj = body["object"]
    candidates = []
    if obj.get("objectType", "Activity") == "Activity":
        candidates.append(obj)
    elif obj.get("objectType") == "SubStatement":
        _defined_activities(obj, found)
    for items in ((body.get("context") or {}).get("contextActivities") or {}).values():
        candidates += _activities(items)
    for activity in candidates:
        definition = activity.get("definition")
        if definition:
            before = found.get(activity["id"])
            if before is None:
                found[activity["id"]] = definition
            elif before != definition:
                found[activity["id"]] = merge_definition(before, definition)


def merge_definition(old: dict, new: dict) -> dict:
    """Newer values win, language maps are merged so every language seen is kept."""
    merged = dict(old)
    for key, value in new.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def defined_activities(statements: list[dict]) -> dict[str, tuple[str, dict]]:
    """The activity definitions a batch carries, by id hash: (activity id, definition)."""
    found: dict[str, dict] = {}
    for statement in statements:
        _defined_activities(statement, found)
    return {activity_hash(activity_id): (activity_id, d) for activity_id, d in found.items()}


def remember_definitions(session: Session, definitions, known: dict | None = None):
    """Keep the newest definition of each activity seen (Communication 2.5: activities).
    `definitions` comes from defined_activities; `known` maps id hashes to stored ones."""
    if not definitions:
        return
    if known is None:
        known = stored_definitions(session, definitions)
    rows = []
    # Sorted, and only changed definitions written: concurrent batches about the same
    # activities then neither deadlock nor queue on the same rows.
    for id_hash in sorted(definitions):
        activity_id, definition = definitions[id_hash]
        merged = merge_definition(known.get(id_hash, {}), definition)
        if merged != known.get(id_hash):
            digest = definition_digest(merged)
            rows.append(
                {
                    "id_hash": id_hash,
                    "activity_id": activity_id,
                    "definition": merged,
                    "digest": digest,
                }
            )
            _remember_digest(digest, merged)
    if rows:
        upsert = _insert_for(session)(ActivityDefinition).values(rows)
        upsert = upsert.on_conflict_do_update(
            index_elements=["id_hash"],
            set_={"definition": upsert.excluded.definition, "digest": upsert.excluded.digest},
        )
        session.execute(upsert)


def _insert_for(session: Session):
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
