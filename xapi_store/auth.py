"""Credentials of LRS clients: HTTP Basic key/secret pairs with scopes (Communication 4)."""

import base64
import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from .agents import agent_ifi
from .errors import ValidationError
from .models import Credential

SCOPES = (
    "all",
    "all/read",
    "statements/write",
    "statements/read",
    "statements/read/mine",
    "state",
    "define",
    "profile",
)
SESSION_SCOPES = ["statements/write", "statements/read/mine", "state"]
AUTHORITY_HOMEPAGE = "urn:taawun:lrs-client"


def hash_secret(secret: str) -> str:
    # Secrets are 256-bit random tokens, so a plain SHA-256 resists guessing as well as a
    # slow hash would, and keeps each authenticated request cheap.
    return hashlib.sha256(secret.encode()).hexdigest()


def check_scopes(scopes: list[str]) -> list[str]:
    for scope in scopes:
        if scope not in SCOPES:
            raise ValidationError(f"scope {scope!r}: must be one of {', '.join(SCOPES)}")
    return scopes or ["all"]


def agent_digest(agent: dict) -> str:
    """A fixed-length index value for an agent's identity (any IFI length fits)."""
    return hashlib.sha256((agent_ifi(agent) or "").encode()).hexdigest()


def create_credential(
    session: Session,
    name: str,
    scopes: list[str] | None = None,
    agent: dict | None = None,
    ttl_seconds: int | None = None,
    registration: str | None = None,
    secret_for=None,
) -> tuple[str, str]:
    """Add a credential to the session (caller commits); return (key, secret).

    `secret_for(key)`, when given, derives the secret instead of drawing a random one."""
    if not name or len(name) > 200:
        raise ValidationError("name: must be 1 to 200 characters")
    key = secrets.token_hex(16)
    secret = secret_for(key) if secret_for else secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    session.add(
        Credential(
            key=key,
            name=name,
            secret_hash=hash_secret(secret),
            scopes=check_scopes(list(scopes or ["all"])),
            agent=agent,
            agent_digest=agent_digest(agent) if agent is not None else None,
            registration=registration,
            created_at=now,
            expires_at=now + timedelta(seconds=ttl_seconds) if ttl_seconds else None,
        )
    )
    session.flush()
    return key, secret


def derived_secret(server_key: str, key: str) -> str:
    """The secret of a session credential, re-derivable by the server alone.

    Only its SHA-256 is stored, as for every credential, so reading the database gives no
    usable secret; the server key (the LMS's session-signing key) gives them all, as it
    already gives every session cookie, so no new secret needs keeping."""
    mac = hmac.new(server_key.encode(), f"xapi-session-credential:{key}".encode(), "sha256")
    return base64.urlsafe_b64encode(mac.digest()).rstrip(b"=").decode()


def session_credential(
    session: Session, agent: dict, registration: str | None, server_key: str, ttl_seconds: int
) -> tuple[str, str, datetime]:
    """The learner's live session credential for this registration, else a new one:
    (key, secret, expires_at). One is reused while at least half its lifetime is left, so
    content launched from it still has hours to run; minting also purges dead ones."""
    now = datetime.now(UTC)
    live = session.scalars(
        select(Credential)
        .where(
            Credential.agent_digest == agent_digest(agent),
            Credential.registration.is_(None)
            if registration is None
            else Credential.registration == registration,
            Credential.revoked_at.is_(None),
            Credential.expires_at > now + timedelta(seconds=ttl_seconds / 2),
        )
        .order_by(Credential.expires_at.desc())
    ).first()
    if live is not None:
        secret = derived_secret(server_key, live.key)
        # A changed server key derives another secret: then mint afresh.
        if hmac.compare_digest(live.secret_hash, hash_secret(secret)):
            return live.key, secret, live.expires_at
    purge_session_credentials(session)
    key, secret = create_credential(
        session,
        "session",
        SESSION_SCOPES,
        agent=agent,
        ttl_seconds=ttl_seconds,
        registration=registration,
        secret_for=lambda key: derived_secret(server_key, key),
    )
    return key, secret, now + timedelta(seconds=ttl_seconds)


@dataclass(frozen=True)
class ClientCredential:
    """What a request needs to know of its credential (a detached copy, safe to cache)."""

    key: str
    name: str
    secret_hash: str
    scopes: tuple[str, ...]
    agent: dict | None
    expires_at: datetime | None
    revoked_at: datetime | None


