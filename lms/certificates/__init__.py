"""Certificates: certifying learners, the public verification page, PDF and Open Badges 3.0."""

from __future__ import annotations

from flask import Flask
from flask_babel import ngettext
from sqlalchemy import func, select

from lms.certificates.models import Certificate
from lms.certificates.views import bp, profile_section
from lms.plugins import registry


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    registry(app).profile_sections.append(profile_section)
    registry(app).home_figures.append(_certificates_figure)


def _certificates_figure(db):
    count = db.scalar(select(func.count(Certificate.id)).where(Certificate.revoked_at.is_(None)))
    return count, ngettext("certificate", "certificates", count)
