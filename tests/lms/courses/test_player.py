"""The course player as a learner uses it: launch, pages, quiz, activity, resume, locks."""

from __future__ import annotations

import re

import pytest

from lms.courses import services
from tests.lms.courses.helpers import (
    QUIZ_FIELDS,
    answer_form,
    module_of,
    quiz_url,
    read_pages,
    statements_of,
    take_quiz,
)

PAGE = "/courses/demo-course/modules/start/pages/01-first"


@pytest.fixture
def learner(make_user, courses, auth, client):
    user = make_user("learner")
    client.set_cookie("lang", "en")  # the assertions read the English interface
    auth.login(user)
    return user


def status_of(app, user, course_id="demo-course"):
    with app.test_request_context():
        return services.course_status(app.extensions["db_session"](), user, course_id)


def test_catalogue_filters_by_language_and_level(client, courses):
    html = client.get("/courses").get_data(as_text=True)
    assert "Cours demo-course" in html and "Cours next-course" in html
    assert "Cours demo-course" in client.get("/courses?lang=ar&level=beginner").get_data(
        as_text=True
    )
    assert "Cours demo-course" not in client.get("/courses?level=advanced").get_data(as_text=True)


def test_first_launch_enrols_with_a_registration_and_opens_the_first_page(app, client, learner):
    response = client.post("/courses/demo-course/launch")
    assert response.status_code == 302 and response.headers["Location"].endswith(PAGE)
    status = status_of(app, learner)
    assert status.enrolled and re.fullmatch(r"[0-9a-f-]{36}", status.registration)
    client.post("/courses/demo-course/launch")
    assert status_of(app, learner).registration == status.registration  # one per enrolment


def test_lesson_page_shows_picture_with_alt_progress_and_neighbours(client, learner):
    html = client.get(PAGE).get_data(as_text=True)
    assert '<img alt="A circle en"' in html
    assert "<progress" in html and 'rel="next"' in html
    assert 'href="/courses/demo-course/modules/start/pages/02-second"' in html


def test_lesson_page_follows_the_learner_language(client, learner):
    client.post("/language", data={"lang": "ar", "next": "/"})
    html = client.get(PAGE).get_data(as_text=True)
    assert 'lang="ar" dir="rtl"' in html and "01-start 01-first ar" in html


def test_audio_player_appears_only_when_the_page_has_audio(app, client, learner, courses):
    html = client.get(PAGE).get_data(as_text=True)
    src = re.search(r'<audio controls preload="none" src="([^"]+)"', html).group(1)
    assert src.startswith("/courses/demo-course/assets/01-start/01-first.en.mp3?v=")
    assert client.get(src).mimetype == "audio/mpeg"
    second = client.get("/courses/demo-course/modules/start/pages/02-second")
    assert "<audio" not in second.get_data(as_text=True)
    client.set_cookie("lang", "fr")
    assert "<audio" not in client.get(PAGE).get_data(as_text=True)  # no French recording


def test_a_locked_course_says_what_to_complete_first(client, learner):
    html = client.get("/courses/next-course").get_data(as_text=True)
    assert "Course demo-course" in html and "🔒" in html
    response = client.get("/courses/next-course/modules/only/pages/01-first")
    assert response.status_code == 403
    assert "Complete this course first" in response.get_data(as_text=True)
    assert client.post("/courses/next-course/launch").status_code == 403


def test_quiz_scores_every_question_type(app, client, learner):
    take_quiz(client, app, "demo-course", "start")
    html = client.get(quiz_url("demo-course", "start")).get_data(as_text=True)
    assert "6 of 6" in html and "You passed this quiz." in html
    module = status_of(app, learner).module("start")
    assert module.quiz_passed and module.quiz_best == 1.0 and module.quiz_attempts == 1


def test_each_question_type_can_be_answered_wrongly(app, client, learner):
    module = module_of(app, "demo-course", "start")
    for question in module.quiz["questions"]:
        from werkzeug.datastructures import MultiDict

        from lms.courses.quiz import read_answer

        with app.test_request_context():
            _response, right = read_answer(question, MultiDict(answer_form(question, True)))
            _response, wrong = read_answer(question, MultiDict(answer_form(question, False)))
        assert (right, wrong) == (True, False), question["type"]


