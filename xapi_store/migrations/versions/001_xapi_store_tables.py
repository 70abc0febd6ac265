"""xapi_store: statements, statement index, documents, attachments, credentials, activities.

Revision ID: x001_xapi_store
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "x001_xapi_store"
down_revision = None
branch_labels = ("xapi_store",)
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "xapi_activity",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("activity_id", sa.Text(), nullable=False),
        sa.Column("definition", JSON, nullable=False),
        sa.PrimaryKeyConstraint("id_hash"),
    )
    op.create_table(
        "xapi_attachment",
        sa.Column("sha2", sa.String(length=128), nullable=False),
        sa.Column("content_type", sa.String(length=255), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha2"),
    )
    op.create_table(
        "xapi_credential",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("scopes", JSON, nullable=False),
        sa.Column("agent", JSON, nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("expires_at", UTC_DATETIME, nullable=True),
        sa.Column("revoked_at", UTC_DATETIME, nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "xapi_document",
        sa.Column("id", BIGINT, autoincrement=True, nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("scope_hash", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("activity_id", sa.Text(), nullable=True),
        sa.Column("agent", JSON, nullable=True),
        sa.Column("registration", sa.String(length=36), nullable=True),
        sa.Column("document_id", sa.Text(), nullable=False),
        sa.Column("content_type", sa.String(length=255), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("etag", sa.String(length=40), nullable=False),
        sa.Column("updated", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key_hash"),
    )
    op.create_index("ix_xapi_document_scope", "xapi_document", ["scope_hash", "updated"])
    op.create_table(
        "xapi_statement",
        sa.Column("seq", BIGINT, autoincrement=True, nullable=False),
        sa.Column("statement_id", sa.String(length=36), nullable=False),
        sa.Column("stored", UTC_DATETIME, nullable=False),
        sa.Column("voided", sa.Boolean(), nullable=False),
        sa.Column("object_ref", sa.String(length=36), nullable=True),
        sa.Column("authority_ifi", sa.String(length=255), nullable=True),
        sa.Column("data", JSON, nullable=False),
        sa.PrimaryKeyConstraint("seq"),
        sa.UniqueConstraint("statement_id"),
    )
    op.create_index("ix_xapi_statement_authority_ifi", "xapi_statement", ["authority_ifi"])
    op.create_index("ix_xapi_statement_object_ref", "xapi_statement", ["object_ref"])
    op.create_index("ix_xapi_statement_stored", "xapi_statement", ["stored"])
    op.create_table(
        "xapi_statement_index",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("seq", BIGINT, nullable=False),
        sa.ForeignKeyConstraint(["seq"], ["xapi_statement.seq"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("key", "seq"),
    )


def downgrade() -> None:
    op.drop_table("xapi_statement_index")
    op.drop_table("xapi_statement")
    op.drop_table("xapi_document")
    op.drop_table("xapi_credential")
    op.drop_table("xapi_attachment")
    op.drop_table("xapi_activity")
