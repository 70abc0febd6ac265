"""Coach pages: assignments (admin), dashboards, learner timelines, coaching log, programme."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_percent
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from lms.access import allow
from lms.auth.models import User
from lms.auth.services import find_by_email, find_by_public_id
from lms.coaching import dashboard as dashboards
from lms.coaching import programme as programme_figures
from lms.coaching import services
from lms.coaching.forms import AssignmentForm, CoachingSessionForm
from lms.coaching.models import CoachAssignment, CoachingSession
from lms.coaching.sentences import timeline
from lms.coaching.services import CoachingError
from lms.cohorts import catalog
from lms.cohorts import services as cohorts
from lms.cohorts.forms import ConfirmForm
from lms.cohorts.models import Cohort
from lms.csv_export import csv_response
from lms.db import session, utcnow
from lms.forms import form_status
from lms.i18n import current_language, localised
from lms.regions import region_name

bp = Blueprint(
    "coaching",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static/coaching",
)

MESSAGES = {
    "not-a-coach": _l("This account does not have the coach role. Give it the role first."),
    "cohort-or-learner": _l("Choose a cohort or write a learner's address (one of them)."),
    "already-assigned": _l("This coach already follows them."),
    "learner-or-cooperative": _l("Choose a learner or name a cooperative."),
    "not-assigned": _l("This learner is not assigned to you."),
    "follow-up-before": _l("The follow-up cannot come before the session."),
}
STATES = {
    dashboards.DONE: ("✔", _l("done")),
    dashboards.IN_PROGRESS: ("◐", _l("in progress")),
    dashboards.FAILED: ("✘", _l("quiz failed")),
    dashboards.NOT_STARTED: ("○", _l("not started")),
}


def help_reason(reason: str, detail: dict, course_id: str) -> str:
    if reason == "inactive":
        if detail["days"] is None:
            return _("has not started yet")
        return _("no activity for %(days)d days", days=detail["days"])
    module = catalog.module_title(course_id, detail["module"])
    if reason == "quiz-failed":
        return _(
            "failed the quiz “%(module)s” %(count)d times", module=module, count=detail["attempts"]
        )
    return _(
        "opened the same page of “%(module)s” %(count)d times without finishing the module",
        module=module,
        count=detail["views"],
    )


def help_reasons():
    """help_reason remembered for one request: 500 learners share a few dozen distinct reasons,
    and each text is a translation plus a module title."""
    texts: dict = {}

    def text(reason: str, detail: dict, course_id: str) -> str:
        key = (reason, tuple(sorted(detail.items())), course_id)
        if key not in texts:
            texts[key] = help_reason(reason, detail, course_id)
        return texts[key]

    return text


def cell_text(cell, labels: dict | None = None) -> str:
    symbol, label = STATES[cell.state]
    label = labels[cell.state] if labels else label
    if cell.state == dashboards.IN_PROGRESS:
        return f"{symbol} {label} ({cell.pages_seen}/{cell.pages_total})"
    return f"{symbol} {label}"


#: Learners per page of the grid and of the needs-help table (the CSV files hold all of them).
PAGE_SIZE = 100


# --- index ----------------------------------------------------------------------------------


@bp.route("/coach")
@allow("coach", "admin")
def index():
    if current_user.has_role("admin"):
        cohort_list = list(session.scalars(select(Cohort).order_by(Cohort.name)))
    else:
        cohort_list = services.assigned_cohorts(session, current_user)
    learners = services.assigned_learners(session, current_user)
    logged = services.sessions_by(session, current_user)
    today = utcnow().date()
    return render_template(
        "coaching/index.html",
        cohorts=cohort_list,
        learners=learners,
        logged=logged,
        due=[row for row in logged if row.follow_up_on and row.follow_up_on <= today],
    )


# --- dashboard ------------------------------------------------------------------------------


def _visible_cohort(cohort_id: int) -> Cohort:
    cohort = session.get(Cohort, cohort_id) or abort(404)
    if not services.may_see_cohort(session, current_user, cohort):
        abort(403)
    return cohort


def _course_of(cohort: Cohort) -> str:
    course_id = request.args.get("course", "")
    if course_id and course_id not in cohort.course_ids:
        abort(404)
    if not cohort.course_ids:
        abort(404)
    return course_id or cohort.course_ids[0]


def bar_items(board) -> list[tuple[str, int]]:
    """Learners who finished each module: the chart under the grid."""
    done = [0] * len(board.modules)
    for row in board.rows:
        for index, cell in enumerate(row.cells):
            done[index] += cell.state == dashboards.DONE
    return [(localised(m.title), count) for m, count in zip(board.modules, done, strict=False)]


@bp.route("/coach/cohorts/<int:cohort_id>")
@allow("coach", "trainer", "admin")
def cohort_dashboard(cohort_id: int):
    cohort = _visible_cohort(cohort_id)
    course_id = _course_of(cohort)
    board = dashboards.build(session, cohort, course_id)
    page = request.args.get("page", 1, type=int)
    pages = max(1, -(-len(board.rows) // PAGE_SIZE))
    if not 1 <= page <= pages:
        abort(404)
    window = slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE)
    # translated once, not once per cell: a 500-learner grid has 2,500 cells
    labels = {state: str(label) for state, (_symbol, label) in STATES.items()}
    f = board.figures
    figure_items = [
        (_("Enrolled"), f["enrolled"]),
        (_("Active (14 days)"), f["active"]),
        (_("Completed"), f["completed"]),
        (_("Certified"), f["certified"]),
    ]
    return render_template(
        "coaching/dashboard.html",
        board=board,
        cohort=cohort,
        course_id=course_id,
        cell_text=lambda cell: cell_text(cell, labels),
        help_reason=help_reasons(),
        grid_rows=board.rows[window],
        help_rows=board.needing_help[window],
        page=page,
        pages=pages,
        figure_items=figure_items,
        module_items=bar_items(board),
        percent=format_percent,
        states=STATES,
        rtl=current_language() == "ar",
    )


CSV_TABLES = ("progress", "help", "questions", "figures")


@bp.route("/coach/cohorts/<int:cohort_id>/<table>.csv")
@allow("coach", "trainer", "admin")
def cohort_csv(cohort_id: int, table: str):
    cohort = _visible_cohort(cohort_id)
    if table not in CSV_TABLES:
        abort(404)
    course_id = _course_of(cohort)
    board = dashboards.build(session, cohort, course_id)
    name = f"{cohort.code}-{course_id}-{table}.csv"
    if table == "progress":
        header = [_("Learner"), _("Progress (%)"), *[localised(m.title) for m in board.modules]]
        rows = [
            [r.learner.display_name, r.status.progress, *[cell_text(c) for c in r.cells]]
            for r in board.rows
        ]
    elif table == "help":
        header = [_("Learner"), _("Why")]
        reason = help_reasons()
        rows = [
            [r.learner.display_name, "; ".join(reason(k, d, course_id) for k, d in r.reasons)]
            for r in board.needing_help
        ]
    elif table == "questions":
        header = [_("Module"), _("Question"), _("Answered by"), _("Missed by"), _("Missed (%)")]
        rows = [
            [q["module"], q["prompt"], q["answered"], q["missed"], round(100 * q["share"])]
            for q in board.questions
        ]
    else:
        header = [_("Figure"), _("Value")]
        f = board.figures
        rows = [
            [_("Enrolled"), f["enrolled"]],
            [_("Active (14 days)"), f["active"]],
            [_("Completed"), f["completed"]],
            [_("Certified"), f["certified"]],
            [_("Women (%)"), round(100 * f["women_share"])],
            [_("Youth under 35 (%)"), round(100 * f["youth_share"])],
        ]
    return csv_response(name, header, rows)


# --- learner page: timeline and coaching sessions --------------------------------------------


def _followed_learner(public_id: str) -> User:
    learner = find_by_public_id(session, public_id) or abort(404)
    if not services.may_follow_learner(session, current_user, learner):
        abort(403)
    return learner


def sees_private_notes(user) -> bool:
    return user.has_any_role(("coach", "admin"))


@bp.route("/coach/learners/<public_id>")
@allow("coach", "trainer", "admin")
def learner(public_id: str):
    person = _followed_learner(public_id)
    return render_template(
        "coaching/learner.html",
        person=person,
        timeline=timeline(person, html=True),
        sessions=services.sessions_with(session, person),
        private=sees_private_notes(current_user),
        cohorts=cohorts.cohorts_of_learner(session, person),
    )


@bp.route("/coach/learners/<public_id>/timeline.csv")
@allow("coach", "trainer", "admin")
def timeline_csv(public_id: str):
    person = _followed_learner(public_id)
    rows = [[entry.statement.get("timestamp", ""), entry.text] for entry in timeline(person, 1000)]
    return csv_response(f"timeline-{person.public_id}.csv", [_("When"), _("What")], rows)


# --- coaching log ---------------------------------------------------------------------------


def _learner_choices():
    people = (
        learners_for_admin()
        if current_user.has_role("admin")
        else services.assigned_learners(session, current_user)
    )
    return [("", _("No learner (a cooperative)"))] + [(u.public_id, u.display_name) for u in people]


def learners_for_admin():
    return programme_figures.learners(session)


@bp.route("/coach/sessions/new", methods=["GET", "POST"])
@allow("coach", "admin")
def new_session():
    form = CoachingSessionForm()
    form.learner.choices = _learner_choices()
    if request.method == "GET" and request.args.get("learner"):
        form.learner.data = request.args["learner"]
    if form.validate_on_submit():
        person = None
        if form.learner.data:
            person = find_by_public_id(session, form.learner.data)
        try:
            row = services.log_session(
                session,
                current_user,
                form.held_on.data,
                form.topic.data,
                notes=form.notes.data or "",
                next_steps=form.next_steps.data or "",
                follow_up_on=form.follow_up_on.data,
                learner=person,
                cooperative=form.cooperative.data or "",
            )
        except CoachingError as exc:
            form.form_errors.append(str(MESSAGES[str(exc)]))
        else:
            flash(_("The coaching session is saved."), "success")
            if row.learner_id:
                return redirect(url_for("coaching.learner", public_id=person.public_id))
            return redirect(url_for("coaching.index"))
    status = form_status(form)
    return render_template("coaching/session_new.html", form=form), status


@bp.route("/coach/sessions.csv")
@allow("coach", "admin")
def sessions_csv():
    query = select(CoachingSession).order_by(CoachingSession.held_on.desc())
    if not current_user.has_role("admin"):
        query = query.where(CoachingSession.coach_id == current_user.id)
    header = [
        _("Date"),
        _("Coach"),
        _("Learner"),
        _("Cooperative"),
        _("Topic"),
        _("Notes"),
        _("Next steps"),
        _("Follow-up date"),
    ]
    rows = [
        [
            r.held_on.isoformat(),
            r.coach.display_name if r.coach else "",
            r.learner.display_name if r.learner else "",
            r.cooperative,
            r.topic,
            r.notes,
            r.next_steps,
            r.follow_up_on.isoformat() if r.follow_up_on else "",
        ]
        for r in session.scalars(query)
    ]
    return csv_response("coaching-sessions.csv", header, rows)


def programme_card(user):
    """An admin's home opens on the programme's figures, with the way to the full tables."""
    if not (user.is_authenticated and user.has_role("admin")):
        return None
    figures = programme_figures.totals(session)
    # the template's output is already escaped HTML: mark it safe for the dashboard
    return Markup(  # noqa: S704
        render_template("coaching/_programme_card.html", figures=figures, percent=format_percent)
    )


def next_steps_section(user):
    """On the learner's profile: the next steps their coaches wrote (never the notes)."""
    if not user.is_authenticated:
        return None
    rows = [row for row in services.sessions_with(session, user) if row.next_steps][:5]
    if not rows:
        return None
    # the template's output is already escaped HTML: mark it safe for the profile page
    return Markup(render_template("coaching/next_steps.html", rows=rows))  # noqa: S704


