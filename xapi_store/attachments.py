"""Attachments: multipart/mixed requests and answers, sha2 checks, signed statements (JWS)."""

import base64
import hashlib
import json
import secrets

import jwt
from cryptography import x509
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import jsonutil
from .errors import ValidationError
from .models import Attachment
from .storage import comparable
from .validation import SIGNATURE_USAGE

SIGNING_ALGORITHMS = {"RS256", "RS384", "RS512", "ES256", "ES384", "ES512"}


def boundary_of(content_type: str) -> str:
    for part in content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.strip().lower() == "boundary":
            return value.strip().strip('"')
    raise ValidationError("Content-Type: multipart/mixed needs a boundary")


def parse_multipart(body: bytes, content_type: str) -> list[tuple[dict[str, str], bytes]]:
    """Split a multipart/mixed body into (lower-cased headers, body) parts (RFC 2046)."""
    delimiter = b"--" + boundary_of(content_type).encode()
    chunks = body.split(delimiter)
    if len(chunks) < 3:
        raise ValidationError("body: no multipart/mixed parts found for the boundary")
    parts = []
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):
            break
        chunk = chunk[2:] if chunk.startswith(b"\r\n") else chunk.lstrip(b"\n")
        head, separator, content = chunk.partition(b"\r\n\r\n")
        if not separator:
            head, separator, content = chunk.partition(b"\n\n")
        if not separator:
            raise ValidationError("body: a multipart part has no header/body separator")
        if content.endswith(b"\r\n"):
            content = content[:-2]
        elif content.endswith(b"\n"):
            content = content[:-1]
        headers = {}
        for line in head.decode("utf-8", "replace").splitlines():
            name, _, value = line.partition(":")
            if name.strip():
                headers[name.strip().lower()] = value.strip()
        parts.append((headers, content))
    return parts


def statements_and_parts(body: bytes, content_type: str):
    """The statements JSON (first part) and the attachment bodies by sha2."""
    parts = parse_multipart(body, content_type)
    headers, first = parts[0]
    if headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        raise ValidationError("body: the first multipart part must be application/json")
    try:
        statements = jsonutil.loads(first.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationError(f"body: the statements part is not valid JSON ({exc})") from None
    bodies: dict[str, tuple[str, bytes]] = {}
    for i, (headers, content) in enumerate(parts[1:], start=1):
        sha2 = headers.get("x-experience-api-hash")
        if not sha2:
            raise ValidationError(f"part {i}: X-Experience-API-Hash header is required")
        if headers.get("content-transfer-encoding", "binary").lower() != "binary":
            raise ValidationError(f"part {i}: Content-Transfer-Encoding must be binary")
        if hashlib.sha256(content).hexdigest() != sha2.lower() and not _other_sha2(content, sha2):
            raise ValidationError(f"part {i}: body does not match its X-Experience-API-Hash")
        bodies[sha2.lower()] = (headers.get("content-type", "application/octet-stream"), content)
    return statements, bodies


def _other_sha2(content: bytes, sha2: str) -> bool:
    return any(
        hashlib.new(name, content).hexdigest() == sha2.lower()
        for name in ("sha224", "sha384", "sha512")
    )


def declared_attachments(statements: list[dict]) -> list[tuple[int, dict]]:
    found = []
    for i, statement in enumerate(statements):
        for attachment in statement.get("attachments") or ():
            found.append((i, attachment))
        obj = statement.get("object") or {}
        if obj.get("objectType") == "SubStatement":
            for attachment in obj.get("attachments") or ():
                found.append((i, attachment))
    return found


def match_attachments(statements: list[dict], bodies: dict[str, tuple[str, bytes]]):
    """Every attachment without fileUrl has a body, and every body is declared (Data 2.4.11)."""
    declared = set()
    for i, attachment in declared_attachments(statements):
        sha2 = attachment["sha2"].lower()
        declared.add(sha2)
        if "fileUrl" not in attachment and sha2 not in bodies:
            raise ValidationError(
                f"statements[{i}].attachments: no part with X-Experience-API-Hash {sha2}"
            )
    for sha2 in bodies:
        if sha2 not in declared:
            raise ValidationError(f"attachment part {sha2}: not declared by any statement")
    for i, statement in enumerate(statements):
        for attachment in statement.get("attachments") or ():
            if attachment["usageType"] == SIGNATURE_USAGE:
                check_signature(statement, attachment, bodies, f"statements[{i}]")


def check_signature(statement: dict, attachment: dict, bodies, path: str):
    """A signed statement's JWS must be well formed, RS/ES signed, and sign this statement
    (Data 2.6)."""
    if attachment["contentType"] != "application/octet-stream":
        raise ValidationError(f"{path}.attachments: a signature must be application/octet-stream")
    entry = bodies.get(attachment["sha2"].lower())
    if entry is None:
        raise ValidationError(f"{path}.attachments: the signature has no body")
    token = entry[1].decode("ascii", "replace").strip()
    try:
        header = jwt.get_unverified_header(token)
        payload_b64 = token.split(".")[1]
        payload = jsonutil.loads(
            base64.urlsafe_b64decode(payload_b64 + "=" * (-len(payload_b64) % 4))
        )
    except (jwt.PyJWTError, ValueError, IndexError):
        raise ValidationError(f"{path}.attachments: the signature is not a valid JWS") from None
    algorithm = header.get("alg")
    if algorithm not in SIGNING_ALGORITHMS:
        raise ValidationError(f"{path}.attachments: JWS algorithm must be RS256/384/512 or ES*")
    if not isinstance(payload, dict):
        raise ValidationError(f"{path}.attachments: the JWS payload is not a statement")
    if json.dumps(comparable(payload), sort_keys=True) != json.dumps(
        comparable(_without_lrs_fields(statement)), sort_keys=True
    ):
        raise ValidationError(f"{path}.attachments: the JWS payload does not match the statement")
    chain = header.get("x5c")
    if chain:
        try:
            certificate = x509.load_der_x509_certificate(base64.b64decode(chain[0]))
            jwt.decode(
                token,
                certificate.public_key(),
                algorithms=[algorithm],
                options={"verify_aud": False, "verify_exp": False, "verify_iat": False},
            )
        except (jwt.PyJWTError, ValueError) as exc:
            raise ValidationError(
                f"{path}.attachments: the signature does not verify ({exc})"
            ) from None


def _without_lrs_fields(statement: dict) -> dict:
    return {k: v for k, v in statement.items() if k not in ("stored", "authority")}


def load_bodies(session: Session, statements: list[dict]) -> list[Attachment]:
    wanted = {a["sha2"].lower() for _, a in declared_attachments(statements)}
    if not wanted:
        return []
    return list(session.scalars(select(Attachment).where(Attachment.sha2.in_(list(wanted)))))


def multipart_answer(document: bytes, attachments: list[Attachment]) -> tuple[bytes, str]:
    """A multipart/mixed answer: the JSON document, then each attachment body once."""
    boundary = secrets.token_hex(16)
    out = [
        f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(),
        document,
        b"\r\n",
    ]
    for attachment in attachments:
        out += [
            f"--{boundary}\r\nContent-Type: {attachment.content_type}\r\n"
            "Content-Transfer-Encoding: binary\r\n"
            f"X-Experience-API-Hash: {attachment.sha2}\r\n\r\n".encode(),
            attachment.body,
            b"\r\n",
        ]
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out), f"multipart/mixed; boundary={boundary}"
