"""Accounts and the roles they hold."""

from __future__ import annotations

import uuid
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import Base, UTCDateTime, utcnow


def _new_public_id() -> str:
    return uuid.uuid4().hex


class User(UserMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The stable, opaque id used as the xAPI account name: never the e-mail address.
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=_new_public_id)
    #: None for a member the trainer enrolled from a roster: she signs in with a card or a PIN.
    email: Mapped[str | None] = mapped_column(String(254), unique=True, index=True)
    #: NO_PASSWORD for roster members (no password can match it).
    password_hash: Mapped[str] = mapped_column(String(255))
    #: What a roster member types with her PIN (staff and e-mail accounts may have none).
    username: Mapped[str | None] = mapped_column(String(60), unique=True, index=True)
    #: Not unique: members of one family often share a phone (PIN sign-in by phone then asks
    #: for the username). Never put in a statement.
    phone: Mapped[str | None] = mapped_column(String(20), index=True)
    #: The 4-6 digit PIN chosen at the first card sign-in, hashed as a password is.
    #: (Wrong PINs are counted in the shared rate-limit store: lms.auth.pins.)
    pin_hash: Mapped[str | None] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(120))
    preferred_language: Mapped[str | None] = mapped_column(String(5))
    gender: Mapped[str | None] = mapped_column(String(10))
    birth_year: Mapped[int | None] = mapped_column(Integer)
    region: Mapped[str | None] = mapped_column(String(40), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    #: Copied into the session cookie at login; bumping it ends every session of the account
    #: (logout, password change, deactivation), since a signed cookie cannot be taken back.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(row.role for row in self.role_rows)

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def has_any_role(self, roles) -> bool:
        return bool(self.roles & set(roles))

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def get_id(self) -> str:
        return self.public_id


class SignInCard(Base):
    """A printed card that signs one member in: its token is derived from `nonce` and the
    server's key (lms.auth.cards), so the sheet can be printed again; only its hash is kept."""

    __tablename__ = "sign_in_cards"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    nonce: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class UserRole(Base):
    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))

    user: Mapped[User] = relationship(back_populates="role_rows")
