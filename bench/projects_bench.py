"""Benchmark of the project bank's lists (showcase, review list, CSV) over many projects.

Run from the repository root:

    .venv/bin/python bench/projects_bench.py                      # SQLite, 5,000
    .venv/bin/python bench/projects_bench.py --postgresql --projects 20000

PostgreSQL mode creates a throwaway database on 127.0.0.1:5432 (user postgres) and drops it.
Pages are requested through Flask's test client, so times exclude the network.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, select, text

from lms.auth.services import create_user
from lms.regions import REGIONS
from projects.models import Project, Review
from projects.services import SECTORS
from tests.conftest import make_test_app

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
STATES = ["draft", "submitted", "under_review", "qualified", "incubated", "launched", "rejected"]
SCORES = {"viability": 4, "commitment": 3, "market": 4, "impact": 5, "inclusion": 4}


def fill(app, count: int, seed: int = 7) -> list[int]:
    rng = random.Random(seed)
    with app.app_context():
        session = app.extensions["db_session"]()
        holder = create_user(session, "bench-holder@example.org", "bench-password")
        coach = create_user(session, "bench-coach@example.org", "bench-password", roles=("coach",))
        session.flush()
        session.execute(Project.__table__.insert(), [
            dict(holder_id=holder.id, state=rng.choice(STATES), name=f"Projet {i}",
                 sector=rng.choice(list(SECTORS)), region=rng.choice(list(REGIONS)),
                 commune="Commune", members_count=10, members_women=rng.randint(0, 10),
                 members_youth=3, idea="Idée " * 30, products="Produits", expected_jobs=5,
                 funding_needed=Decimal(rng.randint(1000, 900000)), funding_sources=["indh"],
                 publish_consent=rng.random() < 0.7)
            for i in range(count)
        ])  # fmt: skip
        ids = list(session.scalars(select(Project.id).where(Project.state != "draft")))
        session.execute(Review.__table__.insert(), [
            dict(project_id=i, reviewer_id=coach.id, scores=SCORES, comment="ok")
            for i in ids[: len(ids) // 2]
        ])  # fmt: skip
        session.commit()
        app.extensions["db_session"].remove()
    return ids


def timed(client, path: str, runs: int) -> tuple[float, float, int]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    times.sort()
    return statistics.median(times), times[max(0, round(0.95 * len(times)) - 1)], len(response.data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--postgresql", action="store_true")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    name = f"taawun_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT") if args.postgresql else None
    if admin:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    else:
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
    try:
        app = make_test_app(url, folder)
        ids = fill(app, args.projects)
        client = app.test_client()
        regional = "/projects/showcase?region=souss-massa&sector=argan"
        pages = [("showcase, no filter", "/projects/showcase"),
                 ("showcase, region + sector", regional)]  # fmt: skip
        staff = [("review list, no filter", "/projects/review"),
                 ("review list, region + women + funding",
                  "/projects/review?region=souss-massa&women_min=50&funding_min=100000"),
                 ("review CSV, every project", "/projects/review.csv"),
                 ("one project page", f"/projects/{ids[0]}")]  # fmt: skip
        print(f"{args.projects} projects on {'PostgreSQL' if admin else 'SQLite'}")
        print("| page | p50 ms | p95 ms | KB |\n| --- | ---: | ---: | ---: |")
        for label, path in pages:
            p50, p95, size = timed(client, path, args.runs)
            print(f"| {label} | {p50:.0f} | {p95:.0f} | {size // 1024} |")
        client.post(
            "/login", data={"email": "bench-coach@example.org", "password": "bench-password"}
        )
        for label, path in staff:
            runs = 5 if path.endswith(".csv") else args.runs
            p50, p95, size = timed(client, path, runs)
            print(f"| {label} | {p50:.0f} | {p95:.0f} | {size // 1024} |")
        app.extensions["db_engine"].dispose()
    finally:
        if admin:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
