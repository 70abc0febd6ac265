"""Certificates: certifying learners, the public verification page, PDF and Open Badges 3.0."""

from __future__ import annotations

from flask import Flask

from lms.certificates.views import bp, profile_section
from lms.plugins import registry


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    registry(app).profile_sections.append(profile_section)
