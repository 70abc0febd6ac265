"""xapi_store: session credentials know their learner and registration, to be reused and revoked.

Revision ID: x005_credential_owner
Revises: x004_xapi_store
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "x005_credential_owner"
down_revision = "x004_xapi_store"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from xapi_store.auth import agent_digest

    with op.batch_alter_table("xapi_credential") as batch_op:
        batch_op.add_column(sa.Column("agent_digest", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("registration", sa.String(length=36), nullable=True))
        batch_op.create_index("ix_xapi_credential_agent_digest", ["agent_digest"])
    credentials = sa.table(
        "xapi_credential",
        sa.column("key", sa.String),
        sa.column("agent", sa.JSON),
        sa.column("agent_digest", sa.String),
    )
    connection = op.get_bind()
    # Filtered here, not in SQL: a JSON column may hold JSON null as well as SQL NULL.
    rows = connection.execute(sa.select(credentials.c.key, credentials.c.agent)).all()
    for key, agent in rows:
        if not agent:
            continue
        connection.execute(
            credentials.update()
            .where(credentials.c.key == key)
            .values(agent_digest=agent_digest(agent))
        )


def downgrade() -> None:
    with op.batch_alter_table("xapi_credential") as batch_op:
        batch_op.drop_index("ix_xapi_credential_agent_digest")
        batch_op.drop_column("registration")
        batch_op.drop_column("agent_digest")
