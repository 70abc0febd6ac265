"""Demo accounts shown on one shared phone: each keeps its own language."""

from __future__ import annotations

from lms.cli import DEMO_PASSWORD


def _log_in(client, email):
    client.post("/login", data={"email": email, "password": DEMO_PASSWORD})


def test_one_demo_account_switching_language_leaves_the_others_in_theirs(app, client):
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    _log_in(client, "learner@example.org")
    client.post("/language", data={"lang": "ar", "next": "/dashboard"})
    assert '<html lang="ar"' in client.get("/dashboard").text
    client.post("/logout")

    _log_in(client, "trainer@example.org")  # same phone: the learner's "ar" cookie is still there
    assert client.get_cookie("lang").value == "ar"
    assert '<html lang="fr"' in client.get("/dashboard").text
    client.post("/logout")
    _log_in(client, "learner@example.org")
    assert '<html lang="ar"' in client.get("/dashboard").text
