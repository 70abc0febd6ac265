"""Fixtures of the project bank tests: Start.COOP completion, projects in any state, documents."""

from __future__ import annotations

import io
import uuid
from datetime import date
from decimal import Decimal

import pytest
from PIL import Image

from lms.db import utcnow
from lms.plugins import registry

COMPLETE_FIELDS = {
    "name": "Coopérative Tifawin",
    "sector": "argan",
    "region": "souss-massa",
    "commune": "Tamanar",
    "members_count": 7,
    "members_women": 5,
    "members_youth": 3,
    "problem": "Les femmes vendent les noix d'argan brutes à bas prix.",
    "idea": "Presser l'huile ensemble et la vendre en bouteilles.",
    "market": "Touristes d'Essaouira, épiceries fines de Casablanca.",
    "products": "Huile d'argan cosmétique et alimentaire.",
    "resources": "Un local, deux presses, des bouteilles.",
    "funding_needed": Decimal("150000.00"),
    "funding_sources": ["member-shares", "indh"],
    "expected_jobs": 9,
}


def complete_course(app, user_id: int, course_id: str = "start-coop") -> None:
    """Mark a course completed the way the courses feature records it (its progress projection).

    Falls back to a stand-in `courses.completed` service when the courses feature is absent.
    """
    try:
        from lms.courses.models import CourseProgress
    except ImportError:
        CourseProgress = None
    if CourseProgress is None or registry(app).service("courses.completed") is None:
        done = app.extensions.setdefault("tests.completed_courses", set())
        done.add((user_id, course_id))
        registry(app).provide("courses.completed", lambda user, cid: (user.id, cid) in done)
        return
    with app.app_context():
        session = app.extensions["db_session"]()
        now = utcnow()
        session.add(
            CourseProgress(user_id=user_id, course_id=course_id, registration=str(uuid.uuid4()),
                           enrolled_at=now, last_activity=now, completed=True, completed_at=now)
        )  # fmt: skip
        session.commit()
        app.extensions["db_session"].remove()


@pytest.fixture
def holder(app, make_user):
    """A learner who has completed Start.COOP."""
    user = make_user("learner", display_name="Fatima", gender="female", birth_year=1998)
    complete_course(app, user.id)
    return user


@pytest.fixture
def make_project(app):
    """Factory: a committed project of `holder` in `state`, complete unless told otherwise."""

    def make(holder, state="draft", coach=None, **fields):
        """`holder` and `coach`: users or their ids."""
        from projects.models import Project

        holder_id = getattr(holder, "id", holder)
        values = {**COMPLETE_FIELDS, **fields}
        with app.app_context():
            session = app.extensions["db_session"]()
            project = Project(holder_id=holder_id, state=state, **values)
            if coach is not None:
                project.coach_id = getattr(coach, "id", coach)
            if state == "launched":
                project.registration_number = project.registration_number or "COOP-2026-17"
                project.registration_date = project.registration_date or date(2026, 5, 4)
            session.add(project)
            session.commit()
            project_id = project.id
            app.extensions["db_session"].remove()
        return project_id

    return make


@pytest.fixture
def load(app):
    """Read a project back from the database (fresh session)."""

    def read(project_id):
        from projects.models import Project

        session = app.extensions["db_session"]()
        session.expire_all()
        return session.get(Project, project_id)

    return read


def picture_bytes(fmt="PNG", size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, fmt)
    return out.getvalue()


PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
