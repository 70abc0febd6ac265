"""The `lms market` commands."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from lms.auth.services import find_by_email
from lms.db import session
from market import demo

market_cli = AppGroup("market", help="The cooperative marketplace.")


@market_cli.command("seed-demo")
def seed_demo():
    """Create the demo cooperative of learner@example.org with four products (run once)."""
    if find_by_email(session, demo.DEMO_OWNER) is None:
        raise click.ClickException(f"{demo.DEMO_OWNER} does not exist: run `lms seed-demo` first")
    message = demo.seed_demo(session)
    session.commit()
    click.echo(message)
