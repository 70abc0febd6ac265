"""The site's Ed25519 key and the signed Open Badges 3.0 credentials (VC-JWT, EdDSA).

The private key is generated once and kept in the instance folder (like the secret key); the
public key is published as a JWK Set at /certificates/jwks.json and in the issuer profile, so any
verifier can check a credential without asking us. Format: W3C VC Data Model 2.0 secured with
JOSE (`typ: vc+jwt`, the payload is the credential itself), as VC-JOSE-COSE describes.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import current_app

KEY_FILE = "certificate-signing-key.pem"


def _key_path() -> Path:
    return Path(current_app.instance_path) / KEY_FILE


def private_key() -> Ed25519PrivateKey:
    cache = current_app.extensions.setdefault("taawun.signing_key", {})
    path = _key_path()
    if str(path) in cache:
        return cache[str(path)]
    if path.is_file():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    else:
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_bytes(pem)
    cache[str(path)] = key
    return key


def public_key() -> Ed25519PublicKey:
    return private_key().public_key()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def public_jwk() -> dict:
    raw = public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {"kty": "OKP", "crv": "Ed25519", "x": _b64(raw), "kid": key_id(), "alg": "EdDSA",
            "use": "sig"}  # fmt: skip


def key_id() -> str:
    raw = public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def sign(credential: dict) -> str:
    """The credential as a compact JWS (`application/vc+jwt`)."""
    return jwt.encode(
        credential,
        private_key(),
        algorithm="EdDSA",
        headers={"typ": "vc+jwt", "cty": "vc", "kid": key_id()},
    )


class InvalidCredential(ValueError):
    """The text is not a credential signed by this site's key (tampered, truncated, foreign)."""


def verify(token: str) -> dict:
    """The credential if the signature is ours and intact; InvalidCredential otherwise."""
    token = (token or "").strip()
    try:
        header = jwt.get_unverified_header(token)
        if header.get("alg") != "EdDSA":
            raise InvalidCredential("alg")
        # VC-JWT carries validFrom, not exp/nbf claims; nothing else to check here.
        payload = jwt.decode(token, public_key(), algorithms=["EdDSA"],
                             options={"verify_aud": False})  # fmt: skip
    except (jwt.PyJWTError, ValueError) as exc:
        raise InvalidCredential(str(exc)) from None
    if "OpenBadgeCredential" not in payload.get("type", []):
        raise InvalidCredential("type")
    return payload
