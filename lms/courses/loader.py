"""`lms load-content`: check course folders against docs/content-format.md, then load them.

Everything is checked before anything is written; each fault is reported as `FILE:LINE: problem`.
A course whose files did not change (same content hash) is left alone, so loading twice changes
nothing; a changed course is replaced, while progress (kept by page id elsewhere) stays.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from flask import has_app_context
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lms.config import LANGUAGES
from lms.courses import teaching_rules
from lms.courses.models import Course, CourseAsset, Module, Page
from lms.markdown import render_markdown
from lms.plugins import registry

LEVELS = ("beginner", "intermediate", "advanced")
QUESTION_TYPES = ("single", "multiple", "truefalse", "ordering", "matching", "numeric")
ACTIVITY_KINDS = ("group", "reflection", "case-study")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
IMAGE_RE = re.compile(r"!\[([^\]]*)\]\(\s*([^)\s]+)(?:\s+\"[^\"]*\")?\s*\)")
LINK_RE = re.compile(r"(?<!!)\[([^\]]*)\]\(\s*([^)\s]+)(?:\s+\"[^\"]*\")?\s*\)")
RAW_HTML_RE = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9]*[\s/>]|/[a-zA-Z]|!--)")
CODE_SPAN_RE = re.compile(r"`[^`]*`")
EXTERNAL_RE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|#|/)", re.IGNORECASE)
AUDIO_SUFFIXES = (".mp3", ".ogg")
PAGES_MIN, PAGES_MAX = 2, 8
QUESTIONS_MIN = 5
#: type -> (list field, minimum, maximum)
LIST_LIMITS = {
    "single": ("choices", 2, 6),
    "multiple": ("choices", 2, 8),
    "ordering": ("items", 3, 6),
    "matching": ("pairs", 3, 6),
}


def asset_url(course_id: str, path: str, digest: str) -> str:
    """Where the player serves a course file; the digest lets browsers cache it for a year."""
    return f"/courses/{course_id}/assets/{path}?v={digest[:12]}"


@dataclass
class Fault:
    file: Path
    line: int
    problem: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.problem}"


class ContentError(Exception):
    def __init__(self, faults: list[Fault]):
        super().__init__("\n".join(str(f) for f in faults))
        self.faults = faults


@dataclass
class ParsedCourse:
    data: dict
    modules: list[dict] = field(default_factory=list)
    assets: dict[str, bytes] = field(default_factory=dict)  # path -> bytes
    content_hash: str = ""


class TomlFile:
    """A TOML file's data and text, so a fault can name the line of the key it is about."""

    def __init__(self, path: Path, faults: list[Fault]):
        self.path = path
        self.data: dict | None = None
        self.lines: list[str] = []
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            faults.append(Fault(path, 1, "file is missing"))
            return
        except UnicodeDecodeError:
            faults.append(Fault(path, 1, "file is not UTF-8 text"))
            return
        self.lines = text.splitlines()
        try:
            self.data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            match = re.search(r"line (\d+)", str(exc))
            faults.append(Fault(path, int(match.group(1)) if match else 1, f"invalid TOML: {exc}"))

    def line_of(self, key: str, start: int = 1, value: str | None = None) -> int:
        """First line at or after `start` where `key =` (or `key = "value"`) is written."""
        tail = rf'\s*=\s*"{re.escape(value)}"' if value is not None else r"\s*="
        pattern = re.compile(rf'(?:^|[\s{{,\[])"?{re.escape(key)}"?{tail}')
        table = re.compile(rf"^\s*\[\[?\s*{re.escape(key)}\s*\]\]?")
        for number in range(max(start, 1), len(self.lines) + 1):
            line = self.lines[number - 1]
            if pattern.search(line) or (value is None and table.search(line)):
                return number
        return start if value is None else self.line_of(key, start)

    def array_table_lines(self, name: str) -> list[int]:
        header = re.compile(rf"^\s*\[\[\s*{re.escape(name)}\s*\]\]")
        return [n for n, line in enumerate(self.lines, 1) if header.search(line)]


