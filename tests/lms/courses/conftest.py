"""A small course pair (demo-course, then next-course which needs it) loaded once per module."""

from __future__ import annotations

import pytest

from tests.lms.courses.fixtures import replace_in, write_course


@pytest.fixture(scope="module")
def courses(app, tmp_path_factory):
    root = tmp_path_factory.mktemp("content")
    demo = write_course(root, "demo-course")
    (demo / "01-start" / "01-first.en.mp3").write_bytes(b"ID3 not really an mp3")
    write_course(root, "next-course", modules=("01-only",), prerequisites=("demo-course",))
    pages_only = write_course(root, "pages-only", modules=("01-only",))
    replace_in(
        pages_only / "course.toml", "all_quizzes_passed = true", "all_quizzes_passed = false"
    )
    result = app.test_cli_runner().invoke(args=["load-content", str(root)])
    assert result.exit_code == 0, result.output
    return root
