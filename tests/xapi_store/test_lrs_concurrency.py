"""Several clients posting batches at once on PostgreSQL: every statement stored exactly once."""

import threading

import pytest
from lrs_helpers import make_statement

THREADS = 6
BATCHES = 5
BATCH = 40


@pytest.fixture
def pg_lrs_app(lrs_app):
    if lrs_app.extensions["xapi_store_engine"].dialect.name != "postgresql":
        pytest.skip("concurrency is checked on PostgreSQL")
    return lrs_app


def test_concurrent_batches_are_each_stored_once(pg_lrs_app, lrs_auth):
    sent: list[str] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client_thread(n):
        client = pg_lrs_app.test_client()
        for b in range(BATCHES):
            batch = [
                make_statement(
                    object={
                        "id": f"http://example.org/activity/{i % 3}",
                        "definition": {"name": {"en": f"activity {i % 3}"}},
                    },
                    result={"response": f"{n}-{b}-{i}"},
                )
                for i in range(BATCH)
            ]
            response = client.post("/xapi/statements", json=batch, headers=lrs_auth)
            with lock:
                if response.status_code == 200:
                    sent.extend(response.get_json())
                else:
                    errors.append(f"{response.status_code} {response.get_data(as_text=True)}")

    threads = [threading.Thread(target=client_thread, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(sent) == THREADS * BATCHES * BATCH

    client = pg_lrs_app.test_client()
    page = client.get("/xapi/statements?limit=100", headers=lrs_auth).get_json()
    seen = [s["id"] for s in page["statements"]]
    while page["more"]:
        page = client.get(page["more"], headers=lrs_auth).get_json()
        seen += [s["id"] for s in page["statements"]]
    assert len(seen) == len(set(seen))
    assert sorted(seen) == sorted(sent)
