"""What cohorts, certificates and coaching read about courses, each course loaded once a request.

Everything here goes through `lms.courses.services`: these features import neither the courses
feature's models nor its private helpers.
"""

from __future__ import annotations

from flask import g

from lms.config import LANGUAGES
from lms.courses import services as courses
from lms.db import session
from lms.i18n import localised
from lms.path import PATH_COURSES

#: The courses trainers are accredited for first (ILO's Think.COOP, Start.COOP, My.COOP).
ACCREDITABLE = tuple(course_id for course_id, _order, _label in PATH_COURSES)


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
    return {lang: course_title(course_id, lang) for lang in LANGUAGES}


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
    """course_status for many learners in two queries, with the course loaded once a request."""
    return courses.course_statuses(session, user_ids, course_id, course=course(course_id))
