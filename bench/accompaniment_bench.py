"""Benchmark of the accompaniment programme view: 2,000 cooperatives, 6,000 diagnoses and
50,000 coaching sessions on PostgreSQL (target: the page's p95 under 300 ms of server time).

Run from the repository root (PostgreSQL on 127.0.0.1:5432, user postgres, trust auth):

    .venv/bin/python bench/accompaniment_bench.py
    .venv/bin/python bench/accompaniment_bench.py --cooperatives 200 --runs 5

It creates a throwaway database, migrates it, loads the diagnosis questionnaire from content/,
makes the cooperatives (12 regions, 10 sectors, mixed women/members), three completed diagnoses
each (entry, 6 and 12 months) with their axis scores, eight plan actions each in every status,
and the sessions, in bulk inserts. Then it times GET /accompaniment/programme as an admin
(Flask in-process, server time) and the CSV of each table. The database is dropped at the end.
"""

from __future__ import annotations

import argparse
import random
import secrets
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg
from sqlalchemy import insert, select, text

from accompaniment import programme, questionnaire
from accompaniment.models import (
    AxisScore,
    CoachingSession,
    Diagnosis,
    FollowedCooperative,
    PlanAction,
)
from lms import create_app, migrations
from lms.auth import sessions
from lms.auth.services import create_user
from lms.regions import REGIONS
from lms.sectors import SECTORS

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
BATCH = 5000
NOW = datetime.now(UTC)


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _insert(session, model, rows: list[dict]) -> None:
    for start in range(0, len(rows), BATCH):
        session.execute(insert(model), rows[start : start + BATCH])


