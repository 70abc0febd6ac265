"""Speed of Taawun's LRS beside ralph-malph and a raw PostgreSQL insert, measured in one run.

    python bench/lrs_bench.py                      # 20,000 statements, ralph beside it
    python bench/lrs_bench.py --n 100000           # more; --n 1000000 for the big run
    python bench/lrs_bench.py --ralph-venv /tmp/ralph-venv   # where ralph-malph 5.1.0 lives

Every system receives the same statements, through HTTP in batches of 100 from --clients
threads. Figures: statements/s ingested, p50/p95 of filtered queries (agent+verb,
activity+since, registration, each answer checked against the generated data), p50/p95 of the
pages of a `more` walk over everything, and the server's memory (RSS) before/after that walk.
The raw floor is a COPY, and a batched INSERT of 100 rows per transaction, of the same JSON into
an indexed JSONB table. Needs PostgreSQL at --pg (trust auth) and gunicorn; creates and drops
its own databases.
"""

import argparse
import base64
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parents[1]
VERBS = [
    f"http://adlnet.gov/expapi/verbs/{v}"
    for v in (
        "attempted",
        "attended",
        "completed",
        "experienced",
        "failed",
        "passed",
        "progressed",
        "scored",
    )
]


# data ------------------------------------------------------------------------------------------
def generate(n: int, seed: int = 7) -> list[dict]:
    """N statements over a realistic spread: 2,000 learners, 500 activities, N/40 registrations."""
    rng = random.Random(seed)
    learners = max(50, min(2000, n // 10))
    activities = max(20, min(500, n // 40))
    registrations = [
        str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(max(10, n // 40))
    ]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    statements = []
    for i in range(n):
        activity = rng.randrange(activities)
        statements.append(
            {
                "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "actor": {
                    "objectType": "Agent",
                    "account": {
                        "homePage": "http://bench.example",
                        "name": f"u{rng.randrange(learners)}",
                    },
                },
                "verb": {"id": rng.choice(VERBS), "display": {"en-US": "did"}},
                "object": {
                    "objectType": "Activity",
                    "id": f"http://bench.example/activities/{activity}",
                    "definition": {"name": {"en-US": f"Activity {activity}"}},
                },
                "result": {"score": {"scaled": round(rng.random(), 2)}, "completion": True},
                "context": {
                    "registration": rng.choice(registrations),
                    "contextActivities": {
                        "parent": [{"id": f"http://bench.example/courses/{activity % 12}"}]
                    },
                },
                "timestamp": (start + timedelta(seconds=i)).isoformat().replace("+00:00", "Z"),
            }
        )
    return statements


# servers ---------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited early ({process.returncode}); see its log")
        try:
            requests.get(url, timeout=2)
            return
        except requests.ConnectionError:
            time.sleep(0.3)
    raise SystemExit(f"server at {url} did not answer in {seconds}s")


def rss_kb(pid: int) -> int:
    """RSS of a process and all its descendants (gunicorn/uvicorn workers), in kB."""
    total = 0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
            pids += [int(c) for c in children]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


class PgDatabase:
    def __init__(self, admin_url: str, prefix: str):
        self.admin_url = admin_url
        self.name = f"{prefix}_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        base = admin_url.rsplit("/", 1)[0]
        self.url = f"{base}/{self.name}"

    def drop(self):
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


class Taawun:
    name = "taawun"

    def __init__(self, admin_url: str, workers: int):
        self.db = PgDatabase(admin_url, "taawun_lrs_bench")
        sqlalchemy_url = self.db.url.replace("postgresql://", "postgresql+psycopg://")
        env = {**os.environ, "PYTHONPATH": str(ROOT), "LRS_BENCH_DB": sqlalchemy_url}
        setup = (
            "import os, json, xapi_store; from xapi_store import auth;"
            "app = xapi_store.create_app(os.environ['LRS_BENCH_DB']);"
            "ctx = app.app_context(); ctx.push(); s = app.extensions['db_session'];"
            "print(json.dumps(auth.create_credential(s, 'bench', ['all']))); s.commit()"
        )
        out = subprocess.run(
            [sys.executable, "-c", setup], env=env, check=True, capture_output=True, text=True
        )
        key, secret = json.loads(out.stdout.strip().splitlines()[-1])
        self.port = free_port()
        self.log = tempfile.NamedTemporaryFile("w", prefix="taawun-lrs-", suffix=".log")  # noqa: SIM115
        gunicorn = shutil.which("gunicorn") or str(Path(sys.executable).with_name("gunicorn"))
        self.process = subprocess.Popen(
            [
                gunicorn,
                "-w",
                str(workers),
                "--threads",
                "4",
                "-b",
                f"127.0.0.1:{self.port}",
                f"xapi_store:create_app({sqlalchemy_url!r})",
            ],
            env=env,
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.endpoint = f"http://127.0.0.1:{self.port}/xapi/"
        self.headers = {
            "X-Experience-API-Version": "1.0.3",
            "Authorization": "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode(),
        }
        wait_until_up(self.endpoint + "about", self.process)

    def stop(self):
        self.process.terminate()
        self.process.wait(20)
        self.db.drop()


class Ralph:
    name = "ralph 5.1.0"

    def __init__(self, venv: Path):
        self.dir = Path(tempfile.mkdtemp(prefix="ralph-bench-"))
        (self.dir / "data").mkdir()
        env = {
            **os.environ,
            "RALPH_APP_DIR": str(self.dir / "app"),
            "RALPH_AUTH_FILE": str(self.dir / "auth.json"),
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(self.dir / "data"),
        }
        env.pop("PYTHONPATH", None)
        subprocess.run(
            [
                str(venv / "bin" / "ralph"),
                "auth",
                "-u",
                "bench",
                "-p",
                "bench-pass",
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
        self.port = free_port()
        self.log = open(self.dir / "server.log", "w")  # noqa: SIM115 - open while ralph runs
        tools = ROOT.parent / "shared" / "tools"
        if not (tools / "ralph_fs_append.py").exists():
            tools = Path("/work/shared/tools")
        self.process = subprocess.Popen(
            [
                str(venv / "bin" / "uvicorn"),
                "ralph_fs_append:app",
                "--app-dir",
                str(tools),
                "--port",
                str(self.port),
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=self.dir,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.endpoint = f"http://127.0.0.1:{self.port}/xAPI/"
        self.headers = {
            "X-Experience-API-Version": "1.0.3",
            "Authorization": "Basic " + base64.b64encode(b"bench:bench-pass").decode(),
        }
        wait_until_up(self.endpoint.rstrip("/") + "/statements/", self.process)

    def stop(self):
        self.process.terminate()
        self.process.wait(20)
        shutil.rmtree(self.dir, ignore_errors=True)


# measures --------------------------------------------------------------------------------------
def ingest(system, statements: list[dict], batch: int, clients: int) -> tuple[float, int]:
    """Post the statements in batches from `clients` threads; (statements/s, failed batches)."""
    batches = [statements[i : i + batch] for i in range(0, len(statements), batch)]
    failures = []
    local = threading.local()

    def send(chunk):
        if not hasattr(local, "session"):
            local.session = requests.Session()
        response = local.session.post(
            system.endpoint + "statements", json=chunk, headers=system.headers, timeout=120
        )
        if response.status_code != 200:
            failures.append(response.status_code)

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(send, batches))
    elapsed = time.perf_counter() - started
    return len(statements) / elapsed, len(failures)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def run_queries(system, cases, limit: int) -> tuple[list[float], int]:
    """(latencies in ms, wrong answers) of GET /statements for each (params, expected ids)."""
    session = requests.Session()
    latencies, wrong = [], 0
    for params, expected in cases:
        started = time.perf_counter()
        response = session.get(
            system.endpoint + "statements",
            params={**params, "limit": limit},
            headers=system.headers,
            timeout=120,
        )
        latencies.append((time.perf_counter() - started) * 1000)
        try:
            got = {s["id"] for s in response.json()["statements"]}
        except (ValueError, KeyError):
            wrong += 1
            continue
        if (
            response.status_code != 200
            or not got <= expected
            or len(got) != min(limit, len(expected))
        ):
            wrong += 1
    return latencies, wrong


def query_cases(statements, second_half_ids, since, count, seed=11):
    rng = random.Random(seed)
    by_agent_verb, by_activity, by_registration = {}, {}, {}
    for s in statements:
        agent = json.dumps(s["actor"], sort_keys=True)
        by_agent_verb.setdefault((agent, s["verb"]["id"]), set()).add(s["id"])
        if s["id"] in second_half_ids:
            by_activity.setdefault(s["object"]["id"], set()).add(s["id"])
        by_registration.setdefault(s["context"]["registration"], set()).add(s["id"])
    agent_verb = [
        ({"agent": agent, "verb": verb}, ids)
        for (agent, verb), ids in rng.sample(
            sorted(by_agent_verb.items()), min(count, len(by_agent_verb))
        )
    ]
    activity = [
        ({"activity": a, "since": since}, ids)
        for a, ids in rng.sample(sorted(by_activity.items()), min(count, len(by_activity)))
    ]
    registration = [
        ({"registration": r}, ids)
        for r, ids in rng.sample(sorted(by_registration.items()), min(count, len(by_registration)))
    ]
    return {"agent+verb": agent_verb, "activity+since": activity, "registration": registration}


def walk_more(system, limit: int, n: int) -> dict:
    """Walk every statement through `more`; page latencies, memory before/peak/after, count."""
    session = requests.Session()
    before = rss_kb(system.process.pid)
    peak = before
    latencies, seen = [], set()
    url = system.endpoint + "statements"
    params = {"limit": limit}
    host = system.endpoint.split("/", 3)[:3]
    pages = 0
    while url:
        started = time.perf_counter()
        response = session.get(url, params=params, headers=system.headers, timeout=300)
        latencies.append((time.perf_counter() - started) * 1000)
        pages += 1
        if response.status_code != 200:
            break
        body = response.json()
        seen.update(s["id"] for s in body["statements"])
        more = body.get("more")
        url = "/".join(host) + more if more else None
        params = None
        if pages % 10 == 0:
            peak = max(peak, rss_kb(system.process.pid))
        if pages > 2 * n // limit + 10:
            break
    after = rss_kb(system.process.pid)
    return {
        "pages": pages,
        "found": len(seen),
        "complete": len(seen) == n,
        "p50": percentile(latencies, 0.5),
        "p95": percentile(latencies, 0.95),
        "rss_before_mb": before / 1024,
        "rss_peak_mb": max(peak, after) / 1024,
        "rss_after_mb": after / 1024,
    }


def raw_insert(admin_url: str, statements: list[dict], batch: int) -> dict:
    """COPY and batched INSERT of the same JSON rows into an indexed JSONB table."""
    db = PgDatabase(admin_url, "taawun_raw_bench")
    try:
        results = {}
        with psycopg.connect(db.url) as conn:
            for method in ("copy", "insert"):
                conn.execute("DROP TABLE IF EXISTS raw_statement")
                conn.execute(
                    "CREATE TABLE raw_statement (id uuid PRIMARY KEY, stored timestamptz NOT NULL "
                    "DEFAULT now(), data jsonb NOT NULL)"
                )
                for expression in (
                    "(data->'actor')",
                    "(data->'verb'->>'id')",
                    "(data->'object'->>'id')",
                    "(data->'context'->>'registration')",
                    "stored",
                ):
                    conn.execute(f"CREATE INDEX ON raw_statement ({expression})")
                conn.commit()
                rows = [(s["id"], json.dumps(s)) for s in statements]
                started = time.perf_counter()
                if method == "copy":
                    with (
                        conn.cursor() as cur,
                        cur.copy("COPY raw_statement (id, data) FROM STDIN") as copy,
                    ):
                        for row in rows:
                            copy.write_row(row)
                    conn.commit()
                else:
                    with conn.cursor() as cur:
                        for i in range(0, len(rows), batch):
                            cur.executemany(
                                "INSERT INTO raw_statement (id, data) VALUES (%s, %s)",
                                rows[i : i + batch],
                            )
                            conn.commit()
                results[method] = len(rows) / (time.perf_counter() - started)
        return results
    finally:
        db.drop()


def explain(admin_url_of_system: str):
    """The query plans of the filtered queries, to check they stay index-backed."""
    with psycopg.connect(admin_url_of_system) as conn:
        key = conn.execute(
            "SELECT key FROM xapi_statement_index WHERE key LIKE 'V:%' LIMIT 1"
        ).fetchone()[0]
        plan = conn.execute(
            "EXPLAIN SELECT s.seq, s.data FROM xapi_statement s JOIN xapi_statement_index i "
            "ON i.seq = s.seq WHERE i.key = %s AND NOT s.voided ORDER BY i.seq DESC LIMIT 101",
            (key,),
        ).fetchall()
    return "\n".join(row[0] for row in plan)


# main ------------------------------------------------------------------------------------------
def measure(system, statements, args) -> dict:
    half = len(statements) // 2
    rate1, fail1 = ingest(system, statements[:half], args.batch, args.clients)
    time.sleep(1.1)
    since = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    time.sleep(0.1)
    rate2, fail2 = ingest(system, statements[half:], args.batch, args.clients)
    rate = len(statements) / (half / rate1 + (len(statements) - half) / rate2)
    second_half = {s["id"] for s in statements[half:]}
    cases = query_cases(statements, second_half, since, args.queries)
    result = {"ingest": rate, "failed_batches": fail1 + fail2, "queries": {}}
    for name, items in cases.items():
        latencies, wrong = run_queries(system, items, args.limit)
        result["queries"][name] = {
            "p50": percentile(latencies, 0.5),
            "p95": percentile(latencies, 0.95),
            "wrong": wrong,
            "count": len(items),
        }
    if args.walk:
        result["walk"] = walk_more(system, args.page, len(statements))
    return result


def print_result(name, result):
    print(f"\n== {name}")
    print(
        f"ingest: {result['ingest']:,.0f} statements/s (failed batches: {result['failed_batches']})"
    )
    for query, figures in result["queries"].items():
        print(
            f"  {query:15s} p50 {figures['p50']:7.1f} ms  p95 {figures['p95']:7.1f} ms  "
            f"wrong {figures['wrong']}/{figures['count']}"
        )
    walk = result.get("walk")
    if walk:
        print(
            f"  more walk: {walk['pages']} pages, found {walk['found']:,} "
            f"(complete: {walk['complete']}), page p50 {walk['p50']:.1f} ms "
            f"p95 {walk['p95']:.1f} ms; server RSS {walk['rss_before_mb']:.0f} MB before, "
            f"{walk['rss_peak_mb']:.0f} MB peak, {walk['rss_after_mb']:.0f} MB after"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=20_000, help="statements (100000, 1000000...)")
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers of our LRS")
    parser.add_argument("--queries", type=int, default=100, help="queries of each kind")
    parser.add_argument("--limit", type=int, default=100, help="limit of filtered queries")
    parser.add_argument("--page", type=int, default=500, help="limit of the more walk")
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--ralph-venv", type=Path, default=Path("/tmp/ralph-venv"))
    parser.add_argument(
        "--ralph-n", type=int, default=None, help="statements for ralph (default --n)"
    )
    parser.add_argument("--no-ralph", action="store_true")
    parser.add_argument("--no-walk", dest="walk", action="store_false")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    statements = generate(args.n)
    print(
        f"{args.n:,} statements, batches of {args.batch}, {args.clients} clients, "
        f"{os.cpu_count()} CPUs"
    )
    figures = {"n": args.n}

    raw = raw_insert(args.pg, statements, args.batch)
    figures["raw"] = raw
    print(
        f"\n== raw PostgreSQL, indexed JSONB table\nCOPY {raw['copy']:,.0f} statements/s; "
        f"INSERT in transactions of {args.batch}: {raw['insert']:,.0f} statements/s"
    )

    taawun = Taawun(args.pg, args.workers)
    try:
        figures["taawun"] = measure(taawun, statements, args)
        print_result("taawun xapi_store (gunicorn, PostgreSQL)", figures["taawun"])
        print("\nplan of a filtered query:\n" + explain(taawun.db.url))
    finally:
        taawun.stop()

    if not args.no_ralph:
        if not (args.ralph_venv / "bin" / "ralph").exists():
            print(
                f"\nralph not found in {args.ralph_venv}: "
                "pip install 'ralph-malph[lrs,cli]==5.1.0' requests"
            )
        else:
            ralph = Ralph(args.ralph_venv)
            try:
                ralph_statements = statements[: args.ralph_n] if args.ralph_n else statements
                ralph_args = argparse.Namespace(**{**vars(args), "walk": False})
                figures["ralph"] = measure(ralph, ralph_statements, ralph_args)
                print_result(
                    f"ralph-malph 5.1.0 (fs backend, {len(ralph_statements):,} statements)",
                    figures["ralph"],
                )
            finally:
                ralph.stop()

    ours = figures["taawun"]["ingest"]
    print("\n== ratios")
    print(f"taawun ingest / raw batched INSERT: {ours / raw['insert']:.2f}")
    print(f"taawun ingest / raw COPY:           {ours / raw['copy']:.2f}")
    if "ralph" in figures:
        print(f"taawun ingest / ralph ingest:       {ours / figures['ralph']['ingest']:.1f}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
