"""Marketplace rules: who manages a cooperative, listings, photos and the order lifecycle."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from lms.auth.models import User
from lms.db import utcnow
from lms.path import MY_COOP, course_completed
from lms.plugins import registry
from lms.regions import REGIONS
from market import statements
from market.images import process
from market.models import Cooperative, Membership, Order, OrderEvent, Photo, Product
from market.search import search_document

PREREQUISITE_COURSE = MY_COOP
PROJECTS_SERVICE = "projects.launched_for_user"
MAX_PHOTOS = 6

CATEGORIES = {
    "argan-oil": _l("Argan oil"),
    "olive-oil": _l("Olive oil"),
    "honey": _l("Honey"),
    "saffron": _l("Saffron"),
    "couscous-pasta": _l("Couscous and pasta"),
    "dates": _l("Dates"),
    "plants": _l("Aromatic and medicinal plants"),
    "cosmetics": _l("Cosmetics"),
    "textiles-carpets": _l("Textiles and carpets"),
    "pottery": _l("Pottery"),
    "other": _l("Other products"),
}
UNITS = {
    "kg": _l("kg"),
    "100g": _l("100 g"),
    "litre": _l("litre"),
    "piece": _l("piece"),
    "jar": _l("jar"),
    "bottle": _l("bottle"),
    "box": _l("box"),
    "m2": _l("square metre"),
}
MEMBER_ROLES = {"owner": _l("owner"), "member": _l("member")}
PAYMENT_METHODS = {"on_delivery": _l("Payment on delivery"), "bank_transfer": _l("Bank transfer")}
STATUSES = {
    "requested": _l("Requested"),
    "accepted": _l("Accepted"),
    "refused": _l("Refused"),
    "shipped": _l("Shipped"),
    "delivered": _l("Delivered"),
    "cancelled": _l("Cancelled"),
}
BUYER, MEMBER = "buyer", "member"


@dataclass(frozen=True)
class Move:
    """One step of an order's lifecycle: the button that asks for it, and what it may follow."""

    action: str  # the order page's button, the last part of its URL
    sources: tuple[str, ...]  # the statuses it may come from; none: the order is being placed
    verb: str  # the xAPI verb of its statement (docs/xapi-profile.md)
    by: str  # BUYER or MEMBER (of the selling cooperative)


#: status -> the move that leads to it: every move not listed here is refused.
TRANSITIONS = {
    "requested": Move("order", (), "ordered", BUYER),
    "accepted": Move("accept", ("requested",), "accepted", MEMBER),
    "refused": Move("refuse", ("requested",), "rejected", MEMBER),
    "cancelled": Move("cancel", ("requested",), "cancelled", BUYER),
    "shipped": Move("ship", ("accepted",), "shipped", MEMBER),
    "delivered": Move("deliver", ("shipped",), "delivered", MEMBER),
}
#: The order page's buttons: action -> the status it asks for.
ORDER_ACTIONS = {move.action: status for status, move in TRANSITIONS.items() if move.sources}


class MarketError(ValueError):
    """A marketplace rule was broken; `message` is shown to the user in their language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class NotAllowed(MarketError):
    """The rule broken is about who may act (the view answers 403)."""


# --- cooperatives ---------------------------------------------------------------------------


def may_create_cooperative(user) -> bool:
    return course_completed(user, PREREQUISITE_COURSE)


def membership(session: Session, coop: Cooperative, user) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return session.scalar(
        select(Membership).where(
            Membership.cooperative_id == coop.id, Membership.user_id == user.id
        )
    )


def is_member(session: Session, coop: Cooperative, user) -> bool:
    return membership(session, coop, user) is not None


def is_owner(session: Session, coop: Cooperative, user) -> bool:
    found = membership(session, coop, user)
    return found is not None and found.role == "owner"


def cooperative_profiles(session: Session) -> list[dict]:
    """Every cooperative's profile as plain dicts (stable keys), its owners as `leader_ids`."""
    owners: dict[int, list[int]] = {}
    for coop_id, user_id in session.execute(
        select(Membership.cooperative_id, Membership.user_id).where(Membership.role == "owner")
    ):
        owners.setdefault(coop_id, []).append(user_id)
    keys = ("id", "name", "region", "members_count", "women_count", "youth_count", "year_founded")
    return [
        {**{key: getattr(coop, key) for key in keys}, "leader_ids": owners.get(coop.id, [])}
        for coop in session.scalars(select(Cooperative).order_by(Cooperative.name))
    ]


def cooperatives_of(session: Session, user) -> list[Cooperative]:
    return list(
        session.scalars(
            select(Cooperative)
            .join(Membership)
            .where(Membership.user_id == user.id)
            .order_by(Cooperative.name)
        )
    )


