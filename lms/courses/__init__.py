"""Courses: content loading, the course player, progress from xAPI statements, the path steps."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import select

from lms import compression
from lms.courses import cli, demo, services
from lms.courses.models import CourseProgress
from lms.courses.views import bp, course_title
from lms.db import session
from lms.i18n import list_text, localised
from lms.path import PATH_COURSES
from lms.plugins import MenuEntry, PathStep, StepStatus, TabEntry, registry


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(cli.load_content_command)
    app.cli.add_command(cli.rebuild_progress_command)
    compression.init_app(app)
    reg = registry(app)
    reg.provide("courses.completed", _completed)
    reg.menu.append(MenuEntry("courses.catalogue", _l("Courses"), frozenset({"public"}), 20))
    reg.tabs.extend(
        TabEntry("courses.catalogue", _l("Courses"), "book", role, 30)
        for role in ("anonymous", "trainer")
    )
    for course_id, order, label in PATH_COURSES:
        reg.path_steps.append(
            PathStep(
                key=course_id,
                label=CourseLabel(course_id, label),
                endpoint=f"courses.path_{course_id.replace('-', '_')}",
                order=order,
                status=lambda user, course_id=course_id: step_status(user, course_id),
            )
        )
    reg.dashboard_cards.append(current_course_card)
    reg.demo_seeders.append(demo.seed_demo)


class CourseLabel:
    """A path step's label: the course title in the reader's language, read when shown."""

    def __init__(self, course_id: str, fallback: str):
        self.course_id, self.fallback = course_id, fallback

    def __str__(self) -> str:
        title = course_title(self.course_id)
        return title if title != self.course_id else self.fallback

    def __html__(self) -> str:
        return str(escape(str(self)))


def _completed(user, course_id: str) -> bool:
    return services.is_completed(session, user, course_id)


def step_status(user, course_id: str) -> StepStatus:
    course = services.get_course(session, course_id)
    if course is None:
        return StepStatus(unlocked=False, done=False, hint=_l("This course is not available yet."))
    status = services.course_status(session, user, course_id)
    if status.completed:
        return StepStatus(unlocked=True, done=True, hint=_("Completed."))
    missing = services.missing_prerequisites(session, user, course)
    if missing:
        titles = list_text(localised(c.title) or c.id for c in missing)
        hint = _("Opens when you have completed %(titles)s.", titles=titles)
        return StepStatus(unlocked=False, done=False, hint=hint)
    if status.enrolled:
        return StepStatus(unlocked=True, done=False,
                          hint=_("%(percent)s%% done.", percent=status.progress))  # fmt: skip
    return StepStatus(unlocked=True, done=False, hint=_("Not started yet."))


def current_course_card(user):
    """Dashboard card: the course the learner worked on last, with a continue button."""
    if not user.has_role("learner"):  # an admin's home is the programme, not a course
        return None
    row = session.scalars(
        select(CourseProgress)
        .where(CourseProgress.user_id == user.id)
        .order_by(CourseProgress.completed, CourseProgress.last_activity.desc())
        .limit(1)
    ).first()
    course = services.get_course(session, row.course_id) if row else None
    status = services.course_status(session, user, course.id) if course else None
    return Markup(render_template("courses/_card.html", course=course, status=status))  # noqa: S704 (rendered by Jinja with autoescape)
