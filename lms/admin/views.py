"""Admin pages: find users, give and take roles, deactivate and reactivate accounts."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.access import ROLES, allow
from lms.admin.forms import ROLE_LABELS, ActiveForm, RoleForm
from lms.auth import services
from lms.auth.models import User
from lms.db import session

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")


def _user_or_404(public_id: str) -> User:
    user = services.find_by_public_id(session, public_id)
    if user is None:
        abort(404)
    return user


@bp.route("/users")
@allow("admin")
def users():
    text = request.args.get("q", "")[:100]
    role = request.args.get("role") if request.args.get("role") in ROLES else None
    found = services.search_users(session, text, role, limit=200)
    return render_template(
        "admin/users.html", users=found, q=text, role=role, role_labels=ROLE_LABELS
    )


@bp.route("/users/<public_id>")
@allow("admin")
def user(public_id: str):
    return render_template(
        "admin/user.html",
        user=_user_or_404(public_id),
        role_form=RoleForm(),
        active_form=ActiveForm(),
        role_labels=ROLE_LABELS,
    )


@bp.route("/users/<public_id>/roles", methods=["POST"])
@allow("admin")
def change_role(public_id: str):
    target = _user_or_404(public_id)
    form = RoleForm()
    if not form.validate_on_submit():
        flash(_("Choose a role."), "error")
        return redirect(url_for("admin.user", public_id=public_id)), 303
    role = form.role.data
    if form.action.data == "revoke" and target.id == current_user.id and role == "admin":
        flash(_("You cannot remove your own administrator role."), "error")
        return redirect(url_for("admin.user", public_id=public_id)), 303
    if form.action.data == "grant":
        services.grant_role(target, role)
        flash(_("Role given: %(role)s.", role=ROLE_LABELS[role]), "success")
    else:
        services.revoke_role(target, role)
        flash(_("Role taken away: %(role)s.", role=ROLE_LABELS[role]), "success")
    return redirect(url_for("admin.user", public_id=public_id))


@bp.route("/users/<public_id>/active", methods=["POST"])
@allow("admin")
def change_active(public_id: str):
    target = _user_or_404(public_id)
    form = ActiveForm()
    if not form.validate_on_submit():
        abort(400)
    if target.id == current_user.id:
        flash(_("You cannot deactivate your own account."), "error")
        return redirect(url_for("admin.user", public_id=public_id)), 303
    services.set_active(target, form.action.data == "reactivate")
    flash(
        _("The account is active again.") if target.active else _("The account is deactivated."),
        "success",
    )
    return redirect(url_for("admin.user", public_id=public_id))
