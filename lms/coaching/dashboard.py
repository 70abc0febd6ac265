"""What a coach sees about a cohort in one course: grid, who needs help, questions, figures.

Progress comes from the courses projection (`course_statuses`: two queries for the whole
cohort). Question analysis and "stuck on a page" come from per-learner tallies, another
projection of the LMS's statements (lms.coaching.tallies), with either LRS backend.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from typing import NamedTuple

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from lms.auth.models import User
from lms.certificates.models import Certificate
from lms.coaching.models import PageViewTally, QuestionTally
from lms.cohorts import catalog
from lms.cohorts.models import Cohort, CohortMember
from lms.db import utcnow
from lms.i18n import localised
from lms.people import is_woman, is_youth

#: No statement for this long: the learner may have dropped out.
INACTIVE_DAYS = 14
#: A quiz failed this many times (and not passed since): the learner needs an explanation.
FAILED_ATTEMPTS = 2
#: "Stuck on a page": opened the same page this many times in the last INACTIVE_DAYS days (by
#: the statements' timestamps) without completing its module: reading again, not moving on.
STUCK_VIEWS = 3

DONE, IN_PROGRESS, FAILED, NOT_STARTED = "done", "in-progress", "failed", "not-started"


class Learner(NamedTuple):
    """What the dashboard shows of a learner: plain columns, not an account with its roles."""

    id: int
    public_id: str
    display_name: str
    gender: str | None
    birth_year: int | None


@dataclass(slots=True)
class Cell:
    state: str
    pages_seen: int = 0
    pages_total: int = 0
    quiz_best: float | None = None


@dataclass(slots=True)
class Row:
    learner: Learner
    status: object  # CourseStatus
    cells: list[Cell]
    reasons: list[tuple[str, dict]] = field(default_factory=list)  # needs-help reasons
    certified: bool = False


@dataclass
class Dashboard:
    cohort: Cohort
    course_id: str
    modules: list  # course modules
    rows: list[Row]
    figures: dict
    questions: list[dict]

    @property
    def needing_help(self) -> list[Row]:
        return [row for row in self.rows if row.reasons]


def _cell(module_status) -> Cell:
    if module_status.completed:
        state = DONE
    elif (
        module_status.quiz_attempts
        and not module_status.quiz_passed
        and (module_status.pages_seen >= module_status.pages_total)
    ):
        state = FAILED
    elif module_status.pages_seen or module_status.quiz_attempts:
        state = IN_PROGRESS
    else:
        state = NOT_STARTED
    return Cell(state, module_status.pages_seen, module_status.pages_total, module_status.quiz_best)


def cohort_learners(session: Session, cohort: Cohort) -> list[Learner]:
    """The cohort's learners by name, read as rows (500 accounts and their roles are not needed)."""
    query = (
        select(User.id, User.public_id, User.display_name, User.gender, User.birth_year)
        .join(CohortMember, CohortMember.user_id == User.id)
        .where(CohortMember.cohort_id == cohort.id)
        .order_by(User.display_name)
    )
    found = [Learner(*row) for row in session.execute(query)]
    return sorted(found, key=lambda u: u.display_name.lower())


