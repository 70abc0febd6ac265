"""In Arabic pages a Latin name is drawn in its own order, as Chromium really lays it out."""

from __future__ import annotations

import pytest

from lms.cli import DEMO_PASSWORD
from tests.browser.conftest import PHONE, LiveServer, browser_app, log_in, screenshot
from tests.lms.test_pages_quality import LATIN_NAMES, seed_site

pytestmark = pytest.mark.browser

# For every visible text node of <main> holding `name`: where its first and last characters
# and its brackets are drawn.
DRAWN = """(name) => {
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  const left = (node, i) => {
    const range = document.createRange();
    range.setStart(node, i);
    range.setEnd(node, i + 1);
    return range.getBoundingClientRect().left;
  };
  const found = [];
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const at = node.data.indexOf(name);
    if (at < 0 || !node.parentElement.getClientRects().length) continue;  // hidden
    const spot = {tag: node.parentElement.tagName.toLowerCase(),
                  first: left(node, at), last: left(node, at + name.length - 1)};
    if (name.includes('(')) {
      spot.open = left(node, at + name.indexOf('('));
      spot.close = left(node, at + name.indexOf(')'));
    }
    found.push(spot);
  }
  return found;
}"""

# The name in an Arabic sentence of its own: glued (as the pages were) or in a <bdi>.
SENTENCE = """([name, isolated]) => {
  const p = document.createElement('p');
  p.append('المكوّن: ');
  if (isolated) {
    const bdi = document.createElement('bdi');
    bdi.textContent = name;
    p.append(bdi);
  } else {
    p.append(name);
  }
  document.querySelector('main').append(p);
}"""


def _misdrawn(page, name: str) -> tuple[list, list]:
    """(every drawing of the Latin name, those not drawn left to right, brackets included)."""
    drawn = page.evaluate(DRAWN, name)
    wrong = [
        spot
        for spot in drawn
        if not spot["first"] < spot["last"] or spot.get("open", 0) > spot.get("close", 1)
    ]
    return drawn, wrong


def test_latin_names_are_drawn_in_their_own_order_in_arabic_pages(browser, tmp_path):
    app = browser_app(tmp_path)
    site = seed_site(app)
    ids = site["ids"]
    pages = {
        "trainer": [f"/cohorts/{ids['cohort_id']}", f"/cohorts/{ids['cohort_id']}/certification"],
        "learner": ["/dashboard"],
        "coach": ["/coach"],
    }
    problems, checked = [], 0
    with LiveServer(app) as live:
        for who, paths in pages.items():
            context = browser.new_context(viewport=PHONE, locale="ar")
            page = context.new_page()
            log_in(page, live.url, f"{who}@example.org", DEMO_PASSWORD)
            context.add_cookies([{"name": "lang", "value": "ar", "url": live.url}])
            for path in paths:
                page.goto(live.url + path)
                assert page.evaluate("document.documentElement.dir") == "rtl"
                for name in LATIN_NAMES.values():
                    drawn, wrong = _misdrawn(page, name)
                    checked += len(drawn)
                    if wrong:
                        screenshot(page, f"bidi-{who}-{path.strip('/').replace('/', '-')}")
                        problems.append(f"{path} [{who}]: {name!r} drawn as {wrong}")
            context.close()
    assert problems == [], "\n".join(problems)
    assert checked >= 8  # the cohort's, the trainer's and the learners' names were found


@pytest.mark.parametrize("name", [LATIN_NAMES["cohort"], LATIN_NAMES["coach"]])
def test_the_measure_sees_what_bdi_changes(browser, name):
    """Glued into an Arabic sentence the name is torn ("(Pilot)" mirrored, the final stop sent
    to the far left); in a <bdi> it is drawn whole."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_content('<html lang="ar" dir="rtl"><body><main></main></body></html>')
    page.evaluate(SENTENCE, [name, False])
    glued, glued_wrong = _misdrawn(page, name)
    page.evaluate("document.querySelector('main').replaceChildren()")
    page.evaluate(SENTENCE, [name, True])
    isolated, isolated_wrong = _misdrawn(page, name)
    context.close()
    assert len(glued) == 1 and glued_wrong == glued
    assert len(isolated) == 1 and isolated_wrong == []
