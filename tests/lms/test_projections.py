"""The one reader of our activity IRIs and the authority rule (lms.xapi.projections)."""

from __future__ import annotations

import pytest

from lms.xapi.projections import Where, is_counted, parse_iri, view

BASE = "http://taawun.test"
COURSE = BASE + "/courses/think-coop"


@pytest.mark.parametrize(
    ("iri", "where"),
    [
        (COURSE, Where("think-coop", "course")),
        (COURSE + "/modules/m1", Where("think-coop", "module", "m1")),
        (COURSE + "/modules/m1/pages/p2", Where("think-coop", "page", "m1", "p2")),
        (COURSE + "/modules/m1/quiz", Where("think-coop", "quiz", "m1")),
        (COURSE + "/modules/m1/quiz/questions/q3", Where("think-coop", "question", "m1", "q3")),
        (COURSE + "/modules/m1/activity", Where("think-coop", "activity", "m1")),
        (COURSE + "/modules/m1/pages", None),
        (COURSE + "/modules/m1/pages/p2/extra", None),
        (COURSE + "/lessons/m1", None),
        (BASE + "/courses/", None),
        ("http://elsewhere.test/courses/think-coop", None),
        (BASE + "/projects/12", None),
    ],
)
def test_parse_iri_reads_only_our_course_activities(iri, where):
    assert parse_iri(iri, BASE) == where


def test_only_the_lms_authority_counts():
    ours = {
        '{"account":{"homePage":"http://taawun.test","name":"taawun-lms"},"objectType":"Agent"}'
    }
    lms = {"objectType": "Agent", "account": {"homePage": BASE, "name": "taawun-lms"}}
    learner = {"objectType": "Agent", "account": {"homePage": BASE, "name": "u-1"}}
    assert is_counted({"authority": lms}, ours)
    assert not is_counted({"authority": learner}, ours)
    assert not is_counted({}, ours)


def test_a_group_actor_is_nobody_s_progress():
    statement = {
        "id": "x",
        "actor": {
            "objectType": "Group",
            "account": {"homePage": BASE, "name": "u-1"},
            "member": [{"account": {"homePage": BASE, "name": "u-2"}}],
        },
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"id": COURSE},
        "timestamp": "2026-12-01T10:00:00Z",
    }
    seen = view(statement, BASE, counted=True)
    assert seen.learner is None and seen.verb == "completed" and seen.where.kind == "course"
