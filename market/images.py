"""Uploaded pictures: checked by content with Pillow, re-encoded, resized to two sizes."""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 8 * 1024 * 1024  # what a phone camera sends; more is refused before decoding
MAX_PIXELS = 40_000_000  # beyond this a picture is refused (decompression bombs)
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
    """Check the bytes really are a picture, then re-encode them (dropping EXIF) in two sizes."""
    if len(data) > MAX_BYTES:
        raise ImageError(_l("The picture is too large (at most %(mb)d MB).", mb=MAX_BYTES >> 20))
    if not data:
        raise ImageError(_l("The file is empty."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in ACCEPTED_FORMATS:
                    raise ImageError(_l("Please send a JPEG, PNG, WebP or GIF picture."))
                if probe.width * probe.height > MAX_PIXELS:
                    raise ImageError(_too_many_pixels())
                probe.verify()  # checks the whole file, not only its header
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                image = ImageOps.exif_transpose(image)
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise ImageError(_too_many_pixels()) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        if isinstance(exc, ImageError):
            raise
        raise ImageError(_l("This file is not a picture we can read.")) from None
    image = image.convert("RGBA" if _has_alpha(image) else "RGB")
    return ProcessedImage(
        small=_render(image, SMALL),
        large=_render(image, LARGE),
        digest=hashlib.sha256(data).hexdigest(),
    )


def _too_many_pixels():
    return _l(
        "The picture has too many pixels (at most %(mp)d megapixels).", mp=MAX_PIXELS // 10**6
    )


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def _render(image: Image.Image, longest_side: int) -> Rendition:
    copy = image.copy()
    copy.thumbnail((longest_side, longest_side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    copy.save(out, OUTPUT_FORMAT, quality=80, method=4)
    return Rendition(out.getvalue(), copy.width, copy.height)
