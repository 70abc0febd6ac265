"""Benchmark of Taawun's LRS (xapi_store) beside ralph-malph and raw PostgreSQL inserts.

Run from the repository root (PostgreSQL on 127.0.0.1:5432, user postgres, trust auth):

    .venv/bin/python bench/lrs_bench.py              # 100,000 statements
    .venv/bin/python bench/lrs_bench.py --quick      # 5,000, a smoke run
    .venv/bin/python bench/lrs_bench.py --million --json /tmp/lrs.json

It creates a throwaway database (taawun_bench_<random>), migrates it with `lms init-db`, serves
the LMS with `lms serve` (gunicorn, the hosted configuration: the LRS at /xapi/) on a free port,
and drops the database at the end. The same seeded statements, in the same batches of 100 sent by
the same 2 concurrent clients, go to ralph-malph 5.1.0 (filesystem backend) when its virtualenv
exists, and as raw rows into an indexed JSONB table (COPY, then batched INSERT), so the figures
are ratios measured in one sitting. ralph lives in its own virtualenv, never in the project's:

    python3 -m venv /tmp/ralph-venv
    /tmp/ralph-venv/bin/pip install 'ralph-malph[lrs,cli]==5.1.0' requests
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from array import array
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import requests

from lms.cli import default_workers
from lms.xapi.vocabulary import ACTIVITY_TYPES, PLATFORM, VERBS

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_URL = "postgresql://postgres@127.0.0.1:5432/{name}"
PG_SQLALCHEMY = "postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
RALPH_VENV = Path("/tmp/ralph-venv")
RALPH_APP_DIR = Path("/work/shared/tools")  # ralph_fs_append.py: makes the fs backend append
VERSION_HEADER = {"X-Experience-API-Version": "1.0.3"}
BASE = "https://taawun.example.org"
START = datetime(2026, 5, 1, tzinfo=UTC)
SPREAD_DAYS = 180
COURSES = ["think-coop", "start-coop", "my-coop", "market-coop", "women-coop", "digital-coop"]
MODULES, PAGES, QUESTIONS = 7, 5, 4
# (verb key, object level, share of statements): what learners do in Taawun's courses.
KINDS = [
    ("experienced", "page", 0.50),
    ("answered", "question", 0.24),
    ("progressed", "module", 0.08),
    ("launched", "module", 0.05),
    ("completed", "module", 0.05),
    ("passed", "module", 0.04),
    ("failed", "module", 0.02),
    ("completed", "course", 0.01),
    ("registered", "course", 0.01),
]
VERB_KEYS = sorted({kind[0] for kind in KINDS})


# --- the statements -------------------------------------------------------------------------


@dataclass
class Catalog:
    """Every activity of the fake courses: its IRI, type key, name and parents (indexes)."""

    iris: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    parent: list[int] = field(default_factory=list)
    grouping: list[int] = field(default_factory=list)
    index: dict[tuple, int] = field(default_factory=dict)

    def add(self, key: tuple, iri: str, type_key: str, parent=-1, grouping=-1) -> int:
        self.index[key] = len(self.iris)
        self.iris.append(iri)
        self.types.append(type_key)
        self.parent.append(parent)
        self.grouping.append(grouping)
        return self.index[key]


def make_catalog() -> Catalog:
    catalog = Catalog()
    for c, slug in enumerate(COURSES):
        course = catalog.add(("course", c), f"{BASE}/courses/{slug}", "course")
        for m in range(MODULES):
            module_iri = f"{BASE}/courses/{slug}/modules/{m + 1}"
            module = catalog.add(("module", c, m), module_iri, "module", course)
            for p in range(PAGES):
                iri = f"{module_iri}/pages/{p + 1}"
                catalog.add(("page", c, m, p), iri, "lesson", module, course)
            for q in range(QUESTIONS):
                iri = f"{module_iri}/quiz/questions/{q + 1}"
                catalog.add(("question", c, m, q), iri, "interaction", module, course)
    return catalog


@dataclass
class Plan:
    """What each generated statement says, as compact integer arrays (index = statement)."""

    seed: int
    learners: int
    learner: array = field(default_factory=lambda: array("i"))
    course: array = field(default_factory=lambda: array("b"))
    verb: array = field(default_factory=lambda: array("b"))
    obj: array = field(default_factory=lambda: array("i"))
    seconds: array = field(default_factory=lambda: array("i"))
    extra: array = field(default_factory=lambda: array("i"))

    def __len__(self) -> int:
        return len(self.learner)

    def registration(self, i: int) -> str:
        return registration_id(self.seed, self.learner[i], self.course[i])

    def statement_id(self, i: int) -> str:
        return f"{0x5EED0000 + self.seed:08x}-0000-4000-8000-{i:012x}"


def registration_id(seed: int, learner: int, course: int) -> str:
    return f"{0x5EED0000 + seed:08x}-0000-4000-a{course:03x}-{learner:012x}"


def index_of(statement_id: str) -> int:
    return int(statement_id[-12:], 16)


def make_plan(n: int, seed: int, catalog: Catalog) -> Plan:
    rng = random.Random(seed)
    plan = Plan(seed=seed, learners=max(50, n // 100))
    weights = [kind[2] for kind in KINDS]
    for _ in range(n):
        learner = rng.randrange(plan.learners)
        course = (learner + rng.choice((0, 0, 1, 2))) % len(COURSES)
        k = rng.choices(range(len(KINDS)), weights)[0]
        verb_key, level, _share = KINDS[k]
        module = rng.randrange(MODULES)
        key = {
            "page": ("page", course, module, rng.randrange(PAGES)),
            "question": ("question", course, module, rng.randrange(QUESTIONS)),
            "module": ("module", course, module),
            "course": ("course", course),
        }[level]
        plan.learner.append(learner)
        plan.course.append(course)
        plan.verb.append(VERB_KEYS.index(verb_key))
        plan.obj.append(catalog.index[key])
        plan.seconds.append(rng.randrange(SPREAD_DAYS * 86400))
        plan.extra.append(rng.randrange(1000))
    return plan


def agent(learner: int) -> dict:
    return {"objectType": "Agent", "account": {"homePage": BASE, "name": f"u{learner:07d}"}}


def activity(catalog: Catalog, a: int, full: bool) -> dict:
    type_key = catalog.types[a]
    definition = {"type": ACTIVITY_TYPES[type_key]}
    if full:
        name = catalog.iris[a].removeprefix(f"{BASE}/courses/")
        definition["name"] = {"fr": name, "ar": name, "en": name}
        if type_key == "interaction":
            definition["interactionType"] = "true-false"
            definition["correctResponsesPattern"] = ["true"]
    return {"objectType": "Activity", "id": catalog.iris[a], "definition": definition}


def result(verb_key: str, extra: int) -> dict | None:
    if verb_key == "answered":
        success = extra % 3 != 0
        return {
            "success": success,
            "response": "true" if success else "false",
            "duration": f"PT{5 + extra % 90}S",
        }
    if verb_key in ("passed", "failed"):
        raw = 50 + extra % 51 if verb_key == "passed" else extra % 50
        return {
            "score": {"scaled": raw / 100, "raw": raw, "min": 0, "max": 100},
            "success": verb_key == "passed",
            "completion": True,
        }
    if verb_key == "progressed":
        return {
            "extensions": {"https://w3id.org/xapi/cmi5/result/extensions/progress": extra % 101}
        }
    if verb_key == "completed":
        return {"completion": True, "duration": f"PT{extra}M"}
    return None


def statement(plan: Plan, catalog: Catalog, i: int) -> dict:
    verb_key = VERB_KEYS[plan.verb[i]]
    verb_iri, display = VERBS[verb_key]
    a = plan.obj[i]
    context = {
        "registration": plan.registration(i),
        "platform": PLATFORM,
        "language": ("fr", "ar", "en")[plan.extra[i] % 3],
    }
    activities = {}
    if catalog.parent[a] >= 0:
        activities["parent"] = [activity(catalog, catalog.parent[a], full=False)]
    if catalog.grouping[a] >= 0:
        activities["grouping"] = [activity(catalog, catalog.grouping[a], full=False)]
    if activities:
        context["contextActivities"] = activities
    body = {
        "id": plan.statement_id(i),
        "actor": agent(plan.learner[i]),
        "verb": {"id": verb_iri, "display": display},
        "object": activity(catalog, a, full=True),
        "context": context,
        "timestamp": (START + timedelta(seconds=plan.seconds[i])).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    if (outcome := result(verb_key, plan.extra[i])) is not None:
        body["result"] = outcome
    return body


def serialize(plan: Plan, catalog: Catalog) -> list[bytes]:
    """Every statement as JSON bytes, built before any clock starts."""
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    return [dumps(statement(plan, catalog, i)).encode() for i in range(len(plan))]


def batch_bodies(rows: list[bytes], size: int) -> list[bytes]:
    return [b"[" + b",".join(rows[i : i + size]) + b"]" for i in range(0, len(rows), size)]


# --- what each query must answer --------------------------------------------------------------


@dataclass
class Expected:
    """Statement indexes by filter value, to judge every answer."""

    agent_verb: dict = field(default_factory=lambda: defaultdict(list))
    activity: dict = field(default_factory=lambda: defaultdict(list))
    registration: dict = field(default_factory=lambda: defaultdict(list))
    verb: dict = field(default_factory=lambda: defaultdict(list))
    related: dict = field(default_factory=lambda: defaultdict(list))


def expected_sets(plan: Plan, catalog: Catalog) -> Expected:
    found = Expected()
    for i in range(len(plan)):
        a = plan.obj[i]
        found.agent_verb[(plan.learner[i], plan.verb[i])].append(i)
        found.activity[a].append(i)
        found.registration[(plan.learner[i], plan.course[i])].append(i)
        found.verb[plan.verb[i]].append(i)
        for related in (a, catalog.parent[a], catalog.grouping[a]):
            if related >= 0:
                found.related[related].append(i)
    return found


@dataclass
class Query:
    kind: str
    params: dict
    expected: frozenset


def make_queries(plan, catalog, found, stored, count, seed, upto) -> list[Query]:
    """`count` queries of each kind; `stored` (epoch ms by index) picks `since` values; only
    statements with index < `upto` were sent to the LRS under test."""
    rng = random.Random(seed + 1)
    keep = lambda ids: frozenset(i for i in ids if i < upto)  # noqa: E731
    moments = sorted(stored.values())
    queries = []
    for _ in range(count):
        i = rng.randrange(upto)
        learner, verb, a = plan.learner[i], plan.verb[i], plan.obj[i]
        verb_iri = VERBS[VERB_KEYS[verb]][0]
        queries.append(
            Query(
                "agent+verb",
                {"agent": json.dumps(agent(learner)), "verb": verb_iri},
                keep(found.agent_verb[(learner, verb)]),
            )
        )
        since = moments[rng.randrange(len(moments) // 4, 3 * len(moments) // 4)]
        queries.append(
            Query(
                "activity+since",
                {"activity": catalog.iris[a], "since": iso_ms(since)},
                keep(j for j in found.activity[a] if stored.get(j, 0) > since),
            )
        )
        queries.append(
            Query(
                "registration",
                {"registration": plan.registration(i)},
                keep(found.registration[(learner, plan.course[i])]),
            )
        )
        rare = rng.randrange(len(VERB_KEYS))
        queries.append(Query("verb", {"verb": VERBS[VERB_KEYS[rare]][0]}, keep(found.verb[rare])))
        module = catalog.parent[a] if catalog.types[a] in ("lesson", "interaction") else a
        queries.append(
            Query(
                "related_activities",
                {"activity": catalog.iris[module], "related_activities": "true"},
                keep(found.related[module]),
            )
        )
    return queries


def iso_ms(epoch_ms: int) -> str:
    moment = datetime.fromtimestamp(epoch_ms / 1000, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{epoch_ms % 1000:03d}Z"


def epoch_ms(text: str) -> int:
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


# --- processes, ports, memory -----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def process_tree(root: int) -> list[int]:
    """The root process and its descendants (gunicorn's master and workers)."""
    children = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int(entry.joinpath("stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children[ppid].append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo += children[pid]
    return tree


class MemorySampler:
    """Samples the summed RSS (MiB) of a process tree in the background, per phase."""

    def __init__(self, root_pid: int, interval: float = 0.25):
        self.root, self.interval = root_pid, interval
        self.samples: dict[str, list[float]] = defaultdict(list)
        self.phase = "idle"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def sample(self) -> float:
        mib = sum(rss_kib(pid) for pid in process_tree(self.root)) / 1024
        self.samples[self.phase].append(mib)
        return mib

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *_exc):
        self._stop.set()
        self._thread.join()

    def summary(self) -> dict:
        return {
            phase: {"first": round(v[0], 1), "max": round(max(v), 1), "last": round(v[-1], 1)}
            for phase, v in self.samples.items()
            if v
        }


def wait_ready(url: str, process: subprocess.Popen, log: Path, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"server exited early; its log:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(url, headers=VERSION_HEADER, timeout=5).status_code < 500:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.2)
    sys.exit(f"server not ready after {seconds}s; log: {log}")


def stop(process: subprocess.Popen):
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def throwaway_database(tag: str, keep: bool = False):
    name = f"taawun_bench_{secrets.token_hex(4)}{tag}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        if keep:
            print(f"database kept: {name} (drop it yourself)", flush=True)
        else:
            with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Lrs:
    """An LRS under test: where its statements resource is, and its credentials."""

    name: str
    origin: str
    path: str
    auth: tuple[str, str]
    process: subprocess.Popen
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def died(self) -> str:
        """Why the server stopped answering: its exit status and the end of its log."""
        try:
            status = self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            status = None
        how = {None: "is still running"}.get(status, f"exited with status {status}")
        if status is not None and status < 0:
            how += f" (killed by signal {-status})"
        tail = self.log.read_text(errors="replace")[-1500:]
        return f"{self.name} stopped answering: its server {how}; end of its log:\n{tail}"

    def url(self, more: str | None = None) -> str:
        return self.origin + (more if more else self.path)


def serve_command(lms: list[str], env: dict, gunicorn: bool) -> list[str]:
    """`lms serve`, or the same gunicorn settings spelt out (a command line that a
    `pkill -f "lms serve"` run by someone else on the machine does not match)."""
    if not gunicorn:
        return [*lms, "serve"]
    bind = f"127.0.0.1:{env['LMS_PORT']}"
    return [sys.executable, "-m", "gunicorn", "--bind", bind, "--workers", env["LMS_WORKERS"],
            "--threads", "4", "--access-logfile", "-", "lms:create_app()"]  # fmt: skip


@contextmanager
def taawun_server(workers: int, workdir: Path, keep_db: bool = False, gunicorn: bool = False):
    """The LMS migrated on a throwaway database and served by `lms serve` (gunicorn)."""
    with throwaway_database("", keep_db) as name:
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "LMS_SECRET_KEY": "bench",
            "LMS_DATABASE_URL": PG_SQLALCHEMY.format(name=name),
            "LMS_PORT": str(free_port()),
            "LMS_WORKERS": str(workers),
        }
        lms = [sys.executable, "-m", "lms"]
        subprocess.run([*lms, "init-db"], env=env, cwd=ROOT, check=True, capture_output=True)
        created = subprocess.run(
            [*lms, "lrs-client", "create", "bench", "--scope", "all"],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        credential = json.loads(created.stdout.strip().splitlines()[-1])
        log = workdir / "taawun-server.log"
        with log.open("w") as out:
            process = subprocess.Popen(
                serve_command(lms, env, gunicorn), env=env, cwd=ROOT, stdout=out, stderr=out
            )
        origin = f"http://127.0.0.1:{env['LMS_PORT']}"
        try:
            wait_ready(origin + "/xapi/about", process, log)
            auth = (credential["key"], credential["secret"])
            yield Lrs("taawun", origin, "/xapi/statements", auth, process, log), name
        finally:
            stop(process)


def ralph_missing() -> str | None:
    if (RALPH_VENV / "bin" / "uvicorn").exists() and (RALPH_VENV / "bin" / "ralph").exists():
        return None
    return (
        f"ralph-malph skipped: no virtualenv at {RALPH_VENV}. Create it (outside the project):\n"
        f"    python3 -m venv {RALPH_VENV}\n"
        f"    {RALPH_VENV}/bin/pip install 'ralph-malph[lrs,cli]==5.1.0' requests"
    )


@contextmanager
def ralph_server(workdir: Path):
    """ralph-malph's filesystem LRS under uvicorn, as REFERENCE-LRS.md describes."""
    home = workdir / "ralph"
    data = home / "data"
    data.mkdir(parents=True)
    env = {
        **os.environ,
        "RALPH_APP_DIR": str(home / "app"),
        "RALPH_RUNSERVER_BACKEND": "fs",
        "RALPH_AUTH_FILE": str(home / "auth.json"),
        "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(data),
    }
    env.pop("PYTHONPATH", None)
    password = secrets.token_hex(8)
    subprocess.run(
        [
            str(RALPH_VENV / "bin" / "ralph"),
            "auth",
            "-u",
            "bench",
            "-p",
            password,
            "-s",
            "all",
            "-M",
            "mailto:bench@example.org",
            "-w",
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    port = free_port()
    log = home / "server.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                str(RALPH_VENV / "bin" / "uvicorn"),
                "ralph_fs_append:app",
                "--app-dir",
                str(RALPH_APP_DIR),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            env=env,
            cwd=home,
            stdout=out,
            stderr=out,
        )
    origin = f"http://127.0.0.1:{port}"
    try:
        wait_ready(origin + "/whoami", process, log)
        yield Lrs("ralph", origin, "/xAPI/statements", ("bench", password), process, log), data
    finally:
        stop(process)


# --- measurements -----------------------------------------------------------------------------


def post_batches(lrs: Lrs, bodies: list[bytes], clients: int) -> dict:
    """POST every batch, `clients` at a time; a failed batch is retried (same ids: idempotent)."""
    lock = threading.Lock()
    queue = iter(range(len(bodies)))
    errors: list[str] = []
    dead = threading.Event()
    headers = {**VERSION_HEADER, "Content-Type": "application/json"}

    def client():
        with requests.Session() as http:
            http.auth = lrs.auth
            while True:
                with lock:
                    b = next(queue, None)
                if b is None or dead.is_set():
                    return
                for _attempt in range(3):
                    try:
                        answer = http.post(lrs.url(), data=bodies[b], headers=headers, timeout=300)
                    except requests.ConnectionError:
                        dead.set()
                        return
                    if answer.status_code == 200:
                        break
                    with lock:
                        errors.append(f"batch {b}: {answer.status_code} {answer.text[:200]}")

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    if dead.is_set():
        sys.exit(lrs.died())
    statements = sum(body.count(b'"actor":') for body in bodies)
    return {
        "statements": statements,
        "seconds": round(seconds, 2),
        "per_second": round(statements / seconds),
        "errors": len(errors),
        "first_errors": errors[:3],
    }


def get_page(http: requests.Session, lrs: Lrs, params=None, more=None) -> tuple[dict, float]:
    started = time.perf_counter()
    try:
        answer = http.get(
            lrs.url(more), params=None if more else params, headers=VERSION_HEADER, timeout=600
        )
    except requests.ConnectionError:
        sys.exit(lrs.died())
    elapsed = time.perf_counter() - started
    if answer.status_code != 200:
        raise RuntimeError(f"{lrs.name} GET {answer.url}: {answer.status_code} {answer.text[:300]}")
    return answer.json(), elapsed


def walk(lrs: Lrs, params: dict, budget: float | None = None, on_page=None) -> dict:
    """Follow `more` links to the end (or until `budget` seconds): ids seen, time per page."""
    seen: dict[int, int] = {}
    times, duplicates, foreign = [], 0, 0
    with requests.Session() as http:
        http.auth = lrs.auth
        document, elapsed = get_page(http, lrs, params)
        started = time.perf_counter()
        while True:
            times.append(elapsed)
            for item in document["statements"]:
                try:
                    i = index_of(item["id"])
                except ValueError:
                    foreign += 1
                    continue
                duplicates += i in seen
                seen[i] = epoch_ms(item["stored"])
            if on_page:
                on_page(len(times))
            more = document.get("more")
            if not more or not document["statements"]:
                break
            if budget is not None and time.perf_counter() - started > budget:
                return {"seen": seen, "times": times, "duplicates": duplicates, "complete": False}
            document, elapsed = get_page(http, lrs, more=more)
    return {"seen": seen, "times": times, "duplicates": duplicates + foreign, "complete": True}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def run_queries(lrs: Lrs, queries: list[Query], limit: int, walk_cap: int) -> dict:
    """Time the first page of each query; judge it by walking all pages when the answer is
    small enough (`walk_cap`), else by checking the first page holds only matching statements."""
    by_kind: dict[str, dict] = defaultdict(lambda: {"times": [], "right": 0, "wrong": []})
    with requests.Session() as http:
        http.auth = lrs.auth
        for query in queries:
            params = {**query.params, "limit": str(limit)}
            document, elapsed = get_page(http, lrs, params)
            entry = by_kind[query.kind]
            entry["times"].append(elapsed)
            got = [index_of(s["id"]) for s in document["statements"]]
            if len(query.expected) <= walk_cap:
                got = list(walk(lrs, params)["seen"]) if document.get("more") else got
                right = len(got) == len(set(got)) and set(got) == query.expected
            else:
                right = len(got) == limit and set(got) <= query.expected
            entry["right"] += right
            if not right:
                entry["wrong"].append(
                    {"params": query.params, "expected": len(query.expected), "got": len(got)}
                )
    return {
        kind: {
            "queries": len(e["times"]),
            "p50_ms": ms(statistics.median(e["times"])),
            "p95_ms": ms(percentile(e["times"], 0.95)),
            "right": e["right"],
            "first_wrong": e["wrong"][:2],
        }
        for kind, e in by_kind.items()
    }


PAGING_RSS = ("first page", "10% of pages", "half", "last page", "max")


def walk_everything(lrs: Lrs, upto: int, page: int, sampler=None, budget=None) -> dict:
    """Walk every statement through `more`; check each was seen exactly once; sample the
    servers' memory after each page."""
    rss: list[float] = []
    if sampler:
        sampler.phase = "paging"
    started = time.perf_counter()
    on_page = (lambda _pages: rss.append(sampler.sample())) if sampler else None
    result = walk(lrs, {"limit": str(page)}, budget, on_page)
    seconds = time.perf_counter() - started
    seen, times = result["seen"], result["times"]
    summary = {
        "pages": len(times),
        "seconds": round(seconds, 2),
        "page_p50_ms": ms(statistics.median(times)),
        "page_p95_ms": ms(percentile(times, 0.95)),
        "complete": result["complete"],
        "seen": len(seen),
        "duplicates": result["duplicates"],
        "missing": upto - len([i for i in seen if i < upto]) if result["complete"] else None,
    }
    if rss:
        picks = (rss[0], rss[len(rss) // 10], rss[len(rss) // 2], rss[-1], max(rss))
        summary["rss_mib"] = {k: round(v, 1) for k, v in zip(PAGING_RSS, picks, strict=True)}
    return summary | {"stored": seen}


def ralph_stored(data: Path) -> dict[int, int]:
    """ralph's `stored` values, read from its JSON-lines file (walking it takes hours)."""
    stored = {}
    for path in data.glob("*"):
        with path.open() as stream:
            for line in stream:
                item = json.loads(line)
                stored[index_of(item["id"])] = epoch_ms(item["stored"])
    return stored


# --- raw PostgreSQL ---------------------------------------------------------------------------

RAW_TABLE = """
CREATE TABLE raw_statement (
    seq bigserial PRIMARY KEY, id uuid NOT NULL UNIQUE,
    stored timestamptz NOT NULL DEFAULT now(), data jsonb NOT NULL);
CREATE INDEX ON raw_statement (stored);
CREATE INDEX ON raw_statement ((data->'actor'->'account'->>'name'), (data->'verb'->>'id'));
CREATE INDEX ON raw_statement ((data->'object'->>'id'));
CREATE INDEX ON raw_statement ((data->'context'->>'registration'));
CREATE INDEX ON raw_statement ((data->'verb'->>'id'));
"""


def raw_copy(url: str, rows: list[bytes]) -> dict:
    with psycopg.connect(url) as connection:
        connection.execute(RAW_TABLE)
        connection.commit()
        started = time.perf_counter()
        with (
            connection.cursor() as cursor,
            cursor.copy("COPY raw_statement (id, data) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row((json.loads(row)["id"], row.decode()))
        connection.commit()
        seconds = time.perf_counter() - started
    return {
        "statements": len(rows),
        "seconds": round(seconds, 2),
        "per_second": round(len(rows) / seconds),
    }


def raw_insert(url: str, rows: list[bytes], size: int, clients: int) -> dict:
    """One multi-row INSERT and one commit per batch, `clients` connections at a time."""
    with psycopg.connect(url) as connection:
        connection.execute("DROP TABLE IF EXISTS raw_statement")
        connection.execute(RAW_TABLE)
        connection.commit()
    batches = [rows[i : i + size] for i in range(0, len(rows), size)]
    lock = threading.Lock()
    queue = iter(batches)

    def client():
        with psycopg.connect(url) as connection:
            while True:
                with lock:
                    batch = next(queue, None)
                if batch is None:
                    return
                values = ",".join(["(%s, %s::jsonb)"] * len(batch))
                args = [v for row in batch for v in (json.loads(row)["id"], row.decode())]
                connection.execute(f"INSERT INTO raw_statement (id, data) VALUES {values}", args)
                connection.commit()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    return {
        "statements": len(rows),
        "seconds": round(seconds, 2),
        "per_second": round(len(rows) / seconds),
    }


def measure_raw(rows: list[bytes], size: int, clients: int) -> dict:
    with throwaway_database("_raw") as name:
        url = PG_URL.format(name=name)
        return {"copy": raw_copy(url, rows), "insert": raw_insert(url, rows, size, clients)}


# --- the run ----------------------------------------------------------------------------------


def analyze(database: str):
    """What autovacuum does some time after a bulk load (it may be off: this machine's is)."""
    with psycopg.connect(PG_URL.format(name=database), autocommit=True) as conn:
        conn.execute("ANALYZE")


def measure_taawun(args, bodies, plan, catalog, found, workdir) -> dict:
    server = taawun_server(args.workers, workdir, args.keep_db, args.gunicorn)
    with server as (lrs, database):
        with MemorySampler(lrs.pid) as sampler:
            time.sleep(1)
            sampler.phase = "ingest"
            ingest = post_batches(lrs, bodies, args.clients)
            sampler.phase = "before paging"
            if args.analyze:
                analyze(database)
            time.sleep(1)
            paging = walk_everything(lrs, len(plan), args.page, sampler)
            stored = paging.pop("stored")
            sampler.phase = "queries"
            queries = make_queries(plan, catalog, found, stored, args.queries, args.seed, len(plan))
            answers = run_queries(lrs, queries, args.limit, args.walk_cap)
        return {
            "analyzed": args.analyze,
            "ingest": ingest,
            "paging": paging,
            "queries": answers,
            "memory_mib": sampler.summary(),
        }


def measure_ralph(args, bodies, plan, catalog, found, workdir) -> dict:
    upto = min(len(plan), args.ralph_n)
    with ralph_server(workdir) as (lrs, data):
        with MemorySampler(lrs.pid) as sampler:
            sampler.phase = "ingest"
            ingest = post_batches(lrs, bodies[: -(-upto // args.batch)], args.clients)
            stored = ralph_stored(data)
            queries = make_queries(
                plan, catalog, found, stored, args.ralph_queries, args.seed, upto
            )
            sampler.phase = "queries"
            answers = run_queries(lrs, queries, args.limit, walk_cap=args.limit)
            paging = walk_everything(lrs, upto, args.page, sampler, budget=args.ralph_walk_seconds)
            paging.pop("stored")
        return {
            "statements": upto,
            "ingest": ingest,
            "queries": answers,
            "paging": paging,
            "memory_mib": sampler.summary(),
        }


def announce(figures: dict, phase: str, message: str):
    """Say what starts, and note the machine's load: other work on it skews every figure."""
    load = os.getloadavg()[0]
    figures.setdefault("load_average", {})[phase] = round(load, 2)
    print(f"{message} (load average {load:.2f})", flush=True)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--n", type=int, default=100_000, help="statements (default 100,000)")
    size.add_argument("--million", action="store_const", const=1_000_000, dest="n")
    size.add_argument("--quick", action="store_const", const=5_000, dest="n")
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--batch", type=int, default=100, help="statements per POST")
    parser.add_argument("--clients", type=int, default=2, help="concurrent HTTP clients")
    parser.add_argument(
        "--workers",
        type=int,
        default=default_workers(),
        help="gunicorn workers of lms serve (default: lms serve's, LMS_WORKERS or 2 x cores + 1)",
    )
    parser.add_argument("--queries", type=int, default=40, help="queries of each kind")
    parser.add_argument("--limit", type=int, default=100, help="limit of a timed query page")
    parser.add_argument("--page", type=int, default=500, help="limit when walking everything")
    parser.add_argument(
        "--walk-cap",
        type=int,
        default=5_000,
        help="walk all pages of a query to check it when it has this many",
    )
    parser.add_argument("--no-ralph", action="store_true", help="skip ralph-malph")
    parser.add_argument("--no-raw", action="store_true", help="skip the raw PostgreSQL inserts")
    parser.add_argument(
        "--ralph-n",
        type=int,
        default=20_000,
        help="statements sent to ralph (default 20,000, as in REFERENCE-LRS.md: its file backend "
        "slows down as its file grows, so a bigger n only flatters Taawun)",
    )
    parser.add_argument("--ralph-queries", type=int, default=10, help="ralph queries per kind")
    parser.add_argument(
        "--ralph-walk-seconds",
        type=float,
        default=60,
        help="stop walking ralph's pages after this long",
    )
    parser.add_argument(
        "--gunicorn",
        action="store_true",
        help="start gunicorn with lms serve's settings instead of lms serve itself",
    )
    parser.add_argument(
        "--no-analyze",
        dest="analyze",
        action="store_false",
        help="query without running ANALYZE after the ingest (planner statistics then come "
        "only from autovacuum, if it is on)",
    )
    parser.add_argument("--keep-db", action="store_true", help="keep Taawun's database")
    parser.add_argument("--keep-logs", action="store_true", help="keep the servers' logs")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    started = datetime.now(UTC)
    catalog = make_catalog()
    clock = time.perf_counter()
    plan = make_plan(args.n, args.seed, catalog)
    rows = serialize(plan, catalog)
    bodies = batch_bodies(rows, args.batch)
    found = expected_sets(plan, catalog)
    print(
        f"generated {len(rows):,} statements ({sum(map(len, rows)) / len(rows):.0f} bytes "
        f"each) in {time.perf_counter() - clock:.1f}s",
        flush=True,
    )
    figures = {
        "date": started.isoformat(timespec="seconds"),
        "n": args.n,
        "batch": args.batch,
        "clients": args.clients,
        "workers": args.workers,
        "limit": args.limit,
        "command": " ".join(["bench/lrs_bench.py", *(argv or sys.argv[1:])]),
    }
    workdir = Path(tempfile.mkdtemp(prefix="lrsbench-"))
    try:
        if not args.no_raw:
            announce(figures, "raw", "raw PostgreSQL: COPY and batched INSERT...")
            figures["raw"] = measure_raw(rows, args.batch, args.clients)
        announce(figures, "taawun", "taawun (lms serve, PostgreSQL)...")
        figures["taawun"] = measure_taawun(args, bodies, plan, catalog, found, workdir)
        if not args.no_ralph:
            if missing := ralph_missing():
                print(missing, flush=True)
                figures["ralph"] = {"skipped": missing}
            else:
                announce(figures, "ralph", "ralph-malph 5.1.0 (filesystem backend)...")
                figures["ralph"] = measure_ralph(args, bodies, plan, catalog, found, workdir)
        if not args.no_raw:
            # Again at the end: the machine's load may have changed meanwhile.
            announce(figures, "raw_after", "raw PostgreSQL again...")
            figures["raw_after"] = measure_raw(rows, args.batch, args.clients)
    finally:
        if args.keep_logs:
            print(f"server logs kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print_report(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
        print(f"figures written to {args.json}")


# --- report -----------------------------------------------------------------------------------


def table(headers: list[str], rows: list[list]) -> str:
    cells = [[str(c) for c in row] for row in [headers, *rows]]
    widths = [max(len(row[k]) for row in cells) for k in range(len(headers))]

    def line(row):
        return "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"

    rule = "| " + " | ".join("-" * w for w in widths) + " |"
    return "\n".join([line(cells[0]), rule, *(line(row) for row in cells[1:])])


def ingest_rows(figures: dict) -> list[list]:
    rows = []
    for name, entry in (
        ("taawun", figures["taawun"]["ingest"]),
        ("ralph-malph", figures.get("ralph", {}).get("ingest")),
        ("raw COPY", figures.get("raw", {}).get("copy")),
        ("raw batched INSERT", figures.get("raw", {}).get("insert")),
        ("raw COPY, at the end", figures.get("raw_after", {}).get("copy")),
        ("raw batched INSERT, at the end", figures.get("raw_after", {}).get("insert")),
    ):
        if entry:
            rows.append(
                [
                    name,
                    f"{entry['statements']:,}",
                    entry["seconds"],
                    f"{entry['per_second']:,}",
                    entry.get("errors", 0),
                ]
            )
    return rows


def query_rows(figures: dict) -> list[list]:
    rows = []
    for name in ("taawun", "ralph"):
        for kind, q in figures.get(name, {}).get("queries", {}).items():
            rows.append(
                [name, kind, q["queries"], q["p50_ms"], q["p95_ms"], f"{q['right']}/{q['queries']}"]
            )
    return rows


def target_rows(figures: dict) -> list[list]:
    taawun = figures["taawun"]
    rate = taawun["ingest"]["per_second"]
    rows = []
    ralph = figures.get("ralph", {}).get("ingest")
    if ralph:
        ratio = rate / ralph["per_second"]
        rows.append(["ingest >= 3x ralph", f"{ratio:.2f}x", ok(ratio >= 3)])
    if "raw" in figures:
        share = rate / raw_rate(figures, "insert")
        rows.append(["ingest >= 25% of raw batched INSERT", f"{share:.1%}", ok(share >= 0.25)])
        copy_share = rate / raw_rate(figures, "copy")
        rows.append(["(for information) share of raw COPY", f"{copy_share:.0%}", ""])
    worst = max(q["p95_ms"] for q in taawun["queries"].values())
    rows.append(
        [
            f"filtered query p95 < 50 ms (n={figures['n']:,})",
            f"{worst} ms",
            ok(worst < 50) + ("" if figures["n"] >= 1_000_000 else " (target is at 1M)"),
        ]
    )
    right = all(q["right"] == q["queries"] for q in taawun["queries"].values())
    paging = taawun["paging"]
    exact = paging["duplicates"] == 0 and paging["missing"] == 0
    rows.append(["every filtered answer right", "yes" if right else "NO", ok(right)])
    rows.append(["paging sees every statement once", "yes" if exact else "NO", ok(exact)])
    growth = memory_growth(paging["rss_mib"])
    rows.append(["memory flat while paging", f"{growth:+.1f} MiB", ok(growth <= 10)])
    return rows


def raw_rate(figures: dict, method: str) -> float:
    """The raw rate, averaged over the runs before and after the LRSs."""
    runs = [figures[key][method]["per_second"] for key in ("raw", "raw_after") if key in figures]
    return sum(runs) / len(runs)


def memory_growth(rss: dict) -> float:
    """RSS after the last page minus RSS after the first tenth of the pages (the first pages
    warm each worker's allocator and caches)."""
    return rss["last page"] - rss["10% of pages"]


def ok(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


def print_report(figures: dict):
    print(
        f"\nLRS benchmark, {figures['date']}, {figures['n']:,} statements, batches of "
        f"{figures['batch']}, {figures['clients']} clients, lms serve with "
        f"{figures['workers']} workers; query pages of {figures['limit']}; load average at "
        f"each start: {figures.get('load_average')}; ANALYZE after the ingest: "
        f"{'yes' if figures['taawun'].get('analyzed') else 'no'}\n"
    )
    print(
        table(["ingest", "statements", "seconds", "statements/s", "errors"], ingest_rows(figures))
    )
    print()
    print(table(["LRS", "query", "n", "p50 ms", "p95 ms", "right"], query_rows(figures)))
    print()
    walk_rows = []
    for name in ("taawun", "ralph"):
        p = figures.get(name, {}).get("paging")
        if p:
            walk_rows.append(
                [
                    name,
                    p["pages"],
                    p["seconds"],
                    p["page_p50_ms"],
                    p["page_p95_ms"],
                    p["seen"],
                    p["duplicates"],
                    p["missing"],
                    "yes" if p["complete"] else "stopped (time budget)",
                ]
            )
    print(
        table(
            [
                "walk all (more)",
                "pages",
                "seconds",
                "page p50 ms",
                "page p95 ms",
                "seen",
                "duplicates",
                "missing",
                "complete",
            ],
            walk_rows,
        )
    )
    print()
    memory_rows = []
    for name in ("taawun", "ralph"):
        for phase, m in figures.get(name, {}).get("memory_mib", {}).items():
            memory_rows.append([name, phase, m["first"], m["max"], m["last"]])
    print(table(["RSS MiB (all processes)", "phase", "first", "max", "last"], memory_rows))
    print()
    paging_rows = []
    for name in ("taawun", "ralph"):
        rss = figures.get(name, {}).get("paging", {}).get("rss_mib")
        if rss:
            paging_rows.append([name, *rss.values()])
    print(table(["RSS MiB while paging", *PAGING_RSS], paging_rows))
    print()
    print(table(["target", "measured", "verdict"], target_rows(figures)))
    if "skipped" in figures.get("ralph", {}):
        print("\n" + figures["ralph"]["skipped"])


if __name__ == "__main__":
    main()
