"""Browsing without an account: full-text search in French and Arabic, filters, sort, feed."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from market.search import normalise


@pytest.fixture(scope="module")
def catalogue(app):
    """Two cooperatives (one women-led) and a few published products, made once per module."""
    from lms.auth.services import create_user
    from market import services
    from tests.market.conftest import coop_fields, product_fields

    with app.test_request_context():
        from lms.db import session

        owner = create_user(session, "catalogue@example.org", "catalogue-password")
        session.flush()
        app.extensions["taawun.registry"].provide("courses.completed", lambda u, c: True)
        women = services.create_cooperative(
            session, owner, **coop_fields(name="Tifawin", members_count=10, women_count=8)
        )
        men = services.create_cooperative(
            session,
            owner,
            **coop_fields(
                name="Atlas Safran", region="draa-tafilalet", members_count=10, women_count=5
            ),
        )
        made = {}
        for key, coop, fields in [
            ("argan", women, {"title": {"fr": "Huile d'argane cosmétique"}, "category": "argan-oil",
                              "price": Decimal("250")}),
            ("amlou", women, {"title": {"ar": "أَمْلُو باللوز", "fr": "Amlou aux amandes"},
                              "category": "other", "price": Decimal("120")}),
            ("saffron", men, {"title": {"fr": "Safran de Taliouine", "en": "Taliouine saffron"},
                              "category": "saffron", "price": Decimal("45"), "unit": "100g"}),
            ("honey", men, {"title": {"ar": "عسل السدر"}, "category": "honey",
                            "price": Decimal("300")}),
        ]:  # fmt: skip
            product = services.create_product(session, coop, owner, **product_fields(**fields))
            made[key] = product.id
        session.commit()
        app.extensions["taawun.registry"].services.pop("courses.completed")
    return made


def _found(client, catalogue, query_string):
    page = client.get("/market/?" + query_string).text
    ids = {int(i) for i in re.findall(r'href="/market/products/(\d+)"', page)}
    return {key for key, pid in catalogue.items() if pid in ids}


def test_normalisation_ignores_case_accents_and_harakat():
    assert normalise("Huile d'ARGANE Élevée") == "huile d'argane elevee"
    assert normalise("أَمْلُو") == normalise("املو")
    assert normalise("عسـل") == "عسل"  # tatweel


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=argane", {"argan"}),
        ("q=ARGANE+cosmetique", {"argan"}),
        ("q=arg", {"argan"}),  # word prefix
        ("q=amlou", {"amlou"}),
        ("q=املو", {"amlou"}),  # without harakat, the stored title has them
        ("q=عسل", {"honey"}),
        ("q=taliouine", {"saffron"}),
        ("q=tifawin", {"argan", "amlou"}),  # the cooperative's name
        ("q=nothing-like-this", set()),
    ],
)
def test_full_text_search(client, catalogue, query, expected):
    assert _found(client, catalogue, query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("category=saffron", {"saffron"}),
        ("region=souss-massa", {"argan", "amlou"}),
        ("price_min=100&price_max=260", {"argan", "amlou"}),
        ("price_max=50", {"saffron"}),
        ("women_led=1", {"argan", "amlou"}),  # 8 of 10; 5 of 10 is not more than half
        ("women_led=1&q=amlou", {"amlou"}),
    ],
)
def test_filters(client, catalogue, query, expected):
    assert _found(client, catalogue, query) == expected


def test_sort_by_price_and_newest(client, catalogue):
    def order(sort):
        page = client.get(f"/market/?sort={sort}").text
        ids = [int(i) for i in re.findall(r'href="/market/products/(\d+)"', page)]
        by_id = {pid: key for key, pid in catalogue.items()}
        return [by_id[i] for i in dict.fromkeys(ids) if i in by_id]

    assert order("price_asc") == ["saffron", "amlou", "argan", "honey"]
    assert order("price_desc") == ["honey", "argan", "amlou", "saffron"]
    assert order("newest") == ["honey", "saffron", "amlou", "argan"]


def test_a_bad_price_filter_says_so(client, catalogue):
    page = client.get("/market/?price_min=abc")
    assert page.status_code == 200 and "error-summary" in page.text


def test_pages_are_light_and_work_without_javascript(client, catalogue):
    page = client.get("/market/").text
    assert "<script" not in page
    assert 'role="search"' in page


def test_atom_feed_lists_new_products(client, catalogue):
    response = client.get("/market/feed.atom")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.data)  # noqa: S314 (our own feed)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.findtext("a:title", namespaces=ns) for e in root.findall("a:entry", ns)]
    assert titles[:2] == ["عسل السدر", "Safran de Taliouine"]
    assert "Huile d'argane cosmétique" in titles


def test_cooperative_list_filters_women_led(client, catalogue):
    page = client.get("/market/cooperatives?women_led=1").text
    assert "Tifawin" in page and "Atlas Safran" not in page


def test_counts_use_arabic_plural_forms(app, catalogue):
    page = app.test_client().get("/market/cooperatives", headers={"Accept-Language": "ar"}).text
    assert "10 أعضاء" in page  # 3 to 10: the "few" form


def test_women_led_is_one_rule_for_a_cooperative_and_for_queries(app, catalogue):
    """8 of 10 women is women-led, 5 of 10 is not: the badge, the search and the directory
    all read Cooperative.women_led."""
    from sqlalchemy import select

    from market.models import Cooperative
    from market.search import cooperatives

    with app.test_request_context():
        from lms.db import session

        every = session.scalars(select(Cooperative)).all()
        by_rule = {c.name for c in every if c.women_led}
        queried = set(session.scalars(select(Cooperative.name).where(Cooperative.women_led)))
        listed = {c.name for c in cooperatives(session, women_led=True)}
    assert by_rule == queried == listed and "Tifawin" in listed and "Atlas Safran" not in listed