def create_cooperative(session: Session, user, **fields) -> Cooperative:
    if not may_create_cooperative(user):
        raise MarketError(
            _l("Complete the course “Manage your agricultural cooperative” (My.COOP) first.")
        )
    coop = Cooperative(**fields)
    coop.memberships.append(Membership(user_id=user.id, role="owner"))
    session.add(coop)
    session.flush()
    statements.cooperative_created(user, coop)
    return coop


def update_cooperative(session: Session, coop: Cooperative, **fields) -> None:
    renamed = fields.get("name", coop.name) != coop.name
    for key, value in fields.items():
        setattr(coop, key, value)
    if renamed:  # the cooperative's name is part of every product's search text
        for product in coop.products:
            product.search_text = search_document(product, coop)
    session.flush()


def add_member(session: Session, coop: Cooperative, email: str) -> Membership:
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise MarketError(_l("No account uses this e-mail address."))
    if is_member(session, coop, user):
        raise MarketError(_l("This person is already a member."))
    member = Membership(cooperative=coop, user_id=user.id, role="member")
    session.add(member)
    session.flush()
    return member


def remove_member(session: Session, coop: Cooperative, actor, member: Membership) -> None:
    """Take someone off the cooperative (or let them leave); their orders and history stay."""
    check_removal(session, coop, actor, member)
    session.delete(member)
    session.flush()


def check_removal(session: Session, coop: Cooperative, actor, member: Membership) -> None:
    """Raise if `actor` may not take `member` off (also used to show or not the confirmation)."""
    leaving = member.user_id == actor.id
    if not leaving and not is_owner(session, coop, actor):
        raise NotAllowed(_l("Only an owner can remove a member."))
    if member.role == "owner" and _is_last_owner(session, coop, member):
        if leaving:
            raise MarketError(
                _l("You are the only owner: make another member owner before you leave.")
            )
        raise MarketError(_l("The cooperative must keep at least one owner."))


def set_member_role(
    session: Session, coop: Cooperative, actor, member: Membership, role: str
) -> None:
    """Make a member owner, or an owner member again (an owner always remains)."""
    if not is_owner(session, coop, actor):
        raise NotAllowed(_l("Only an owner can change who is owner."))
    if role not in MEMBER_ROLES:
        raise MarketError(_l("Choose owner or member."))
    if member.role == "owner" and role != "owner" and _is_last_owner(session, coop, member):
        raise MarketError(_l("The cooperative must keep at least one owner."))
    member.role = role
    session.flush()


def _is_last_owner(session: Session, coop: Cooperative, member: Membership) -> bool:
    # FOR UPDATE (PostgreSQL; SQLite writes one at a time anyway): two owners removing each
    # other at the same moment wait for one another, so the second sees the first's change.
    owners = session.scalars(
        select(Membership.id)
        .where(Membership.cooperative_id == coop.id, Membership.role == "owner")
        .with_for_update()
    ).all()
    return list(owners) == [member.id]


# --- launched projects (the projects plugin, when it is installed) ---------------------------


def launched_projects(user) -> list[dict]:
    """The user's launched projects from the project bank; none when it is not installed."""
    service = registry().service(PROJECTS_SERVICE)
    if service is None or not user.is_authenticated:
        return []
    return list(service(user) or [])


def project_key(project: dict) -> str:
    """What identifies a launched project across requests (and marks the profile made from it)."""
    if project.get("project_id") is not None:
        return f"project:{project['project_id']}"
    return str(project.get("registration_number") or project.get("name") or "")[:200]


def find_launched_project(user, key: str) -> dict | None:
    return next((p for p in launched_projects(user) if project_key(p) == key), None)


def cooperative_made_from(session: Session, key: str) -> Cooperative | None:
    return session.scalar(select(Cooperative).where(Cooperative.source_project == key))


def fields_from_project(project: dict) -> dict:
    """A launched project's data as cooperative fields (what does not fit is left out)."""
    year = project.get("registration_date")
    year = getattr(year, "year", None) or (int(str(year)[:4]) if str(year)[:4].isdigit() else None)
    region = project.get("region")
    return {
        "name": str(project.get("name") or "")[:200],
        "registration_number": str(project.get("registration_number") or "")[:64],
        "region": region if region in REGIONS else "",
        "commune": str(project.get("commune") or "")[:120],
        "year_founded": year,
        "members_count": _count(project.get("members")),
        "women_count": _count(project.get("women")),
        "youth_count": _count(project.get("youth")),
        "story": "\n\n".join(
            str(project[key]) for key in ("summary", "products") if project.get(key)
        ),
    }


def _count(value) -> int | None:
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return None


# --- products -------------------------------------------------------------------------------


