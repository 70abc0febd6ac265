"""The `lms coaching-tallies` command: rebuild the coaching tallies from the LRS."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from lms.coaching import tallies
from lms.db import session
from lms.xapi import recorder


@click.command("coaching-tallies")
@with_appcontext
def coaching_tallies_command():
    """Rebuild the coaching tallies from the LRS's statements (the LMS's own only)."""
    try:
        read = recorder.rebuild_projections(session, [tallies.NAME])
    except recorder.UnknownAuthority as exc:
        session.rollback()
        raise click.ClickException(str(exc)) from None
    session.commit()
    click.echo(f"{read} statements folded into the coaching tallies")
