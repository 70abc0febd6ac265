"""Cohort pages: accreditations, cohorts, join code and QR, members, sessions, attendance."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from lms.access import USER, allow
from lms.auth.services import find_by_email, find_by_public_id
from lms.bidi import with_names
from lms.cohorts import catalog, services
from lms.cohorts.forms import (
    AccreditForm,
    AddMemberForm,
    CohortForm,
    ConfirmForm,
    JoinForm,
    ReasonForm,
    SessionForm,
)
from lms.cohorts.handout import handout_pdf
from lms.cohorts.models import Accreditation, Cohort, CohortSession
from lms.cohorts.services import CohortError
from lms.db import session
from lms.forms import form_status
from lms.i18n import current_language, localised
from lms.regions import region_name

bp = Blueprint("cohorts", __name__, template_folder="templates")

MESSAGES = {
    "not-a-trainer": _l("This account does not have the trainer role. Give it the role first."),
    "already-accredited": _l("This trainer is already accredited for this course."),
    "already-withdrawn": _l("This accreditation was already withdrawn."),
    "already-member": _l("This learner is already in the cohort."),
    "not-member": _l("This learner is not in the cohort."),
    "course-not-in-cohort": _l("This module's course is not one of the cohort's courses."),
    "unknown-module": _l("This module does not exist."),
}


def message(error: CohortError) -> str:
    return str(MESSAGES.get(str(error), str(error)))


# --- accreditation (admin) ------------------------------------------------------------------


@bp.route("/accreditations", methods=["GET", "POST"])
@allow("admin")
def accreditations():
    form = AccreditForm().fill_choices()
    status = 200
    if form.validate_on_submit():
        trainer = find_by_email(session, form.trainer_email.data)
        if trainer is None:
            form.trainer_email.errors.append(_("No account has this e-mail address."))
        else:
            try:
                services.accredit(
                    session, current_user, trainer, form.course_id.data, form.note.data or ""
                )
            except CohortError as exc:
                form.trainer_email.errors.append(message(exc))
            else:
                flash(
                    with_names(_("%(name)s is accredited."), name=trainer.display_name), "success"
                )
                return redirect(url_for("cohorts.accreditations"))
        status = 400
    elif form.is_submitted():
        status = 400
    rows = session.scalars(
        select(Accreditation).order_by(
            Accreditation.withdrawn_at.is_not(None), Accreditation.granted_at.desc()
        )
    ).all()
    return (
        render_template(
            "cohorts/accreditations.html",
            form=form,
            rows=rows,
            withdraw_form=ReasonForm(),
            course_title=catalog.course_title,
        ),
        status,
    )


@bp.route("/accreditations/<int:accreditation_id>/withdraw", methods=["POST"])
@allow("admin")
def withdraw(accreditation_id: int):
    row = session.get(Accreditation, accreditation_id) or abort(404)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(
            _("Write the reason for withdrawing the accreditation (at least 5 characters)."),
            "error",
        )
        return redirect(url_for("cohorts.accreditations")), 303
    try:
        services.withdraw_accreditation(session, current_user, row, form.reason.data)
    except CohortError as exc:
        flash(message(exc), "error")
        return redirect(url_for("cohorts.accreditations")), 303
    flash(_("The accreditation is withdrawn."), "success")
    return redirect(url_for("cohorts.accreditations"))


# --- cohorts (trainer, admin) ---------------------------------------------------------------


def _own_cohort(cohort_id: int) -> Cohort:
    cohort = session.get(Cohort, cohort_id)
    if cohort is None:
        abort(404)
    if not services.may_manage(current_user, cohort):
        abort(403)
    return cohort


@bp.route("/cohorts")
@allow("trainer", "admin")
def index():
    return render_template(
        "cohorts/index.html",
        cohorts=services.cohorts_visible_to(session, current_user),
        accredited=services.accredited_courses(session, current_user),
        course_title=catalog.course_title,
    )


@bp.route("/cohorts/new", methods=["GET", "POST"])
@allow("trainer", "admin")
def new():
    form = CohortForm().fill_choices()
    if form.validate_on_submit():
        cohort = services.create_cohort(
            session,
            current_user,
            name=form.name.data.strip(),
            course_ids=list(form.course_ids.data),
            region=form.region.data,
            place=(form.place.data or "").strip(),
            starts_on=form.starts_on.data,
            ends_on=form.ends_on.data,
        )
        flash(_("The cohort is created. Share its join code with the learners."), "success")
        return redirect(url_for("cohorts.show", cohort_id=cohort.id))
    status = form_status(form)
    return render_template("cohorts/new.html", form=form), status


def join_url(cohort: Cohort) -> str:
    # under LMS_BASE_URL: the address learners can reach, whatever host the trainer used
    return current_app.config["BASE_URL"].rstrip("/") + url_for(
        "cohorts.join_link", code=cohort.code
    )


@bp.route("/cohorts/<int:cohort_id>")
@allow("trainer", "admin")
def show(cohort_id: int):
    cohort = _own_cohort(cohort_id)
    members = sorted(cohort.members, key=lambda m: m.user.display_name.lower())
    return render_template(
        "cohorts/show.html",
        cohort=cohort,
        members=members,
        join_url=join_url(cohort),
        member_form=AddMemberForm(),
        confirm_form=ConfirmForm(),
        session_form=SessionForm().fill_choices(cohort),
        course_title=catalog.course_title,
        module_title=_module_title,
        accredited=services.accredited_courses(session, cohort.trainer),
        region_name=lambda code: region_name(code, current_language()),
    )


def _module_title(course_id: str, module_id: str) -> str:
    return catalog.module_title(course_id, module_id)


@bp.route("/cohorts/<int:cohort_id>/qr.svg")
@allow("trainer", "admin")
def qr(cohort_id: int):
    cohort = _own_cohort(cohort_id)
    return Response(qr_svg(join_url(cohort)), mimetype="image/svg+xml")


def qr_svg(text: str) -> bytes:
    """A QR code as SVG paths (no raster): sharp on a projector and on paper."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()


