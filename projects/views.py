"""Pages of the project bank: HTTP only, the rules are in services.py and uploads.py."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from lms.access import PUBLIC, USER, allow
from lms.auth.models import User, UserRole
from lms.auth.services import find_by_public_id
from lms.bidi import with_names
from lms.csv_export import csv_response
from lms.db import session
from lms.i18n import current_language
from lms.markdown import render_markdown
from lms.path import course_completed
from lms.regions import region_choices, region_name
from projects import PREREQUISITE_COURSE, services, uploads
from projects.forms import (
    CoachForm,
    CommentForm,
    DeleteForm,
    DocumentForm,
    ProjectForm,
    PublicationForm,
    ReviewForm,
    TransitionForm,
)
from projects.models import Document, Project
from projects.services import HOLDER, ProjectError

bp = Blueprint("projects", __name__, url_prefix="/projects", template_folder="templates")


@bp.context_processor
def template_helpers() -> dict:
    """Names every project template uses (also passed to the dashboard card, outside bp)."""
    return {
        "project_states": services.STATES,
        "state_symbols": services.STATE_SYMBOLS,
        "project_sectors": services.SECTORS,
        "funding_sources": services.FUNDING_SOURCES,
        "region_name": region_name,
        "markdown": render_markdown,
    }


def _project_or_404(project_id: int) -> Project:
    """The project if the current user may see it; 404 otherwise (its existence stays private)."""
    project = session.get(Project, project_id)
    if project is None or not services.can_view(current_user, project):
        abort(404)
    return project


# --- holder ---------------------------------------------------------------------------------


@bp.route("/")
@allow(PUBLIC)
def index():
    mine, may_create = [], False
    if current_user.is_authenticated:
        mine = services.projects_of(session, current_user)
        may_create = course_completed(current_user, PREREQUISITE_COURSE)
    return render_template(
        "projects/index.html",
        mine=mine,
        may_create=may_create,
        is_reviewer=services.is_reviewer(current_user),
    )


@bp.route("/new", methods=["GET", "POST"])
@allow(USER)
def new():
    if not course_completed(current_user, PREREQUISITE_COURSE):
        # A page that explains, not a bare refusal: the path says how to open this step.
        return render_template("projects/locked.html"), 403 if request.method == "POST" else 200
    form = ProjectForm()
    if form.validate_on_submit():
        try:
            project = services.create_project(session, current_user, form.fields_for_service())
            if request.form.get("action") == "submit":
                _submit(project)
        except ProjectError as exc:
            form.form_errors.extend(exc.messages)
        else:
            return redirect(url_for("projects.show", project_id=project.id), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("projects/form.html", form=form, project=None), status


@bp.route("/<int:project_id>/edit", methods=["GET", "POST"])
@allow(USER)
def edit(project_id: int):
    project = _project_or_404(project_id)
    if not services.can_edit(current_user, project):
        abort(403)
    form = ProjectForm(obj=project)
    if request.method == "GET" and project.funding_sources:
        form.funding_sources.data = project.funding_sources
    if form.validate_on_submit():
        try:
            services.update_project(project, form.fields_for_service())
            if request.form.get("action") == "submit":
                _submit(project)
        except ProjectError as exc:
            form.form_errors.extend(exc.messages)
        else:
            flash(_("Your project is saved."), "success")
            return redirect(url_for("projects.show", project_id=project.id), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("projects/form.html", form=form, project=project), status


def _submit(project: Project) -> None:
    """Submit or resubmit: whichever move the lifecycle table offers the holder now."""
    move = next(
        (t for t in services.transitions_for(current_user, project) if t.who == HOLDER), None
    )
    if move is None:
        raise ProjectError(_("This project cannot be submitted in its present state."))
    services.change_state(session, project, current_user, move.target)
    flash(_("Your project is submitted: a coach will review it."), "success")


@bp.route("/<int:project_id>")
@allow(USER)
def show(project_id: int):
    return _render_project(_project_or_404(project_id))


def _coach_choices() -> list[tuple[str, str]]:
    coaches = session.scalars(
        select(User)
        .join(UserRole)
        .where(UserRole.role == "coach", User.active.is_(True))
        .order_by(User.display_name)
    )
    return [(u.public_id, u.display_name) for u in coaches]


def _render_project(project: Project, status: int = 200, **forms):
    user = current_user
    review_form = forms.get("review_form")
    if review_form is None and services.can_review(user, project):
        mine = next((r for r in project.reviews if r.reviewer_id == user.id), None)
        review_form = ReviewForm()
        if mine:
            for key, value in mine.scores.items():
                getattr(review_form, f"score_{key}").data = value
            review_form.comment.data = mine.comment
    coach_form = forms.get("coach_form")
    if coach_form is None and services.can_assign_coach(user, project):
        coach_form = CoachForm()
    if coach_form is not None:
        coach_form.coach.choices = _coach_choices()
    return render_template(
        "projects/project.html",
        project=project,
        roles=services.roles_on(user, project),
        can_edit=services.can_edit(user, project),
        moves=services.transitions_for(user, project),
        missing=services.missing_parts(project),
        women_share=services.women_share(project),
        summary=services.review_summary(project),
        criteria=services.CRITERIA,
        in_showcase=services.in_showcase(project),
        transition_form=forms.get("transition_form") or TransitionForm(),
        comment_form=forms.get("comment_form") or CommentForm(),
        document_form=forms.get("document_form") or DocumentForm(),
        delete_form=DeleteForm(),
        publication_form=PublicationForm(),
        review_form=review_form,
        coach_form=coach_form,
        max_documents=uploads.MAX_DOCUMENTS,
    ), status


@bp.route("/<int:project_id>/state", methods=["POST"])
@allow(USER)
def change_state(project_id: int):
    project = _project_or_404(project_id)
    form = TransitionForm()
    if not form.validate_on_submit():
        return _render_project(project, 400, transition_form=form)
    try:
        services.change_state(
            session,
            project,
            current_user,
            form.target.data,
            reason=form.reason.data,
            registration_number=form.registration_number.data,
            registration_date=form.registration_date.data,
        )
    except ProjectError as exc:
        form.form_errors.extend(exc.messages)
        return _render_project(project, 422, transition_form=form)
    flash(
        _("New state: %(state)s.", state=services.STATES[project.state]),
        "success",
    )
    return redirect(url_for("projects.show", project_id=project.id), 303)


@bp.route("/<int:project_id>/comments", methods=["POST"])
@allow(USER)
def comment(project_id: int):
    project = _project_or_404(project_id)
    form = CommentForm()
    if not form.validate_on_submit():
        return _render_project(project, 400, comment_form=form)
    try:
        services.add_comment(session, project, current_user, form.body.data)
    except ProjectError as exc:
        form.form_errors.extend(exc.messages)
        return _render_project(project, 422, comment_form=form)
    flash(_("Your comment is posted."), "success")
    return redirect(url_for("projects.show", project_id=project.id, _anchor="comments"), 303)


@bp.route("/<int:project_id>/publication", methods=["POST"])
@allow(USER)
def publication(project_id: int):
    project = _project_or_404(project_id)
    form = PublicationForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.set_publication(project, current_user, form.publish.data == "yes")
    except ProjectError:
        abort(403)
    flash(
        _("Your project will appear in the showcase once a coach retains it.")
        if project.publish_consent
        else _("Your project is no longer published in the showcase."),
        "success",
    )
    return redirect(url_for("projects.show", project_id=project.id), 303)


# --- documents ------------------------------------------------------------------------------


@bp.route("/<int:project_id>/documents", methods=["POST"])
@allow(USER)
def upload(project_id: int):
    project = _project_or_404(project_id)
    if not services.can_edit(current_user, project):
        abort(403)
    form = DocumentForm()
    if not form.validate_on_submit():
        return _render_project(project, 400, document_form=form)
    data = uploads.read_upload(form.file.data.stream)
    try:
        uploads.attach(session, project, current_user, form.file.data.filename, data)
    except uploads.UploadError as exc:
        form.file.errors = [str(exc)]
        return _render_project(project, 422, document_form=form)
    flash(_("The document is attached."), "success")
    return redirect(url_for("projects.show", project_id=project.id, _anchor="documents"), 303)


def _document_or_404(project: Project, document_id: int) -> Document:
    document = session.get(Document, document_id)
    if document is None or document.project_id != project.id:
        abort(404)
    return document


@bp.route("/<int:project_id>/documents/<int:document_id>")
@allow(USER)
def document(project_id: int, document_id: int):
    project = _project_or_404(project_id)
    document = _document_or_404(project, document_id)
    path = uploads.path_of(document)
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype=document.content_type,
        # Pictures open in the browser, PDFs download: neither is ever run as a page.
        as_attachment=document.content_type == "application/pdf",
        download_name=document.original_name,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<int:project_id>/documents/<int:document_id>/delete", methods=["POST"])
@allow(USER)
def delete_document(project_id: int, document_id: int):
    project = _project_or_404(project_id)
    document = _document_or_404(project, document_id)
    if not services.can_edit(current_user, project):
        abort(403)
    uploads.remove(session, document)
    flash(_("The document is deleted."), "success")
    return redirect(url_for("projects.show", project_id=project.id, _anchor="documents"), 303)


# --- coaches and administrators -------------------------------------------------------------


@bp.route("/<int:project_id>/review", methods=["POST"])
@allow("coach", "admin")
def review(project_id: int):
    project = _project_or_404(project_id)
    if not services.can_review(current_user, project):
        abort(403)
    form = ReviewForm()
    if not form.validate_on_submit():
        return _render_project(project, 400, review_form=form)
    try:
        services.save_review(session, project, current_user, form.scores(), form.comment.data)
    except ProjectError as exc:
        form.form_errors.extend(exc.messages)
        return _render_project(project, 422, review_form=form)
    flash(_("Your review is saved."), "success")
    return redirect(url_for("projects.show", project_id=project.id, _anchor="reviews"), 303)


@bp.route("/<int:project_id>/coach", methods=["POST"])
@allow("coach", "admin")
def assign_coach(project_id: int):
    project = _project_or_404(project_id)
    if not services.can_assign_coach(current_user, project):
        abort(403)
    form = CoachForm()
    form.coach.choices = _coach_choices()
    if not form.validate_on_submit():
        return _render_project(project, 400, coach_form=form)
    coach = find_by_public_id(session, form.coach.data)
    try:
        services.assign_coach(session, project, current_user, coach)
    except ProjectError as exc:
        form.form_errors.extend(exc.messages)
        return _render_project(project, 422, coach_form=form)
    flash(with_names(_("Coach assigned: %(name)s."), name=coach.display_name), "success")
    return redirect(url_for("projects.show", project_id=project.id), 303)


def _filter_choices():
    language = current_language()
    return {
        "states": list(services.STATES.items()),
        "sectors": list(services.SECTORS.items()),
        "regions": region_choices(language),
    }


REVIEW_PAGE_SIZE = 50
SHOWCASE_PAGE_SIZE = 24


def _page_number() -> int:
    try:
        return int(request.args.get("page", "1"))
    except ValueError:
        return 1


def _page_links(page) -> dict:
    """Links to the previous and next pages, keeping the filters of the query string."""
    args = request.args.to_dict()

    def link(number):
        return url_for(request.endpoint, **{**args, "page": number})

    return {
        "previous": link(page.number - 1) if page.number > 1 else None,
        "next": link(page.number + 1) if page.number < page.pages else None,
    }


@bp.route("/review")
@allow("coach", "admin")
def review_list():
    filters = services.parse_filters(request.args, current_user)
    page = services.paged(session, services.review_query(filters), _page_number(), REVIEW_PAGE_SIZE)
    csv_args = {k: v for k, v in request.args.to_dict().items() if k != "page"}
    return render_template(
        "projects/review_list.html",
        page=page,
        links=_page_links(page),
        filters=filters,
        choices=_filter_choices(),
        summaries={p.id: services.review_summary(p) for p in page.items},
        shares={p.id: services.women_share(p) for p in page.items},
        csv_url=url_for("projects.review_csv", **csv_args),
    )


@bp.route("/review.csv")
@allow("coach", "admin")
def review_csv():
    filters = services.parse_filters(request.args, current_user)
    language = current_language()
    header = [_("Number"), _("Name"), _("State"), _("Sector"), _("Region"), _("Commune"),
              _("Members"), _("Women"), _("Under 35"), _("Women (%)"),
              _("Funding needed (MAD)"), _("Expected jobs"), _("Reviews"),
              _("Average score"), _("Holder"), _("Registration number")]  # fmt: skip

    def rows():
        for p in services.projects_for_review(session, filters):
            summary = services.review_summary(p)
            yield (
                p.id, p.name, services.STATES[p.state],
                services.SECTORS[p.sector] if p.sector else "",
                region_name(p.region, language), p.commune, p.members_count, p.members_women,
                p.members_youth, services.women_share(p), p.funding_needed, p.expected_jobs,
                summary["count"], summary["average"], p.holder.display_name,
                p.registration_number,
            )  # fmt: skip

    return csv_response("projects.csv", header, rows())


# --- public showcase ------------------------------------------------------------------------


@bp.route("/showcase")
@allow(PUBLIC)
def showcase():
    filters = services.parse_filters(request.args)
    page = services.paged(
        session, services.showcase_query(filters), _page_number(), SHOWCASE_PAGE_SIZE
    )
    return render_template(
        "projects/showcase.html",
        page=page,
        links=_page_links(page),
        filters=filters,
        choices=_filter_choices(),
    )


@bp.route("/showcase/<int:project_id>")
@allow(PUBLIC)
def showcase_project(project_id: int):
    project = session.get(Project, project_id)
    if project is None or not services.in_showcase(project):
        abort(404)
    return render_template("projects/showcase_project.html", project=project)
