"""Demo data for `lms seed-demo`: the demo coach follows the demo cohort (cohorts seed it)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.auth.services import find_by_email
from lms.coaching import services
from lms.coaching.models import CoachAssignment
from lms.cohorts.demo import demo_cohort


def seed_demo(session: Session) -> str:
    """Idempotent: the coach is assigned once; nothing happens before the demo cohort exists."""
    admin = find_by_email(session, "admin@example.org")
    coach = find_by_email(session, "coach@example.org")
    cohort = demo_cohort(session)
    if not (admin and coach and cohort):
        return ""
    assigned = session.scalar(
        select(CoachAssignment.id).where(
            CoachAssignment.coach_id == coach.id, CoachAssignment.cohort_id == cohort.id
        )
    )
    if not assigned:
        services.assign(session, admin, coach, cohort=cohort)
    return f"demo coach: {coach.email} follows {cohort.name}"
