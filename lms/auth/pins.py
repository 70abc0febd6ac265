"""Members without e-mail: usernames, phones and the 4-6 digit PIN they sign in with.

A PIN is short, so it is guarded twice: per client address by the view's @rate_limited
("PIN_RATE_LIMIT"), and per account by a count of wrong PINs in the shared rate-limit store
(lms.rate_limits.counter), seen by every worker and node. At PIN_LOCKOUT wrong PINs in a row the
account's PIN is refused until the trainer lifts the lock (or resets the PIN); the card still
works, so a member is never shut out of a session. Staff keep passwords: no PIN for them.
"""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from lms.auth.models import User
from lms.auth.services import AccountError, normalise_phone
from lms.rate_limits import counter

PIN_PATTERN = re.compile(r"\d{4,6}")
PIN_LOCKOUT = 5
#: A lock lasts until the trainer lifts it; the store needs an end, so a long one.
LOCK_SECONDS = 90 * 24 * 3600
STAFF_ROLES = ("trainer", "coach", "admin")
#: No password can match this (werkzeug refuses a hash without "$"): roster members have none.
NO_PASSWORD = "!"  # noqa: S105  (a marker, not a password)
_DUMMY_HASH = generate_password_hash("0000")


def is_staff(user: User) -> bool:
    return user.has_any_role(STAFF_ROLES)


def signs_in_without_password(user: User) -> bool:
    """A member the trainer enrolled: no password, no staff role. Only she gets a card and a
    PIN: an account its owner made with a password is hers alone, and a card the trainer
    printed for it would let the trainer sign in as her."""
    return user.password_hash == NO_PASSWORD and not is_staff(user)


def username_base(name: str) -> str:
    """A username from a name: letters (Arabic kept) and digits, words joined by dots."""
    words = re.findall(r"\w+", unicodedata.normalize("NFKC", name).casefold())
    return ".".join(words)[:50] or "member"


def free_username(session: Session, name: str, taken: set[str]) -> str:
    """The name's username, numbered when another account (or another row of this roster,
    `taken`) already has it."""
    base = username_base(name)
    used = set(
        session.scalars(
            select(User.username).where((User.username == base) | User.username.like(f"{base}.%"))
        )
    )
    used |= taken
    candidate, number = base, 1
    while candidate in used:
        number += 1
        candidate = f"{base}.{number}"
    return candidate


def find_member(session: Session, login: str) -> User | None:
    """The account a member names by username or phone (a phone shared by several accounts
    names none of them: she types her username then)."""
    login = (login or "").strip()
    user = session.scalar(select(User).where(func.lower(User.username) == login.casefold()))
    if user is not None:
        return user
    try:
        phone = normalise_phone(login)
    except AccountError:
        return None
    if phone is None:
        return None
    found = session.scalars(select(User).where(User.phone == phone).limit(2)).all()
    return found[0] if len(found) == 1 else None


def set_pin(user: User, pin: str) -> None:
    if not signs_in_without_password(user):
        raise AccountError("has-password")
    if not PIN_PATTERN.fullmatch(pin or ""):
        raise AccountError("bad-pin")
    user.pin_hash = generate_password_hash(pin)
    unlock(user)


def _failures_key(user: User) -> str:
    return f"pin-failures/{user.public_id}"


class Unavailable(AccountError):
    """The shared store that counts wrong PINs cannot be reached: PIN sign-in waits rather than
    let guesses through uncounted (the card still works)."""


def _count(operation):
    try:
        return operation(counter())
    except Exception as exc:  # Redis or the database store is down: fail closed, say so
        raise Unavailable("pin-unavailable") from exc


def is_locked(user: User) -> bool:
    return _count(lambda store: store.get(_failures_key(user))) >= PIN_LOCKOUT


def locked_among(users) -> set[int]:
    """Ids of the locked members, for the trainer's roster (none shown while the store is down)."""
    try:
        return {user.id for user in users if user.pin_hash and is_locked(user)}
    except Unavailable:
        return set()


def unlock(user: User) -> None:
    """The trainer lifts the lock (also after a right PIN or a new one)."""
    counter().clear(_failures_key(user))


def reset_pin(user: User) -> None:
    """A forgotten PIN: the member chooses a new one at her next card sign-in."""
    user.pin_hash = None
    unlock(user)


class Locked(AccountError):
    """Too many wrong PINs: only the trainer can lift the lock."""


def authenticate(session: Session, login: str, pin: str) -> User | None:
    """The member with this username (or phone) and PIN, else None; raises Locked when the
    account is locked. The same hashing work is done whether or not the account exists."""
    user = find_member(session, login)
    usable = user is not None and user.active and user.pin_hash and signs_in_without_password(user)
    if not usable:
        check_password_hash(_DUMMY_HASH, pin or "")
        return None
    if is_locked(user):
        check_password_hash(_DUMMY_HASH, pin or "")
        raise Locked("locked")
    if check_password_hash(user.pin_hash, pin or ""):
        unlock(user)
        return user
    if _count(lambda store: store.incr(_failures_key(user), LOCK_SECONDS)) >= PIN_LOCKOUT:
        raise Locked("locked")
    return None
