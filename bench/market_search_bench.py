"""Benchmark of the marketplace search over 50,000 products on PostgreSQL (target: p95 < 100 ms).

Run from the repository root (PostgreSQL on 127.0.0.1:5432, user postgres, trust auth):

    .venv/bin/python bench/market_search_bench.py             # 50,000 products
    .venv/bin/python bench/market_search_bench.py --products 5000 --runs 10

It creates a throwaway database (taawun_mbench_<random>), migrates it like `lms init-db`, fills it
with seeded cooperatives and products in fr/ar/en, then times typical searches twice: the search
function alone (`market.search.search`, count + one page) and the whole page (GET /market/?...,
rendered by Flask in-process). The database is dropped at the end.
"""

from __future__ import annotations

import argparse
import random
import secrets
import statistics
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import psycopg
from sqlalchemy import insert, text

from lms import create_app, migrations
from lms.regions import REGIONS
from market.models import Cooperative, Product
from market.search import Filters, normalise, search
from market.services import CATEGORIES, UNITS

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
START = datetime(2025, 1, 1, tzinfo=UTC)

# (category, fr, ar, en) nouns and qualifiers: titles look like the real catalogue.
PRODUCTS = [
    ("argan-oil", "Huile d'argane", "زيت الأركان", "Argan oil"),
    ("olive-oil", "Huile d'olive", "زيت الزيتون", "Olive oil"),
    ("honey", "Miel", "عسل", "Honey"),
    ("saffron", "Safran", "زعفران", "Saffron"),
    ("couscous-pasta", "Couscous", "كسكس", "Couscous"),
    ("dates", "Dattes", "تمور", "Dates"),
    ("plants", "Thym séché", "زعتر مجفف", "Dried thyme"),
    ("cosmetics", "Savon beldi", "صابون بلدي", "Beldi soap"),
    ("textiles-carpets", "Tapis", "زربية", "Carpet"),
    ("pottery", "Tajine en terre", "طاجين فخار", "Clay tagine"),
    ("other", "Amlou", "أملو", "Amlou"),
]
QUALIFIERS = [
    ("bio", "عضوي", "organic"),
    ("de thym", "بالزعتر", "thyme"),
    ("pressée à froid", "معصور على البارد", "cold-pressed"),
    ("de montagne", "جبلي", "mountain"),
    ("du Souss", "من سوس", "from Souss"),
    ("de Taliouine", "من تالوين", "from Taliouine"),
    ("artisanal", "تقليدي", "handmade"),
    ("extra vierge", "بكر ممتاز", "extra virgin"),
    ("de l'Atlas", "من الأطلس", "from the Atlas"),
    ("grillé", "محمص", "roasted"),
    ("aux amandes", "باللوز", "with almonds"),
    ("de Jbala", "من جبالة", "from Jbala"),
]
WORDS = [
    "coopérative",
    "femmes",
    "récolte",
    "terroir",
    "qualité",
    "tradition",
    "famille",
    "village",
    "douar",
    "saison",
]

