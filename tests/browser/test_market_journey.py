"""From a launched project to a published product to a buyer's order delivered, on a phone."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from lms.plugins import registry
from tests.browser.conftest import (
    LiveServer,
    browser_app,
    choose_language,
    log_in,
    log_out,
    make_account,
    screenshot,
)
from tests.market.conftest import picture_bytes
from tests.projects.conftest import complete_course

pytestmark = pytest.mark.browser
PASSWORD = "argan-tamanar-2026"
PHONE = {"width": 360, "height": 740}
LAUNCHED = {
    "name": "Coopérative Tamount",
    "registration_number": "RC-TZ-2025-014",
    "registration_date": "2025-02-10",
    "region": "souss-massa",
    "commune": "Tamanar",
    "sector": "argan",
    "members": 12,
    "women": 9,
    "youth": 4,
    "summary": "Douze femmes de Tamanar concassent et pressent l'argan ensemble.",
}


def _fits_the_phone(page, what):
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        screenshot(page, "market-overflow")
        widest = page.evaluate(
            "[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right"
            " > 360).map(e => e.tagName + '.' + e.className).slice(0, 8).join(' ')"
        )
        pytest.fail(f"{what} overflows the phone screen ({width}px): {widest}")


def test_from_launched_project_to_delivered_order(browser, tmp_path):
    app = browser_app(tmp_path)
    seller = make_account(
        app, "aicha@example.org", PASSWORD, display_name="Aïcha", region="souss-massa"
    )
    make_account(
        app, "youssef@example.org", PASSWORD, display_name="Youssef", region="casablanca-settat"
    )
    complete_course(app, seller, "my-coop")
    registry(app).provide(
        "projects.launched_for_user", lambda user: [LAUNCHED] if user.id == seller else []
    )
    picture = tmp_path / "argan.jpg"
    picture.write_bytes(picture_bytes((1600, 1200)))
    fake = tmp_path / "not-a-picture.jpg"
    fake.write_text("this is text, not a JPEG\n" * 20)
    context = browser.new_context(viewport=PHONE, locale="fr-FR")
    with LiveServer(app) as live:
        page = context.new_page()
        # The seller turns the launched project into a cooperative profile in one click.
        log_in(page, live.url, "aicha@example.org", PASSWORD)
        page.goto(live.url + "/market/mine")
        assert "Coopérative Tamount" in page.inner_text("main")
        page.click("text=En faire la fiche d'une coopérative")
        page.wait_for_url("**/market/cooperatives/*/manage")
        assert "Coopérative Tamount" in page.inner_text("h1")

        # ...adds a product: the price is checked, then it is published.
        page.click("text=Ajouter un produit")
        page.fill("#title_fr", "Huile d'argan alimentaire")
        page.fill("#title_ar", "زيت أركان غذائي")
        page.fill("#description_fr", "Torréfiée et pressée à **Tamanar**.")
        page.select_option("#category", "argan-oil")
        page.fill("#price", "-3")
        page.select_option("#unit", "litre")
        page.fill("#quantity_available", "20")
        page.fill("#minimum_order", "2")
        page.check("#published")
        page.click("form.mk-form button[type=submit]")
        assert page.locator(".error-summary").is_visible()
        page.fill("#price", "190")
        page.click("form.mk-form button[type=submit]")
        page.wait_for_url("**/market/products/*/edit")

        # ...and a picture: a text file renamed .jpg is refused, a real photo is kept.
        page.set_input_files("#photo", str(fake))
        page.click("form[enctype] button[type=submit]")
        assert "image" in page.inner_text(".error-summary").lower()
        page.set_input_files("#photo", str(picture))
        page.click("form[enctype] button[type=submit]")
        page.wait_for_url("**/market/products/*/edit")
        assert page.locator(".mk-photos img").count() == 1
        _fits_the_phone(page, "product form")
        screenshot(page, "market-product-form-fr-360")
        log_out(page)

        # A buyer finds it without an account, then logs in and orders.
        page.goto(live.url + "/market/?q=argan")
        page.click("text=Huile d'argan alimentaire")
        assert "190,00" in page.inner_text(".mk-product")
        assert page.locator(".mk-photos img").first.get_attribute("alt")
        _fits_the_phone(page, "product page")
        screenshot(page, "market-product-fr-360")
        log_in(page, live.url, "youssef@example.org", PASSWORD)
        page.goto(live.url + "/market/?q=argan")
        page.click("text=Huile d'argan alimentaire")
        page.click("a.button:has-text('Commander')")
        page.fill("#quantity", "1")
        page.select_option("#payment_method", "bank_transfer")
        page.fill("#message", "Livraison à Casablanca, quartier Maârif.")
        page.click("form.mk-form button[type=submit]")
        assert "minimum" in page.inner_text(".error-summary").lower()
        page.fill("#quantity", "3")
        page.click("form.mk-form button[type=submit]")
        page.wait_for_url("**/market/orders/*")
        order_url = page.url
        assert "Demandée" in page.inner_text(".lead")
        assert "Virement bancaire" in page.inner_text("main")
        log_out(page)

        # The cooperative accepts with a delivery date, ships, delivers.
        log_in(page, live.url, "aicha@example.org", PASSWORD)
        page.goto(order_url)
        page.fill("#delivery_date", (date.today() + timedelta(days=4)).isoformat())
        page.click("button:has-text('Accepter')")
        page.wait_for_url(order_url)
        assert "Acceptée" in page.inner_text(".lead")
        page.click("button:has-text('Marquer comme expédiée')")
        page.wait_for_url(order_url)
        page.click("button:has-text('Marquer comme livrée')")
        page.wait_for_url(order_url)
        assert "Livrée" in page.inner_text(".lead")
        page.goto(live.url + "/market/mine")
        page.click("text=Coopérative Tamount")
        assert "17 disponibles" in page.inner_text("main")  # 20 - 3 on acceptance
        log_out(page)

        # The buyer sees the whole history.
        log_in(page, live.url, "youssef@example.org", PASSWORD)
        page.goto(order_url)
        history = page.inner_text(".mk-history")
        for status in ("Demandée", "Acceptée", "Expédiée", "Livrée"):
            assert status in history
        _fits_the_phone(page, "order page")
        screenshot(page, "market-order-fr-360")
        log_out(page)

        # The public pages in each language, on a phone.
        pages = {
            "index": "/market/",
            "product": "/market/products/1",
            "cooperative": "/market/cooperatives/1",
        }
        for language in ("fr", "ar", "en"):
            page.goto(live.url + "/market/")
            choose_language(page, language)
            page.wait_for_load_state()
            assert page.locator("html").get_attribute("lang") == language
            for name, path in pages.items():
                page.goto(live.url + path)
                _fits_the_phone(page, f"{name} in {language}")
                screenshot(page, f"market-{name}-{language}-360")
        assert page.locator("html").get_attribute("dir") == "ltr"
        page.goto(live.url + "/market/")
        choose_language(page, "ar")
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("dir") == "rtl"
        assert "زيت أركان غذائي" in page.inner_text("main")
    context.close()
