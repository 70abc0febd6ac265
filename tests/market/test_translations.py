"""The market catalogs are complete in fr and ar, and agree with the other packages' catalogs.

Flask-Babel merges every package's `messages` catalog into one, the market's last: a msgid the
market translates differently would silently change another feature's pages.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]


def _catalog(path: Path, lang: str) -> dict:
    with path.open("rb") as po:
        return {m.id: m.string for m in read_po(po, locale=lang) if m.id}


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_every_market_string_is_translated(lang):
    mine = _catalog(ROOT / "market" / "translations" / lang / "LC_MESSAGES" / "messages.po", lang)
    missing = [k for k, v in mine.items() if not v or (isinstance(v, tuple) and not all(v))]
    assert missing == []


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_market_translations_agree_with_the_other_catalogs(lang):
    mine = _catalog(ROOT / "market" / "translations" / lang / "LC_MESSAGES" / "messages.po", lang)
    clashes = []
    for path in ROOT.glob(f"*/translations/{lang}/LC_MESSAGES/messages.po"):
        if path.parts[-5] == "market":
            continue
        for msgid, text in _catalog(path, lang).items():
            if msgid in mine and text and text != mine[msgid]:
                clashes.append(f"{path.parts[-5]}: {msgid!r}: {text!r} != {mine[msgid]!r}")
    assert clashes == []
