"""A newcomer registers, logs in, reads the site in Arabic (right to left) and logs out."""

from __future__ import annotations

import pytest

from tests.browser.conftest import (
    LiveServer,
    browser_app,
    choose_language,
    log_out,
    open_menu,
    screenshot,
)

pytestmark = pytest.mark.browser


def test_register_login_arabic_logout(phone, tmp_path):
    with LiveServer(browser_app(tmp_path)) as live:
        page = phone.new_page()
        page.goto(live.url + "/register")
        assert page.locator("html").get_attribute("lang") == "fr"
        page.fill("#email", "zineb@example.org")
        page.fill("#password", "saffron-taliouine")
        page.fill("#confirm", "saffron-taliouine")
        page.fill("#display_name", "Zineb")
        page.select_option("#gender", "female")
        page.select_option("#region", "souss-massa")
        page.click("form[novalidate] button[type=submit]")
        page.wait_for_url("**/dashboard")
        assert "Zineb" in page.inner_text("h1")

        log_out(page)
        page.wait_for_url(live.url + "/")
        page.goto(live.url + "/login")
        page.fill("#email", "zineb@example.org")
        page.fill("#password", "wrong-password")
        page.click("form[novalidate] button[type=submit]")
        assert "Adresse e-mail ou mot de passe incorrect." in page.inner_text(".error-summary")
        page.fill("#password", "saffron-taliouine")
        page.click("form[novalidate] button[type=submit]")
        page.wait_for_url("**/dashboard")

        choose_language(page, "ar")
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("dir") == "rtl"
        assert "مرحبًا" in page.inner_text("h1")
        # Right to left for real: the brand sits at the right edge of a 360 px screen.
        box = page.locator(".brand").bounding_box()
        assert box["x"] + box["width"] > 360 - 40
        screenshot(page, "dashboard-ar-360")

        open_menu(page)
        page.click("text=تسجيل الخروج")
        page.wait_for_url(live.url + "/")
        page.goto(live.url + "/dashboard")
        assert "/login" in page.url


def test_pages_work_without_javascript(browser, tmp_path):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    with LiveServer(browser_app(tmp_path)) as live:
        page = context.new_page()
        page.goto(live.url + "/login")
        choose_language(page, "en")
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.inner_text("h1") == "Log in"
        page.goto(live.url + "/register")
        page.click("form[novalidate] button[type=submit]")
        assert page.locator(".error-summary").is_visible()
    context.close()
