"""Certificates given to learners, with the signed credential and any revocation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.auth.models import User
from lms.db import Base, UTCDateTime, utcnow


class Certificate(Base):
    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The public code in /certificates/<code>: random, unguessable, case-insensitive.
    code: Mapped[str] = mapped_column(String(16), unique=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[str] = mapped_column(String(64), index=True)
    cohort_id: Mapped[int | None] = mapped_column(
        ForeignKey("cohorts.id", ondelete="SET NULL"), index=True
    )
    trainer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    language: Mapped[str] = mapped_column(String(5), default="fr")
    #: What the learner's name and course looked like when certified (the page never changes).
    learner_name: Mapped[str] = mapped_column(String(120))
    trainer_name: Mapped[str] = mapped_column(String(120), default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    #: Criteria not met at certification, and the trainer's written reason for going ahead.
    missing_criteria: Mapped[list] = mapped_column(JSON, default=list)
    override_reason: Mapped[str] = mapped_column(Text, default="")
    credential_jwt: Mapped[str] = mapped_column(Text, default="")
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revocation_reason: Mapped[str] = mapped_column(Text, default="")

    learner: Mapped[User] = relationship(foreign_keys=[learner_id])
    trainer: Mapped[User | None] = relationship(foreign_keys=[trainer_id])

    @property
    def valid(self) -> bool:
        return self.revoked_at is None
