"""The trainer's guides in content/: one per course and language, in step with the course."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest

from lms.courses.trainer_guide import write_guides

CONTENT = Path(__file__).resolve().parents[3] / "content"
COURSES = ("think-coop", "start-coop", "my-coop")
LANGUAGES = ("fr", "en", "ar")


def guide_text(course: str, lang: str) -> str:
    return (CONTENT / course / "guide" / f"trainer-guide.{lang}.md").read_text(encoding="utf-8")


def test_the_committed_guides_are_what_the_course_files_give_today(tmp_path):
    # a quiz or page changed without rewriting the guides would leave trainers a stale guide
    copy = tmp_path / "content"
    shutil.copytree(CONTENT, copy)
    written = write_guides(copy)
    assert len(written) == len(COURSES) * len(LANGUAGES)
    for path in written:
        committed = CONTENT / path.relative_to(copy)
        assert path.read_text(encoding="utf-8") == committed.read_text(encoding="utf-8"), (
            f"{committed} is stale: run python -m lms.courses.trainer_guide content"
        )


@pytest.mark.parametrize("course", COURSES)
def test_every_quiz_question_can_be_read_aloud_from_the_guide(course):
    folder = CONTENT / course
    modules = tomllib.loads((folder / "course.toml").read_text(encoding="utf-8"))["modules"]
    for lang in LANGUAGES:
        text = guide_text(course, lang)
        for module in modules:
            quiz = tomllib.loads((folder / module / "quiz.toml").read_text(encoding="utf-8"))
            for question in quiz["questions"]:
                assert question["prompt"][lang] in text, (course, lang, question["id"])
                assert question["feedback_correct"][lang] in text or question["type"] in (
                    "ordering",
                    "matching",
                ), (course, lang, question["id"])


def test_the_guides_carry_the_programme_the_cards_and_the_glossary():
    arabic = guide_text("think-coop", "ar")
    assert "| 09:00 |" in arabic  # the one-day programme
    assert "01-what-is-a-cooperative/images/fatima-alone.svg" in arabic  # a picture card
    assert "فاطمة وحدها مع إناء صغير من الزيت" in arabic  # with its Arabic alt text
    assert "**القانون رقم 112.12**" in arabic  # the Arabic glossary
    french = guide_text("start-coop", "fr")
    assert "Kit de visite de terrain" in french and "Kit d'évaluation" in french
