"""Command line: lrs-client create/list/revoke, export and import of the whole LRS."""

import json
import uuid
from urllib.parse import urlencode

from lrs_helpers import basic, make_statement

import xapi_store
from xapi_store.models import Credential


def test_create_list_revoke(lrs_app, lrs_client):
    runner = lrs_app.test_cli_runner()
    result = runner.invoke(args=["lrs-client", "create", "authoring-tool", "--scope", "state"])
    assert result.exit_code == 0, result.output
    created = json.loads(result.output)
    with lrs_app.app_context():
        stored = lrs_app.extensions["db_session"].get(Credential, created["key"])
        assert stored.secret_hash != created["secret"]  # only a hash is kept
    listing = runner.invoke(args=["lrs-client", "list"])
    assert created["key"] in listing.output and "authoring-tool" in listing.output
    assert created["secret"] not in listing.output
    headers = {
        "Authorization": basic(created["key"], created["secret"]),
        "X-Experience-API-Version": "1.0.3",
    }
    state = "/xapi/activities/state?" + urlencode(
        {"activityId": "http://a.example", "agent": '{"mbox":"mailto:a@b.c"}', "stateId": "s"}
    )
    assert lrs_client.put(state, json={}, headers=headers).status_code == 204
    assert runner.invoke(args=["lrs-client", "revoke", created["key"]]).exit_code == 0
    assert lrs_client.put(state, json={}, headers=headers).status_code == 401
    again = runner.invoke(args=["lrs-client", "revoke", created["key"]])
    assert again.exit_code != 0 and "no active credential" in again.output


def test_unknown_scope_is_refused(lrs_app):
    result = lrs_app.test_cli_runner().invoke(
        args=["lrs-client", "create", "x", "--scope", "everything"]
    )
    assert result.exit_code != 0


def test_export_import_round_trip(lrs_app, lrs_client, lrs_auth, tmp_path):
    attachment = {
        "usageType": "http://example.org/usage",
        "display": {"en": "file"},
        "contentType": "text/plain",
        "length": 4,
        "sha2": "a" * 64,
        "fileUrl": "http://files.example/f",
    }
    ids = []
    for i in range(5):
        statement = make_statement(result={"response": str(i)})
        if i == 2:
            statement["attachments"] = [attachment]
        response = lrs_client.post("/xapi/statements", json=statement, headers=lrs_auth)
        ids += response.get_json()
    voiding = make_statement(
        verb={"id": "http://adlnet.gov/expapi/verbs/voided"},
        object={"objectType": "StatementRef", "id": ids[0]},
    )
    lrs_client.post("/xapi/statements", json=voiding, headers=lrs_auth)
    state = "/xapi/activities/state?" + urlencode(
        {"activityId": "http://a.example", "agent": '{"mbox":"mailto:a@b.c"}', "stateId": "s"}
    )
    lrs_client.put(state, data=bytes(range(256)), headers={**lrs_auth, "Content-Type": "image/png"})
    before = lrs_client.get("/xapi/statements?ascending=true", headers=lrs_auth).get_json()

    export = tmp_path / "lrs.jsonl"
    result = lrs_app.test_cli_runner().invoke(args=["export", str(export)])
    assert result.exit_code == 0, result.output

    target = xapi_store.create_app(f"sqlite:///{tmp_path / 'copy.sqlite3'}")
    result = target.test_cli_runner().invoke(args=["import", str(export)])
    assert result.exit_code == 0, result.output
    copy = target.test_client()
    with target.app_context():
        from xapi_store import auth

        session = target.extensions["db_session"]
        key, secret = auth.create_credential(session, "reader", ["all"])
        session.commit()
    headers = {"Authorization": basic(key, secret), "X-Experience-API-Version": "1.0.3"}
    after = copy.get("/xapi/statements?ascending=true", headers=headers).get_json()
    assert after["statements"] == before["statements"]
    voided = copy.get(f"/xapi/statements?voidedStatementId={ids[0]}", headers=headers)
    assert voided.status_code == 200
    assert copy.get(state, headers=headers).data == bytes(range(256))
    # Importing the same file again adds nothing.
    result = target.test_cli_runner().invoke(args=["import", str(export)])
    assert "imported 0 statements" in result.output


def test_import_names_the_bad_line_and_imports_nothing(lrs_app, tmp_path):
    good = {
        "type": "statement",
        "voided": False,
        "statement": {
            **make_statement(),
            "id": str(uuid.uuid4()),
            "stored": "2026-11-23T10:00:00.000Z",
        },
    }
    bad = {"type": "statement", "statement": make_statement(actor={"mbox": "nope"})}
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n")
    result = lrs_app.test_cli_runner().invoke(args=["import", str(path)])
    assert result.exit_code != 0
    assert f"{path}:2: statement.actor.mbox: must be a mailto: IRI" in result.output
    with lrs_app.app_context():
        from xapi_store import api

        assert api.query_statements(lrs_app.extensions["db_session"]) == []
