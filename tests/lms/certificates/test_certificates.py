"""Certification criteria, certifying, revoking, the public page, PDF and signed credential."""

from __future__ import annotations

import base64
import json

from lms.certificates import services, signing
from lms.certificates.models import Certificate
from lms.xapi.vocabulary import VERBS
from tests.lms.cohorts.helpers import (
    accredit,
    complete_course,
    create_cohort,
    database,
    join,
    login,
)
from xapi_store.models import Statement


def cohort_with_learner(client, make_user, app, completed=True, **learner_profile):
    admin, trainer = make_user("admin"), make_user("trainer", display_name="Karim Trainer")
    learner = make_user("learner", display_name="Amina Learner", **learner_profile)
    accredit(client, admin, trainer)
    cohort_id, code = create_cohort(client, trainer)
    join(client, learner, code)
    if completed:
        complete_course(app, learner)
    login(client, trainer)
    return admin, trainer, learner, cohort_id


def certify_url(cohort_id, learner):
    return f"/cohorts/{cohort_id}/certification/{learner.public_id}?course_id=think-coop"


def the_certificate(app, learner) -> Certificate:
    with database(app) as db:
        cert = db.query(Certificate).filter_by(learner_id=learner.id).one()
        db.expunge(cert)
        return cert


def test_criteria_show_what_is_met_and_missing(client, make_user, app):
    _a, trainer, learner, cohort_id = cohort_with_learner(client, make_user, app, completed=False)
    page = client.get(certify_url(cohort_id, learner)).get_data(as_text=True)
    assert page.count("✘ Manquant") == 2  # not completed, quizzes not passed
    assert "0 sur 6" in page  # quizzes passed, of Think.COOP's six modules
    assert "Raison de certifier malgré" in page
    complete_course(app, learner)
    page = client.get(certify_url(cohort_id, learner)).get_data(as_text=True)
    assert page.count("✔ Rempli") == 3 and "Manquant" not in page  # no session held yet


def test_attendance_below_the_course_minimum_is_missing(client, make_user, app):
    _a, trainer, learner, cohort_id = cohort_with_learner(client, make_user, app)
    for day in ("2026-11-02", "2026-11-03", "2026-11-04"):
        response = client.post(
            f"/cohorts/{cohort_id}/sessions",
            data={"held_on": day, "module": "think-coop/what-is-a-cooperative"},
        )
    client.post(response.headers["Location"], data={"present": [str(learner.id)]})
    page = client.get(certify_url(cohort_id, learner)).get_data(as_text=True)
    assert "✘ Manquant · Présence aux séances de la cohorte (1 séance(s) sur 3, au moins 50" in page


def test_trainer_certifies_a_learner_who_meets_every_criterion(client, make_user, app):
    _a, trainer, learner, cohort_id = cohort_with_learner(client, make_user, app)
    response = client.post(
        certify_url(cohort_id, learner),
        data={"course_id": "think-coop", "comment": "Très bon travail"},
    )
    assert response.status_code == 302
    cert = the_certificate(app, learner)
    assert cert.valid and cert.missing_criteria == [] and cert.comment == "Très bon travail"
    with database(app) as db:
        stmt = db.query(Statement).order_by(Statement.seq.desc()).first().data
    assert stmt["verb"]["id"] == VERBS["certified"][0]
    assert stmt["actor"]["account"]["name"] == trainer.public_id
    assert stmt["result"]["success"] is True
    again = client.post(certify_url(cohort_id, learner), data={"course_id": "think-coop"})
    assert again.status_code == 400


def test_certifying_despite_a_missing_criterion_needs_a_written_reason(client, make_user, app):
    _a, trainer, learner, cohort_id = cohort_with_learner(client, make_user, app, completed=False)
    response = client.post(certify_url(cohort_id, learner), data={"course_id": "think-coop"})
    assert response.status_code == 400
    assert "écrivez pourquoi" in response.get_data(as_text=True)
    with database(app) as db:
        assert db.query(Certificate).filter_by(learner_id=learner.id).count() == 0
    reason = "A suivi toutes les séances en salle, sans téléphone."
    response = client.post(
        certify_url(cohort_id, learner), data={"course_id": "think-coop", "override_reason": reason}
    )
    assert response.status_code == 302
    cert = the_certificate(app, learner)
    assert cert.override_reason == reason and set(cert.missing_criteria) == {"completed", "quizzes"}


