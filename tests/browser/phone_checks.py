"""What a phone page must pass, measured in Chromium: each check returns a list of problems."""

from __future__ import annotations

import json
from pathlib import Path

from tests.browser.conftest import PHONE
from tests.programs import AXE

MIN_TARGET = 44  # px: WCAG 2.5.5, and a thumb on a cheap phone
MAX_HEADER = 0.15 * PHONE["height"]

# Every visible control, measured as a thumb meets it: a checkbox or radio by its label (the
# whole label toggles it). Links inside code and the skip link, off screen until focused, aside.
SMALL_TARGETS = """(min) => {
  const controls = document.querySelectorAll(
    'a[href], button, select, textarea, summary, input:not([type=hidden])');
  const small = [];
  for (const el of controls) {
    if (!el.checkVisibility() || el.closest('pre, code')
        || el.classList.contains('skip-link')) continue;
    let target = el;
    if (el.type === 'checkbox' || el.type === 'radio') {
      target = el.closest('label') || el.labels[0] || el;
    }
    const box = target.getBoundingClientRect();
    if (box.width < min - 0.5 || box.height < min - 0.5) {
      const text = (el.textContent || el.value || el.name || '').trim().slice(0, 30);
      small.push(`${el.tagName.toLowerCase()}${el.className ? '.' + el.className : ''}`
                 + ` "${text}" ${Math.round(box.width)}x${Math.round(box.height)}`);
    }
  }
  return small.slice(0, 8);
}"""

WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter(e => !e.closest('pre') && (e.getBoundingClientRect().right > innerWidth + 0.5
               || e.getBoundingClientRect().left < -0.5) && e.checkVisibility()
               && !e.classList.contains('skip-link'))
  .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')).slice(0, 6)"""

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(
    v => ({id: v.id, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""


def overflow(page) -> list[str]:
    width = page.evaluate("document.documentElement.scrollWidth")
    if width <= PHONE["width"]:
        return []
    return [f"{width}px wide: {page.evaluate(WIDEST)}"]


def small_targets(page) -> list[str]:
    return [f"target under {MIN_TARGET}px: {t}" for t in page.evaluate(SMALL_TARGETS, MIN_TARGET)]


def header_height(page) -> list[str]:
    height = page.evaluate("document.querySelector('.site-header').getBoundingClientRect().height")
    return [f"header {height:.0f}px > {MAX_HEADER:.0f}px"] if height > MAX_HEADER else []


def axe_violations(page) -> list[str]:
    """axe-core's rules (WCAG A/AA and best practice) on the page as it stands."""
    page.add_script_tag(content=Path(AXE).read_text(encoding="utf-8"))
    return [f"axe {v['id']}: {json.dumps(v['nodes'])}" for v in page.evaluate(AXE_RUN)]
