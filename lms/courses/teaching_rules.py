"""The teaching rules `lms load-content` adds to the format checks (second edition, issue 17).

They exist because the courses are for people who read little, and a rule that only lives in a
style guide is forgotten by the next writer:

- a page has at least one picture (the picture carries the message for those who do not read);
- a course may cap words and paragraphs per page (`[page_limits]` in course.toml; Think.COOP
  uses it so that a page holds one idea);
- at least half of every quiz's questions are scenarios (`scenario = true`), not recall;
- `content/glossary/<lang>.toml` lists the words the courses use, and the words to avoid; an
  avoided word anywhere in a course fails the load, so a fixed term stays fixed.

Each fault names the file and the line, like the rest of the loader.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

PICTURE_RE = re.compile(r"!\[[^\]]*\]\([^)]+\)")
#: Markdown marks that are not words: list bullets, heading hashes, table bars, emphasis.
MARKUP_RE = re.compile(r"(?:^|\s)(?:[-*+]|\d+\.|#+|\|)(?=\s)|[*_|]")
WORD_RE = re.compile(r"\w[\w'’-]*")
GLOSSARY_FOLDER = "glossary"


@dataclass(frozen=True)
class PageLimits:
    max_words: int
    max_paragraphs: int


def page_faults(lines: list[str], first_body_line: int, limits: PageLimits | None):
    """(line, problem) for one page's body; `lines` start at `first_body_line` in the file."""
    if not any(PICTURE_RE.search(line) for line in lines):
        yield first_body_line - 1, "the page has no picture: add ![what it shows](images/...)"
    if limits is None:
        return
    words = paragraphs = 0
    in_paragraph = False
    word_fault = paragraph_fault = False
    for number, line in enumerate(lines, first_body_line):
        text = line.strip()
        # a blank line or a picture ends a paragraph; a heading's words count but it is no
        # paragraph; a list or a table written without blank lines counts as one paragraph
        if not text or PICTURE_RE.fullmatch(text) or text.startswith("#"):
            in_paragraph = False
            words += _count_words(text) if text.startswith("#") else 0
        else:
            if not in_paragraph:
                paragraphs += 1
                in_paragraph = True
            words += _count_words(PICTURE_RE.sub("", text))
        if words > limits.max_words and not word_fault:
            word_fault = True
            yield number, (f"the page passes {limits.max_words} words here (one idea per "
                           "page): cut, or split it into two pages")  # fmt: skip
        if paragraphs > limits.max_paragraphs and not paragraph_fault:
            paragraph_fault = True
            yield number, (f"paragraph {paragraphs}: a page has at most "
                           f"{limits.max_paragraphs} (one idea per page)")  # fmt: skip


def _count_words(text: str) -> int:
    return len(WORD_RE.findall(MARKUP_RE.sub(" ", text.lstrip("#"))))


def scenario_fault(questions: list[dict]) -> str | None:
    """The problem when fewer than half the quiz's questions are marked `scenario = true`."""
    scenarios = sum(1 for question in questions if question.get("scenario") is True)
    if questions and scenarios * 2 < len(questions):
        return (f"only {scenarios} of {len(questions)} questions are scenarios "
                "(scenario = true): at least half must put the learner in a situation")  # fmt: skip
    return None


# --- glossary -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AvoidedTerm:
    lang: str
    avoid: str
    use: str
    pattern: re.Pattern

    def problem(self) -> str:
        return f"{self.avoid!r} is on the {self.lang} glossary's avoid list: write {self.use!r}"


@dataclass
class Glossary:
    terms: list[AvoidedTerm]

    def faults_in(self, path: Path, lang: str | None):
        """(line, problem) for each avoided term in a course file.

        A page or worksheet (`name.<lang>.md`) is checked against its own language's list; a
        TOML file holds every language side by side, so it is checked against all lists."""
        terms = [t for t in self.terms if lang is None or t.lang == lang]
        if not terms:
            return
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for term in terms:
                if term.pattern.search(line):
                    yield number, term.problem()


#: Arabic writes "and", "the", "for the"... joined to the word: «والزبائن» is «زبائن» too.
ARABIC_PREFIXES = r"(?:[وفبكل]?ال|لل|[وفبكل])?"


def _term_pattern(term: str, lang: str) -> re.Pattern:
    # whole words only: "register" must not match inside "registered"; Arabic letters are \w too
    prefix = ARABIC_PREFIXES if lang == "ar" else ""
    return re.compile(rf"(?<![\w-]){prefix}{re.escape(term)}(?![\w-])", re.IGNORECASE)


def read_glossary(root: Path, languages, fault) -> Glossary | None:
    """`root/glossary/<lang>.toml`, or None when the content has no glossary folder."""
    folder = root / GLOSSARY_FOLDER
    if not folder.is_dir():
        return None
    terms: list[AvoidedTerm] = []
    for lang in languages:
        path = folder / f"{lang}.toml"
        if not path.is_file():
            fault(path, 1, f"the glossary has no {lang} file")
            continue
        try:
            text = path.read_text(encoding="utf-8")
            data = tomllib.loads(text)
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            fault(path, 1, f"invalid glossary: {exc}")
            continue
        starts = [n for n, line in enumerate(text.splitlines(), 1) if line.strip() == "[[terms]]"]
        entries = data.get("terms")
        if not isinstance(entries, list) or not entries:
            fault(path, 1, "the glossary needs [[terms]] entries")
            continue
        for index, entry in enumerate(entries):
            line = starts[index] if index < len(starts) else 1
            terms.extend(_read_term(entry, lang, path, line, fault))
    return Glossary(terms)


def _read_term(entry, lang: str, path: Path, line: int, fault) -> list[AvoidedTerm]:
    use, meaning, avoid = entry.get("term"), entry.get("meaning"), entry.get("avoid", [])
    if not isinstance(use, str) or not use.strip():
        fault(path, line, 'a glossary entry needs term = "..."')
        return []
    if not isinstance(meaning, str) or not meaning.strip():
        fault(path, line, f'glossary term {use!r}: meaning = "..." is missing')
    if not isinstance(avoid, list) or not all(isinstance(a, str) and a.strip() for a in avoid):
        fault(path, line, f"glossary term {use!r}: avoid must be a list of words")
        return []
    return [AvoidedTerm(lang, word, use, _term_pattern(word, lang)) for word in avoid]


def course_text_files(course_folder: Path):
    """(path, language or None) of every file whose words a learner or trainer reads.

    The trainer's guides (`guide/trainer-guide.<lang>.md`) are left out: they are written from
    files checked here, and their glossary table lists the avoided words on purpose."""
    for path in sorted(course_folder.rglob("*")):
        relative = path.relative_to(course_folder)
        if not path.is_file() or any(part.startswith(".") for part in relative.parts):
            continue
        if relative.parts[0] == "guide" and path.name.startswith("trainer-guide."):
            continue
        if path.suffix == ".toml":
            yield path, None
        elif path.suffix in (".md", ".csv"):
            parts = path.name.split(".")
            yield path, parts[-2] if len(parts) >= 3 else None
