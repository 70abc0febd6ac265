"""Certification pages (trainer), the public certificate page, PDF, credential and verification."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from lms.access import PUBLIC, USER, allow
from lms.auth.services import find_by_public_id
from lms.bidi import with_names
from lms.certificates import services, signing
from lms.certificates.document import certificate_pdf
from lms.certificates.forms import CertifyForm, RevokeForm, VerifyForm
from lms.certificates.models import Certificate
from lms.certificates.services import CertificationError
from lms.cohorts import catalog
from lms.cohorts import services as cohorts
from lms.cohorts.models import Cohort
from lms.db import session

bp = Blueprint("certificates", __name__, template_folder="templates")

MESSAGES = {
    "not-your-cohort": _l("This cohort is not yours."),
    "not-accredited": _l(
        "You are not accredited for this course, so you cannot certify in it. Ask an administrator."
    ),
    "course-not-in-cohort": _l("This course is not one of the cohort's courses."),
    "not-member": _l("This learner is not in the cohort."),
    "already-certified": _l("This learner already holds a valid certificate for this course."),
    "reason-needed": _l(
        "A criterion is missing: write why you certify anyway (at least 10 characters)."
    ),
    "may-not-revoke": _l("Only an administrator or the trainer who certified may revoke."),
    "already-revoked": _l("This certificate is already revoked."),
}
CRITERIA_LABELS = {
    "completed": _l("Course completed"),
    "quizzes": _l("Module quizzes passed"),
    "attendance": _l("Attendance at the cohort's sessions"),
}


def criterion_detail(criterion) -> str:
    d = criterion.detail
    if criterion.key == "quizzes":
        return _("%(passed)d of %(total)d", **d)
    if criterion.key == "attendance" and not d["held"]:
        return _("no session held")
    if criterion.key == "attendance":
        return _("%(attended)d of %(held)d sessions, at least %(needed)d%% needed", **d)
    return ""


def _cohort(cohort_id: int) -> Cohort:
    cohort = session.get(Cohort, cohort_id) or abort(404)
    if not cohorts.may_manage(current_user, cohort):
        abort(403)
    return cohort


@bp.route("/cohorts/<int:cohort_id>/certification")
@allow("trainer", "admin")
def cohort_certification(cohort_id: int):
    cohort = _cohort(cohort_id)
    rows = []
    for member in sorted(cohort.members, key=lambda m: m.user.display_name.lower()):
        for course_id in cohort.course_ids:
            found = services.criteria(session, cohort, member.user, course_id)
            rows.append(
                (
                    member.user,
                    course_id,
                    found,
                    services.valid_certificate(session, member.user, course_id),
                )
            )
    return render_template(
        "certificates/cohort.html",
        cohort=cohort,
        rows=rows,
        labels=CRITERIA_LABELS,
        course_title=catalog.course_title,
        accredited=cohorts.accredited_courses(session, current_user),
    )


@bp.route("/cohorts/<int:cohort_id>/certification/<public_id>", methods=["GET", "POST"])
@allow("trainer", "admin")
def certify(cohort_id: int, public_id: str):
    cohort = _cohort(cohort_id)
    learner = find_by_public_id(session, public_id) or abort(404)
    if cohorts.membership(session, cohort, learner) is None:
        abort(404)
    course_id = request.values.get("course_id", "")
    if course_id not in cohort.course_ids:
        abort(404)
    form = CertifyForm(course_id=course_id)
    found = services.criteria(session, cohort, learner, course_id)
    status = 200
    if form.validate_on_submit():
        try:
            cert = services.certify(
                session,
                current_user,
                cohort,
                learner,
                course_id,
                form.comment.data or "",
                form.override_reason.data or "",
            )
        except CertificationError as exc:
            target = form.override_reason if str(exc) == "reason-needed" else None
            (target.errors if target else form.form_errors).append(str(MESSAGES[str(exc)]))
            status = 400
        else:
            flash(with_names(_("%(name)s is certified."), name=learner.display_name), "success")
            return redirect(url_for("certificates.public", code=cert.code))
    elif form.is_submitted():
        status = 400
    return (
        render_template(
            "certificates/certify.html",
            cohort=cohort,
            learner=learner,
            course_id=course_id,
            criteria=found,
            missing=services.missing(found),
            labels=CRITERIA_LABELS,
            detail=criterion_detail,
            form=form,
            course_title=catalog.course_title,
            accredited=cohorts.is_accredited(session, current_user, course_id),
            existing=services.valid_certificate(session, learner, course_id),
        ),
        status,
    )


# --- public ---------------------------------------------------------------------------------


def _certificate(code: str) -> Certificate:
    cert = services.find(session, code)
    if cert is None:
        abort(404)
    return cert


@bp.route("/certificates/<code>")
@allow(PUBLIC)
def public(code: str):
    cert = services.find(session, code)
    if cert is None:
        return render_template("certificates/unknown.html", code=code[:40]), 404
    owner_or_staff = current_user.is_authenticated and _may_download(cert)
    return render_template(
        "certificates/public.html",
        cert=cert,
        course_title=catalog.course_title(cert.course_id),
        may_download=owner_or_staff,
        may_revoke=current_user.is_authenticated and services.may_revoke(current_user, cert),
        revoke_form=RevokeForm(),
    )


def _may_download(cert: Certificate) -> bool:
    return cert.learner_id == current_user.id or services.may_revoke(current_user, cert)


@bp.route("/certificates/<code>/certificate.pdf")
@allow(USER)
def pdf(code: str):
    cert = _certificate(code)
    if not _may_download(cert):
        abort(403)
    body = certificate_pdf(cert, services.public_url(cert))
    return Response(
        body,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="certificate-{cert.code}.pdf"'},
    )


@bp.route("/certificates/<code>/credential.jwt")
@allow(USER)
def credential(code: str):
    cert = _certificate(code)
    if not _may_download(cert):
        abort(403)
    return Response(
        cert.credential_jwt,
        mimetype="application/vc+jwt",
        headers={"Content-Disposition": f'attachment; filename="certificate-{cert.code}.jwt"'},
    )


@bp.route("/certificates/<code>/status")
@allow(PUBLIC)
def status(code: str):
    cert = _certificate(code)
    return jsonify(
        id=services.public_url(cert),
        revoked=not cert.valid,
        revokedAt=cert.revoked_at.isoformat() if cert.revoked_at else None,
    )


@bp.route("/certificates/<code>/revoke", methods=["POST"])
@allow("trainer", "admin")
def revoke(code: str):
    cert = _certificate(code)
    if not services.may_revoke(current_user, cert):
        abort(403)
    form = RevokeForm()
    if not form.validate_on_submit():
        flash(_("Write the reason for revoking (at least 5 characters)."), "error")
        return redirect(url_for("certificates.public", code=cert.code)), 303
    try:
        services.revoke(session, current_user, cert, form.reason.data)
    except CertificationError as exc:
        flash(str(MESSAGES[str(exc)]), "error")
        return redirect(url_for("certificates.public", code=cert.code)), 303
    flash(_("The certificate is revoked."), "success")
    return redirect(url_for("certificates.public", code=cert.code))


@bp.route("/certificates/verify", methods=["GET", "POST"])
@allow(PUBLIC)
def verify():
    form = VerifyForm()
    result = None
    status = 200
    if form.validate_on_submit():
        result = services.verify(session, form.credential.data)
        status = 200 if result.valid else 422
    elif form.is_submitted():
        status = 400
    return render_template(
        "certificates/verify.html", form=form, result=result, course_title=catalog.course_title
    ), status


@bp.route("/certificates/issuer")
@allow(PUBLIC)
def issuer():
    profile = services.issuer_profile()
    profile["@context"] = [services.VC_CONTEXT, services.OB_CONTEXT]
    profile["publicKey"] = signing.public_jwk()
    profile["jwks"] = services.absolute("certificates.jwks")
    return jsonify(profile)


@bp.route("/certificates/jwks.json")
@allow(PUBLIC)
def jwks():
    return jsonify(keys=[signing.public_jwk()])


def profile_section(user):
    """The learner's certificates on their profile page."""
    if not user.is_authenticated:
        return None
    found = services.certificates_of(session, user)
    if not found:
        return None
    # the template's output is already escaped HTML: mark it safe for the profile page
    return Markup(  # noqa: S704
        render_template(
            "certificates/profile_section.html",
            certificates=found,
            course_title=catalog.course_title,
        )
    )
