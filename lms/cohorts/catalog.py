"""What cohorts, certificates and coaching read about courses: titles, modules, rules, progress.

The courses feature (lms.courses) owns courses. This module is the one place where these three
features ask about them: it uses `lms.courses.services` when that is installed and otherwise
reads the course files in `content/` (course.toml, module.toml, activity.toml) directly.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from lms.i18n import localised

CONTENT_DIR = Path(__file__).resolve().parents[2] / "content"
#: The courses trainers are accredited for (ILO's Think.COOP, Start.COOP, My.COOP).
ACCREDITABLE = ("think-coop", "start-coop", "my-coop")


@dataclass(frozen=True)
class Module:
    id: str
    title: dict
    activity: dict = field(default_factory=dict)
    pages: tuple = ()


@dataclass(frozen=True)
class Course:
    id: str
    title: dict
    min_attendance: float
    pass_mark: float
    modules: tuple[Module, ...]

    def module(self, module_id: str) -> Module | None:
        return next((m for m in self.modules if m.id == module_id), None)


@cache
def _from_files(course_id: str) -> Course | None:
    folder = CONTENT_DIR / course_id
    if not (folder / "course.toml").is_file():
        return None
    meta = tomllib.loads((folder / "course.toml").read_text(encoding="utf-8"))
    modules = []
    for name in meta.get("modules", []):
        module_meta = tomllib.loads((folder / name / "module.toml").read_text(encoding="utf-8"))
        activity_file = folder / name / "activity.toml"
        activity = (
            tomllib.loads(activity_file.read_text(encoding="utf-8"))
            if activity_file.is_file()
            else {}
        )
        modules.append(
            Module(
                module_meta["id"],
                module_meta.get("title", {}),
                activity,
                tuple(module_meta.get("pages", [])),
            )
        )
    return Course(
        meta["id"],
        meta.get("title", {}),
        float(meta.get("min_attendance", 0)),
        float(meta.get("pass_mark", 0.7)),
        tuple(modules),
    )


def course(course_id: str) -> Course | None:
    return _from_files(course_id)


def course_ids() -> list[str]:
    found = sorted(p.parent.name for p in CONTENT_DIR.glob("*/course.toml"))
    return [c for c in ACCREDITABLE if c in found] + [c for c in found if c not in ACCREDITABLE]


def course_title(course_id: str, language: str | None = None) -> str:
    found = course(course_id)
    return localised(found.title, language) if found else course_id


def course_choices() -> list[tuple[str, str]]:
    return [(cid, course_title(cid)) for cid in course_ids()]


def module_choices(course_ids_: list[str]) -> list[tuple[str, str]]:
    """(course_id/module_id, "Course: Module") for the courses of a cohort."""
    choices = []
    for cid in course_ids_:
        found = course(cid)
        for module in found.modules if found else ():
            choices.append(
                (f"{cid}/{module.id}", f"{course_title(cid)}: {localised(module.title)}")
            )
    return choices
