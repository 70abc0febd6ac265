"""Pages of the project bank."""

from __future__ import annotations

from flask import Blueprint, render_template

from lms.access import PUBLIC, allow

bp = Blueprint("projects", __name__, url_prefix="/projects", template_folder="templates")


@bp.route("/")
@allow(PUBLIC)
def index():
    return render_template("projects/index.html")
