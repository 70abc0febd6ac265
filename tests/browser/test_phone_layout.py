"""Every page fits a 360-px phone in fr, ar and en: no sideways scroll, a header of at most 15 % of
the screen, targets a thumb can hit, 0 axe-core violations; and the Arabic pages mirror."""

from __future__ import annotations

import pytest

from lms.cli import DEMO_PASSWORD
from tests.browser import phone_checks
from tests.browser.conftest import PHONE, LiveServer, browser_app, log_in, screenshot
from tests.conftest import log_in_as
from tests.lms.test_pages_quality import ROLES, crawl_targets, seed_site

pytestmark = pytest.mark.browser
LANGS = ("fr", "ar", "en")


def _pages(ids: dict) -> dict[str, list[tuple[str, str]]]:
    """(name, path) of the representative pages, by who opens them."""
    lesson = f"/courses/{ids['course_id']}/modules/{ids['module_id']}"
    return {
        "anonymous": [
            ("home", "/"),
            ("login", "/login"),
            ("register", "/register"),
            ("catalogue", "/courses"),
            ("course", f"/courses/{ids['course_id']}"),
            ("certificate", f"/certificates/{ids['certificate']}"),
            ("showcase", "/projects/showcase"),
            ("market", "/market/"),
            ("product", f"/market/products/{ids['product_id']}"),
            ("cooperative", f"/market/cooperatives/{ids['coop_id']}"),
        ],
        "learner": [
            ("learner-dashboard", "/dashboard"),
            ("lesson", f"{lesson}/pages/{ids['page_id']}"),
            ("quiz", f"{lesson}/quiz"),
            ("project-form", f"/projects/{ids['project_id']}/edit"),
            ("shop", f"/market/cooperatives/{ids['coop_id']}/manage"),
            (
                "remove-member",
                f"/market/cooperatives/{ids['coop_id']}/members/{ids['member_id']}/remove",
            ),
            ("delete-product", f"/market/products/{ids['unordered_product_id']}/delete"),
        ],
        "trainer": [
            ("trainer-dashboard", "/dashboard"),
            ("cohort", f"/cohorts/{ids['cohort_id']}"),
            ("order", f"/market/orders/{ids['order_id']}"),
        ],
        "coach": [("coach-dashboard", "/dashboard"), ("coach", "/coach")],
        "admin": [("admin-dashboard", "/dashboard"), ("admin-users", "/admin/users")],
    }


# Where the first line of the main heading starts and ends, against its content box.
HEADING_BOX = """() => {
  const h1 = document.querySelector('h1');
  const style = getComputedStyle(h1);
  const box = h1.getBoundingClientRect();
  const range = document.createRange();
  range.selectNodeContents(h1);
  // mixed Arabic and Latin text comes in several runs: take the whole first line
  const rects = [...range.getClientRects()];
  const top = Math.min(...rects.map(r => r.top));
  const line = rects.filter(r => r.top < top + 2);
  return {direction: style.direction, textLeft: Math.min(...line.map(r => r.left)),
          textRight: Math.max(...line.map(r => r.right)),
          boxLeft: box.left + parseFloat(style.paddingLeft),
          boxRight: box.right - parseFloat(style.paddingRight)};
}"""


def test_main_pages_fit_a_phone_and_mirror_in_arabic(browser, tmp_path):
    app = browser_app(tmp_path)
    site = seed_site(app)
    problems, mirrored = [], []
    with LiveServer(app) as live:
        for who, pages in _pages(site["ids"]).items():
            context = browser.new_context(viewport=PHONE, locale="fr-FR")
            page = context.new_page()
            if who != "anonymous":
                log_in(page, live.url, f"{who}@example.org", DEMO_PASSWORD)
            for lang in LANGS:
                context.add_cookies([{"name": "lang", "value": lang, "url": live.url}])
                for name, path in pages:
                    response = page.goto(live.url + path)
                    where = f"{name} {path} [{who}, {lang}]"
                    if response.status != 200:
                        problems.append(f"{where}: status {response.status}")
                        continue
                    if too_wide := phone_checks.overflow(page):
                        screenshot(page, f"overflow-{name}-{lang}")
                        problems.extend(f"{where}: {problem}" for problem in too_wide)
                    heading = page.evaluate(HEADING_BOX)
                    if lang == "ar":
                        # right-to-left: the heading's first line starts at the right edge
                        if heading["direction"] != "rtl" or (
                            abs(heading["textRight"] - heading["boxRight"]) > 2
                        ):
                            problems.append(f"{where}: heading not mirrored {heading}")
                        else:
                            mirrored.append(name)
                    elif abs(heading["textLeft"] - heading["boxLeft"]) > 2:
                        problems.append(f"{where}: heading does not start at the left {heading}")
            context.close()
    assert problems == [], "\n".join(problems)
    assert len(mirrored) == sum(len(pages) for pages in _pages(site["ids"]).values())


def pages_by_role(app, site) -> dict[str, list[str]]:
    """Every HTML page of the site, each under the first role that may open it (anonymous first)."""
    targets, _skipped = crawl_targets(app, site["ids"])
    client = app.test_client()
    found: dict[str, list[str]] = {who: [] for who in ROLES}
    for _endpoint, url in targets:
        for who in ROLES:
            log_in_as(client, site["people"].get(who))
            response = client.get(url)
            if response.status_code == 200 and response.mimetype == "text/html":
                found[who].append(url)
                break
    return found


def walk_every_page(browser, tmp_path, checks, **context_options):
    """Runs `checks` (page -> problems) on every page, as its role, in fr, ar and en at 360 px."""
    app = browser_app(tmp_path)
    site = seed_site(app)
    problems, visited = [], 0
    with LiveServer(app) as live:
        for who, urls in pages_by_role(app, site).items():
            context = browser.new_context(viewport=PHONE, locale="fr-FR", **context_options)
            page = context.new_page()
            if who != "anonymous":
                log_in(page, live.url, f"{who}@example.org", DEMO_PASSWORD)
            for lang in LANGS:
                context.add_cookies([{"name": "lang", "value": lang, "url": live.url}])
                for url in urls:
                    page.goto(live.url + url)
                    visited += 1
                    for check in checks:
                        problems.extend(f"{url} [{who}, {lang}]: {p}" for p in check(page))
            context.close()
    return problems, visited


def test_every_page_has_a_short_header_and_thumb_sized_targets(browser, tmp_path):
    checks = (phone_checks.overflow, phone_checks.header_height, phone_checks.small_targets)
    problems, visited = walk_every_page(browser, tmp_path, checks)
    assert problems == [], f"{len(problems)} problems:\n" + "\n".join(problems)
    assert visited > 150  # the walk really reached the pages, in three languages


@pytest.mark.needs("axe")
def test_every_page_has_no_axe_violations(browser, tmp_path):
    # axe is injected as a script: the test's browser lets it past the page's strict CSP
    problems, visited = walk_every_page(
        browser, tmp_path, (phone_checks.axe_violations,), bypass_csp=True
    )
    assert problems == [], f"{len(problems)} problems:\n" + "\n".join(problems)
    assert visited > 150
