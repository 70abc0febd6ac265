"""Uploaded pictures decoded safely: pixels counted from the header, decoded small, few at once.

A picture's file size says little about its cost: a 166 KB PNG of 6300 × 6300 pixels took 13.6 s
and 1 GB in a worker (issue 13, finding 10). So the pixel count is read from the header and
refused above MAX_PIXELS before anything is decoded; JPEG is decoded at a reduced scale by the
decoder itself (`draft`), other formats are reduced right after decoding, before any copy; and
at most SLOTS pictures are decoded at the same time on one machine, whatever the number of
workers and threads (`lms serve` runs 2 × cores + 1 workers of 4 threads each), through lock
files under the instance folder. The callers (market photos, project documents) turn the
errors below into messages in the user's language.
"""

from __future__ import annotations

import errno
import fcntl
import io
import tempfile
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import current_app, has_app_context
from PIL import Image

#: 24 megapixels (6000 × 4000, a camera's full size; phones send 12). A fully decoded picture of
#: that size holds 96 MB (RGBA), so SLOTS of them stay well under what a small server has.
MAX_PIXELS = 24_000_000
#: Pictures decoded at the same time on one machine (each held by a lock file).
SLOTS = 2
#: How long an upload waits for a free slot before it is told to try again.
WAIT_SECONDS = 20.0
_REDUCIBLE = frozenset({"L", "LA", "RGB", "RGBA", "CMYK", "I", "F", "PA"})


class TooManyPixels(ValueError):
    """The header announces more than MAX_PIXELS pixels."""


class Busy(RuntimeError):
    """Every slot stayed taken for WAIT_SECONDS."""


@contextmanager
def opened(data: bytes) -> Iterator[Image.Image]:
    """The picture, opened lazily (header only) and refused above MAX_PIXELS.

    Pillow's own decompression-bomb limit (89 megapixels) is far above ours, so it only ever
    fires for files whose header lies; both say TooManyPixels.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise TooManyPixels(image.size)
                yield image
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise TooManyPixels() from None


def decode_reduced(image: Image.Image, longest_side: int) -> Image.Image:
    """Decode an opened picture, no smaller than `longest_side` but not much larger.

    JPEG: the decoder skips detail it would throw away (1/2, 1/4 or 1/8 scale), so a 24 MP
    photo costs what a 1.5 MP one does. Others are decoded whole, then reduced by a whole
    factor (box filter, cheap) before anything copies them.
    """
    if image.format == "JPEG":
        image.draft("RGB", (longest_side, longest_side))
    image.load()
    factor = max(image.size) // longest_side
    if factor < 2:
        return image
    if image.mode not in _REDUCIBLE:  # palette and 1-bit pictures: reduce() needs real colours
        image = image.convert("RGBA" if has_alpha(image) else "RGB")
    return image.reduce(factor)


def has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def slots_folder() -> Path:
    """The instance folder's `picture-slots` (a temporary folder outside an application)."""
    base = Path(current_app.instance_path) if has_app_context() else Path(tempfile.gettempdir())
    return base / "picture-slots"


@contextmanager
def work_slot(
    folder: Path | None = None, slots: int = SLOTS, wait: float = WAIT_SECONDS
) -> Iterator[None]:
    """Hold one of `slots` lock files while decoding (Busy after `wait` seconds).

    flock locks belong to an open file, so they bound threads of one worker as well as the
    workers of one machine; the kernel frees them if a worker dies mid-way. Each machine has
    its own instance folder, and its own memory to protect.
    """
    folder = folder or slots_folder()
    folder.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait
    while True:
        for index in range(slots):
            handle = (folder / f"slot-{index}.lock").open("a+b")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                handle.close()
                if exc.errno in (errno.EAGAIN, errno.EACCES):
                    continue
                raise
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
                handle.close()
            return
        if time.monotonic() >= deadline:
            raise Busy()
        time.sleep(0.05)