def fill(session, cooperatives: int, diagnoses: int, sessions: int, seed: int) -> None:
    rng = random.Random(seed)
    parsed, faults = questionnaire.read(Path("content"), None)
    assert not faults, faults
    questionnaire.store(session, parsed)
    coach = create_user(session, "bench-coach@example.org", "bench-password-1", roles=("coach",))
    session.flush()
    regions, sectors = list(REGIONS), list(SECTORS)
    axes = [axis["id"] for axis in parsed[0].data["axes"]]
    coops = []
    for number in range(cooperatives):
        members = rng.randint(5, 60)
        coops.append({"name": f"Coopérative {number}", "region": rng.choice(regions),
                      "sector": rng.choice(sectors), "members_count": members,
                      "women_count": rng.randint(0, members),
                      "youth_count": rng.randint(0, members),
                      "language": rng.choice(("fr", "ar")), "programme": "Mourafaka",
                      "cohort": f"vague {number % 3 + 1}", "start_date": date(2025, 1, 1),
                      "horizon_months": 24, "coach_id": coach.id, "created_at": NOW})  # fmt: skip
    _insert(session, FollowedCooperative, coops)
    ids = list(session.scalars(FollowedCooperative.__table__.select().with_only_columns(
        FollowedCooperative.id)))  # fmt: skip
    months = (0, 6, 12, 24)
    rows = []
    per_coop = max(1, diagnoses // len(ids))
    for coop_id in ids:
        for month in months[:per_coop]:
            scores = {axis: rng.randint(10, 95) for axis in axes}
            rows.append({"cooperative_id": coop_id, "questionnaire_id": parsed[0].data["id"],
                         "month": month, "coach_id": coach.id, "started_at": NOW,
                         "completed_at": NOW, "axis_scores": scores, "strengths": "",
                         "weaknesses": "", "opportunities": "", "threats": ""})  # fmt: skip
    _insert(session, Diagnosis, rows)
    scores = [{"diagnosis_id": diagnosis_id, "cooperative_id": coop_id, "month": month,
               "axis": axis, "score": score}
              for diagnosis_id, coop_id, month, by_axis in session.execute(
                  select(Diagnosis.id, Diagnosis.cooperative_id, Diagnosis.month,
                         Diagnosis.axis_scores))
              for axis, score in by_axis.items()]  # fmt: skip
    _insert(session, AxisScore, scores)
    statuses = ("planned", "in-progress", "done", "dropped")
    actions = []
    for coop_id in ids:
        for index in range(8):
            due = date.today() + timedelta(days=rng.randint(-200, 200))
            status = statuses[index % 4]
            done_on = due + timedelta(days=rng.randint(-20, 20)) if status == "done" else None
            actions.append({"cooperative_id": coop_id, "axis": rng.choice(axes),
                            "title": f"Action {index}", "audience": "", "owner": "",
                            "due_on": due, "status": status, "published": True,
                            "done_on": done_on, "created_at": NOW})  # fmt: skip
    _insert(session, PlanAction, actions)
    held = []
    for _ in range(sessions):
        held.append({"cooperative_id": rng.choice(ids), "coach_id": coach.id,
                     "held_on": date.today() - timedelta(days=rng.randint(0, 700)),
                     "minutes": rng.choice((60, 90, 120)), "attendees": "", "topics": "Plan",
                     "next_steps": "", "notes": "", "action_ids": [],
                     "created_at": NOW})  # fmt: skip
    _insert(session, CoachingSession, held)
    session.commit()
    session.execute(text("ANALYZE"))
    session.commit()


def time_parts(session, runs: int) -> dict[str, list[float]]:
    """Each query of the page alone, to see where the time goes."""
    parts = {
        "part: groups by region and sector": lambda: programme.groups(session),
        "part: axis averages": lambda: programme.axis_averages(session),
        "part: action figures": lambda: programme.action_figures(session),
    }
    timings = {}
    for label, run in parts.items():
        run()
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            run()
            samples.append((time.perf_counter() - start) * 1000)
            session.rollback()
        timings[label] = samples
    return timings


def time_pages(app, admin_id: str, version: int, runs: int) -> dict[str, list[float]]:
    client = app.test_client()
    with client.session_transaction() as cookie:
        cookie["_user_id"] = admin_id
        cookie["_fresh"] = True
        sessions.stamp(cookie, version)
    urls = {"programme page": "/accompaniment/programme"}
    urls |= {f"CSV {t}": f"/accompaniment/programme?csv={t}"
             for t in ("regions", "sectors", "axes", "actions")}  # fmt: skip
    timings = {}
    for label, url in urls.items():
        assert client.get(url).status_code == 200, label  # warm-up
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (label, response.status_code)
        timings[label] = samples
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cooperatives", type=int, default=2000)
    parser.add_argument("--diagnoses", type=int, default=6000)
    parser.add_argument("--sessions", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()

    name = f"taawun_abench_{secrets.token_hex(4)}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as pg:
        pg.execute(f'CREATE DATABASE "{name}"')
    try:
        app = create_app({"DATABASE_URL": PG_URL.format(name=name), "SECRET_KEY": "bench",
                          "TESTING": True, "RATELIMIT_ENABLED": False})  # fmt: skip
        with app.app_context():
            migrations.upgrade(app)
            session = app.extensions["db_session"]()
            start = time.perf_counter()
            fill(session, args.cooperatives, args.diagnoses, args.sessions, args.seed)
            admin = create_user(session, "bench-admin@example.org", "bench-password-1",
                                roles=("admin",))  # fmt: skip
            session.commit()
            print(f"filled {args.cooperatives:,} cooperatives, {args.diagnoses:,} diagnoses, "
                  f"{args.sessions:,} sessions in {time.perf_counter() - start:.1f} s")  # fmt: skip
            timings = time_parts(session, args.runs)
            admin_id, version = admin.public_id, admin.session_version
            app.extensions["db_session"].remove()
            timings |= time_pages(app, admin_id, version, args.runs)
        app.extensions["db_engine"].dispose()
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as pg:
            pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    print(f"\n{args.runs} runs per page, server time in ms\n")
    print("| page | p50 | p95 |")
    print("| --- | ---: | ---: |")
    for label, samples in timings.items():
        print(f"| {label} | {statistics.median(samples):.1f} | {percentile(samples, 95):.1f} |")
    p95 = percentile(timings["programme page"], 95)
    print(f"\ntarget p95 < 300 ms for the programme page: {'met' if p95 < 300 else 'NOT met'}")


if __name__ == "__main__":
    main()
