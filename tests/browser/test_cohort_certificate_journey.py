"""A trainer creates a cohort, a learner joins with the code and completes the course, the
trainer certifies, and an anonymous visitor verifies the certificate page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser.conftest import PHONE, LiveServer, browser_app, log_in, screenshot
from tests.lms.cohorts.helpers import complete_course

pytestmark = pytest.mark.browser

CONTENT = Path(__file__).resolve().parents[2] / "content"
PASSWORD = "saffron-taliouine"
SUBMIT = "main form[novalidate] button[type=submit]"


def _people(app):
    from lms.auth.services import create_user
    from lms.cohorts import services

    with app.test_request_context():
        session = app.extensions["db_session"]()
        admin = create_user(session, "admin@example.org", PASSWORD, "Admin", roles=("admin",))
        trainer = create_user(
            session, "karim@example.org", PASSWORD, "Karim Benali", roles=("trainer",)
        )
        learner = create_user(
            session,
            "fatima@example.org",
            PASSWORD,
            "Fatima Amrani",
            roles=("learner",),
            preferred_language="ar",
        )
        services.accredit(session, admin, trainer, "think-coop")
        session.commit()
        app.extensions["db_session"].remove()
    return trainer, learner


def test_cohort_join_certify_and_public_verification(browser, tmp_path):
    app = browser_app(tmp_path)
    result = app.test_cli_runner().invoke(args=["load-content", str(CONTENT)])
    assert result.exit_code == 0, result.output
    trainer, learner = _people(app)
    with LiveServer(app) as live:
        # the trainer creates the cohort on a phone
        staff = browser.new_context(viewport=PHONE, locale="fr-FR")
        page = staff.new_page()
        log_in(page, live.url, "karim@example.org", PASSWORD)
        page.goto(live.url + "/cohorts/new")
        page.fill("#name", "Cohorte Taliouine")
        page.check("input[name=course_ids][value=think-coop]")
        page.select_option("#region", "souss-massa")
        page.fill("#place", "Maison des jeunes")
        page.fill("#starts_on", "2026-11-02")
        page.click(SUBMIT)
        page.wait_for_url(re.compile(r".*/cohorts/\d+$"))
        code = page.inner_text(".join-code")
        assert re.fullmatch(r"[A-Z0-9]{6}", code)
        assert page.locator("img.qr").get_attribute("alt")
        screenshot(page, "cohort-join-code-fr-360")
        cohort_url = page.url

        # the learner joins with the code (typed in lower case) and opens the course
        phone = browser.new_context(viewport=PHONE, locale="ar")
        learner_page = phone.new_page()
        log_in(learner_page, live.url, "fatima@example.org", PASSWORD)
        learner_page.goto(live.url + "/join")
        learner_page.fill("#code", code.lower())
        learner_page.click(SUBMIT)
        learner_page.wait_for_url(f"**/join/{code}")
        learner_page.click("main form button[type=submit]")
        learner_page.wait_for_url("**/dashboard")
        assert learner_page.locator("html").get_attribute("dir") == "rtl"
        learner_page.goto(f"{live.url}/courses/think-coop")
        learner_page.click("form.launch button")
        learner_page.wait_for_url("**/pages/**")
        # the rest of the course as the player records it (every page read, every quiz passed)
        complete_course(app, learner)

        # the trainer sees every criterion met and certifies
        page.goto(cohort_url + "/certification")
        assert page.locator("td", has_text="✘").count() == 0
        page.click(f"a[href*='/certification/{learner.public_id}']")
        assert page.locator("ul.criteria li.met").count() == 3
        page.fill("#comment", "Très bonne participation")
        page.click(SUBMIT)
        page.wait_for_url(re.compile(r".*/certificates/[A-Z0-9]{12}$"))
        certificate_url = page.url
        assert "Certificat valable" in page.inner_text("main")
        pdf = page.request.get(certificate_url + "/certificate.pdf")
        assert pdf.ok and pdf.body().startswith(b"%PDF")
        staff.close()

        # anyone can verify it, without an account
        visitor = browser.new_context(viewport=PHONE, locale="en-GB")
        public = visitor.new_page()
        public.goto(certificate_url)
        text = public.inner_text("main")
        assert "Valid certificate" in text and "Fatima Amrani" in text
        assert "Think cooperative" in text and "Karim Benali" in text
        screenshot(public, "certificate-public-en-360")
        visitor.close()

        # the learner finds it on their profile
        learner_page.goto(live.url + "/profile")
        assert certificate_url.rsplit("/", 1)[1] in learner_page.content()
        screenshot(learner_page, "profile-certificates-ar-360")
        phone.close()