class Checker:
    """Collects faults for one file; each check names the key's line."""

    def __init__(self, toml: TomlFile, faults: list[Fault]):
        self.toml = toml
        self.faults = faults

    def fault(self, line: int, problem: str) -> None:
        self.faults.append(Fault(self.toml.path, line, problem))

    def languages(self, table: dict, key: str, required, start: int = 1, what: str = "") -> dict:
        value = table.get(key)
        line = self.toml.line_of(key, start)
        label = what or key
        if value is None:
            self.fault(line, f"{label}: missing")
            return {}
        if not isinstance(value, dict):
            self.fault(
                line, f"{label}: must be a table of texts per language ({', '.join(LANGUAGES)})"
            )
            return {}
        for lang in required:
            if not isinstance(value.get(lang), str) or not value[lang].strip():
                self.fault(line, f"{label}: missing language {lang}")
        for lang in value:
            if lang not in LANGUAGES:
                self.fault(line, f"{label}: unknown language {lang!r}")
        return {k: v for k, v in value.items() if isinstance(v, str)}

    def ident(self, table: dict, key: str = "id", start: int = 1, what: str = "id") -> str:
        value = table.get(key)
        line = self.toml.line_of(key, start)
        if not isinstance(value, str) or not value:
            self.fault(start if key not in table else line, f"{what}: missing")
            return ""
        if not ID_RE.match(value):
            self.fault(line, f"{what} {value!r}: use lowercase letters, digits and '-'")
        return value

    def number(self, table, key, kind, low=None, high=None, start=1, required=True):
        value = table.get(key)
        line = self.toml.line_of(key, start)
        if value is None:
            if required:
                self.fault(start, f"{key}: missing")
            return None
        if isinstance(value, bool) or not isinstance(value, kind):
            self.fault(line, f"{key}: must be a number")
            return None
        if (low is not None and value < low) or (high is not None and value > high):
            self.fault(line, f"{key}: must be between {low} and {high}")
            return None
        return value

    def string_list(self, table: dict, key: str, start: int = 1) -> list[str]:
        value = table.get(key)
        line = self.toml.line_of(key, start)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fault(line if key in table else start, f"{key}: must be a list of names")
            return []
        seen = set()
        for item in value:
            if item in seen:
                self.fault(self.toml.line_of(key, start), f"{key}: duplicate id {item!r}")
            seen.add(item)
        return value


# --- reading and checking -------------------------------------------------------------------


def read_content(root: Path, known_course_ids: set[str] = frozenset()) -> tuple[list, list]:
    """Parse and check every course under `root`: (courses, faults)."""
    faults: list[Fault] = []
    root = Path(root)
    if not root.is_dir():
        return [], [Fault(root, 1, "no such folder")]
    folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    courses = [course for folder in folders if (course := _read_course(folder, faults))]
    _check_glossary(root, folders, faults)
    ids = {c.data["id"] for c in courses} | set(known_course_ids)
    for course in courses:
        toml = course.data["_toml"]
        for key, what in (("prerequisites", "prerequisite"), ("suggested_after", "course")):
            for other in course.data["_suggested_after" if key == "suggested_after" else key]:
                if other not in ids or other == course.data["id"]:
                    faults.append(Fault(toml.path, toml.line_of(key),
                                        f"{key}: unknown {what} {other!r}"))  # fmt: skip
    if not courses and not faults:
        faults.append(Fault(root, 1, "no course folder (with a course.toml) found"))
    return courses, faults


def _check_glossary(root: Path, folders: list[Path], faults: list[Fault]) -> None:
    """Every avoided term of `root/glossary/` is a fault wherever a course uses it."""

    def fault(path: Path, line: int, problem: str) -> None:
        faults.append(Fault(path, line, problem))

    glossary = teaching_rules.read_glossary(root, LANGUAGES, fault)
    if glossary is None:
        return
    for folder in folders:
        if not (folder / "course.toml").exists():
            continue
        for path, lang in teaching_rules.course_text_files(folder):
            for line, problem in glossary.faults_in(path, lang):
                fault(path, line, problem)