# Credentials seen in the last few seconds, by key: one database round trip less per request.
# A revocation made in another process takes effect within CACHE_SECONDS.
CACHE_SECONDS = 5.0
_cache: dict[str, tuple[float, ClientCredential]] = {}
_cache_lock = threading.Lock()


def _lookup(session: Session, key: str) -> ClientCredential | None:
    now = time.monotonic()
    entry = _cache.get(key)
    if entry is not None and entry[0] > now:
        return entry[1]
    row = session.get(Credential, key)
    if row is None:
        return None
    credential = ClientCredential(
        row.key,
        row.name,
        row.secret_hash,
        tuple(row.scopes),
        row.agent,
        row.expires_at,
        row.revoked_at,
    )
    with _cache_lock:
        if len(_cache) > 10_000:
            _cache.clear()
        _cache[key] = (now + CACHE_SECONDS, credential)
    return credential


def authenticate(session: Session, key: str, secret: str) -> ClientCredential | None:
    credential = _lookup(session, key)
    if credential is None or credential.revoked_at is not None:
        return None
    if credential.expires_at is not None and credential.expires_at <= datetime.now(UTC):
        return None
    if not hmac.compare_digest(credential.secret_hash, hash_secret(secret)):
        return None
    return credential


def authority_of(credential: "Credential | ClientCredential") -> dict:
    """The `authority` set on statements stored with this credential."""
    if credential.agent is not None:
        # A learner's own launched content: the learner vouches for its statements.
        return credential.agent
    return {
        "objectType": "Agent",
        "name": credential.name,
        "account": {"homePage": AUTHORITY_HOMEPAGE, "name": credential.key},
    }


def list_credentials(session: Session) -> list[Credential]:
    return list(session.scalars(select(Credential).order_by(Credential.created_at)))


def revoke_credential(session: Session, key: str) -> bool:
    credential = session.get(Credential, key)
    if credential is None or credential.revoked_at is not None:
        return False
    credential.revoked_at = datetime.now(UTC)
    _forget([key])
    return True


def revoke_agent_credentials(session: Session, agent: dict) -> int:
    """Revoke every live session credential of this agent; return how many.

    Takes effect at once in this process; another worker may still accept one for up to
    CACHE_SECONDS (its credential cache), the bound documented in docs/security.md."""
    keys = list(
        session.scalars(
            select(Credential.key).where(
                Credential.agent_digest == agent_digest(agent), Credential.revoked_at.is_(None)
            )
        )
    )
    if keys:
        session.execute(
            update(Credential)
            .where(Credential.key.in_(keys))
            .values(revoked_at=datetime.now(UTC))
            .execution_options(synchronize_session=False)
        )
        _forget(keys)
    return len(keys)


def purge_session_credentials(session: Session) -> int:
    """Delete the session credentials that expired or were revoked; return how many.
    Credentials of LRS clients stay (revoked ones are listed by `lms lrs-client list`)."""
    dead = or_(Credential.expires_at <= datetime.now(UTC), Credential.revoked_at.is_not(None))
    # Rows another transaction is purging or revoking are left to it: two launches purging at
    # once could otherwise lock the same rows in different orders (a deadlock on PostgreSQL).
    keys = list(
        session.scalars(
            select(Credential.key)
            .where(Credential.agent_digest.is_not(None), dead)
            .with_for_update(skip_locked=True)
        )
    )
    if keys:
        session.execute(
            delete(Credential)
            .where(Credential.key.in_(keys))
            .execution_options(synchronize_session=False)
        )
        _forget(keys)
    return len(keys)


def _forget(keys: list[str]) -> None:
    with _cache_lock:
        for key in keys:
            _cache.pop(key, None)


def allows(credential: "Credential | ClientCredential", need: str, write: bool) -> bool:
    """Whether the credential's scopes cover a resource family ('statements', 'state',
    'profile', 'define') for reading or writing."""
    scopes = set(credential.scopes)
    if "all" in scopes:
        return True
    if not write and "all/read" in scopes:
        return True
    if need == "statements":
        if write:
            return "statements/write" in scopes
        return bool(scopes & {"statements/read", "statements/read/mine"})
    if need == "state":
        return "state" in scopes
    if need == "profile":
        return "profile" in scopes
    if need == "define":
        return not write and bool(scopes)
    return False


def reads_only_own(credential: "Credential | ClientCredential") -> bool:
    scopes = set(credential.scopes)
    return "statements/read/mine" in scopes and not scopes & {"all", "all/read", "statements/read"}
