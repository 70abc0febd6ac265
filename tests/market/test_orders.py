"""Orders: the lifecycle, who may do what, stock that never goes below zero, xAPI statements."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from market.models import Order, Product
from tests.conftest import BACKENDS

TOMORROW = (date.today() + timedelta(days=1)).isoformat()


@pytest.fixture
def shop(seller, make_user, make_coop, make_product):
    coop_id = make_coop(seller)
    product_id = make_product(seller, coop_id, quantity_available=10, minimum_order=2)
    buyer = make_user("learner", display_name="Youssef", region="casablanca-settat")
    return {"coop": coop_id, "product": product_id, "buyer": buyer, "seller": seller}


def _order(client, product_id, **data):
    form = {"quantity": "3", "delivery_region": "casablanca-settat",
            "payment_method": "on_delivery", "message": "Livraison à Casablanca"}  # fmt: skip
    form.update(data)
    return client.post(f"/market/products/{product_id}/order", data=form)


def _latest_order_id(lookup):
    return lookup(lambda db: db.scalar(select(func.max(Order.id))))


def _stock(lookup, product_id):
    return lookup(lambda db: db.get(Product, product_id).quantity_available)


def _as(client, auth, user):
    auth.logout()
    auth.login(user)


def test_order_lifecycle_to_delivery(app, client, auth, shop, lookup):
    _as(client, auth, shop["buyer"])
    response = _order(client, shop["product"], payment_method="bank_transfer")
    assert response.status_code == 302
    order_id = _latest_order_id(lookup)
    page = client.get(f"/market/orders/{order_id}").text
    assert "Virement bancaire" in page or "Bank transfer" in page
    assert _stock(lookup, shop["product"]) == 10  # nothing taken before acceptance

    _as(client, auth, shop["seller"])
    incoming = client.get(f"/market/cooperatives/{shop['coop']}/manage").text
    assert f"/market/orders/{order_id}" in incoming and "Youssef" in incoming
    accept = client.post(f"/market/orders/{order_id}/accept", data={"delivery_date": TOMORROW})
    assert accept.status_code == 302
    assert _stock(lookup, shop["product"]) == 7
    assert client.post(f"/market/orders/{order_id}/ship").status_code == 302
    assert client.post(f"/market/orders/{order_id}/deliver").status_code == 302

    _as(client, auth, shop["buyer"])
    page = client.get(f"/market/orders/{order_id}").text
    history = page[page.index("mk-history") :]
    for status in ("requested", "accepted", "shipped", "delivered"):
        assert f"mk-status-{status}" in history
    assert client.post(f"/market/orders/{order_id}/cancel").status_code == 409  # too late

    from lms.xapi import recorder

    iri = f"http://taawun.test/market/orders/{order_id}"
    with app.test_request_context():
        verbs = [s["verb"]["id"].rsplit("/", 1)[-1]
                 for s in recorder.statements(activity_id=iri)]  # fmt: skip
    assert verbs == ["ordered", "accept", "shipped", "delivered"]


def test_quantity_must_reach_the_minimum_and_the_stock(client, auth, shop, lookup):
    _as(client, auth, shop["buyer"])
    before = _latest_order_id(lookup)
    low = _order(client, shop["product"], quantity="1")
    assert low.status_code == 400 and "minimum" in low.text.lower()
    high = _order(client, shop["product"], quantity="11")
    assert high.status_code == 400
    no_region = _order(client, shop["product"], delivery_region="")
    assert no_region.status_code == 400
    assert _latest_order_id(lookup) == before


def test_buyer_cancels_before_acceptance(client, auth, shop, lookup):
    _as(client, auth, shop["buyer"])
    _order(client, shop["product"])
    order_id = _latest_order_id(lookup)
    assert client.post(f"/market/orders/{order_id}/cancel").status_code == 302
    assert lookup(lambda db: db.get(Order, order_id).status) == "cancelled"
    _as(client, auth, shop["seller"])
    late = client.post(f"/market/orders/{order_id}/accept", data={"delivery_date": TOMORROW})
    assert late.status_code == 409
    assert _stock(lookup, shop["product"]) == 10


def test_refusal_needs_a_reason_and_keeps_the_stock(client, auth, shop, lookup):
    _as(client, auth, shop["buyer"])
    _order(client, shop["product"])
    order_id = _latest_order_id(lookup)
    _as(client, auth, shop["seller"])
    assert client.post(f"/market/orders/{order_id}/refuse", data={"reason": " "}).status_code == 400
    assert lookup(lambda db: db.get(Order, order_id).status) == "requested"
    done = client.post(f"/market/orders/{order_id}/refuse", data={"reason": "Récolte terminée"})
    assert done.status_code == 302
    _as(client, auth, shop["buyer"])
    assert "Récolte terminée" in client.get(f"/market/orders/{order_id}").text
    assert _stock(lookup, shop["product"]) == 10


def test_acceptance_needs_a_future_date(client, auth, shop, lookup):
    _as(client, auth, shop["buyer"])
    _order(client, shop["product"])
    order_id = _latest_order_id(lookup)
    _as(client, auth, shop["seller"])
    past = (date.today() - timedelta(days=3)).isoformat()
    for data in ({}, {"delivery_date": "tomorrow"}, {"delivery_date": past}):
        assert client.post(f"/market/orders/{order_id}/accept", data=data).status_code in (400, 409)
    assert lookup(lambda db: db.get(Order, order_id).status) == "requested"
    assert _stock(lookup, shop["product"]) == 10


def test_not_enough_stock_refuses_acceptance_and_loses_nothing(client, auth, shop, lookup):
    _as(client, auth, shop["buyer"])
    ids = []
    for _ in range(2):
        _order(client, shop["product"], quantity="6")
        ids.append(_latest_order_id(lookup))
    _as(client, auth, shop["seller"])
    assert (
        client.post(f"/market/orders/{ids[0]}/accept", data={"delivery_date": TOMORROW}).status_code
        == 302
    )
    second = client.post(f"/market/orders/{ids[1]}/accept", data={"delivery_date": TOMORROW})
    assert second.status_code == 409
    assert lookup(lambda db: db.get(Order, ids[1]).status) == "requested"
    assert _stock(lookup, shop["product"]) == 4


def test_buyers_see_only_their_own_orders(client, auth, shop, make_user, lookup):
    _as(client, auth, shop["buyer"])
    _order(client, shop["product"])
    order_id = _latest_order_id(lookup)
    for role in ("learner", "trainer", "coach", "admin"):
        _as(client, auth, make_user(role))
        assert client.get(f"/market/orders/{order_id}").status_code == 404
        assert client.post(f"/market/orders/{order_id}/cancel").status_code == 404
        assert f"/market/orders/{order_id}" not in client.get("/market/mine").text
    _as(client, auth, shop["buyer"])
    for action in ("accept", "ship", "deliver"):  # the buyer cannot act for the cooperative
        response = client.post(
            f"/market/orders/{order_id}/{action}", data={"delivery_date": TOMORROW}
        )
        assert response.status_code == 403
    assert lookup(lambda db: db.get(Order, order_id).status) == "requested"


def test_members_cannot_order_their_own_products(client, auth, shop):
    _as(client, auth, shop["seller"])
    assert _order(client, shop["product"]).status_code == 400


def test_anonymous_visitors_are_asked_to_log_in(app, shop):
    response = app.test_client().get(f"/market/products/{shop['product']}/order")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.skipif("postgresql" not in BACKENDS, reason="needs LMS_TEST_DATABASE_URL")
def test_concurrent_acceptances_never_take_the_stock_below_zero(
    app, database_url, seller, make_user, make_coop, make_product, lookup
):
    if not database_url.startswith("postgresql"):
        pytest.skip("concurrency is checked on PostgreSQL")
    coop_id = make_coop(seller)
    product_id = make_product(seller, coop_id, quantity_available=10, minimum_order=1)
    buyers = [make_user("learner") for _ in range(6)]
    order_ids = []
    for buyer in buyers:  # six orders of 3: only three can be served from 10
        client = app.test_client()
        client.post("/login", data={"email": buyer.email, "password": "correct-horse-battery"})
        _order(client, product_id)
        order_ids.append(_latest_order_id(lookup))
    clients = []
    for _ in order_ids:
        client = app.test_client()
        client.post("/login", data={"email": seller.email, "password": "correct-horse-battery"})
        clients.append(client)
    barrier = threading.Barrier(len(order_ids))
    statuses: dict[int, int] = {}

    def accept(client, order_id):
        barrier.wait()
        response = client.post(
            f"/market/orders/{order_id}/accept", data={"delivery_date": TOMORROW}
        )
        statuses[order_id] = response.status_code

    threads = [
        threading.Thread(target=accept, args=pair) for pair in zip(clients, order_ids, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(statuses.values()) == [302, 302, 302, 409, 409, 409]
    assert _stock(lookup, product_id) == 1
    final = lookup(
        lambda db: {
            o.id: o.status for o in db.scalars(select(Order).where(Order.id.in_(order_ids)))
        }
    )
    accepted = [i for i, s in final.items() if s == "accepted"]
    assert len(accepted) == 3 and all(
        final[i] == "requested" for i in order_ids if i not in accepted
    )
    assert all(statuses[i] == 302 for i in accepted)
    from lms.xapi import recorder

    with app.test_request_context():  # one "accepted" statement per accepted order, no more
        recorded = [
            s["object"]["id"].rsplit("/", 1)[-1]
            for i in order_ids
            for s in recorder.statements(
                verb_key="accepted", activity_id=f"http://taawun.test/market/orders/{i}"
            )
        ]
    assert sorted(int(i) for i in recorded) == sorted(accepted)


def test_commercial_progress_is_on_the_sellers_dashboard(app, client, auth, shop, lookup):
    from market.services import commercial_summary

    _as(client, auth, shop["buyer"])
    _order(client, shop["product"])
    order_id = _latest_order_id(lookup)
    _as(client, auth, shop["seller"])
    client.post(f"/market/orders/{order_id}/accept", data={"delivery_date": TOMORROW})
    client.post(f"/market/orders/{order_id}/ship")
    client.post(f"/market/orders/{order_id}/deliver")
    _order(client, shop["product"])  # refused: a member cannot buy from their cooperative
    dashboard = client.get("/dashboard").text
    assert f"/market/cooperatives/{shop['coop']}/manage" in dashboard
    with app.test_request_context():
        from lms.db import session

        seller = session.get(type(shop["seller"]), shop["seller"].id)
        summary = commercial_summary(session, seller)
    mine = next(s for s in summary if s["cooperative_id"] == shop["coop"])
    assert mine["orders"]["delivered"] == 1 and mine["products_published"] == 1
    assert str(mine["delivered_sales_mad"]) == "540.00"


def test_coaches_see_every_cooperatives_sales(app, client, auth, shop, make_user, lookup):
    _as(client, auth, shop["buyer"])
    _order(client, shop["product"], quantity="4")
    order_id = _latest_order_id(lookup)
    _as(client, auth, shop["seller"])
    for action, data in (("accept", {"delivery_date": TOMORROW}), ("ship", {}), ("deliver", {})):
        client.post(f"/market/orders/{order_id}/{action}", data=data)
    assert client.get("/market/coach").status_code == 403
    _as(client, auth, make_user("coach"))
    assert "/market/coach" in client.get("/dashboard").text
    page = client.get("/market/coach")
    assert page.status_code == 200
    row = page.text[page.text.index(f'/market/cooperatives/{shop["coop"]}"') :]
    row = row[: row.index("</tr>")]
    assert "720,00" in row and "Aicha" in row  # 4 × 180 MAD delivered


def test_bank_details_are_shown_only_once_the_order_is_accepted(client, auth, shop, lookup):
    from tests.market.test_cooperatives import FORM

    _as(client, auth, shop["seller"])
    details = "Banque Populaire, RIB 190 000 0000000000000000 00"
    client.post(f"/market/cooperatives/{shop['coop']}/edit", data={**FORM, "bank_details": details})
    _as(client, auth, shop["buyer"])
    _order(client, shop["product"], payment_method="bank_transfer")
    order_id = _latest_order_id(lookup)
    assert details not in client.get(f"/market/orders/{order_id}").text
    assert details not in client.get(f"/market/cooperatives/{shop['coop']}").text
    _as(client, auth, shop["seller"])
    client.post(f"/market/orders/{order_id}/accept", data={"delivery_date": TOMORROW})
    _as(client, auth, shop["buyer"])
    assert details in client.get(f"/market/orders/{order_id}").text


def test_every_act_on_an_order_is_in_its_history_with_the_verb_of_its_move(
    app, client, auth, shop, lookup
):
    from lms.xapi import recorder
    from market.models import OrderEvent
    from market.services import TRANSITIONS

    _as(client, auth, shop["buyer"])
    _order(client, shop["product"], message="Avant midi SVP")
    order_id = _latest_order_id(lookup)
    _as(client, auth, shop["seller"])
    assert client.post(f"/market/orders/{order_id}/unknown").status_code == 404
    client.post(f"/market/orders/{order_id}/refuse", data={"reason": "Plus de stock ce mois."})
    events = lookup(
        lambda db: [(e.status, e.actor_id, e.note) for e in db.scalars(
            select(OrderEvent).where(OrderEvent.order_id == order_id).order_by(OrderEvent.id))]
    )  # fmt: skip
    assert events == [
        ("requested", shop["buyer"].id, "Avant midi SVP"),
        ("refused", shop["seller"].id, "Plus de stock ce mois."),
    ]
    with app.test_request_context():
        said = list(recorder.statements(activity_id=f"http://taawun.test/market/orders/{order_id}"))
    verbs = [s["verb"]["id"].rsplit("/", 1)[-1] for s in said]
    assert verbs == [TRANSITIONS["requested"].verb, "reject"]  # the profile's IRIs
    reasons = [s["context"].get("extensions", {}) for s in said]
    assert "Avant midi SVP" not in str(reasons[0]) and "Plus de stock" in str(reasons[1])
