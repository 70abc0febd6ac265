"""Issue 13, finding 2: a learner who rewrites the xAPI state document cannot pass a quiz.

Black-box over HTTP, as an attacker with a browser and curl would: start a quiz, mint the launch
credential content gets (`GET /launch/xapi`), PUT a forged attempt on `/xapi/activities/state`
in the shape the player once kept there, then answer one question. And one answer sent twice at
the same moment (a double click, two tabs) counts once.
"""

from __future__ import annotations

import json
import threading

import pytest

from lms.courses import services
from tests.conftest import AuthActions
from tests.lms.courses.fixtures import write_course
from tests.lms.courses.helpers import QUIZ_FIELDS, answer_form, module_of, quiz_url, statements_of

COURSE, MODULE = "demo-course", "start"
QUIZ_IRI = f"http://taawun.test/courses/{COURSE}/modules/{MODULE}/quiz"
STATE_ID = "https://w3id.org/xapi/taawun/state/quiz-attempt"


@pytest.fixture(scope="module")
def course(app, tmp_path_factory):
    root = tmp_path_factory.mktemp("content")
    write_course(root, COURSE)
    result = app.test_cli_runner().invoke(args=["load-content", str(root)])
    assert result.exit_code == 0, result.output


@pytest.fixture
def learner(make_user, course, auth, client):
    user = make_user("learner")
    client.set_cookie("lang", "en")
    auth.login(user)
    return user


def status_of(app, learner):
    with app.test_request_context():
        return services.course_status(app.extensions["db_session"](), learner, COURSE)


def put_forged_state(client, app, registration: str, document: dict) -> int:
    """PUT `document` as the quiz's state with the learner's own launch credential."""
    launch = client.get("/launch/xapi").get_json()
    headers = {"X-Experience-API-Version": "1.0.3", "Authorization": launch["auth"]}
    params = {
        "activityId": QUIZ_IRI,
        "agent": json.dumps(launch["actor"]),
        "stateId": STATE_ID,
        "registration": registration,
    }
    lrs = app.test_client()  # the content runs without the LMS cookie
    response = lrs.put("/xapi/activities/state", query_string=params, json=document,
                       headers=headers)  # fmt: skip
    return response.status_code


def answer_one_after_forging(client, app, learner, forge_all_others: bool) -> str:
    """Start the quiz, forge its state, answer the first question; the quiz page after."""
    questions = {q["id"]: q for q in module_of(app, COURSE, MODULE).quiz["questions"]}
    assert client.post(quiz_url(COURSE, MODULE, "/start")).status_code == 302
    fields = dict(QUIZ_FIELDS.findall(client.get(quiz_url(COURSE, MODULE)).get_data(as_text=True)))
    first = fields["question"]
    others = [qid for qid in questions if qid != first] if forge_all_others else []
    forged = {
        "attempt": fields["attempt"],
        "order": [first, *others],  # alone: a one-question quiz
        "shuffle": {},
        "answers": {qid: {"response": "x", "success": True} for qid in others},
        "finished": False,
    }
    # The registration is no secret from its learner (their statements carry it); reading it
    # from the LMS only saves the test the hunt.
    registration = status_of(app, learner).registration
    assert put_forged_state(client, app, registration, forged) == 204  # the learner's to write
    data = {**fields, **answer_form(questions[first], right=True)}
    assert client.post(quiz_url(COURSE, MODULE, "/answer"), data=data).status_code == 200
    return client.get(quiz_url(COURSE, MODULE)).get_data(as_text=True)


def test_a_forged_one_question_order_does_not_pass_the_quiz(app, client, learner):
    html = answer_one_after_forging(client, app, learner, forge_all_others=False)
    assert "You passed this quiz." not in html and "Your score" not in html
    assert "Question 2 of 6" in html  # the quiz goes on at its real length
    assert not status_of(app, learner).module(MODULE).quiz_passed


def test_forged_right_answers_do_not_count(app, client, learner):
    html = answer_one_after_forging(client, app, learner, forge_all_others=True)
    assert "You passed this quiz." not in html and "Your score" not in html
    assert "Question 2 of 6" in html
    assert not status_of(app, learner).module(MODULE).quiz_passed


def test_the_score_counts_every_question_of_the_quiz(app, client, learner):
    """One right answer out of six is 1 of 6, whatever was forged before the attempt ended."""
    from tests.lms.courses.helpers import take_quiz

    take_quiz(client, app, COURSE, MODULE, wrong=5)
    html = client.get(quiz_url(COURSE, MODULE)).get_data(as_text=True)
    assert "1 of 6" in html and "Not passed yet" in html
    module = status_of(app, learner).module(MODULE)
    assert not module.quiz_passed and round(module.quiz_best, 3) == 0.167


def test_a_double_submitted_answer_counts_once(app, client, learner, monkeypatch):
    questions = {q["id"]: q for q in module_of(app, COURSE, MODULE).quiz["questions"]}
    client.post(quiz_url(COURSE, MODULE, "/start"))
    fields = dict(QUIZ_FIELDS.findall(client.get(quiz_url(COURSE, MODULE)).get_data(as_text=True)))
    data = {**fields, **answer_form(questions[fields["question"]], right=True)}
    other = app.test_client()  # the second tab
    other.set_cookie("lang", "en")
    AuthActions(other).login(learner)

    # The first request has read the attempt; the second one runs whole, in its own thread and
    # transaction, before the first stores its answer: the worst interleaving, every time.
    real_save, raced = services._save_answer, []

    def save_after_the_other_request(session, row, attempt):
        if not raced:
            raced.append(None)
            racer = threading.Thread(
                target=lambda: raced.append(
                    other.post(quiz_url(COURSE, MODULE, "/answer"), data=data)
                )  # fmt: skip
            )
            racer.start()
            racer.join()
        return real_save(session, row, attempt)

    monkeypatch.setattr(services, "_save_answer", save_after_the_other_request)
    first = client.post(quiz_url(COURSE, MODULE, "/answer"), data=data)

    second = raced[1]
    assert first.status_code == second.status_code == 200
    for response in (first, second):  # both tabs show the feedback of the one answer
        assert "Right!" in response.get_data(as_text=True)
    answered = statements_of(app, learner, "answered")
    assert len(answered) == 1
    html = client.get(quiz_url(COURSE, MODULE)).get_data(as_text=True)
    assert "Question 2 of 6" in html
    assert status_of(app, learner).module(MODULE).quiz_attempts == 0


def test_two_starts_at_the_same_moment_make_one_attempt(app, client, learner, monkeypatch):
    from lms.courses import quiz

    client.post(f"/courses/{COURSE}/launch")  # enrolled: a start writes nothing before its insert
    other = app.test_client()  # the second tab
    other.set_cookie("lang", "en")
    AuthActions(other).login(learner)
    # The first start has seen no live attempt; the second one runs whole before it inserts.
    real_first_steps, raced = quiz.first_steps, []

    def first_steps_after_the_other_start(*args):
        if not raced:
            raced.append(None)
            racer = threading.Thread(
                target=lambda: raced.append(other.post(quiz_url(COURSE, MODULE, "/start")))
            )
            racer.start()
            racer.join()
        return real_first_steps(*args)

    monkeypatch.setattr(quiz, "first_steps", first_steps_after_the_other_start)
    first = client.post(quiz_url(COURSE, MODULE, "/start"))
    assert first.status_code == raced[1].status_code == 302

    def shown(tab):
        return dict(QUIZ_FIELDS.findall(tab.get(quiz_url(COURSE, MODULE)).get_data(as_text=True)))

    assert shown(client) == shown(other)  # one attempt, at the same question in both tabs
