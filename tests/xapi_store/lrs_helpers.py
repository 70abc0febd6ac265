"""Helpers shared by the LRS tests (imported by name: this folder is on sys.path)."""

import base64


def basic(key: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()


def make_statement(**overrides) -> dict:
    statement = {
        "actor": {"objectType": "Agent", "mbox": "mailto:learner@example.org", "name": "Learner"},
        "verb": {
            "id": "http://adlnet.gov/expapi/verbs/experienced",
            "display": {"en-US": "experienced"},
        },
        "object": {"id": "http://example.org/activities/course-1", "objectType": "Activity"},
    }
    statement.update(overrides)
    return statement
