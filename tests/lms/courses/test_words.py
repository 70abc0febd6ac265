"""The words around a course: one Arabic word for a course (الدورة) and another for a lesson
(الدرس), and counts in the reader's plural, never "6 ساعة"."""

from __future__ import annotations

import pytest

from lms.courses.views import course_duration


@pytest.mark.parametrize(
    ("lang", "minutes", "words"),
    [
        ("ar", 360, "حوالي 6 ساعات"),
        ("ar", 60, "حوالي ساعة واحدة"),
        ("ar", 120, "حوالي ساعتين"),
        ("ar", 900, "حوالي 15 ساعة"),
        ("fr", 60, "environ 1 heure"),
        ("fr", 360, "environ 6 heures"),
        ("en", 90, "about 2 hours"),
    ],
)
def test_a_course_length_takes_the_plural_of_its_language(app, lang, minutes, words):
    with app.test_request_context(headers={"Cookie": f"lang={lang}"}):
        assert course_duration(minutes) == words


def test_arabic_calls_a_course_a_dawra_and_keeps_dars_for_lessons(client, courses):
    client.set_cookie("lang", "ar")
    catalogue = client.get("/courses").text
    assert "<h1>الدورات</h1>" in catalogue
    assert "لغة الدروس" in catalogue  # the lessons' language: lessons stay دروس
    assert "حوالي ساعة واحدة" in catalogue  # the demo course's 60 minutes
