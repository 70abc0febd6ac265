"""The learning path: its courses (the one table of their ids) and where a learner stands on it.

The courses feature provides the `courses.completed` service; until it is registered every
course counts as not completed, so later steps stay locked.
"""

from __future__ import annotations

from lms.plugins import StepStatus, registry

THINK_COOP, START_COOP, MY_COOP = "think-coop", "start-coop", "my-coop"
#: the courses on the path: (course id, step order, label shown while the course is not loaded).
#: The plugins place their steps among them: the project bank at 30, the marketplace at 50.
PATH_COURSES = ((THINK_COOP, 10, "Think.COOP"), (START_COOP, 20, "Start.COOP"),
                (MY_COOP, 40, "My.COOP"))  # fmt: skip


def course_completed(user, course_id: str) -> bool:
    check = registry().service("courses.completed")
    return bool(check and user.is_authenticated and check(user, course_id))


def unlocked_after_course(user, course_id: str, hint_locked) -> StepStatus:
    done = course_completed(user, course_id)
    return StepStatus(unlocked=done, done=False, hint="" if done else hint_locked)
