"""Demo data for `lms seed-demo`: the demo trainer accredited, a cohort with the demo learner."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.auth.services import find_by_email
from lms.cohorts import catalog, services
from lms.cohorts.models import Cohort
from lms.path import THINK_COOP

DEMO_COHORT = "Cohorte de démonstration"


def demo_cohort(session: Session) -> Cohort | None:
    """The demo trainer's demo cohort, once `seed_demo` has made it."""
    trainer = find_by_email(session, "trainer@example.org")
    if trainer is None:
        return None
    return session.scalar(
        select(Cohort).where(Cohort.name == DEMO_COHORT, Cohort.trainer_id == trainer.id)
    )


def seed_demo(session: Session) -> str:
    """Idempotent: running it again changes nothing."""
    admin = find_by_email(session, "admin@example.org")
    trainer = find_by_email(session, "trainer@example.org")
    learner = find_by_email(session, "learner@example.org")
    if not (admin and trainer and learner):
        return ""
    for course_id in catalog.ACCREDITABLE:
        if not services.is_accredited(session, trainer, course_id):
            services.accredit(session, admin, trainer, course_id, "demo")
    cohort = demo_cohort(session)
    if cohort is None:
        cohort = services.create_cohort(
            session,
            trainer,
            name=DEMO_COHORT,
            course_ids=[THINK_COOP],
            region="souss-massa",
            place="Taliouine",
            starts_on=date.today(),
        )
        services.add_member(session, cohort, learner)
    return f"demo cohort: {DEMO_COHORT} (join code {cohort.code}), trainer accredited"
