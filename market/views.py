"""Pages of the marketplace (HTTP only: the rules live in market.services)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import format_currency
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from lms.access import PUBLIC, USER, allow
from lms.bidi import with_names
from lms.db import session
from lms.forms import form_status
from lms.i18n import current_language
from lms.markdown import render_markdown
from lms.regions import REGIONS, region_name
from market import services
from market.forms import (
    AcceptForm,
    ActionForm,
    CooperativeForm,
    MemberForm,
    OrderForm,
    PhotoForm,
    ProductForm,
    RefuseForm,
)
from market.images import CONTENT_TYPE, ImageError
from market.models import Cooperative, Membership, Order, Photo, Product
from market.search import SORTS, Filters, search
from market.services import (
    CATEGORIES,
    MEMBER_ROLES,
    PAYMENT_METHODS,
    STATUSES,
    UNITS,
    MarketError,
    NotAllowed,
)

bp = Blueprint("market", __name__, url_prefix="/market", template_folder="templates")
STATIC = Path(__file__).parent / "static"
FEED_SIZE = 50


def _user():
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


# --- public pages ---------------------------------------------------------------------------


@bp.route("/market.css")
@allow(PUBLIC)
def stylesheet():
    return send_from_directory(STATIC, "market.css", max_age=24 * 3600)


@bp.route("/")
@allow(PUBLIC)
def index():
    filters, problems = _filters_from(request.args)
    results = search(session, filters)
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
    products = session.scalars(
        select(Product)
        .where(Product.published.is_(True))
        .order_by(Product.published_at.desc(), Product.id.desc())
        .limit(FEED_SIZE)
    ).all()
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


@bp.route("/cooperatives")
@allow(PUBLIC)
def cooperatives():
    women_led = request.args.get("women_led") == "1"
    region = request.args.get("region", "")
    stmt = select(Cooperative).order_by(Cooperative.name)
    if region in REGIONS:
        stmt = stmt.where(Cooperative.region == region)
    if women_led:
        stmt = stmt.where(Cooperative.women_count * 2 > Cooperative.members_count)
    return render_template(
        "market/cooperatives.html",
        cooperatives=session.scalars(stmt).all(),
        region=region,
        women_led=women_led,
        regions=REGIONS,
    )


@bp.route("/cooperatives/<int:coop_id>")
@allow(PUBLIC)
def cooperative(coop_id: int):
    coop = session.get(Cooperative, coop_id) or abort(404)
    products = sorted(
        (p for p in coop.products if p.published), key=lambda p: p.published_at, reverse=True
    )
    return render_template(
        "market/cooperative.html",
        coop=coop,
        products=products,
        member=services.is_member(session, coop, current_user),
    )


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


# --- my marketplace space -------------------------------------------------------------------


@bp.route("/mine")
@allow(USER)
def mine():
    user = _user()
    projects = [
        (project, services.project_key(project),
         services.cooperative_made_from(session, services.project_key(project)))
        for project in services.launched_projects(user)
    ]  # fmt: skip
    return render_template(
        "market/mine.html",
        cooperatives=services.cooperatives_of(session, user),
        projects=projects,
        orders=services.orders_of_buyer(session, user),
        may_create=services.may_create_cooperative(user),
        action_form=ActionForm(),
    )


@bp.route("/cooperatives/new", methods=["GET", "POST"])
@allow(USER)
def new_cooperative():
    user = _user()
    if not services.may_create_cooperative(user):
        return render_template("market/locked.html")
    form = CooperativeForm()
    if form.validate_on_submit():
        key = request.form.get("project", "")
        source = key if key and services.find_launched_project(user, key) else None
        if source and services.cooperative_made_from(session, source):
            source = None  # a project makes one cooperative; a second profile is a plain one
        coop = services.create_cooperative(session, user, **form.fields(), source_project=source)
        flash(_("Your cooperative's profile is created."), "success")
        return redirect(url_for("market.manage", coop_id=coop.id))
    status = form_status(form)
    return render_template("market/cooperative_form.html", form=form, coop=None), status


@bp.route("/cooperatives/from-project", methods=["POST"])
@allow(USER)
def cooperative_from_project():
    """One click: a launched project of the project bank becomes a cooperative profile."""
    user = _user()
    form = ActionForm()
    key = request.form.get("project", "")
    project = services.find_launched_project(user, key) if form.validate_on_submit() else None
    if project is None:
        abort(404)
    if not services.may_create_cooperative(user):
        return render_template("market/locked.html"), 403
    existing = services.cooperative_made_from(session, key)
    if existing is not None:
        return redirect(url_for("market.cooperative", coop_id=existing.id))
    fields = services.fields_from_project(project)
    formdata = MultiDict({k: str(v) for k, v in fields.items() if v not in (None, "")})
    form = CooperativeForm(formdata=formdata, meta={"csrf": False})
    if not form.validate():  # incomplete project data: the prefilled form says what is missing
        return render_template(
            "market/cooperative_form.html", form=form, coop=None, project_key=key
        ), 422
    coop = services.create_cooperative(session, user, **form.fields(), source_project=key)
    flash(_("Your project is now a cooperative profile. Add your products!"), "success")
    return redirect(url_for("market.manage", coop_id=coop.id))


def _member_coop(coop_id: int, owner: bool = False) -> Cooperative:
    coop = session.get(Cooperative, coop_id) or abort(404)
    found = services.membership(session, coop, current_user)
    if found is None or (owner and found.role != "owner"):
        abort(403)
    return coop


@bp.route("/cooperatives/<int:coop_id>/manage")
@allow(USER)
def manage(coop_id: int):
    coop = _member_coop(coop_id)
    return _manage_page(coop)


def _manage_page(coop, status=200, member_form=None, photo_form=None, members_error=None):
    return render_template(
        "market/manage.html",
        coop=coop,
        products=sorted(coop.products, key=lambda p: p.id, reverse=True),
        orders=services.orders_of_cooperative(session, coop),
        owner=services.is_owner(session, coop, current_user),
        members_error=members_error,
        member_roles=MEMBER_ROLES,
        member_form=member_form or MemberForm(formdata=None),
        photo_form=photo_form or PhotoForm(formdata=None),
        action_form=ActionForm(),
    ), status


@bp.route("/cooperatives/<int:coop_id>/edit", methods=["GET", "POST"])
@allow(USER)
def edit_cooperative(coop_id: int):
    coop = _member_coop(coop_id)
    form = CooperativeForm(obj=coop)
    if form.validate_on_submit():
        services.update_cooperative(session, coop, **form.fields())
        flash(_("Saved."), "success")
        return redirect(url_for("market.manage", coop_id=coop.id))
    status = form_status(form)
    return render_template("market/cooperative_form.html", form=form, coop=coop), status


@bp.route("/cooperatives/<int:coop_id>/members", methods=["POST"])
@allow(USER)
def add_member(coop_id: int):
    coop = _member_coop(coop_id, owner=True)
    form = MemberForm()
    if form.validate_on_submit():
        try:
            services.add_member(session, coop, form.email.data)
        except MarketError as exc:
            form.email.errors = [exc.message]
        else:
            flash(_("Member added."), "success")
            return redirect(url_for("market.manage", coop_id=coop.id))
    return _manage_page(coop, 400, member_form=form)


def _membership_in(coop: Cooperative, member_id: int) -> Membership:
    found = session.get(Membership, member_id)
    if found is None or found.cooperative_id != coop.id:
        abort(404)
    return found


@bp.route("/cooperatives/<int:coop_id>/members/<int:member_id>/remove", methods=["GET", "POST"])
@allow(USER)
def remove_member(coop_id: int, member_id: int):
    """An owner removes a member, or a member leaves: a confirmation page comes first."""
    coop = _member_coop(coop_id)
    member = _membership_in(coop, member_id)
    user = _user()
    leaving = member.user_id == user.id
    page = _removal_page(coop, member, leaving)
    try:
        if not _confirmed():
            services.check_removal(session, coop, user, member)
            return _confirm_page(page)
        services.remove_member(session, coop, user, member)
    except NotAllowed:
        abort(403)
    except MarketError as exc:
        return _confirm_page(page, 409, error=exc.message)
    if leaving:
        flash(with_names(_("You left %(coop)s."), coop=coop.name), "success")
        return redirect(url_for("market.mine"))
    flash(_("Member removed."), "success")
    return redirect(url_for("market.manage", coop_id=coop.id))


def _removal_page(coop: Cooperative, member: Membership, leaving: bool) -> dict:
    back = {"back_url": url_for("market.manage", coop_id=coop.id), "back_label": coop.name}
    if leaving:
        return {
            "heading": with_names(_("Leave %(coop)s?"), coop=coop.name),
            "explanation": _(
                "You will no longer manage this cooperative's profile, products and orders. "
                "Orders and their history stay."
            ),
            "button": _("Leave the cooperative"),
            **back,
        }
    return {
        "heading": with_names(
            _("Remove %(name)s from %(coop)s?"), name=member.user.display_name, coop=coop.name
        ),
        "explanation": _(
            "They will no longer manage this cooperative's profile, products and orders. "
            "Their orders and the cooperative's history stay."
        ),
        "button": _("Remove the member"),
        **back,
    }


@bp.route("/cooperatives/<int:coop_id>/members/<int:member_id>/role", methods=["POST"])
@allow(USER)
def set_member_role(coop_id: int, member_id: int):
    coop = _member_coop(coop_id)
    member = _membership_in(coop, member_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.set_member_role(session, coop, _user(), member, request.form.get("role", ""))
    except NotAllowed:
        abort(403)
    except MarketError as exc:
        session.rollback()  # the page below shows the members as they really are
        return _manage_page(session.get(Cooperative, coop_id), 409, members_error=exc.message)
    flash(_("Saved."), "success")
    return redirect(url_for("market.manage", coop_id=coop.id))


def _confirmed() -> bool:
    """The second step of a removal: the confirmation page's button (CSRF checked) was pressed."""
    return ActionForm().validate_on_submit() and request.form.get("confirmed") == "yes"


