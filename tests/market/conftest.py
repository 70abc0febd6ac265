"""Marketplace fixtures: who has completed My.COOP, launched projects, ready-made listings."""

from __future__ import annotations

import io
import itertools
from decimal import Decimal

import pytest
from PIL import Image

from lms.plugins import registry
from market import services

_numbers = itertools.count(1)


@pytest.fixture(scope="module")
def completed(app):
    """Users (by id) who completed My.COOP: the fake `courses.completed` service reads it."""
    done: set[int] = set()
    registry(app).provide(
        "courses.completed", lambda user, course: course == "my-coop" and user.id in done
    )
    return done


@pytest.fixture
def launched(app):
    """Launched projects per user id, served as the project bank's service would."""
    projects: dict[int, list[dict]] = {}
    services = registry(app).services
    real = services.get("projects.launched_for_user")
    registry(app).provide("projects.launched_for_user", lambda user: projects.get(user.id, []))
    yield projects
    services.pop("projects.launched_for_user", None)
    if real is not None:
        services["projects.launched_for_user"] = real


@pytest.fixture
def seller(make_user, completed):
    user = make_user("learner", display_name="Aicha", gender="female", region="souss-massa")
    completed.add(user.id)
    return user


def coop_fields(**overrides) -> dict:
    fields = {
        "name": f"Coopérative Tifaout {next(_numbers)}",
        "registration_number": "",
        "region": "souss-massa",
        "commune": "Tiznit",
        "year_founded": 2015,
        "members_count": 20,
        "women_count": 15,
        "youth_count": 6,
        "story": "Nous pressons l'argan à la main.",
        "contact_phone": "+212 600 000 000",
        "contact_email": "",
    }
    fields.update(overrides)
    return fields


def product_fields(**overrides) -> dict:
    fields = {
        "title": {"fr": "Huile d'argane alimentaire", "ar": "زيت الأركان الغذائي"},
        "description": {"fr": "Pressée à froid."},
        "category": "argan-oil",
        "price": Decimal("180.00"),
        "unit": "litre",
        "quantity_available": 50,
        "minimum_order": 2,
        "published": True,
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def make_coop(app):
    """make_coop(owner, **fields) -> cooperative id, made through the service."""

    def make(owner, **fields):
        with app.test_request_context():
            from lms.db import session

            user = session.merge(owner)
            coop = services.create_cooperative(session, user, **coop_fields(**fields))
            session.commit()
            return coop.id

    return make


@pytest.fixture
def make_product(app):
    """make_product(owner, coop_id, **fields) -> product id."""

    def make(owner, coop_id, **fields):
        with app.test_request_context():
            from lms.db import session
            from market.models import Cooperative

            user = session.merge(owner)
            coop = session.get(Cooperative, coop_id)
            product = services.create_product(session, coop, user, **product_fields(**fields))
            session.commit()
            return product.id

    return make


def picture_bytes(size=(1600, 1200), fmt="JPEG", color=(200, 120, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, fmt)
    return out.getvalue()


@pytest.fixture
def lookup(app):
    """lookup(fn) -> fn(session) in its own app context (the `db` fixture keeps one open, which
    would make every request of the test share its `g`, and so its language)."""

    def run(fn):
        with app.app_context():
            try:
                return fn(app.extensions["db_session"]())
            finally:
                app.extensions["db_session"].remove()

    return run
