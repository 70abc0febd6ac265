"""Launching xAPI content in the learner's browser: a short-lived LRS credential for that learner.

Content a learner opens (an authoring tool's package, a cmi5 unit) reads `/launch/xapi` with the
learner's session cookie and gets the endpoint, an `Authorization` value, its actor and
registration (the parameters of the xAPI launch convention). The credential can only write the
learner's own statements, read them back and keep state; it expires after a few hours.
"""

from __future__ import annotations

import base64
import uuid

from flask import Blueprint, abort, jsonify, request, url_for
from flask_login import current_user

from lms.access import USER, allow
from lms.db import session
from lms.xapi import recorder

bp = Blueprint("xapi_launch", __name__)

CREDENTIAL_SECONDS = 4 * 3600


@bp.route("/launch/xapi")
@allow(USER)
def launch_parameters():
    if recorder.external():
        # An external LRS issues its own credentials; the LMS cannot mint one there.
        abort(404)
    registration = request.args.get("registration") or str(uuid.uuid4())
    try:
        registration = str(uuid.UUID(registration))
    except ValueError:
        return jsonify(error="bad registration", message="registration must be a UUID"), 400
    from xapi_store import api

    actor = recorder.actor_dict(current_user)
    key, secret = api.create_session_credential(session, actor, ttl_seconds=CREDENTIAL_SECONDS)
    token = base64.b64encode(f"{key}:{secret}".encode()).decode()
    response = jsonify(
        endpoint=url_for("xapi.dispatch", resource="statements", _external=True).removesuffix(
            "statements"
        ),
        auth=f"Basic {token}",
        actor=actor,
        registration=registration,
        expires_in=CREDENTIAL_SECONDS,
    )
    response.headers["Cache-Control"] = "no-store"
    return response
