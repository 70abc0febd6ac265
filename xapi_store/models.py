"""Tables of the LRS: statements, their filter index, documents, attachments, credentials."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

JSONType = JSON().with_variant(JSONB(), "postgresql")
# SQLite only auto-increments an INTEGER PRIMARY KEY.
BigIntPK = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given to a UTC column")
            value = value.astimezone(UTC)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    pass


class Statement(Base):
    """One stored statement; `seq` is the stored order used for keyset paging."""

    __tablename__ = "xapi_statement"
    __table_args__ = (
        # Few statements refer to another: index only those.
        Index(
            "ix_xapi_statement_object_ref",
            "object_ref",
            postgresql_where=text("object_ref IS NOT NULL"),
            sqlite_where=text("object_ref IS NOT NULL"),
        ),
    )

    seq: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    statement_id: Mapped[str] = mapped_column(String(36), unique=True)
    stored: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    voided: Mapped[bool] = mapped_column(Boolean, default=False)
    # Target of a StatementRef object: voiding, and filters that follow references.
    object_ref: Mapped[str | None] = mapped_column(String(36))
    # Who stored it: the identifier of the authority, for statements/read/mine.
    authority_ifi: Mapped[str | None] = mapped_column(String(255), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSONType)


class StatementIndex(Base):
    """One filterable key of a statement (agent, verb, activity, registration).

    `key` is a 64-bit hash of kind and value (storage.index_key); `direct` says the agent or
    activity is the statement's actor or object, not only related to it. No foreign key to
    the statement: statements are never deleted, and checking one per row cost 40% of an insert.
    """

    __tablename__ = "xapi_statement_index"

    key: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    direct: Mapped[bool] = mapped_column(Boolean)


class Document(Base):
    """A state, activity profile or agent profile document."""

    __tablename__ = "xapi_document"
    __table_args__ = (Index("ix_xapi_document_scope", "scope_hash", "updated"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    # sha256 of (kind, activity, agent, registration, document id): one row per document.
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # sha256 of (kind, activity, agent, registration): lists and deletes a set of documents.
    scope_hash: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    activity_id: Mapped[str | None] = mapped_column(Text)
    agent: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    registration: Mapped[str | None] = mapped_column(String(36))
    document_id: Mapped[str] = mapped_column(Text)
    content_type: Mapped[str] = mapped_column(String(255))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    etag: Mapped[str] = mapped_column(String(40))
    updated: Mapped[datetime] = mapped_column(UTCDateTime)


class Attachment(Base):
    """An attachment body, stored once per sha2 whatever the number of statements using it."""

    __tablename__ = "xapi_attachment"

    sha2: Mapped[str] = mapped_column(String(128), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(255))
    body: Mapped[bytes] = mapped_column(LargeBinary)


class Credential(Base):
    """An HTTP Basic key/secret pair allowed to use the LRS within its scopes."""

    __tablename__ = "xapi_credential"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    secret_hash: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[list[str]] = mapped_column(JSONType)
    # Set for a learner's session credential: the only actor its statements may have.
    agent: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    # sha256 of that agent's IFI: finds a learner's live credentials to reuse or revoke them.
    agent_digest: Mapped[str | None] = mapped_column(String(64), index=True)
    # The launch's registration a session credential was minted for (None: launched without).
    registration: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ActivityDefinition(Base):
    """The LRS's canonical definition of an activity, for the activities resource."""

    __tablename__ = "xapi_activity"

    # sha256 of the activity id, so any IRI length fits a unique key.
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    activity_id: Mapped[str] = mapped_column(Text)
    definition: Mapped[dict[str, Any]] = mapped_column(JSONType)
    # storage.definition_digest(definition): a batch asks for this, not for the definition,
    # and finds the definition in its process's cache of definitions by digest.
    digest: Mapped[str] = mapped_column(String(32), server_default="")
