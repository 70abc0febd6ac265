"""Issue 20 on a 360-px phone in Arabic: the trainer pastes 10 names and prints the cards; the
PDF's QR codes decode to working links; a member signs in by opening one and sets a PIN; a
second member signs in on the same phone with "switch person"; each progresses on her own."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser.conftest import PHONE, LiveServer, browser_app, log_in, screenshot
from tests.lms.cohorts.test_roster import qr_links

pytestmark = pytest.mark.browser

CONTENT = Path(__file__).resolve().parents[2] / "content"
PASSWORD = "argan-tafraout-2026"
SUBMIT = "main form[novalidate] button[type=submit]"
NAMES = [
    "فاطمة أيت علي",
    "خديجة أمزيان",
    "Amina Oufkir",
    "Naima Boukhris",
    "Hafsa Idrissi",
    "Rachida Ait Baha",
    "Saida Lahlou",
    "Malika Ouzzine",
    "Zineb Tazi",
    "Ijja Ait Ouaziz",
]


def _trainer_and_cohort(app) -> int:
    from lms.auth.services import create_user
    from lms.cohorts import services

    with app.test_request_context():
        session = app.extensions["db_session"]()
        admin = create_user(session, "admin@example.org", PASSWORD, "Admin", roles=("admin",))
        trainer = create_user(session, "karim@example.org", PASSWORD, "Karim Benali",
                              roles=("trainer",), preferred_language="ar")  # fmt: skip
        services.accredit(session, admin, trainer, "think-coop")
        cohort = services.create_cohort(
            session,
            trainer,
            name="تعاونية تافراوت",
            course_ids=["think-coop"],
            region="souss-massa",
        )
        session.commit()
        cohort_id = cohort.id
        app.extensions["db_session"].remove()
    return cohort_id


def _statements_of(app, name: str) -> list[dict]:
    from sqlalchemy import select

    from lms.auth.models import User
    from lms.xapi import recorder

    with app.test_request_context():
        session = app.extensions["db_session"]()
        user = session.scalar(select(User).where(User.display_name == name))
        found = list(recorder.statements(agent=recorder.actor_dict(user)))
        app.extensions["db_session"].remove()
    return found


def _sign_in_by_card(page, link: str, pin: str) -> str:
    """Open a card's link, confirm, choose a PIN; the name the card showed."""
    page.goto(link)
    name = page.inner_text(".member-name")
    page.click("main form button[type=submit]")  # "yes, it is me"
    page.wait_for_url("**/pin/new")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.fill("#pin", pin)
    page.fill("#confirm", pin)
    page.click(SUBMIT)
    page.wait_for_url("**/dashboard")
    return name.strip()


def _start_course(page, url: str) -> None:
    page.goto(url + "/courses/think-coop")
    page.click("form[action$='/launch'] button[type=submit]")
    page.wait_for_load_state()


def test_trainer_prints_cards_members_sign_in_and_switch_on_one_phone(browser, tmp_path):
    app = browser_app(tmp_path)
    result = app.test_cli_runner().invoke(args=["load-content", str(CONTENT)])
    assert result.exit_code == 0, result.output
    cohort_id = _trainer_and_cohort(app)
    with LiveServer(app) as live:
        app.config["BASE_URL"] = live.url  # the cards' links lead to this server

        # the trainer pastes 10 names on her phone, in Arabic
        staff = browser.new_context(viewport=PHONE, locale="ar")
        page = staff.new_page()
        log_in(page, live.url, "karim@example.org", PASSWORD)
        page.goto(f"{live.url}/cohorts/{cohort_id}/roster")
        assert page.locator("html").get_attribute("dir") == "rtl"
        page.fill("#names", "\n".join(NAMES))
        page.click(SUBMIT)
        page.wait_for_url(f"**/cohorts/{cohort_id}/roster")
        assert page.locator("tbody tr").count() == 10
        fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert fits, "the roster page scrolls sideways at 360 px"
        screenshot(page, "roster-ar-360")

        # she prints the cards: 10 QR codes, each a working link
        href = page.locator("a[href*='cards.pdf'][href*='lang=ar']").get_attribute("href")
        sheet = staff.request.get(live.url + href)
        assert sheet.headers["content-type"] == "application/pdf"
        links = qr_links(sheet.body())
        assert len(set(links)) == 10
        assert all(re.fullmatch(rf"{live.url}/card/[A-Z0-9]{{12}}", link) for link in links)

        # on a shared phone: the first member opens her card's link and chooses a PIN
        shared = browser.new_context(viewport=PHONE, locale="ar")
        phone = shared.new_page()
        first = _sign_in_by_card(phone, links[0], "2580")
        assert first in NAMES
        _start_course(phone, live.url)

        # "switch person": she signs out; the second member scans her own card on this phone
        phone.goto(live.url + "/switch")
        phone.click("main form button[type=submit]")
        phone.wait_for_url("**/switch")
        second = _sign_in_by_card(phone, links[1], "1397")
        assert second in NAMES and second != first

        # switching back: both names are listed; the first picks hers and types her PIN
        phone.goto(live.url + "/switch")
        phone.click("main form button[type=submit]")
        phone.wait_for_url("**/switch")
        people = phone.locator("ul.people a")
        assert people.count() == 2
        screenshot(phone, "switch-person-ar-360")
        assert [people.nth(i).inner_text().split(maxsplit=1)[1] for i in (0, 1)] == [second, first]
        people.nth(1).click()  # the first member (the latest is listed first)
        phone.fill("#pin", "2580")
        phone.click(SUBMIT)
        phone.wait_for_url("**/dashboard")
        assert first in phone.locator("main").inner_text()
        _start_course(phone, live.url)  # she goes on where she left off
        shared.close()
        staff.close()

    # each progressed on her own: the first started the course, the second did not
    started = {
        name
        for name in (first, second)
        if any("think-coop" in s["object"]["id"] for s in _statements_of(app, name))
    }
    assert started == {first}
