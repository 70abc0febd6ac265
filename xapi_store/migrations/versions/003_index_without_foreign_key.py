"""xapi_store: the filter index without a foreign key to the statements.

Statements are never deleted (xAPI statements are immutable; voiding only flags them), so the
foreign key guarded nothing, yet PostgreSQL checked it for each of the ~7 index rows of every
statement stored: 40% of the time of a batch insert.

Revision ID: x003_xapi_store
Revises: x002_xapi_store
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "x003_xapi_store"
down_revision = "x002_xapi_store"
branch_labels = None
depends_on = None

BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _rebuild_sqlite(with_foreign_key: bool) -> None:
    """SQLite cannot drop or add a constraint: copy the rows into a table built anew."""
    constraints = [sa.PrimaryKeyConstraint("key", "seq")]
    if with_foreign_key:
        constraints.append(
            sa.ForeignKeyConstraint(["seq"], ["xapi_statement.seq"], ondelete="CASCADE")
        )
    op.rename_table("xapi_statement_index", "xapi_statement_index_old")
    op.create_table(
        "xapi_statement_index",
        sa.Column("key", sa.BigInteger(), nullable=False),
        sa.Column("seq", BIGINT, nullable=False),
        sa.Column("direct", sa.Boolean(), nullable=False),
        *constraints,
    )
    op.execute(
        "INSERT INTO xapi_statement_index (key, seq, direct) "
        "SELECT key, seq, direct FROM xapi_statement_index_old"
    )
    op.drop_table("xapi_statement_index_old")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_sqlite(with_foreign_key=False)
    else:
        op.drop_constraint(
            "xapi_statement_index_seq_fkey", "xapi_statement_index", type_="foreignkey"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_sqlite(with_foreign_key=True)
    else:
        op.create_foreign_key(
            "xapi_statement_index_seq_fkey",
            "xapi_statement_index",
            "xapi_statement",
            ["seq"],
            ["seq"],
            ondelete="CASCADE",
        )
