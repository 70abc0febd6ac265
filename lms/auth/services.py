"""Account rules: creating users, checking passwords, giving and taking roles."""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from lms.access import ROLES
from lms.auth.models import User, UserRole
from lms.plugins import registry

MIN_PASSWORD_LENGTH = 10
# A real hash to compare against when the e-mail is unknown, so timing does not reveal accounts.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class AccountError(ValueError):
    """A rule about accounts was broken; the message is shown to the user."""


def normalise_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise AccountError(str(exc)) from None


def normalise_phone(text: str | None) -> str | None:
    """Digits only, a leading + kept; None when empty. Raises AccountError when not a number."""
    text = (text or "").strip()
    if not text:
        return None
    digits = re.sub(r"[\s.\-()]", "", text)
    if not re.fullmatch(r"\+?\d{6,15}", digits):
        raise AccountError("bad-phone")
    return digits


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")
    return generate_password_hash(password)  # scrypt


def find_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email.strip().lower()))


def find_by_public_id(session: Session, public_id: str | None) -> User | None:
    """The account a URL, a form or a login session names (None when there is none)."""
    if not public_id:
        return None
    return session.scalar(select(User).where(User.public_id == public_id))


def create_user(
    session: Session,
    email: str,
    password: str,
    display_name: str | None = None,
    roles: tuple[str, ...] = ("learner",),
    **profile,
) -> User:
    email = normalise_email(email)
    if find_by_email(session, email):
        raise AccountError(f"an account already exists for {email}")
    for role in roles:
        if role not in ROLES:
            raise AccountError(f"unknown role {role!r} (choose from {', '.join(ROLES)})")
    user = User(
        email=email,
        password_hash=hash_password(password),
        display_name=(display_name or email.split("@")[0]).strip(),
        **profile,
    )
    user.role_rows = [UserRole(role=role) for role in dict.fromkeys(roles)]
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this e-mail and password, else None (same work either way)."""
    user = find_by_email(session, email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return user


def register(session: Session, email: str, password: str, **profile) -> User | None:
    """A new learner's account, or None when the address already has one.

    Both paths hash the password once, so the answer takes as long either way and the page
    cannot tell an address is registered by its timing (the view shows the same page)."""
    email = normalise_email(email)
    if find_by_email(session, email):
        hash_password(password)
        return None
    return create_user(session, email, password, **profile)


def change_password(user: User, current: str, new: str) -> None:
    if not check_password_hash(user.password_hash, current):
        raise AccountError("current password is wrong")
    set_password(user, new)


def set_password(user: User, new: str) -> None:
    """A new password ends every session and launch credential the old one opened."""
    user.password_hash = hash_password(new)
    end_sessions(user)


def set_active(user: User, active: bool) -> None:
    user.active = active
    if not active:
        end_sessions(user)


def end_sessions(user: User) -> None:
    """Log the account out everywhere: every copy of its session cookies stops working at its
    next request (lms.auth.sessions checks the version), and what features handed out on the
    strength of a session (the xAPI launch credentials) ends with it (Registry.sessions_ended)."""
    user.session_version += 1
    for ended in registry().sessions_ended:
        ended(user)


def set_contact(session: Session, user: User, email: str | None, phone: str | None) -> None:
    """A member adds (or changes) her e-mail address and phone number from the profile."""
    email = normalise_email(email) if (email or "").strip() else None
    if email and email != user.email:
        other = find_by_email(session, email)
        if other is not None and other.id != user.id:
            raise AccountError("email-taken")
    if email:  # blank keeps the address: an account that logs in with it must not lose it
        user.email = email
    user.phone = normalise_phone(phone)


def grant_role(user: User, role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}")
    if not user.has_role(role):
        user.role_rows.append(UserRole(role=role))


def revoke_role(user: User, role: str) -> None:
    user.role_rows = [row for row in user.role_rows if row.role != role]


def search_users(session: Session, text: str = "", role: str | None = None, limit: int = 50):
    query = select(User).order_by(User.display_name, User.id).limit(limit)
    if text:
        pattern = f"%{text.strip().lower()}%"
        query = query.where(
            or_(func.lower(User.email).like(pattern), func.lower(User.display_name).like(pattern))
        )
    if role:
        query = query.where(User.role_rows.any(UserRole.role == role))
    return session.scalars(query).all()


def count_learners(session: Session) -> int:
    """Active accounts holding the learner role: the first figure on the home page."""
    return session.scalar(
        select(func.count(User.id))
        .join(UserRole)
        .where(UserRole.role == "learner", User.active.is_(True))
    )
