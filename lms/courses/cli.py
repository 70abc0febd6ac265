"""The `lms load-content` and `lms rebuild-progress` commands."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.courses.loader import ContentError, load_content
from lms.courses.progress import rebuild
from lms.xapi.recorder import UnknownAuthority


def _session():
    return current_app.extensions["db_session"]()


@click.command("load-content")
@with_appcontext
@click.argument("directory", default="content", type=click.Path(path_type=Path))
def load_content_command(directory: Path):
    """Check the courses in DIRECTORY (default: content/) and load them; nothing on a fault."""
    session = _session()
    try:
        outcome = load_content(session, directory)
    except ContentError as exc:
        session.rollback()
        for fault in exc.faults:
            click.echo(str(fault), err=True)
        click.echo(f"error: {len(exc.faults)} fault(s) found: nothing was loaded", err=True)
        raise SystemExit(1) from None
    session.commit()
    for course_id, what in outcome.items():
        click.echo(f"{course_id}: {what}")


@click.command("rebuild-progress")
@with_appcontext
def rebuild_progress_command():
    """Rebuild progress and the coaching tallies from the LMS's own statements in the LRS."""
    session = _session()
    try:
        count = rebuild(session)
    except UnknownAuthority as exc:
        session.rollback()
        raise click.ClickException(str(exc)) from None
    session.commit()
    click.echo(f"progress rebuilt from {count} statements")