def _page_limits(check: Checker, data: dict) -> teaching_rules.PageLimits | None:
    """`[page_limits]` of course.toml: words and paragraphs a page may hold (optional)."""
    table = data.get("page_limits")
    if table is None:
        return None
    start = check.toml.line_of("page_limits")
    if not isinstance(table, dict):
        check.fault(start, "page_limits: must be a table with max_words and max_paragraphs")
        return None
    words = check.number(table, "max_words", int, 10, 1000, start=start)
    paragraphs = check.number(table, "max_paragraphs", int, 1, 100, start=start)
    if words is None or paragraphs is None:
        return None
    return teaching_rules.PageLimits(words, paragraphs)


def _read_course(folder: Path, faults: list[Fault]) -> ParsedCourse | None:
    if not (folder / "course.toml").exists():
        return None
    toml = TomlFile(folder / "course.toml", faults)
    if toml.data is None:
        return None
    check = Checker(toml, faults)
    data = toml.data
    course_id = check.ident(data, what="course id")
    if course_id and course_id != folder.name:
        check.fault(toml.line_of("id"), f"course id {course_id!r} must be the folder name")
    languages = check.string_list(data, "languages")
    for lang in languages:
        if lang not in LANGUAGES:
            check.fault(toml.line_of("languages"), f"languages: unknown language {lang!r}")
    if languages and "fr" not in languages:
        check.fault(toml.line_of("languages"), "languages: must include fr (the fallback)")
    languages = [lang for lang in languages if lang in LANGUAGES]
    level = data.get("level")
    if level not in LEVELS:
        check.fault(toml.line_of("level"), f"level: must be one of {', '.join(LEVELS)}")
    completion = data.get("completion", {})
    if not isinstance(completion, dict) or any(
        key not in ("all_pages_seen", "all_quizzes_passed") or not isinstance(v, bool)
        for key, v in completion.items()
    ):
        check.fault(toml.line_of("completion"), "completion: only all_pages_seen and "
                    "all_quizzes_passed, each true or false")  # fmt: skip
        completion = {}
    parsed = ParsedCourse(
        data={
            "_toml": toml,
            "_page_limits": _page_limits(check, data),
            # the suggested path, not a lock: the catalogue lists the course after these
            "_suggested_after": check.string_list(data, "suggested_after")
            if "suggested_after" in data
            else [],  # fmt: skip
            "id": course_id,
            "version": check.number(data, "version", int, 1) or 1,
            "level": level,
            "languages": languages,
            "estimated_minutes": check.number(data, "estimated_minutes", int, 1, 100000) or 0,
            "prerequisites": check.string_list(data, "prerequisites"),
            "pass_mark": check.number(data, "pass_mark", (int, float), 0, 1),
            "min_attendance": check.number(
                data, "min_attendance", (int, float), 0, 1, required=False
            )
            or 0.0,  # fmt: skip
            "completion": {
                "all_pages_seen": completion.get("all_pages_seen", True),
                "all_quizzes_passed": completion.get("all_quizzes_passed", True),
            },
            "title": check.languages(data, "title", LANGUAGES),
            "summary": check.languages(data, "summary", LANGUAGES),
            "audience": check.languages(data, "audience", LANGUAGES),
        }
    )
    module_folders = check.string_list(data, "modules")
    if "modules" in data and not module_folders:
        check.fault(toml.line_of("modules"), "modules: list at least one module folder")
    module_ids: dict[str, Path] = {}
    for name in module_folders:
        module_dir = folder / name
        if not module_dir.is_dir():
            check.fault(toml.line_of("modules"), f"module {name!r} is listed but its folder "
                        "is missing")  # fmt: skip
            continue
        module = _read_module(module_dir, parsed, faults)
        if module is None:
            continue
        if module["id"] in module_ids:
            faults.append(Fault(module_dir / "module.toml", 1,
                                f"duplicate module id {module['id']!r} (also in "
                                f"{module_ids[module['id']].name})"))  # fmt: skip
        module_ids[module["id"]] = module_dir
        parsed.modules.append(module)
    _collect_assets(folder, parsed)
    return parsed if course_id else None


