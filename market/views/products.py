"""Products: the search page, the feed of new products, a product's page, listing them."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.access import PUBLIC, USER, allow
from lms.bidi import with_names
from lms.db import session
from lms.forms import form_status
from lms.regions import REGIONS
from market import search, services
from market.forms import ActionForm, PhotoForm, ProductForm
from market.models import Product
from market.search import SORTS, Filters
from market.services import CATEGORIES, MarketError, NotAllowed
from market.views.common import bp, confirm_page, confirmed, member_coop, user
from market.views.photos import save_photo

FEED_SIZE = 50


@bp.route("/")
@allow(PUBLIC)
def index():
    filters, problems = _filters_from(request.args)
    results = search.search(session, filters)
    return render_template(
        "market/index.html",
        filters=filters,
        results=results,
        problems=problems,
        categories=CATEGORIES,
        regions=REGIONS,
        sorts=SORTS,
        page_url=lambda page: url_for("market.index", **{**request.args.to_dict(), "page": page}),
    )


def _filters_from(args) -> tuple[Filters, list[str]]:
    problems = []
    filters = Filters(
        query=args.get("q", "").strip()[:200],
        category=args.get("category", "") if args.get("category") in CATEGORIES else "",
        region=args.get("region", "") if args.get("region") in REGIONS else "",
        women_led=args.get("women_led") == "1",
        sort=args.get("sort") if args.get("sort") in SORTS else "newest",
        page=args.get("page", 1, type=int) or 1,
    )
    for name, label in (("price_min", _("Minimum price")), ("price_max", _("Maximum price"))):
        raw = args.get(name, "").strip().replace(",", ".")
        if not raw:
            continue
        try:
            value = Decimal(raw)
            if not value.is_finite() or value < 0:
                raise InvalidOperation
        except InvalidOperation:
            problems.append(_("%(field)s must be a positive number.", field=label))
            continue
        setattr(filters, name, value)
    return filters, problems


@bp.route("/feed.atom")
@allow(PUBLIC)
def feed():
    products = search.newest(session, FEED_SIZE)
    body = render_template(
        "market/feed.xml",
        products=products,
        title=_("Taawun marketplace: new products"),
        updated=max((p.published_at for p in products), default=None),
    )
    response = make_response(body)
    response.headers["Content-Type"] = "application/atom+xml; charset=utf-8"
    return response


@bp.route("/products/<int:product_id>")
@allow(PUBLIC)
def product(product_id: int):
    item = session.get(Product, product_id) or abort(404)
    member = services.is_member(session, item.cooperative, current_user)
    if not item.published and not member:
        abort(404)
    return render_template("market/product.html", product=item, member=member)


@bp.route("/cooperatives/<int:coop_id>/products/new", methods=["GET", "POST"])
@allow(USER)
def new_product(coop_id: int):
    coop = member_coop(coop_id)
    form = ProductForm()
    if form.validate_on_submit():
        item = services.create_product(session, coop, user(), **form.fields())
        flash(_("Product saved. Add pictures below."), "success")
        return redirect(url_for("market.edit_product", product_id=item.id))
    status = form_status(form)
    return render_template(
        "market/product_form.html", form=form, coop=coop, product=None, photo_form=None
    ), status


@bp.route("/products/<int:product_id>/edit", methods=["GET", "POST"])
@allow(USER)
def edit_product(product_id: int):
    item = session.get(Product, product_id) or abort(404)
    member_coop(item.cooperative_id)
    form = ProductForm(obj=item)
    if request.method == "GET":
        form.fill_from(item)
    if form.validate_on_submit():
        services.update_product(session, item, user(), **form.fields())
        flash(_("Saved."), "success")
        return redirect(url_for("market.edit_product", product_id=item.id))
    return _product_page(item, form, PhotoForm(formdata=None), form_status(form))


def _product_page(item: Product, form: ProductForm, photo_form: PhotoForm, status: int):
    return render_template(
        "market/product_form.html",
        form=form,
        coop=item.cooperative,
        product=item,
        photo_form=photo_form,
        action_form=ActionForm(),
    ), status


@bp.route("/products/<int:product_id>/delete", methods=["GET", "POST"])
@allow(USER)
def delete_product(product_id: int):
    """Delete a product never ordered (after a confirmation page); ordered ones can be hidden."""
    item = session.get(Product, product_id) or abort(404)
    coop = member_coop(item.cooperative_id)
    page = {
        "heading": with_names(_("Delete %(title)s?"), title=item.title_in()),
        "explanation": _(
            "The product and its pictures will be deleted for good. "
            "To take it off sale for a while, hide it instead."
        ),
        "button": _("Delete the product"),
        "back_url": url_for("market.edit_product", product_id=item.id),
        "back_label": item.title_in(),
    }
    try:
        if not confirmed():
            services.check_deletion(session, item, user())
            return confirm_page(page)
        services.delete_product(session, item, user())
    except NotAllowed:
        abort(403)
    except MarketError as exc:
        return confirm_page(page, 409, error=exc.message)
    flash(_("Product deleted."), "success")
    return redirect(url_for("market.manage", coop_id=coop.id))


@bp.route("/products/<int:product_id>/photos", methods=["POST"])
@allow(USER)
def add_product_photo(product_id: int):
    item = session.get(Product, product_id) or abort(404)
    coop = member_coop(item.cooperative_id)
    form = PhotoForm()
    if save_photo(form, coop, item):
        return redirect(url_for("market.edit_product", product_id=item.id))
    product_form = ProductForm(formdata=None, obj=item)
    product_form.fill_from(item)
    return _product_page(item, product_form, form, 400)