QUERIES = [
    ("q=argan", {"query": "argan"}),
    ("q=huile olive", {"query": "huile olive"}),
    ("q=زيت", {"query": "زيت"}),
    ("q=miel thym", {"query": "miel thym"}),
    ("q=taliouine (rare)", {"query": "taliouine safran"}),
    ("category=honey", {"category": "honey"}),
    ("region + women-led", {"region": "souss-massa", "women_led": True}),
    ("price 50-150, sort price", {"price_min": Decimal(50), "price_max": Decimal(150),
                                  "sort": "price_asc"}),
    ("q=huile + category + sort price", {"query": "huile", "category": "olive-oil",
                                         "sort": "price_desc"}),
    ("no filter, newest", {}),
    ("no filter, page 20", {"page": 20}),
]  # fmt: skip


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def fill(session, products: int, seed: int) -> None:
    rng = random.Random(seed)
    regions = list(REGIONS)
    coops = []
    for i in range(max(10, products // 100)):
        members = rng.randint(5, 120)
        coops.append({
            "name": f"Coopérative {rng.choice(WORDS).capitalize()} {i}",
            "registration_number": f"RC-{i}", "region": rng.choice(regions),
            "commune": "Commune", "year_founded": rng.randint(1990, 2025),
            "members_count": members, "women_count": rng.randint(0, members),
            "youth_count": rng.randint(0, members), "story": "", "contact_phone": "",
            "contact_email": "", "created_at": START, "updated_at": START,
        })  # fmt: skip
    ids = session.scalars(insert(Cooperative).returning(Cooperative.id), coops).all()
    names = {cid: c["name"] for cid, c in zip(ids, coops, strict=True)}
    units = list(UNITS)
    batch = []
    for i in range(products):
        category, fr, ar, en = rng.choice(PRODUCTS)
        qfr, qar, qen = rng.choice(QUALIFIERS)
        title = {"fr": f"{fr} {qfr}", "ar": f"{ar} {qar}", "en": f"{qen} {en}"}
        description = {"fr": " ".join(rng.sample(WORDS, 5))}
        coop = rng.choice(ids)
        when = START + timedelta(minutes=i)
        document = normalise(" ".join([*title.values(), *description.values(), names[coop]]))
        batch.append({
            "cooperative_id": coop, "title": title, "description": description,
            "category": category, "price": Decimal(rng.randint(1000, 90000)) / 100,
            "unit": rng.choice(units), "quantity_available": rng.randint(0, 500),
            "minimum_order": rng.randint(1, 5), "published": rng.random() < 0.95,
            "published_at": when, "search_text": document, "created_at": when,
            "updated_at": when,
        })  # fmt: skip
        if len(batch) == 5000:
            session.execute(insert(Product), batch)
            batch = []
    if batch:
        session.execute(insert(Product), batch)
    session.commit()
    session.execute(text("ANALYZE"))
    session.commit()
    assert set(CATEGORIES) >= {p[0] for p in PRODUCTS}


def time_searches(app, session, runs: int) -> list[tuple[str, list[float], list[float], int]]:
    client = app.test_client()
    rows = []
    for label, params in QUERIES:
        filters = Filters(**params)
        url_args = {k: ("1" if v is True else str(v)) for k, v in params.items()}
        url_args = {("q" if k == "query" else k): v for k, v in url_args.items()}
        search(session, filters)  # warm-up
        client.get("/market/", query_string=url_args)
        function_ms, page_ms = [], []
        total = 0
        for _ in range(runs):
            start = time.perf_counter()
            total = search(session, filters).total
            function_ms.append((time.perf_counter() - start) * 1000)
            session.rollback()
            start = time.perf_counter()
            response = client.get("/market/", query_string=url_args)
            page_ms.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (label, response.status_code)
        rows.append((label, function_ms, page_ms, total))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args()

    name = f"taawun_mbench_{secrets.token_hex(4)}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        app = create_app({"DATABASE_URL": PG_URL.format(name=name), "SECRET_KEY": "bench",
                          "TESTING": True, "RATELIMIT_ENABLED": False})  # fmt: skip
        with app.app_context():
            migrations.upgrade(app)
            session = app.extensions["db_session"]()
            start = time.perf_counter()
            fill(session, args.products, args.seed)
            print(f"filled {args.products:,} products in {time.perf_counter() - start:.1f} s")
            rows = time_searches(app, session, args.runs)
            plan = session.execute(
                text(
                    "EXPLAIN SELECT count(*) FROM market_products WHERE "
                    "to_tsvector('simple'::regconfig, search_text) @@ "
                    "to_tsquery('simple'::regconfig, 'argan:*')"
                )  # fmt: skip
            ).scalars()
            uses_index = any("ix_market_products_search" in line for line in plan)
            session.rollback()
        app.extensions["db_engine"].dispose()
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    print(f"\n{args.runs} runs per search, times in ms; GIN index used: {uses_index}\n")
    print("| search | matches | function p50 | function p95 | page p50 | page p95 |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    all_function, all_page = [], []
    for label, function_ms, page_ms, total in rows:
        all_function += function_ms
        all_page += page_ms
        print(f"| {label} | {total:,} | {statistics.median(function_ms):.1f} | "
              f"{percentile(function_ms, 95):.1f} | {statistics.median(page_ms):.1f} | "
              f"{percentile(page_ms, 95):.1f} |")  # fmt: skip
    print(f"| **all searches** | | **{statistics.median(all_function):.1f}** | "
          f"**{percentile(all_function, 95):.1f}** | **{statistics.median(all_page):.1f}** | "
          f"**{percentile(all_page, 95):.1f}** |")  # fmt: skip
    verdict = "met" if percentile(all_page, 95) < 100 else "NOT met"
    print(f"\ntarget p95 < 100 ms for the whole page: {verdict}")


if __name__ == "__main__":
    main()
