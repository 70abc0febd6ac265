"""Pages of accompaniment (HTTP only: the rules live in accompaniment.services)."""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from accompaniment import programme, report, services
from accompaniment import questionnaire as qn
from accompaniment.forms import (
    ActionForm,
    EnrolForm,
    LeaderForm,
    SessionForm,
    StartDiagnosisForm,
    SwotForm,
)
from accompaniment.models import Diagnosis, FollowedCooperative, PlanAction
from accompaniment.radar import radar_svg
from accompaniment.services import ACTION_STATUSES, AccompanimentError
from lms.access import USER, allow
from lms.csv_export import csv_response
from lms.db import session
from lms.forms import form_status
from lms.i18n import current_language, localised, text_direction
from lms.regions import region_name
from lms.sectors import SECTORS

bp = Blueprint("accompaniment", __name__, url_prefix="/accompaniment", template_folder="templates")
STATIC = Path(__file__).parent / "static"
COACHES = ("coach", "admin")
PAGE_SIZE = 50


def _user():
    return current_user._get_current_object()


@bp.context_processor
def _helpers():
    return {
        "region_label": lambda code: region_name(code, current_language()),
        "sector_label": lambda key: SECTORS.get(key, key),
        "status_label": lambda key: ACTION_STATUSES.get(key, key),
        "text": lambda texts: localised(texts, current_language()),
        "day": _day,
    }


def _day(value) -> str:
    return format_date(value, "medium") if value else ""


def _followed(followed_id: int, coach_only: bool = False) -> FollowedCooperative:
    """The cooperative, if this user may see it (coach_only: may change it); else 404/403."""
    coop = session.get(FollowedCooperative, followed_id) or abort(404)
    allowed = services.may_coach(_user(), coop) if coach_only else services.may_see(
        session, _user(), coop)  # fmt: skip
    if not allowed:
        abort(403)
    return coop


def _diagnosis(diagnosis_id: int, coach_only: bool = True, completed: bool = False) -> Diagnosis:
    """The diagnosis if this user may see it (coach_only: may fill it); a draft is 404 when
    `completed` is asked for (results, report, plan exist only once it is completed)."""
    diagnosis = session.get(Diagnosis, diagnosis_id) or abort(404)
    _followed(diagnosis.cooperative_id, coach_only)
    if completed and diagnosis.completed_at is None:
        abort(404)
    return diagnosis


def _refused(error: AccompanimentError, target: str):
    flash(str(error.message), "error")
    return redirect(target)


def dashboard_card(user):
    """Coaches see their overdue plan actions; leaders their cooperative's plan."""
    coops = services.cooperatives_for(session, user, limit=5)
    if not coops:
        return None
    overdue = services.overdue_actions(session, user) if user.has_any_role(COACHES) else []
    html = render_template("accompaniment/_card.html", coops=coops,
                           count=services.count_for(session, user), overdue=overdue,
                           day=_day)  # fmt: skip
    return Markup(html)  # noqa: S704 (rendered by Jinja with autoescape)


@bp.route("/accompaniment.css")
@allow("public")
def stylesheet():
    return send_from_directory(STATIC, "accompaniment.css", max_age=24 * 3600)


@bp.route("/accompaniment.js")
@allow("public")
def script():
    return send_from_directory(STATIC, "accompaniment.js", max_age=24 * 3600)


@bp.route("/")
@allow(USER)
def index():
    page = max(1, request.args.get("page", 1, type=int) or 1)
    coops = services.cooperatives_for(session, _user(), PAGE_SIZE, (page - 1) * PAGE_SIZE)
    counts = services.session_counts(session, [c.id for c in coops])
    more = services.count_for(session, _user()) > page * PAGE_SIZE
    return render_template("accompaniment/index.html", coops=coops, counts=counts, page=page,
                           more=more,
                           may_enrol=_user().has_any_role(COACHES),
                           programme_admin=services.is_programme_admin(_user()))  # fmt: skip


@bp.route("/enrol", methods=["GET", "POST"])
@allow(*COACHES)
def enrol():
    form = EnrolForm(services.market_profiles())
    if form.validate_on_submit():
        try:
            coop = services.enrol(session, _user(), form.profile(), form.emails())
        except AccompanimentError as error:
            form.form_errors.append(error.message)
        else:
            flash(_("The cooperative is enrolled."), "success")
            return redirect(url_for("accompaniment.cooperative", followed_id=coop.id))
    return render_template("accompaniment/enrol.html", form=form), form_status(form)


