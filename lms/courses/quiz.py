"""Quizzes: a learner's attempt and its steps, reading an answer from a form, and scoring it.

Pure rules on plain data: `lms.courses.services` keeps attempts in their table and records the
statements; the view only shows the screen an attempt is at.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

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


# --- an attempt and its steps ---------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """What the learner answered to one question: the xAPI `result.response`, and if right."""

    response: str
    success: bool


@dataclass
class Attempt:
    """One attempt at a quiz: its questions in order, each item order shown, answers given."""

    id: str  # the attempt's UUID: in the form, and the statements' attempt extension
    order: list[str]
    shuffle: dict[str, list[str]]
    answers: dict[str, Answer]
    raw: int | None = None  # right answers, once finished
    passed: bool | None = None  # None until the last answer

    @property
    def finished(self) -> bool:
        return self.passed is not None

    def in_order(self, questions: dict[str, dict]) -> list[str]:
        """The quiz's question ids in this attempt's order. A question the content gained since
        the attempt began comes last, so the attempt always covers the whole quiz."""
        ids = [q for q in self.order if q in questions]
        return ids + [q for q in questions if q not in self.order]

    def pending(self, questions: dict[str, dict]) -> list[str]:
        return [q for q in self.in_order(questions) if q not in self.answers]

    def current(self, questions: dict[str, dict]) -> dict | None:
        pending = self.pending(questions)
        return questions[pending[0]] if pending else None

    def score(self, questions: dict[str, dict]) -> int:
        """Right answers to the quiz's questions; out of `len(questions)`, never fewer."""
        return sum(1 for qid, given in self.answers.items() if qid in questions and given.success)

    def screen(self, questions: dict[str, dict]) -> tuple[str, dict | None]:
        """The quiz screen this attempt is at: (intro | question | result, current question)."""
        if self.finished:
            return "result", None
        question = self.current(questions)
        return ("question", question) if question else ("intro", None)


def questions_of(quiz: dict) -> dict[str, dict]:
    """A module's quiz questions by id, in the content's order."""
    return {q["id"]: q for q in quiz.get("questions", ())}


def first_steps(questions: dict[str, dict], previous: list[str] | None):
    """(order, shuffle) of a new attempt: questions in an order new to the learner, and the
    order each question shows its items or targets in."""
    order = new_order(list(questions), previous)
    return order, {qid: shuffled_ids(question) for qid, question in questions.items()}


@dataclass(frozen=True)
class Outcome:
    """What answering a question did, for the screen that follows.

    - `over`: the form's attempt is not the learner's live one (back to the quiz, with a note);
    - neither `given` nor `error`: not the question the attempt is at (back to that one);
    - `error`: the answer was incomplete (the question again, with this message);
    - `given`: the answer counted, or had already counted (its feedback).
    """

    attempt: Attempt | None
    question: dict | None = None
    given: Answer | None = None
    error: str | None = None
    over: bool = False
    total: int = 0
    status: object = None  # the learner's CourseStatus after the answer, when it was computed

    @property
    def correct(self) -> bool:
        return bool(self.given and self.given.success)

    @property
    def finished(self) -> bool:
        return bool(self.attempt and self.attempt.finished)

    @property
    def passed(self) -> bool:
        return bool(self.attempt and self.attempt.passed)

    @property
    def score(self) -> int | None:
        return self.attempt.raw if self.attempt else None


def right_answer(question: dict) -> dict:
    """The form fields of the right answer to `question` (what read_answer accepts as right):
    the demo learner answers with it, through the same service a learner's form goes to."""
    kind = question["type"]
    if kind == "single":
        return {"answer": next(c["id"] for c in question["choices"] if c["correct"])}
    if kind == "multiple":
        return {"answer": [c["id"] for c in question["choices"] if c["correct"]]}
    if kind == "truefalse":
        return {"answer": "true" if question["answer"] else "false"}
    if kind == "ordering":
        ids = [item["id"] for item in question["items"]]
        return {f"position-{item}": str(place) for place, item in enumerate(ids, start=1)}
    if kind == "matching":
        return {f"match-{pair['id']}": pair["id"] for pair in question["pairs"]}
    return {"answer": str(question["answer"])}
