"""Alembic, driven from code: one migration chain per package, all upgraded to their heads.

Every package names its revision files the same way: `NNN_slug.py` in `<package>/migrations/
versions/`, where NNN is the revision's place in that package's chain (001 is its first) and the
slug is the message. The revision id inside the file is Alembic's and never changes.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from alembic import command
from alembic.config import Config
from flask import Flask
from sqlalchemy.exc import OperationalError

from lms.db import Base
from lms.plugins import registry

HERE = Path(__file__).resolve().parent


class MigrationError(Exception):
    """The database could not be migrated; the message is one line."""


def _config(app: Flask) -> Config:
    reg = registry(app)
    config = Config()
    config.set_main_option("script_location", str(HERE))
    locations = [HERE / "versions", *reg.migration_dirs]
    config.set_main_option("version_locations", " ".join(str(p) for p in locations))
    config.set_main_option("path_separator", "space")
    config.attributes["engine"] = app.extensions["db_engine"]
    config.attributes["metadata"] = [Base.metadata, *reg.metadata]
    return config


def upgrade(app: Flask) -> None:
    _import_models(app)
    try:
        command.upgrade(_config(app), "heads")
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise MigrationError(f"cannot reach the database ({reason})") from None


def revision(app: Flask, message: str, package: str) -> str:
    _import_models(app)
    config = _config(app)
    folders = {"lms": HERE / "versions"}
    folders.update({p.parent.parent.name: p for p in registry(app).migration_dirs})
    if package not in folders:
        raise MigrationError(f"{package} has no migrations/versions folder")
    config.set_main_option("file_template", file_template(folders[package]))
    config.set_main_option("truncate_slug_length", "60")
    kwargs: dict = {"head": f"{package}@head"}
    if not any(folders[package].glob("*.py")):  # the package's first revision starts its branch
        kwargs = {"head": "base", "branch_label": package, "version_path": str(folders[package])}
    script = command.revision(config, message=message, autogenerate=True, **kwargs)
    return script.path if script else ""


def file_template(folder: Path) -> str:
    """The next file's name in `folder`: one more than the highest NNN_ there (%% for Alembic)."""
    numbers = [int(path.name[:3]) for path in folder.glob("[0-9][0-9][0-9]_*.py")]
    return f"{max(numbers, default=0) + 1:03d}_%%(slug)s"


def _import_models(app: Flask) -> None:
    """Import every lms model module so the metadata is complete."""
    for path in sorted(HERE.parent.glob("**/models.py")):
        module = ".".join(path.relative_to(HERE.parent.parent).with_suffix("").parts)
        importlib.import_module(module)
