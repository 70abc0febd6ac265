"""Rules for accreditation, cohorts, joining, sessions and attendance (each act a statement)."""

from __future__ import annotations

from datetime import date

import tincan
from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from lms import codes
from lms.auth.models import User
from lms.cohorts import catalog
from lms.cohorts.models import Accreditation, Attendance, Cohort, CohortMember, CohortSession
from lms.config import LANGUAGES
from lms.db import utcnow
from lms.xapi import recorder
from lms.xapi.vocabulary import EXTENSIONS, VERBS

CODE_ALPHABET = codes.ALPHABET
CODE_LENGTH = 6


class CohortError(ValueError):
    """A rule was broken; the message (already translated by the caller) is shown to the user."""


# --- accreditation --------------------------------------------------------------------------


def accreditation_activity(course_id: str, trainer: User) -> tincan.Activity:
    title = catalog.course_titles(course_id)
    return recorder.activity(
        recorder.activity_iri("accreditations", course_id, trainer.public_id),
        "accreditation",
        {lang: f"{text} · {trainer.display_name}" for lang, text in title.items()},
    )


def course_activity(course_id: str) -> tincan.Activity:
    title = catalog.course_titles(course_id)
    return recorder.activity(recorder.activity_iri("courses", course_id), "course", title)


def active_accreditation(session: Session, trainer: User, course_id: str) -> Accreditation | None:
    return session.scalar(
        select(Accreditation).where(
            Accreditation.trainer_id == trainer.id,
            Accreditation.course_id == course_id,
            Accreditation.withdrawn_at.is_(None),
        )
    )


def is_accredited(session: Session, trainer: User, course_id: str) -> bool:
    return active_accreditation(session, trainer, course_id) is not None


def accredited_courses(session: Session, trainer: User) -> list[str]:
    return list(
        session.scalars(
            select(Accreditation.course_id).where(
                Accreditation.trainer_id == trainer.id, Accreditation.withdrawn_at.is_(None)
            )
        )
    )


def accredit(session: Session, admin: User, trainer: User, course_id: str, note: str = ""):
    """The admin is the actor; the trainer's accreditation for the course is the object."""
    if not trainer.has_role("trainer"):
        raise CohortError("not-a-trainer")
    if active_accreditation(session, trainer, course_id):
        raise CohortError("already-accredited")
    row = Accreditation(
        trainer_id=trainer.id, course_id=course_id, granted_by_id=admin.id, note=note
    )
    session.add(row)
    session.flush()
    stmt = recorder.statement(
        admin,
        "accredited",
        accreditation_activity(course_id, trainer),
        ctx=recorder.context(
            parent=[course_activity(course_id)],
            extensions={EXTENSIONS["trainer"]: recorder.actor_dict(trainer)},
        ),
    )
    recorder.record(stmt, session)
    return row


def withdraw_accreditation(session: Session, admin: User, row: Accreditation, reason: str):
    if not row.active:
        raise CohortError("already-withdrawn")
    row.withdrawn_at = utcnow()
    row.withdrawn_by_id = admin.id
    row.withdrawal_reason = reason
    stmt = recorder.statement(
        admin,
        "unaccredited",
        accreditation_activity(row.course_id, row.trainer),
        result=tincan.Result(extensions=tincan.Extensions({EXTENSIONS["reason"]: reason})),
        ctx=recorder.context(
            parent=[course_activity(row.course_id)],
            extensions={EXTENSIONS["trainer"]: recorder.actor_dict(row.trainer)},
        ),
    )
    recorder.record(stmt, session)


# --- cohorts ------------------------------------------------------------------------------


def new_code(session: Session) -> str:
    while True:
        code = codes.random_code(CODE_LENGTH)
        if not session.scalar(select(Cohort.id).where(Cohort.code == code)):
            return code


