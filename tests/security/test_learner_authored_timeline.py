"""Finding 3 of issue 13, second half: the coach timeline tells the LMS's statements from
what a learner's own content wrote.

A learner-chosen `verb.display` ("obtained a certificate") is never written as an LMS sentence,
and a statement someone else's credential wrote about a learner (a Group naming the learner as
a member) is not in that learner's timeline at all.
"""

from __future__ import annotations

import pytest

from lms.xapi.vocabulary import ACTIVITY_TYPES, VERBS
from tests.conftest import AuthActions
from tests.lms.cohorts.helpers import complete_course, create_cohort, join, load_real_courses, login

HEADERS = {"X-Experience-API-Version": "1.0.3"}


@pytest.fixture(scope="module", autouse=True)
def content(app):
    load_real_courses(app)


def boast(actor: dict) -> dict:
    """A statement with the LMS's own verb and a display the learner chose."""
    return {
        "actor": actor,
        "verb": {
            "id": VERBS["earned"][0],
            "display": {"fr": "a obtenu un certificat", "en": "obtained a certificate"},
        },
        "object": {
            "id": "http://taawun.test/certificates/made-up",
            "definition": {
                "type": ACTIVITY_TYPES["certificate"],
                "name": {"fr": "Certificat Penser coopérative"},
            },
        },
    }


def post_with_launch_credential(client, statement: dict) -> None:
    launch = client.get("/launch/xapi").get_json()
    response = client.post(
        launch["endpoint"] + "statements",
        json=statement,
        headers={**HEADERS, "Authorization": launch["auth"]},
    )
    assert response.status_code == 200, response.get_data(as_text=True)


def test_timeline_marks_learner_authored_statements(app, client, make_user):
    admin, trainer, coach = make_user("admin"), make_user("trainer"), make_user("coach")
    learner = make_user("learner")
    cohort_id, code = create_cohort(client, trainer)
    join(client, learner, code)
    login(client, admin)
    client.post("/coach/assignments", data={"coach_email": coach.email, "cohort_id": cohort_id})
    complete_course(app, learner)

    own = app.test_client()
    assert AuthActions(own).login(learner).status_code == 302
    launch = own.get("/launch/xapi").get_json()
    post_with_launch_credential(own, boast(launch["actor"]))

    login(client, coach)
    page = client.get(f"/coach/learners/{learner.public_id}").get_data(as_text=True)
    assert "a achevé le cours « <bdi>Penser coopérative</bdi> »" in page  # the LMS's, as before
    assert "a obtenu le certificat" not in page  # never the LMS's sentence for earned
    assert '<li class="reported">' in page and "signalé par un contenu" in page
    rows = client.get(f"/coach/learners/{learner.public_id}/timeline.csv").get_data(as_text=True)
    assert "a obtenu le certificat" not in rows and "signalé par un contenu" in rows


def test_a_statement_about_a_learner_written_by_someone_else_is_not_in_their_timeline(
    app, client, make_user
):
    from xapi_store import api

    coach = make_user("coach")
    target, other = make_user("learner"), make_user("learner")
    home = "http://taawun.test"
    target_agent = {"objectType": "Agent", "account": {"homePage": home, "name": target.public_id}}
    other_agent = {"objectType": "Agent", "account": {"homePage": home, "name": other.public_id}}
    group = {
        "objectType": "Group",
        "account": {"homePage": home, "name": other.public_id},
        "member": [target_agent],
    }
    with app.app_context():
        session = app.extensions["db_session"]()
        # as the other learner's launch credential would store it (its authority is that learner)
        api.store_statements(session, [boast(group)], authority=other_agent)
        session.commit()
        app.extensions["db_session"].remove()
    admin = make_user("admin")
    login(client, admin)
    client.post(
        "/coach/assignments", data={"coach_email": coach.email, "learner_email": target.email}
    )
    login(client, coach)
    page = client.get(f"/coach/learners/{target.public_id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Certificat Penser coopérative" not in text and "a obtenu" not in text
