"""The radar chart reads round the circle in the page's direction and says what it shows."""

from __future__ import annotations

import re

from accompaniment.radar import CENTRE, radar_svg

LABEL = re.compile(r'<text x="([\d.]+)" y="([\d.]+)" text-anchor="(\w+)"[^>]*>(\d)</text>')


def _labels(svg: str) -> dict[str, tuple[float, str]]:
    return {text: (float(x), anchor) for x, _y, anchor, text in LABEL.findall(svg)}


def test_arabic_goes_round_from_the_right_and_french_from_the_left():
    names = [str(n) for n in range(1, 7)]
    ltr = _labels(radar_svg(names, [("entry", [50] * 6)], "Scores", rtl=False))
    rtl = _labels(radar_svg(names, [("entry", [50] * 6)], "Scores", rtl=True))
    assert abs(ltr["1"][0] - CENTRE) < 1 and abs(rtl["1"][0] - CENTRE) < 1  # axis 1 at the top
    assert ltr["2"][0] > CENTRE and rtl["2"][0] < CENTRE  # then clockwise / counter-clockwise
    assert ltr["5"][0] < CENTRE and rtl["5"][0] > CENTRE
    # labels grow away from the centre in both directions
    assert ltr["2"][1] == "start" and rtl["2"][1] == "start"  # rtl "start" is the right end


def test_the_chart_has_a_text_alternative_and_escapes_it():
    svg = str(radar_svg(["1", "2", "3"], [("a", [10, 20, 30])], "<Gouvernance> 10", rtl=False))
    assert 'role="img"' in svg and '<title id="radar-title">&lt;Gouvernance&gt; 10</title>' in svg
    assert svg.count("<polygon") == 4 + 1  # four rings and one diagnosis
