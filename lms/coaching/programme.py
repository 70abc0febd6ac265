"""Programme figures for admins: learners, certificates, women and youth, coaching, by region,
by course and by month.

Enrolment per course is read from the courses projection (lms.courses.models.CourseProgress):
lms.courses has no aggregate service for it, and this is the smallest reading function.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.auth.models import User, UserRole
from lms.certificates.models import Certificate
from lms.coaching.models import CoachingSession
from lms.courses.models import CourseProgress
from lms.people import is_woman, is_youth


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _group(people: list[User]) -> dict:
    total = len(people)
    women = sum(1 for u in people if is_woman(u.gender))
    youth = sum(1 for u in people if is_youth(u.birth_year))
    return {
        "learners": total,
        "women_share": _share(women, total),
        "youth_share": _share(youth, total),
    }


def learners(session: Session) -> list[User]:
    return list(
        session.scalars(
            select(User).join(UserRole).where(UserRole.role == "learner", User.active.is_(True))
        )
    )


def totals(session: Session) -> dict:
    """The programme in four figures, for the admin's home: learners, women, certified, coaching."""
    regions = by_region(session)
    learners_count = sum(r["learners"] for r in regions)
    women = sum(round(r["women_share"] * r["learners"]) for r in regions)
    return {
        "learners": learners_count,
        "women_share": _share(women, learners_count),
        "certified": sum(r["certified"] for r in regions),
        "coaching_sessions": sum(r["coaching_sessions"] for r in regions),
    }


def by_region(session: Session) -> list[dict]:
    people = learners(session)
    regions: dict = defaultdict(list)
    for person in people:
        regions[person.region or ""].append(person)
    certified = defaultdict(int)
    for region, _certificate in session.execute(
        select(User.region, Certificate.id)
        .join(Certificate, Certificate.learner_id == User.id)
        .where(Certificate.revoked_at.is_(None))
    ):
        certified[region or ""] += 1
    coaching = defaultdict(int)
    for (region,) in session.execute(select(CoachingSession.region)):
        coaching[region or ""] += 1
    keys = sorted(set(regions) | set(certified) | set(coaching))
    return [
        {
            "region": key,
            **_group(regions.get(key, [])),
            "certified": certified.get(key, 0),
            "coaching_sessions": coaching.get(key, 0),
        }
        for key in keys
    ]


def by_course(session: Session, course_ids: list[str]) -> list[dict]:
    rows = session.execute(
        select(CourseProgress.course_id, CourseProgress.completed, User).join(
            User, User.id == CourseProgress.user_id
        )
    ).all()
    enrolled: dict = defaultdict(list)
    completed: dict = defaultdict(int)
    for course_id, done, user in rows:
        enrolled[course_id].append(user)
        completed[course_id] += int(done)
    certified = defaultdict(int)
    for (course_id,) in session.execute(
        select(Certificate.course_id).where(Certificate.revoked_at.is_(None))
    ):
        certified[course_id] += 1
    return [
        {
            "course_id": cid,
            **_group(enrolled.get(cid, [])),
            "completed": completed.get(cid, 0),
            "certified": certified.get(cid, 0),
        }
        for cid in course_ids
    ]


def by_month(session: Session) -> list[dict]:
    months: dict = defaultdict(lambda: {"new_learners": 0, "certificates": 0, "coaching": 0})
    for person in learners(session):
        months[person.created_at.strftime("%Y-%m")]["new_learners"] += 1
    for (issued,) in session.execute(select(Certificate.issued_at)):
        months[issued.strftime("%Y-%m")]["certificates"] += 1
    for (held,) in session.execute(select(CoachingSession.held_on)):
        months[held.strftime("%Y-%m")]["coaching"] += 1
    return [{"month": key, **months[key]} for key in sorted(months)]
