"""xAPI in the LMS: the statement recorder, its outbox, and the `lms xapi` commands."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from lms.xapi import recorder


def init_app(app: Flask) -> None:
    from lms.xapi.launch import bp as launch_bp

    app.register_blueprint(launch_bp)
    group = AppGroup("xapi", help="Statements the LMS sends to its LRS.")

    @group.command("flush")
    @click.option("--limit", type=int, default=None, help="Send at most this many statements.")
    def flush(limit):
        """Send the statements waiting for the external LRS, in order."""
        if not app.config.get("LRS_ENDPOINT"):
            click.echo("built-in LRS in use: nothing waits in the outbox")
            return
        sent, waiting = recorder.flush_outbox(app.extensions["db_session"](), limit)
        click.echo(f"sent {sent} statements, {waiting} still waiting")
        if waiting:
            raise SystemExit(1)

    app.cli.add_command(group)

    @app.after_request
    def _deliver(response):
        if app.config.get("LRS_ENDPOINT") and not app.testing:
            # after the response is sent, so after this request's transaction committed
            response.call_on_close(lambda: recorder.kick_flush(app))
        return response
