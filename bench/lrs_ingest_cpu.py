"""CPU spent storing statements: the hosted app's Python and PostgreSQL, per batch of 100.

    .venv/bin/python bench/lrs_ingest_cpu.py                  # 20,000 statements, 3 runs
    .venv/bin/python bench/lrs_ingest_cpu.py --n 50000 --runs 5

Each run migrates a throwaway PostgreSQL database (127.0.0.1:5432, user postgres), creates a
credential, and POSTs `bench/lrs_bench.py`'s statements in batches of 100 to the hosted LRS
(`lms.create_app`, `LMS_PLUGINS=xapi_store`) through Flask's test client: no HTTP server, no
second process, one request at a time. It prints, per batch, the wall time, the CPU time of this
process (Flask, the LRS, psycopg) and the CPU time of the PostgreSQL backends serving this
process's connections, read from /proc (other work on the server is not counted, nor are the
WAL writer and checkpointer). The first 20 batches warm the caches and are not counted.

CPU time moves less than wall time with the machine's other work, but on a shared virtual
machine it still moves by 20-30 % between runs: compare versions in one sitting, alternately.
"""

from __future__ import annotations

import argparse
import base64
import gc
import json
import os
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lrs_bench import (  # noqa: E402
    PG_SQLALCHEMY,
    batch_bodies,
    make_catalog,
    make_plan,
    serialize,
    throwaway_database,
)

WARM_UP = 20
HEADERS = {"X-Experience-API-Version": "1.0.3", "Content-Type": "application/json"}


def cpu_seconds(pids) -> float:
    """User + system CPU of these processes (Linux /proc)."""
    ticks = 0
    for pid in pids:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def one_run(bodies: list[bytes]) -> dict:
    with throwaway_database("_cpu") as database:
        os.environ.update(
            LMS_SECRET_KEY="bench",
            LMS_DATABASE_URL=PG_SQLALCHEMY.format(name=database),
            LMS_PLUGINS="xapi_store",
        )
        from lms import create_app

        app = create_app()
        try:
            return timed_posts(app, bodies)
        finally:
            app.extensions["db_engine"].dispose()


def timed_posts(app, bodies: list[bytes]) -> dict:
    """Migrate, make a credential, POST every batch; the figures of the batches after WARM_UP."""
    backends: set[int] = set()

    @event.listens_for(app.extensions["db_engine"], "connect")
    def _remember_backend(dbapi_connection, _record):
        backends.add(dbapi_connection.info.backend_pid)

    runner = app.test_cli_runner()
    runner.invoke(args=["init-db"], catch_exceptions=False)
    created = runner.invoke(args=["lrs-client", "create", "bench", "--scope", "all"])
    credential = json.loads(created.output.strip().splitlines()[-1])
    token = base64.b64encode(f"{credential['key']}:{credential['secret']}".encode()).decode()
    headers = {**HEADERS, "Authorization": f"Basic {token}"}
    client = app.test_client()

    def post(body: bytes):
        answer = client.post("/xapi/statements", data=body, headers=headers)
        if answer.status_code != 200:
            sys.exit(f"POST failed: {answer.status_code} {answer.get_data(as_text=True)}")

    for body in bodies[:WARM_UP]:
        post(body)
    gc.collect()
    gc.freeze()  # as `lms serve` does before forking its workers
    wall, cpu, pg = time.perf_counter(), time.process_time(), cpu_seconds(backends)
    for body in bodies[WARM_UP:]:
        post(body)
    batches = len(bodies) - WARM_UP
    return {
        "wall_ms": 1000 * (time.perf_counter() - wall) / batches,
        "python_cpu_ms": 1000 * (time.process_time() - cpu) / batches,
        "postgres_cpu_ms": 1000 * (cpu_seconds(backends) - pg) / batches,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=20_000, help="statements per run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args(argv)
    catalog = make_catalog()
    bodies = batch_bodies(serialize(make_plan(args.n, args.seed, catalog), catalog), 100)
    results = []
    for run in range(args.runs):
        figures = one_run(bodies)
        results.append(figures)
        print(
            f"run {run + 1}: per batch of 100: wall {figures['wall_ms']:.2f} ms, "
            f"Python CPU {figures['python_cpu_ms']:.2f} ms, "
            f"PostgreSQL CPU {figures['postgres_cpu_ms']:.2f} ms",
            flush=True,
        )
    medians = {key: statistics.median(r[key] for r in results) for key in results[0]}
    print(
        f"median of {args.runs}: wall {medians['wall_ms']:.2f} ms, Python CPU "
        f"{medians['python_cpu_ms']:.2f} ms, PostgreSQL CPU {medians['postgres_cpu_ms']:.2f} ms "
        f"per batch of 100 ({args.n:,} statements, {len(bodies) - WARM_UP} batches timed)"
    )


if __name__ == "__main__":
    main()
