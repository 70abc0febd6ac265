"""Courses: the rules of the player, and the stable services other features use.

Stable services (every function takes the SQLAlchemy session first; ids are the content ids):

- `list_courses(session) -> list[Course]`: courses in catalogue order; `course.title`,
  `course.summary` are {lang: text} maps (use `lms.i18n.localised`), `course.modules` in order.
- `get_course(session, course_id) -> Course | None`
- `course_modules(session, course_id) -> list[Module]`: `module.id`, `module.title` {lang: text},
  `module.pages` (each `page.id`, `page.title` {lang: text}).
- `course_status(session, user, course_id) -> CourseStatus`: enrolled, registration, completed,
  completed_at, progress (0-100), last_activity, last_module, last_page and `modules`, a list of
  ModuleStatus (module_id, title, pages_seen, pages_total, quiz_best (scaled 0..1 or None),
  quiz_attempts, quiz_passed, completed, last_activity, last_page).
- `course_statuses(session, user_ids, course_id) -> dict[user_id, CourseStatus]`: the same for
  many learners in two queries (learners never enrolled get an empty, not-enrolled status).
- `enrolments(session, course_ids=None) -> list[Enrolment]`: every enrolment (user_id, course_id,
  registration, enrolled_at, completed, completed_at, last_activity) in one query, for
  programme figures.
- `is_completed(session, user, course_id) -> bool` (also the registry service
  `courses.completed`, called as fn(user, course_id)).
- `module_content(session, course_id, module_id, language=None) -> dict | None`: title, summary,
  activity {title, kind, minutes, instructions (HTML), prompt, facilitator_notes (HTML)} and pages
  [{id, title, html}] in `language` (default: the interface language; French when missing).
- `activity_answers(session, user_ids, course_id) -> list[dict]`: {user_id, module_id,
  activity_id, text, updated_at} for each activity answer those learners wrote, by module order.

Progress is never written here directly: each event is a statement (lms.courses.statements),
recorded and folded into the projection by lms.courses.progress.apply.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.courses import progress
from lms.courses import statements as st
from lms.courses.models import ActivityAnswer, Course, CourseProgress, Module, ModuleProgress
from lms.db import utcnow
from lms.i18n import localised
from lms.xapi import recorder

# --- reading courses ------------------------------------------------------------------------


def list_courses(session: Session) -> list[Course]:
    return list(session.scalars(select(Course).order_by(Course.position, Course.id)))


def get_course(session: Session, course_id: str) -> Course | None:
    return session.get(Course, course_id)


def course_modules(session: Session, course_id: str) -> list[Module]:
    course = get_course(session, course_id)
    return list(course.modules) if course else []


def find_module(course: Course, module_id: str) -> Module | None:
    return next((m for m in course.modules if m.id == module_id), None)


def quiz_pass_mark(course: Course, module: Module) -> float:
    mark = module.quiz.get("pass_mark")
    return course.pass_mark if mark is None else mark


def module_content(session: Session, course_id: str, module_id: str, language=None) -> dict | None:
    course = get_course(session, course_id)
    module = find_module(course, module_id) if course else None
    if module is None:
        return None
    task = module.activity

    def text(texts):
        return localised(texts, language)

    return {
        "course_id": course_id,
        "module_id": module_id,
        "title": text(module.title),
        "summary": text(module.summary),
        "activity": {
            "id": task["id"],
            "title": text(task["title"]),
            "kind": task["kind"],
            "minutes": task["minutes"],
            "instructions": text(task["instructions"]),
            "prompt": text(task["prompt"]),
            "facilitator_notes": text(task["facilitator_notes"]),
        },
        "pages": [
            {"id": page.id, "title": text(page.title), "html": text(page.html)}
            for page in module.pages
        ],
    }


# --- status ---------------------------------------------------------------------------------


@dataclass
class ModuleStatus:
    module_id: str
    title: dict
    pages_total: int
    pages_seen: int = 0
    quiz_best: float | None = None
    quiz_attempts: int = 0
    quiz_passed: bool = False
    completed: bool = False
    last_activity: datetime | None = None
    last_page: str | None = None
    seen_ids: frozenset = frozenset()


@dataclass
class CourseStatus:
    course_id: str
    enrolled: bool = False
    registration: str | None = None
    completed: bool = False
    completed_at: datetime | None = None
    last_activity: datetime | None = None
    last_module: str | None = None
    last_page: str | None = None
    progress: int = 0
    modules: list[ModuleStatus] = field(default_factory=list)

    def module(self, module_id: str) -> ModuleStatus | None:
        return next((m for m in self.modules if m.module_id == module_id), None)


def _layout(course: Course) -> list[tuple[Module, frozenset[str]]]:
    """Each module with its page ids: read once per course, not once per learner."""
    return [(module, frozenset(p.id for p in module.pages)) for module in course.modules]


def _status(course: Course, row: CourseProgress | None, module_rows, layout=None) -> CourseStatus:
    """A learner's status from the projection rows; pass `_layout(course)` when building many."""
    by_module = {m.module_id: m for m in module_rows}
    status = CourseStatus(course_id=course.id)
    if row is not None:
        status.enrolled = True
        status.registration = row.registration
        status.completed = row.completed
        status.completed_at = row.completed_at
        status.last_activity = row.last_activity
        status.last_module, status.last_page = row.last_module, row.last_page
    for module, page_ids in layout or _layout(course):
        mod = by_module.get(module.id)
        seen = page_ids.intersection(mod.pages_seen) if mod else frozenset()  # pages that exist
        item = ModuleStatus(module.id, module.title, len(page_ids), len(seen), seen_ids=seen)
        if mod is not None:
            item.quiz_best, item.quiz_attempts = mod.quiz_best, mod.quiz_attempts
            item.quiz_passed, item.completed = mod.quiz_passed, mod.completed
            item.last_activity, item.last_page = mod.last_activity, mod.last_page
        status.modules.append(item)
    status.progress = 100 if status.completed else _percent(course, status)
    return status


