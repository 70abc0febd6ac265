"""Uploaded pictures: checked by content with Pillow, re-encoded, resized to two sizes."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from lms import pictures
from lms.pictures import MAX_PIXELS

MAX_BYTES = 8 * 1024 * 1024  # what a phone camera sends; more is refused before decoding
SMALL = 360  # the longest side of a card picture: a phone screen's width
LARGE = 1280
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
OUTPUT_FORMAT, CONTENT_TYPE = "WEBP", "image/webp"


class ImageError(ValueError):
    """The upload is not a picture we accept; str(error) is a message for the user."""


@dataclass(frozen=True)
class Rendition:
    data: bytes
    width: int
    height: int


@dataclass(frozen=True)
class ProcessedImage:
    small: Rendition
    large: Rendition
    digest: str


def process(data: bytes) -> ProcessedImage:
    """Check the bytes really are a picture, then re-encode them (dropping EXIF) in two sizes.

    The costly part runs in one of lms.pictures' few slots, on a picture decoded no larger than
    it is shown (see lms/pictures.py: issue 13, finding 10).
    """
    if len(data) > MAX_BYTES:
        raise ImageError(_l("The picture is too large (at most %(mb)d MB).", mb=MAX_BYTES >> 20))
    if not data:
        raise ImageError(_l("The file is empty."))
    try:
        _check(data)  # from the header, before waiting for a slot
        with pictures.work_slot():
            image = _decode(data)
            return ProcessedImage(
                small=_render(image, SMALL),
                large=_render(image, LARGE),
                digest=hashlib.sha256(data).hexdigest(),
            )
    except pictures.TooManyPixels:
        raise ImageError(_too_many_pixels()) from None
    except pictures.Busy:
        raise ImageError(
            _l("Many pictures are being sent right now: please try again in a minute.")
        ) from None


def _check(data: bytes) -> None:
    with _unreadable_refused(), pictures.opened(data) as probe:
        if probe.format not in ACCEPTED_FORMATS:
            raise ImageError(_l("Please send a JPEG, PNG, WebP or GIF picture."))
        probe.verify()  # checks the whole file, not only its header


def _decode(data: bytes) -> Image.Image:
    with _unreadable_refused(), pictures.opened(data) as image:
        image = ImageOps.exif_transpose(pictures.decode_reduced(image, LARGE))
    return image.convert("RGBA" if pictures.has_alpha(image) else "RGB")


@contextmanager
def _unreadable_refused() -> Iterator[None]:
    try:
        yield
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        if isinstance(exc, ImageError | pictures.TooManyPixels):
            raise
        raise ImageError(_l("This file is not a picture we can read.")) from None


def _too_many_pixels():
    return _l(
        "The picture has too many pixels (at most %(mp)d megapixels).", mp=MAX_PIXELS // 10**6
    )


def _render(image: Image.Image, longest_side: int) -> Rendition:
    copy = image.copy()
    copy.thumbnail((longest_side, longest_side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    copy.save(out, OUTPUT_FORMAT, quality=80, method=4)
    return Rendition(out.getvalue(), copy.width, copy.height)
