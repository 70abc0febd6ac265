"""The trainer's guide of each course, written from the course's own files.

`python -m lms.courses.trainer_guide [content]` writes `<course>/guide/trainer-guide.<lang>.md`
for every course and language. The hand-written parts live in content: the texts every guide
shares in `content/guide.toml`, and each course's length, objectives per module and programme in
`<course>/guide/plan.toml`. The rest is read from the course, so the guide cannot drift from it:
the activities, an oral version of every quiz question (for a group around one phone), the
pictures to print as cards (with their alt text) and the glossary.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

LANGUAGES = ("fr", "en", "ar")
PICTURE_RE = re.compile(r"!\[([^\]]+)\]\(([^)]+)\)")


def _toml(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _colon(lang: str) -> str:
    # French puts a (non-breaking) space before a colon
    return "\u00a0:" if lang == "fr" else ":"


def _course(folder: Path) -> tuple[dict, list[dict]]:
    course = _toml(folder / "course.toml")
    modules = []
    for name in course["modules"]:
        module = _toml(folder / name / "module.toml")
        module["folder"] = name
        module["activity"] = _toml(folder / name / "activity.toml")
        module["questions"] = _toml(folder / name / "quiz.toml")["questions"]
        modules.append(module)
    return course, modules


def oral_question(question: dict, lang: str, texts: dict, number: int) -> str:
    """One quiz question as it is read aloud, then its answer and explanation."""
    say = texts
    colon = _colon(lang)
    mark = f" *({say['scenario'][lang]})*" if question.get("scenario") else ""
    lines = [f"**{number}.** {question['prompt'][lang]}{mark}", ""]
    kind = question["type"]
    explain = question["feedback_correct"][lang]
    if kind in ("single", "multiple"):
        choices = question["choices"]
        lines += [f"{n}. {c['text'][lang]}" for n, c in enumerate(choices, 1)] + [""]
        right = ", ".join(str(n) for n, c in enumerate(choices, 1) if c.get("correct"))
        lines.append(f"{say['answer'][lang]}{colon} {right}. {explain}")
    elif kind == "truefalse":
        value = say["true" if question["answer"] else "false"][lang]
        lines.append(f"{say['answer'][lang]}{colon} {value}. {explain}")
    elif kind == "numeric":
        unit = question.get("unit", {}).get(lang, "")
        answer = f"{question['answer']} {unit}".strip()
        lines.append(f"{say['answer'][lang]}{colon} {answer}. {explain}")
    elif kind == "ordering":
        items = question["items"]
        shown = items[1::2] + items[0::2]  # read out of order; the answer gives the order
        lines += [f"- {i['text'][lang]}" for i in shown] + [""]
        order = " → ".join(i["text"][lang] for i in items)
        lines.append(f"{say['order'][lang]}{colon} {order}.")
    elif kind == "matching":
        pairs = question["pairs"]
        lines += [f"- {p['source'][lang]}" for p in pairs] + [""]
        lines += [f"- {p['target'][lang]}" for p in pairs[1:] + pairs[:1]] + [""]
        matched = " ; ".join(f"{p['source'][lang]} = {p['target'][lang]}" for p in pairs)
        lines.append(f"{say['pairs'][lang]}{colon} {matched}.")
    return "\n".join(lines) + "\n"


def _picture_cards(folder: Path, modules: list[dict], lang: str) -> list[str]:
    lines, seen = [], set()
    for module in modules:
        rows = []
        for page_id in module["pages"]:
            page = folder / module["folder"] / f"{page_id}.{lang}.md"
            for alt, target in PICTURE_RE.findall(page.read_text(encoding="utf-8")):
                parts: list[str] = []
                for part in f"{module['folder']}/{target}".split("/"):
                    parts = parts[:-1] if part == ".." else [*parts, part]
                path = "/".join(parts)
                if path not in seen:
                    seen.add(path)
                    rows.append(f"- `{path}`{_colon(lang)} {alt}")
        if rows:
            lines += [f"**{module['title'][lang]}**", "", *rows, ""]
    return lines


def guide(folder: Path, texts: dict, glossary: list[dict], lang: str) -> str:
    """The trainer's guide of the course in `folder`, in one language, as Markdown."""
    say = {key: value[lang] for key, value in texts.items()}
    colon = _colon(lang)
    course, modules = _course(folder)
    plan = _toml(folder / "guide" / "plan.toml")
    out = [f"# {say['title']}{colon} {course['title'][lang]}", ""]
    out += [f"## {say['about']}", "", course["summary"][lang], "", plan["days"][lang], ""]
    out += [say["method"].strip(), "", f"## {say['objectives']}", ""]
    for number, (module, goal) in enumerate(zip(modules, plan["objectives"][lang], strict=True), 1):
        out.append(f"{number}. **{module['title'][lang]}**{colon} {goal}")
    out += ["", f"## {say['programme']}", "", say["prog_cols"].strip()]
    for row in plan["programme"]:
        block = row["block"]
        label = say[block] if isinstance(block, str) else modules[block - 1]["title"][lang]
        out.append(f"| {row['at']} | {label} | {row['minutes']} min |")
    out += ["", f"## {say['activities']}", ""]
    for module in modules:
        activity = module["activity"]
        line = say["act_line"].format(title=activity["title"][lang], minutes=activity["minutes"])
        out.append(f"- {module['title'][lang]}{colon} {line}")
    out += ["", f"## {say['oral']}", "", say["oral_how"].strip(), ""]
    for module in modules:
        out += [f"### {module['title'][lang]}", ""]
        out += [oral_question(q, lang, texts, n) for n, q in enumerate(module["questions"], 1)]
    out += [f"## {say['field']}", "", say["field_text"].strip(), ""]
    out += [f"## {say['eval']}", "", say["eval_text"].strip(), ""]
    out += [f"## {say['cards']}", "", say["cards_how"].strip(), ""]
    out += _picture_cards(folder, modules, lang)
    out += [f"## {say['glossary']}", "", say["glossary_how"].strip(), ""]
    out += [f"| {say['word']} | {say['meaning']} | {say['avoid']} |", "| --- | --- | --- |"]
    for term in glossary:
        avoid = ", ".join(term.get("avoid", [])) or "—"
        out.append(f"| **{term['term']}** | {term['meaning']} | {avoid} |")
    return "\n".join(out).rstrip() + "\n"


def write_guides(root: Path) -> list[Path]:
    """Write every course's guide in every language; returns the files written."""
    texts = _toml(root / "guide.toml")
    glossaries = {lang: _toml(root / "glossary" / f"{lang}.toml")["terms"] for lang in LANGUAGES}
    written = []
    for folder in sorted(p for p in root.iterdir() if (p / "guide" / "plan.toml").is_file()):
        for lang in LANGUAGES:
            path = folder / "guide" / f"trainer-guide.{lang}.md"
            path.write_text(guide(folder, texts, glossaries[lang], lang), encoding="utf-8")
            written.append(path)
    return written


if __name__ == "__main__":
    for written in write_guides(Path(sys.argv[1] if len(sys.argv) > 1 else "content")):
        print(written)