def find_by_code(session: Session, text: str) -> Cohort | None:
    code = codes.normalise(text)
    if not codes.is_code(code, CODE_LENGTH):
        return None
    return session.scalar(select(Cohort).where(Cohort.code == code))


def create_cohort(session: Session, trainer: User, **fields) -> Cohort:
    cohort = Cohort(trainer_id=trainer.id, code=new_code(session), **fields)
    session.add(cohort)
    session.flush()
    return cohort


def cohorts_visible_to(session: Session, user: User) -> list[Cohort]:
    query = select(Cohort).order_by(Cohort.starts_on.desc().nulls_last(), Cohort.id.desc())
    if not user.has_role("admin"):
        query = query.where(Cohort.trainer_id == user.id)
    return list(session.scalars(query))


def may_manage(user: User, cohort: Cohort) -> bool:
    """A trainer manages only their own cohorts; an admin manages all."""
    return user.has_role("admin") or cohort.trainer_id == user.id


def cohort_activity(cohort: Cohort) -> tincan.Activity:
    return recorder.activity(
        recorder.activity_iri("cohorts", str(cohort.id)),
        "cohort",
        {"fr": cohort.name, "ar": cohort.name, "en": cohort.name},
    )


def membership(session: Session, cohort: Cohort, user: User) -> CohortMember | None:
    return session.scalar(
        select(CohortMember).where(
            CohortMember.cohort_id == cohort.id, CohortMember.user_id == user.id
        )
    )


# Membership has two moves, joined (not a member -> member) and left (member -> not a member),
# each one conditional statement whose row count says whether this request made the move, as
# market.services._move does for orders. Checking first and writing after let two joins at the
# same moment (two taps, or the trainer adding the learner while she scans the code) both pass
# the check: the second then broke the unique (cohort, user) pair, a 500, or left twice.


