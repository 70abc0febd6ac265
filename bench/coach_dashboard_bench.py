"""Benchmark of the coach dashboard: a cohort of 500 learners and 200,000 statements on PostgreSQL
(target: the dashboard page under 300 ms of server time).

Run from the repository root (PostgreSQL on 127.0.0.1:5432, user postgres, trust auth):

    .venv/bin/python bench/coach_dashboard_bench.py
    PYTHONPATH=. python bench/coach_dashboard_bench.py --learners 50 --statements 20000 --runs 5

It creates a throwaway database (taawun_cbench_<random>), migrates it like `lms init-db`, loads
the real courses from content/, makes the learners (half women, mixed ages, 12 regions), a trainer,
a coach and one Think.COOP cohort holding every learner. Each learner's statements are generated
as the course player writes them (launched, experienced pages, progressed, answered questions,
passed/failed quizzes, completed modules and course; a registration per learner; timestamps over
60 days, some learners idle for weeks) and stored through the LRS's own `store_statements`; the
courses projection is folded from the same events in memory, the coaching tallies rebuilt from
the LRS as `lms coaching-tallies` does. Then it times GET /coach/cohorts/<id> as the
coach (Flask in-process, server time only: wall and the process's CPU time, SQL queries per
request, load average) and the three parts of the dashboard separately. Before timing, the
objects loaded so far are frozen out of the garbage collector as `lms serve` does before forking
its workers (`--no-freeze` to time without). The database is dropped at the end.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta

import psycopg
from sqlalchemy import insert, select

from lms import create_app, migrations
from lms.auth import sessions
from lms.auth.models import User, UserRole
from lms.coaching import dashboard
from lms.coaching.models import CoachAssignment
from lms.cohorts.models import Cohort, CohortMember
from lms.courses.loader import load_content
from lms.courses.models import Course, CourseProgress, ModuleProgress
from lms.regions import REGIONS
from lms.xapi import recorder
from lms.xapi.vocabulary import ACTIVITY_TYPES, VERBS

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
COURSE = "think-coop"
NOW = datetime.now(UTC)
BATCH = 1000


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=500)
    parser.add_argument("--statements", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument(
        "--no-freeze",
        action="store_true",
        help="do not freeze the loaded objects out of the garbage collector (lms serve does)",
    )
    return parser.parse_args()


class Player:
    """Writes one learner's statements as lms.courses.statements does, and folds the projection."""

    def __init__(self, base: str, course, user_row, rng: random.Random):
        self.base, self.course, self.rng = base, course, rng
        self.user_id, self.public_id = user_row
        self.registration = str(uuid.uuid4())
        self.statements: list[dict] = []
        self.modules: dict = {}
        self.course_row = None

    def iri(self, *parts):
        return "/".join([self.base, "courses", COURSE, *parts])

    def activity(self, iri, kind, name):
        return {
            "objectType": "Activity",
            "id": iri,
            "definition": {"type": ACTIVITY_TYPES[kind], "name": name},
        }

    def emit(self, verb, obj, when, result=None, parent=None, grouping=None):
        context = {
            "registration": self.registration,
            "platform": "Taawun",
            "language": "fr",
            "contextActivities": {},
        }
        if parent:
            context["contextActivities"]["parent"] = parent
        if grouping:
            context["contextActivities"]["grouping"] = grouping
        stmt = {
            "id": str(uuid.uuid4()),
            "actor": {
                "objectType": "Agent",
                "account": {"homePage": self.base, "name": self.public_id},
            },
            "verb": {"id": VERBS[verb][0], "display": VERBS[verb][1]},
            "object": obj,
            "context": context,
            "timestamp": when.isoformat(),
        }
        if result:
            stmt["result"] = result
        self.statements.append(stmt)
        self.fold(verb, obj["id"], when, result or {})

    def fold(self, verb, object_id, when, result):
        """The same rules as lms.courses.progress.apply, in memory."""
        row = self.course_row
        if row is None:
            row = self.course_row = {
                "user_id": self.user_id,
                "course_id": COURSE,
                "registration": self.registration,
                "enrolled_at": when,
                "completed": False,
                "completed_at": None,
                "last_activity": when,
                "last_module": None,
                "last_page": None,
            }
        row["last_activity"] = max(row["last_activity"], when)
        parts = object_id.split("/courses/" + COURSE)[1].strip("/").split("/")
        if parts == [""]:
            if verb == "completed":
                row["completed"], row["completed_at"] = True, when
            return
        module_id = parts[1]
        mod = self.modules.setdefault(
            module_id,
            {
                "user_id": self.user_id,
                "course_id": COURSE,
                "module_id": module_id,
                "pages_seen": [],
                "quiz_best": None,
                "quiz_attempts": 0,
                "quiz_passed": False,
                "completed": False,
                "last_activity": when,
                "last_page": None,
            },
        )
        mod["last_activity"] = max(mod["last_activity"], when)
        rest = parts[2:]
        if rest[:1] == ["pages"] and verb == "experienced":
            if rest[1] not in mod["pages_seen"]:
                mod["pages_seen"].append(rest[1])
            mod["last_page"] = rest[1]
            row["last_module"], row["last_page"] = module_id, rest[1]
        elif rest == ["quiz"] and verb in ("passed", "failed"):
            mod["quiz_attempts"] += 1
            scaled = result["score"]["scaled"]
            mod["quiz_best"] = max(mod["quiz_best"] or 0.0, scaled)
            mod["quiz_passed"] = mod["quiz_passed"] or verb == "passed"
        elif not rest and verb == "completed":
            mod["completed"] = True

    def play(self, budget: int, difficulty: dict):
        rng, course = self.rng, self.course
        course_act = self.activity(self.iri(), "course", course.title)
        idle = rng.random() < 0.12  # stopped weeks ago
        start = NOW - timedelta(days=rng.uniform(20 if idle else 1, 60))
        end = NOW - timedelta(days=rng.uniform(15, 40)) if idle else NOW
        reach = rng.choices(range(1, len(course.modules) + 1), weights=[2, 2, 2, 2, 3])[0]
        span = (end - start).total_seconds()

        def when(fraction):
            return start + timedelta(seconds=span * min(fraction, 1.0))

        self.emit("launched", course_act, when(0))
        steps = 0
        total_steps = reach * 3
        for module in course.modules[:reach]:
            m_act = self.activity(self.iri("modules", module.id), "module", module.title)
            for page in module.pages:
                steps += 0.5
                page_act = self.activity(
                    self.iri("modules", module.id, "pages", page.id), "lesson", page.title
                )
                for _ in range(rng.choice((1, 1, 2))):
                    t = when(steps / total_steps)
                    self.emit("experienced", page_act, t, parent=[m_act], grouping=[course_act])
                    self.emit(
                        "progressed",
                        course_act,
                        t,
                        result={
                            "extensions": {
                                "https://w3id.org/xapi/cmi5/result/extensions/progress": 10
                            }
                        },
                    )
            quiz_act = self.activity(
                self.iri("modules", module.id, "quiz"), "assessment", module.title
            )
            questions = module.quiz.get("questions", [])
            for _attempt in range(3):
                steps += 0.5
                t = when(steps / total_steps)
                right = 0
                for q in questions:
                    ok = rng.random() > difficulty[(module.id, q["id"])]
                    right += ok
                    q_act = self.activity(
                        self.iri("modules", module.id, "quiz", "questions", q["id"]),
                        "interaction",
                        q["prompt"],
                    )
                    self.emit(
                        "answered",
                        q_act,
                        t,
                        result={"success": ok, "response": "x"},
                        parent=[quiz_act],
                        grouping=[course_act, m_act],
                    )
                scaled = right / len(questions) if questions else 1.0
                passed = scaled >= 0.7
                self.emit(
                    "passed" if passed else "failed",
                    quiz_act,
                    t,
                    result={
                        "score": {
                            "scaled": round(scaled, 4),
                            "raw": right,
                            "min": 0,
                            "max": len(questions),
                        },
                        "success": passed,
                        "completion": True,
                    },
                    parent=[m_act],
                    grouping=[course_act],
                )
                if passed:
                    break
            steps += 1
            mod = self.modules[module.id]
            if mod["quiz_passed"] and len(mod["pages_seen"]) == len(module.pages):
                self.emit(
                    "completed",
                    m_act,
                    when(steps / total_steps),
                    result={"completion": True},
                    parent=[course_act],
                )
        if all(self.modules.get(m.id, {}).get("completed") for m in course.modules):
            self.emit("completed", course_act, when(1.0), result={"completion": True})
        # the rest of the learner's share: reading pages again on other days
        reached = course.modules[:reach]
        while len(self.statements) < budget:
            module = rng.choice(reached)
            page = rng.choice(module.pages)
            m_act = self.activity(self.iri("modules", module.id), "module", module.title)
            page_act = self.activity(
                self.iri("modules", module.id, "pages", page.id), "lesson", page.title
            )
            self.emit(
                "experienced", page_act, when(rng.random()), parent=[m_act], grouping=[course_act]
            )
        del self.statements[budget:]


