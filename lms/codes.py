"""Codes people read aloud, copy from a board or type from a card: one alphabet without
look-alikes (0/O, 1/I/L, 5/S, 2/Z, 8/B), and one way to read what was typed."""

from __future__ import annotations

import secrets

ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"


def normalise(text: str | None) -> str:
    """What a person typed, as a code: case, spaces and dashes do not matter."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def random_code(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def from_bytes(digest: bytes, length: int) -> str:
    """`length` letters of the alphabet drawn from a digest (for codes derived by HMAC)."""
    number = int.from_bytes(digest, "big")
    letters = []
    for _ in range(length):
        number, index = divmod(number, len(ALPHABET))
        letters.append(ALPHABET[index])
    return "".join(letters)


def is_code(code: str, length: int) -> bool:
    return len(code) == length and all(ch in ALPHABET for ch in code)
