"""Helpers of the LRS security tests: the credentials a learner's content and a client get."""

from __future__ import annotations

import base64
import json
import uuid

from tests.conftest import log_in_as

VERSION = {"X-Experience-API-Version": "1.0.3"}
EXPERIENCED = "http://adlnet.gov/expapi/verbs/experienced"
PASSED = "http://adlnet.gov/expapi/verbs/passed"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def launch(app, user) -> tuple[dict, dict]:
    """What `GET /launch/xapi` gives `user`'s content: (request headers, actor)."""
    client = app.test_client()
    log_in_as(client, user)
    params = client.get("/launch/xapi").get_json()
    return {"Authorization": params["auth"], **VERSION}, params["actor"]


def lrs_client_headers(app, *scopes: str) -> dict:
    """Headers of an `lms lrs-client create` credential (default scope: all)."""
    args = ["lrs-client", "create", f"client-{uuid.uuid4().hex[:6]}"]
    for scope in scopes:
        args += ["--scope", scope]
    result = app.test_cli_runner().invoke(args=args)
    pair = json.loads(result.output)
    token = base64.b64encode(f"{pair['key']}:{pair['secret']}".encode()).decode()
    return {"Authorization": f"Basic {token}", **VERSION}


def statement(actor: dict, verb: str = EXPERIENCED, **extra) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "actor": actor,
        "verb": {"id": verb, "display": {"en": verb.rsplit("/", 1)[-1]}},
        "object": {"id": "http://taawun.test/courses/think-coop/quiz"},
        **extra,
    }


def voiding(actor: dict, target_id: str) -> dict:
    return statement(actor, VOIDED, object={"objectType": "StatementRef", "id": target_id})


def is_xapi_error(response, status: int) -> bool:
    """An xAPI JSON error with this status and a reason (never an HTML page)."""
    body = response.get_json(silent=True) or {}
    return response.status_code == status and bool(body.get("message"))
