"""Certification rules: the criteria, certifying, revoking, and the Open Badges credential."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import tincan
from flask import current_app, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.auth.models import User
from lms.certificates import signing
from lms.certificates.models import Certificate
from lms.cohorts import catalog
from lms.cohorts import services as cohorts
from lms.cohorts.models import Cohort
from lms.db import utcnow
from lms.xapi import recorder
from lms.xapi.vocabulary import EXTENSIONS

CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 12

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


class CertificationError(ValueError):
    """A certification rule was broken; the key names which (views translate it)."""


@dataclass(frozen=True)
class Criterion:
    key: str  # completed | quizzes | attendance
    met: bool
    detail: dict  # numbers for the sentence shown


def criteria(session: Session, cohort: Cohort, learner: User, course_id: str) -> list[Criterion]:
    """What the course asks (course.toml) and where the learner stands on each."""
    status = catalog.status(learner, course_id)
    quizzes = catalog.quiz_module_ids(course_id)
    passed = sum(1 for m in status.modules if m.module_id in quizzes and m.quiz_passed)
    attended, held = cohorts.attendance_share(session, cohort, learner, course_id)
    needed = catalog.min_attendance(course_id)
    share = attended / held if held else 0.0
    return [
        Criterion("completed", status.completed, {}),
        Criterion("quizzes", passed == len(quizzes), {"passed": passed, "total": len(quizzes)}),
        Criterion(
            "attendance",
            # an online cohort without sessions has nothing to attend
            held == 0 or share >= needed - 1e-9,
            {"attended": attended, "held": held, "needed": round(needed * 100)},
        ),
    ]


def missing(found: list[Criterion]) -> list[str]:
    return [c.key for c in found if not c.met]


def valid_certificate(session: Session, learner: User, course_id: str) -> Certificate | None:
    return session.scalar(
        select(Certificate).where(
            Certificate.learner_id == learner.id,
            Certificate.course_id == course_id,
            Certificate.revoked_at.is_(None),
        )
    )


def new_code(session: Session) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not session.scalar(select(Certificate.id).where(Certificate.code == code)):
            return code


def certificate_activity(cert: Certificate) -> tincan.Activity:
    title = catalog.course_titles(cert.course_id)
    return recorder.activity(recorder.activity_iri("certificates", cert.code), "certificate", title)


def certify(
    session: Session,
    trainer: User,
    cohort: Cohort,
    learner: User,
    course_id: str,
    comment: str = "",
    override_reason: str = "",
) -> Certificate:
    """The trainer certifies; a missing criterion needs a written reason."""
    if not cohorts.may_manage(trainer, cohort):
        raise CertificationError("not-your-cohort")
    if not cohorts.is_accredited(session, trainer, course_id):
        raise CertificationError("not-accredited")
    if course_id not in cohort.course_ids:
        raise CertificationError("course-not-in-cohort")
    if cohorts.membership(session, cohort, learner) is None:
        raise CertificationError("not-member")
    if valid_certificate(session, learner, course_id):
        raise CertificationError("already-certified")
    gaps = missing(criteria(session, cohort, learner, course_id))
    if gaps and len(override_reason.strip()) < 10:
        raise CertificationError("reason-needed")
    cert = Certificate(
        code=new_code(session),
        learner_id=learner.id,
        course_id=course_id,
        cohort_id=cohort.id,
        trainer_id=trainer.id,
        issued_at=utcnow(),
        language=learner.preferred_language or "fr",
        learner_name=learner.display_name,
        trainer_name=trainer.display_name,
        comment=comment.strip(),
        missing_criteria=gaps,
        override_reason=override_reason.strip() if gaps else "",
    )
    session.add(cert)
    session.flush()
    cert.credential_jwt = signing.sign(open_badge(cert))
    extensions = {EXTENSIONS["learner"]: recorder.actor_dict(learner)}
    if gaps:
        extensions[EXTENSIONS["missing-criteria"]] = gaps
        extensions[EXTENSIONS["reason"]] = cert.override_reason
    stmt = recorder.statement(
        trainer,
        "certified",
        certificate_activity(cert),
        result=tincan.Result(
            success=not gaps,
            response=cert.comment or None,
            extensions=tincan.Extensions(extensions),
        ),
        ctx=recorder.context(
            grouping=[cohorts.cohort_activity(cohort), cohorts.course_activity(course_id)]
        ),
    )
    recorder.record(stmt, session)
    return cert


def may_revoke(user: User, cert: Certificate) -> bool:
    return user.has_role("admin") or (cert.trainer_id is not None and cert.trainer_id == user.id)


def revoke(session: Session, user: User, cert: Certificate, reason: str) -> None:
    if not may_revoke(user, cert):
        raise CertificationError("may-not-revoke")
    if cert.revoked_at is not None:
        raise CertificationError("already-revoked")
    if len(reason.strip()) < 5:
        raise CertificationError("reason-needed")
    cert.revoked_at = utcnow()
    cert.revoked_by_id = user.id
    cert.revocation_reason = reason.strip()
    stmt = recorder.statement(
        user,
        "revoked",
        certificate_activity(cert),
        result=tincan.Result(
            extensions=tincan.Extensions(
                {
                    EXTENSIONS["reason"]: cert.revocation_reason,
                    EXTENSIONS["learner"]: recorder.actor_dict(cert.learner),
                }
            )
        ),
    )
    recorder.record(stmt, session)


def certificates_of(session: Session, learner: User) -> list[Certificate]:
    return list(
        session.scalars(
            select(Certificate)
            .where(Certificate.learner_id == learner.id)
            .order_by(Certificate.issued_at.desc())
        )
    )


def find(session: Session, code: str) -> Certificate | None:
    code = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    if len(code) != CODE_LENGTH:
        return None
    return session.scalar(select(Certificate).where(Certificate.code == code))


# --- Open Badges 3.0 -------------------------------------------------------------------------


def absolute(endpoint: str, **values) -> str:
    """A link under LMS_BASE_URL (the contract's address for certificates), not the request's."""
    return current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def public_url(cert: Certificate) -> str:
    return absolute("certificates.public", code=cert.code)


def issuer_profile() -> dict:
    return {
        "id": absolute("certificates.issuer"),
        "type": ["Profile"],
        "name": "Taawun",
        "url": absolute("main.home"),
    }


def open_badge(cert: Certificate) -> dict:
    """An OpenBadgeCredential (Open Badges 3.0 on the W3C VC Data Model 2.0)."""
    course_id = cert.course_id
    titles = catalog.course_titles(course_id)
    lang = cert.language if cert.language in titles else "fr"
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": public_url(cert),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer_profile(),
        "validFrom": cert.issued_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "name": titles[lang],
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": cert.learner_name,
                    "identityType": "name",
                    "hashed": False,
                }
            ],
            "achievement": {
                "id": recorder.activity_iri("courses", course_id),
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": titles[lang],
                "description": titles[lang],
                "criteria": {
                    "narrative": "Course completed, every module quiz passed, and the course's "
                    "minimum attendance at the cohort's sessions; certified by an accredited "
                    "trainer."
                },
                "inLanguage": lang,
            },
        },
        "credentialStatus": {
            "id": absolute("certificates.status", code=cert.code),
            "type": "1EdTechRevocationList",
        },
    }


@dataclass
class Verification:
    signature_ok: bool
    certificate: Certificate | None = None
    credential: dict | None = None
    problem: str = ""

    @property
    def valid(self) -> bool:
        return self.signature_ok and self.certificate is not None and self.certificate.valid


def verify(session: Session, token: str) -> Verification:
    """Check the signature, then look the certificate up for revocation."""
    try:
        credential = signing.verify(token)
    except signing.InvalidCredential:
        return Verification(False, problem="bad-signature")
    code = credential.get("id", "").rstrip("/").rsplit("/", 1)[-1]
    cert = find(session, code)
    if cert is None:
        return Verification(True, None, credential, "unknown")
    return Verification(True, cert, credential, "" if cert.valid else "revoked")
