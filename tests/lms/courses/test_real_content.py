"""The courses in content/ load, and each Think.COOP lesson page stays light for a weak phone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lms.courses.models import Course

CONTENT = Path(__file__).resolve().parents[3] / "content"
BUDGET = 60 * 1024  # HTML + CSS + JS of a lesson page, before pictures


@pytest.fixture(scope="module")
def real_courses(app):
    result = app.test_cli_runner().invoke(args=["load-content", str(CONTENT)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        course = app.extensions["db_session"]().get(Course, "think-coop")
        return [(module.id, [page.id for page in module.pages]) for module in course.modules]


def page_weight(client, url) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.get_data(as_text=True)
    total = len(response.data)
    for href in re.findall(r'<link rel="stylesheet" href="([^"]+)"', html) + re.findall(
        r'<script src="([^"]+)"', html
    ):
        total += len(client.get(href).data)
    return total


def test_every_think_coop_lesson_and_quiz_page_weighs_under_60_kb(
    client, auth, make_user, real_courses
):
    auth.login(make_user("learner"))
    weights = {}
    for module_id, page_ids in real_courses:
        base = f"/courses/think-coop/modules/{module_id}"
        for page_id in page_ids:
            weights[f"{base}/pages/{page_id}"] = page_weight(client, f"{base}/pages/{page_id}")
        weights[f"{base}/quiz"] = page_weight(client, f"{base}/quiz")
    heaviest = max(weights, key=weights.get)
    assert weights[heaviest] < BUDGET, (heaviest, weights[heaviest])


def test_every_lesson_page_has_pictures_with_alt_text(app, real_courses):
    with app.app_context():
        for course in app.extensions["db_session"]().query(Course):
            for module in course.modules:
                for page in module.pages:
                    for html in page.html.values():
                        for tag in re.findall(r"<img[^>]*>", html):
                            assert re.search(r'alt="[^"]+"', tag), (course.id, page.id)