# --- assignments (admin) --------------------------------------------------------------------


@bp.route("/coach/assignments", methods=["GET", "POST"])
@allow("admin")
def assignments():
    form = AssignmentForm()
    form.cohort_id.choices = [("", _("No cohort (a learner)"))] + [
        (str(c.id), c.name) for c in session.scalars(select(Cohort).order_by(Cohort.name))
    ]
    status = 200
    if form.validate_on_submit():
        coach = find_by_email(session, form.coach_email.data)
        learner = (
            find_by_email(session, form.learner_email.data) if form.learner_email.data else None
        )
        cohort = session.get(Cohort, int(form.cohort_id.data)) if form.cohort_id.data else None
        if coach is None:
            form.coach_email.errors.append(_("No account has this e-mail address."))
        elif form.learner_email.data and learner is None:
            form.learner_email.errors.append(_("No account has this e-mail address."))
        else:
            try:
                services.assign(session, current_user, coach, cohort=cohort, learner=learner)
            except CoachingError as exc:
                form.coach_email.errors.append(str(MESSAGES[str(exc)]))
            else:
                flash(_("The coach is assigned."), "success")
                return redirect(url_for("coaching.assignments"))
        status = 400
    elif form.is_submitted():
        status = 400
    rows = session.scalars(select(CoachAssignment).order_by(CoachAssignment.assigned_at.desc()))
    return render_template(
        "coaching/assignments.html", form=form, rows=list(rows), confirm_form=ConfirmForm()
    ), status


