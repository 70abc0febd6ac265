"""A learner's way through a quiz: a wrong answer tried again at once (the first one graded), and
"continue" after a passed quiz leading on, not back to the finished quiz."""

from __future__ import annotations

import pytest

from tests.lms.courses.helpers import (
    QUIZ_FIELDS,
    answer_form,
    module_of,
    quiz_url,
    statements_of,
    take_quiz,
)
from tests.lms.courses.test_player import status_of


@pytest.fixture
def learner(make_user, courses, auth, client):
    user = make_user("learner")
    client.set_cookie("lang", "en")
    auth.login(user)
    return user


def _first_question(client, app, module_id="start"):
    questions = {q["id"]: q for q in module_of(app, "demo-course", module_id).quiz["questions"]}
    client.post(quiz_url("demo-course", module_id, "/start"))
    html = client.get(quiz_url("demo-course", module_id)).get_data(as_text=True)
    fields = dict(QUIZ_FIELDS.findall(html))
    return fields, questions[fields["question"]], questions


def test_a_wrong_answer_may_be_tried_again_at_once_and_the_first_answer_counts(
    app, client, learner
):
    fields, question, questions = _first_question(client, app)
    wrong = {**fields, **answer_form(question, right=False)}
    html = client.post(quiz_url("demo-course", "start", "/answer"), data=wrong).text
    again = f"{quiz_url('demo-course', 'start')}?again={question['id']}"
    assert "Try this question again" in html and again in html
    answered = len(statements_of(app, learner, "answered"))

    html = client.get(again).text
    assert dict(QUIZ_FIELDS.findall(html))["question"] == question["id"]
    assert 'action="/courses/demo-course/modules/start/quiz/practice"' in html
    right = {**fields, **answer_form(question, right=True)}
    html = client.post(quiz_url("demo-course", "start", "/practice"), data=right).text
    assert "Right!" in html and "your first answer is the one that counts" in html

    assert len(statements_of(app, learner, "answered")) == answered  # practice is not recorded
    html = client.get(quiz_url("demo-course", "start")).text
    assert dict(QUIZ_FIELDS.findall(html))["question"] != question["id"]  # the quiz moved on
    for _ in range(len(questions) - 1):
        fields = dict(QUIZ_FIELDS.findall(client.get(quiz_url("demo-course", "start")).text))
        data = {**fields, **answer_form(questions[fields["question"]], right=True)}
        client.post(quiz_url("demo-course", "start", "/answer"), data=data)
    html = client.get(quiz_url("demo-course", "start")).text
    total = len(questions)
    assert f"{total - 1} of {total}" in html  # the first, wrong, answer is the graded one


def test_a_question_not_answered_yet_cannot_be_practised(app, client, learner):
    """Practice shows right or wrong without counting: before the graded answer, a free look."""
    fields, question, _questions = _first_question(client, app)
    right = {**fields, **answer_form(question, right=True)}
    response = client.post(quiz_url("demo-course", "start", "/practice"), data=right)
    assert response.status_code == 302 and "Right!" not in response.text
    html = client.get(f"{quiz_url('demo-course', 'start')}?again={question['id']}").text
    assert "/quiz/practice" not in html and "/quiz/answer" in html  # the graded question
    assert status_of(app, learner).module("start").quiz_attempts == 0


def test_practice_needs_the_learners_live_attempt(app, client, learner):
    fields, question, _questions = _first_question(client, app)
    client.post(quiz_url("demo-course", "start", "/answer"),
                data={**fields, **answer_form(question, right=False)})  # fmt: skip
    other = {**fields, "attempt": "someone-elses", **answer_form(question, right=True)}
    response = client.post(quiz_url("demo-course", "start", "/practice"), data=other)
    assert response.status_code == 302 and "Right!" not in response.text


def test_after_a_passed_quiz_continue_leads_on_not_back_to_the_quiz(app, client, learner):
    client.post("/courses/demo-course/launch")
    take_quiz(client, app, "demo-course", "start")
    html = client.get(quiz_url("demo-course", "start")).text
    assert "You passed this quiz." in html
    response = client.post("/courses/demo-course/launch")
    assert not response.headers["Location"].endswith(quiz_url("demo-course", "start"))
    assert f'href="{response.headers["Location"]}"' in html  # the result's "Continue" button
