"""Per-learner tallies of quiz answers and page views: a projection of the LMS's statements.

The coach dashboard asks "which questions do most learners miss" and "who keeps opening the same
page": counting raw statements for 500 learners each time is too slow, so, like the courses
progress, these are folded from statements, registered with lms.xapi.projections: each
`answered` or `experienced` statement the recorder records is added in the same transaction
(with the built-in LRS and with an external one alike), and `lms rebuild-progress` (or
`lms coaching-tallies`) replays the LRS with the authority rule. The dashboard only reads them.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import delete
from sqlalchemy.orm import Session

from lms.coaching.models import PageViewTally, QuestionTally
from lms.courses.progress import learner_ids
from lms.xapi import projections
from lms.xapi.projections import StatementView


def fold(session: Session, statements: list[StatementView]) -> None:
    users = learner_ids(session, statements)
    answers: dict = defaultdict(lambda: [0, 0])
    views: dict = defaultdict(int)
    for statement in statements:
        user_id, where = users.get(statement.learner), statement.where
        if user_id is None:
            continue
        if where.kind == "question" and statement.verb == "answered":
            tally = answers[(user_id, where.course, where.module, where.item)]
            tally[0] += 1
            tally[1] += not statement.result.get("success")
        elif where.kind == "page" and statement.verb == "experienced":
            day = statement.timestamp.date()
            views[(user_id, where.course, where.module, where.item, day)] += 1
    _add(session, QuestionTally, answers, ("answered", "missed"))
    _add(session, PageViewTally, {k: [v] for k, v in views.items()}, ("views",))


def clear(session: Session) -> None:
    session.execute(delete(QuestionTally))
    session.execute(delete(PageViewTally))


NAME = "coaching-tallies"
projections.register(
    projections.Projection(NAME, frozenset({"answered", "experienced"}), fold, clear)
)


def _add(session: Session, model, counts: dict, fields: tuple[str, ...]) -> None:
    """Add the counts to the tallies in one upsert per table (no rows loaded, none compared:
    two learners' requests adding to one row at once both count)."""
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
