"""Small courses written into temporary folders, in the format of docs/content-format.md."""

from __future__ import annotations

from pathlib import Path

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
    '<circle r="4" cx="5" cy="5"/></svg>'
)


def t(text: str) -> str:
    return f'{{ fr = "{text} (fr)", en = "{text}", ar = "{text} (ar)" }}'


COURSE_TOML = """id = "{course_id}"
version = 1
level = "beginner"
languages = ["fr", "en", "ar"]
estimated_minutes = 60
prerequisites = {prerequisites}
pass_mark = 0.7
min_attendance = 0.5
modules = {modules}

[completion]
all_pages_seen = true
all_quizzes_passed = true

[title]
fr = "Cours {course_id}"
en = "Course {course_id}"
ar = "درس {course_id}"

[summary]
fr = "Résumé"
en = "Summary"
ar = "ملخص"

[audience]
fr = "Tout le monde"
en = "Everyone"
ar = "الجميع"
"""

MODULE_TOML = """id = "{module_id}"
pages = ["01-first", "02-second"]

[title]
fr = "Module {module_id}"
en = "Module {module_id}"
ar = "وحدة {module_id}"

[summary]
fr = "Résumé du module"
en = "Module summary"
ar = "ملخص الوحدة"
"""

QUIZ_TOML = f"""[[questions]]
id = "owner"
scenario = true
type = "single"
prompt = {t("Who owns it?")}
feedback_correct = {t("Right")}
feedback_incorrect = {t("Wrong")}
choices = [
  {{ id = "members", correct = true, text = {t("Members")}, feedback = {t("Yes")} }},
  {{ id = "state", text = {t("The state")}, feedback = {t("No")} }},
]

[[questions]]
id = "why"
scenario = true
type = "multiple"
prompt = {t("Why?")}
feedback_correct = {t("Right")}
feedback_incorrect = {t("Wrong")}
choices = [
  {{ id = "price", correct = true, text = {t("Price")} }},
  {{ id = "press", correct = true, text = {t("Press")} }},
  {{ id = "rest", text = {t("Rest")} }},
]

[[questions]]
id = "one-vote"
type = "truefalse"
answer = true
prompt = {t("One member, one vote?")}
feedback_correct = {t("Right")}
feedback_incorrect = {t("Wrong")}

[[questions]]
id = "steps"
type = "ordering"
prompt = {t("Order the steps")}
feedback_correct = {t("Right")}
feedback_incorrect = {t("Wrong")}
items = [
  {{ id = "invite", text = {t("Invite")} }},
  {{ id = "discuss", text = {t("Discuss")} }},
  {{ id = "vote", text = {t("Vote")} }},
]

[[questions]]
id = "forms"
type = "matching"
prompt = {t("Match")}
feedback_correct = {t("Right")}
feedback_incorrect = {t("Wrong")}
pairs = [
  {{ id = "company", source = {t("Company")}, target = {t("Votes follow money")} }},
  {{ id = "association", source = {t("Association")}, target = {t("A cause")} }},
  {{ id = "cooperative", source = {t("Cooperative")}, target = {t("Members own it")} }},
]

[[questions]]
id = "capital"
scenario = true
type = "numeric"
answer = 1000
tolerance = 0
unit = {{ fr = "MAD", en = "MAD", ar = "درهم" }}
prompt = {t("Minimum capital?")}
feedback_correct = {t("Right")}
feedback_incorrect = {t("Wrong")}
"""

ACTIVITY_TOML = f"""id = "our-problem"
kind = "group"
minutes = 30
title = {t("Our problem")}
instructions = {{ fr = "1. **Parlez**", en = "1. **Talk**", ar = "1. **تحدثوا**" }}
prompt = {t("Which problem?")}
facilitator_notes = {{ fr = "Notes **fr**", en = "Notes **en**", ar = "ملاحظات" }}
"""


def page_text(title: str, lang: str) -> str:
    return f"# {title} {lang}\n\n![A circle {lang}](images/circle.svg)\n\nSome text in {lang}.\n"


def write_course(
    root: Path,
    course_id: str = "demo",
    modules: tuple[str, ...] = ("01-start", "02-next"),
    prerequisites: tuple[str, ...] = (),
) -> Path:
    """A valid course with the given module folders; returns its folder."""
    folder = root / course_id
    folder.mkdir(parents=True)
    (folder / "course.toml").write_text(
        COURSE_TOML.format(
            course_id=course_id,
            prerequisites="[" + ", ".join(f'"{p}"' for p in prerequisites) + "]",
            modules="[" + ", ".join(f'"{m}"' for m in modules) + "]",
        ),
        encoding="utf-8",
    )
    for name in modules:
        module_dir = folder / name
        (module_dir / "images").mkdir(parents=True)
        (module_dir / "images" / "circle.svg").write_text(SVG)
        (module_dir / "module.toml").write_text(
            MODULE_TOML.format(module_id=name.split("-", 1)[1]), encoding="utf-8"
        )
        for page in ("01-first", "02-second"):
            for lang in ("fr", "en", "ar"):
                (module_dir / f"{page}.{lang}.md").write_text(
                    page_text(f"{name} {page}", lang), encoding="utf-8"
                )
        (module_dir / "quiz.toml").write_text(QUIZ_TOML, encoding="utf-8")
        (module_dir / "activity.toml").write_text(ACTIVITY_TOML, encoding="utf-8")
    return folder


def replace_in(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def line_of(path: Path, fragment: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if fragment in line:
            return number
    raise AssertionError(f"{fragment!r} not in {path}")
