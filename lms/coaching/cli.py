"""The `lms coaching-tallies` command: rebuild the coaching tallies from the LRS."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from lms.db import session
from lms.xapi import recorder


@click.command("coaching-tallies")
@with_appcontext
def coaching_tallies_command():
    """Rebuild the coaching tallies (and the other projections) from the LRS's statements."""
    try:
        read = recorder.rebuild_projections(session)
    except recorder.UnknownAuthority as exc:
        session.rollback()
        raise click.ClickException(str(exc)) from None
    session.commit()
    click.echo(f"{read} statements folded into the coaching tallies")
