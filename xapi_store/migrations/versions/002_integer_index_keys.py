"""xapi_store: 64-bit filter keys with a direct flag; partial index on object_ref.

The filter index is rebuilt from the stored statements (xapi_store.storage.index_rows).

Revision ID: x002_xapi_store
Revises: x001_xapi_store
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

revision = "x002_xapi_store"
down_revision = "x001_xapi_store"
branch_labels = None
depends_on = None

BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
BATCH = 1000


class _Row:
    def __init__(self, seq, statement_id, object_ref, data):
        self.seq, self.statement_id, self.object_ref, self.data = seq, statement_id, object_ref, data


def _index_table(key_type):
    columns = [
        sa.Column("key", key_type, nullable=False),
        sa.Column("seq", BIGINT, nullable=False),
    ]
    if isinstance(key_type, sa.BigInteger):
        columns.append(sa.Column("direct", sa.Boolean(), nullable=False))
    op.create_table(
        "xapi_statement_index",
        *columns,
        sa.ForeignKeyConstraint(["seq"], ["xapi_statement.seq"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("key", "seq"),
    )


def upgrade() -> None:
    from xapi_store.storage import index_rows

    op.drop_table("xapi_statement_index")
    _index_table(sa.BigInteger())
    op.drop_index("ix_xapi_statement_object_ref", table_name="xapi_statement")
    op.create_index(
        "ix_xapi_statement_object_ref",
        "xapi_statement",
        ["object_ref"],
        postgresql_where=sa.text("object_ref IS NOT NULL"),
        sqlite_where=sa.text("object_ref IS NOT NULL"),
    )
    statements = sa.table(
        "xapi_statement",
        sa.column("seq", BIGINT),
        sa.column("statement_id", sa.String),
        sa.column("object_ref", sa.String),
        sa.column("data", sa.JSON),
    )
    session = Session(bind=op.get_bind())
    after = 0
    while True:
        rows = [
            _Row(*row)
            for row in session.execute(
                sa.select(statements)
                .where(statements.c.seq > after)
                .order_by(statements.c.seq)
                .limit(BATCH)
            )
        ]
        if not rows:
            break
        index_rows(session, rows)
        after = rows[-1].seq


def downgrade() -> None:
    # The old string keys cannot be rebuilt by today's code: the index comes back empty.
    op.drop_index("ix_xapi_statement_object_ref", table_name="xapi_statement")
    op.create_index("ix_xapi_statement_object_ref", "xapi_statement", ["object_ref"])
    op.drop_table("xapi_statement_index")
    _index_table(sa.String(length=255))