@bp.route("/cooperatives/<int:followed_id>")
@allow(USER)
def cooperative(followed_id: int):
    coop = _followed(followed_id)
    coaching = services.may_coach(_user(), coop)
    diagnoses = services.diagnoses_of(session, coop)
    started = {d.month for d in diagnoses}
    start_form = StartDiagnosisForm()
    start_form.month.choices = [(m, _month_label(m)) for m in services.MONTHS if m not in started]
    return render_template(
        "accompaniment/cooperative.html", coop=coop, coaching=coaching, diagnoses=diagnoses,
        plan=services.plan_of(session, coop, published_only=not coaching),
        sessions=services.sessions_of(session, coop) if coaching else [],
        start_form=start_form, leader_form=LeaderForm(), month_label=_month_label,
    )  # fmt: skip


def _month_label(month: int) -> str:
    return _("Entry diagnosis") if month == 0 else _("After %(num)d months", num=month)


@bp.route("/cooperatives/<int:followed_id>/leaders", methods=["POST"])
@allow(*COACHES)
def add_leader(followed_id: int):
    coop = _followed(followed_id, coach_only=True)
    form = LeaderForm()
    target = url_for("accompaniment.cooperative", followed_id=coop.id)
    if not form.validate_on_submit():
        return _refused(AccompanimentError(_("Type the leader's e-mail address.")), target)
    try:
        services.add_leader(session, coop, form.email.data)
    except AccompanimentError as error:
        return _refused(error, target)
    flash(_("The leader is added."), "success")
    return redirect(target)


@bp.route("/cooperatives/<int:followed_id>/diagnoses", methods=["POST"])
@allow(*COACHES)
def start_diagnosis(followed_id: int):
    coop = _followed(followed_id, coach_only=True)
    form = StartDiagnosisForm()
    form.month.choices = [(m, m) for m in services.MONTHS]
    target = url_for("accompaniment.cooperative", followed_id=coop.id)
    if not form.validate_on_submit():
        return _refused(AccompanimentError(_("Choose when the diagnosis is made.")), target)
    try:
        diagnosis = services.start_diagnosis(session, coop, _user(), form.month.data)
    except AccompanimentError as error:
        return _refused(error, target)
    return redirect(url_for("accompaniment.fill", diagnosis_id=diagnosis.id, axis=1))


@bp.route("/diagnoses/<int:diagnosis_id>/axes/<int:axis>", methods=["GET", "POST"])
@allow(*COACHES)
def fill(diagnosis_id: int, axis: int):
    """One axis of the questionnaire; every answer sent is saved, even if others are missing."""
    diagnosis = _diagnosis(diagnosis_id)
    axes = diagnosis.questionnaire.data["axes"]
    if not 1 <= axis <= len(axes):
        abort(404)
    if diagnosis.completed_at is not None:
        return redirect(url_for("accompaniment.result", diagnosis_id=diagnosis.id))
    if request.method == "POST":
        problems = _save_axis(diagnosis, axes[axis - 1])
        here = url_for("accompaniment.fill", diagnosis_id=diagnosis.id, axis=axis)
        if problems:
            # A redirect, not a 422: the answers that were valid are kept (the transaction
            # commits), and the page shows which ones were not.
            flash(ngettext("%(num)d answer could not be saved; the others are.",
                           "%(num)d answers could not be saved; the others are.",
                           len(problems)), "error")  # fmt: skip
            return redirect(f"{here}#q-{problems[0]}")
        flash(_("Your answers are saved."), "success")
        if axis < len(axes):
            return redirect(url_for("accompaniment.fill", diagnosis_id=diagnosis.id,
                                    axis=axis + 1))  # fmt: skip
        return redirect(url_for("accompaniment.review", diagnosis_id=diagnosis.id))
    return render_template(
        "accompaniment/fill.html", diagnosis=diagnosis, axes=axes, axis_number=axis,
        axis=axes[axis - 1], answers=services.answers_of(session, diagnosis),
        scale=diagnosis.questionnaire.data["scale"],
    )  # fmt: skip


def _save_axis(diagnosis: Diagnosis, axis: dict) -> list[str]:
    problems = []
    for question in axis["questions"]:
        raw = request.form.get(f"score-{question['id']}", "")
        evidence = request.form.get(f"evidence-{question['id']}", "")
        if raw == "" and not evidence:
            continue
        try:
            score = int(raw) if raw != "" else None
            services.save_answer(session, diagnosis, question["id"], score, evidence[:4000])
        except (ValueError, AccompanimentError):
            problems.append(question["id"])
    return problems


@bp.route("/diagnoses/<int:diagnosis_id>/answer", methods=["POST"])
@allow(*COACHES)
def save_answer(diagnosis_id: int):
    """One answer at a time (the page's script sends each on change): nothing else is lost."""
    diagnosis = _diagnosis(diagnosis_id)
    raw = request.form.get("score", "")
    try:
        services.save_answer(
            session,
            diagnosis,
            request.form.get("question", ""),
            int(raw) if raw else None,
            request.form.get("evidence", "")[:4000],
        )
    except (ValueError, AccompanimentError):
        return {"error": "invalid", "message": _("This answer could not be saved.")}, 422
    return {"saved": True}


