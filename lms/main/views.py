"""Home, dashboard, learning path, language switch, health check and error pages."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import text
from werkzeug.exceptions import HTTPException

from lms.access import PUBLIC, USER, allow
from lms.config import LANGUAGES
from lms.db import session
from lms.layout import main_role
from lms.plugins import registry
from lms.security import safe_next

bp = Blueprint("main", __name__, template_folder="templates")

LANG_COOKIE_AGE = 365 * 24 * 3600


@bp.route("/")
@allow(PUBLIC)
def home():
    figures = [figure(session) for figure in registry().home_figures]
    return render_template("main/home.html", figures=[f for f in figures if f])


def path_steps(user) -> list[tuple]:
    """The learning path as (step, status) pairs, in order."""
    steps = sorted(registry().path_steps, key=lambda step: step.order)
    return [(step, step.status(user)) for step in steps]


@bp.route("/dashboard")
@allow(USER)
def dashboard():
    cards = [card(current_user) for card in registry().dashboard_cards]
    return render_template(
        "main/dashboard.html",
        steps=path_steps(current_user),
        cards=[card for card in cards if card],
        # staff open on their work; the learning path is a learner's
        learner=main_role(current_user) == "learner",
    )


@bp.route("/path")
@allow(USER)
def learning_path():
    return render_template("main/path.html", steps=path_steps(current_user))


@bp.route("/language", methods=["POST"])
@allow(PUBLIC)
def set_language():
    language = request.form.get("lang", "")
    target = safe_next(request.form.get("next"), url_for("main.home"))
    if language not in LANGUAGES:
        return render_error(400, _("Unknown language."))
    if current_user.is_authenticated:
        current_user.preferred_language = language
    response = redirect(target)
    response.set_cookie(
        "lang",
        language,
        max_age=LANG_COOKIE_AGE,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
    )
    return response


@bp.route("/healthz")
@allow(PUBLIC)
def healthz():
    try:
        session.execute(text("SELECT 1"))
    except Exception as exc:  # any database failure means "not healthy"
        current_app.logger.warning("health check failed: %s", exc)
        return jsonify(status="unavailable", reason="database"), 503
    return jsonify(status="ok")


ERROR_TITLES = {
    400: lambda: _("The request was not understood"),
    403: lambda: _("You may not open this page"),
    404: lambda: _("Page not found"),
    405: lambda: _("This action is not allowed here"),
    413: lambda: _("The file is too large"),
    429: lambda: _("Too many attempts: wait a minute and try again"),
    500: lambda: _("Something went wrong on our side"),
}


def render_error(status: int, detail: str = ""):
    title = ERROR_TITLES.get(status, ERROR_TITLES[500])()
    return render_template("errors/error.html", status=status, title=title, detail=detail), status


def handle_http_error(error: HTTPException):
    if request.path.startswith("/xapi"):
        return jsonify(error=error.name, message=error.description), error.code
    return render_error(error.code or 500)


def handle_csrf_error(_error):
    return render_error(400, _("The form has expired or was not sent by this site. Try again."))


def handle_unexpected_error(error: Exception):
    current_app.logger.exception("unexpected error", exc_info=error)
    session.rollback()
    return render_error(500)