def add_member(session: Session, cohort: Cohort, learner: User) -> CohortMember:
    """Join (by code or added by the trainer): the learner is the actor of `joined`."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    # RETURNING, not rowcount: psycopg reports -1 rows for an INSERT ... ON CONFLICT.
    joined = session.scalar(
        dialect.insert(CohortMember)
        .values(cohort_id=cohort.id, user_id=learner.id, joined_at=utcnow())
        .on_conflict_do_nothing(index_elements=["cohort_id", "user_id"])
        .returning(CohortMember.id)
    )
    if joined is None:
        raise CohortError("already-member")
    session.expire(cohort, ["members"])
    stmt = recorder.statement(learner, "joined", cohort_activity(cohort))
    recorder.record(stmt, session)
    return session.get(CohortMember, joined)


def remove_member(session: Session, cohort: Cohort, learner: User) -> None:
    left = session.execute(
        delete(CohortMember).where(
            CohortMember.cohort_id == cohort.id, CohortMember.user_id == learner.id
        )
    ).rowcount
    if left != 1:
        raise CohortError("not-member")
    session.expire(cohort, ["members"])
    stmt = recorder.statement(learner, "left", cohort_activity(cohort))
    recorder.record(stmt, session)


def cohorts_of_learner(session: Session, learner: User) -> list[Cohort]:
    return list(
        session.scalars(
            select(Cohort)
            .join(CohortMember, CohortMember.cohort_id == Cohort.id)
            .where(CohortMember.user_id == learner.id)
            .order_by(Cohort.id)
        )
    )


# --- sessions and attendance ----------------------------------------------------------------


def add_session(
    session: Session, cohort: Cohort, held_on: date, course_id: str, module_id: str
) -> CohortSession:
    if course_id not in cohort.course_ids:
        raise CohortError("course-not-in-cohort")
    if catalog.module(course_id, module_id) is None:
        raise CohortError("unknown-module")
    meeting = CohortSession(
        cohort_id=cohort.id, held_on=held_on, course_id=course_id, module_id=module_id
    )
    session.add(meeting)
    session.flush()
    return meeting


def session_activity(meeting: CohortSession) -> tincan.Activity:
    name = {
        lang: f"{meeting.cohort.name} · "
        f"{catalog.module_title(meeting.course_id, meeting.module_id, lang)} · "
        f"{meeting.held_on.isoformat()}"
        for lang in LANGUAGES
    }
    return recorder.activity(
        recorder.activity_iri("cohorts", str(meeting.cohort_id), "sessions", str(meeting.id)),
        "meeting",
        name,
    )


def attended_statement(meeting: CohortSession, learner: User) -> tincan.Statement:
    """The learner was at the session (its id is kept on the attendance row)."""
    return recorder.statement(
        learner,
        "attended",
        session_activity(meeting),
        ctx=recorder.context(
            parent=[
                recorder.activity(
                    recorder.activity_iri(
                        "courses", meeting.course_id, "modules", meeting.module_id
                    ),
                    "module",
                    {"en": meeting.module_id},
                )
            ],
            grouping=[cohort_activity(meeting.cohort), course_activity(meeting.course_id)],
        ),
    )


def recorded_presence(meeting: CohortSession, row: Attendance, learner: User) -> list[str]:
    """The ids of the `attended` statements that say this learner was at this session.

    Rows saved before ids were kept have none: their statements are looked up in the LRS (the
    older rules could record several for one session). An external LRS that cannot be reached
    leaves them in place rather than refusing the trainer's correction.
    """
    if row.attended_statement_id:
        return [row.attended_statement_id]
    attended = VERBS["attended"][0]
    try:
        found = recorder.statements(
            agent=recorder.actor_dict(learner),
            verb_key="attended",
            activity_id=session_activity(meeting).id,
        )
        # a statement about a statement matches its target's filters (xAPI Communication 2.1.3)
        return [stmt["id"] for stmt in found if stmt["verb"]["id"] == attended]
    except OSError:
        current_app.logger.warning("attended statements of %s not found to void", learner.id)
        return []


def take_attendance(
    session: Session, meeting: CohortSession, present_ids: set[int], taken_by: User
) -> int:
    """Save who was there, with the statements that keep the LRS in agreement with the ticks.

    Each newly ticked learner gets an `attended` statement, whose id the row keeps. Unticking
    (a mistake corrected) voids that statement (xAPI Data 2.3.2): the actor of the voiding
    statement is `taken_by`, the trainer or admin who saved the list, as in every other act a
    person does in Taawun. Ticking again records a new `attended` statement. Saving the same
    list again records nothing.
    """
    members = {m.user_id: m.user for m in meeting.cohort.members}
    existing = {row.user_id: row for row in meeting.attendance}
    statements = []
    for user_id, user in members.items():
        present = user_id in present_ids
        row = existing.get(user_id)
        if row is None:
            row = Attendance(session_id=meeting.id, user_id=user_id, present=False)
            session.add(row)
            meeting.attendance.append(row)
        elif row.present == present:
            continue
        if present:
            attended = attended_statement(meeting, user)
            row.attended_statement_id = str(attended.id)
            statements.append(attended)
        elif row.present:
            statements += [
                recorder.voiding(taken_by, statement_id)
                for statement_id in recorded_presence(meeting, row, user)
            ]
            row.attended_statement_id = None
        row.present = present
    meeting.attendance_taken_at = utcnow()
    session.flush()
    if statements:
        recorder.record_many(statements, session)
    return sum(1 for uid in present_ids if uid in members)


def attendance_share(session: Session, cohort: Cohort, learner: User, course_id: str):
    """(sessions attended, sessions held) among the cohort's sessions of this course."""
    held = [s.id for s in cohort.sessions if s.course_id == course_id]
    if not held:
        return 0, 0
    attended = session.scalar(
        select(func.count(Attendance.id)).where(
            Attendance.session_id.in_(held),
            Attendance.user_id == learner.id,
            Attendance.present.is_(True),
        )
    )
    return attended or 0, len(held)