@bp.route("/coach/assignments/<int:assignment_id>/remove", methods=["POST"])
@allow("admin")
def remove_assignment(assignment_id: int):
    row = session.get(CoachAssignment, assignment_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    session.delete(row)
    flash(_("The assignment is removed."), "success")
    return redirect(url_for("coaching.assignments"))


# --- programme (admin) ----------------------------------------------------------------------


def _programme_tables():
    language = current_language()
    regions = programme_figures.by_region(session)
    for row in regions:
        row["name"] = region_name(row["region"], language) if row["region"] else _("No region")
    courses = programme_figures.by_course(session, catalog.course_ids())
    for row in courses:
        row["name"] = catalog.course_title(row["course_id"])
    return regions, courses, programme_figures.by_month(session)


@bp.route("/programme")
@allow("admin")
def programme():
    regions, courses, months = _programme_tables()
    course_items = [(c["name"], c["certified"]) for c in courses]
    month_items = [(m["month"], m["certificates"]) for m in months[-12:]]
    return render_template(
        "coaching/programme.html",
        course_items=course_items,
        month_items=month_items,
        regions=regions,
        courses=courses,
        months=months,
        percent=format_percent,
        rtl=current_language() == "ar",
    )


@bp.route("/programme/<table>.csv")
@allow("admin")
def programme_csv(table: str):
    regions, courses, months = _programme_tables()
    if table == "regions":
        header = [
            _("Region"),
            _("Learners"),
            _("Women (%)"),
            _("Youth under 35 (%)"),
            _("Certified"),
            _("Coaching sessions"),
        ]
        rows = [
            [
                r["name"],
                r["learners"],
                round(100 * r["women_share"]),
                round(100 * r["youth_share"]),
                r["certified"],
                r["coaching_sessions"],
            ]
            for r in regions
        ]
    elif table == "courses":
        header = [
            _("Course"),
            _("Enrolled"),
            _("Women (%)"),
            _("Youth under 35 (%)"),
            _("Completed"),
            _("Certified"),
        ]
        rows = [
            [
                c["name"],
                c["learners"],
                round(100 * c["women_share"]),
                round(100 * c["youth_share"]),
                c["completed"],
                c["certified"],
            ]
            for c in courses
        ]
    elif table == "months":
        header = [_("Month"), _("New learners"), _("Certificates"), _("Coaching sessions")]
        rows = [[m["month"], m["new_learners"], m["certificates"], m["coaching"]] for m in months]
    else:
        abort(404)
    return csv_response(f"programme-{table}.csv", header, rows)
