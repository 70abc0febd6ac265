"""The `lms` command line: database, accounts, demo data and the production server."""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from gunicorn.app.base import BaseApplication
from sqlalchemy.exc import DBAPIError

from lms import create_app, migrations
from lms.auth.services import AccountError, find_by_email, grant_role
from lms.auth.services import create_user as create
from lms.config import ConfigError
from lms.plugins import registry

DEMO_PASSWORD = "demo-password"  # noqa: S105 (the contract's published demo password)
DEMO_ACCOUNTS = [
    ("learner@example.org", "Fatima Zahra (learner)", ("learner",), "female", 1999, "souss-massa"),
    ("trainer@example.org", "Youssef (trainer)", ("trainer", "learner"), "male", 1985,
     "marrakech-safi"),
    ("coach@example.org", "Khadija (coach)", ("coach", "learner"), "female", 1980, "fes-meknes"),
    ("admin@example.org", "Admin Taawun", ("admin",), None, None, None),
]  # fmt: skip


def _create_app(*_args):
    return create_app()


def _session():
    return current_app.extensions["db_session"]()


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    raise SystemExit(1)


def register(app: Flask) -> None:
    """Core commands, added to the app's CLI (plugins add theirs in their init_app)."""
    for command in (init_db, create_user, seed_demo, serve, make_migration):
        app.cli.add_command(command)


@click.command("init-db")
@with_appcontext
def init_db():
    """Migrate the database to the newest schema (safe to run again)."""
    try:
        migrations.upgrade(current_app)
    except migrations.MigrationError as exc:
        _fail(str(exc))
    click.echo("database is up to date")


@click.command("make-migration")
@with_appcontext
@click.argument("message")
@click.option("--package", default="lms", help="Whose migration chain: lms, xapi_store, ...")
def make_migration(message, package):
    """Write a new migration from the difference between the models and the database.

    The file is PACKAGE/migrations/versions/NNN_MESSAGE.py, NNN its place in PACKAGE's chain.
    """
    path = migrations.revision(current_app, message, package)
    click.echo(f"wrote {path}")


@click.command("create-user")
@with_appcontext
@click.argument("email")
@click.option(
    "--role",
    "roles",
    multiple=True,
    default=["learner"],
    type=click.Choice(["learner", "trainer", "coach", "admin"]),
    help="A role of the new account (repeat for several).",
)
@click.option("--password", required=True, help="At least 10 characters.")
@click.option("--name", default=None, help="Display name (default: the part before @).")
def create_user(email, roles, password, name):
    """Create an account."""
    session = _session()
    try:
        user = create(session, email, password, display_name=name, roles=tuple(roles))
        session.commit()
    except AccountError as exc:
        session.rollback()
        _fail(str(exc))
    click.echo(f"created {user.email} with roles {', '.join(sorted(user.roles))}")


@click.command("seed-demo")
@with_appcontext
def seed_demo():
    """Create the demo accounts (skips those that exist) and print their logins."""
    session = _session()
    for email, name, roles, gender, birth_year, region in DEMO_ACCOUNTS:
        user = find_by_email(session, email)
        if user is None:
            # each its own language: one switching on a shared phone leaves the others' alone
            create(session, email, DEMO_PASSWORD, display_name=name, roles=roles,
                   gender=gender, birth_year=birth_year, region=region,
                   preferred_language="fr")  # fmt: skip
        else:
            for role in roles:
                grant_role(user, role)
    session.commit()
    click.echo("demo accounts (password: demo-password):")
    for email, _name, roles, *_ in DEMO_ACCOUNTS:
        click.echo(f"  {email:<22} {', '.join(roles)}")
    for seed in registry(current_app).demo_seeders:  # each feature's and plugin's demo data
        message = seed(session)
        session.commit()
        if message:
            click.echo(message)


def freeze_loaded_objects() -> None:
    """Keep what is loaded so far (the app, its modules, catalogs) out of the collector's passes.

    They live as long as the process; without this each full collection walks all of them
    (~190,000 objects: 70-80 ms in the middle of every second or third coach dashboard). Done
    before gunicorn forks, it also keeps those pages shared between the workers.
    """
    gc.collect()
    gc.freeze()


def default_workers() -> int:
    """LMS_WORKERS, else gunicorn's advice: 2 x CPU cores + 1.

    Each worker keeps the connections it accepts. With only as many workers as cores, two
    clients posting continuously (the LRS bench's) often both landed on one worker, whose
    single interpreter then served both: 4,300-4,900 statements/s instead of 8,700-11,300 in
    3 runs of 7 on 2 cores. With 5 workers: 7,600-8,300 in every run (30,000 statements).
    """
    return int(os.environ.get("LMS_WORKERS") or 2 * (os.cpu_count() or 1) + 1)


def ready_message(url: str, demo: bool) -> str:
    """What `lms serve` prints once every worker is up: the address, and how to stop."""
    lines = [f"Taawun is ready at {url}"]
    if demo:
        lines.append(f"demo accounts (password: {DEMO_PASSWORD}):")
        lines += [f"  {email:<22} {', '.join(roles)}" for email, _n, roles, *_ in DEMO_ACCOUNTS]
    lines.append("stop it with Ctrl+C")
    return "\n".join(lines)


@click.command("serve")
@with_appcontext
@click.option(
    "--workers", type=int, default=default_workers, show_default="LMS_WORKERS, else 2 x cores + 1"
)
@click.option("--demo", is_flag=True, help="Also list the demo accounts when ready (make run).")
def serve(workers, demo):
    """Serve the site with gunicorn on LMS_HOST:LMS_PORT."""
    app = current_app._get_current_object()
    bind = f"{app.config['HOST']}:{app.config['PORT']}"
    engine = app.extensions["db_engine"]
    ready = ready_message(f"http://{bind}", demo)

    def last_worker_started(worker) -> None:
        # the first workers are numbered 1..workers: the last one's start ends the start-up logs
        if worker.age == workers:
            click.echo(ready)

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", bind)
            self.cfg.set("workers", workers)
            self.cfg.set("threads", 4)
            self.cfg.set("accesslog", "-")
            # Connections must not be shared across forked workers.
            self.cfg.set("post_fork", lambda _server, _worker: engine.dispose(close=False))
            self.cfg.set("post_worker_init", last_worker_started)

        def load(self):
            return app

    click.echo(f"Taawun is served at http://{bind}")
    freeze_loaded_objects()
    Server().run()


class LmsGroup(FlaskGroup):
    def main(self, *args, **kwargs):
        try:
            return super().main(*args, **kwargs)
        except ConfigError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)
        except DBAPIError as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            click.echo(f"error: database: {reason} (has `lms init-db` been run?)", err=True)
            sys.exit(1)


cli = LmsGroup(
    create_app=_create_app,
    add_default_commands=True,
    add_version_option=False,
    help="Taawun: learning management system for cooperatives.",
)


def main() -> None:
    os.environ.setdefault("FLASK_APP", str(Path(__file__).parent))
    cli.main(prog_name="lms")
