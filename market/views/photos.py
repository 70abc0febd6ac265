"""Pictures of cooperatives and products: served (cached by digest), added and removed."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.access import PUBLIC, USER, allow
from lms.db import session
from market import services
from market.forms import ActionForm, PhotoForm
from market.images import CONTENT_TYPE, ImageError
from market.models import Cooperative, Photo, Product
from market.services import MarketError
from market.views.common import bp, member_coop


@bp.route("/photos/<int:photo_id>/<size>")
@allow(PUBLIC)
def photo(photo_id: int, size: str):
    if size not in ("small", "large"):
        abort(404)
    picture = session.get(Photo, photo_id) or abort(404)
    public = picture.product is None or picture.product.published
    if not public and not services.is_member(session, picture.product.cooperative, current_user):
        abort(404)
    response = make_response(getattr(picture, size))
    response.headers["Content-Type"] = CONTENT_TYPE
    response.set_etag(f"{picture.digest[:32]}-{size}")
    # The URL carries the digest, so a cached copy can be kept long; hidden ones stay private.
    response.cache_control.max_age = 30 * 24 * 3600
    response.cache_control.public = public
    response.cache_control.private = not public
    return response.make_conditional(request)


def save_photo(form: PhotoForm, coop: Cooperative, product: Product | None = None) -> bool:
    """Add the uploaded picture; False (the form says why) when it was refused."""
    if not form.validate_on_submit():
        return False
    try:
        services.add_photo(session, coop, form.photo.data.read(), product)
    except (ImageError, MarketError) as exc:
        form.photo.errors = [getattr(exc, "message", None) or str(exc)]
        return False
    flash(_("Picture added."), "success")
    return True


@bp.route("/photos/<int:photo_id>/delete", methods=["POST"])
@allow(USER)
def delete_photo(photo_id: int):
    picture = session.get(Photo, photo_id) or abort(404)
    coop = member_coop(picture.cooperative_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    product_id = picture.product_id
    session.delete(picture)
    flash(_("Picture removed."), "success")
    if product_id:
        return redirect(url_for("market.edit_product", product_id=product_id))
    return redirect(url_for("market.manage", coop_id=coop.id))
