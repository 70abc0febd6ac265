"""Reading statements: filters of Communication 2.1.3 on the index, keyset paging, formats."""

import base64
import hashlib
import hmac
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import exists, select, true
from sqlalchemy.orm import Session, aliased

from . import jsonutil
from .agents import agent_ifi, identity_only
from .errors import ValidationError
from .models import Statement, StatementIndex
from .storage import index_key
from .validation import parse_timestamp

MAX_LIMIT = 500
# `stored` is taken just before a batch's INSERT gives it its seqs, so stored order and seq
# order differ by milliseconds at most. since/until become seq bounds found through the
# index on stored, with this margin: a walk never scans statements outside the window.
STORED_SKEW = timedelta(seconds=60)


@dataclass
class Filters:
    agent: dict | None = None
    verb: str | None = None
    activity: str | None = None
    registration: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    related_activities: bool = False
    related_agents: bool = False
    ascending: bool = False
    # Only statements stored by this authority (scope statements/read/mine).
    authority_ifi: str | None = None
    keys: list[str] = field(default_factory=list)

    def index_keys(self) -> list[tuple[int, bool]]:
        """(key, whether the key must be direct) of each filter given, the most selective
        first: the first one drives the walk through the index."""
        keys = []
        if self.registration:
            keys.append((index_key("R", self.registration.lower()), False))
        if self.agent is not None:
            ifi = agent_ifi(self.agent)
            if ifi is None:
                raise ValidationError("agent: must be an Agent or an identified Group")
            keys.append((index_key("a", ifi), not self.related_agents))
        if self.activity:
            keys.append((index_key("c", self.activity), not self.related_activities))
        if self.verb:
            keys.append((index_key("V", self.verb), False))
        return keys


def as_datetime(value) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return parse_timestamp(value, "since/until")


def shifted(moment: datetime, delta: timedelta) -> datetime:
    """`moment + delta`, held at the ends of the calendar (since=0001-01-01 is valid)."""
    try:
        return moment + delta
    except OverflowError:
        return (datetime.min if delta < timedelta(0) else datetime.max).replace(tzinfo=UTC)


def select_page(
    session: Session,
    filters: Filters,
    limit: int,
    after: int | None = None,
    bound: int | None = None,
) -> list[tuple[int, dict]]:
    """One page of (seq, statement) in stored order; `after` is the last seq already seen and
    `bound` the newest seq when the walk began, so statements stored meanwhile do not shift it."""
    keys = filters.index_keys()
    on_statement = [Statement.voided.is_(False)]  # conditions on the statement row
    low = high = None  # seq bounds standing for since/until
    if filters.since is not None:
        on_statement.append(Statement.stored > filters.since)
        low = session.scalar(
            select(Statement.seq)
            .where(Statement.stored <= shifted(filters.since, -STORED_SKEW))
            .order_by(Statement.stored.desc())
            .limit(1)
        )
    if filters.until is not None:
        on_statement.append(Statement.stored <= filters.until)
        high = session.scalar(
            select(Statement.seq)
            .where(Statement.stored > shifted(filters.until, STORED_SKEW))
            .order_by(Statement.stored.asc())
            .limit(1)
        )
    if filters.authority_ifi is not None:
        on_statement.append(Statement.authority_ifi == filters.authority_ifi)

    def on_seq(seq) -> list:
        """Conditions on the walked seq (the driving index row's, or the statement's)."""
        conditions = []
        if low is not None:
            conditions.append(seq > low)
        if high is not None:
            conditions.append(seq < high)
        if filters.ascending:
            if after is not None:
                conditions.append(seq > after)
            if bound is not None:
                conditions.append(seq <= bound)
        elif after is not None:
            conditions.append(seq < after)
        elif bound is not None:
            conditions.append(seq <= bound)
        return conditions

    for key, direct in keys[1:]:
        other = aliased(StatementIndex)
        conditions = [other.seq == Statement.seq, other.key == key]
        if direct:
            conditions.append(other.direct.is_(True))
        on_statement.append(exists().where(*conditions))

    if not keys:
        seq_column = Statement.seq
        query = select(Statement.seq, Statement.data).where(*on_statement, *on_seq(seq_column))
    else:
        # Walk the index on (key, seq) of the first (most selective) key in stored order and
        # fetch each statement by its seq: constant work per page, however rare or common the
        # key. The statement is a LATERAL subquery with LIMIT 1 (seq is unique), which
        # PostgreSQL cannot flatten into a join, so it cannot choose another plan: as a plain
        # join, for a course (95 % of whose index rows are only "related") it merged the index
        # with a backward scan of every statement since `since` (tens of thousands of rows,
        # 20-170 ms at 1,000,000 statements).
        driver = aliased(StatementIndex)
        key, direct = keys[0]
        seq_column = driver.seq
        walk = [driver.key == key, *on_seq(seq_column)]
        if direct:
            walk.append(driver.direct.is_(True))
        if session.get_bind().dialect.name == "postgresql":
            row = (
                select(Statement.seq, Statement.data)
                .where(Statement.seq == driver.seq, *on_statement)
                .limit(1)
                .lateral()
            )
            query = select(row.c.seq, row.c.data).select_from(driver).join(row, true())
        else:  # SQLite has no LATERAL; its planner walks the index and probes anyway
            query = select(Statement.seq, Statement.data).join(driver, driver.seq == Statement.seq)
            walk += on_statement
        query = query.where(*walk)
    order = seq_column.asc() if filters.ascending else seq_column.desc()
    return [(seq, data) for seq, data in session.execute(query.order_by(order).limit(limit))]