def make_people(session, count: int, rng: random.Random):
    regions = list(REGIONS)
    rows = []
    for i in range(count):
        rows.append(
            {
                "public_id": uuid.uuid4().hex,
                "email": f"learner{i}@bench.example.org",
                "password_hash": "x",
                "display_name": f"Apprenante {i:03d}",
                "gender": "female" if i % 2 else "male",
                "birth_year": rng.randint(1965, 2008),
                "region": regions[i % len(regions)],
                "active": True,
                "created_at": NOW - timedelta(days=rng.randint(0, 90)),
            }
        )
    session.execute(insert(User), rows)
    learners = session.execute(
        select(User.id, User.public_id).where(User.email.like("learner%@bench.example.org"))
    ).all()
    session.execute(insert(UserRole), [{"user_id": uid, "role": "learner"} for uid, _p in learners])
    staff = {}
    for role in ("trainer", "coach", "admin"):
        user = User(
            public_id=uuid.uuid4().hex,
            email=f"{role}@bench.example.org",
            password_hash="x",
            display_name=role.title(),
        )
        session.add(user)
        session.flush()
        session.add(UserRole(user_id=user.id, role=role))
        staff[role] = user
    return learners, staff


def main():
    args = parse_args()
    name = f"taawun_cbench_{secrets.token_hex(4)}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    print(f"database {name}")
    try:
        run(args, name)
    finally:
        if not args.keep_db:
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(args, name):  # noqa: PLR0915 (one scripted sitting, top to bottom)
    from pathlib import Path

    print(f"load average before: {os.getloadavg()[0]:.1f}")
    app = create_app(
        {
            "DATABASE_URL": PG_URL.format(name=name),
            "SECRET_KEY": "bench",
            "BASE_URL": "http://taawun.bench",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "TESTING": True,
            "COACHING_SETTLE_SECONDS": 0,
        }
    )
    rng = random.Random(2026)
    with app.test_request_context():
        migrations.upgrade(app)
        session = app.extensions["db_session"]()
        load_content(session, Path(__file__).resolve().parents[1] / "content")
        learners, staff = make_people(session, args.learners, rng)
        learners = [tuple(row) for row in learners]
        cohort = Cohort(
            code="BENCH7",
            name="Cohorte banc d'essai",
            trainer_id=staff["trainer"].id,
            course_ids=[COURSE],
            region="souss-massa",
            place="Agadir",
        )
        session.add(cohort)
        session.flush()
        session.execute(
            insert(CohortMember), [{"cohort_id": cohort.id, "user_id": uid} for uid, _p in learners]
        )
        session.add(CoachAssignment(coach_id=staff["coach"].id, cohort_id=cohort.id))
        session.commit()
        course = session.get(Course, COURSE)
        difficulty = {
            (m.id, q["id"]): rng.uniform(0.05, 0.6)
            for m in course.modules
            for q in m.quiz.get("questions", [])
        }
        from xapi_store import api

        per_learner = args.statements // len(learners)
        started = time.perf_counter()
        stored = 0
        pending: list[dict] = []
        course_rows, module_rows = [], []
        for user_row in learners:
            player = Player(app.config["BASE_URL"], course, user_row, rng)
            player.play(per_learner, difficulty)
            pending.extend(player.statements)
            course_rows.append(player.course_row)
            module_rows.extend(player.modules.values())
            while len(pending) >= BATCH:
                api.store_statements(session, pending[:BATCH], authority=recorder.authority())
                session.commit()
                stored += BATCH
                del pending[:BATCH]
                if stored % 20_000 == 0:
                    rate = stored / (time.perf_counter() - started)
                    print(f"  {stored:,} statements stored ({rate:,.0f}/s)", flush=True)
        if pending:
            api.store_statements(session, pending, authority=recorder.authority())
            stored += len(pending)
        session.execute(insert(CourseProgress), course_rows)
        session.execute(insert(ModuleProgress), module_rows)
        session.commit()
        seconds = time.perf_counter() - started
        print(f"{stored:,} statements for {len(learners)} learners stored in {seconds:.1f} s")
        session.execute(__import__("sqlalchemy").text("ANALYZE"))
        session.commit()
        cohort_id, coach = cohort.id, staff["coach"]
        from lms.coaching import tallies

        t0 = time.perf_counter()
        folded = recorder.rebuild_projections(session, [tallies.NAME])
        session.commit()
        print(
            f"coaching tallies rebuilt from the LRS: {folded:,} statements read in "
            f"{time.perf_counter() - t0:.1f} s (lms coaching-tallies; the player folds online)"
        )
        # statistics for the tallies just written, as autovacuum would take (off on this machine)
        session.execute(__import__("sqlalchemy").text("ANALYZE"))
        session.commit()
        app.extensions["db_session"].remove()

    queries = []
    __import__("sqlalchemy").event.listen(
        app.extensions["db_engine"],
        "before_cursor_execute",
        lambda *_args: queries.append(1),
    )
    if not args.no_freeze:
        from lms.cli import freeze_loaded_objects

        freeze_loaded_objects()

    client = app.test_client()
    with client.session_transaction() as s:
        s["_user_id"] = coach.public_id
        s["_fresh"] = True
        sessions.stamp(s, coach.session_version)
    url = f"/coach/cohorts/{cohort_id}"
    first = client.get(url)
    assert first.status_code == 200, first.status_code
    body = first.get_data(as_text=True)
    timings, cpu = [], []
    load = os.getloadavg()[0]
    for _ in range(args.runs):
        queries.clear()
        t0, c0 = time.perf_counter(), time.process_time()
        response = client.get(url)
        timings.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        assert response.status_code == 200
    print(
        f"GET {url} ({len(body) // 1024} KiB of HTML), {args.runs} runs: "
        f"p50 {statistics.median(timings):.0f} ms, p95 {percentile(timings, 95):.0f} ms, "
        f"max {max(timings):.0f} ms; Python CPU time p50 {statistics.median(cpu):.0f} ms, "
        f"p95 {percentile(cpu, 95):.0f} ms; {len(queries)} SQL queries a request; "
        f"load average {load:.1f} before, {os.getloadavg()[0]:.1f} after"
    )
    # a day of activity between two visits, recorded as the player records it: stored and
    # folded into the projections (progress, tallies) in the learners' own transactions
    with app.test_request_context():
        session = app.extensions["db_session"]()
        course = session.get(Course, COURSE)
        extra = []
        for user_row in learners[:20]:
            player = Player(app.config["BASE_URL"], course, user_row, rng)
            player.play(50, difficulty)
            extra.extend(player.statements)
        t0, c0 = time.perf_counter(), time.process_time()
        for start in range(0, len(extra), 10):  # a request records a few statements
            recorder.record_many(extra[start : start + 10], session)
        session.commit()
        print(
            f"{len(extra):,} statements recorded and folded online, 10 a transaction: "
            f"{(time.perf_counter() - t0) * 1000 / len(extra):.2f} ms a statement, CPU "
            f"{(time.process_time() - c0) * 1000 / len(extra):.2f} ms"
        )
        app.extensions["db_session"].remove()
    queries.clear()
    t0, c0 = time.perf_counter(), time.process_time()
    assert client.get(url).status_code == 200
    print(
        f"GET after {len(extra):,} new statements: "
        f"{(time.perf_counter() - t0) * 1000:.0f} ms, CPU {(time.process_time() - c0) * 1000:.0f}"
        f" ms, {len(queries)} SQL queries; load average {os.getloadavg()[0]:.1f}"
    )

    with app.test_request_context():
        session = app.extensions["db_session"]()
        cohort = session.get(Cohort, cohort_id)
        members = [m.user for m in cohort.members]
        parts = {
            "course_statuses (projection)": lambda: dashboard.catalog.statuses(
                [u.id for u in members], COURSE
            ),
            "questions_missed (tallies)": lambda: dashboard.questions_missed(
                session, members, session.get(Course, COURSE)
            ),
            "stuck_pages (tallies)": lambda: dashboard.stuck_pages(
                session, members, COURSE, NOW - timedelta(days=14)
            ),
            "dashboard.build (all)": lambda: dashboard.build(session, cohort, COURSE),
        }
        for label, fn in parts.items():
            runs = []
            for _ in range(max(5, args.runs // 2)):
                t0 = time.perf_counter()
                found = fn()
                runs.append((time.perf_counter() - t0) * 1000)
            print(f"  {label}: p50 {statistics.median(runs):.0f} ms")
        board = dashboard.build(session, cohort, COURSE)
        print(f"  figures: {board.figures}")
        print(
            f"  needing help: {len(board.needing_help)}, questions ranked: {len(found.questions)}"
        )
        app.extensions["db_session"].remove()
    app.extensions["db_engine"].dispose()


def percentile(values, pct):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


if __name__ == "__main__":
    main()