def create_product(session: Session, coop: Cooperative, user, **fields) -> Product:
    product = Product(cooperative=coop, published=False, **{
        k: v for k, v in fields.items() if k != "published"
    })  # fmt: skip
    session.add(product)
    update_product(session, product, user, **fields)
    return product


def update_product(session: Session, product: Product, user, **fields) -> None:
    publish = fields.pop("published", product.published)
    for key, value in fields.items():
        setattr(product, key, value)
    product.search_text = search_document(product, product.cooperative)
    newly_published = publish and not product.published
    product.published = publish
    if newly_published and product.published_at is None:
        product.published_at = utcnow()  # first publication: what the feed calls new
    session.flush()
    if newly_published:
        statements.product_published(user, product)


def delete_product(session: Session, product: Product, user) -> None:
    """Delete a listing that was never ordered, with its photos (rows that go with it)."""
    check_deletion(session, product, user)
    session.delete(product)
    session.flush()


def check_deletion(session: Session, product: Product, user) -> None:
    """Raise if `user` may not delete `product`: members only, and never once it was ordered."""
    if not is_member(session, product.cooperative, user):
        raise NotAllowed(_l("Only the cooperative's members can do this."))
    # Locking the product makes an order being placed right now wait (or be seen): orders keep
    # pointing at their product, so one that slipped in would break its history.
    session.execute(select(Product.id).where(Product.id == product.id).with_for_update())
    if session.scalar(select(Order.id).where(Order.product_id == product.id).limit(1)):
        raise MarketError(
            _l("This product has orders, which keep pointing at it: it cannot be deleted. "
               "Hide it instead: untick “Published” and save.")
        )  # fmt: skip


def add_photo(session: Session, coop: Cooperative, data: bytes, product: Product | None = None):
    """Store a checked, resized picture of the cooperative or of one of its products."""
    count = len(product.photos) if product else len(coop.photos)
    if count >= MAX_PHOTOS:
        raise MarketError(_l("At most %(n)d pictures.", n=MAX_PHOTOS))
    image = process(data)
    photo = Photo(
        cooperative_id=coop.id,
        product=product,
        digest=image.digest,
        small=image.small.data,
        small_width=image.small.width,
        small_height=image.small.height,
        large=image.large.data,
        large_width=image.large.width,
        large_height=image.large.height,
    )
    session.add(photo)
    session.flush()
    return photo


# --- orders ---------------------------------------------------------------------------------


def place_order(
    session: Session,
    buyer,
    product: Product,
    quantity: int,
    delivery_region: str,
    payment_method: str,
    message: str = "",
) -> Order:
    if not product.published:
        raise MarketError(_l("This product is not on sale."))
    if is_member(session, product.cooperative, buyer):
        raise MarketError(_l("You cannot order from your own cooperative."))
    if quantity < product.minimum_order:
        raise MarketError(_l("The minimum order is %(n)d.", n=product.minimum_order))
    if quantity > product.quantity_available:
        raise MarketError(_l("Only %(n)d available at the moment.", n=product.quantity_available))
    if payment_method not in PAYMENT_METHODS:
        raise MarketError(_l("Choose a payment method."))
    if delivery_region not in REGIONS:
        raise MarketError(_l("Choose a delivery region."))
    order = Order(
        product=product,
        cooperative_id=product.cooperative_id,
        buyer_id=buyer.id,
        quantity=quantity,
        unit_price=Decimal(product.price),
        unit=product.unit,
        delivery_region=delivery_region,
        payment_method=payment_method,
        message=message,
        status="requested",
    )
    session.add(order)
    session.flush()
    _history(session, order, buyer, "requested", message)
    return order


def orders_of_buyer(session: Session, buyer) -> list[Order]:
    return list(
        session.scalars(select(Order).where(Order.buyer_id == buyer.id).order_by(Order.id.desc()))
    )


def orders_of_cooperative(session: Session, coop: Cooperative) -> list[Order]:
    return list(
        session.scalars(
            select(Order).where(Order.cooperative_id == coop.id).order_by(Order.id.desc())
        )
    )


def may_see_order(session: Session, order: Order, user) -> bool:
    return order.buyer_id == user.id or is_member(session, order.cooperative, user)