@bp.route("/cohorts/<int:cohort_id>/members", methods=["POST"])
@allow("trainer", "admin")
def add_member(cohort_id: int):
    cohort = _own_cohort(cohort_id)
    form = AddMemberForm()
    if not form.validate_on_submit():
        flash(_("Write the learner's e-mail address."), "error")
        return redirect(url_for("cohorts.show", cohort_id=cohort.id)), 303
    learner = find_by_email(session, form.email.data)
    if learner is None:
        flash(_("No account has this e-mail address. The learner must register first."), "error")
        return redirect(url_for("cohorts.show", cohort_id=cohort.id)), 303
    try:
        services.add_member(session, cohort, learner)
    except CohortError as exc:
        flash(message(exc), "error")
        return redirect(url_for("cohorts.show", cohort_id=cohort.id)), 303
    flash(with_names(_("%(name)s is added to the cohort."), name=learner.display_name), "success")
    return redirect(url_for("cohorts.show", cohort_id=cohort.id))


@bp.route("/cohorts/<int:cohort_id>/members/<public_id>/remove", methods=["POST"])
@allow("trainer", "admin")
def remove_member(cohort_id: int, public_id: str):
    cohort = _own_cohort(cohort_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    learner = find_by_public_id(session, public_id) or abort(404)
    try:
        services.remove_member(session, cohort, learner)
    except CohortError as exc:
        flash(message(exc), "error")
        return redirect(url_for("cohorts.show", cohort_id=cohort.id)), 303
    flash(
        with_names(_("%(name)s is removed from the cohort."), name=learner.display_name), "success"
    )
    return redirect(url_for("cohorts.show", cohort_id=cohort.id))


@bp.route("/cohorts/<int:cohort_id>/sessions", methods=["POST"])
@allow("trainer", "admin")
def add_session(cohort_id: int):
    cohort = _own_cohort(cohort_id)
    form = SessionForm().fill_choices(cohort)
    if form.validate_on_submit():
        course_id, _sep, module_id = form.module.data.partition("/")
        try:
            meeting = services.add_session(session, cohort, form.held_on.data, course_id, module_id)
        except CohortError as exc:
            form.module.errors.append(message(exc))
        else:
            flash(_("The session is planned. Take attendance on the day."), "success")
            return redirect(
                url_for("cohorts.attendance", cohort_id=cohort.id, session_id=meeting.id)
            )
    return render_template("cohorts/session_new.html", cohort=cohort, form=form), 400


@bp.route("/cohorts/<int:cohort_id>/sessions/<int:session_id>", methods=["GET", "POST"])
@allow("trainer", "admin")
def attendance(cohort_id: int, session_id: int):
    cohort = _own_cohort(cohort_id)
    meeting = session.get(CohortSession, session_id)
    if meeting is None or meeting.cohort_id != cohort.id:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            present = {int(v) for v in request.form.getlist("present")}
        except ValueError:
            abort(400)
        if request.form.get("everyone"):  # one tap for a full room, then untick who is away
            present = {member.user_id for member in cohort.members}
        count = services.take_attendance(session, meeting, present, current_user)
        flash(ngettext("Attendance saved: %(num)d present.", "Attendance saved: %(num)d present.",
                       count), "success")  # fmt: skip
        return redirect(url_for("cohorts.attendance", cohort_id=cohort.id, session_id=meeting.id))
    if form.is_submitted():
        abort(400)
    present = {row.user_id for row in meeting.attendance if row.present}
    members = sorted(cohort.members, key=lambda m: m.user.display_name.lower())
    return render_template(
        "cohorts/attendance.html",
        cohort=cohort,
        meeting=meeting,
        members=members,
        present=present,
        form=form,
        module_title=_module_title,
    )


# --- joining (learners) ---------------------------------------------------------------------


@bp.route("/join", methods=["GET", "POST"])
@allow(USER)
def join():
    form = JoinForm()
    if form.validate_on_submit():
        cohort = services.find_by_code(session, form.code.data)
        if cohort is not None:
            return redirect(url_for("cohorts.join_link", code=cohort.code))
        form.code.errors.append(
            _(
                "No cohort has this code. Check the letters with your trainer: a code has 6 "
                "characters, letters and digits."
            )
        )
    status = form_status(form)
    return render_template("cohorts/join.html", form=form), status


@bp.route("/join/<code>", methods=["GET", "POST"])
@allow(USER)
def join_link(code: str):
    cohort = services.find_by_code(session, code)
    if cohort is None:
        form = JoinForm()
        form.code.errors = [
            _(
                "This join link is not valid or the cohort no longer exists. "
                "Ask your trainer for the code."
            )
        ]
        return render_template("cohorts/join.html", form=form), 404
    form = ConfirmForm()
    already = services.membership(session, cohort, current_user) is not None
    if form.validate_on_submit():
        if not already:
            try:
                services.add_member(session, cohort, current_user)
            except CohortError:  # joined meanwhile: a second tap, or the trainer added her
                flash(_("You are already in this cohort."))
            else:
                flash(with_names(_("Welcome to the cohort %(name)s."), name=cohort.name), "success")
        return redirect(url_for("main.dashboard"))
    if form.is_submitted():
        abort(400)
    return render_template(
        "cohorts/join_confirm.html",
        cohort=cohort,
        form=form,
        already=already,
        course_title=catalog.course_title,
    )


# --- facilitator guide ----------------------------------------------------------------------


def _module_or_404(course_id: str, module_id: str):
    module = catalog.module(course_id, module_id)
    if module is None:
        abort(404)
    return catalog.course(course_id), module


@bp.route("/facilitator/<course_id>/<module_id>")
@allow("trainer", "coach", "admin")
def facilitator(course_id: str, module_id: str):
    course, module = _module_or_404(course_id, module_id)
    activity = module.activity
    lang = current_language()
    return render_template(
        "cohorts/facilitator.html",
        course=course,
        module=module,
        title=localised(module.title),
        course_title=localised(course.title),
        activity_title=localised(activity.get("title")),
        minutes=activity.get("minutes"),
        # the loader stores these as sanitised HTML (Markdown through nh3)
        instructions=Markup(localised(activity.get("instructions"), lang)),  # noqa: S704
        notes=Markup(localised(activity.get("facilitator_notes"), lang)),  # noqa: S704
        prompt=localised(activity.get("prompt"), lang),
    )


@bp.route("/facilitator/<course_id>/<module_id>/handout.pdf")
@allow("trainer", "coach", "admin")
def handout(course_id: str, module_id: str):
    course, module = _module_or_404(course_id, module_id)
    body = handout_pdf(course, module, current_language())
    return Response(
        body,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{course_id}-{module_id}.pdf"'},
    )


def dashboard_card(user):
    """On "My space": the cohorts a learner joined, or a trainer's own cohorts."""
    if not user.is_authenticated:
        return None
    joined = services.cohorts_of_learner(session, user)
    led = (
        services.cohorts_visible_to(session, user)[:10]
        if user.has_role("trainer") and not user.has_role("admin")
        else []
    )
    if not (joined or led or user.has_role("learner")):
        return None
    # the template's output is already escaped HTML: mark it safe for the dashboard
    return Markup(  # noqa: S704
        render_template("cohorts/_card.html", joined=joined, led=led)
    )
