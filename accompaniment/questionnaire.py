"""The diagnosis questionnaire file (content/accompaniment/*.toml): checks, storage and reading.

Checked by `lms load-content` with the courses (same `FILE:LINE: problem` faults, nothing
loaded on a fault): six axes, each with questions and the plan actions it proposes; texts in fr,
ar and en; every action's course module must exist. Format: docs/content-format.md.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from accompaniment.models import Questionnaire
from lms.config import LANGUAGES as ALL_LANGUAGES
from lms.courses.loader import Checker, Fault, TomlFile
from lms.db import utcnow

FOLDER = "accompaniment"
AXES_COUNT = 6
QUESTIONS_MIN, QUESTIONS_MAX = 30, 50


@dataclass
class Parsed:
    """What one file holds once checked: the data stored as the questionnaire."""

    data: dict
    content_hash: str


def read(root: Path, known_modules: set | None) -> tuple[list[Parsed], list[Fault]]:
    """Check every questionnaire under root/accompaniment; known_modules=None skips the check
    that each action's course module exists (the demo seeder, before the courses are loaded)."""
    faults: list[Fault] = []
    folder = Path(root) / FOLDER
    if not folder.is_dir():
        return [], faults
    parsed = [item for path in sorted(folder.glob("*.toml")) if (item := _read_file(
        path, known_modules, faults))]  # fmt: skip
    return parsed, faults


def _read_file(path: Path, known_modules, faults: list[Fault]) -> Parsed | None:
    toml = TomlFile(path, faults)
    if toml.data is None:
        return None
    check = Checker(toml, faults)
    data = toml.data
    result = {
        "id": check.ident(data, what="questionnaire id"),
        "version": check.number(data, "version", int, 1),
        "title": check.languages(data, "title", ALL_LANGUAGES),
        "scale": _scale(check, data),
        "axes": [],
    }
    axes = data.get("axes")
    if not isinstance(axes, list) or len(axes) != AXES_COUNT:
        check.fault(toml.line_of("axes"), f"axes: want {AXES_COUNT} [[axes]] tables")
        axes = axes if isinstance(axes, list) else []
    starts = toml.array_table_lines("axes")
    seen_questions: set[str] = set()
    for index, axis in enumerate(axes):
        start = starts[index] if index < len(starts) else 1
        result["axes"].append(_axis(check, axis, start, seen_questions, known_modules))
    count = len(seen_questions)
    if not QUESTIONS_MIN <= count <= QUESTIONS_MAX:
        check.fault(1, f"{count} questions: a diagnosis has {QUESTIONS_MIN} to {QUESTIONS_MAX}")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return Parsed(result, digest) if result["id"] else None


def _scale(check: Checker, data: dict) -> list[dict]:
    scale = data.get("scale")
    line = check.toml.line_of("scale")
    if not isinstance(scale, list) or len(scale) < 2:
        check.fault(line, "scale: want at least two [[scale]] levels")
        return []
    levels = []
    for position, level in enumerate(scale):
        start = check.toml.array_table_lines("scale")[position]
        value = check.number(level, "value", int, 0, 10, start=start)
        if value is not None and value != position:
            check.fault(start, f"scale: level {position} has value {value}, want {position}")
        levels.append({"value": value, "label": check.languages(level, "label", ALL_LANGUAGES,
                                                                start)})  # fmt: skip
    return levels


def _axis(check: Checker, axis: dict, start: int, seen: set[str], known_modules) -> dict:
    result = {
        "id": check.ident(axis, start=start, what="axis id"),
        "title": check.languages(axis, "title", ALL_LANGUAGES, start),
        "questions": [],
        "actions": [],
    }
    questions = axis.get("questions") or []
    if not questions:
        check.fault(start, f"axis {result['id']!r}: no [[axes.questions]]")
    for question in questions:
        qid = question.get("id")
        line = check.toml.line_of("id", start, value=qid) if isinstance(qid, str) else start
        ident = check.ident(question, start=line, what="question id")
        if ident in seen:
            check.fault(line, f"question id {ident!r} is used twice")
        seen.add(ident)
        text = check.languages(question, "text", ALL_LANGUAGES, line)
        result["questions"].append({"id": ident, "text": text})
    for action in axis.get("actions") or []:
        aid = action.get("id")
        line = check.toml.line_of("id", start, value=aid) if isinstance(aid, str) else start
        item = {
            "id": check.ident(action, start=line, what="action id"),
            "title": check.languages(action, "title", ALL_LANGUAGES, line),
            "audience": check.languages(action, "audience", ALL_LANGUAGES, line),
            "course": action.get("course"),
            "module": action.get("module"),
        }
        linked = item["course"] or item["module"]
        if (
            linked
            and known_modules is not None
            and ((item["course"], item["module"]) not in known_modules)
        ):
            check.fault(check.toml.line_of("module", line),
                        f"action {item['id']!r}: no module {item['module']!r} in course "
                        f"{item['course']!r}")  # fmt: skip
        result["actions"].append(item)
    return result


def store(session: Session, parsed: list[Parsed]) -> dict[str, str]:
    """Insert or replace each questionnaire; an unchanged file is left alone."""
    outcome = {}
    for item in parsed:
        key = item.data["id"]
        row = session.get(Questionnaire, key)
        if row is not None and row.content_hash == item.content_hash:
            outcome[key] = "unchanged"
            continue
        if row is None:
            row = Questionnaire(id=key)
            session.add(row)
        row.version, row.data, row.content_hash = item.data["version"], item.data, item.content_hash
        row.loaded_at = utcnow()
        outcome[key] = "loaded"
    return outcome


def current(session: Session) -> Questionnaire | None:
    """The questionnaire new diagnoses use: the one loaded last."""
    return session.scalars(
        select(Questionnaire).order_by(Questionnaire.loaded_at.desc()).limit(1)
    ).first()


def questions(questionnaire: Questionnaire) -> list[tuple[dict, dict]]:
    """(axis, question) pairs in the file's order."""
    return [(axis, q) for axis in questionnaire.data["axes"] for q in axis["questions"]]
