"""The marketplace's blueprint and what its rooms share: template helpers, the dashboard card,
the member check and the confirmation page."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, render_template, request, send_from_directory, url_for
from flask_babel import format_currency
from flask_login import current_user
from markupsafe import Markup

from lms.access import PUBLIC, allow
from lms.db import session
from lms.i18n import current_language
from lms.markdown import render_markdown
from lms.regions import region_name
from market import services
from market.forms import ActionForm
from market.models import Cooperative
from market.services import CATEGORIES, PAYMENT_METHODS, STATUSES, UNITS

PACKAGE = Path(__file__).resolve().parent.parent  # market/: its templates/ and static/
bp = Blueprint(
    "market", __name__, url_prefix="/market", template_folder="templates", root_path=str(PACKAGE)
)
STATIC = PACKAGE / "static"


def user():
    """The signed-in user themselves (services keep them; the proxy is for templates)."""
    return current_user._get_current_object()


@bp.context_processor
def _helpers():
    return {
        "price": lambda amount: format_currency(amount, "MAD"),
        "category_name": lambda key: CATEGORIES.get(key, key),
        "unit_name": lambda key: UNITS.get(key, key),
        "status_name": lambda key: STATUSES.get(key, key),
        "payment_name": lambda key: PAYMENT_METHODS.get(key, key),
        "region_label": lambda code: region_name(code, current_language()),
        "photo_url": lambda photo, size="small": url_for(
            "market.photo", photo_id=photo.id, size=size, v=photo.digest[:12]
        ),
        "markdown": render_markdown,
    }


def dashboard_card(user):
    """The user's cooperatives and orders on their dashboard; nothing when they have none."""
    summaries = services.commercial_summary(session, user)
    buyer_orders = len(services.orders_of_buyer(session, user))
    coach = user.has_any_role(("coach", "admin"))
    if not summaries and not buyer_orders and not coach:
        return None
    html = render_template(
        "market/_card.html", summaries=summaries, buyer_orders=buyer_orders, coach=coach
    )
    return Markup(html)  # noqa: S704 (rendered by Jinja with autoescape)


@bp.route("/market.css")
@allow(PUBLIC)
def stylesheet():
    return send_from_directory(STATIC, "market.css", max_age=24 * 3600)


def member_coop(coop_id: int, owner: bool = False) -> Cooperative:
    """The cooperative if the user is one of its members (an owner, if asked); 403 otherwise."""
    coop = session.get(Cooperative, coop_id) or abort(404)
    found = services.membership(session, coop, current_user)
    if found is None or (owner and found.role != "owner"):
        abort(403)
    return coop


def confirmed() -> bool:
    """The second step of a removal: the confirmation page's button (CSRF checked) was pressed."""
    return ActionForm().validate_on_submit() and request.form.get("confirmed") == "yes"


def confirm_page(page: dict, status: int = 200, error: str | None = None):
    return render_template("market/confirm.html", error=error, **page), status