def _read_module(module_dir: Path, course: ParsedCourse, faults: list[Fault]) -> dict | None:
    toml = TomlFile(module_dir / "module.toml", faults)
    if toml.data is None:
        return None
    check = Checker(toml, faults)
    data = toml.data
    module = {
        "id": check.ident(data, what="module id"),
        "folder": module_dir.name,
        "title": check.languages(data, "title", LANGUAGES),
        "summary": check.languages(data, "summary", LANGUAGES),
        "pages": [],
    }
    page_ids = check.string_list(data, "pages")
    if "pages" in data and not PAGES_MIN <= len(page_ids) <= PAGES_MAX:
        check.fault(toml.line_of("pages"), f"pages: {len(page_ids)} pages listed, a module has "
                    f"{PAGES_MIN} to {PAGES_MAX}")  # fmt: skip
    for page_id in page_ids:
        if not ID_RE.match(page_id):
            check.fault(toml.line_of("pages"), f"page id {page_id!r}: use lowercase letters, "
                        "digits and '-'")  # fmt: skip
            continue
        page = _read_page(module_dir, page_id, course, toml, faults)
        if page:
            module["pages"].append(page)
    module["quiz"] = _read_quiz(module_dir / "quiz.toml", faults)
    module["activity"] = _read_activity(module_dir / "activity.toml", course, faults)
    return module if module["id"] else None


def _read_page(module_dir, page_id, course, module_toml, faults) -> dict | None:
    page = {"id": page_id, "title": {}, "markdown": {}, "audio": {}, "files": {}}
    for lang in LANGUAGES:
        path = module_dir / f"{page_id}.{lang}.md"
        if not path.exists():
            if lang in course.data["languages"]:
                faults.append(Fault(module_toml.path, module_toml.line_of("pages"),
                                    f"page {page_id!r} is missing in language {lang} "
                                    f"({path.name})"))  # fmt: skip
            continue
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        first = next((n for n, line in enumerate(lines) if line.strip()), None)
        if first is None or not lines[first].startswith("# "):
            faults.append(Fault(path, (first or 0) + 1, "the first line must be the title: "
                                "'# Title'"))  # fmt: skip
            continue
        page["title"][lang] = lines[first][2:].strip()
        body = "\n".join(lines[first + 1 :])
        page["markdown"][lang] = body
        page["files"][lang] = path
        _check_links(path, lines, module_dir, faults)
        limits = course.data["_page_limits"]
        for line, problem in teaching_rules.page_faults(lines[first + 1 :], first + 2, limits):
            faults.append(Fault(path, line, problem))
        for suffix in AUDIO_SUFFIXES:
            if (module_dir / f"{page_id}.{lang}{suffix}").exists():
                page["audio"][lang] = f"{module_dir.name}/{page_id}.{lang}{suffix}"
    return page if page["markdown"] else None


def _check_links(path: Path, lines: list[str], module_dir: Path, faults: list[Fault]) -> None:
    course_dir = module_dir.parent
    for number, line in enumerate(lines, 1):
        if RAW_HTML_RE.search(CODE_SPAN_RE.sub("", line)):
            faults.append(Fault(path, number, "raw HTML is not allowed: write Markdown"))
        for regex, what in ((IMAGE_RE, "picture"), (LINK_RE, "link")):
            for match in regex.finditer(line):
                text, target = match.group(1).strip(), match.group(2)
                if what == "picture" and not text:
                    faults.append(Fault(path, number, f"picture {target!r} has no alt text"))
                if EXTERNAL_RE.match(target):
                    if what == "picture":
                        faults.append(Fault(path, number, f"picture {target!r} must be a file "
                                            "of the course"))  # fmt: skip
                    continue
                resolved = (module_dir / target.split("#")[0]).resolve()
                if not resolved.is_relative_to(course_dir.resolve()) or not resolved.is_file():
                    faults.append(Fault(path, number, f"broken {what}: {target!r} does not exist"))


