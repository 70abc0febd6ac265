"""A small course pair (demo-course, then next-course which needs it) loaded once per module."""

from __future__ import annotations

import pytest

from tests.lms.courses.fixtures import write_course


@pytest.fixture(scope="module")
def courses(app, tmp_path_factory):
    root = tmp_path_factory.mktemp("content")
    demo = write_course(root, "demo-course")
    (demo / "01-start" / "01-first.en.mp3").write_bytes(b"ID3 not really an mp3")
    write_course(root, "next-course", modules=("01-only",), prerequisites=("demo-course",))
    result = app.test_cli_runner().invoke(args=["load-content", str(root)])
    assert result.exit_code == 0, result.output
    return root
