"""A quiz attempt's steps when the course content changed under it (unit tests, no database)."""

from __future__ import annotations

from lms.courses.quiz import Answer, Attempt

QUESTIONS = {qid: {"id": qid} for qid in ("a", "b", "c")}


def test_a_question_added_during_the_attempt_is_asked_last():
    attempt = Attempt("x", order=["b", "a"], shuffle={}, answers={"b": Answer("1", True)})
    assert attempt.pending(QUESTIONS) == ["a", "c"]
    assert attempt.screen(QUESTIONS) == ("question", QUESTIONS["a"])


def test_answers_to_removed_questions_never_score():
    answers = {qid: Answer("1", True) for qid in ("a", "b", "gone")}
    attempt = Attempt("x", order=["a", "b", "gone"], shuffle={}, answers=answers)
    assert attempt.score(QUESTIONS) == 2 and attempt.pending(QUESTIONS) == ["c"]


def test_a_finished_attempt_shows_its_result():
    attempt = Attempt("x", order=["a"], shuffle={}, answers={}, raw=0, passed=False)
    assert attempt.finished and attempt.screen(QUESTIONS) == ("result", None)
