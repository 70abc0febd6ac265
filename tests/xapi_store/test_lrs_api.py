"""The in-process API the LMS recorder uses: same validation, no commit, queries, state."""

import pytest
from lrs_helpers import make_statement

from xapi_store import XAPIError, api

LEARNER = {"objectType": "Agent", "account": {"homePage": "http://lms.example", "name": "u1"}}


def test_store_then_query_in_the_same_transaction(lrs_session):
    ids = api.store_statements(lrs_session, [make_statement(actor=LEARNER)])
    lrs_session.commit()
    found = api.query_statements(lrs_session, agent=LEARNER)
    assert [s["id"] for s in found] == ids
    stored = found[0]
    assert stored["version"] == "1.0.0"
    assert stored["authority"]["objectType"] == "Agent"
    assert stored["timestamp"] == stored["stored"]


def test_store_does_not_commit(lrs_session):
    api.store_statements(lrs_session, [make_statement()])
    lrs_session.rollback()
    assert api.query_statements(lrs_session) == []


def test_invalid_statement_names_the_path(lrs_session):
    bad = make_statement(actor={"mbox": "learner@example.org"})
    with pytest.raises(XAPIError) as caught:
        api.store_statements(lrs_session, [make_statement(), bad])
    assert caught.value.status == 400
    assert caught.value.message.startswith("statements[1].actor.mbox: must be a mailto: IRI")


def test_query_filters_and_order(lrs_session):
    other = {"objectType": "Agent", "account": {"homePage": "http://lms.example", "name": "u2"}}
    first = api.store_statements(lrs_session, [make_statement(actor=LEARNER)])
    second = api.store_statements(
        lrs_session,
        [make_statement(actor=other, verb={"id": "http://adlnet.gov/expapi/verbs/completed"})],
    )
    lrs_session.commit()
    assert [s["id"] for s in api.query_statements(lrs_session)] == second + first
    assert [s["id"] for s in api.query_statements(lrs_session, ascending=True)] == first + second
    completed = api.query_statements(lrs_session, verb="http://adlnet.gov/expapi/verbs/completed")
    assert [s["id"] for s in completed] == second
    assert api.query_statements(lrs_session, agent=other, verb=completed[0]["verb"]["id"])
    assert not api.query_statements(lrs_session, agent=LEARNER, verb=completed[0]["verb"]["id"])
    assert len(api.query_statements(lrs_session, limit=1)) == 1


def test_iter_statements_walks_everything_in_pages(lrs_session):
    ids = api.store_statements(lrs_session, [make_statement() for _ in range(450)])
    lrs_session.commit()
    walked = [s["id"] for s in api.iter_statements(lrs_session, ascending=True)]
    assert walked == ids


def test_voided_statements_leave_queries(lrs_session):
    [target] = api.store_statements(lrs_session, [make_statement(actor=LEARNER)])
    api.store_statements(
        lrs_session,
        [
            make_statement(
                actor=LEARNER,
                verb={"id": "http://adlnet.gov/expapi/verbs/voided"},
                object={"objectType": "StatementRef", "id": target},
            )
        ],
    )
    lrs_session.commit()
    ids = [s["id"] for s in api.query_statements(lrs_session)]
    assert target not in ids and len(ids) == 1


def test_state_round_trip(lrs_session):
    activity = "http://lms.example/courses/1"
    assert api.get_state(lrs_session, activity, LEARNER, "bookmark") is None
    api.put_state(lrs_session, activity, LEARNER, "bookmark", b'{"page": 3}')
    lrs_session.commit()
    assert api.get_state(lrs_session, activity, LEARNER, "bookmark") == b'{"page": 3}'
    api.delete_state(lrs_session, activity, LEARNER, "bookmark")
    lrs_session.commit()
    assert api.get_state(lrs_session, activity, LEARNER, "bookmark") is None


def test_session_credential_is_limited_to_its_agent(lrs_app, lrs_session, lrs_client):
    from lrs_helpers import basic

    key, secret = api.create_session_credential(lrs_session, LEARNER, ttl_seconds=60)
    lrs_session.commit()
    headers = {"Authorization": basic(key, secret), "X-Experience-API-Version": "1.0.3"}
    mine = lrs_client.post("/xapi/statements", json=make_statement(actor=LEARNER), headers=headers)
    assert mine.status_code == 200
    theirs = lrs_client.post("/xapi/statements", json=make_statement(), headers=headers)
    assert theirs.status_code == 403
    listing = lrs_client.get("/xapi/statements", headers=headers)
    assert [s["id"] for s in listing.get_json()["statements"]] == mine.get_json()


def test_since_and_until_across_years(lrs_session):
    from datetime import UTC, datetime

    from sqlalchemy import update

    from xapi_store.models import Statement

    ids = [api.store_statements(lrs_session, [make_statement()])[0] for _ in range(3)]
    for year, statement_id in zip((2020, 2021, 2022), ids, strict=True):
        lrs_session.execute(
            update(Statement)
            .where(Statement.statement_id == statement_id)
            .values(stored=datetime(year, 1, 1, tzinfo=UTC))
        )
    lrs_session.commit()

    def found(**filters):
        return [s["id"] for s in api.query_statements(lrs_session, **filters)]

    assert found(since="2020-06-01T00:00:00Z") == [ids[2], ids[1]]
    assert found(until="2021-06-01T00:00:00Z") == [ids[1], ids[0]]
    assert found(since="2020-06-01T00:00:00Z", until="2021-06-01T00:00:00Z") == [ids[1]]
    assert found(since="2023-01-01T00:00:00Z") == []
    assert found(until="2019-01-01T00:00:00Z") == []
