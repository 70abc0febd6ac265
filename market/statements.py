"""The xAPI statements of the marketplace: one builder per act, in the act's transaction."""

from __future__ import annotations

import tincan

from lms.i18n import current_language
from lms.xapi import recorder
from lms.xapi.vocabulary import EXTENSIONS
from market.models import Cooperative, Order, Product


def cooperative_activity(coop: Cooperative) -> tincan.Activity:
    iri = recorder.activity_iri("market", "cooperatives", coop.id)
    return recorder.activity(
        iri, "cooperative", {"fr": coop.name, "ar": coop.name, "en": coop.name}
    )


def product_activity(product: Product) -> tincan.Activity:
    iri = recorder.activity_iri("market", "products", product.id)
    return recorder.activity(iri, "product", product.title)


def order_activity(order: Order) -> tincan.Activity:
    iri = recorder.activity_iri("market", "orders", order.id)
    names = {
        "fr": f"Commande n° {order.id}",
        "ar": f"الطلب رقم {order.id}",
        "en": f"Order {order.id}",
    }
    return recorder.activity(iri, "order", names)


def _context(coop: Cooperative, parent=None, extensions: dict | None = None) -> tincan.Context:
    """The cooperative as grouping, so a coach can ask for everything about one cooperative."""
    return recorder.context(
        parent=[parent] if parent is not None else None,
        grouping=[cooperative_activity(coop)],
        language=current_language(),
        extensions=extensions,
    )


def cooperative_created(user, coop: Cooperative) -> None:
    obj = cooperative_activity(coop)
    recorder.record(
        recorder.statement(user, "created", obj, ctx=recorder.context(language=current_language()))
    )


def product_published(user, product: Product) -> None:
    coop = product.cooperative
    recorder.record(
        recorder.statement(user, "published", product_activity(product), ctx=_context(coop))
    )


def order_act(user, verb_key: str, order: Order, reason: str = "") -> None:
    """ordered, accepted, rejected, shipped, delivered or cancelled, with quantity (and reason)."""
    extensions = {EXTENSIONS["quantity"]: order.quantity}
    if reason:
        extensions[EXTENSIONS["reason"]] = reason
    ctx = _context(order.cooperative, parent=product_activity(order.product), extensions=extensions)
    recorder.record(recorder.statement(user, verb_key, order_activity(order), ctx=ctx))
