"""A learner takes a Think.COOP module to its quiz, passes it, and resumes on another browser."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import (
    PHONE,
    LiveServer,
    browser_app,
    choose_language,
    log_in,
    log_out,
    screenshot,
)

pytestmark = pytest.mark.browser

CONTENT = Path(__file__).resolve().parents[2] / "content"
COURSE = "think-coop"
MODULE_FOLDER = "01-what-is-a-cooperative"
SUBMIT = "form[novalidate] button[type=submit]"


def _module(app):
    from lms.courses.models import Course

    with app.app_context():
        course = app.extensions["db_session"]().get(Course, COURSE)
        module = course.modules[0]
        return (
            module.id,
            [p.id for p in module.pages],
            {q["id"]: q for q in module.quiz["questions"]},
        )


def _answer(page, question):
    """Answer rightly through the form controls, as a learner would."""
    kind = question["type"]
    if kind in ("single", "multiple"):
        for choice in question["choices"]:
            if choice["correct"]:
                page.check(f"input[name=answer][value='{choice['id']}']")
    elif kind == "truefalse":
        page.check(f"input[name=answer][value={'true' if question['answer'] else 'false'}]")
    elif kind == "ordering":
        for number, item in enumerate(question["items"], 1):
            page.select_option(f"#position-{item['id']}", str(number))
    elif kind == "matching":
        for pair in question["pairs"]:
            page.select_option(f"#match-{pair['id']}", pair["id"])
    else:
        page.fill("#numeric-answer", str(question["answer"]))


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_learner_passes_a_module_quiz_and_resumes_in_a_fresh_browser(browser, tmp_path, language):
    app = browser_app(tmp_path)
    result = app.test_cli_runner().invoke(args=["load-content", str(CONTENT)])
    assert result.exit_code == 0, result.output
    module_id, page_ids, questions = _module(app)
    email = f"amina-{language}@example.org"
    with LiveServer(app) as live:
        context = browser.new_context(viewport=PHONE, locale="fr-FR")
        page = context.new_page()
        page.goto(live.url + "/register")
        page.fill("#email", email)
        page.fill("#password", "saffron-taliouine")
        page.fill("#confirm", "saffron-taliouine")
        page.fill("#display_name", "Amina")
        page.click(SUBMIT)
        page.wait_for_url("**/dashboard")
        if language != "fr":
            choose_language(page, language)
            page.wait_for_load_state()
        assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")

        page.goto(f"{live.url}/courses/{COURSE}")
        page.click("form.launch button")
        page.wait_for_url(f"**/pages/{page_ids[0]}")
        lesson = page.locator("article.lesson")
        assert lesson.get_attribute("lang") == language
        assert page.locator("article.lesson img").first.get_attribute("alt")
        screenshot(page, f"course-lesson-{language}-360")
        for page_id in page_ids[1:]:
            page.click("a[rel=next]")
            page.wait_for_url(f"**/pages/{page_id}")
        page.click("a[rel=next]")
        page.wait_for_url("**/quiz")
        screenshot(page, f"course-quiz-intro-{language}-360")

        page.click("#quiz form button")
        page.wait_for_selector("input[name=question]", state="attached")
        # Answering must not reload the page: a marker set now must survive the whole quiz.
        page.evaluate("window.__noReload = true")
        for number in range(len(questions)):
            qid = page.get_attribute("input[name=question]", "value")
            if number == 2:
                screenshot(page, f"course-quiz-question-{language}-360")
            _answer(page, questions[qid])
            page.click("#quiz form.question-form button[type=submit]")
            page.wait_for_selector(".feedback.right")
            if number == 0:
                screenshot(page, f"course-quiz-feedback-{language}-360")
            page.click("a.js-quiz-link")
            if number < len(questions) - 1:
                page.wait_for_selector("input[name=question]", state="attached")
        page.wait_for_selector(".score.passed")
        assert page.evaluate("window.__noReload") is True
        screenshot(page, f"course-quiz-score-{language}-360")

        # the one thing to do after a passed quiz: go on, to what follows it
        following = page.get_attribute(".score.passed ~ p a.button", "href")
        assert following and "/quiz" not in following
        log_out(page)
        page.wait_for_url(live.url + "/")
        context.close()

        # Another phone: log in, continue, and land after the passed quiz, where the learner goes.
        other = browser.new_context(viewport=PHONE, locale="fr-FR")
        page = other.new_page()
        log_in(page, live.url, email, "saffron-taliouine")
        assert page.locator("html").get_attribute("lang") == language
        page.click(f"form[action$='/courses/{COURSE}/launch'] button")
        page.wait_for_url(live.url + following)
        page.goto(f"{live.url}/courses/{COURSE}")
        assert "✓" in page.inner_text("ol.modules li:first-child .module-state")
        other.close()


def test_a_quiz_question_can_be_answered_without_javascript(browser, tmp_path):
    app = browser_app(tmp_path)
    assert app.test_cli_runner().invoke(args=["load-content", str(CONTENT)]).exit_code == 0
    module_id, _page_ids, questions = _module(app)
    context = browser.new_context(java_script_enabled=False, viewport=PHONE, locale="fr-FR")
    with LiveServer(app) as live:
        page = context.new_page()
        page.goto(live.url + "/register")
        page.fill("#email", "nojs@example.org")
        page.fill("#password", "saffron-taliouine")
        page.fill("#confirm", "saffron-taliouine")
        page.fill("#display_name", "Hassan")
        page.click(SUBMIT)
        page.wait_for_url("**/dashboard")
        page.goto(f"{live.url}/courses/{COURSE}/modules/{module_id}/quiz")
        page.click("#quiz form button")
        page.wait_for_url("**/quiz")
        qid = page.get_attribute("input[name=question]", "value")
        _answer(page, questions[qid])
        page.click("#quiz form.question-form button[type=submit]")
        page.wait_for_url("**/quiz/answer")
        assert "Juste" in page.inner_text(".feedback .verdict")
        page.click("a.js-quiz-link")
        page.wait_for_url("**/quiz")
        assert page.get_attribute("input[name=question]", "value") != qid
    context.close()
