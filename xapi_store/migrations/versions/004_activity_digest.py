"""xapi_store: a digest of each activity definition, so a batch need not read the definitions.

Revision ID: x004_xapi_store
Revises: x003_xapi_store
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "x004_xapi_store"
down_revision = "x003_xapi_store"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from xapi_store.storage import definition_digest

    op.add_column(
        "xapi_activity",
        sa.Column("digest", sa.String(length=32), server_default="", nullable=False),
    )
    activities = sa.table(
        "xapi_activity",
        sa.column("id_hash", sa.String),
        sa.column("definition", sa.JSON),
        sa.column("digest", sa.String),
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(activities.c.id_hash, activities.c.definition)).all()
    for id_hash, definition in rows:
        connection.execute(
            activities.update()
            .where(activities.c.id_hash == id_hash)
            .values(digest=definition_digest(definition))
        )


def downgrade() -> None:
    op.drop_column("xapi_activity", "digest")
