"""What a coach sees about a cohort in one course: grid, who needs help, questions, figures.

Progress comes from the courses projection (`course_statuses`: two queries for the whole
cohort). Question analysis and "stuck on a page" need individual statements: they are counted
in the database through the LRS's filter index when the built-in LRS is used, and read back
through the xAPI API from an external LRS.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import and_, case, distinct, func, select
from sqlalchemy.orm import Session, aliased

from lms.auth.models import User
from lms.certificates.models import Certificate
from lms.cohorts import catalog
from lms.cohorts import services as cohorts
from lms.cohorts.models import Cohort
from lms.db import utcnow
from lms.i18n import localised
from lms.people import is_woman, is_youth
from lms.xapi import recorder
from lms.xapi.vocabulary import VERBS

#: No statement for this long: the learner may have dropped out.
INACTIVE_DAYS = 14
#: A quiz failed this many times (and not passed since): the learner needs an explanation.
FAILED_ATTEMPTS = 2
#: "Stuck on a page": opened the same page this many times in the last INACTIVE_DAYS days
#: without completing its module (reading again and again without moving on).
STUCK_VIEWS = 3

DONE, IN_PROGRESS, FAILED, NOT_STARTED = "done", "in-progress", "failed", "not-started"


@dataclass
class Cell:
    state: str
    pages_seen: int = 0
    pages_total: int = 0
    quiz_best: float | None = None


@dataclass
class Row:
    learner: User
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


def build(session: Session, cohort: Cohort, course_id: str) -> Dashboard:
    course = catalog.course(course_id)
    members = sorted(cohorts.members_of(session, cohort), key=lambda u: u.display_name.lower())
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


# --- statements counted in the LRS ------------------------------------------------------------


def _agent_name_map(members) -> dict[str, User]:
    return {u.public_id: u for u in members}


def _builtin_rows(session: Session, verb_key: str, course_iri: str, since=None, columns=()):
    """Rows of (actor name, object id, *columns) for the verb's statements within the course."""
    from xapi_store.models import Statement, StatementIndex
    from xapi_store.storage import index_key

    by_verb, by_course = aliased(StatementIndex), aliased(StatementIndex)
    actor_name = Statement.data[("actor", "account", "name")].as_string()
    object_id = Statement.data[("object", "id")].as_string()
    query = (
        select(actor_name, object_id, *columns)
        .join(
            by_verb,
            and_(by_verb.seq == Statement.seq, by_verb.key == index_key("V", VERBS[verb_key][0])),
        )
        .join(
            by_course,
            and_(by_course.seq == Statement.seq, by_course.key == index_key("c", course_iri)),
        )
        .where(Statement.voided.is_(False))
    )
    if since is not None:
        query = query.where(Statement.stored >= since)
    return query, actor_name, object_id, Statement


def _external_statements(verb_key: str, course_iri: str, since=None):
    return recorder.statements(
        verb_key=verb_key,
        activity_id=course_iri,
        related_activities=True,
        since=since.isoformat() if since else None,
    )


def questions_missed(session: Session, members, course) -> list[dict]:
    """Per question: how many learners answered it and how many got it wrong at least once."""
    if course is None or not members:
        return []
    names = _agent_name_map(members)
    course_iri = recorder.activity_iri("courses", course.id)
    counts: dict[str, list] = {}
    if recorder.external():
        answered, missed = defaultdict(set), defaultdict(set)
        for stmt in _external_statements("answered", course_iri):
            who = stmt["actor"].get("account", {}).get("name")
            if who in names:
                answered[stmt["object"]["id"]].add(who)
                if not (stmt.get("result") or {}).get("success"):
                    missed[stmt["object"]["id"]].add(who)
        counts = {q: [len(answered[q]), len(missed[q])] for q in answered}
    else:
        from xapi_store.models import Statement

        success = Statement.data[("result", "success")].as_boolean()
        query, actor_name, object_id, _s = _builtin_rows(session, "answered", course_iri)
        wrong = case((success.is_(False), actor_name), else_=None)
        query = (
            query.with_only_columns(
                object_id, func.count(distinct(actor_name)), func.count(distinct(wrong))
            )
            .where(actor_name.in_(list(names)))
            .group_by(object_id)
        )
        counts = {q: [total, wrong_count] for q, total, wrong_count in session.execute(query)}
    prompts = {}
    for module in course.modules:
        for question in module.quiz.get("questions", []):
            iri = f"{course_iri}/modules/{module.id}/quiz/questions/{question['id']}"
            prompts[iri] = (module, question)
    found = []
    for iri, (answered_by, missed_by) in counts.items():
        if iri not in prompts or not answered_by:
            continue
        module, question = prompts[iri]
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
    names = _agent_name_map(members)
    course_iri = recorder.activity_iri("courses", course_id)
    if recorder.external():
        views = Counter()
        for stmt in _external_statements("experienced", course_iri, since):
            who = stmt["actor"].get("account", {}).get("name")
            if who in names:
                views[(who, stmt["object"]["id"])] += 1
        rows = [(w, o, n) for (w, o), n in views.items() if n >= STUCK_VIEWS]
    else:
        query, actor_name, object_id, _s = _builtin_rows(session, "experienced", course_iri, since)
        query = (
            query.with_only_columns(actor_name, object_id, func.count())
            .where(actor_name.in_(list(names)))
            .group_by(actor_name, object_id)
            .having(func.count() >= STUCK_VIEWS)
        )
        rows = session.execute(query).all()
    found: dict[str, list] = defaultdict(list)
    prefix = course_iri + "/modules/"
    for who, object_id, count in rows:
        parts = object_id[len(prefix) :].split("/") if object_id.startswith(prefix) else []
        if len(parts) == 3 and parts[1] == "pages":
            found[who].append((parts[0], parts[2], count))
    return found
