"""The pictures in docs/screens/: the main screens of each role at 360×740 in fr and ar, and at
1280 px in fr, taken in Chromium from the demo data. `make screens` runs this file."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from lms.cli import DEMO_PASSWORD
from tests.browser.conftest import CHROMIUM_ARGS, PHONE, LiveServer, browser_app, log_in
from tests.lms.test_pages_quality import seed_site
from tests.programs import CHROMIUM

SCREENS_DIR = Path(__file__).resolve().parents[2] / "docs" / "screens"
DESKTOP = {"width": 1280, "height": 800}
MAX_BYTES = 100_000  # a picture in the README must load on a slow connection
SIZES = (("fr", PHONE, "360"), ("ar", PHONE, "360"), ("fr", DESKTOP, "1280"))


def main_screens(ids: dict) -> list[tuple[str, str, str]]:
    """(file name, who opens it, path): the twelve screens a funder is shown."""
    module = f"/courses/{ids['course_id']}/modules/{ids['module_id']}"
    return [
        ("home", "anonymous", "/"),
        ("learner-home", "learner", "/dashboard"),
        ("lesson", "learner", f"{module}/pages/{ids['page_id']}"),
        ("quiz", "learner", f"{module}/quiz"),
        ("path", "learner", "/path"),
        ("trainer-cohort", "trainer", f"/cohorts/{ids['cohort_id']}"),
        ("attendance", "trainer", f"/cohorts/{ids['cohort_id']}/sessions/{ids['session_id']}"),
        ("certification", "trainer", f"/cohorts/{ids['cohort_id']}/certification"),
        ("coach-home", "coach", "/coach"),
        ("admin-home", "admin", "/dashboard"),
        ("market", "anonymous", "/market/"),
        ("market-space", "learner", "/market/mine"),
    ]


def file_name(name: str, lang: str, width: str) -> str:
    return f"{name}-{lang}-{width}.jpg"


def take_screens(browser, tmp_path: Path, out: Path = SCREENS_DIR) -> list[Path]:
    app = browser_app(tmp_path)
    site = seed_site(app)
    screens = main_screens(site["ids"])
    taken = []
    out.mkdir(parents=True, exist_ok=True)
    with LiveServer(app) as live:
        for lang, viewport, width in SIZES:
            for who in ("anonymous", "learner", "trainer", "coach", "admin"):
                context = browser.new_context(viewport=viewport, locale="fr-FR")
                page = context.new_page()
                if who != "anonymous":
                    log_in(page, live.url, f"{who}@example.org", DEMO_PASSWORD)
                context.add_cookies([{"name": "lang", "value": lang, "url": live.url}])
                for name, owner, path in screens:
                    if owner != who:
                        continue
                    page.goto(live.url + path)
                    target = out / file_name(name, lang, width)
                    for quality in (70, 55, 40):
                        page.screenshot(path=str(target), type="jpeg", quality=quality)
                        if target.stat().st_size <= MAX_BYTES:
                            break
                    taken.append(target)
                context.close()
    return taken


if __name__ == "__main__":
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as tmp:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for path in take_screens(chromium, Path(tmp)):
            print(f"{path.relative_to(Path.cwd())} {path.stat().st_size // 1000} KB")
        chromium.close()
    sys.exit(0)