@bp.route("/diagnoses/<int:diagnosis_id>/review")
@allow(*COACHES)
def review(diagnosis_id: int):
    diagnosis = _diagnosis(diagnosis_id)
    missing = set(services.unanswered(session, diagnosis))
    axes = diagnosis.questionnaire.data["axes"]
    return render_template("accompaniment/review.html", diagnosis=diagnosis, axes=axes,
                           missing=missing)  # fmt: skip


@bp.route("/diagnoses/<int:diagnosis_id>/complete", methods=["POST"])
@allow(*COACHES)
def complete(diagnosis_id: int):
    diagnosis = _diagnosis(diagnosis_id)
    try:
        services.complete_diagnosis(session, diagnosis, _user())
    except AccompanimentError as error:
        return _refused(error, url_for("accompaniment.review", diagnosis_id=diagnosis.id))
    return redirect(url_for("accompaniment.result", diagnosis_id=diagnosis.id))


def _radar(diagnoses: list[Diagnosis], axes: list[dict]) -> Markup:
    language = current_language()
    series = [(_month_label(d.month), [d.axis_scores.get(a["id"], 0) for a in axes])
              for d in diagnoses]  # fmt: skip
    title = _("Score per axis, out of 100: %(scores)s", scores="; ".join(
        f"{localised(a['title'], language)} {' / '.join(str(v[i]) for _n, v in series)}"
        for i, a in enumerate(axes)))  # fmt: skip
    labels = [str(number) for number in range(1, len(axes) + 1)]
    return radar_svg(labels, series, title, rtl=text_direction(language) == "rtl")


@bp.route("/diagnoses/<int:diagnosis_id>")
@allow(USER)
def result(diagnosis_id: int):
    diagnosis = _diagnosis(diagnosis_id, coach_only=False, completed=True)
    axes = diagnosis.questionnaire.data["axes"]
    strong, weak = services.strengths_and_weaknesses(diagnosis)
    coaching = services.may_coach(_user(), diagnosis.cooperative)
    return render_template(
        "accompaniment/result.html", diagnosis=diagnosis, axes=axes, strong=strong, weak=weak,
        radar=_radar([diagnosis], axes), coaching=coaching, swot_form=SwotForm(obj=diagnosis),
        month_label=_month_label,
    )  # fmt: skip


@bp.route("/diagnoses/<int:diagnosis_id>/swot", methods=["POST"])
@allow(*COACHES)
def swot(diagnosis_id: int):
    diagnosis = _diagnosis(diagnosis_id, completed=True)
    form = SwotForm()
    if not form.validate_on_submit():
        return _refused(AccompanimentError(_("Each part of the SWOT is 4,000 characters at most.")),
                        url_for("accompaniment.result", diagnosis_id=diagnosis.id))  # fmt: skip
    services.update_swot(session, diagnosis, form.data)
    flash(_("The SWOT is saved."), "success")
    return redirect(url_for("accompaniment.result", diagnosis_id=diagnosis.id))


@bp.route("/diagnoses/<int:diagnosis_id>/report.pdf")
@allow(USER)
def report_pdf(diagnosis_id: int):
    diagnosis = _diagnosis(diagnosis_id, coach_only=False, completed=True)
    plan = services.plan_of(session, diagnosis.cooperative, published_only=True)
    response = make_response(report.diagnosis_report(diagnosis, plan))
    response.mimetype = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="diagnosis-{diagnosis.id}.pdf"'
    return response


@bp.route("/diagnoses/<int:diagnosis_id>/plan", methods=["POST"])
@allow(*COACHES)
def propose_plan(diagnosis_id: int):
    diagnosis = _diagnosis(diagnosis_id, completed=True)
    made = services.propose_plan(session, diagnosis)
    flash(_("%(num)d actions proposed from the weakest axes.", num=len(made)), "success")
    return redirect(url_for("accompaniment.cooperative", followed_id=diagnosis.cooperative_id)
                    + "#plan")  # fmt: skip


@bp.route("/cooperatives/<int:followed_id>/publish", methods=["POST"])
@allow(*COACHES)
def publish(followed_id: int):
    coop = _followed(followed_id, coach_only=True)
    services.publish_plan(session, coop)
    flash(_("The plan is published: the cooperative's leaders see it."), "success")
    return redirect(url_for("accompaniment.cooperative", followed_id=coop.id) + "#plan")


def _action(action_id: int, coach_only: bool) -> PlanAction:
    action = session.get(PlanAction, action_id) or abort(404)
    coop = _followed(action.cooperative_id, coach_only)
    if not action.published and not services.may_coach(_user(), coop):
        abort(404)
    return action


