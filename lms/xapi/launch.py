"""Launching xAPI content in the learner's browser: a short-lived LRS credential for that learner.

Content a learner opens (an authoring tool's package, a cmi5 unit) reads `/launch/xapi` with the
learner's session cookie and gets the endpoint, an `Authorization` value, its actor and
registration (the parameters of the xAPI launch convention). The credential can only write the
learner's own statements, read them back and keep state; it expires after a few hours, ends with
the learner's sessions (logout, new password, deactivation), and one live credential per learner
and registration is handed out again rather than a new row per request.
"""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, jsonify, request, url_for
from flask_login import current_user

from lms.access import USER, allow
from lms.db import session
from lms.xapi import recorder
from xapi_store import api

bp = Blueprint("xapi_launch", __name__)

CREDENTIAL_SECONDS = 4 * 3600


@bp.route("/launch/xapi")
@allow(USER)
def launch_parameters():
    if recorder.external():
        # An external LRS issues its own credentials; the LMS cannot mint one there.
        abort(404)
    registration = request.args.get("registration")
    if registration:
        try:
            registration = str(uuid.UUID(registration))
        except ValueError:
            return jsonify(error="bad registration", message="registration must be a UUID"), 400
    actor = recorder.actor_dict(current_user)
    key, secret, expires_at = api.launch_credential(
        session, actor, registration or None, current_app.config["SECRET_KEY"], CREDENTIAL_SECONDS
    )
    token = base64.b64encode(f"{key}:{secret}".encode()).decode()
    response = jsonify(
        endpoint=url_for("xapi.dispatch", resource="statements", _external=True).removesuffix(
            "statements"
        ),
        auth=f"Basic {token}",
        actor=actor,
        registration=registration or str(uuid.uuid4()),
        expires_in=int((expires_at - datetime.now(UTC)).total_seconds()),
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def revoke_credentials(user) -> int:
    """End every launch credential of this user (their content stops writing at once)."""
    if recorder.external():
        return 0
    return api.revoke_session_credentials(session, recorder.actor_dict(user))


def purge_credentials() -> int:
    """Delete expired and revoked launch credentials (also done whenever one is minted)."""
    return api.purge_session_credentials(session)
