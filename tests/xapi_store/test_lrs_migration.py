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
