"""Accreditations of trainers, cohorts, their members, sessions and attendance."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.auth.models import User
from lms.db import Base, UTCDateTime, utcnow


class Accreditation(Base):
    """A trainer may teach and certify one course; withdrawn ones are kept for history."""

    __tablename__ = "accreditations"

    id: Mapped[int] = mapped_column(primary_key=True)
    trainer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[str] = mapped_column(String(64))
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    withdrawal_reason: Mapped[str] = mapped_column(Text, default="")

    trainer: Mapped[User] = relationship(foreign_keys=[trainer_id])

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None


class Cohort(Base):
    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    trainer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_ids: Mapped[list] = mapped_column(JSON, default=list)
    region: Mapped[str | None] = mapped_column(String(40), index=True)
    place: Mapped[str] = mapped_column(String(160), default="")
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    trainer: Mapped[User] = relationship(foreign_keys=[trainer_id])
    members: Mapped[list[CohortMember]] = relationship(
        back_populates="cohort", cascade="all, delete-orphan"
    )
    sessions: Mapped[list[CohortSession]] = relationship(
        back_populates="cohort", cascade="all, delete-orphan", order_by="CohortSession.held_on"
    )


class CohortMember(Base):
    __tablename__ = "cohort_members"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    cohort: Mapped[Cohort] = relationship(back_populates="members")
    user: Mapped[User] = relationship()


class CohortSession(Base):
    """A meeting of the cohort (in a room or online) covering one module."""

    __tablename__ = "cohort_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    course_id: Mapped[str] = mapped_column(String(64))
    module_id: Mapped[str] = mapped_column(String(64))
    attendance_taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    cohort: Mapped[Cohort] = relationship(back_populates="sessions")
    attendance: Mapped[list[Attendance]] = relationship(
        back_populates="session", cascade="all, delete-orphan"
    )


class Attendance(Base):
    """Whether a learner was at a session, as the trainer last ticked it."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("cohort_sessions.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    present: Mapped[bool] = mapped_column(default=True)
    #: The id of the `attended` statement recorded when the learner was ticked present, so that
    #: unticking can void it; None while absent (and on rows saved before ids were kept).
    attended_statement_id: Mapped[str | None] = mapped_column(String(36))

    session: Mapped[CohortSession] = relationship(back_populates="attendance")
