"""The progress projection: statements folded into per-course and per-module progress rows.

`apply` is the only writer of CourseProgress and ModuleProgress. It runs on write (each statement
the player records) and in `rebuild`, which replays the LRS through `recorder.statements` (so it
works as well against an external LRS) and must give the same rows.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lms.auth.models import User
from lms.courses.models import Course, CourseProgress, ModuleProgress
from lms.courses.statements import course_iri, parse_iri
from lms.xapi import recorder
from lms.xapi.vocabulary import VERBS

#: the player's verbs (docs/xapi-profile.md); other features' statements about a course
#: (certified, attended...) never change a learner's progress
PLAYER_VERBS = ("launched", "initialized", "terminated", "experienced", "answered", "passed",
                "failed", "progressed", "completed", "responded")  # fmt: skip
VERB_KEYS = {VERBS[key][0]: key for key in PLAYER_VERBS}


def _timestamp(statement: dict) -> datetime:
    value = statement.get("timestamp") or statement.get("stored")
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _user_id(session: Session, statement: dict, cache: dict) -> int | None:
    name = (statement.get("actor") or {}).get("account", {}).get("name")
    if name not in cache:
        cache[name] = session.scalar(select(User.id).where(User.public_id == name))
    return cache[name]


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


def apply(session: Session, statement: dict, _users: dict | None = None) -> None:
    """Fold one statement into the projection (statements about other things are ignored)."""
    where = parse_iri((statement.get("object") or {}).get("id", ""))
    verb = VERB_KEYS.get((statement.get("verb") or {}).get("id"))
    if where is None or verb is None:
        return
    user_id = _user_id(session, statement, {} if _users is None else _users)
    if user_id is None:
        return
    when = _timestamp(statement)
    registration = (statement.get("context") or {}).get("registration")
    result = statement.get("result") or {}
    course = course_row(session, user_id, where["course"])
    if course is None:
        if not registration:
            return  # not an attempt of ours: every player statement carries the registration
        course = CourseProgress(
            user_id=user_id,
            course_id=where["course"],
            registration=registration,
            enrolled_at=when,
            completed=False,
            last_activity=when,
        )
        session.add(course)
    course.last_activity = max(course.last_activity, when)
    if where["kind"] == "course":
        if verb == "completed" and not course.completed:
            course.completed, course.completed_at = True, when
        return
    module = module_row(session, user_id, where["course"], where["module"], when)
    module.last_activity = max(module.last_activity, when)
    if where["kind"] == "page" and verb == "experienced":
        if where["item"] not in module.pages_seen:
            module.pages_seen = [*module.pages_seen, where["item"]]
        module.last_page = where["item"]
        course.last_module, course.last_page = where["module"], where["item"]
    elif where["kind"] == "quiz" and verb in ("passed", "failed"):
        scaled = (result.get("score") or {}).get("scaled")
        module.quiz_attempts += 1
        if scaled is not None:
            module.quiz_best = max(module.quiz_best or 0.0, float(scaled))
        module.quiz_passed = module.quiz_passed or verb == "passed"
    elif where["kind"] == "module" and verb == "completed":
        module.completed = True
    session.flush()


def rebuild(session: Session) -> int:
    """Empty the projection and replay every course's statements from the LRS."""
    session.execute(delete(ModuleProgress))
    session.execute(delete(CourseProgress))
    session.flush()
    users: dict = {}
    count = 0
    for course_id in session.scalars(select(Course.id).order_by(Course.position)):
        for statement in recorder.statements(
            activity_id=course_iri(course_id), related_activities=True
        ):
            apply(session, statement, users)
            count += 1
    return count