def test_failing_a_quiz_shows_the_score_and_retry_changes_the_order(app, client, learner):
    first = take_quiz(client, app, "demo-course", "next", wrong=3)
    html = client.get(quiz_url("demo-course", "next")).get_data(as_text=True)
    assert "3 of 6" in html and "Not passed yet" in html
    second = take_quiz(client, app, "demo-course", "next")
    assert sorted(first) == sorted(second) and first != second
    module = status_of(app, learner).module("next")
    assert module.quiz_attempts == 2 and module.quiz_passed and module.quiz_best == 1.0


def test_an_incomplete_answer_is_refused_with_a_message_and_nothing_recorded(app, client, learner):
    client.post(quiz_url("demo-course", "start", "/start"))
    html = client.get(quiz_url("demo-course", "start")).get_data(as_text=True)
    fields = dict(QUIZ_FIELDS.findall(html))
    before = len(statements_of(app, learner, "answered"))
    response = client.post(quiz_url("demo-course", "start", "/answer"), data=fields)
    assert response.status_code == 422
    assert 'role="alert"' in response.get_data(as_text=True)
    assert len(statements_of(app, learner, "answered")) == before


def test_feedback_follows_each_answer(app, client, learner):
    module = module_of(app, "demo-course", "start")
    questions = {q["id"]: q for q in module.quiz["questions"]}
    client.post(quiz_url("demo-course", "start", "/start"))
    html = client.get(quiz_url("demo-course", "start")).get_data(as_text=True)
    fields = dict(QUIZ_FIELDS.findall(html))
    question = questions[fields["question"]]
    data = {**fields, **answer_form(question, right=False)}
    html = client.post(quiz_url("demo-course", "start", "/answer"), data=data).get_data(
        as_text=True
    )
    assert "Not right." in html and "Wrong (fr)" in html or "Wrong" in html
    assert "Next question" in html


def test_activity_answer_is_stored_for_trainers(app, client, learner):
    url = "/courses/demo-course/modules/start/activity"
    assert client.post(url, data={"answer": ""}).status_code == 422
    response = client.post(url, data={"answer": "We share a press."})
    assert response.status_code == 302
    with app.test_request_context():
        answers = services.activity_answers(
            app.extensions["db_session"](), [learner.id], "demo-course"
        )
    assert [(a["module_id"], a["activity_id"], a["text"]) for a in answers] == [
        ("start", "our-problem", "We share a press.")
    ]
    assert "We share a press." in client.get(url).get_data(as_text=True)


def test_facilitator_notes_are_for_trainers_only(app, make_user, courses, auth, client):
    url = "/courses/demo-course/modules/start/activity"
    learner = make_user("learner")
    auth.login(learner)
    assert "Facilitator notes" not in client.get(url).get_data(as_text=True)
    auth.logout()
    auth.login(make_user("trainer"))
    assert "Notes <strong>en</strong>" in client.get(url).get_data(as_text=True) or "Notes" in (
        client.get(url).get_data(as_text=True)
    )


def test_completing_every_module_completes_the_course_and_unlocks_the_next(app, client, learner):
    client.post("/courses/demo-course/launch")
    for module_id in ("start", "next"):
        read_pages(client, app, "demo-course", module_id)
        assert not status_of(app, learner).module(module_id).completed  # quiz not passed yet
        take_quiz(client, app, "demo-course", module_id)
        assert status_of(app, learner).module(module_id).completed
    status = status_of(app, learner)
    assert status.completed and status.progress == 100
    with app.test_request_context():
        from lms.path import course_completed

        assert course_completed(learner, "demo-course")
    assert client.get("/courses/next-course/modules/only/pages/01-first").status_code == 200


def test_a_course_without_the_quiz_rule_completes_when_every_page_is_read(app, client, learner):
    read_pages(client, app, "pages-only", "only")
    status = status_of(app, learner, "pages-only")
    assert status.module("only").completed and status.completed and status.progress == 100
    assert not status.module("only").quiz_passed


