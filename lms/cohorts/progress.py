"""A learner's progress in a course as cohorts, certificates and coaching need it.

Uses the courses feature's `course_status` when it is installed; otherwise reads the learner's
statements back from the LRS (progress is a projection of statements: STYLE.md), with these
conventions: the course is completed when a `completed` statement has the course as object; a
module's quiz is passed when a `passed` statement's object is an assessment under the module.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lms.cohorts import catalog
from lms.xapi import recorder
from lms.xapi.vocabulary import ACTIVITY_TYPES, VERBS


@dataclass
class CourseProgress:
    course_id: str
    completed: bool = False
    quizzes_passed: set[str] = field(default_factory=set)  # module ids
    quizzes_failed: dict[str, int] = field(default_factory=dict)  # module id -> failures
    modules_started: set[str] = field(default_factory=set)

    def all_quizzes_passed(self, module_ids) -> bool:
        return set(module_ids) <= self.quizzes_passed


def module_of(object_id: str, course_iri: str) -> str | None:
    prefix = course_iri + "/modules/"
    if not object_id.startswith(prefix):
        return None
    return object_id[len(prefix) :].split("/", 1)[0]


def fold(progress: CourseProgress, stmt: dict, course_iri: str) -> None:
    """Add one statement to a learner's progress (used for one learner and for many)."""
    verb = stmt["verb"]["id"]
    obj = stmt.get("object", {})
    object_id = obj.get("id", "")
    if verb == VERBS["completed"][0] and object_id == course_iri:
        progress.completed = True
        return
    module = module_of(object_id, course_iri)
    if module is None:
        return
    progress.modules_started.add(module)
    kind = obj.get("definition", {}).get("type")
    if kind != ACTIVITY_TYPES["assessment"]:
        return
    if verb == VERBS["passed"][0]:
        progress.quizzes_passed.add(module)
    elif verb == VERBS["failed"][0]:
        progress.quizzes_failed[module] = progress.quizzes_failed.get(module, 0) + 1


def course_progress(user, course_id: str) -> CourseProgress:
    progress = CourseProgress(course_id)
    try:
        from lms.courses import services as courses  # the courses feature, when installed
    except ImportError:
        courses = None
    status_of = getattr(courses, "course_status", None) if courses else None
    course_iri = recorder.activity_iri("courses", course_id)
    for stmt in recorder.statements(
        agent=recorder.actor_dict(user), activity_id=course_iri, related_activities=True
    ):
        fold(progress, stmt, course_iri)
    if status_of is not None:
        from lms.path import course_completed

        progress.completed = course_completed(user, course_id)
    return progress


def module_ids(course_id: str) -> list[str]:
    found = catalog.course(course_id)
    return [m.id for m in found.modules] if found else []
