"""The real courses from content/ are loaded once per test module."""

from __future__ import annotations

from pathlib import Path

import pytest

CONTENT = Path(__file__).resolve().parents[3] / "content"


@pytest.fixture(scope="module", autouse=True)
def courses_loaded(app):
    from lms.courses.loader import load_content

    with app.app_context():
        session = app.extensions["db_session"]()
        load_content(session, CONTENT)
        session.commit()
        app.extensions["db_session"].remove()
