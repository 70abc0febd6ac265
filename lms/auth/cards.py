"""Sign-in cards: a printed QR code and short code that sign one member in.

The token is single-purpose (it only opens `/card/<token>`, for a member the trainer enrolled:
no password, no staff role)
and revocable (a revoked card's row stays, with `revoked_at`). It is derived from the card's
random nonce under LMS_SECRET_KEY (HMAC-SHA256), so the sheet can be printed again with the same
codes, while the database keeps only its SHA-256: a copy of the database signs nobody in. Twelve
letters of a 25-letter alphabet are 55 bits: guessing one among thousands of cards, at the
per-address limit, would take longer than the universe has left.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms import codes
from lms.auth.models import SignInCard, User
from lms.auth.pins import signs_in_without_password
from lms.db import utcnow

TOKEN_LENGTH = 12


def token(card: SignInCard) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, b"sign-in-card:" + card.nonce.encode(), hashlib.sha256).digest()
    return codes.from_bytes(digest, TOKEN_LENGTH)


def spaced(text: str) -> str:
    """The short code as printed: three groups of four, easier to type."""
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def live_card(session: Session, user: User) -> SignInCard | None:
    return session.scalar(
        select(SignInCard).where(SignInCard.user_id == user.id, SignInCard.revoked_at.is_(None))
    )


def issue(session: Session, user: User) -> SignInCard:
    """A new card for the member; her previous card stops working."""
    revoke(session, user)
    card = SignInCard(user_id=user.id, nonce=secrets.token_hex(16), token_hash="")
    card.token_hash = _hash(token(card))
    session.add(card)
    session.flush()
    return card


def card_for(session: Session, user: User) -> SignInCard:
    """The member's live card, made on first printing."""
    return live_card(session, user) or issue(session, user)


def revoke(session: Session, user: User) -> None:
    card = live_card(session, user)
    if card is not None:
        card.revoked_at = utcnow()
        session.flush()


def member_of_token(session: Session, text: str | None) -> User | None:
    """The active member a live card names (a code typed with spaces or dashes works too)."""
    code = codes.normalise(text)
    if not codes.is_code(code, TOKEN_LENGTH):
        return None
    card = session.scalar(
        select(SignInCard).where(
            SignInCard.token_hash == _hash(code), SignInCard.revoked_at.is_(None)
        )
    )
    if card is None or not card.user.active or not signs_in_without_password(card.user):
        return None
    return card.user