def act_on_order(
    session: Session,
    order: Order,
    user,
    action: str,
    delivery_date: date | None = None,
    reason: str = "",
) -> None:
    """Press one of the order page's buttons (ORDER_ACTIONS): check, move, record.

    Accepting needs a delivery date and takes the stock; refusing needs a reason, which the
    buyer reads and the statement carries.
    """
    status = ORDER_ACTIONS[action]
    move = TRANSITIONS[status]
    note = ""
    if status == "accepted" and (delivery_date is None or delivery_date < date.today()):
        raise MarketError(_l("The delivery date cannot be in the past."))
    if status == "refused":
        note = reason.strip()
        if not note:
            raise MarketError(_l("Please give a reason."))
    if move.by == BUYER and order.buyer_id != user.id:
        raise NotAllowed(_l("Only the buyer can cancel an order."))
    if move.by == MEMBER and not is_member(session, order.cooperative, user):
        raise NotAllowed(_l("Only the cooperative's members can do this."))
    _move(session, order, status)
    if status == "accepted":
        _take_stock(session, order)
        order.delivery_date = delivery_date
    if status == "refused":
        order.refusal_reason = note
    _history(session, order, user, status, note)


def _take_stock(session: Session, order: Order) -> None:
    # Atomic and conditional: two acceptances at the same moment cannot take the stock below
    # zero. PostgreSQL makes the second UPDATE wait for the first and re-check the condition.
    taken = session.execute(
        update(Product)
        .where(Product.id == order.product_id, Product.quantity_available >= order.quantity)
        .values(quantity_available=Product.quantity_available - order.quantity)
        .execution_options(synchronize_session=False)
    ).rowcount
    if taken != 1:
        raise MarketError(_l("Not enough stock left to accept this order."))
    session.refresh(order.product)


def _move(session: Session, order: Order, status: str) -> None:
    """Change the status only if nobody changed it meanwhile (a conditional UPDATE)."""
    moved = session.execute(
        update(Order)
        .where(Order.id == order.id, Order.status.in_(TRANSITIONS[status].sources))
        .values(status=status, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        session.refresh(order)
        raise MarketError(
            _l("This order is now %(status)s: it cannot be changed this way.",
               status=STATUSES[order.status])
        )  # fmt: skip
    session.refresh(order)


def _history(session: Session, order: Order, user, status: str, note: str) -> None:
    """The order's history and its statement, for every act (the verb is the move's)."""
    session.add(OrderEvent(order_id=order.id, status=status, actor_id=user.id, note=note))
    session.flush()
    reason = note if status == "refused" else ""  # a buyer's message to the seller stays private
    statements.order_act(user, TRANSITIONS[status].verb, order, reason=reason)


# --- commercial progress (read by coaches beside learning progress) -------------------------


def commercial_summary(session: Session, user) -> list[dict]:
    """Per cooperative of the user: products on sale, orders per status, delivered sales (MAD)."""
    summaries = []
    for coop in cooperatives_of(session, user):
        counts = dict(
            session.execute(
                select(Order.status, func.count())
                .where(Order.cooperative_id == coop.id)
                .group_by(Order.status)
            ).all()
        )
        delivered = session.scalar(
            select(func.coalesce(func.sum(Order.unit_price * Order.quantity), 0)).where(
                Order.cooperative_id == coop.id, Order.status == "delivered"
            )
        )
        summaries.append({
            "cooperative_id": coop.id,
            "name": coop.name,
            "products_published": sum(1 for p in coop.products if p.published),
            "orders": {status: counts.get(status, 0) for status in STATUSES},
            "delivered_sales_mad": Decimal(delivered or 0),
        })  # fmt: skip
    return summaries


def sales_overview(session: Session) -> list[dict]:
    """Every cooperative's commercial progress, for coaches: one grouped query per measure."""
    on_sale = dict(
        session.execute(
            select(Product.cooperative_id, func.count())
            .where(Product.published.is_(True))
            .group_by(Product.cooperative_id)
        ).all()
    )
    per_status: dict[int, dict[str, int]] = {}
    for coop_id, status, count in session.execute(
        select(Order.cooperative_id, Order.status, func.count()).group_by(
            Order.cooperative_id, Order.status
        )
    ):
        per_status.setdefault(coop_id, {})[status] = count
    sales = dict(
        session.execute(
            select(Order.cooperative_id, func.sum(Order.unit_price * Order.quantity))
            .where(Order.status == "delivered")
            .group_by(Order.cooperative_id)
        ).all()
    )
    last_order = dict(
        session.execute(
            select(Order.cooperative_id, func.max(Order.updated_at)).group_by(Order.cooperative_id)
        ).all()
    )
    rows = []
    for coop in session.scalars(select(Cooperative).order_by(Cooperative.name)):
        statuses = per_status.get(coop.id, {})
        rows.append({
            "cooperative": coop,
            "members": [m.user.display_name for m in coop.memberships],
            "products_published": on_sale.get(coop.id, 0),
            "orders": {status: statuses.get(status, 0) for status in STATUSES},
            "delivered_sales_mad": Decimal(sales.get(coop.id) or 0),
            "last_order": last_order.get(coop.id),
        })  # fmt: skip
    return rows
