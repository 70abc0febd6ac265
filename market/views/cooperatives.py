"""Cooperatives: the directory, a cooperative's page, my marketplace space, profiles, members,
and the coaches' view of every cooperative's sales."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from lms.access import PUBLIC, USER, allow
from lms.bidi import with_names
from lms.db import session
from lms.forms import form_status
from lms.regions import REGIONS
from market import search, services
from market.forms import ActionForm, CooperativeForm, MemberForm, PhotoForm
from market.models import Cooperative, Membership
from market.services import MEMBER_ROLES, MarketError, NotAllowed
from market.views.common import bp, confirm_page, confirmed, member_coop, user
from market.views.photos import save_photo


@bp.route("/cooperatives")
@allow(PUBLIC)
def cooperatives():
    women_led = request.args.get("women_led") == "1"
    region = request.args.get("region", "")
    return render_template(
        "market/cooperatives.html",
        cooperatives=search.cooperatives(
            session, region if region in REGIONS else "", women_led=women_led
        ),
        region=region,
        women_led=women_led,
        regions=REGIONS,
    )


@bp.route("/cooperatives/<int:coop_id>")
@allow(PUBLIC)
def cooperative(coop_id: int):
    coop = session.get(Cooperative, coop_id) or abort(404)
    products = sorted(
        (p for p in coop.products if p.published), key=lambda p: p.published_at, reverse=True
    )
    return render_template(
        "market/cooperative.html",
        coop=coop,
        products=products,
        member=services.is_member(session, coop, current_user),
    )


@bp.route("/mine")
@allow(USER)
def mine():
    me = user()
    projects = [
        (project, services.project_key(project),
         services.cooperative_made_from(session, services.project_key(project)))
        for project in services.launched_projects(me)
    ]  # fmt: skip
    cooperatives = services.cooperatives_of(session, me)
    # what buyers asked the user's cooperatives: the first thing a seller comes here for
    incoming = [o for coop in cooperatives for o in services.orders_of_cooperative(session, coop)]
    return render_template(
        "market/mine.html",
        cooperatives=cooperatives,
        incoming=incoming,
        projects=projects,
        orders=services.orders_of_buyer(session, me),
        may_create=services.may_create_cooperative(me),
        action_form=ActionForm(),
    )


@bp.route("/cooperatives/new", methods=["GET", "POST"])
@allow(USER)
def new_cooperative():
    me = user()
    if not services.may_create_cooperative(me):
        return render_template("market/locked.html")
    form = CooperativeForm()
    if form.validate_on_submit():
        key = request.form.get("project", "")
        source = key if key and services.find_launched_project(me, key) else None
        if source and services.cooperative_made_from(session, source):
            source = None  # a project makes one cooperative; a second profile is a plain one
        coop = services.create_cooperative(session, me, **form.fields(), source_project=source)
        flash(_("Your cooperative's profile is created."), "success")
        return redirect(url_for("market.manage", coop_id=coop.id))
    status = form_status(form)
    return render_template("market/cooperative_form.html", form=form, coop=None), status


@bp.route("/cooperatives/from-project", methods=["POST"])
@allow(USER)
def cooperative_from_project():
    """One click: a launched project of the project bank becomes a cooperative profile."""
    me = user()
    form = ActionForm()
    key = request.form.get("project", "")
    project = services.find_launched_project(me, key) if form.validate_on_submit() else None
    if project is None:
        abort(404)
    if not services.may_create_cooperative(me):
        return render_template("market/locked.html"), 403
    existing = services.cooperative_made_from(session, key)
    if existing is not None:
        return redirect(url_for("market.cooperative", coop_id=existing.id))
    fields = services.fields_from_project(project)
    formdata = MultiDict({k: str(v) for k, v in fields.items() if v not in (None, "")})
    form = CooperativeForm(formdata=formdata, meta={"csrf": False})
    if not form.validate():  # incomplete project data: the prefilled form says what is missing
        return render_template(
            "market/cooperative_form.html", form=form, coop=None, project_key=key
        ), 422
    coop = services.create_cooperative(session, me, **form.fields(), source_project=key)
    flash(_("Your project is now a cooperative profile. Add your products!"), "success")
    return redirect(url_for("market.manage", coop_id=coop.id))


@bp.route("/cooperatives/<int:coop_id>/manage")
@allow(USER)
def manage(coop_id: int):
    coop = member_coop(coop_id)
    return _manage_page(coop)


def _manage_page(coop, status=200, member_form=None, photo_form=None, members_error=None):
    return render_template(
        "market/manage.html",
        coop=coop,
        products=sorted(coop.products, key=lambda p: p.id, reverse=True),
        orders=services.orders_of_cooperative(session, coop),
        owner=services.is_owner(session, coop, current_user),
        members_error=members_error,
        member_roles=MEMBER_ROLES,
        member_form=member_form or MemberForm(formdata=None),
        photo_form=photo_form or PhotoForm(formdata=None),
        action_form=ActionForm(),
    ), status


@bp.route("/cooperatives/<int:coop_id>/edit", methods=["GET", "POST"])
@allow(USER)
def edit_cooperative(coop_id: int):
    coop = member_coop(coop_id)
    form = CooperativeForm(obj=coop)
    if form.validate_on_submit():
        services.update_cooperative(session, coop, **form.fields())
        flash(_("Saved."), "success")
        return redirect(url_for("market.manage", coop_id=coop.id))
    status = form_status(form)
    return render_template("market/cooperative_form.html", form=form, coop=coop), status


@bp.route("/cooperatives/<int:coop_id>/photos", methods=["POST"])
@allow(USER)
def add_cooperative_photo(coop_id: int):
    coop = member_coop(coop_id)
    form = PhotoForm()
    if save_photo(form, coop):
        return redirect(url_for("market.manage", coop_id=coop.id))
    return _manage_page(coop, 400, photo_form=form)


# --- members --------------------------------------------------------------------------------


@bp.route("/cooperatives/<int:coop_id>/members", methods=["POST"])
@allow(USER)
def add_member(coop_id: int):
    coop = member_coop(coop_id, owner=True)
    form = MemberForm()
    if form.validate_on_submit():
        try:
            services.add_member(session, coop, form.email.data)
        except MarketError as exc:
            form.email.errors = [exc.message]
        else:
            flash(_("Member added."), "success")
            return redirect(url_for("market.manage", coop_id=coop.id))
    return _manage_page(coop, 400, member_form=form)


def _membership_in(coop: Cooperative, member_id: int) -> Membership:
    found = session.get(Membership, member_id)
    if found is None or found.cooperative_id != coop.id:
        abort(404)
    return found


@bp.route("/cooperatives/<int:coop_id>/members/<int:member_id>/remove", methods=["GET", "POST"])
@allow(USER)
def remove_member(coop_id: int, member_id: int):
    """An owner removes a member, or a member leaves: a confirmation page comes first."""
    coop = member_coop(coop_id)
    member = _membership_in(coop, member_id)
    me = user()
    leaving = member.user_id == me.id
    page = _removal_page(coop, member, leaving)
    try:
        if not confirmed():
            services.check_removal(session, coop, me, member)
            return confirm_page(page)
        services.remove_member(session, coop, me, member)
    except NotAllowed:
        abort(403)
    except MarketError as exc:
        return confirm_page(page, 409, error=exc.message)
    if leaving:
        flash(with_names(_("You left %(coop)s."), coop=coop.name), "success")
        return redirect(url_for("market.mine"))
    flash(_("Member removed."), "success")
    return redirect(url_for("market.manage", coop_id=coop.id))


def _removal_page(coop: Cooperative, member: Membership, leaving: bool) -> dict:
    back = {"back_url": url_for("market.manage", coop_id=coop.id), "back_label": coop.name}
    if leaving:
        return {
            "heading": with_names(_("Leave %(coop)s?"), coop=coop.name),
            "explanation": _(
                "You will no longer manage this cooperative's profile, products and orders. "
                "Orders and their history stay."
            ),
            "button": _("Leave the cooperative"),
            **back,
        }
    return {
        "heading": with_names(
            _("Remove %(name)s from %(coop)s?"), name=member.user.display_name, coop=coop.name
        ),
        "explanation": _(
            "They will no longer manage this cooperative's profile, products and orders. "
            "Their orders and the cooperative's history stay."
        ),
        "button": _("Remove the member"),
        **back,
    }


@bp.route("/cooperatives/<int:coop_id>/members/<int:member_id>/role", methods=["POST"])
@allow(USER)
def set_member_role(coop_id: int, member_id: int):
    coop = member_coop(coop_id)
    member = _membership_in(coop, member_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.set_member_role(session, coop, user(), member, request.form.get("role", ""))
    except NotAllowed:
        abort(403)
    except MarketError as exc:
        session.rollback()  # the page below shows the members as they really are
        return _manage_page(session.get(Cooperative, coop_id), 409, members_error=exc.message)
    flash(_("Saved."), "success")
    return redirect(url_for("market.manage", coop_id=coop.id))


# --- coaches --------------------------------------------------------------------------------


@bp.route("/coach")
@allow("coach", "admin")
def coach_overview():
    """Commercial progress of every cooperative, beside what coaches see of learning."""
    return render_template("market/coach.html", rows=services.sales_overview(session))
