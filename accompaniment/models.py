"""Accompaniment tables: cooperatives followed, their leaders, diagnoses, plans and sessions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

# Not imported as `Base`: the plugin loader would add lms's metadata a second time.
from lms import db
from lms.auth.models import User


class Questionnaire(db.Base):
    """A diagnosis questionnaire as `lms load-content` checked and stored it (axes, questions)."""

    __tablename__ = "acc_questionnaires"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict] = mapped_column(JSON)
    loaded_at: Mapped[datetime] = mapped_column(db.UTCDateTime, default=db.utcnow)


class FollowedCooperative(db.Base):
    """A cooperative enrolled in an accompaniment programme, with its profile at enrolment.

    `market_cooperative_id` names the marketplace profile it was taken from, if any; it is a
    plain number, not a foreign key, so either plugin can be switched off.
    """

    __tablename__ = "acc_cooperatives"
    __table_args__ = (
        CheckConstraint("women_count >= 0 AND women_count <= members_count", name="women_range"),
        CheckConstraint("youth_count >= 0 AND youth_count <= members_count", name="youth_range"),
        CheckConstraint("horizon_months > 0", name="horizon_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(40), index=True)
    sector: Mapped[str] = mapped_column(String(40), index=True)
    members_count: Mapped[int] = mapped_column(Integer)
    women_count: Mapped[int] = mapped_column(Integer, default=0)
    youth_count: Mapped[int] = mapped_column(Integer, default=0)
    year_registered: Mapped[int | None] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(5), default="fr")
    market_cooperative_id: Mapped[int | None] = mapped_column(Integer, index=True)
    programme: Mapped[str] = mapped_column(String(120))
    cohort: Mapped[str] = mapped_column(String(120), default="")
    start_date: Mapped[date] = mapped_column(Date)
    horizon_months: Mapped[int] = mapped_column(SmallInteger, default=24)
    coach_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(db.UTCDateTime, default=db.utcnow)

    coach: Mapped[User | None] = relationship()
    leaders: Mapped[list[Leader]] = relationship(
        back_populates="cooperative", cascade="all, delete-orphan"
    )

    @property
    def women_led(self) -> bool:
        """Women-led as the programmes count it: women are more than half of the members."""
        return self.women_count * 2 > self.members_count


class Leader(db.Base):
    """A leader of a followed cooperative: sees its plan and marks its actions done."""

    __tablename__ = "acc_leaders"
    __table_args__ = (UniqueConstraint("cooperative_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(
        ForeignKey("acc_cooperatives.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)

    cooperative: Mapped[FollowedCooperative] = relationship(back_populates="leaders")
    user: Mapped[User] = relationship()


class Diagnosis(db.Base):
    """One diagnosis of a cooperative: at entry (month 0) or a re-diagnosis at 6, 12, 24 months.

    `axis_scores` ({axis id: 0-100}) is computed once, when the coach completes it, so the
    programme view averages thousands of diagnoses without reading their answers.
    """

    __tablename__ = "acc_diagnoses"
    __table_args__ = (
        UniqueConstraint("cooperative_id", "month"),
        Index("ix_acc_diagnoses_completed", "cooperative_id", "completed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(
        ForeignKey("acc_cooperatives.id", ondelete="CASCADE"), index=True
    )
    questionnaire_id: Mapped[str] = mapped_column(ForeignKey("acc_questionnaires.id"))
    month: Mapped[int] = mapped_column(SmallInteger)
    coach_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    started_at: Mapped[datetime] = mapped_column(db.UTCDateTime, default=db.utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(db.UTCDateTime)
    axis_scores: Mapped[dict] = mapped_column(JSON, default=dict)
    strengths: Mapped[str] = mapped_column(Text, default="")
    weaknesses: Mapped[str] = mapped_column(Text, default="")
    opportunities: Mapped[str] = mapped_column(Text, default="")
    threats: Mapped[str] = mapped_column(Text, default="")

    cooperative: Mapped[FollowedCooperative] = relationship()
    questionnaire: Mapped[Questionnaire] = relationship()
    answers: Mapped[list[Answer]] = relationship(
        back_populates="diagnosis", cascade="all, delete-orphan"
    )


class Answer(db.Base):
    """One answer of a diagnosis, saved on its own so a dropped connection loses at most one."""

    __tablename__ = "acc_answers"
    __table_args__ = (UniqueConstraint("diagnosis_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    diagnosis_id: Mapped[int] = mapped_column(
        ForeignKey("acc_diagnoses.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[str] = mapped_column(String(80))
    score: Mapped[int | None] = mapped_column(SmallInteger)
    evidence: Mapped[str] = mapped_column(Text, default="")
    saved_at: Mapped[datetime] = mapped_column(
        db.UTCDateTime, default=db.utcnow, onupdate=db.utcnow
    )

    diagnosis: Mapped[Diagnosis] = relationship(back_populates="answers")


class PlanAction(db.Base):
    """An action of a cooperative's development plan; leaders see it once the plan is published."""

    __tablename__ = "acc_plan_actions"
    __table_args__ = (Index("ix_acc_plan_actions_due", "status", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(
        ForeignKey("acc_cooperatives.id", ondelete="CASCADE"), index=True
    )
    axis: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    audience: Mapped[str] = mapped_column(String(200), default="")
    course_id: Mapped[str | None] = mapped_column(String(80))
    module_id: Mapped[str | None] = mapped_column(String(80))
    owner: Mapped[str] = mapped_column(String(120), default="")
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="planned")
    published: Mapped[bool] = mapped_column(default=False)
    done_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(db.UTCDateTime, default=db.utcnow)

    cooperative: Mapped[FollowedCooperative] = relationship()


class CoachingSession(db.Base):
    """One coaching session with a cooperative, against its plan. `notes` stay private."""

    __tablename__ = "acc_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(
        ForeignKey("acc_cooperatives.id", ondelete="CASCADE"), index=True
    )
    coach_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    held_on: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(Integer)
    attendees: Mapped[str] = mapped_column(Text, default="")
    topics: Mapped[str] = mapped_column(Text, default="")
    next_steps: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    action_ids: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(db.UTCDateTime, default=db.utcnow)

    cooperative: Mapped[FollowedCooperative] = relationship()
    coach: Mapped[User | None] = relationship()


class AxisScore(db.Base):
    """One axis's score of one completed diagnosis, written when it is completed (a copy of
    `Diagnosis.axis_scores` as rows) so the programme view's averages are one SQL aggregate."""

    __tablename__ = "acc_axis_scores"
    __table_args__ = (
        UniqueConstraint("diagnosis_id", "axis"),
        Index("ix_acc_axis_scores_latest", "cooperative_id", "month"),
        Index("ix_acc_axis_scores_month_axis", "month", "axis", "score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    diagnosis_id: Mapped[int] = mapped_column(ForeignKey("acc_diagnoses.id", ondelete="CASCADE"))
    cooperative_id: Mapped[int] = mapped_column(
        ForeignKey("acc_cooperatives.id", ondelete="CASCADE")
    )
    month: Mapped[int] = mapped_column(SmallInteger)
    axis: Mapped[str] = mapped_column(String(40))
    score: Mapped[int] = mapped_column(SmallInteger)