def build(session: Session, cohort: Cohort, course_id: str) -> Dashboard:
    course = catalog.course(course_id)
    members = cohort_learners(session, cohort)
    statuses = catalog.statuses([u.id for u in members], course_id)
    certified = set(
        session.scalars(
            select(Certificate.learner_id).where(
                Certificate.course_id == course_id,
                Certificate.revoked_at.is_(None),
                Certificate.learner_id.in_([u.id for u in members]),
            )
        )
    )
    now = utcnow()
    since = now - timedelta(days=INACTIVE_DAYS)
    stuck = stuck_pages(session, members, course_id, since)
    rows = []
    for learner in members:
        status = statuses[learner.id]
        row = Row(
            learner, status, [_cell(m) for m in status.modules], certified=learner.id in certified
        )
        if status.completed:
            rows.append(row)
            continue
        if status.last_activity is None or status.last_activity < since:
            days = (now - status.last_activity).days if status.last_activity else None
            row.reasons.append(("inactive", {"days": days}))
        for module in status.modules:
            if module.quiz_attempts >= FAILED_ATTEMPTS and not module.quiz_passed:
                row.reasons.append(
                    ("quiz-failed", {"module": module.module_id, "attempts": module.quiz_attempts})
                )
        done_modules = {m.module_id for m in status.modules if m.completed}
        for module_id, page_id, views in stuck.get(learner.public_id, ()):
            if module_id not in done_modules:
                row.reasons.append(
                    ("stuck", {"module": module_id, "page": page_id, "views": views})
                )
        rows.append(row)
    return Dashboard(
        cohort,
        course_id,
        list(course.modules) if course else [],
        rows,
        figures(members, statuses, certified, since),
        questions_missed(session, members, course),
    )


def figures(members, statuses, certified, since) -> dict:
    enrolled = len(members)
    active = sum(
        1 for u in members if statuses[u.id].last_activity and statuses[u.id].last_activity >= since
    )
    completed = sum(1 for u in members if statuses[u.id].completed)
    women = sum(1 for u in members if is_woman(u.gender))
    youth = sum(1 for u in members if is_youth(u.birth_year))
    return {
        "enrolled": enrolled,
        "active": active,
        "completed": completed,
        "certified": len(certified),
        "women": women,
        "youth": youth,
        "women_share": women / enrolled if enrolled else 0.0,
        "youth_share": youth / enrolled if enrolled else 0.0,
    }


# --- from the coaching tallies (lms.coaching.tallies) ----------------------------------------


def _question_counts(session: Session, members, course) -> dict[tuple[str, str], list[int]]:
    """{(module id, question id): [learners who answered, learners who missed it once or more]}"""
    query = (
        select(
            QuestionTally.module_id,
            QuestionTally.question_id,
            func.count(),
            func.count(case((QuestionTally.missed > 0, 1))),
        )
        .where(
            QuestionTally.course_id == course.id,
            QuestionTally.user_id.in_([u.id for u in members]),
        )
        .group_by(QuestionTally.module_id, QuestionTally.question_id)
    )
    return {(m, q): [total, missed] for m, q, total, missed in session.execute(query)}


def questions_missed(session: Session, members, course) -> list[dict]:
    """Per question: how many learners answered it and how many got it wrong at least once."""
    if course is None or not members:
        return []
    counts = _question_counts(session, members, course)
    found = []
    for module in course.modules:
        for question in module.quiz.get("questions", []):
            answered_by, missed_by = counts.get((module.id, question["id"]), (0, 0))
            if not answered_by:
                continue
            found.append(
                {
                    "module_id": module.id,
                    "module": localised(module.title),
                    "question_id": question["id"],
                    "prompt": localised(question["prompt"]),
                    "answered": answered_by,
                    "missed": missed_by,
                    "share": missed_by / answered_by,
                }
            )
    found.sort(key=lambda q: (-q["share"], -q["missed"], q["module_id"]))
    return found


def stuck_pages(session: Session, members, course_id: str, since) -> dict[str, list]:
    """{learner public id: [(module id, page id, views)]} for pages opened STUCK_VIEWS+ times."""
    if not members:
        return {}
    found: dict[str, list] = defaultdict(list)
    by_id = {u.id: u.public_id for u in members}
    views = func.sum(PageViewTally.views)
    query = (
        select(PageViewTally.user_id, PageViewTally.module_id, PageViewTally.page_id, views)
        .where(
            PageViewTally.course_id == course_id,
            PageViewTally.user_id.in_(list(by_id)),
            PageViewTally.day >= since.date(),
        )
        .group_by(PageViewTally.user_id, PageViewTally.module_id, PageViewTally.page_id)
        .having(views >= STUCK_VIEWS)
    )
    for user_id, module_id, page_id, count in session.execute(query):
        found[by_id[user_id]].append((module_id, page_id, int(count)))
    return found
