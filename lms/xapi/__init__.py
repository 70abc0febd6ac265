"""xAPI in the LMS: the statement recorder, its outbox, and the `lms xapi` commands."""

from __future__ import annotations

from flask import Flask

from lms.xapi import recorder
from lms.xapi.cli import xapi_cli
from lms.xapi.launch import bp as launch_bp


def init_app(app: Flask) -> None:
    app.register_blueprint(launch_bp)
    app.cli.add_command(xapi_cli)

    @app.after_request
    def _deliver(response):
        if app.config.get("LRS_ENDPOINT") and not app.testing:
            # after the response is sent, so after this request's transaction committed
            response.call_on_close(lambda: recorder.kick_flush(app))
        return response
