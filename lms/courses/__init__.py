"""Courses: content loading, the course player, progress from xAPI statements, the path steps."""

from __future__ import annotations

from flask import Flask

from lms.plugins import registry


def init_app(app: Flask) -> None:
    from lms.courses import cli

    app.cli.add_command(cli.load_content_command)
    app.cli.add_command(cli.rebuild_progress_command)
    registry(app).provide("courses.completed", _completed)


def _completed(user, course_id: str) -> bool:
    from lms.courses.services import is_completed
    from lms.db import session

    return is_completed(session, user, course_id)
