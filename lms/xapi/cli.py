"""The `lms xapi` commands: the statements the LMS sends to its LRS."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from lms.db import session
from lms.xapi import launch, recorder

xapi_cli = AppGroup("xapi", help="Statements the LMS sends to its LRS.")


@xapi_cli.command("flush")
@click.option("--limit", type=int, default=None, help="Send at most this many statements.")
def flush(limit):
    """Send the statements waiting for the external LRS, in order."""
    if not recorder.external():
        click.echo("built-in LRS in use: nothing waits in the outbox")
        return
    sent, waiting = recorder.flush_outbox(session, limit)
    click.echo(f"sent {sent} statements, {waiting} still waiting")
    if waiting:
        raise SystemExit(1)


@xapi_cli.command("purge-credentials")
def purge_credentials():
    """Delete expired and revoked launch credentials (minting one purges them too)."""
    removed = launch.purge_credentials()
    session.commit()
    click.echo(f"removed {removed} expired or revoked launch credentials")