def _confirm_page(page: dict, status: int = 200, error: str | None = None):
    return render_template("market/confirm.html", error=error, **page), status


@bp.route("/cooperatives/<int:coop_id>/photos", methods=["POST"])
@allow(USER)
def add_cooperative_photo(coop_id: int):
    coop = _member_coop(coop_id)
    form = PhotoForm()
    if _save_photo(form, coop):
        return redirect(url_for("market.manage", coop_id=coop.id))
    return _manage_page(coop, 400, photo_form=form)


def _save_photo(form: PhotoForm, coop: Cooperative, product: Product | None = None) -> bool:
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
    coop = _member_coop(picture.cooperative_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    product_id = picture.product_id
    session.delete(picture)
    flash(_("Picture removed."), "success")
    if product_id:
        return redirect(url_for("market.edit_product", product_id=product_id))
    return redirect(url_for("market.manage", coop_id=coop.id))


# --- listings -------------------------------------------------------------------------------


@bp.route("/cooperatives/<int:coop_id>/products/new", methods=["GET", "POST"])
@allow(USER)
def new_product(coop_id: int):
    coop = _member_coop(coop_id)
    form = ProductForm()
    if form.validate_on_submit():
        item = services.create_product(session, coop, _user(), **form.fields())
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
    coop = _member_coop(item.cooperative_id)
    form = ProductForm(obj=item)
    if request.method == "GET":
        form.fill_from(item)
    if form.validate_on_submit():
        services.update_product(session, item, _user(), **form.fields())
        flash(_("Saved."), "success")
        return redirect(url_for("market.edit_product", product_id=item.id))
    status = form_status(form)
    return render_template(
        "market/product_form.html",
        form=form,
        coop=coop,
        product=item,
        photo_form=PhotoForm(formdata=None),
        action_form=ActionForm(),
    ), status


@bp.route("/products/<int:product_id>/delete", methods=["GET", "POST"])
@allow(USER)
def delete_product(product_id: int):
    """Delete a product never ordered (after a confirmation page); ordered ones can be hidden."""
    item = session.get(Product, product_id) or abort(404)
    coop = _member_coop(item.cooperative_id)
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
        if not _confirmed():
            services.check_deletion(session, item, _user())
            return _confirm_page(page)
        services.delete_product(session, item, _user())
    except NotAllowed:
        abort(403)
    except MarketError as exc:
        return _confirm_page(page, 409, error=exc.message)
    flash(_("Product deleted."), "success")
    return redirect(url_for("market.manage", coop_id=coop.id))


@bp.route("/products/<int:product_id>/photos", methods=["POST"])
@allow(USER)
def add_product_photo(product_id: int):
    item = session.get(Product, product_id) or abort(404)
    coop = _member_coop(item.cooperative_id)
    form = PhotoForm()
    if _save_photo(form, coop, item):
        return redirect(url_for("market.edit_product", product_id=item.id))
    product_form = ProductForm(formdata=None, obj=item)
    product_form.fill_from(item)
    return render_template(
        "market/product_form.html",
        form=product_form,
        coop=coop,
        product=item,
        photo_form=form,
        action_form=ActionForm(),
    ), 400


# --- orders ---------------------------------------------------------------------------------


@bp.route("/products/<int:product_id>/order", methods=["GET", "POST"])
@allow(USER)
def order_product(product_id: int):
    item = session.get(Product, product_id) or abort(404)
    if not item.published:
        abort(404)
    user = _user()
    form = OrderForm()
    if request.method == "GET":
        form.quantity.data = item.minimum_order
        form.delivery_region.data = user.region
    error = None
    if form.validate_on_submit():
        try:
            order = services.place_order(
                session, user, item, form.quantity.data, form.delivery_region.data,
                form.payment_method.data, (form.message.data or "").strip(),
            )  # fmt: skip
        except MarketError as exc:
            error = exc.message
        else:
            flash(_("Your order is sent. The cooperative will answer here."), "success")
            return redirect(url_for("market.order", order_id=order.id))
    status = form_status(form)
    return render_template("market/order_form.html", form=form, product=item, error=error), status


@bp.route("/orders")
@allow(USER)
def orders():
    return redirect(url_for("market.mine", _anchor="orders"))


def _visible_order(order_id: int) -> Order:
    order = session.get(Order, order_id) or abort(404)
    if not services.may_see_order(session, order, current_user):
        abort(404)  # buyers see only their own orders: others' do not exist for them
    return order


@bp.route("/orders/<int:order_id>")
@allow(USER)
def order(order_id: int):
    return _order_page(_visible_order(order_id))


def _order_page(order, status=200, error=None, accept_form=None, refuse_form=None):
    member = services.is_member(session, order.cooperative, current_user)
    return render_template(
        "market/order.html",
        order=order,
        member=member,
        buyer=order.buyer_id == current_user.id,
        error=error,
        accept_form=accept_form or AcceptForm(formdata=None),
        refuse_form=refuse_form or RefuseForm(formdata=None),
        action_form=ActionForm(),
    ), status


@bp.route("/orders/<int:order_id>/<action>", methods=["POST"])
@allow(USER)
def order_action(order_id: int, action: str):
    order = _visible_order(order_id)
    user = _user()
    forms = {"accept": AcceptForm, "refuse": RefuseForm}
    form = forms.get(action, ActionForm)()
    if action not in ("accept", "refuse", "ship", "deliver", "cancel"):
        abort(404)
    if not form.validate_on_submit():
        return _order_page(order, 400, accept_form=form if action == "accept" else None,
                           refuse_form=form if action == "refuse" else None)  # fmt: skip
    try:
        if action == "accept":
            services.accept_order(session, order, user, form.delivery_date.data)
        elif action == "refuse":
            services.refuse_order(session, order, user, form.reason.data)
        elif action == "ship":
            services.ship_order(session, order, user)
        elif action == "deliver":
            services.deliver_order(session, order, user)
        else:
            services.cancel_order(session, order, user)
    except MarketError as exc:
        session.rollback()  # the page below shows the order as it really is now
        status = 403 if isinstance(exc, services.NotAllowed) else 409
        return _order_page(session.get(Order, order_id), status, error=exc.message)
    flash(_("The order is now: %(status)s.", status=STATUSES[order.status]), "success")
    return redirect(url_for("market.order", order_id=order.id))


# --- coaches --------------------------------------------------------------------------------


@bp.route("/coach")
@allow("coach", "admin")
def coach_overview():
    """Commercial progress of every cooperative, beside what coaches see of learning."""
    return render_template("market/coach.html", rows=services.sales_overview(session))
