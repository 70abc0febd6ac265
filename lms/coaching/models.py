"""Coaches' assignments (a cohort or a learner) and their coaching log."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.auth.models import User
from lms.cohorts.models import Cohort
from lms.db import Base, UTCDateTime, utcnow


class CoachAssignment(Base):
    __tablename__ = "coach_assignments"
    __table_args__ = (
        CheckConstraint(
            "(cohort_id IS NULL) <> (learner_id IS NULL)", name="coach_assignment_one_target"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    cohort_id: Mapped[int | None] = mapped_column(
        ForeignKey("cohorts.id", ondelete="CASCADE"), index=True
    )
    learner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    coach: Mapped[User] = relationship(foreign_keys=[coach_id])
    cohort: Mapped[Cohort | None] = relationship()
    learner: Mapped[User | None] = relationship(foreign_keys=[learner_id])


class CoachingSession(Base):
    """One coaching conversation; `notes` stay private to coaches and admins."""

    __tablename__ = "coaching_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    coach_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    learner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    cooperative: Mapped[str] = mapped_column(String(160), default="")
    region: Mapped[str | None] = mapped_column(String(40))
    held_on: Mapped[date] = mapped_column(Date, index=True)
    topic: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str] = mapped_column(Text, default="")
    next_steps: Mapped[str] = mapped_column(Text, default="")
    follow_up_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    coach: Mapped[User | None] = relationship(foreign_keys=[coach_id])
    learner: Mapped[User | None] = relationship(foreign_keys=[learner_id])


class QuestionTally(Base):
    """How often one learner answered one quiz question, and how often wrongly.

    Folded from `answered` statements by lms.coaching.tallies (a projection, like progress).
    """

    __tablename__ = "coaching_question_tallies"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    course_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    module_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    answered: Mapped[int] = mapped_column(Integer, default=0)
    missed: Mapped[int] = mapped_column(Integer, default=0)


class PageViewTally(Base):
    """How many times one learner opened one lesson page on one day (from `experienced`)."""

    __tablename__ = "coaching_page_view_tallies"
    # the dashboard reads one course's last 14 days
    __table_args__ = (Index("ix_coaching_page_views_course_day", "course_id", "day"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    course_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    module_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    page_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    views: Mapped[int] = mapped_column(Integer, default=0)
