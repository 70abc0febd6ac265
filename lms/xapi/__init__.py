"""xAPI in the LMS: the statement recorder, its LRS backend, and the `lms xapi` commands."""

from __future__ import annotations

from flask import Flask

from lms.plugins import registry
from lms.xapi import backends, launch, recorder
from lms.xapi.cli import xapi_cli


def init_app(app: Flask) -> None:
    with app.app_context():
        app.extensions["lrs_backend"] = backends.for_app(app, recorder.authority())
    app.register_blueprint(launch.bp)
    app.cli.add_command(xapi_cli)
    # A user's sessions ending (logout, new password, deactivation) ends their launched content.
    registry(app).sessions_ended.append(launch.revoke_credentials)

    @app.after_request
    def _deliver(response):
        # after the response is sent, so after this request's transaction committed
        response.call_on_close(lambda: app.extensions["lrs_backend"].after_request(app))
        return response