def _read_quiz(path: Path, faults: list[Fault]) -> dict:
    toml = TomlFile(path, faults)
    if toml.data is None:
        return {"pass_mark": None, "questions": []}
    check = Checker(toml, faults)
    data = toml.data
    pass_mark = check.number(data, "pass_mark", (int, float), 0, 1, required=False)
    questions = data.get("questions", [])
    if not isinstance(questions, list):
        check.fault(toml.line_of("questions"), "questions: use [[questions]] tables")
        questions = []
    if len(questions) < QUESTIONS_MIN:
        check.fault(1, f"the quiz has {len(questions)} questions, at least {QUESTIONS_MIN} "
                    "are needed")  # fmt: skip
    starts = toml.array_table_lines("questions") or [1] * len(questions)
    seen: set[str] = set()
    checked = []
    for index, question in enumerate(questions):
        start = starts[index] if index < len(starts) else 1
        checked_question = _check_question(check, question, start)
        if checked_question is None:
            continue
        if checked_question["id"] in seen:
            check.fault(toml.line_of("id", start), f"duplicate question id "
                        f"{checked_question['id']!r}")  # fmt: skip
        seen.add(checked_question["id"])
        checked.append(checked_question)
    if problem := teaching_rules.scenario_fault(checked):
        check.fault(1, problem)
    return {"pass_mark": pass_mark, "questions": checked}


def _check_question(check: Checker, question: dict, start: int) -> dict | None:
    if not isinstance(question, dict):
        check.fault(start, "a question must be a table")
        return None
    toml = check.toml
    qid = check.ident(question, start=start, what="question id")
    label = f"question {qid!r}"
    kind = question.get("type")
    result = {
        "id": qid,
        "type": kind,
        "prompt": check.languages(question, "prompt", LANGUAGES, start, f"{label} prompt"),
        "feedback_correct": check.languages(
            question, "feedback_correct", LANGUAGES, start, f"{label} feedback_correct"
        ),  # fmt: skip
        "feedback_incorrect": check.languages(
            question, "feedback_incorrect", LANGUAGES, start, f"{label} feedback_incorrect"
        ),  # fmt: skip
    }
    if "scenario" in question:
        if not isinstance(question["scenario"], bool):
            check.fault(toml.line_of("scenario", start), f"{label}: scenario must be true or "
                        "false")  # fmt: skip
        result["scenario"] = question["scenario"] is True
    if kind not in QUESTION_TYPES:
        check.fault(toml.line_of("type", start), f"{label}: unknown question type {kind!r} "
                    f"(use {', '.join(QUESTION_TYPES)})")  # fmt: skip
        return None
    if kind in LIST_LIMITS:
        key, low, high = LIST_LIMITS[kind]
        entries = question.get(key)
        if not isinstance(entries, list) or not low <= len(entries) <= high:
            check.fault(toml.line_of(key, start), f"{label}: {kind} needs {low} to {high} {key}")
            return None
        result[key] = _check_entries(check, question, key, entries, start, label)
        if result[key] is None:
            return None
    if kind == "single" and sum(c["correct"] for c in result["choices"]) != 1:
        check.fault(toml.line_of("choices", start), f"{label}: a single-choice question needs "
                    "exactly one right answer (correct = true)")  # fmt: skip
    if kind == "multiple" and not any(c["correct"] for c in result["choices"]):
        check.fault(toml.line_of("choices", start), f"{label}: no right answer "
                    "(mark at least one choice correct = true)")  # fmt: skip
    if kind == "truefalse":
        if not isinstance(question.get("answer"), bool):
            check.fault(toml.line_of("answer", start) if "answer" in question else start,
                        f"{label}: no right answer (answer = true or false)")  # fmt: skip
        result["answer"] = question.get("answer")
    if kind == "numeric":
        answer, tolerance = question.get("answer"), question.get("tolerance", 0)
        if isinstance(answer, bool) or not isinstance(answer, int | float):
            check.fault(toml.line_of("answer", start) if "answer" in question else start,
                        f"{label}: no right answer (answer = a number)")  # fmt: skip
        if isinstance(tolerance, bool) or not isinstance(tolerance, int | float) or tolerance < 0:
            check.fault(toml.line_of("tolerance", start), f"{label}: tolerance must be a number "
                        ">= 0")  # fmt: skip
        result["answer"], result["tolerance"] = answer, tolerance
        if "unit" in question:
            result["unit"] = check.languages(question, "unit", (), start, f"{label} unit")
    return result


