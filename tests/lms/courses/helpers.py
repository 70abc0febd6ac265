"""Helpers for the player tests: load a fixture course, answer quiz questions, read statements."""

from __future__ import annotations

import re

from lms.courses.models import Course
from lms.xapi import recorder

QUIZ_FIELDS = re.compile(r'name="(attempt|question)" value="([^"]+)"')


def module_of(app, course_id: str, module_id: str):
    with app.app_context():
        course = app.extensions["db_session"]().get(Course, course_id)
        return next(m for m in course.modules if m.id == module_id)


def answer_form(question: dict, right: bool = True) -> dict:
    """Form fields answering `question`, rightly or wrongly."""
    kind = question["type"]
    if kind == "single":
        pick = [c for c in question["choices"] if c["correct"] == right][0]
        return {"answer": pick["id"]}
    if kind == "multiple":
        picks = [c["id"] for c in question["choices"] if c["correct"]]
        if not right:
            picks = picks[:1] + [c["id"] for c in question["choices"] if not c["correct"]][:1]
        return {"answer": picks}
    if kind == "truefalse":
        return {"answer": "true" if question["answer"] == right else "false"}
    if kind == "ordering":
        ids = [item["id"] for item in question["items"]]
        order = ids if right else list(reversed(ids))
        return {f"position-{item}": str(order.index(item) + 1) for item in ids}
    if kind == "matching":
        ids = [pair["id"] for pair in question["pairs"]]
        targets = ids if right else ids[1:] + ids[:1]
        return {f"match-{source}": target for source, target in zip(ids, targets, strict=True)}
    value = question["answer"] + (0 if right else question.get("tolerance", 0) + 1)
    return {"answer": str(value)}


def quiz_url(course_id: str, module_id: str, tail: str = "") -> str:
    return f"/courses/{course_id}/modules/{module_id}/quiz{tail}"


def take_quiz(client, app, course_id, module_id, wrong: int = 0) -> list[str]:
    """Start an attempt and answer every question (the first `wrong` ones wrongly)."""
    module = module_of(app, course_id, module_id)
    questions = {q["id"]: q for q in module.quiz["questions"]}
    assert client.post(quiz_url(course_id, module_id, "/start")).status_code == 302
    order = []
    for index in range(len(questions)):
        html = client.get(quiz_url(course_id, module_id)).get_data(as_text=True)
        fields = dict(QUIZ_FIELDS.findall(html))
        question = questions[fields["question"]]
        order.append(question["id"])
        data = {"attempt": fields["attempt"], "question": question["id"]}
        data.update(answer_form(question, right=index >= wrong))
        response = client.post(quiz_url(course_id, module_id, "/answer"), data=data)
        assert response.status_code == 200, response.get_data(as_text=True)
    return order


def read_pages(client, app, course_id, module_id):
    module = module_of(app, course_id, module_id)
    for page in module.pages:
        url = f"/courses/{course_id}/modules/{module_id}/pages/{page.id}"
        assert client.get(url).status_code == 200


def statements_of(app, user, verb_key=None) -> list[dict]:
    with app.test_request_context():
        return list(recorder.statements(agent=recorder.actor_dict(user), verb_key=verb_key))
