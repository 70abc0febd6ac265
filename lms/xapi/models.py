"""The outbox (statements waiting to be sent to an external LRS, in order) and the authority
that LRS gives the LMS."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base, UTCDateTime, utcnow


class OutboxStatement(Base):
    __tablename__ = "xapi_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)  # sending order
    statement_id: Mapped[str] = mapped_column(String(36), unique=True)
    statement: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    #: set when the LRS refused the statement for good (4xx): it is kept, not retried
    rejected: Mapped[bool] = mapped_column(default=False)


class LearnedAuthority(Base):
    """The `authority` an external LRS gives the statements the LMS sends with one key.

    Learned by lms.xapi.backends.RemoteLRS from a statement it sent; the authority rule counts
    only statements with one of these (the built-in LRS needs none: the LMS sets its own).
    """

    __tablename__ = "xapi_learned_authorities"
    __table_args__ = (UniqueConstraint("endpoint", "key_digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint: Mapped[str] = mapped_column(String(500))
    key_digest: Mapped[str] = mapped_column(String(64))  # sha256 of LMS_LRS_KEY, not the key
    authority: Mapped[dict] = mapped_column(JSON)
    learned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
