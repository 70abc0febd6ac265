"""Register, log in, log out, the profile and the password."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from lms.access import PUBLIC, USER, allow
from lms.auth import services, sessions
from lms.auth.forms import LoginForm, PasswordForm, ProfileForm, RegisterForm
from lms.auth.pins import NO_PASSWORD
from lms.bidi import with_names
from lms.db import session
from lms.forms import form_status
from lms.i18n import current_language
from lms.rate_limits import rate_limited
from lms.security import safe_next

bp = Blueprint("auth", __name__, template_folder="templates")

CONTACT_ERRORS = {
    "email-taken": _l("Another account has this e-mail address."),
    "bad-phone": _l("Write the phone number with its digits (6 to 15), e.g. 0612345678."),
}


@bp.route("/register", methods=["GET", "POST"])
@allow(PUBLIC)
@rate_limited("REGISTER_RATE_LIMIT")
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = RegisterForm()
    form.fill_choices(current_language())
    if request.method == "GET":
        form.preferred_language.data = current_language()
    if form.validate_on_submit():
        user = services.register(
            session,
            form.email.data,
            form.password.data,
            display_name=form.display_name.data,
            preferred_language=form.preferred_language.data,
            gender=form.gender.data or None,
            birth_year=form.birth_year.data,
            region=form.region.data or None,
        )
        # The same redirect either way, so the answer never says an address has an account:
        # a new learner lands on her space; for a taken address the dashboard sends the
        # visitor on to the login form, where this neutral message is shown.
        if user is None:
            flash(
                _(
                    "If this e-mail address already has an account, log in with its password "
                    "(your trainer can help if it is lost)."
                ),
                "info",
            )
        else:
            sessions.start(user)
            flash(with_names(_("Welcome to Taawun, %(name)s!"), name=user.display_name), "success")
        return redirect(url_for("main.dashboard"))
    status = form_status(form)
    return render_template("auth/register.html", form=form), status


@bp.route("/login", methods=["GET", "POST"])
@allow(PUBLIC)
@rate_limited("LOGIN_RATE_LIMIT")
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(session, form.email.data, form.password.data)
        if user is not None:
            sessions.start(user)
            return redirect(safe_next(request.args.get("next"), url_for("main.dashboard")))
        # One message for a wrong e-mail, a wrong password and a deactivated account.
        form.form_errors.append(_("E-mail address or password is wrong."))
    status = form_status(form)
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@allow(USER)
def logout():
    # A copied cookie must not outlive the logout: this ends the account's every session.
    sessions.end_everywhere(current_user)
    flash(_("You are logged out."), "info")
    return redirect(url_for("main.home")), 302, sessions.CLEAR_CACHE


@bp.route("/logout-everywhere", methods=["POST"])
@allow(USER)
def logout_everywhere():
    # CSRFProtect checks the form's token, as on every POST.
    sessions.end_everywhere(current_user)
    flash(_("You are logged out on every device, and launched content is stopped."), "info")
    return redirect(url_for("main.home"))


@bp.route("/profile", methods=["GET", "POST"])
@allow(USER)
def profile():
    form = ProfileForm(obj=current_user)
    form.fill_choices(current_language())
    if form.validate_on_submit():
        try:
            services.set_contact(session, current_user, form.email.data, form.phone.data)
        except services.AccountError as exc:
            field = form.phone if str(exc) == "bad-phone" else form.email
            field.errors.append(str(CONTACT_ERRORS.get(str(exc), exc)))
            return render_template("auth/profile.html", form=form, no_password=NO_PASSWORD), 400
        current_user.display_name = form.display_name.data
        current_user.preferred_language = form.preferred_language.data
        current_user.gender = form.gender.data or None
        current_user.birth_year = form.birth_year.data
        current_user.region = form.region.data or None
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("auth.profile"))
    status = form_status(form)
    return render_template("auth/profile.html", form=form, no_password=NO_PASSWORD), status


@bp.route("/password", methods=["GET", "POST"])
@allow(USER)
@rate_limited("PASSWORD_RATE_LIMIT")
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()  # the account, not the proxy to it
        services.set_password(user, form.new.data)
        sessions.start(user)  # every other session ended; this one goes on
        flash(_("Your password is changed. Other devices are logged out."), "success")
        return redirect(url_for("auth.profile"))
    status = form_status(form)
    return render_template("auth/password.html", form=form), status
