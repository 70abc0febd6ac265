"""The real courses from content/ are loaded once per test module."""

from __future__ import annotations

import pytest

from tests.lms.cohorts.helpers import load_real_courses


@pytest.fixture(scope="module", autouse=True)
def courses_loaded(app):
    load_real_courses(app)