def test_trainer_not_accredited_cannot_certify(client, make_user, app):
    trainer, learner = make_user("trainer"), make_user("learner")
    cohort_id, code = create_cohort(client, trainer)
    join(client, learner, code)
    complete_course(app, learner)
    login(client, trainer)
    page = client.get(certify_url(cohort_id, learner)).get_data(as_text=True)
    assert "pas accrédité" in page
    response = client.post(certify_url(cohort_id, learner), data={"course_id": "think-coop"})
    assert response.status_code == 400
    with database(app) as db:
        assert db.query(Certificate).filter_by(learner_id=learner.id).count() == 0


def test_withdrawn_accreditation_stops_certification(client, make_user, app):
    admin, trainer, learner, cohort_id = cohort_with_learner(client, make_user, app)
    from lms.cohorts.services import active_accreditation

    with database(app) as db:
        accreditation_id = active_accreditation(db, trainer, "think-coop").id
    login(client, admin)
    client.post(f"/accreditations/{accreditation_id}/withdraw", data={"reason": "Plus actif"})
    login(client, trainer)
    response = client.post(certify_url(cohort_id, learner), data={"course_id": "think-coop"})
    assert response.status_code == 400


def test_other_trainer_cannot_certify_or_revoke(client, make_user, app):
    admin, trainer, learner, cohort_id = cohort_with_learner(client, make_user, app)
    other = make_user("trainer")
    accredit(client, admin, other)
    login(client, other)
    assert client.get(certify_url(cohort_id, learner)).status_code == 403
    assert (
        client.post(certify_url(cohort_id, learner), data={"course_id": "think-coop"}).status_code
        == 403
    )
    login(client, trainer)
    client.post(certify_url(cohort_id, learner), data={"course_id": "think-coop"})
    cert = the_certificate(app, learner)
    login(client, other)
    assert (
        client.post(f"/certificates/{cert.code}/revoke", data={"reason": "Je veux"}).status_code
        == 403
    )
    assert client.get(f"/certificates/{cert.code}/certificate.pdf").status_code == 403
    login(client, make_user("learner"))
    assert client.get(f"/certificates/{cert.code}/credential.jwt").status_code == 403


def test_public_page_needs_no_login_and_shows_revocation(client, make_user, app):
    admin, trainer, learner, cohort_id = cohort_with_learner(client, make_user, app)
    client.post(certify_url(cohort_id, learner), data={"course_id": "think-coop"})
    cert = the_certificate(app, learner)
    client.post("/logout")
    with client.session_transaction() as s:
        s.clear()
    page = client.get(f"/certificates/{cert.code}").get_data(as_text=True)
    assert "Certificat valable" in page and "Amina Learner" in page
    assert "Penser coopérative" in page and "Karim Trainer" in page
    assert "certificate.pdf" not in page  # downloads are for the learner and staff
    unknown = client.get("/certificates/NOPE")
    assert unknown.status_code == 404 and "Aucun certificat" in unknown.get_data(as_text=True)
    login(client, admin)
    response = client.post(f"/certificates/{cert.code}/revoke", data={"reason": "Fraude"})
    assert response.status_code == 302
    with client.session_transaction() as s:
        s.clear()
    page = client.get(f"/certificates/{cert.code}").get_data(as_text=True)
    assert "révoqué le" in page and "Fraude" in page and "Certificat valable" not in page
    assert client.get(f"/certificates/{cert.code}/status").get_json()["revoked"] is True
    with database(app) as db:
        last = db.query(Statement).order_by(Statement.seq.desc()).first().data
    assert last["verb"]["id"] == VERBS["revoked"][0]