@bp.route("/actions/<int:action_id>", methods=["GET", "POST"])
@allow(*COACHES)
def edit_action(action_id: int):
    action = _action(action_id, coach_only=True)
    form = ActionForm(obj=action)
    if form.validate_on_submit():
        services.update_action(session, action, form.data)
        flash(_("The action is saved."), "success")
        return redirect(url_for("accompaniment.cooperative", followed_id=action.cooperative_id)
                        + "#plan")  # fmt: skip
    return render_template("accompaniment/action.html", action=action, form=form), form_status(
        form)  # fmt: skip


@bp.route("/actions/<int:action_id>/status", methods=["POST"])
@allow(USER)
def action_status(action_id: int):
    """Leaders mark an action done; the coach may also start, reopen or drop it."""
    action = _action(action_id, coach_only=False)
    status = request.form.get("status", "")
    if status != "done" and not services.may_coach(_user(), action.cooperative):
        abort(403)
    target = url_for("accompaniment.cooperative", followed_id=action.cooperative_id) + "#plan"
    try:
        services.move_action(session, action, _user(), status)
    except AccompanimentError as error:
        return _refused(error, target)
    flash(_("The action is now “%(status)s”.", status=ACTION_STATUSES[status]), "success")
    return redirect(target)


@bp.route("/cooperatives/<int:followed_id>/sessions/new", methods=["GET", "POST"])
@allow(*COACHES)
def new_session(followed_id: int):
    coop = _followed(followed_id, coach_only=True)
    form = SessionForm()
    form.actions.choices = [(a.id, a.title) for a in services.plan_of(session, coop)]
    if form.validate_on_submit():
        fields = {key: form[key].data for key in ("held_on", "minutes", "attendees", "topics",
                                                    "next_steps", "notes")}  # fmt: skip
        try:
            services.log_session(session, coop, _user(), fields, form.actions.data)
        except AccompanimentError as error:
            form.form_errors.append(error.message)
        else:
            flash(_("The session is logged."), "success")
            return redirect(url_for("accompaniment.cooperative", followed_id=coop.id)
                            + "#sessions")  # fmt: skip
    return render_template("accompaniment/session.html", coop=coop, form=form), form_status(form)


@bp.route("/cooperatives/<int:followed_id>/progress")
@allow(USER)
def compare(followed_id: int):
    coop = _followed(followed_id)
    diagnoses, rows = services.comparison(session, coop)
    axes = [axis for axis, _scores in rows]
    return render_template("accompaniment/compare.html", coop=coop, diagnoses=diagnoses,
                           rows=rows, radar=_radar(diagnoses, axes) if diagnoses else None,
                           month_label=_month_label)  # fmt: skip


CSV_TABLES = ("regions", "sectors", "axes", "actions")


@bp.route("/programme")
@allow("admin")
def programme_view():
    questionnaire = qn.current(session)
    axis_titles = {a["id"]: a["title"] for a in questionnaire.data["axes"]} if questionnaire else {}
    table = request.args.get("csv")
    if table in CSV_TABLES:
        return _programme_csv(table, axis_titles)
    return render_template("accompaniment/programme.html", figures=programme.summary(session),
                           axis_titles=axis_titles)  # fmt: skip


def _programme_csv(table: str, axis_titles: dict):
    """One table of the programme view as CSV, computed alone, in the user's language."""
    language = current_language()
    if table in ("regions", "sectors"):
        by_region, by_sector = programme.groups(session)
        regions = table == "regions"
        header = [_("Region") if regions else _("Sector"), _("Cooperatives"),
                  _("Women-led share"), _("Sessions"), _("Sessions per cooperative")]  # fmt: skip
        rows = [(region_name(g.key, language) if regions else str(SECTORS.get(g.key, g.key)),
                 g.cooperatives, f"{g.women_led_share:.2f}", g.sessions,
                 f"{g.sessions_per_cooperative:.1f}")
                for g in (by_region if regions else by_sector)]  # fmt: skip
    elif table == "axes":
        header = [_("Axis"), _("Average at entry"), _("Average now")]
        averages = sorted(programme.axis_averages(session).items())
        rows = [(localised(axis_titles.get(key, {}), language) or key, _round(entry), _round(now))
                for key, (entry, now) in averages]  # fmt: skip
    else:
        actions = programme.action_figures(session)
        header = [_("Actions"), _("Done"), _("Done on time"), _("Overdue")]
        rows = [(actions.total, actions.done, actions.done_on_time, actions.overdue)]
    return csv_response(f"accompaniment-{table}.csv", header, rows)


def _round(value):
    return "" if value is None else f"{value:.0f}"
