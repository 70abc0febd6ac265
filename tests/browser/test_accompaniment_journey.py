"""Accompaniment on a 360 px phone in Arabic: the coach enrols a cooperative, fills the diagnosis
(each answer saved as it is given), edits the SWOT and publishes the plan; a leader marks an
action done; the coach logs a session; the programme view counts it."""

from __future__ import annotations

import pytest

from tests.browser.conftest import (
    LiveServer,
    browser_app,
    log_in,
    log_out,
    make_account,
    screenshot,
)

pytestmark = pytest.mark.browser
PASSWORD = "mourafaka-2026-tiznit"
PHONE = {"width": 360, "height": 740}


def _fits_the_phone(page, what: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        screenshot(page, "accompaniment-overflow")
        pytest.fail(f"{what} overflows the phone screen ({width}px)")


def test_coach_and_leader_on_a_phone_in_arabic(browser, tmp_path):
    app = browser_app(tmp_path)
    result = app.test_cli_runner().invoke(args=["load-content", "content"])
    assert result.exit_code == 0, result.output
    make_account(app, "khadija@example.org", PASSWORD, display_name="Khadija", roles=("coach",),
                 preferred_language="ar")  # fmt: skip
    make_account(app, "itto@example.org", PASSWORD, display_name="Itto", roles=("learner",),
                 preferred_language="ar")  # fmt: skip
    make_account(app, "admin@example.org", PASSWORD, display_name="Admin", roles=("admin",),
                 preferred_language="ar")  # fmt: skip
    context = browser.new_context(viewport=PHONE, locale="ar")
    with LiveServer(app) as live:
        page = context.new_page()
        log_in(page, live.url, "khadija@example.org", PASSWORD)
        assert page.get_attribute("html", "dir") == "rtl"

        # The coach enrols the cooperative.
        page.goto(live.url + "/accompaniment/enrol")
        page.fill("#programme", "Mourafaka")
        page.fill("#cohort", "2026-A")
        page.fill("#name", "Coopérative Tifawin (Tiznit)")
        page.select_option("#region", "souss-massa")
        page.select_option("#sector", "argan")
        page.fill("#members_count", "18")
        page.fill("#women_count", "15")
        page.fill("#youth_count", "6")
        page.select_option("#language", "ar")
        page.fill("#leader_emails", "itto@example.org")
        _fits_the_phone(page, "the enrolment form")
        page.click("main form button[type=submit]")
        page.wait_for_url("**/accompaniment/cooperatives/*")
        cooperative_url = page.url
        assert "Coopérative Tifawin (Tiznit)" in page.inner_text("h1")

        # ...starts the entry diagnosis and answers axis by axis.
        page.click("form[action$='/diagnoses'] button[type=submit]")
        page.wait_for_url("**/axes/1")
        _fits_the_phone(page, "a diagnosis page")
        # One answer given, then the connection is lost before the page is sent: it is saved.
        with page.expect_response("**/answer") as answered:
            page.check("input[name='score-minutes-book'][value='3']")
        assert answered.value.ok
        page.reload()
        assert page.is_checked("input[name='score-minutes-book'][value='3']")
        for axis in range(1, 7):
            page.wait_for_url(f"**/axes/{axis}")
            for radio in page.query_selector_all("fieldset[data-question]"):
                if not radio.query_selector("input:checked"):
                    radio.query_selector("input[value='1']").check()
            page.click("form.acc-diagnosis > button[type=submit]")
        page.wait_for_url("**/review")
        page.click("form[action$='/complete'] button[type=submit]")
        page.wait_for_url("**/diagnoses/*")
        assert page.is_visible("svg.radar")
        _fits_the_phone(page, "the diagnosis result")

        # ...edits the SWOT, proposes actions from the weakest axes, publishes the plan.
        page.fill("#opportunities", "سوق سياحي قريب")
        page.click("form[action$='/swot'] button[type=submit]")
        page.wait_for_load_state()
        assert page.input_value("#opportunities") == "سوق سياحي قريب"
        page.click("form[action$='/plan'] button[type=submit]")
        page.wait_for_url("**/cooperatives/*")
        page.click("form[action$='/publish'] button[type=submit]")
        page.wait_for_load_state()
        _fits_the_phone(page, "the cooperative page")
        log_out(page)

        # A leader of the cooperative sees the plan on the dashboard and marks an action done.
        log_in(page, live.url, "itto@example.org", PASSWORD)
        page.click("text=Coopérative Tifawin (Tiznit)")
        page.wait_for_url(cooperative_url)
        first = page.query_selector(".acc-action")
        title = first.query_selector("strong").inner_text()
        first.query_selector("form button[type=submit]").click()
        page.wait_for_load_state()
        assert "مكتمل" in page.inner_text(".acc-action.acc-done")
        assert title in page.inner_text(".acc-action.acc-done")
        log_out(page)

        # The coach logs a session against the plan.
        log_in(page, live.url, "khadija@example.org", PASSWORD)
        page.goto(cooperative_url + "/sessions/new")
        page.fill("#minutes", "90")
        page.fill("#attendees", "Itto, la trésorière")
        page.fill("#topics", "التحضير للجمع العام")
        page.select_option("#actions", index=0)
        _fits_the_phone(page, "the session form")
        page.click("main form button[type=submit]")
        page.wait_for_url("**/cooperatives/*")
        assert "التحضير للجمع العام" in page.inner_text("#sessions")
        log_out(page)

        # The programme view counts the cooperative, its session and the action done.
        log_in(page, live.url, "admin@example.org", PASSWORD)
        page.goto(live.url + "/accompaniment/programme")
        figures = page.inner_text(".acc-figures")
        assert "1" in figures
        actions = page.query_selector_all("table")[-1].inner_text()
        assert "\t1\t" in actions or actions.split("\n")[-1].split("\t")[1] == "1"
        _fits_the_phone(page, "the programme view")
    context.close()
