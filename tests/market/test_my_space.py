"""'My marketplace' as a seller meets it: the orders buyers sent their cooperative, and no lock
message once they already sell."""

from __future__ import annotations


def test_a_seller_sees_the_orders_for_their_cooperative_in_their_space(
    client, auth, seller, make_user, make_coop, make_product
):
    coop_id = make_coop(seller)
    product_id = make_product(seller, coop_id, quantity_available=10, minimum_order=2)
    buyer = make_user("learner", display_name="Youssef", region="casablanca-settat")
    auth.login(buyer)
    form = {"quantity": "2", "delivery_region": "casablanca-settat",
            "payment_method": "on_delivery"}  # fmt: skip
    assert client.post(f"/market/products/{product_id}/order", data=form).status_code == 302
    auth.logout()

    auth.login(seller)
    page = client.get("/market/mine").text
    incoming = page.split('id="incoming"')[1].split("</section>")[0]
    assert "/market/orders/" in incoming and "Youssef" in incoming


def test_a_member_who_already_sells_is_not_told_selling_is_locked(
    client, auth, seller, make_user, make_coop, app
):
    coop_id = make_coop(seller)
    member = make_user("learner", email="member@example.org")  # has not completed My.COOP
    with app.test_request_context():
        from lms.db import session
        from market import services
        from market.models import Cooperative

        services.add_member(session, session.get(Cooperative, coop_id), "member@example.org")
        session.commit()
    auth.login(member)
    page = client.get("/market/mine").text
    assert "/manage" in page  # their cooperative is there
    assert "My.COOP" not in page.split('id="main"')[1]


def test_someone_without_a_cooperative_is_told_what_opens_selling(client, auth, make_user):
    auth.login(make_user("learner"))
    assert "My.COOP" in client.get("/market/mine").text
