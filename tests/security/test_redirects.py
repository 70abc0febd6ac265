"""Finding 11: a redirect the request names stays on this site, however the target is
disguised (read as a browser reads a Location header)."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest

SITE = "http://localhost/"
NASTY = [
    "/\t/evil.com",
    "/\n/evil.com",
    "/\r\n/evil.com",
    "//evil.com",
    "///evil.com",
    "/\\evil.com",
    "\\/evil.com",
    "\\\\evil.com",
    " //evil.com",
    "\x00//evil.com",
    "\x1f/\t/evil.com",
    "https://evil.com",
    "http:evil.com",
    "HTTP://evil.com/",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.com",
    "",
]
SAFE = ["/courses", "/courses/think-coop?lang=ar#end", "/path", "/%2F%2Fevil.com"]


def _where_a_browser_goes(location: str) -> str:
    """The host a browser would open for this Location (WHATWG URL parsing, roughly)."""
    location = re.sub(r"[\t\n\r]", "", location).strip("".join(map(chr, range(0x21))))
    return urlsplit(urljoin(SITE, location.replace("\\", "/"))).netloc


@pytest.mark.parametrize("target", NASTY)
def test_finding11_language_switch_never_redirects_off_site(client, target):
    response = client.post("/language", data={"lang": "ar", "next": target})
    assert response.status_code == 302
    assert _where_a_browser_goes(response.headers["Location"]) == "localhost"


@pytest.mark.parametrize("target", NASTY)
def test_finding11_login_never_redirects_off_site(client, make_user, target):
    user = make_user()
    response = client.post(
        "/login", query_string={"next": target}, data={"email": user.email,
                                                       "password": "correct-horse-battery"}
    )  # fmt: skip
    assert response.status_code == 302
    assert _where_a_browser_goes(response.headers["Location"]) == "localhost"


@pytest.mark.parametrize("target", SAFE)
def test_finding11_a_path_on_this_site_is_kept(client, target):
    response = client.post("/language", data={"lang": "fr", "next": target})
    assert response.headers["Location"] == target


@pytest.mark.parametrize("target", NASTY)
def test_finding11_safe_next_refuses(target):
    from lms.security import safe_next

    assert safe_next(target, "/home") == "/home"