def _check_entries(check, question, key, entries, start, label) -> list | None:
    toml = check.toml
    checked, seen = [], set()
    for entry in entries:
        if not isinstance(entry, dict):
            check.fault(toml.line_of(key, start), f"{label}: each of {key} must be a table")
            return None
        entry_id = entry.get("id")
        line = toml.line_of("id", start, value=str(entry_id)) if entry_id else start
        if not isinstance(entry_id, str) or not ID_RE.match(entry_id):
            check.fault(line, f"{label}: each of {key} needs an id of lowercase letters, "
                        "digits and '-'")  # fmt: skip
            continue
        if entry_id in seen:
            check.fault(line, f"{label}: duplicate id {entry_id!r} in {key}")
        seen.add(entry_id)
        item = {"id": entry_id}
        texts = ("source", "target") if key == "pairs" else ("text",)
        for text_key in texts:
            item[text_key] = check.languages(entry, text_key, LANGUAGES, line,
                                             f"{label} {key} {entry_id!r} {text_key}")  # fmt: skip
        if key == "choices":
            correct = entry.get("correct", False)
            if not isinstance(correct, bool):
                check.fault(line, f"{label}: correct must be true or false")
            item["correct"] = correct is True
            if "feedback" in entry:
                item["feedback"] = check.languages(
                    entry, "feedback", LANGUAGES, line, f"{label} choice {entry_id!r} feedback"
                )
        checked.append(item)
    return checked


def _read_activity(path: Path, course: ParsedCourse, faults: list[Fault]) -> dict:
    toml = TomlFile(path, faults)
    if toml.data is None:
        return {}
    check = Checker(toml, faults)
    data = toml.data
    languages = course.data["languages"]
    kind = data.get("kind")
    if kind not in ACTIVITY_KINDS:
        check.fault(toml.line_of("kind"), f"kind: must be one of {', '.join(ACTIVITY_KINDS)}")
    instructions = check.languages(data, "instructions", languages)
    notes = check.languages(data, "facilitator_notes", languages)
    return {
        "id": check.ident(data, what="activity id"),
        "kind": kind,
        "minutes": check.number(data, "minutes", int, 1, 1000) or 0,
        "title": check.languages(data, "title", LANGUAGES),
        "prompt": check.languages(data, "prompt", LANGUAGES),
        "instructions_md": instructions,
        "facilitator_notes_md": notes,
    }


def _collect_assets(folder: Path, course: ParsedCourse) -> None:
    """Every picture, audio file and download of the course, and the hash of all its files."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder).as_posix()
        if any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue
        data = path.read_bytes()
        digest.update(relative.encode() + b"\0" + hashlib.sha256(data).digest())
        if path.suffix not in (".md", ".toml"):
            course.assets[relative] = data
    course.content_hash = digest.hexdigest()


# --- loading --------------------------------------------------------------------------------


def _rewrite(markdown: str, course_id: str, module_folder: str, digests: dict[str, str]) -> str:
    """Point relative pictures and downloads at the course's asset route."""

    def replace(match: re.Match) -> str:
        target = match.group(2)
        if EXTERNAL_RE.match(target):
            return match.group(0)
        path = (Path(module_folder) / target).as_posix()
        parts: list[str] = []
        for part in path.split("/"):
            if part == "..":
                parts = parts[:-1]
            elif part not in (".", ""):
                parts.append(part)
        relative = "/".join(parts)
        url = asset_url(course_id, relative, digests.get(relative, ""))
        return match.group(0).replace(target, url, 1)

    return LINK_RE.sub(replace, IMAGE_RE.sub(replace, markdown))


