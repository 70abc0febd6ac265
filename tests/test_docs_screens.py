"""The pictures in docs/screens/ are there for every main screen, light, and shown in the README."""

from __future__ import annotations

from pathlib import Path

from tests.browser.screens import MAX_BYTES, SCREENS_DIR, SIZES, file_name, main_screens

ROOT = Path(__file__).resolve().parents[1]
IDS = dict.fromkeys(("course_id", "module_id", "page_id", "cohort_id", "session_id"), "x")


def test_every_main_screen_has_its_pictures_each_under_100_kb():
    expected = {file_name(name, lang, width) for name, _who, _path in main_screens(IDS)
                for lang, _viewport, width in SIZES}  # fmt: skip
    assert len(expected) == 36
    present = {path.name: path.stat().st_size for path in SCREENS_DIR.glob("*.jpg")}
    assert expected <= set(present), sorted(expected - set(present))
    assert [name for name, size in present.items() if size > MAX_BYTES] == []


def test_the_readme_shows_three_of_them():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = [p for p in SCREENS_DIR.glob("*.jpg") if f"docs/screens/{p.name}" in readme]
    assert len(shown) == 3
