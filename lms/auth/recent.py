"""The members recently signed in on this browser, for "switch person" on a shared phone.

Kept in a signed cookie (public ids only; the page shows names and initials read from the
database), so another member can pick herself and type her PIN. Staff are never listed.
"""

from __future__ import annotations

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.auth.models import User

COOKIE = "taawun_recent"
KEEP = 8
MAX_AGE = 180 * 24 * 3600


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="recent-members")


def public_ids() -> list[str]:
    try:
        value = _serializer().loads(request.cookies.get(COOKIE, ""))
    except BadSignature:
        return []
    return (
        [item for item in value if isinstance(item, str)][:KEEP] if isinstance(value, list) else []
    )


def remember(response: Response, user: User) -> None:
    ids = [user.public_id, *(i for i in public_ids() if i != user.public_id)][:KEEP]
    response.set_cookie(
        COOKIE,
        _serializer().dumps(ids),
        max_age=MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
    )


def members(session: Session) -> list[User]:
    ids = public_ids()
    if not ids:
        return []
    found = {u.public_id: u for u in session.scalars(select(User).where(User.public_id.in_(ids)))}
    return [found[i] for i in ids if i in found and found[i].active]


def initials(name: str) -> str:
    return "".join(word[0] for word in name.split()[:2]).upper()
