"""Coaching rules: who a coach follows, and the coaching log (each session a statement)."""

from __future__ import annotations

from datetime import date

import tincan
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from lms.auth.models import User
from lms.coaching.models import CoachAssignment, CoachingSession
from lms.cohorts import services as cohorts
from lms.cohorts.models import Cohort, CohortMember
from lms.xapi import recorder
from lms.xapi.vocabulary import EXTENSIONS


class CoachingError(ValueError):
    """A coaching rule was broken; the key names which (views translate it)."""


# --- assignments ----------------------------------------------------------------------------


def assign(session: Session, admin: User, coach: User, cohort=None, learner=None):
    if not coach.has_role("coach"):
        raise CoachingError("not-a-coach")
    if (cohort is None) == (learner is None):
        raise CoachingError("cohort-or-learner")
    target = (
        CoachAssignment.cohort_id == cohort.id
        if cohort
        else CoachAssignment.learner_id == learner.id
    )
    exists = session.scalar(
        select(CoachAssignment.id).where(CoachAssignment.coach_id == coach.id, target)
    )
    if exists:
        raise CoachingError("already-assigned")
    row = CoachAssignment(
        coach_id=coach.id,
        cohort_id=cohort.id if cohort else None,
        learner_id=learner.id if learner else None,
        assigned_by_id=admin.id,
    )
    session.add(row)
    session.flush()
    return row


def assigned_cohorts(session: Session, coach: User) -> list[Cohort]:
    return list(
        session.scalars(
            select(Cohort)
            .join(CoachAssignment, CoachAssignment.cohort_id == Cohort.id)
            .where(CoachAssignment.coach_id == coach.id)
            .order_by(Cohort.name)
        )
    )


def assigned_learners(session: Session, coach: User) -> list[User]:
    """Learners assigned one by one, and the members of the coach's cohorts."""
    direct = select(CoachAssignment.learner_id).where(
        CoachAssignment.coach_id == coach.id, CoachAssignment.learner_id.is_not(None)
    )
    via_cohort = (
        select(CohortMember.user_id)
        .join(CoachAssignment, CoachAssignment.cohort_id == CohortMember.cohort_id)
        .where(CoachAssignment.coach_id == coach.id)
    )
    return list(
        session.scalars(
            select(User)
            .where(or_(User.id.in_(direct), User.id.in_(via_cohort)))
            .order_by(User.display_name)
        )
    )


def may_see_cohort(session: Session, user: User, cohort: Cohort) -> bool:
    """Admins see all; a trainer their own cohorts; a coach the cohorts assigned to them."""
    if cohorts.may_manage(user, cohort):
        return True
    if not user.has_role("coach"):
        return False
    return bool(
        session.scalar(
            select(CoachAssignment.id).where(
                CoachAssignment.coach_id == user.id, CoachAssignment.cohort_id == cohort.id
            )
        )
    )


def may_follow_learner(session: Session, user: User, learner: User) -> bool:
    """Admins; a coach assigned to the learner or to one of their cohorts; their trainer."""
    if user.has_role("admin"):
        return True
    member_of = select(CohortMember.cohort_id).where(CohortMember.user_id == learner.id)
    if user.has_role("trainer") and session.scalar(
        select(Cohort.id).where(Cohort.trainer_id == user.id, Cohort.id.in_(member_of)).limit(1)
    ):
        return True
    if not user.has_role("coach"):
        return False
    return bool(
        session.scalar(
            select(CoachAssignment.id)
            .where(
                CoachAssignment.coach_id == user.id,
                or_(
                    CoachAssignment.learner_id == learner.id,
                    CoachAssignment.cohort_id.in_(member_of),
                ),
            )
            .limit(1)
        )
    )


# --- coaching log ---------------------------------------------------------------------------


def session_activity(row: CoachingSession) -> tincan.Activity:
    # the topic names the session; notes and next steps never leave the LMS
    return recorder.activity(
        recorder.activity_iri("coaching", "sessions", str(row.id)),
        "coaching-session",
        {"fr": row.topic, "ar": row.topic, "en": row.topic},
    )


def log_session(
    session: Session,
    coach: User,
    held_on: date,
    topic: str,
    notes: str = "",
    next_steps: str = "",
    follow_up_on: date | None = None,
    learner: User | None = None,
    cooperative: str = "",
) -> CoachingSession:
    if learner is None and not cooperative.strip():
        raise CoachingError("learner-or-cooperative")
    if learner is not None and not may_follow_learner(session, coach, learner):
        raise CoachingError("not-assigned")
    if follow_up_on and follow_up_on < held_on:
        raise CoachingError("follow-up-before")
    row = CoachingSession(
        coach_id=coach.id,
        learner_id=learner.id if learner else None,
        cooperative=cooperative.strip(),
        region=(learner.region if learner else None) or coach.region,
        held_on=held_on,
        topic=topic.strip(),
        notes=notes.strip(),
        next_steps=next_steps.strip(),
        follow_up_on=follow_up_on,
    )
    session.add(row)
    session.flush()
    extensions = {}
    if learner is not None:
        extensions[EXTENSIONS["learner"]] = recorder.actor_dict(learner)
    if row.cooperative:
        extensions[EXTENSIONS["cooperative"]] = row.cooperative
    stmt = recorder.statement(
        coach,
        "coached",
        session_activity(row),
        ctx=recorder.context(extensions=extensions or None),
    )
    recorder.record(stmt, session)
    return row


def sessions_with(session: Session, learner: User) -> list[CoachingSession]:
    return list(
        session.scalars(
            select(CoachingSession)
            .where(CoachingSession.learner_id == learner.id)
            .order_by(CoachingSession.held_on.desc(), CoachingSession.id.desc())
        )
    )


def sessions_by(session: Session, coach: User, limit: int = 50) -> list[CoachingSession]:
    return list(
        session.scalars(
            select(CoachingSession)
            .where(CoachingSession.coach_id == coach.id)
            .order_by(CoachingSession.held_on.desc(), CoachingSession.id.desc())
            .limit(limit)
        )
    )
