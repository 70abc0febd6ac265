"""Quiz questions: reading a learner's answer from a form, scoring it, and its xAPI response."""

from __future__ import annotations

import random
import re

from flask_babel import gettext as _


class AnswerError(ValueError):
    """The form does not hold a complete answer; the message is for the learner."""


def _choice_ids(question: dict) -> list[str]:
    return [c["id"] for c in question["choices"]]


def read_answer(question: dict, form) -> tuple[str, bool]:
    """(xAPI result.response, success) for the answer in `form` (a MultiDict)."""
    kind = question["type"]
    if kind == "single":
        answer = form.get("answer")
        if answer not in _choice_ids(question):
            raise AnswerError(_("Choose one answer."))
        right = next(c["id"] for c in question["choices"] if c["correct"])
        return answer, answer == right
    if kind == "multiple":
        picked = set(form.getlist("answer")) & set(_choice_ids(question))
        if not picked:
            raise AnswerError(_("Choose at least one answer."))
        ordered = [cid for cid in _choice_ids(question) if cid in picked]
        right = {c["id"] for c in question["choices"] if c["correct"]}
        return "[,]".join(ordered), picked == right
    if kind == "truefalse":
        answer = form.get("answer")
        if answer not in ("true", "false"):
            raise AnswerError(_("Choose true or false."))
        return answer, (answer == "true") == question["answer"]
    if kind == "ordering":
        return _read_ordering(question, form)
    if kind == "matching":
        return _read_matching(question, form)
    return _read_numeric(question, form)


def _read_ordering(question: dict, form) -> tuple[str, bool]:
    ids = [item["id"] for item in question["items"]]
    positions = {}
    for item_id in ids:
        value = form.get(f"position-{item_id}", "")
        if not value.isdigit():
            raise AnswerError(_("Give every step a place in the order."))
        positions[item_id] = int(value)
    if sorted(positions.values()) != list(range(1, len(ids) + 1)):
        raise AnswerError(_("Use each place (1, 2, 3...) once."))
    ordered = sorted(ids, key=positions.get)
    return "[,]".join(ordered), ordered == ids


def _read_matching(question: dict, form) -> tuple[str, bool]:
    ids = [pair["id"] for pair in question["pairs"]]
    chosen = {}
    for source in ids:
        target = form.get(f"match-{source}", "")
        if target not in ids:
            raise AnswerError(_("Match every item."))
        chosen[source] = target
    response = "[,]".join(f"{source}[.]{chosen[source]}" for source in ids)
    return response, all(chosen[source] == source for source in ids)


NUMBER_RE = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


def _read_numeric(question: dict, form) -> tuple[str, bool]:
    raw = re.sub(r"[\s\u00a0\u202f]", "", form.get("answer", ""))
    if (
        raw.count(",") > 1
        or (raw.count(",") == 1 and "." in raw)
        or re.fullmatch(r"\d{1,3}(,\d{3})+", raw)
    ):
        raw = raw.replace(",", "")  # thousands separators: 750,000
    if not NUMBER_RE.match(raw):
        raise AnswerError(_("Write a number, for example 1500."))
    value = float(raw.replace(",", "."))
    text = str(int(value)) if value.is_integer() else str(value)
    tolerance = question.get("tolerance", 0) or 0
    return text, abs(value - question["answer"]) <= tolerance


def new_order(question_ids: list[str], previous: list[str] | None) -> list[str]:
    """A shuffled order, different from the previous attempt's when that is possible."""
    order = list(question_ids)
    for _attempt in range(20):
        random.shuffle(order)
        if order != previous or len(set(order)) < 2:
            break
    return order


def shuffled_ids(question: dict) -> list[str]:
    """The order in which a question's items or targets are shown (never the right order)."""
    key = {"ordering": "items", "matching": "pairs"}.get(question["type"])
    if key is None:
        return []
    ids = [entry["id"] for entry in question[key]]
    return new_order(ids, ids)
