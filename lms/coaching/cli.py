"""The `lms coaching-tallies` command: catch the coaching tallies up with the statements."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from lms.coaching import tallies
from lms.db import session


@click.command("coaching-tallies")
@with_appcontext
def coaching_tallies_command():
    """Fold every statement not yet counted into the coaching tallies (after an import)."""
    read = tallies.catch_up(session, limit=None)
    session.commit()
    click.echo(f"{read} statements folded into the coaching tallies")
