"""The lifecycle: every allowed and forbidden move, for every kind of user, with statements."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from lms.auth.models import User
from lms.xapi import recorder
from lms.xapi.vocabulary import EXTENSIONS, VERBS
from projects import services
from projects.models import Project
from projects.services import ProjectError

#: The lifecycle of the issue, written out independently of services.TRANSITIONS.
ALLOWED = {
    ("draft", "submitted", "holder"),
    ("changes_requested", "resubmitted", "holder"),
    ("submitted", "under_review", "coach"),
    ("submitted", "under_review", "admin"),
    ("resubmitted", "under_review", "coach"),
    ("resubmitted", "under_review", "admin"),
    ("under_review", "changes_requested", "coach"),
    ("under_review", "changes_requested", "admin"),
    ("under_review", "qualified", "coach"),
    ("under_review", "qualified", "admin"),
    ("under_review", "rejected", "coach"),
    ("under_review", "rejected", "admin"),
    ("qualified", "incubated", "coach"),
    ("qualified", "incubated", "admin"),
    ("incubated", "launched", "coach"),
    ("incubated", "launched", "admin"),
}
STATES = list(services.STATES)
ACTORS = ("holder", "coach", "admin", "trainer", "other-learner")


@pytest.fixture(scope="module")
def people(app, make_user_module):
    return make_user_module


@pytest.fixture(scope="module")
def make_user_module(app):
    from lms.auth.services import create_user

    with app.app_context():
        session = app.extensions["db_session"]()
        made = {
            "holder": create_user(session, "lc-holder@example.org", "lifecycle-pass",
                                  roles=("learner",)),
            "coach": create_user(session, "lc-coach@example.org", "lifecycle-pass",
                                 roles=("coach", "learner")),
            "admin": create_user(session, "lc-admin@example.org", "lifecycle-pass",
                                 roles=("admin",)),
            "trainer": create_user(session, "lc-trainer@example.org", "lifecycle-pass",
                                   roles=("trainer",)),
            "other-learner": create_user(session, "lc-other@example.org", "lifecycle-pass",
                                         roles=("learner",)),
        }  # fmt: skip
        session.commit()
        ids = {key: user.id for key, user in made.items()}
        app.extensions["db_session"].remove()
    return ids


def _attempt(app, make_project, people, source, target, who, **extra):
    """Try one move; returns (moved, project_id, messages)."""
    project_id = make_project(people["holder"], state=source)
    with app.test_request_context():
        session = app.extensions["db_session"]()
        project = session.get(Project, project_id)
        actor = session.get(User, people[who])
        arguments = {"reason": "Parce que.", "registration_number": "RC-1",
                     "registration_date": date(2026, 3, 1), **extra}  # fmt: skip
        try:
            services.change_state(session, project, actor, target, **arguments)
        except ProjectError as exc:
            session.rollback()
            return False, project_id, [str(m) for m in exc.messages]
        session.commit()
        return True, project_id, []


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("source", STATES)
def test_every_move_is_allowed_only_as_the_lifecycle_says(app, make_project, people, load, source,
                                                          who):  # fmt: skip
    for target in STATES:
        moved, project_id, _messages = _attempt(app, make_project, people, source, target, who)
        expected = (source, target, who) in ALLOWED
        assert moved is expected, f"{who}: {source} -> {target}"
        with app.app_context():
            project = load(project_id)
            assert project.state == (target if expected else source)
            assert len(project.history) == (1 if expected else 0)
            if expected:
                change = project.history[0]
                assert (change.from_state, change.to_state) == (source, target)
                assert change.actor_id == people[who]
                assert change.at is not None


def test_reviewers_never_move_their_own_project(app, make_project, people):
    project_id = make_project(people["coach"], state="submitted")
    with app.test_request_context():
        session = app.extensions["db_session"]()
        project = session.get(Project, project_id)
        coach = session.get(User, people["coach"])
        assert services.transitions_for(coach, project) == []
        with pytest.raises(ProjectError):
            services.change_state(session, project, coach, "under_review")
        assert not services.can_review(coach, project)
        session.rollback()


@pytest.mark.parametrize("target", ["changes_requested", "rejected"])
def test_asking_for_changes_or_rejecting_needs_a_reason(app, make_project, people, load, target):
    moved, project_id, messages = _attempt(
        app, make_project, people, "under_review", target, "coach", reason="   "
    )
    assert not moved
    assert messages == ["Donnez une raison : le porteur du projet la lira."]
    with app.app_context():
        assert load(project_id).state == "under_review"


def test_launch_needs_registration_number_and_a_past_date(app, make_project, people, load):
    moved, _id, messages = _attempt(app, make_project, people, "incubated", "launched", "admin",
                                    registration_number="", registration_date=None)  # fmt: skip
    assert not moved
    assert len(messages) == 2
    tomorrow = date.today() + timedelta(days=1)
    moved, _id, messages = _attempt(app, make_project, people, "incubated", "launched", "admin",
                                    registration_date=tomorrow)  # fmt: skip
    assert not moved and "futur" in messages[0]
    moved, project_id, _ = _attempt(app, make_project, people, "incubated", "launched", "admin",
                                    registration_number="RC-4321",
                                    registration_date=date(2026, 2, 2))  # fmt: skip
    assert moved
    with app.app_context():
        project = load(project_id)
        assert project.registration_number == "RC-4321"
        assert project.registration_date == date(2026, 2, 2)


def test_submission_names_every_missing_part(app, make_project, people, load):
    project_id = make_project(people["holder"], market=None, funding_sources=[], members_youth=None)
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        session = app.extensions["db_session"]()
        holder = session.get(User, people["holder"])
        project = session.get(Project, project_id)
        with pytest.raises(ProjectError) as error:
            services.change_state(session, project, holder, "submitted")
        messages = [str(m) for m in error.value.messages]
        session.rollback()
    assert messages == [
        "Manquant : Moins de 35 ans parmi eux.",
        "Manquant : Marché et clients.",
        "Manquant : Sources de financement.",
    ]
    with app.app_context():
        assert load(project_id).state == "draft"


def test_every_move_is_an_xapi_statement_on_the_project(app, make_project, people):
    path = [("submitted", "holder"), ("under_review", "coach"), ("changes_requested", "coach"),
            ("resubmitted", "holder"), ("under_review", "admin"), ("qualified", "coach"),
            ("incubated", "admin"), ("launched", "admin")]  # fmt: skip
    project_id = make_project(people["holder"])
    with app.test_request_context():
        session = app.extensions["db_session"]()
        project = session.get(Project, project_id)
        for target, who in path:
            services.change_state(
                session,
                project,
                session.get(User, people[who]),
                target,
                reason="À revoir" if target == "changes_requested" else None,
                registration_number="RC-9",
                registration_date=date(2026, 1, 5),
            )
        session.commit()
        iri = services.project_iri(project)
        statements = list(recorder.statements(activity_id=iri))
    assert iri == f"http://taawun.test/projects/{project_id}"
    verbs = [s["verb"]["id"] for s in statements]
    assert verbs == [VERBS[key][0] for key in ("submitted", "transitioned", "requested-changes",
                                               "submitted", "transitioned", "qualified",
                                               "incubated", "transitioned")]  # fmt: skip
    states = [s["context"]["extensions"][EXTENSIONS["state"]] for s in statements]
    assert states == [target for target, _who in path]
    assert statements[2]["context"]["extensions"][EXTENSIONS["reason"]] == "À revoir"
    for statement, (_target, who) in zip(statements, path, strict=True):
        assert statement["object"]["definition"]["type"].endswith("/activities/project")
        with app.app_context():
            session = app.extensions["db_session"]()
            assert statement["actor"]["account"]["name"] == session.get(User, people[who]).public_id
            assert "mbox" not in statement["actor"]
