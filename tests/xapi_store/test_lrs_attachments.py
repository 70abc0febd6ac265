"""Attachments: multipart/mixed requests and answers, fileUrl, signed statements (JWS)."""

import base64
import datetime
import hashlib
import json

import jwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lrs_helpers import make_statement

SIGNATURE = "http://adlnet.gov/expapi/attachments/signature"


def attachment_meta(
    body: bytes, usage="http://example.org/usage/report", content_type="text/plain"
):
    return {
        "usageType": usage,
        "display": {"en": "report"},
        "contentType": content_type,
        "length": len(body),
        "sha2": hashlib.sha256(body).hexdigest(),
    }


def multipart(statements, parts, boundary="xapi-boundary"):
    out = [f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode()]
    out.append(json.dumps(statements).encode() + b"\r\n")
    for content_type, body in parts:
        out.append(
            f"--{boundary}\r\nContent-Type: {content_type}\r\nContent-Transfer-Encoding: binary\r\n"
            f"X-Experience-API-Hash: {hashlib.sha256(body).hexdigest()}\r\n\r\n".encode()
        )
        out.append(body + b"\r\n")
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out), f"multipart/mixed; boundary={boundary}"


def send(client, headers, statements, parts):
    body, content_type = multipart(statements, parts)
    return client.post(
        "/xapi/statements", data=body, headers={**headers, "Content-Type": content_type}
    )


def test_attachment_round_trip(lrs_client, lrs_auth):
    body = "تقرير الجمعية".encode()
    statement = make_statement(attachments=[attachment_meta(body)])
    response = send(lrs_client, lrs_auth, statement, [("text/plain", body)])
    assert response.status_code == 200, response.get_json()
    [statement_id] = response.get_json()
    got = lrs_client.get(
        f"/xapi/statements?statementId={statement_id}&attachments=true", headers=lrs_auth
    )
    assert got.mimetype == "multipart/mixed"
    assert body in got.data
    assert hashlib.sha256(body).hexdigest().encode() in got.data


def test_attachment_body_is_required_unless_file_url(lrs_client, lrs_auth):
    body = b"report"
    statement = make_statement(attachments=[attachment_meta(body)])
    response = lrs_client.post("/xapi/statements", json=statement, headers=lrs_auth)
    assert response.status_code == 400
    with_url = make_statement(
        attachments=[{**attachment_meta(body), "fileUrl": "http://files.example/report.txt"}]
    )
    assert lrs_client.post("/xapi/statements", json=with_url, headers=lrs_auth).status_code == 200


def test_wrong_hash_and_undeclared_parts_are_rejected(lrs_client, lrs_auth):
    statement = make_statement(attachments=[attachment_meta(b"declared")])
    assert send(lrs_client, lrs_auth, statement, [("text/plain", b"other")]).status_code == 400
    plain = make_statement()
    assert send(lrs_client, lrs_auth, plain, [("text/plain", b"stray")]).status_code == 400


@pytest.fixture(scope="module")
def signer():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "taawun test")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    x5c = base64.b64encode(certificate.public_bytes(serialization.Encoding.DER)).decode()
    return key, x5c


def signed(statement, signer, payload=None, algorithm="RS256"):
    key, x5c = signer
    token = jwt.encode(payload or statement, key, algorithm=algorithm, headers={"x5c": [x5c]})
    body = token.encode()
    meta = attachment_meta(body, usage=SIGNATURE, content_type="application/octet-stream")
    return {**statement, "attachments": [meta]}, [("application/octet-stream", body)]


def test_signed_statement_is_accepted(lrs_client, lrs_auth, signer):
    statement, parts = signed(make_statement(), signer)
    assert send(lrs_client, lrs_auth, statement, parts).status_code == 200


def test_signature_of_another_statement_is_rejected(lrs_client, lrs_auth, signer):
    other = make_statement(verb={"id": "http://example.org/verbs/forged"})
    statement, parts = signed(make_statement(), signer, payload=other)
    response = send(lrs_client, lrs_auth, statement, parts)
    assert response.status_code == 400
    assert "does not match" in response.get_json()["message"]


def test_signature_with_other_algorithm_is_rejected(lrs_client, lrs_auth):
    statement = make_statement()
    token = jwt.encode(statement, "s" * 32, algorithm="HS256").encode()
    meta = attachment_meta(token, usage=SIGNATURE, content_type="application/octet-stream")
    parts = [("application/octet-stream", token)]
    response = send(lrs_client, lrs_auth, {**statement, "attachments": [meta]}, parts)
    assert response.status_code == 400


def test_attachment_body_is_stored_once_per_sha2(lrs_app, lrs_client, lrs_auth):
    from sqlalchemy import func, select

    from xapi_store.models import Attachment

    body = b"the same report, sent twice"
    for _ in range(2):
        statement = make_statement(attachments=[attachment_meta(body)])
        assert send(lrs_client, lrs_auth, statement, [("text/plain", body)]).status_code == 200
    with lrs_app.app_context():
        session = lrs_app.extensions["db_session"]
        assert session.scalar(select(func.count()).select_from(Attachment)) == 1
