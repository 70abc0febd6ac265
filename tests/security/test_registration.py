"""Finding 12: registering gives the same answer whether or not the address has an account."""

from __future__ import annotations

import statistics
import time

from tests.conftest import PASSWORD

FORM = {
    "password": "argan-oil-2024",
    "confirm": "argan-oil-2024",
    "display_name": "Visitor",
    "preferred_language": "fr",
}


def _register(app, email: str):
    """Register in a fresh browser: (response, seconds, the page the redirect leads to)."""
    browser = app.test_client()
    started = time.perf_counter()
    response = browser.post("/register", data=dict(FORM, email=email))
    seconds = time.perf_counter() - started
    page = browser.get(response.headers.get("Location", "/"), follow_redirects=True)
    return response, seconds, page.get_data(as_text=True)


def test_finding12_registration_does_not_say_an_address_is_taken(app, make_user):
    taken = make_user(email="taken@example.org")
    new, _, welcome = _register(app, "brand-new@example.org")
    existing, _, neutral = _register(app, taken.email)
    assert (existing.status_code, existing.headers["Location"]) == (
        new.status_code,
        new.headers["Location"],
    )
    assert "existe déjà" not in neutral  # the old "Un compte existe déjà pour cette adresse"
    assert "Bienvenue" in welcome  # the new learner is in, as before
    assert 'name="password"' in neutral  # the other visitor is on the login form, not in


def test_finding12_an_existing_address_takes_as_long_as_a_new_one(app, make_user):
    taken = make_user(email="slow@example.org")
    new = [_register(app, f"timing{i}@example.org")[1] for i in range(3)]
    existing = [_register(app, taken.email)[1] for _ in range(3)]
    # Both hash the password once (scrypt, tens of ms); without that the taken address
    # answered many times faster.
    assert statistics.median(existing) > 0.5 * statistics.median(new)


def test_finding12_the_account_owner_keeps_her_account(app, make_user):
    owner = make_user(email="owner@example.org", display_name="Owner")
    _register(app, owner.email)
    browser = app.test_client()
    intruders = {"email": owner.email, "password": FORM["password"]}
    assert browser.post("/login", data=intruders).status_code == 400
    assert (
        browser.post("/login", data={"email": owner.email, "password": PASSWORD}).status_code == 302
    )
