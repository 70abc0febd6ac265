"""Demo data for `lms seed-demo`: the demo trainer accredited, a cohort, the coach assigned."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.auth.services import find_by_email
from lms.cohorts import catalog, services
from lms.cohorts.models import Cohort

DEMO_COHORT = "Cohorte de démonstration"


def seed_demo(session: Session) -> str:
    """Idempotent: running it again changes nothing."""
    from lms.coaching import services as coaching

    admin = find_by_email(session, "admin@example.org")
    trainer = find_by_email(session, "trainer@example.org")
    learner = find_by_email(session, "learner@example.org")
    coach = find_by_email(session, "coach@example.org")
    if not (admin and trainer and learner and coach):
        return ""
    for course_id in catalog.ACCREDITABLE:
        if not services.is_accredited(session, trainer, course_id):
            services.accredit(session, admin, trainer, course_id, "demo")
    cohort = session.scalar(
        select(Cohort).where(Cohort.name == DEMO_COHORT, Cohort.trainer_id == trainer.id)
    )
    if cohort is None:
        cohort = services.create_cohort(
            session,
            trainer,
            name=DEMO_COHORT,
            course_ids=["think-coop"],
            region="souss-massa",
            place="Taliouine",
            starts_on=date.today(),
        )
        services.add_member(session, cohort, learner)
        coaching.assign(session, admin, coach, cohort=cohort)
    return f"demo cohort: {DEMO_COHORT} (join code {cohort.code}), trainer accredited"
