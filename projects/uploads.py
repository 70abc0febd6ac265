"""Documents attached to projects: checked by content, size-limited, stored under the instance."""

from __future__ import annotations

import uuid
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import UnidentifiedImageError
from sqlalchemy.orm import Session

from lms import pictures
from lms.db import on_commit, on_rollback
from projects.models import Document, Project

MAX_BYTES = 5 * 1024 * 1024
MAX_DOCUMENTS = 10
#: kind -> (Content-Type, file extension, Pillow format or None for PDF)
KINDS = {
    "pdf": ("application/pdf", "pdf", None),
    "png": ("image/png", "png", "PNG"),
    "jpeg": ("image/jpeg", "jpg", "JPEG"),
    "webp": ("image/webp", "webp", "WEBP"),
}


class UploadError(Exception):
    """The file was refused; the message says why in the user's language."""


def sniff(data: bytes) -> str | None:
    """The file's real kind from its first bytes (its name and declared type are not trusted)."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def check(data: bytes) -> str:
    """Return the kind of an acceptable file, or raise UploadError with a clear message."""
    if not data:
        raise UploadError(_l("The file is empty."))
    if len(data) > MAX_BYTES:
        raise UploadError(_l("The file is too large: 5 MB at most."))
    kind = sniff(data)
    if kind is None:
        raise UploadError(
            _l("This kind of file is not accepted: send a PDF or a picture (PNG, JPEG, WebP).")
        )
    expected_format = KINDS[kind][2]
    if expected_format is None:
        if b"%%EOF" not in data[-2048:]:
            raise UploadError(_l("The PDF file is incomplete or damaged."))
        return kind
    # Pictures are stored as sent and never decoded here: verify() reads their chunks without
    # inflating pixels (18 ms for the 6300 x 6300 PNG of issue 13), so no decoding slot is
    # taken. The pixel cap still applies, read from the header: whoever opens the document
    # would decode it (lms/pictures.py).
    try:
        with pictures.opened(data) as image:
            image.verify()
            if image.format != expected_format:
                raise UploadError(_l("The picture is damaged or not what its content says."))
    except pictures.TooManyPixels:
        raise UploadError(
            _l(
                "The picture has too many pixels (at most %(mp)d megapixels).",
                mp=pictures.MAX_PIXELS // 10**6,
            )
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise UploadError(_l("The picture is damaged and cannot be read.")) from None
    return kind


def folder() -> Path:
    path = Path(current_app.instance_path) / "project-documents"
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_of(document: Document) -> Path:
    return folder() / document.stored_name


def read_upload(stream) -> bytes:
    """At most MAX_BYTES + 1 bytes: enough to tell that a file is too large."""
    return stream.read(MAX_BYTES + 1)


def attach(session: Session, project: Project, uploader, filename: str, data: bytes) -> Document:
    if len(project.documents) >= MAX_DOCUMENTS:
        raise UploadError(_l("A project can have 10 documents at most: delete one first."))
    kind = check(data)
    content_type, extension, _format = KINDS[kind]
    name = Path(filename or "").name.strip()[:200] or f"document.{extension}"
    document = Document(
        project=project,
        uploader=uploader,
        original_name=name,
        stored_name=f"{uuid.uuid4().hex}.{extension}",
        content_type=content_type,
        size=len(data),
    )
    session.add(document)
    session.flush()
    path = path_of(document)
    path.write_bytes(data)
    on_rollback(session, lambda: path.unlink(missing_ok=True))  # nothing half-saved
    return document


def remove(session: Session, document: Document) -> None:
    path = path_of(document)
    session.delete(document)
    session.flush()
    on_commit(session, lambda: path.unlink(missing_ok=True))  # only once the row is gone
