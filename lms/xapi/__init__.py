"""xAPI in the LMS: the statement recorder, its LRS backend, and the `lms xapi` commands."""

from __future__ import annotations

from flask import Flask

from lms.xapi import backends, recorder
from lms.xapi.cli import xapi_cli
from lms.xapi.launch import bp as launch_bp


def init_app(app: Flask) -> None:
    with app.app_context():
        app.extensions["lrs_backend"] = backends.for_app(app, recorder.authority())
    app.register_blueprint(launch_bp)
    app.cli.add_command(xapi_cli)

    @app.after_request
    def _deliver(response):
        # after the response is sent, so after this request's transaction committed
        response.call_on_close(lambda: app.extensions["lrs_backend"].after_request(app))
        return response
