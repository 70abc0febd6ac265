"""The project bank's tables: projects, their state history, comments, reviews and documents."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Date, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.auth.models import User

# lms's own declarative base, named for whose it is: the project bank's tables share its
# metadata so their foreign keys to `users` resolve; lms.plugins recognises that base and adds no
# second metadata. Their migrations still live in projects/migrations, the plugin's own chain.
from lms.db import Base as LmsBase
from lms.db import UTCDateTime, utcnow


class Project(LmsBase):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    coach_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    state: Mapped[str] = mapped_column(String(30), default="draft", index=True)
    # The Start.COOP business plan, section by section (all optional until submission).
    name: Mapped[str] = mapped_column(String(200))
    sector: Mapped[str | None] = mapped_column(String(40), index=True)
    region: Mapped[str | None] = mapped_column(String(40), index=True)
    commune: Mapped[str | None] = mapped_column(String(120))
    members_count: Mapped[int | None] = mapped_column(Integer)
    members_women: Mapped[int | None] = mapped_column(Integer)
    members_youth: Mapped[int | None] = mapped_column(Integer)
    problem: Mapped[str | None] = mapped_column(Text)
    idea: Mapped[str | None] = mapped_column(Text)
    market: Mapped[str | None] = mapped_column(Text)
    products: Mapped[str | None] = mapped_column(Text)
    resources: Mapped[str | None] = mapped_column(Text)
    funding_needed: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    funding_sources: Mapped[list] = mapped_column(JSON, default=list)
    funding_details: Mapped[str | None] = mapped_column(Text)
    expected_jobs: Mapped[int | None] = mapped_column(Integer)
    publish_consent: Mapped[bool] = mapped_column(default=False)
    # Filled when the cooperative is registered (state "launched").
    registration_number: Mapped[str | None] = mapped_column(String(60))
    registration_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    holder: Mapped[User] = relationship(foreign_keys=[holder_id])
    coach: Mapped[User | None] = relationship(foreign_keys=[coach_id])
    history: Mapped[list[StateChange]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="StateChange.id"
    )
    comments: Mapped[list[Comment]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="Comment.id"
    )
    reviews: Mapped[list[Review]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="Review.id"
    )
    documents: Mapped[list[Document]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="Document.id"
    )


class StateChange(LmsBase):
    """One move of the lifecycle: who, when, from where to where, and why."""

    __tablename__ = "project_state_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    from_state: Mapped[str] = mapped_column(String(30))
    to_state: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    project: Mapped[Project] = relationship(back_populates="history")
    actor: Mapped[User | None] = relationship()


class Comment(LmsBase):
    __tablename__ = "project_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    project: Mapped[Project] = relationship(back_populates="comments")
    author: Mapped[User | None] = relationship()


class Review(LmsBase):
    """One reviewer's rubric for one project: a 1-5 score per criterion and a comment."""

    __tablename__ = "project_reviews"
    __table_args__ = (UniqueConstraint("project_id", "reviewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    scores: Mapped[dict] = mapped_column(JSON, default=dict)
    comment: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    project: Mapped[Project] = relationship(back_populates="reviews")
    reviewer: Mapped[User] = relationship()


class Document(LmsBase):
    """A file attached to a project, stored under the instance folder (never in the database)."""

    __tablename__ = "project_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    uploader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    original_name: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    project: Mapped[Project] = relationship(back_populates="documents")
    uploader: Mapped[User | None] = relationship()
