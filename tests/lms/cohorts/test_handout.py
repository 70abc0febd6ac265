"""The printed module handout as a reader sees it: words where they land on the page."""

from __future__ import annotations

import re
import subprocess

import pytest

from tests.lms.cohorts.helpers import login

pytestmark = pytest.mark.needs("pdftotext")

HANDOUT = "/facilitator/think-coop/what-is-a-cooperative/handout.pdf"
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)"[^>]*>([^<]*)</word>')


def printed_lines(pdf_bytes: bytes) -> list[list[tuple[float, str]]]:
    """Each printed line's words as (right edge, text), right to left; pages in order.

    pdftotext -bbox (poppler-utils: tests/programs.py) gives the glyphs as placed, so an
    Arabic word comes out letter-reversed and "1." at the right of a line as ".1"."""
    layout = subprocess.run(
        ["pdftotext", "-bbox", "-", "-"], input=pdf_bytes, capture_output=True, check=True
    ).stdout.decode()
    lines: dict[tuple[int, int], list[tuple[float, str]]] = {}
    for page_number, page in enumerate(layout.split("<page ")[1:]):
        for _x_min, y_min, x_max, text in WORD.findall(page):
            line = lines.setdefault((page_number, round(float(y_min))), [])
            line.append((float(x_max), text))
    return [sorted(words, reverse=True) for words in lines.values()]


def test_arabic_handout_numbers_each_step_at_the_right_edge_before_its_text(client, make_user):
    login(client, make_user("trainer"))
    client.set_cookie("lang", "ar")
    lines = printed_lines(client.get(HANDOUT).data)
    right_edge = max(words[0][0] for words in lines)
    numbered = [words for words in lines if re.fullmatch(r"\.\d+", words[0][1]) and len(words) > 1]
    # the activity's six steps close the handout, each number first on its line (at the
    # right, its dot on the text's side), then the step's first word
    steps = numbered[-6:]
    assert [words[0][1] for words in steps] == [f".{n}" for n in range(1, 7)]
    assert all(abs(words[0][0] - right_edge) < 1 for words in steps)
    assert steps[0][1][1] == "يأخذ"[::-1] and steps[5][1][1] == "اختاروا"[::-1]


def test_french_handout_keeps_its_numbers_at_the_left(client, make_user):
    login(client, make_user("trainer"))
    client.set_cookie("lang", "fr")
    lines = printed_lines(client.get(HANDOUT).data)
    firsts = [words[-1][1] for words in lines if re.fullmatch(r"\d+\.", words[-1][1])]
    assert firsts[-6:] == [f"{n}." for n in range(1, 7)]
