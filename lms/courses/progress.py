"""The progress projection: the LMS's statements folded into per-course and per-module rows.

`fold` is the only writer of CourseProgress and ModuleProgress. It is registered with
lms.xapi.projections, which feeds it each statement the recorder records and replays the LRS
(built-in or external) on `lms rebuild-progress` with the same rule: only statements the LMS
wrote count, so a statement a learner's content posts never completes a course.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lms.auth.models import User
from lms.courses.models import CourseProgress, ModuleProgress
from lms.xapi import projections, recorder
from lms.xapi.projections import StatementView

#: the player's verbs (docs/xapi-profile.md); other features' statements about a course
#: (certified, attended...) never change a learner's progress
PLAYER_VERBS = ("launched", "initialized", "terminated", "experienced", "answered", "passed",
                "failed", "progressed", "completed", "responded")  # fmt: skip


def course_row(session: Session, user_id: int, course_id: str) -> CourseProgress | None:
    return session.scalar(
        select(CourseProgress).where(
            CourseProgress.user_id == user_id, CourseProgress.course_id == course_id
        )
    )


def module_row(session: Session, user_id: int, course_id: str, module_id: str, when: datetime):
    row = session.scalar(
        select(ModuleProgress).where(
            ModuleProgress.user_id == user_id,
            ModuleProgress.course_id == course_id,
            ModuleProgress.module_id == module_id,
        )
    )
    if row is None:
        row = ModuleProgress(
            user_id=user_id,
            course_id=course_id,
            module_id=module_id,
            pages_seen=[],
            quiz_attempts=0,
            quiz_passed=False,
            completed=False,
            last_activity=when,
        )
        session.add(row)
    return row


def _fold_one(session: Session, statement: StatementView, user_id: int) -> None:
    where, verb, when = statement.where, statement.verb, statement.timestamp
    course = course_row(session, user_id, where.course)
    if course is None:
        if not statement.registration:
            return  # not an attempt of ours: every player statement carries the registration
        course = CourseProgress(
            user_id=user_id,
            course_id=where.course,
            registration=statement.registration,
            enrolled_at=when,
            completed=False,
            last_activity=when,
        )
        session.add(course)
    course.last_activity = max(course.last_activity, when)
    if where.kind == "course":
        if verb == "completed" and not course.completed:
            course.completed, course.completed_at = True, when
        return
    module = module_row(session, user_id, where.course, where.module, when)
    module.last_activity = max(module.last_activity, when)
    if where.kind == "page" and verb == "experienced":
        if where.item not in module.pages_seen:
            module.pages_seen = [*module.pages_seen, where.item]
        module.last_page = where.item
        course.last_module, course.last_page = where.module, where.item
    elif where.kind == "quiz" and verb in ("passed", "failed"):
        scaled = (statement.result.get("score") or {}).get("scaled")
        module.quiz_attempts += 1
        if scaled is not None:
            module.quiz_best = max(module.quiz_best or 0.0, float(scaled))
        module.quiz_passed = module.quiz_passed or verb == "passed"
    elif where.kind == "module" and verb == "completed":
        module.completed = True
    session.flush()


def learner_ids(session: Session, statements: list[StatementView]) -> dict[str, int]:
    """{public id: user id} of the learners of a batch of statements (unknown ones left out)."""
    names = sorted({s.learner for s in statements if s.learner})
    found: dict[str, int] = {}
    for start in range(0, len(names), 500):
        chunk = names[start : start + 500]
        found.update(
            session.execute(select(User.public_id, User.id).where(User.public_id.in_(chunk))).all()
        )
    return found


def fold(session: Session, statements: list[StatementView]) -> None:
    users = learner_ids(session, statements)
    for statement in statements:
        if statement.learner in users:
            _fold_one(session, statement, users[statement.learner])


def clear(session: Session) -> None:
    session.execute(delete(ModuleProgress))
    session.execute(delete(CourseProgress))


projections.register(projections.Projection("progress", frozenset(PLAYER_VERBS), fold, clear))


def apply(session: Session, statement: dict) -> None:
    """Fold one statement the LMS has just recorded (the recorder already does; folding the
    same statement again in the session changes nothing)."""
    projections.feed(session, [statement], recorder.base_url())


def rebuild(session: Session) -> int:
    """Empty the projections and replay the LMS's statements from the LRS."""
    return recorder.rebuild_projections(session)
