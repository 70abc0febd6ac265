"""Command line of the LRS: client credentials, export and import (registered on app.cli)."""

import json
import sys

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from . import auth, transfer
from .errors import XAPIError

lrs_client = AppGroup("lrs-client", help="Manage the LRS's HTTP Basic credentials.")


def db():
    return current_app.extensions["db_session"]


def fail(message: str):
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


@lrs_client.command("create")
@click.argument("name")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    type=click.Choice(auth.SCOPES),
    help="Scope granted (repeatable); default all.",
)
def create_client(name, scopes):
    """Create a credential and print it as JSON {"key": ..., "secret": ...}."""
    session = db()
    try:
        key, secret = auth.create_credential(session, name, list(scopes) or ["all"])
        session.commit()
    except XAPIError as exc:
        session.rollback()
        fail(exc.message)
    click.echo(json.dumps({"key": key, "secret": secret}))


@lrs_client.command("list")
def list_clients():
    """List credentials (never their secrets)."""
    for credential in auth.list_credentials(db()):
        state = "revoked" if credential.revoked_at else "active"
        if credential.expires_at:
            state += f", expires {credential.expires_at.isoformat()}"
        click.echo(f"{credential.key}\t{credential.name}\t{' '.join(credential.scopes)}\t{state}")


@lrs_client.command("revoke")
@click.argument("key")
def revoke_client(key):
    """Revoke a credential: refused at once (within 5 s by server processes already running)."""
    session = db()
    if not auth.revoke_credential(session, key):
        fail(f"no active credential with key {key}")
    session.commit()
    click.echo(f"revoked {key}")


@click.command("export")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def export_command(path):
    """Write every statement, attachment and document to PATH as JSON lines."""
    count = 0
    with open(path, "w", encoding="utf-8") as out:
        for line in transfer.export_lines(db()):
            out.write(line)
            count += 1
    click.echo(f"exported {count} lines to {path}")


@click.command("import")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_command(path):
    """Load an export; a bad line is named and nothing is imported."""
    session = db()
    try:
        with open(path, encoding="utf-8") as stream:
            entries = transfer.read_lines(stream, path)
        counts = transfer.import_entries(session, entries, path)
        session.commit()
    except XAPIError as exc:
        session.rollback()
        fail(exc.message)
    except UnicodeDecodeError:
        session.rollback()
        fail(f"{path}: not UTF-8 text")
    click.echo(
        f"imported {counts['statement']} statements, {counts['attachment']} attachments, "
        f"{counts['document']} documents"
    )


def register_commands(app):
    app.cli.add_command(lrs_client)
    app.cli.add_command(export_command)
    app.cli.add_command(import_command)
