"""Demo data: a cooperative of the demo learner with a few products, so the market is not empty.

`lms seed-demo` runs it with the other demo seeders; `lms market seed-demo` runs it alone.
"""

from __future__ import annotations

import io
from decimal import Decimal

from flask import current_app
from PIL import Image, ImageDraw
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.auth.services import find_by_email
from market import services
from market.models import Cooperative, Membership

DEMO_OWNER = "learner@example.org"
DEMO_COOP = {
    "name": "Coopérative Tifaout",
    "registration_number": "DEMO-2019-041",
    "region": "souss-massa",
    "commune": "Tiznit",
    "year_founded": 2019,
    "members_count": 18,
    "women_count": 14,
    "youth_count": 7,
    "story": "Quatorze femmes de la région de Tiznit concassent et pressent l'argan à la main, "
    "et récoltent le miel d'euphorbe des collines.",
    "contact_phone": "+212 600 000 000",
    "contact_email": "",
}
DEMO_PRODUCTS = [
    ({"fr": "Huile d'argan alimentaire", "ar": "زيت الأركان الغذائي", "en": "Culinary argan oil"},
     "argan-oil", "190.00", "litre", 40, 1, (176, 112, 38)),
    ({"fr": "Huile d'argan cosmétique", "ar": "زيت الأركان التجميلي", "en": "Cosmetic argan oil"},
     "cosmetics", "65.00", "bottle", 120, 2, (214, 170, 90)),
    ({"fr": "Miel d'euphorbe", "ar": "عسل الدغموس", "en": "Euphorbia honey"},
     "honey", "280.00", "jar", 25, 1, (150, 90, 20)),
    ({"fr": "Amlou aux amandes", "ar": "أملو باللوز", "en": "Amlou with almonds"},
     "other", "90.00", "jar", 60, 2, (120, 70, 40)),
]  # fmt: skip


def _demo_picture(color: tuple[int, int, int]) -> bytes:
    """A simple illustrated picture (a jar shape on a warm background), no file needed."""
    image = Image.new("RGB", (800, 600), (245, 236, 220))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((300, 170, 500, 500), radius=40, fill=color)
    draw.rectangle((330, 120, 470, 180), fill=(90, 60, 40))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def seed_demo(session: Session) -> str:
    """The demo cooperative of learner@example.org with four products; once, then nothing."""
    owner = find_by_email(session, DEMO_OWNER)
    if owner is None:
        return ""
    if session.scalar(select(Cooperative).where(Cooperative.name == DEMO_COOP["name"])):
        return "the demo cooperative exists already"
    with current_app.test_request_context():  # statements need a request's language
        coop = Cooperative(**DEMO_COOP)
        coop.memberships.append(Membership(user_id=owner.id, role="owner"))
        session.add(coop)
        session.flush()
        for title, category, price, unit, stock, minimum, color in DEMO_PRODUCTS:
            product = services.create_product(
                session, coop, owner, title=title, description={}, category=category,
                price=Decimal(price), unit=unit, quantity_available=stock,
                minimum_order=minimum, published=True,
            )  # fmt: skip
            services.add_photo(session, coop, _demo_picture(color), product)
    return f"demo cooperative {coop.name!r} with {len(DEMO_PRODUCTS)} products, owner {DEMO_OWNER}"
