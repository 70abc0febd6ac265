"""Security headers on every response (a strict Content-Security-Policy, no inline script),
and the one check of a user-supplied redirect target."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Flask, Response

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "media-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def init_app(app: Flask) -> None:
    @app.after_request
    def _security_headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if app.config["SESSION_COOKIE_SECURE"]:
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        return response


# Browsers drop tabs and newlines anywhere in a URL and trim C0 controls and spaces at its ends
# (WHATWG URL Standard, "basic URL parser"), and read a backslash as "/": so "/<tab>/evil.com"
# and "/<backslash>evil.com" both lead to evil.com. The target is read as a browser reads it.
_DROPPED = re.compile(r"[\t\n\r]")
_TRIMMED = "".join(chr(c) for c in range(0x21))
_REFUSED = re.compile(r"[\x00-\x1f\x7f\\]")


def safe_next(target: str | None, fallback: str) -> str:
    """`target` if it is a path on this site, else `fallback`: every redirect to a place the
    request names (login's `next`, the language switch) goes through here."""
    target = _DROPPED.sub("", target or "").strip(_TRIMMED)
    if (
        not target.startswith("/")
        or target.startswith("//")
        or _REFUSED.search(target)
        or urlsplit(target).scheme
        or urlsplit(target).netloc
    ):
        return fallback
    return target
