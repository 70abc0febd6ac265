"""Fixtures of the project bank tests: Start.COOP completion, projects in any state, documents."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from PIL import Image

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


@pytest.fixture(scope="module")
def completions(app):
    """Mark Start.COOP (or any course) completed for chosen users.

    Wraps the courses feature's real `courses.completed` service when it is registered, so users
    the tests mark count as completed and every other answer still comes from the real one.
    """
    done: set[tuple[int, str]] = set()
    real = registry(app).service("courses.completed")

    def completed(user, course_id):
        return (user.id, course_id) in done or bool(real and real(user, course_id))

    registry(app).provide("courses.completed", completed)
    yield done
    if real:
        registry(app).provide("courses.completed", real)
    else:
        registry(app).services.pop("courses.completed", None)


@pytest.fixture
def holder(make_user, completions):
    """A learner who has completed Start.COOP."""
    user = make_user("learner", display_name="Fatima", gender="female", birth_year=1998)
    completions.add((user.id, "start-coop"))
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