def _percent(course: Course, status: CourseStatus) -> int:
    rules = course.completion
    done = total = 0
    for module in status.modules:
        if rules.get("all_pages_seen", True) or not rules.get("all_quizzes_passed", True):
            done, total = done + module.pages_seen, total + module.pages_total
        if rules.get("all_quizzes_passed", True):
            done, total = done + int(module.quiz_passed), total + 1
    return int(100 * done / total) if total else 0


def course_status(session: Session, user, course_id: str) -> CourseStatus:
    return course_statuses(session, [user.id], course_id)[user.id]


def course_statuses(session: Session, user_ids, course_id: str) -> dict[int, CourseStatus]:
    course = get_course(session, course_id)
    user_ids = list(user_ids)
    if course is None:
        return {uid: CourseStatus(course_id=course_id) for uid in user_ids}
    rows = {
        row.user_id: row
        for row in session.scalars(
            select(CourseProgress).where(
                CourseProgress.course_id == course_id, CourseProgress.user_id.in_(user_ids)
            )
        )
    }
    module_rows: dict[int, list] = {}
    for row in session.scalars(
        select(ModuleProgress).where(
            ModuleProgress.course_id == course_id, ModuleProgress.user_id.in_(user_ids)
        )
    ):
        module_rows.setdefault(row.user_id, []).append(row)
    layout = _layout(course)
    return {
        uid: _status(course, rows.get(uid), module_rows.get(uid, []), layout) for uid in user_ids
    }


@dataclass(frozen=True)
class Enrolment:
    user_id: int
    course_id: str
    registration: str
    enrolled_at: datetime
    completed: bool
    completed_at: datetime | None
    last_activity: datetime


def enrolments(session: Session, course_ids=None) -> list[Enrolment]:
    query = select(CourseProgress).order_by(CourseProgress.course_id, CourseProgress.user_id)
    if course_ids is not None:
        query = query.where(CourseProgress.course_id.in_(list(course_ids)))
    return [
        Enrolment(
            row.user_id,
            row.course_id,
            row.registration,
            row.enrolled_at,
            row.completed,
            row.completed_at,
            row.last_activity,
        )  # fmt: skip
        for row in session.scalars(query)
    ]


def is_completed(session: Session, user, course_id: str) -> bool:
    row = progress.course_row(session, user.id, course_id)
    return bool(row and row.completed)


def missing_prerequisites(session: Session, user, course: Course) -> list[Course]:
    """The prerequisite courses this learner has not completed yet (empty: unlocked)."""
    missing = []
    for prerequisite in course.prerequisites:
        if not (user.is_authenticated and is_completed(session, user, prerequisite)):
            missing.append(get_course(session, prerequisite) or Course(id=prerequisite, title={}))
    return missing


def activity_answers(session: Session, user_ids, course_id: str) -> list[dict]:
    course = get_course(session, course_id)
    order = {m.id: m.position for m in course.modules} if course else {}
    activity_ids = {m.id: m.activity.get("id") for m in course.modules} if course else {}
    rows = session.scalars(
        select(ActivityAnswer).where(
            ActivityAnswer.course_id == course_id, ActivityAnswer.user_id.in_(list(user_ids))
        )
    )
    answers = [
        {
            "user_id": row.user_id,
            "module_id": row.module_id,
            "activity_id": activity_ids.get(row.module_id),
            "text": row.text,
            "updated_at": row.updated_at,
        }
        for row in rows
    ]
    return sorted(answers, key=lambda a: (order.get(a["module_id"], 999), a["user_id"]))


# --- events: each one a statement, folded into the projection -------------------------------


def _emit(session: Session, stmt) -> dict:
    data = recorder.to_dict(stmt)
    recorder.record(data, session)
    progress.apply(session, data)
    return data


