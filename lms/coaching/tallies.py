"""Per-learner tallies of quiz answers and page views, folded from the built-in LRS's statements.

The coach dashboard asks "which questions do most learners miss" and "who keeps opening the same
page": counting raw statements for 500 learners each time is too slow, so, like the courses
progress, these are projections of the statements. They are caught up when a dashboard is
opened: only statements stored since the last catch-up (the LRS's `seq` order) are read, through
its verb index. With an external LRS, lms.coaching.dashboard reads statements back instead.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from flask import current_app, g
from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from lms.auth.models import User
from lms.coaching.models import PageViewTally, QuestionTally, TallyMark
from lms.db import utcnow
from lms.xapi import recorder
from lms.xapi.vocabulary import VERBS

MARK = "statements"
#: At most this many statements folded in one request, so the first dashboard after a big import
#: stays quick (the next requests, or `lms coaching-tallies`, fold the rest).
REQUEST_LIMIT = 20_000
SETTLE_SECONDS = 10
BATCH = 5000


def _where(iri: str, prefix: str) -> list[str] | None:
    """[course, module, kind, item] of a question or page IRI, else None."""
    if not iri.startswith(prefix):
        return None
    parts = iri[len(prefix) :].split("/")
    if len(parts) == 6 and parts[1] == "modules" and parts[3:5] == ["quiz", "questions"]:
        return [parts[0], parts[2], "question", parts[5]]
    if len(parts) == 5 and parts[1] == "modules" and parts[3] == "pages":
        return [parts[0], parts[2], "page", parts[4]]
    return None


def catch_up(session: Session, limit: int | None = REQUEST_LIMIT) -> int:
    """Fold the statements stored since the last catch-up; returns how many were read.

    Once per request is enough: a dashboard asks twice (questions, then pages)."""
    if limit is not None and g.get("taawun_tallies_caught_up"):
        return 0
    g.taawun_tallies_caught_up = True
    from xapi_store.models import Statement, StatementIndex
    from xapi_store.storage import index_key

    keys = [index_key("V", VERBS["answered"][0]), index_key("V", VERBS["experienced"][0])]
    # A transaction that took a lower seq may commit after a higher one: leave the last seconds
    # for the next catch-up so no statement is skipped.
    settled = utcnow() - timedelta(
        seconds=current_app.config.get("COACHING_SETTLE_SECONDS", SETTLE_SECONDS)
    )

    def pending(after: int, limit: int):
        return (
            select(
                Statement.seq,
                Statement.data[("actor", "account", "name")].as_string(),
                Statement.data[("object", "id")].as_string(),
                Statement.data[("result", "success")].as_boolean(),
                Statement.data["timestamp"].as_string(),
                Statement.voided,
            )
            .join(
                StatementIndex,
                and_(StatementIndex.seq == Statement.seq, StatementIndex.key.in_(keys)),
            )
            .where(Statement.seq > after, Statement.stored <= settled)
            .order_by(Statement.seq)
            .limit(limit)
        )

    # Look before locking: most dashboard views find nothing new, and the lock would make
    # every other view wait until this request ends.
    mark = session.get(TallyMark, MARK)
    if mark is not None and not session.execute(pending(mark.seq, 1)).first():
        return 0
    mark = session.get(TallyMark, MARK, with_for_update=True, populate_existing=True)
    if mark is None:
        mark = TallyMark(name=MARK, seq=0)
        session.add(mark)
        session.flush()
        mark = session.get(TallyMark, MARK, with_for_update=True)
    prefix = recorder.activity_iri("courses") + "/"
    read = 0
    while True:
        rows = session.execute(pending(mark.seq, BATCH)).all()
        if not rows:
            break
        _fold(session, rows, _accounts(session, rows), prefix)
        mark.seq = rows[-1][0]
        read += len(rows)
        session.flush()
        if len(rows) < BATCH or (limit is not None and read >= limit):
            break
    return read


def _accounts(session: Session, rows) -> dict[str, int]:
    """{public id: user id} of the learners in a batch of statements (not every account)."""
    names = sorted({row[1] for row in rows if row[1]})
    users = {}
    for start in range(0, len(names), 500):
        chunk = names[start : start + 500]
        users.update(
            session.execute(select(User.public_id, User.id).where(User.public_id.in_(chunk))).all()
        )
    return users


def _fold(session: Session, rows, users: dict, prefix: str) -> None:
    answers: dict = defaultdict(lambda: [0, 0])
    views: dict = defaultdict(int)
    for _seq, who, object_id, success, timestamp, voided in rows:
        user_id = users.get(who)
        where = _where(object_id or "", prefix)
        if voided or user_id is None or where is None:
            continue
        course_id, module_id, kind, item = where
        if kind == "question":
            tally = answers[(user_id, course_id, module_id, item)]
            tally[0] += 1
            tally[1] += not success
        else:
            day = datetime.fromisoformat(timestamp.replace("Z", "+00:00")).date()
            views[(user_id, course_id, module_id, item, day)] += 1
    _add(session, QuestionTally, answers, ("answered", "missed"))
    _add(session, PageViewTally, {k: [v] for k, v in views.items()}, ("views",))


def _add(session: Session, model, counts: dict, fields: tuple[str, ...]) -> None:
    """Add the counts to the tallies in one upsert per table (no rows loaded, none compared)."""
    if not counts:
        return
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    table = model.__table__
    names = [c.name for c in table.primary_key.columns]
    rows = [
        {**dict(zip(names, key, strict=True)), **dict(zip(fields, values, strict=True))}
        for key, values in counts.items()
    ]
    upsert = insert(table)
    upsert = upsert.on_conflict_do_update(
        index_elements=names,
        set_={name: table.c[name] + upsert.excluded[name] for name in fields},
    )
    for start in range(0, len(rows), 1000):
        session.execute(upsert, rows[start : start + 1000])
