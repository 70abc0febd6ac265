"""The certificates tests run on the real courses, loaded once per module as for the cohorts."""

from tests.lms.cohorts.conftest import courses_loaded  # noqa: F401 (an autouse fixture)