def test_passing_the_quiz_without_reading_every_page_does_not_complete(app, client, learner):
    client.get(PAGE)
    take_quiz(client, app, "demo-course", "start")
    module = status_of(app, learner).module("start")
    assert module.quiz_passed and not module.completed
    client.get("/courses/demo-course/modules/start/pages/02-second")
    assert status_of(app, learner).module("start").completed


def test_resume_on_a_fresh_client_goes_where_the_learner_left_off(app, learner, client):
    client.post("/courses/demo-course/launch")
    client.get("/courses/demo-course/modules/next/pages/02-second")
    other = app.test_client()  # another device: nothing shared but the account
    from tests.conftest import AuthActions

    AuthActions(other).login(learner)
    response = other.post("/courses/demo-course/launch")
    assert response.headers["Location"].endswith(
        "/courses/demo-course/modules/next/pages/02-second"
    )


def test_resume_inside_a_quiz_comes_back_to_the_same_question(app, learner, client):
    client.post(quiz_url("demo-course", "start", "/start"))
    first = dict(
        QUIZ_FIELDS.findall(client.get(quiz_url("demo-course", "start")).get_data(as_text=True))
    )
    other = app.test_client()
    from tests.conftest import AuthActions

    AuthActions(other).login(learner)
    response = other.post("/courses/demo-course/launch")
    assert response.headers["Location"].endswith(quiz_url("demo-course", "start"))
    html = other.get(response.headers["Location"]).get_data(as_text=True)
    assert dict(QUIZ_FIELDS.findall(html)) == first


def test_dashboard_card_offers_to_continue_the_current_course(client, learner):
    client.get(PAGE)
    html = client.get("/dashboard").get_data(as_text=True)
    assert "My course" in html and "Course demo-course" in html
    assert 'action="/courses/demo-course/launch"' in html


def test_leaving_saves_the_place(app, client, learner):
    client.get(PAGE)
    response = client.post("/courses/demo-course/leave")
    assert response.status_code == 302
    assert statements_of(app, learner, "terminated")


def test_assets_are_served_with_long_caching_and_gzip(app, client, courses):
    with app.app_context():
        from lms.courses.models import Page

        page = app.extensions["db_session"]().get(Page, ("demo-course", "start", "01-first"))
    src = re.search(r'src="([^"]+)"', page.html["fr"]).group(1)
    response = client.get(src)
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert "immutable" in response.headers["Cache-Control"]
    again = client.get(src, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    css = client.get("/static/courses/courses.css", headers={"Accept-Encoding": "gzip"})
    assert css.headers.get("Content-Encoding") == "gzip"
    assert "max-age" in css.headers.get("Cache-Control", "")


def test_lesson_page_weighs_under_60_kb_before_pictures(app, client, learner):
    html = client.get(PAGE).get_data(as_text=True)
    total = len(html.encode())
    for href in re.findall(r'<link rel="stylesheet" href="([^"]+)"', html) + re.findall(
        r'<script src="([^"]+)"', html
    ):
        total += len(client.get(href).data)
    assert total < 60 * 1024


def test_each_player_request_resolves_the_registration_and_the_status_once(
    app, client, learner, monkeypatch
):
    calls = {"registration_for": 0, "course_statuses": 0}
    for name in calls:
        real = getattr(services, name)

        def counting(*args, _name=name, _real=real, **kwargs):
            calls[_name] += 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(services, name, counting)
    client.post(quiz_url("demo-course", "start", "/start"))
    questions = {q["id"]: q for q in module_of(app, "demo-course", "start").quiz["questions"]}

    def one_request(send):
        calls.update(registration_for=0, course_statuses=0)
        assert send().status_code == 200
        return dict(calls)

    once = {"registration_for": 1, "course_statuses": 1}
    assert one_request(lambda: client.get(PAGE)) == once
    html = client.get(quiz_url("demo-course", "start")).get_data(as_text=True)
    fields = dict(QUIZ_FIELDS.findall(html))
    data = {**fields, **answer_form(questions[fields["question"]])}
    answer = quiz_url("demo-course", "start", "/answer")
    assert one_request(lambda: client.post(answer, data=data)) == once
    assert one_request(lambda: client.get(quiz_url("demo-course", "start"))) == once
