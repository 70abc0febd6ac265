"""A learner presents a project, a coach reviews and qualifies it, it appears in the showcase."""

from __future__ import annotations

import pytest

from tests.browser.conftest import (
    LiveServer,
    browser_app,
    choose_language,
    log_in,
    log_out,
    make_account,
    screenshot,
)
from tests.projects.conftest import complete_course

pytestmark = pytest.mark.browser
PASSWORD = "argan-tamanar-2026"


def test_from_a_new_project_to_the_showcase(browser, tmp_path):
    app = browser_app(tmp_path)
    learner = make_account(
        app, "hajar@example.org", PASSWORD, roles=("learner",), display_name="Hajar"
    )
    complete_course(app, learner)
    make_account(
        app, "coach-b@example.org", PASSWORD, roles=("coach",), display_name="Coach Brahim"
    )
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR")
    with LiveServer(app) as live:
        page = context.new_page()
        log_in(page, live.url, "hajar@example.org", PASSWORD)
        page.goto(live.url + "/projects/")
        page.click("text=Présenter un nouveau projet")
        page.fill("#name", "Miel d'Imouzzer")
        page.select_option("#sector", "honey")
        page.select_option("#region", "fes-meknes")
        page.fill("#commune", "Imouzzer Kandar")
        page.fill("#members_count", "6")
        page.fill("#members_women", "4")
        page.fill("#members_youth", "7")
        # Save as a draft first: the impossible figure is caught, nothing is saved.
        page.click("button[value=save]")
        assert "plus de moins de 35 ans" in page.inner_text(".error-summary")
        page.fill("#members_youth", "3")
        page.click("button[value=save]")
        page.wait_for_url("**/projects/1")
        assert "Marché et clients" in page.inner_text("main")  # named as still missing

        page.click("text=Modifier le projet")
        page.fill("#problem", "Nous vendons le miel sans étiquette, au bord de la route.")
        page.fill("#idea", "Extraire, mettre en pots et vendre ensemble sous une marque.")
        page.fill("#market", "Visiteurs d'Ifrane, épiceries de Fès.")
        page.fill("#products", "Miel de thym et de jujubier, cire.")
        page.fill("#resources", "Un extracteur, une salle propre, des pots.")
        page.fill("#funding_needed", "85000")
        page.check("input[name=funding_sources][value=member-shares]")
        page.check("input[name=funding_sources][value=indh]")
        page.fill("#expected_jobs", "6")
        page.check("#publish_consent")
        screenshot(page, "project-form-fr-360")
        page.click("button[value=submit]")
        page.wait_for_url("**/projects/1")
        assert "Soumis" in page.inner_text(".project-status")
        log_out(page)

        log_in(page, live.url, "coach-b@example.org", PASSWORD)
        page.goto(live.url + "/projects/review")
        page.click("text=Miel d'Imouzzer")
        page.click(
            "button:has-text('Commencer l’évaluation'), button:has-text(\"Commencer l'évaluation\")"
        )
        page.wait_for_url("**/projects/1")
        for criterion, score in (("viability", 4), ("commitment", 5), ("market", 3),
                                 ("impact", 4), ("inclusion", 5)):  # fmt: skip
            page.check(f"input[name=score_{criterion}][value='{score}']")
        page.fill("#comment", "Bon groupe, marché à préciser.")
        screenshot(page, "project-review-fr-360")
        page.click("text=Enregistrer mon évaluation")
        page.wait_for_url("**/projects/1#reviews")
        assert "Moyenne : 4,2 / 5" in page.inner_text("#reviews")
        page.click("button:has-text('Retenir')")
        page.wait_for_url("**/projects/1")
        assert "Retenu" in page.inner_text(".project-status")
        log_out(page)

        page.goto(live.url + "/projects/showcase?region=fes-meknes")
        assert "Miel d'Imouzzer" in page.inner_text(".project-cards")
        page.click("text=Miel d'Imouzzer")
        assert "Miel de thym" in page.inner_text("main")
        assert "Hajar" not in page.inner_text("main")
        for language in ("fr", "ar", "en"):
            page.goto(live.url + "/projects/showcase")
            choose_language(page, language)
            page.wait_for_load_state()
            assert page.locator("html").get_attribute("lang") == language
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 360, f"showcase overflows the phone screen in {language}"
            screenshot(page, f"project-showcase-{language}-360")

        log_in(page, live.url, "hajar@example.org", PASSWORD)
        for language in ("ar", "en"):
            page.goto(live.url + "/projects/new")
            choose_language(page, language)
            page.wait_for_load_state()
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 360, f"project form overflows the phone screen in {language}"
            screenshot(page, f"project-form-{language}-360")
        page.goto(live.url + "/projects/1")
        screenshot(page, "project-page-en-360")
    context.close()
