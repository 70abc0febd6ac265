"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from lms.db import Base
from lms.plugins import registry


def test_migrations_match_the_models(app):
    with app.app_context():
        metadata = [Base.metadata, *registry(app).metadata]
        with app.extensions["db_engine"].connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, metadata)
    assert differences == []
