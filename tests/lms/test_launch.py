"""Browser xAPI content launched by a learner posts to the LRS as that learner, and only so."""

from __future__ import annotations

import uuid


def _statement(actor: dict) -> dict:
    return {
        "actor": actor,
        "verb": {
            "id": "http://adlnet.gov/expapi/verbs/experienced",
            "display": {"en": "experienced"},
        },
        "object": {"id": "http://taawun.test/packages/argan-quiz/slide-1"},
    }


def test_launched_content_can_record_only_its_learners_statements(client, auth, make_user):
    learner = make_user()
    auth.login(learner)
    registration = str(uuid.uuid4())
    launch = client.get(f"/launch/xapi?registration={registration}")
    assert launch.status_code == 200 and launch.headers["Cache-Control"] == "no-store"
    params = launch.get_json()
    assert params["registration"] == registration
    assert params["actor"]["account"]["name"] == learner.public_id
    assert params["endpoint"].endswith("/xapi/")
    headers = {"Authorization": params["auth"], "X-Experience-API-Version": "1.0.3"}

    lrs = client.application.test_client()  # the content runs without the LMS cookie
    own = lrs.post("/xapi/statements", json=_statement(params["actor"]), headers=headers)
    assert own.status_code == 200
    someone_else = dict(params["actor"], account={"homePage": "http://taawun.test", "name": "x"})
    refused = lrs.post("/xapi/statements", json=_statement(someone_else), headers=headers)
    assert refused.status_code == 403


def test_launch_needs_a_logged_in_learner_and_a_uuid(client, auth, make_user):
    assert client.get("/launch/xapi").status_code == 302
    auth.login(make_user())
    response = client.get("/launch/xapi?registration=not-a-uuid")
    assert response.status_code == 400 and "UUID" in response.get_json()["message"]
