"""Members without e-mail sign in: a card (QR or typed code), a PIN, and "switch person"."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.access import PUBLIC, allow
from lms.auth import cards, pins, recent, sessions
from lms.auth.forms import CardCodeForm, NewPinForm, PinLoginForm
from lms.auth.models import User
from lms.auth.services import AccountError, find_by_public_id
from lms.auth.views import bp
from lms.bidi import with_names
from lms.db import session
from lms.forms import form_status
from lms.rate_limits import rate_limited

# CSRFProtect (lms.extensions) checks the token of every POST below, as everywhere.


def _signed_in(user: User):
    """Start the member's session, remember her on this browser, and send her on."""
    sessions.start(user)
    target = url_for("auth.new_pin") if user.pin_hash is None else url_for("main.dashboard")
    response = make_response(redirect(target))
    recent.remember(response, user)
    return response


@bp.route("/card", methods=["GET", "POST"])
@allow(PUBLIC)
@rate_limited("PIN_RATE_LIMIT")
def card_code():
    form = CardCodeForm()
    if form.validate_on_submit():
        member = cards.member_of_token(session, form.code.data)
        if member is not None:
            return _signed_in(member)
        form.code.errors.append(_("This code does not open any card. Check it with your trainer."))
    return render_template("auth/card_code.html", form=form), form_status(form)


@bp.route("/card/<token>", methods=["GET", "POST"])
@allow(PUBLIC)
@rate_limited("PIN_RATE_LIMIT")
def card(token: str):
    member = cards.member_of_token(session, token)
    if member is None:
        return render_template("auth/card_invalid.html"), 404
    # A POST with the CSRF token, not the GET: a link preview or a page of another site cannot
    # sign a browser in as someone else.
    if request.method == "POST":
        return _signed_in(member)
    return render_template("auth/card_confirm.html", member=member)


@bp.route("/pin", methods=["GET", "POST"])
@allow(PUBLIC)
@rate_limited("PIN_RATE_LIMIT")
def pin_login():
    form = PinLoginForm()
    chosen = _recent_member(request.args.get("who"))
    if request.method == "GET" and chosen is not None:
        form.login.data = chosen.username
    if form.validate_on_submit():
        try:
            member = pins.authenticate(session, form.login.data, form.pin.data)
        except pins.Locked:
            form.form_errors.append(
                _("Too many wrong PINs: ask your trainer to unlock it, or sign in with your card.")
            )
        except pins.Unavailable:
            form.form_errors.append(
                _("PIN sign-in is not available for a moment: try again soon, or use your card.")
            )
        else:
            if member is not None:
                return _signed_in(member)
            form.form_errors.append(_("Username, phone number or PIN is wrong."))
    return render_template("auth/pin_login.html", form=form, chosen=chosen), form_status(form)


def _recent_member(public_id: str | None) -> User | None:
    if public_id not in recent.public_ids():
        return None
    return find_by_public_id(session, public_id)


@bp.route("/pin/new", methods=["GET", "POST"])
@allow("learner")
def new_pin():
    form = NewPinForm()
    if form.validate_on_submit():
        try:
            pins.set_pin(current_user, form.pin.data)
        except AccountError:
            abort(403)  # staff keep their passwords
        flash(_("Your PIN is saved. Next time, sign in with it or with your card."), "success")
        return redirect(url_for("main.dashboard"))
    return render_template("auth/new_pin.html", form=form), form_status(form)


@bp.route("/switch", methods=["GET", "POST"])
@allow(PUBLIC)
def switch():
    """The members recently signed in here; a POST signs the current one out first."""
    if request.method == "POST":
        if current_user.is_authenticated:
            name = current_user.display_name
            sessions.end_everywhere(current_user)
            flash(with_names(_("%(name)s is signed out."), name=name), "info")
        return redirect(url_for("auth.switch")), 302, sessions.CLEAR_CACHE
    members = recent.members(session)
    return render_template("auth/switch.html", members=members, initials=recent.initials)
