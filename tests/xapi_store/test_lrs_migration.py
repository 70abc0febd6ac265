"""The Alembic revision creates exactly the schema of the models."""

import importlib.util
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import create_engine

from xapi_store.models import Base

VERSIONS = Path(__file__).parents[2] / "xapi_store" / "migrations" / "versions"


def load_revisions():
    modules = []
    for path in sorted(VERSIONS.glob("*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        modules.append(module)
    return modules


def test_first_revision_starts_the_xapi_store_branch():
    first = [m for m in load_revisions() if m.down_revision is None]
    assert len(first) == 1 and first[0].branch_labels == ("xapi_store",)


def test_migration_matches_models(tmp_path):
    urls = [f"sqlite:///{tmp_path / 'migrated.sqlite3'}"]
    for url in urls:
        engine = create_engine(url)
        with engine.begin() as conn:
            context = MigrationContext.configure(conn)
            with Operations.context(context):
                for module in load_revisions():
                    module.upgrade()
            assert compare_metadata(context, Base.metadata) == []
        engine.dispose()


def test_migration_matches_models_on_postgresql(pg_database_url):
    from sqlalchemy import text

    engine = create_engine(pg_database_url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        context = MigrationContext.configure(conn)
        with Operations.context(context):
            for module in load_revisions():
                module.upgrade()
        assert compare_metadata(context, Base.metadata) == []
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


def test_second_revision_rebuilds_the_filter_index(tmp_path):
    from datetime import UTC, datetime

    from sqlalchemy import JSON, column, insert, select, table

    from xapi_store.storage import index_keys

    first, second = load_revisions()[:2]
    engine = create_engine(f"sqlite:///{tmp_path / 'upgrade.sqlite3'}")
    data = {
        "id": "1b0c7a2e-8f5e-4b8e-9a63-0c3f7f0a9d11",
        "actor": {"mbox": "mailto:a@example.org"},
        "verb": {"id": "http://example.org/verbs/did"},
        "object": {"id": "http://example.org/activity"},
        "authority": {"mbox": "mailto:lrs@example.org"},
    }
    with engine.begin() as conn:
        context = MigrationContext.configure(conn)
        with Operations.context(context):
            first.upgrade()
            statements = table(
                "xapi_statement",
                column("statement_id"),
                column("stored"),
                column("voided"),
                column("data", JSON),
            )
            conn.execute(
                insert(statements).values(
                    statement_id=data["id"], stored=datetime.now(UTC), voided=False, data=data
                )
            )
            second.upgrade()
        rows = conn.execute(
            select(column("key"), column("direct")).select_from(table("xapi_statement_index"))
        )
        assert dict(rows.all()) == index_keys(data)
    engine.dispose()