def enrol(session: Session, user, course: Course, language: str) -> str:
    """Launch the course: a registration UUID on the first launch, then launched + initialized."""
    row = progress.course_row(session, user.id, course.id)
    registration = row.registration if row else str(uuid.uuid4())
    _emit(session, st.course_event(user, "launched", course, registration, language))
    _emit(session, st.course_event(user, "initialized", course, registration, language))
    return registration


def registration_for(session: Session, user, course: Course, language: str) -> str:
    row = progress.course_row(session, user.id, course.id)
    return row.registration if row else enrol(session, user, course, language)


def leave(session: Session, user, course: Course, language: str) -> None:
    row = progress.course_row(session, user.id, course.id)
    if row is not None:
        _emit(session, st.course_event(user, "terminated", course, row.registration, language))


def page_viewed(session: Session, user, course: Course, module: Module, page, language: str):
    registration = registration_for(session, user, course, language)
    _emit(session, st.experienced(user, course, module, page, registration, language))
    save_bookmark(user, course, registration, {"module": module.id, "page": page.id})
    _after_progress(session, user, course, registration, language)


def quiz_finished(session, user, course, module, raw, maximum, attempt, language) -> bool:
    registration = registration_for(session, user, course, language)
    passed = maximum > 0 and raw / maximum >= quiz_pass_mark(course, module) - 1e-9
    _emit(session, st.quiz_scored(user, course, module, raw, maximum, passed, registration,
                                  language, attempt))  # fmt: skip
    _after_progress(session, user, course, registration, language)
    return passed


def question_answered(session, user, course, module, question, response, success, attempt,
                      language) -> None:  # fmt: skip
    registration = registration_for(session, user, course, language)
    _emit(session, st.answered(user, course, module, question, response, success, registration,
                               language, attempt))  # fmt: skip


def save_activity_answer(session, user, course, module, text: str, language: str) -> None:
    registration = registration_for(session, user, course, language)
    row = session.scalar(
        select(ActivityAnswer).where(
            ActivityAnswer.user_id == user.id,
            ActivityAnswer.course_id == course.id,
            ActivityAnswer.module_id == module.id,
        )
    )
    if row is None:
        row = ActivityAnswer(user_id=user.id, course_id=course.id, module_id=module.id, text="")
        session.add(row)
    row.text, row.updated_at = text, utcnow()
    _emit(session, st.responded(user, course, module, text, registration, language))
    save_bookmark(user, course, registration, {"module": module.id, "step": "activity"})


def module_done(course: Course, status: ModuleStatus, module: Module) -> bool:
    """What "completed" means for a module: the course's completion rules (one place)."""
    rules = course.completion
    if rules.get("all_pages_seen", True) and status.pages_seen < status.pages_total:
        return False
    has_quiz = bool(module.quiz.get("questions"))
    return not (rules.get("all_quizzes_passed", True) and has_quiz and not status.quiz_passed)


def _after_progress(session, user, course, registration, language) -> None:
    """Send completed (module, course) when the rules are newly met, and progressed."""
    status = course_status(session, user, course.id)
    for module, mod_status in zip(course.modules, status.modules, strict=True):
        if not mod_status.completed and module_done(course, mod_status, module):
            _emit(session, st.module_completed(user, course, module, registration, language))
    status = course_status(session, user, course.id)
    if not status.completed:
        _emit(session, st.progressed(user, course, registration, language, status.progress))
        if all(m.completed for m in status.modules):
            _emit(session, st.course_completed(user, course, registration, language))


# --- where the learner is: LRS State, so any device resumes there ----------------------------


def save_bookmark(user, course: Course, registration: str, place: dict) -> None:
    """Keep the learner's place; an unreachable external LRS must not stop them reading."""
    try:
        recorder.put_state(st.course_iri(course.id), recorder.actor_dict(user),
                           st.STATE_BOOKMARK, place, registration=registration)  # fmt: skip
    except (OSError, RuntimeError) as exc:  # requests' errors are OSErrors
        current_app.logger.warning("bookmark not saved in the LRS: %s", exc)


def bookmark(session: Session, user, course: Course) -> dict | None:
    row = progress.course_row(session, user.id, course.id)
    if row is None:
        return None
    try:
        return recorder.get_state(st.course_iri(course.id), recorder.actor_dict(user),
                                  st.STATE_BOOKMARK, registration=row.registration)  # fmt: skip
    except (
        OSError,
        RuntimeError,
        ValueError,
    ) as exc:  # resume then starts at the first unseen page
        current_app.logger.warning("bookmark not read from the LRS: %s", exc)
        return None


def quiz_attempt(user, course: Course, module: Module, registration: str) -> dict | None:
    return recorder.get_state(st.quiz_iri(course.id, module.id), recorder.actor_dict(user),
                              st.STATE_QUIZ_ATTEMPT, registration=registration)  # fmt: skip


def save_quiz_attempt(user, course: Course, module: Module, registration: str, attempt: dict):
    recorder.put_state(st.quiz_iri(course.id, module.id), recorder.actor_dict(user),
                       st.STATE_QUIZ_ATTEMPT, attempt, registration=registration)  # fmt: skip