def test_certifying_trainer_may_revoke_with_a_reason(client, make_user, app):
    _a, trainer, learner, cohort_id = cohort_with_learner(client, make_user, app)
    client.post(certify_url(cohort_id, learner), data={"course_id": "think-coop"})
    cert = the_certificate(app, learner)
    response = client.post(f"/certificates/{cert.code}/revoke", data={"reason": ""})
    assert response.status_code == 303 and the_certificate(app, learner).valid
    client.post(f"/certificates/{cert.code}/revoke", data={"reason": "Erreur de nom"})
    assert not the_certificate(app, learner).valid


def _decode_part(part: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def test_signed_credential_verifies_and_a_tampered_one_fails(client, make_user, app):
    admin, trainer, learner, cohort_id = cohort_with_learner(client, make_user, app)
    client.post(certify_url(cohort_id, learner), data={"course_id": "think-coop"})
    cert = the_certificate(app, learner)
    login(client, learner)
    response = client.get(f"/certificates/{cert.code}/credential.jwt")
    assert response.mimetype == "application/vc+jwt"
    token = response.get_data(as_text=True)
    header, payload, signature = token.split(".")
    assert _decode_part(header)["alg"] == "EdDSA"
    credential = _decode_part(payload)
    assert credential["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert "OpenBadgeCredential" in credential["type"]
    assert credential["credentialSubject"]["achievement"]["type"] == ["Achievement"]
    assert credential["issuer"]["id"].endswith("/certificates/issuer") and credential["validFrom"]
    # anyone can check it
    with client.session_transaction() as s:
        s.clear()
    ok = client.post("/certificates/verify", data={"credential": token})
    assert ok.status_code == 200 and "Valable : signé par Taawun" in ok.get_data(as_text=True)
    credential["credentialSubject"]["identifier"][0]["identityHash"] = "Someone Else"
    forged_payload = base64.urlsafe_b64encode(json.dumps(credential).encode()).rstrip(b"=")
    forged = f"{header}.{forged_payload.decode()}.{signature}"
    bad = client.post("/certificates/verify", data={"credential": forged})
    assert bad.status_code == 422 and "Non valable" in bad.get_data(as_text=True)
    assert client.post("/certificates/verify", data={"credential": "garbage"}).status_code == 422
    # the public key is published
    jwk = client.get("/certificates/jwks.json").get_json()["keys"][0]
    assert jwk["kty"] == "OKP" and jwk["crv"] == "Ed25519"
    # revoked: the signature still matches but the verification says revoked
    login(client, admin)
    client.post(f"/certificates/{cert.code}/revoke", data={"reason": "Erreur"})
    revoked = client.post("/certificates/verify", data={"credential": token})
    assert revoked.status_code == 422 and "a été révoqué" in revoked.get_data(as_text=True)


def test_signing_key_is_made_once_and_kept(app):
    with app.app_context():
        first = signing.public_jwk()
        app.extensions.pop("taawun.signing_key")
        assert signing.public_jwk() == first


def test_certificate_pdf_in_the_learners_language_and_profile_lists_it(client, make_user, app):
    _a, trainer, learner, cohort_id = cohort_with_learner(
        client, make_user, app, preferred_language="ar"
    )
    client.post(certify_url(cohort_id, learner), data={"course_id": "think-coop"})
    cert = the_certificate(app, learner)
    assert cert.language == "ar"
    login(client, learner)
    response = client.get(f"/certificates/{cert.code}/certificate.pdf")
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    profile = client.get("/profile").get_data(as_text=True)
    assert "شهاداتي" in profile and f"/certificates/{cert.code}" in profile


def test_verification_service_reports_unknown_certificates(app):
    with database(app) as db:
        payload = {
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "id": "http://taawun.test/certificates/ZZZZZZZZZZZZ",
        }
        with app.test_request_context():
            result = services.verify(db, signing.sign(payload))
    assert result.signature_ok and result.problem == "unknown" and not result.valid
