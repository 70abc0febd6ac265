"""A small course pair (demo-course, then next-course which needs it) loaded once per module."""

from __future__ import annotations

import pytest

from tests.lms.courses.fixtures import write_course


@pytest.fixture(scope="module")
def courses(app, tmp_path_factory):
    root = tmp_path_factory.mktemp("content")
    write_course(root, "demo-course")
    write_course(root, "next-course", modules=("01-only",), prerequisites=("demo-course",))
    result = app.test_cli_runner().invoke(args=["load-content", str(root)])
    assert result.exit_code == 0, result.output
    return root