def _store_course(session: Session, parsed: ParsedCourse, position: int) -> None:
    data = parsed.data
    course_id = data["id"]
    session.execute(delete(CourseAsset).where(CourseAsset.course_id == course_id))
    course = session.get(Course, course_id)
    if course is not None:
        session.delete(course)
        session.flush()
    digests = {path: hashlib.sha256(blob).hexdigest() for path, blob in parsed.assets.items()}
    course = Course(
        position=position,
        content_hash=parsed.content_hash,
        **{k: v for k, v in data.items() if not k.startswith("_")},
    )
    session.add(course)
    for module_position, module in enumerate(parsed.modules):
        activity = dict(module["activity"])
        activity["instructions"] = {
            lang: str(render_markdown(text))
            for lang, text in activity.pop("instructions_md").items()
        }
        activity["facilitator_notes"] = {
            lang: str(render_markdown(text))
            for lang, text in activity.pop("facilitator_notes_md").items()
        }
        row = Module(
            course_id=course_id,
            id=module["id"],
            position=module_position,
            folder=module["folder"],
            title=module["title"],
            summary=module["summary"],
            quiz=module["quiz"],
            activity=activity,
        )
        course.modules.append(row)
        for page_position, page in enumerate(module["pages"]):
            html = {
                lang: str(render_markdown(_rewrite(text, course_id, module["folder"], digests)))
                for lang, text in page["markdown"].items()
            }
            audio = {
                lang: asset_url(course_id, path, digests[path])
                for lang, path in page["audio"].items()
            }
            row.pages.append(
                Page(
                    course_id=course_id,
                    module_id=module["id"],
                    id=page["id"],
                    position=page_position,
                    title=page["title"],
                    html=html,
                    audio=audio,
                )
            )
    for path, blob in parsed.assets.items():
        media_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        if media_type.startswith("text/"):
            media_type += "; charset=utf-8"
        session.add(CourseAsset(course_id=course_id, path=path, media_type=media_type,
                                sha256=digests[path], data=blob))  # fmt: skip


def _catalogue_order(courses: list[ParsedCourse]) -> list[ParsedCourse]:
    """Courses after their prerequisites and suggested predecessors, then by level, then by id."""
    by_id = {c.data["id"]: c for c in courses}

    def depth(course_id: str, seen: frozenset = frozenset()) -> int:
        course = by_id.get(course_id)
        if course is None or course_id in seen:
            return 0
        before = course.data["prerequisites"] + course.data["_suggested_after"]
        return 1 + max((depth(p, seen | {course_id}) for p in before), default=-1)

    def key(course: ParsedCourse):
        level = course.data["level"]
        return (
            depth(course.data["id"]),
            LEVELS.index(level) if level in LEVELS else 0,
            course.data["id"],
        )

    return sorted(courses, key=key)


def load_content(session: Session, root: Path) -> dict[str, str]:
    """Check then load every course under `root`; returns {course id: "loaded"|"unchanged"}.

    Raises ContentError (nothing written) when any file has a fault.
    """
    known = set(session.scalars(select(Course.id)))
    courses, faults = read_content(Path(root), known)
    modules = {(c.data["id"], m["id"]) for c in courses for m in c.modules}
    modules |= {tuple(row) for row in session.execute(select(Module.course_id, Module.id))}
    plugin_content = []
    for loader in _plugin_loaders():
        parsed, plugin_faults = loader.read(Path(root), modules)
        plugin_content.append((loader, parsed))
        faults.extend(plugin_faults)
    if faults:
        raise ContentError(faults)
    outcome = {}
    courses = _catalogue_order(courses)
    existing = {c.id: c for c in session.scalars(select(Course))}
    for position, parsed in enumerate(courses):
        course_id = parsed.data["id"]
        current = existing.get(course_id)
        if current is not None and current.content_hash == parsed.content_hash:
            if current.position != position:
                current.position = position
            outcome[course_id] = "unchanged"
            continue
        _store_course(session, parsed, position)
        outcome[course_id] = "loaded"
    for loader, parsed in plugin_content:
        outcome.update(loader.store(session, parsed))
    session.flush()
    return outcome


def _plugin_loaders() -> list:
    """The plugins' content loaders (the diagnosis questionnaire...); none outside an app."""
    return registry().content_loaders if has_app_context() else []