# `more` links (Communication 2.1.3): the query's parameters and where the walk stands, signed
# so a client can neither forge nor edit one; a link is read back only after its MAC checks.
MORE_FIELDS = {"params", "after", "bound"}
LARGEST_SEQ = 2**63 - 1


def more_token(params: dict[str, str], after: int, bound: int, key: bytes) -> str:
    payload = jsonutil.dumps_sorted({"params": params, "after": after, "bound": bound})
    mac = hmac.new(key, payload, hashlib.sha256).digest()
    return f"{_b64(payload)}.{_b64(mac)}"


def read_more_token(token: str, key: bytes) -> tuple[dict[str, str], int, int]:
    """(params, after, bound) of a link this LRS gave; ValidationError for any other."""
    refused = ValidationError("more: not a link this LRS gave")
    payload_text, _, mac_text = token.partition(".")
    try:
        payload, mac = _unb64(payload_text), _unb64(mac_text)
    except ValueError:
        raise refused from None
    if not hmac.compare_digest(mac, hmac.new(key, payload, hashlib.sha256).digest()):
        raise refused
    state = jsonutil.loads(payload)
    # Signed by this LRS, so well formed; checked anyway, as strictly as a query string.
    params, after, bound = state.get("params"), state.get("after"), state.get("bound")
    if (
        set(state) != MORE_FIELDS
        or not isinstance(params, dict)
        or not all(isinstance(v, str) for v in params.values())
        or not all(type(n) is int and 0 <= n <= LARGEST_SEQ for n in (after, bound))
    ):
        raise refused
    return params, after, bound


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    if not text or not text.isascii():
        raise ValueError("not base64")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def newest_seq(session: Session) -> int:
    return session.scalar(select(Statement.seq).order_by(Statement.seq.desc()).limit(1)) or 0


def iter_statements(session: Session, page_size: int = 200, **filters) -> Iterator[dict]:
    """Every matching statement, walked page by page (constant memory)."""
    limit = filters.pop("limit", None)
    query_filters = make_filters(**filters)
    bound = newest_seq(session)
    after = None
    count = 0
    while True:
        size = page_size if limit is None else min(page_size, limit - count)
        if size <= 0:
            return
        page = select_page(session, query_filters, size, after, bound)
        for seq, data in page:
            yield data
            after = seq
        count += len(page)
        if len(page) < size:
            return


def make_filters(
    agent=None,
    verb=None,
    activity=None,
    registration=None,
    since=None,
    until=None,
    related_activities=False,
    related_agents=False,
    ascending=False,
    authority_ifi=None,
) -> Filters:
    return Filters(
        agent=agent,
        verb=verb,
        activity=activity,
        registration=registration,
        since=as_datetime(since),
        until=as_datetime(until),
        related_activities=related_activities,
        related_agents=related_agents,
        ascending=ascending,
        authority_ifi=authority_ifi,
    )


def find_statement(session: Session, statement_id: str, voided: bool) -> dict | None:
    """GET with statementId (voided=False) or voidedStatementId (voided=True)."""
    row = session.execute(
        select(Statement.data, Statement.voided).where(
            Statement.statement_id == statement_id.lower()
        )
    ).first()
    if row is None or row.voided != voided:
        return None
    return row.data


# formats (Communication 2.1.3: exact, ids, canonical) ---------------------------------------
# Both build a new statement around the stored one instead of copying it whole: the parts they
# change are small, and extensions (the only deep values) are shared, never walked.
def format_statement(statement: dict, fmt: str, languages: list[str] | None = None) -> dict:
    if fmt == "ids":
        return _ids(statement)
    if fmt == "canonical":
        return _canonical(statement, languages or [])
    return statement


def _ids(body: dict) -> dict:
    body = dict(body)
    for key in ("actor", "authority"):
        if key in body:
            body[key] = identity_only(body[key])
    body["verb"] = {"id": body["verb"]["id"]}
    obj = body["object"]
    object_type = obj.get("objectType", "Activity")
    if object_type == "Activity":
        body["object"] = {"id": obj["id"]}
    elif object_type in ("Agent", "Group"):
        body["object"] = identity_only(obj)
    elif object_type == "SubStatement":
        body["object"] = _ids(obj)
    context = body.get("context")
    if context:
        context = body["context"] = dict(context)
        for key in ("instructor", "team"):
            if key in context:
                context[key] = identity_only(context[key])
        activities = context.get("contextActivities")
        if activities:
            context["contextActivities"] = {
                kind: [{"id": item["id"]} for item in _as_list(items)]
                for kind, items in activities.items()
            }
    return body


def _as_list(items) -> list:
    return [items] if isinstance(items, dict) else items


def pick_language(language_map: dict, languages: list[str]) -> dict:
    if not language_map:
        return language_map
    for wanted in languages:
        for tag, text in language_map.items():
            if tag.lower() == wanted.lower() or tag.lower().split("-")[0] == wanted.lower():
                return {tag: text}
    tag = next(iter(language_map))
    return {tag: language_map[tag]}


def _canonical(value, languages: list[str]):
    if isinstance(value, dict):
        copy = {}
        for key, item in value.items():
            if (
                key in ("display", "name", "description")
                and isinstance(item, dict)
                and all(isinstance(v, str) for v in item.values())
            ):
                copy[key] = pick_language(item, languages)
            elif key == "extensions":
                copy[key] = item
            else:
                copy[key] = _canonical(item, languages)
        return copy
    if isinstance(value, list):
        return [_canonical(item, languages) for item in value]
    return value


def parse_accept_language(header: str | None) -> list[str]:
    if not header:
        return []
    weighted = []
    for i, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and tag != "*":
            weighted.append((-quality, i, tag))
    return [tag for _, _, tag in sorted(weighted)]
