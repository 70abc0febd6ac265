"""Register, log in, log out, the profile and the password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from lms.access import PUBLIC, USER, allow
from lms.auth import services
from lms.auth.forms import LoginForm, PasswordForm, ProfileForm, RegisterForm
from lms.bidi import with_names
from lms.db import session
from lms.extensions import limiter
from lms.forms import form_status
from lms.i18n import current_language

bp = Blueprint("auth", __name__, template_folder="templates")


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never redirect to another host after login."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and not urlsplit(target).netloc
    ):
        return target
    return url_for("main.dashboard")


def _login_limit() -> str:
    from flask import current_app

    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/register", methods=["GET", "POST"])
@allow(PUBLIC)
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = RegisterForm()
    form.fill_choices(current_language())
    if request.method == "GET":
        form.preferred_language.data = current_language()
    if form.validate_on_submit():
        if services.find_by_email(session, form.email.data):
            form.email.errors.append(_("An account already exists for this e-mail address."))
        else:
            user = services.create_user(
                session,
                form.email.data,
                form.password.data,
                display_name=form.display_name.data,
                preferred_language=form.preferred_language.data,
                gender=form.gender.data or None,
                birth_year=form.birth_year.data,
                region=form.region.data or None,
            )
            login_user(user)
            flash(with_names(_("Welcome to Taawun, %(name)s!"), name=user.display_name), "success")
            return redirect(url_for("main.dashboard"))
    status = form_status(form)
    return render_template("auth/register.html", form=form), status


@bp.route("/login", methods=["GET", "POST"])
@allow(PUBLIC)
@limiter.limit(_login_limit, methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(session, form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        # One message for a wrong e-mail, a wrong password and a deactivated account.
        form.form_errors.append(_("E-mail address or password is wrong."))
    status = form_status(form)
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@allow(USER)
def logout():
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("main.home"))


@bp.route("/profile", methods=["GET", "POST"])
@allow(USER)
def profile():
    form = ProfileForm(obj=current_user)
    form.fill_choices(current_language())
    if form.validate_on_submit():
        current_user.display_name = form.display_name.data
        current_user.preferred_language = form.preferred_language.data
        current_user.gender = form.gender.data or None
        current_user.birth_year = form.birth_year.data
        current_user.region = form.region.data or None
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("auth.profile"))
    status = form_status(form)
    return render_template("auth/profile.html", form=form), status


@bp.route("/password", methods=["GET", "POST"])
@allow(USER)
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        current_user.password_hash = services.hash_password(form.new.data)
        flash(_("Your password is changed."), "success")
        return redirect(url_for("auth.profile"))
    status = form_status(form)
    return render_template("auth/password.html", form=form), status
