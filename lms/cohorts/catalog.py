"""What cohorts, certificates and coaching read about courses, through lms.courses services.

One place, so these features never reach into the courses feature's models.
"""

from __future__ import annotations

from flask import g
from sqlalchemy import select

from lms.courses import services as courses
from lms.db import session
from lms.i18n import localised

#: The courses trainers are accredited for first (ILO's Think.COOP, Start.COOP, My.COOP).
ACCREDITABLE = ("think-coop", "start-coop", "my-coop")
LANGS = ("fr", "ar", "en")


def course(course_id: str):
    """The course, loaded once per request: the session's identity map holds objects weakly,
    so without this a page naming a course 200 times would load it (and its pages) 200 times."""
    cache = g.setdefault("taawun_courses", {})
    if course_id not in cache:
        cache[course_id] = courses.get_course(session, course_id)
    return cache[course_id]


def module(course_id: str, module_id: str):
    found = course(course_id)
    return courses.find_module(found, module_id) if found else None


def course_ids() -> list[str]:
    return [c.id for c in courses.list_courses(session)]


def course_title(course_id: str, language: str | None = None) -> str:
    found = course(course_id)
    return localised(found.title, language) if found else course_id


def course_titles(course_id: str) -> dict[str, str]:
    return {lang: course_title(course_id, lang) for lang in LANGS}


def module_title(course_id: str, module_id: str, language: str | None = None) -> str:
    found = module(course_id, module_id)
    return localised(found.title, language) if found else module_id


def module_ids(course_id: str) -> list[str]:
    found = course(course_id)
    return [m.id for m in found.modules] if found else []


def quiz_module_ids(course_id: str) -> list[str]:
    """The modules whose quiz counts for certification (those that have questions)."""
    found = course(course_id)
    return [m.id for m in found.modules if m.quiz.get("questions")] if found else []


def min_attendance(course_id: str) -> float:
    found = course(course_id)
    return float(found.min_attendance or 0) if found else 0.0


def course_choices() -> list[tuple[str, str]]:
    return [(c.id, localised(c.title)) for c in courses.list_courses(session)]


def module_choices(course_ids_: list[str]) -> list[tuple[str, str]]:
    """(course_id/module_id, "Course: Module") for the courses of a cohort."""
    choices = []
    for cid in course_ids_:
        found = course(cid)
        for item in found.modules if found else ():
            choices.append(
                (f"{cid}/{item.id}", f"{localised(found.title)}: {localised(item.title)}")
            )
    return choices


def status(user, course_id: str):
    return courses.course_status(session, user, course_id)


def statuses(user_ids, course_id: str) -> dict:
    """course_status for many learners, read as plain rows.

    Same result as `courses.course_statuses` (its own `_status` rule builds each status), but
    the projection is read with two column selects instead of loading thousands of ORM objects:
    for a 500-learner cohort that is most of the dashboard's time.
    """
    from lms.courses.models import CourseProgress, ModuleProgress

    found = course(course_id)
    user_ids = list(user_ids)
    if found is None:
        return courses.course_statuses(session, user_ids, course_id)
    course_columns = [
        CourseProgress.user_id,
        CourseProgress.registration,
        CourseProgress.completed,
        CourseProgress.completed_at,
        CourseProgress.last_activity,
        CourseProgress.last_module,
        CourseProgress.last_page,
    ]
    module_columns = [
        ModuleProgress.user_id,
        ModuleProgress.module_id,
        ModuleProgress.pages_seen,
        ModuleProgress.quiz_best,
        ModuleProgress.quiz_attempts,
        ModuleProgress.quiz_passed,
        ModuleProgress.completed,
        ModuleProgress.last_activity,
        ModuleProgress.last_page,
    ]
    rows = {
        row.user_id: row
        for row in session.execute(
            select(*course_columns).where(
                CourseProgress.course_id == course_id, CourseProgress.user_id.in_(user_ids)
            )
        )
    }
    module_rows: dict = {}
    for row in session.execute(
        select(*module_columns).where(
            ModuleProgress.course_id == course_id, ModuleProgress.user_id.in_(user_ids)
        )
    ):
        module_rows.setdefault(row.user_id, []).append(row)
    layout = courses._layout(found)
    return {
        uid: courses._status(found, rows.get(uid), module_rows.get(uid, []), layout)
        for uid in user_ids
    }
