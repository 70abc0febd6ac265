"""Courses as loaded from content/, learners' activity answers, and the progress projection."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import Base, UTCDateTime, utcnow


class Course(Base):
    __tablename__ = "courses"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    level: Mapped[str] = mapped_column(String(20))
    languages: Mapped[list] = mapped_column(JSON)
    estimated_minutes: Mapped[int] = mapped_column(Integer)
    prerequisites: Mapped[list] = mapped_column(JSON)
    pass_mark: Mapped[float] = mapped_column(Float)
    min_attendance: Mapped[float] = mapped_column(Float, default=0.0)
    completion: Mapped[dict] = mapped_column(JSON)
    title: Mapped[dict] = mapped_column(JSON)
    summary: Mapped[dict] = mapped_column(JSON)
    audience: Mapped[dict] = mapped_column(JSON)
    #: sha256 of the course's source files: loading the same files again changes nothing
    content_hash: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    modules: Mapped[list[Module]] = relationship(
        back_populates="course",
        order_by="Module.position",
        cascade="all, delete-orphan",
        lazy="selectin",
    )


class Module(Base):
    __tablename__ = "course_modules"

    course_id: Mapped[str] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    folder: Mapped[str] = mapped_column(String(120))
    title: Mapped[dict] = mapped_column(JSON)
    summary: Mapped[dict] = mapped_column(JSON)
    #: the quiz as checked by the loader: {"pass_mark": float|None, "questions": [...]}
    quiz: Mapped[dict] = mapped_column(JSON)
    #: the activity: id, kind, minutes, title, instructions (HTML), prompt, facilitator_notes (HTML)
    activity: Mapped[dict] = mapped_column(JSON)

    course: Mapped[Course] = relationship(back_populates="modules")
    pages: Mapped[list[Page]] = relationship(
        back_populates="module",
        order_by="Page.position",
        cascade="all, delete-orphan",
        lazy="selectin",
    )


class Page(Base):
    __tablename__ = "course_pages"
    __table_args__ = (
        ForeignKeyConstraint(
            ["course_id", "module_id"],
            ["course_modules.course_id", "course_modules.id"],
            ondelete="CASCADE",
        ),
    )

    course_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    module_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[dict] = mapped_column(JSON)  # {lang: title}
    html: Mapped[dict] = mapped_column(JSON)  # {lang: sanitised HTML}
    audio: Mapped[dict] = mapped_column(JSON)  # {lang: asset path}

    module: Mapped[Module] = relationship(back_populates="pages")


class CourseAsset(Base):
    """A picture, audio file or download of a course, served with caching headers."""

    __tablename__ = "course_assets"

    course_id: Mapped[str] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True
    )
    path: Mapped[str] = mapped_column(String(255), primary_key=True)  # relative to the course
    media_type: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class ActivityAnswer(Base):
    """A learner's text answer to a module's activity (trainers read it)."""

    __tablename__ = "course_activity_answers"
    __table_args__ = (UniqueConstraint("user_id", "course_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[str] = mapped_column(String(64), index=True)
    module_id: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CourseProgress(Base):
    """Projection of the statements: one learner in one course (enrolment and completion)."""

    __tablename__ = "course_progress"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[str] = mapped_column(String(64), index=True)
    registration: Mapped[str] = mapped_column(String(36))
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed: Mapped[bool] = mapped_column(default=False)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_activity: Mapped[datetime] = mapped_column(UTCDateTime)
    last_module: Mapped[str | None] = mapped_column(String(64))
    last_page: Mapped[str | None] = mapped_column(String(64))


class ModuleProgress(Base):
    """Projection of the statements: one learner in one module."""

    __tablename__ = "module_progress"
    __table_args__ = (UniqueConstraint("user_id", "course_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[str] = mapped_column(String(64), index=True)
    module_id: Mapped[str] = mapped_column(String(64))
    pages_seen: Mapped[list] = mapped_column(JSON, default=list)  # page ids
    quiz_best: Mapped[float | None] = mapped_column(Float)
    quiz_attempts: Mapped[int] = mapped_column(Integer, default=0)
    quiz_passed: Mapped[bool] = mapped_column(default=False)
    completed: Mapped[bool] = mapped_column(default=False)
    last_activity: Mapped[datetime] = mapped_column(UTCDateTime)
    last_page: Mapped[str | None] = mapped_column(String(64))


class QuizAttempt(Base):
    """One attempt at a module's quiz, kept by the LMS alone (issue 13, finding 2).

    It once lived in an xAPI State document, which the learner's launch credential may write:
    what decides a grade stays in a table no learner credential reaches. `answered` counts the
    answers and is the version a conditional UPDATE checks, so one answer cannot count twice.
    """

    __tablename__ = "quiz_attempts"
    __table_args__ = (UniqueConstraint("user_id", "course_id", "module_id", "registration",
                                       "number"),)  # fmt: skip

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the attempt's id in the form and in the statements' attempt extension
    public_id: Mapped[str] = mapped_column(String(36), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[str] = mapped_column(String(64))
    module_id: Mapped[str] = mapped_column(String(64))
    registration: Mapped[str] = mapped_column(String(36))
    #: 1, 2, ... within the learner's registration: the live attempt has the highest
    number: Mapped[int] = mapped_column(Integer)
    question_order: Mapped[list] = mapped_column(JSON)  # question ids
    shuffle: Mapped[dict] = mapped_column(JSON)  # {question id: item ids in the order shown}
    answers: Mapped[dict] = mapped_column(JSON)  # {question id: {"response": str, "success": bool}}
    answered: Mapped[int] = mapped_column(Integer, default=0)
    raw: Mapped[int | None] = mapped_column(Integer)
    passed: Mapped[bool | None] = mapped_column()
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
