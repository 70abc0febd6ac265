"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from lms.db import Base
from lms.migrations import file_template
from lms.plugins import registry

ROOT = Path(__file__).resolve().parents[2]


def test_migrations_match_the_models(app):
    with app.app_context():
        metadata = [Base.metadata, *registry(app).metadata]
        with app.extensions["db_engine"].connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, metadata)
    assert differences == []


def chain_in_file_order(folder: Path) -> list[tuple[str, str | None, str]]:
    """(revision, down_revision, file name) of each revision file, in file name order."""
    found = []
    for path in sorted(folder.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        revision = re.search(r"^revision = ['\"](\w+)['\"]", text, re.M).group(1)
        down = re.search(r"^down_revision = (?:['\"](\w+)['\"]|None)", text, re.M).group(1)
        found.append((revision, down, path.name))
    return found


@pytest.mark.parametrize("package", ["lms", "xapi_store", "projects", "market", "accompaniment"])
def test_every_package_numbers_its_revision_files_in_chain_order(package):
    chain = chain_in_file_order(ROOT / package / "migrations" / "versions")
    names = [name for *_, name in chain]
    assert names and all(re.fullmatch(r"\d{3}_[a-z0-9_]+\.py", name) for name in names), names
    assert [name[:3] for name in names] == [f"{n:03d}" for n in range(1, len(names) + 1)]
    downs = [down for _rev, down, _name in chain]
    assert downs == [None, *[rev for rev, *_ in chain[:-1]]]  # each file follows the one before


def test_a_new_revision_file_takes_the_next_number(tmp_path):
    assert file_template(tmp_path) == "001_%%(slug)s"
    (tmp_path / "001_first.py").touch()
    (tmp_path / "009_ninth.py").touch()
    assert file_template(tmp_path) == "010_%%(slug)s"
