"""The LRS benchmark's statements are valid, deterministic, and its expected answers are right."""

import importlib.util
import sys
from pathlib import Path

import pytest

from xapi_store.query import Filters
from xapi_store.storage import index_keys
from xapi_store.validation import validate_statement

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "lrs_bench.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("lrs_bench", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["lrs_bench"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated(bench):
    catalog = bench.make_catalog()
    plan = bench.make_plan(2_000, 7, catalog)
    return catalog, plan, bench.expected_sets(plan, catalog)


def test_every_statement_is_valid_xapi(bench, generated):
    catalog, plan, _ = generated
    for i in range(len(plan)):
        validate_statement(bench.statement(plan, catalog, i), f"statements[{i}]")


def test_same_seed_same_statements_other_seed_others(bench, generated):
    catalog, plan, _ = generated
    assert bench.serialize(plan, catalog) == bench.serialize(
        bench.make_plan(2_000, 7, catalog), catalog
    )
    assert bench.serialize(plan, catalog) != bench.serialize(
        bench.make_plan(2_000, 8, catalog), catalog
    )


def test_statement_ids_give_back_their_index(bench, generated):
    _, plan, _ = generated
    assert [bench.index_of(plan.statement_id(i)) for i in (0, 1, 1999)] == [0, 1, 1999]


def test_expected_answers_agree_with_the_lrs_filter_rules(bench, generated):
    """For every query the script makes, a statement is expected exactly when the LRS's
    index holds all the query's keys for it."""
    catalog, plan, found = generated
    stored = {i: 1_000 * i for i in range(len(plan))}
    queries = bench.make_queries(plan, catalog, found, stored, 5, 7, len(plan))
    keys = [index_keys(bench.statement(plan, catalog, i)) for i in range(len(plan))]
    for query in queries:
        params = query.params
        wanted = Filters(
            agent=bench.json.loads(params["agent"]) if "agent" in params else None,
            verb=params.get("verb"),
            activity=params.get("activity"),
            registration=params.get("registration"),
            related_activities="related_activities" in params,
        ).index_keys()
        since = bench.epoch_ms(params["since"]) if "since" in params else -1
        # index_keys maps each key to whether it is direct; a direct filter needs that flag.
        matching = {
            i
            for i in range(len(plan))
            if all(key in keys[i] and (keys[i][key] or not direct) for key, direct in wanted)
            and stored[i] > since
        }
        assert matching == query.expected, query.kind
        assert query.expected, query.kind


def test_verdicts_follow_the_targets(bench):
    query = {"queries": 2, "p50_ms": 5.0, "p95_ms": 60.0, "right": 2}
    figures = {
        "n": 1_000_000,
        "taawun": {
            "ingest": {"per_second": 3_000},
            "queries": {"verb": query},
            "paging": {
                "duplicates": 0,
                "missing": 0,
                "rss_mib": {"10% of pages": 100.0, "last page": 130.0},
            },
        },
        "ralph": {"ingest": {"per_second": 1_000}},
        "raw": {"insert": {"per_second": 10_000}, "copy": {"per_second": 30_000}},
    }
    verdicts = {row[0]: row[2] for row in bench.target_rows(figures)}
    assert verdicts["ingest >= 3x ralph"] == "PASS"
    assert verdicts["ingest >= 25% of raw batched INSERT"] == "PASS"
    assert verdicts["filtered query p95 < 50 ms (n=1,000,000)"] == "FAIL"
    assert verdicts["memory flat while paging"] == "FAIL"
