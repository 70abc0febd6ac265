"""The outbox: statements waiting to be sent to an external LRS, in order."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Integer, String, Text
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
