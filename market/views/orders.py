"""Orders: placing one, its page, and the buttons that move it (market.services.ORDER_ACTIONS)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.access import USER, allow
from lms.db import session
from lms.forms import form_status
from market import services
from market.forms import AcceptForm, ActionForm, OrderForm, RefuseForm
from market.models import Order, Product
from market.services import STATUSES, MarketError, NotAllowed
from market.views.common import bp, user

#: The form of each button's request (the others are a button and its CSRF token).
ACTION_FORMS = {"accept": AcceptForm, "refuse": RefuseForm}


@bp.route("/products/<int:product_id>/order", methods=["GET", "POST"])
@allow(USER)
def order_product(product_id: int):
    item = session.get(Product, product_id) or abort(404)
    if not item.published:
        abort(404)
    buyer = user()
    form = OrderForm()
    if request.method == "GET":
        form.quantity.data = item.minimum_order
        form.delivery_region.data = buyer.region
    error = None
    if form.validate_on_submit():
        try:
            order = services.place_order(
                session, buyer, item, form.quantity.data, form.delivery_region.data,
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
    if action not in services.ORDER_ACTIONS:
        abort(404)
    form = ACTION_FORMS.get(action, ActionForm)()
    if not form.validate_on_submit():
        return _order_page(order, 400, **{f"{action}_form": form} if action in ACTION_FORMS else {})
    try:
        services.act_on_order(session, order, user(), action, **form.details())
    except MarketError as exc:
        session.rollback()  # the page below shows the order as it really is now
        status = 403 if isinstance(exc, NotAllowed) else 409
        return _order_page(session.get(Order, order_id), status, error=exc.message)
    flash(_("The order is now: %(status)s.", status=STATUSES[order.status]), "success")
    return redirect(url_for("market.order", order_id=order.id))
