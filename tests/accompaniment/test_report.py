"""The diagnosis report as a reader of the printed PDF sees it: in the cooperative's language,
Arabic set from the right margin, whatever language the coach's screen is in."""

from __future__ import annotations

import re
import subprocess

import pytest

from tests.accompaniment.conftest import diagnose, english, enrol

pytestmark = pytest.mark.needs("pdftotext")
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)"[^>]*>([^<]*)</word>')


def words(pdf: bytes) -> list[tuple[float, float, str]]:
    """(left edge, right edge, text) of each printed word; Arabic comes out letter-reversed."""
    layout = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True,
                            check=True).stdout.decode()  # fmt: skip
    return [(float(x0), float(x1), text) for x0, _y, x1, text in WORD.findall(layout)]


@pytest.mark.parametrize(("language", "title_word"), [("ar", "التشخيص"), ("fr", "Diagnostic")])
def test_the_report_is_printed_in_the_cooperatives_language(app, people, language, title_word):
    client = english(app)  # the coach reads English; the cooperative works in its own language
    followed_id = enrol(client, people, name=f"Coop rapport {language}", language=language)
    diagnosis_id = diagnose(app, client, followed_id, level=1)
    response = client.get(f"/accompaniment/diagnoses/{diagnosis_id}/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    printed = words(response.data)
    texts = [text for _l, _r, text in printed]
    shaped = title_word[::-1] if language == "ar" else title_word
    assert shaped in texts
    assert "Strengths" not in texts and "Diagnosis" not in texts  # no English on the paper
    right_margin = max(right for _l, right, _t in printed)
    left_margin = min(left for left, _r, _t in printed)
    title = next((left, right) for left, right, text in printed if text == shaped)
    if language == "ar":
        assert abs(title[1] - right_margin) < 2  # set from the right margin
    else:
        assert abs(title[0] - left_margin) < 2
