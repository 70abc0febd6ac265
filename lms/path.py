"""Where a learner stands on the learning path: the one place that says a course is completed.

The courses feature provides the `courses.completed` service; until it is registered every
course counts as not completed, so later steps stay locked.
"""

from __future__ import annotations

from lms.plugins import StepStatus, registry


def course_completed(user, course_id: str) -> bool:
    check = registry().service("courses.completed")
    return bool(check and user.is_authenticated and check(user, course_id))


def unlocked_after_course(user, course_id: str, hint_locked) -> StepStatus:
    done = course_completed(user, course_id)
    return StepStatus(unlocked=done, done=False, hint="" if done else hint_locked)
