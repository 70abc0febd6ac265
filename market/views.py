"""Pages of the marketplace."""

from __future__ import annotations

from flask import Blueprint, render_template

from lms.access import PUBLIC, allow

bp = Blueprint("market", __name__, url_prefix="/market", template_folder="templates")


@bp.route("/")
@allow(PUBLIC)
def index():
    return render_template("market/index.html")
