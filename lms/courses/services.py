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
- `course_statuses(session, user_ids, course_id, course=None) -> dict[user_id, CourseStatus]`:
  the same for many learners in two queries (learners never enrolled get an empty, not-enrolled
  status); pass `course` when the caller already holds it (the coach dashboard's fast path).
- `course_layout(course)` and `status_from_progress(course, row, module_rows, layout)`: the
  status rule itself, for callers that read the projection rows their own way.
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
recorded by lms.xapi.recorder, which feeds the projections (lms.xapi.projections, progress.apply).

Quiz attempts (`start_quiz`, `quiz_attempt`, `answer_question`) live in the `quiz_attempts`
table, never in an xAPI State document: the learner's launch credential may write State.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from lms.courses import progress, quiz
from lms.courses import statements as st
from lms.courses.models import (
    ActivityAnswer,
    Course,
    CourseProgress,
    Module,
    ModuleProgress,
    QuizAttempt,
)
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


def quiz_passes(course: Course, module: Module, raw: int, maximum: int) -> bool:
    return maximum > 0 and raw / maximum >= quiz_pass_mark(course, module) - 1e-9


def reading_language(texts: dict, language: str) -> str:
    """The language the learner actually reads: theirs when the text exists, else French."""
    return language if texts.get(language) else ("fr" if texts.get("fr") else next(iter(texts)))


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


def course_layout(course: Course) -> list[tuple[Module, frozenset[str]]]:
    """Each module with its page ids: read once per course, not once per learner."""
    return [(module, frozenset(p.id for p in module.pages)) for module in course.modules]


def status_from_progress(course: Course, row, module_rows, layout=None) -> CourseStatus:
    """A learner's status from their projection rows (ORM objects or rows with the same
    columns); pass `course_layout(course)` when building many."""
    by_module = {m.module_id: m for m in module_rows}
    status = CourseStatus(course_id=course.id)
    if row is not None:
        status.enrolled = True
        status.registration = row.registration
        status.completed = row.completed
        status.completed_at = row.completed_at
        status.last_activity = row.last_activity
        status.last_module, status.last_page = row.last_module, row.last_page
    for module, page_ids in layout or course_layout(course):
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


_COURSE_COLUMNS = (CourseProgress.user_id, CourseProgress.registration, CourseProgress.completed,
                   CourseProgress.completed_at, CourseProgress.last_activity,
                   CourseProgress.last_module, CourseProgress.last_page)  # fmt: skip
_MODULE_COLUMNS = (ModuleProgress.user_id, ModuleProgress.module_id, ModuleProgress.pages_seen,
                   ModuleProgress.quiz_best, ModuleProgress.quiz_attempts,
                   ModuleProgress.quiz_passed, ModuleProgress.completed,
                   ModuleProgress.last_activity, ModuleProgress.last_page)  # fmt: skip


def course_statuses(
    session: Session, user_ids, course_id: str, course: Course | None = None
) -> dict[int, CourseStatus]:
    """course_status for many learners in two queries; pass `course` when already loaded.

    The projection is read as plain rows (two column selects), not ORM objects: for a
    500-learner cohort, loading thousands of objects was most of the coach dashboard's time.
    """
    course = course or get_course(session, course_id)
    user_ids = list(user_ids)
    if course is None:
        return {uid: CourseStatus(course_id=course_id) for uid in user_ids}
    rows = {
        row.user_id: row
        for row in session.execute(
            select(*_COURSE_COLUMNS).where(
                CourseProgress.course_id == course_id, CourseProgress.user_id.in_(user_ids)
            )
        )
    }
    module_rows: dict[int, list] = {}
    for row in session.execute(
        select(*_MODULE_COLUMNS).where(
            ModuleProgress.course_id == course_id, ModuleProgress.user_id.in_(user_ids)
        )
    ):
        module_rows.setdefault(row.user_id, []).append(row)
    layout = course_layout(course)
    return {
        uid: status_from_progress(course, rows.get(uid), module_rows.get(uid, []), layout)
        for uid in user_ids
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
    recorder.record(data, session)  # the recorder feeds the projections (lms.xapi.projections)
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


def page_viewed(
    session: Session, user, course: Course, module: Module, page, language: str
) -> CourseStatus:
    """Record the page as seen; returns the learner's course status after it."""
    registration = registration_for(session, user, course, language)
    _emit(session, st.experienced(user, course, module, page, registration, language))
    save_bookmark(user, course, registration, {"module": module.id, "page": page.id})
    return _after_progress(session, user, course, registration, language)


def quiz_finished(session, user, course, module, raw, maximum, attempt, language,
                  registration: str | None = None) -> bool:  # fmt: skip
    registration = registration or registration_for(session, user, course, language)
    passed = quiz_passes(course, module, raw, maximum)
    _quiz_scored(session, user, course, module, raw, maximum, passed, attempt, language,
                 registration)  # fmt: skip
    return passed


def _quiz_scored(session, user, course, module, raw, maximum, passed, attempt, language,
                 registration) -> CourseStatus:  # fmt: skip
    _emit(session, st.quiz_scored(user, course, module, raw, maximum, passed, registration,
                                  language, attempt))  # fmt: skip
    return _after_progress(session, user, course, registration, language)


def question_answered(session, user, course, module, question, response, success, attempt,
                      language, registration: str | None = None) -> None:  # fmt: skip
    registration = registration or registration_for(session, user, course, language)
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


def _after_progress(session, user, course, registration, language) -> CourseStatus:
    """Send completed (module, course) when the rules are newly met, and progressed; returns
    the status after them (read again only when a completion changed it)."""
    status = course_status(session, user, course.id)
    newly_done = [
        module
        for module, mod_status in zip(course.modules, status.modules, strict=True)
        if not mod_status.completed and module_done(course, mod_status, module)
    ]
    for module in newly_done:
        _emit(session, st.module_completed(user, course, module, registration, language))
    if newly_done:
        status = course_status(session, user, course.id)
    if not status.completed:
        _emit(session, st.progressed(user, course, registration, language, status.progress))
        if all(m.completed for m in status.modules):
            _emit(session, st.course_completed(user, course, registration, language))
            status = course_status(session, user, course.id)
    return status


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


# --- quiz attempts: in an LMS table, never in a document the learner's credential can write ---


def _live_attempt_row(session: Session, user, course: Course, module: Module,
                      registration: str) -> QuizAttempt | None:  # fmt: skip
    """The learner's latest attempt at this quiz (finished or not)."""
    return session.scalar(
        select(QuizAttempt)
        .where(
            QuizAttempt.user_id == user.id,
            QuizAttempt.course_id == course.id,
            QuizAttempt.module_id == module.id,
            QuizAttempt.registration == registration,
        )
        .order_by(QuizAttempt.number.desc())
        .limit(1)
    )


def _attempt_of(row: QuizAttempt) -> quiz.Attempt:
    answers = {qid: quiz.Answer(a["response"], a["success"]) for qid, a in row.answers.items()}
    return quiz.Attempt(row.public_id, list(row.question_order), dict(row.shuffle), answers,
                        raw=row.raw, passed=row.passed)  # fmt: skip


def quiz_attempt(session: Session, user, course: Course, module: Module,
                 registration: str) -> quiz.Attempt | None:  # fmt: skip
    row = _live_attempt_row(session, user, course, module, registration)
    return _attempt_of(row) if row else None


def start_quiz(session: Session, user, course: Course, module: Module,
               registration: str) -> quiz.Attempt:  # fmt: skip
    """A new attempt when there is none or the last one is finished; an unfinished attempt goes
    on (a second click on Start, or Start on another device, changes nothing)."""
    live = _live_attempt_row(session, user, course, module, registration)
    if live is not None and live.finished_at is None:
        return _attempt_of(live)
    order, shuffle = quiz.first_steps(quiz.questions_of(module.quiz),
                                      live.question_order if live else None)  # fmt: skip
    values = {
        "public_id": str(uuid.uuid4()),
        "user_id": user.id,
        "course_id": course.id,
        "module_id": module.id,
        "registration": registration,
        "number": live.number + 1 if live else 1,
        "question_order": order,
        "shuffle": shuffle,
        "answers": {},
        "answered": 0,
        "started_at": utcnow(),
    }
    # Two starts at the same moment compete for the same attempt number: the unique constraint
    # keeps one, and the other request goes on with it (PostgreSQL makes it wait, then skip).
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(insert(QuizAttempt).values(**values).on_conflict_do_nothing())
    return quiz_attempt(session, user, course, module, registration)


def _save_answer(session: Session, row: QuizAttempt, attempt: quiz.Attempt) -> bool:
    """Store the attempt with its new answer unless another request stored one first.

    Conditional UPDATE on the answer count (as market's `_move` does on an order's status): two
    submits of the same answer at the same moment count it once; the second one finds 0 rows.
    """
    values = {
        "answers": {qid: {"response": a.response, "success": a.success}
                    for qid, a in attempt.answers.items()},
        "answered": row.answered + 1,
    }  # fmt: skip
    if attempt.finished:
        values.update(raw=attempt.raw, passed=attempt.passed, finished_at=utcnow())
    saved = session.execute(
        update(QuizAttempt)
        .where(
            QuizAttempt.id == row.id,
            QuizAttempt.answered == row.answered,
            QuizAttempt.finished_at.is_(None),
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if saved != 1:
        session.refresh(row)  # what the request that won the race stored
        return False
    session.expire(row)  # the UPDATE bypassed the session: read it afresh if needed again
    return True


def answer_question(
    session: Session,
    user,
    course: Course,
    module: Module,
    registration: str,
    attempt_id: str,
    question_id: str,
    fields,
    language: str,
) -> quiz.Outcome:
    """The learner's answer (`fields`: the form's MultiDict) to the question their live attempt
    is at: checked, stored, recorded as statements; the last one scores the quiz.

    The score's total is the quiz's question count in the course content, whatever the attempt
    holds: nothing the learner sends decides how many questions there are.
    """
    questions, total, row = _attempt_answered(session, user, course, module, registration,
                                              attempt_id)  # fmt: skip
    if row is None:
        return quiz.Outcome(None, over=True, total=total)
    attempt = _attempt_of(row)
    question = questions.get(question_id)
    if question is not None and question_id in attempt.answers:  # sent again: same feedback
        return quiz.Outcome(attempt, question, given=attempt.answers[question_id], total=total)
    current = attempt.current(questions)
    if current is None or current["id"] != question_id:  # not the question it is at: back to it
        return quiz.Outcome(attempt, total=total)
    try:
        given = quiz.Answer(*quiz.read_answer(question, fields))
    except quiz.AnswerError as exc:
        return quiz.Outcome(attempt, question, error=str(exc), total=total)
    attempt.answers[question_id] = given
    if attempt.current(questions) is None:
        attempt.raw = attempt.score(questions)
        attempt.passed = quiz_passes(course, module, attempt.raw, total)
    if not _save_answer(session, row, attempt):
        attempt = _attempt_of(row)
        return quiz.Outcome(attempt, question, given=attempt.answers.get(question_id), total=total)
    language = reading_language(question["prompt"], language)
    question_answered(session, user, course, module, question, given.response, given.success,
                      attempt.id, language, registration=registration)  # fmt: skip
    status = None
    if attempt.finished:
        status = _quiz_scored(session, user, course, module, attempt.raw, total, attempt.passed,
                              attempt.id, language, registration)  # fmt: skip
    return quiz.Outcome(attempt, question, given=given, total=total, status=status)


def _attempt_answered(session, user, course, module, registration, attempt_id):
    """(questions, their count, the live attempt's row or None when the form names another)."""
    questions = quiz.questions_of(module.quiz)
    row = _live_attempt_row(session, user, course, module, registration)
    if row is not None and row.public_id != attempt_id:
        row = None
    return questions, len(questions), row


def practise_question(session: Session, user, course: Course, module: Module, registration: str,
                      attempt_id: str, question_id: str, fields) -> quiz.Outcome:  # fmt: skip
    """A second try at a question the live attempt has already answered: checked and shown, never
    stored nor recorded, so the first answer stays the graded one. A question not answered yet
    cannot be practised (that would be a free look before the graded answer)."""
    questions, total, row = _attempt_answered(session, user, course, module, registration,
                                              attempt_id)  # fmt: skip
    if row is None:
        return quiz.Outcome(None, over=True, total=total)
    attempt = _attempt_of(row)
    question = questions.get(question_id)
    if question is None or question_id not in attempt.answers:
        return quiz.Outcome(attempt, total=total)
    try:
        given = quiz.Answer(*quiz.read_answer(question, fields))
    except quiz.AnswerError as exc:
        return quiz.Outcome(attempt, question, error=str(exc), total=total)
    return quiz.Outcome(attempt, question, given=given, total=total)
