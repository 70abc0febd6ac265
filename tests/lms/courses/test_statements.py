"""Each player event sends the statements of docs/xapi-profile.md; progress is their fold."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from lms.courses.models import CourseProgress, ModuleProgress
from lms.xapi import recorder
from lms.xapi.vocabulary import ACTIVITY_TYPES, EXTENSIONS, VERBS
from tests.lms.courses.helpers import read_pages, statements_of, take_quiz

BASE = "http://taawun.test/courses/demo-course"
PROFILE_DOC = Path(__file__).resolve().parents[3] / "docs" / "xapi-profile.md"
ATTEMPT = "https://w3id.org/xapi/taawun/extensions/attempt"

#: event -> (verb, object type, object id, parent ids, grouping ids, result keys)
PROFILE = {
    "launched": ("launched", "course", BASE, [], [], set()),
    "initialized": ("initialized", "course", BASE, [], [], set()),
    "terminated": ("terminated", "course", BASE, [], [], set()),
    "experienced": ("experienced", "lesson", f"{BASE}/modules/start/pages/01-first",
                    [f"{BASE}/modules/start"], [BASE], set()),
    "answered": ("answered", "interaction", None, lambda quiz: [quiz],
                 lambda quiz: [BASE, quiz.rsplit("/", 1)[0]], {"response", "success"}),
    "passed": ("passed", "assessment", f"{BASE}/modules/start/quiz", [f"{BASE}/modules/start"],
               [BASE], {"score", "success", "completion"}),
    "failed": ("failed", "assessment", f"{BASE}/modules/next/quiz", [f"{BASE}/modules/next"],
               [BASE], {"score", "success", "completion"}),
    "progressed": ("progressed", "course", BASE, [], [], {"extensions"}),
    "completed-module": ("completed", "module", f"{BASE}/modules/start", [BASE], [],
                         {"completion"}),
    "completed-course": ("completed", "course", BASE, [], [], {"completion", "extensions"}),
    "responded": ("responded", "activity", f"{BASE}/modules/start/activity",
                  [f"{BASE}/modules/start"], [BASE], {"response", "completion"}),
}  # fmt: skip


@pytest.fixture(scope="module")
def journey(app, courses):
    """One learner goes through the whole demo course, failing one quiz once."""
    from tests.conftest import PASSWORD, AuthActions, create_user

    with app.app_context():
        session = app.extensions["db_session"]()
        learner = create_user(session, "journey@example.org", PASSWORD, roles=("learner",))
        session.commit()
        app.extensions["db_session"].remove()
    client = app.test_client()
    AuthActions(client).login(learner)
    client.post("/courses/demo-course/launch")
    read_pages(client, app, "demo-course", "start")
    take_quiz(client, app, "demo-course", "start")
    client.post("/courses/demo-course/modules/start/activity", data={"answer": "Our answer"})
    read_pages(client, app, "demo-course", "next")
    take_quiz(client, app, "demo-course", "next", wrong=4)
    take_quiz(client, app, "demo-course", "next")
    client.post("/courses/demo-course/leave")
    return learner, statements_of(app, learner)


def _ids(activities) -> list[str]:
    return [a["id"] for a in activities or []]


def _pick(statements, verb, object_id):
    found = [s for s in statements if s["verb"]["id"] == VERBS[verb][0]
             and (object_id is None or s["object"]["id"] == object_id)]  # fmt: skip
    assert found, f"no {verb} statement on {object_id}"
    return found


@pytest.mark.parametrize("event", list(PROFILE))
def test_each_event_matches_the_profile(app, journey, event):
    learner, statements = journey
    verb, type_key, object_id, parents, grouping, result_keys = PROFILE[event]
    with app.app_context():
        from lms.courses.models import CourseProgress

        registration = app.extensions["db_session"].query(CourseProgress).filter_by(
            user_id=learner.id, course_id="demo-course").one().registration  # fmt: skip
    for statement in _pick(statements, verb, object_id):
        assert statement["actor"] == {
            "objectType": "Agent",
            "account": {"homePage": "http://taawun.test", "name": learner.public_id},
        }
        assert "@" not in json.dumps(statement["actor"])
        assert statement["object"]["definition"]["type"] == ACTIVITY_TYPES[type_key]
        assert statement["object"]["definition"]["name"]["fr"]
        context = statement["context"]
        assert context["registration"] == registration
        assert context["platform"] == "Taawun" and context["language"] in ("fr", "en", "ar")
        activities = context.get("contextActivities", {})
        quiz = statement["object"]["id"].split("/questions/")[0]
        assert _ids(activities.get("parent")) == (parents(quiz) if callable(parents) else parents)
        assert _ids(activities.get("grouping")) == (
            grouping(quiz) if callable(grouping) else grouping
        )
        assert result_keys <= set(statement.get("result", {}))
        if not result_keys:
            assert "result" not in statement


def test_answered_statements_describe_each_interaction_type(journey):
    _learner, statements = journey
    answered = {
        s["object"]["id"].rsplit("/", 1)[-1]: s for s in _pick(statements, "answered", None)
    }
    expected = {
        "owner": ("choice", ["members"], "choices"),
        "why": ("choice", ["price[,]press"], "choices"),
        "one-vote": ("true-false", ["true"], None),
        "steps": ("sequencing", ["invite[,]discuss[,]vote"], "choices"),
        "forms": ("matching", ["company[.]company[,]association[.]association[,]"
                               "cooperative[.]cooperative"], "source"),
        "capital": ("numeric", ["1000"], None),
    }  # fmt: skip
    for qid, (interaction, pattern, components) in expected.items():
        definition = answered[qid]["object"]["definition"]
        assert definition["interactionType"] == interaction
        assert definition["correctResponsesPattern"] == pattern
        if components:
            assert definition[components]
        if interaction == "matching":
            assert [c["id"] for c in definition["target"]] == ["company", "association",
                                                                "cooperative"]  # fmt: skip
        assert isinstance(answered[qid]["result"]["success"], bool)
        assert answered[qid]["context"]["extensions"][ATTEMPT]


def test_quiz_result_carries_the_score(journey):
    _learner, statements = journey
    failed = _pick(statements, "failed", f"{BASE}/modules/next/quiz")[0]
    assert failed["result"]["score"] == {"scaled": 0.3333, "raw": 2, "min": 0, "max": 6}
    assert failed["result"]["success"] is False
    passed = _pick(statements, "passed", f"{BASE}/modules/next/quiz")[0]
    assert passed["result"]["score"]["scaled"] == 1.0 and passed["result"]["success"] is True


def test_progress_grows_and_ends_at_100(journey):
    _learner, statements = journey
    progress = [s["result"]["extensions"][EXTENSIONS["progress"]]
                for s in _pick(statements, "progressed", BASE)]  # fmt: skip
    assert progress == sorted(progress) and progress[0] > 0
    completed = _pick(statements, "completed", BASE)
    assert (
        len(completed) == 1 and completed[0]["result"]["extensions"][EXTENSIONS["progress"]] == 100
    )


def _projection(app):
    with app.app_context():
        session = app.extensions["db_session"]()
        courses = sorted(
            (r.user_id, r.course_id, r.registration, r.enrolled_at, r.completed, r.completed_at,
             r.last_activity, r.last_module, r.last_page)
            for r in session.scalars(select(CourseProgress))
        )  # fmt: skip
        modules = sorted(
            (r.user_id, r.course_id, r.module_id, tuple(sorted(r.pages_seen)), r.quiz_best,
             r.quiz_attempts, r.quiz_passed, r.completed, r.last_activity, r.last_page)
            for r in session.scalars(select(ModuleProgress))
        )  # fmt: skip
        app.extensions["db_session"].remove()
    return courses, modules


def test_rebuild_progress_from_the_lrs_gives_the_same_projection(app, journey):
    before = _projection(app)
    assert before[0] and before[1]
    with app.app_context():
        session = app.extensions["db_session"]()
        session.query(ModuleProgress).delete()
        session.commit()
    result = app.test_cli_runner().invoke(args=["rebuild-progress"])
    assert result.exit_code == 0, result.output
    assert "progress rebuilt from" in result.output
    assert _projection(app) == before


PLAYER_VERBS = ("launched", "initialized", "terminated", "experienced", "answered", "passed",
                "failed", "progressed", "completed", "responded")  # fmt: skip


def test_other_features_statements_about_a_course_do_not_count_as_progress(app, journey):
    from lms.courses import progress
    from lms.courses.statements import course_iri

    learner, _statements = journey
    before = _projection(app)
    with app.test_request_context():
        session = app.extensions["db_session"]()
        for verb in ("certified", "attended"):
            statement = recorder.to_dict(
                recorder.statement(
                    learner,
                    verb,
                    recorder.activity(course_iri("demo-course"), "course", {"en": "x"}),
                    ctx=recorder.context(registration=str(uuid.uuid4())),
                )
            )
            progress.apply(session, statement)
        session.commit()
    assert _projection(app) == before


def test_the_profile_document_lists_every_verb_and_type_the_player_sends(journey):
    text = PROFILE_DOC.read_text(encoding="utf-8")
    _learner, statements = journey
    for statement in statements:
        assert statement["verb"]["id"] in text
        assert statement["object"]["definition"]["type"] in text
    for key in PLAYER_VERBS:
        assert VERBS[key][0] in text, f"{key} is not described in docs/xapi-profile.md"
    for extension in (EXTENSIONS["progress"], ATTEMPT):
        assert extension in text
