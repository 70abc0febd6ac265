"""Members of a cooperative: an owner removes one, a member leaves, an owner always remains."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from market.models import Membership, Order, OrderEvent

ORDER = {"quantity": "2", "delivery_region": "oriental", "payment_method": "on_delivery"}


@pytest.fixture
def team(client, auth, seller, make_user, make_coop):
    """A cooperative owned by the seller, with one plain member (logged in: the seller)."""
    coop_id = make_coop(seller)
    helper = make_user("learner", display_name="Brahim")
    auth.login(seller)
    assert (
        client.post(
            f"/market/cooperatives/{coop_id}/members", data={"email": helper.email}
        ).status_code
        == 302
    )
    return {"coop": coop_id, "owner": seller, "helper": helper}


def _membership(lookup, coop_id, user):
    return lookup(lambda db: db.scalar(select(Membership).where(
        Membership.cooperative_id == coop_id, Membership.user_id == user.id)))  # fmt: skip


def _remove_url(lookup, coop_id, user):
    member = _membership(lookup, coop_id, user)
    return f"/market/cooperatives/{coop_id}/members/{member.id}/remove"


def _as(client, auth, user):
    auth.logout()
    auth.login(user)


def test_owner_removes_a_member_after_a_confirmation(client, auth, team, lookup):
    coop_id, helper = team["coop"], team["helper"]
    manage = client.get(f"/market/cooperatives/{coop_id}/manage").text
    url = _remove_url(lookup, coop_id, helper)
    assert f'action="{url}"' in manage  # a small POST form per member
    first = client.post(url)  # the per-member button: a page to confirm, nothing removed yet
    assert first.status_code == 200
    assert "Brahim" in first.text and 'name="confirmed" value="yes"' in first.text
    assert _membership(lookup, coop_id, helper) is not None
    done = client.post(url, data={"confirmed": "yes"})
    assert done.status_code == 302
    assert _membership(lookup, coop_id, helper) is None
    assert "Brahim" not in client.get(f"/market/cooperatives/{coop_id}/manage").text
    _as(client, auth, helper)
    assert client.get(f"/market/cooperatives/{coop_id}/manage").status_code == 403
    assert client.get(f"/market/cooperatives/{coop_id}/edit").status_code == 403


def test_removing_a_member_keeps_the_orders_they_handled(
    client, auth, team, make_user, make_product, lookup
):
    coop_id, helper = team["coop"], team["helper"]
    product_id = make_product(team["owner"], coop_id)
    buyer = make_user("learner")
    _as(client, auth, buyer)
    client.post(f"/market/products/{product_id}/order", data=ORDER)
    order_id = lookup(lambda db: db.scalar(select(func.max(Order.id))))
    _as(client, auth, helper)
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    accepted = client.post(f"/market/orders/{order_id}/accept", data={"delivery_date": tomorrow})
    assert accepted.status_code == 302
    url = _remove_url(lookup, coop_id, helper)
    _as(client, auth, team["owner"])
    assert client.post(url, data={"confirmed": "yes"}).status_code == 302
    history = select(func.count()).select_from(OrderEvent).where(OrderEvent.order_id == order_id)
    events = lookup(lambda db: db.scalar(history))
    assert events == 2
    page = client.get(f"/market/orders/{order_id}")
    assert page.status_code == 200 and "Brahim" in page.text  # who accepted it, still shown


def test_only_owners_remove_members(client, auth, team, make_user, make_coop, completed, lookup):
    coop_id, owner, helper = team["coop"], team["owner"], team["helper"]
    owner_url = _remove_url(lookup, coop_id, owner)
    _as(client, auth, helper)  # a plain member
    assert client.post(owner_url, data={"confirmed": "yes"}).status_code == 403
    assert client.get(owner_url).status_code == 403
    other_owner = make_user("learner")
    completed.add(other_owner.id)
    make_coop(other_owner)  # owner of another cooperative
    helper_url = _remove_url(lookup, coop_id, helper)
    for stranger in (other_owner, make_user("admin")):
        _as(client, auth, stranger)
        assert client.post(helper_url, data={"confirmed": "yes"}).status_code == 403
    assert _membership(lookup, coop_id, owner).role == "owner"
    assert _membership(lookup, coop_id, helper) is not None


def test_the_last_owner_can_neither_leave_nor_step_down(client, auth, team, lookup):
    coop_id, owner = team["coop"], team["owner"]
    url = _remove_url(lookup, coop_id, owner)
    ask = client.get(url)
    assert ask.status_code == 409
    assert "rendez un autre membre responsable avant de partir" in ask.text
    assert 'name="confirmed"' not in ask.text  # no button that could not work
    refused = client.post(url, data={"confirmed": "yes"})
    assert refused.status_code == 409
    client.set_cookie("lang", "en")
    member_id = _membership(lookup, coop_id, owner).id
    demoted = client.post(
        f"/market/cooperatives/{coop_id}/members/{member_id}/role", data={"role": "member"}
    )
    assert demoted.status_code == 409
    assert "The cooperative must keep at least one owner." in demoted.text
    assert _membership(lookup, coop_id, owner).role == "owner"
    assert client.get(f"/market/cooperatives/{coop_id}/manage").status_code == 200


def test_a_member_leaves_by_themselves(client, auth, team, lookup):
    coop_id, helper = team["coop"], team["helper"]
    _as(client, auth, helper)
    manage = client.get(f"/market/cooperatives/{coop_id}/manage").text
    url = _remove_url(lookup, coop_id, helper)
    assert f'action="{url}"' in manage and "Quitter la coopérative" in manage
    left = client.post(url, data={"confirmed": "yes"})
    assert left.status_code == 302 and left.headers["Location"].endswith("/market/mine")
    assert _membership(lookup, coop_id, helper) is None
    assert client.get(f"/market/cooperatives/{coop_id}/manage").status_code == 403


def test_an_owner_hands_over_then_leaves(client, auth, team, lookup):
    coop_id, owner, helper = team["coop"], team["owner"], team["helper"]
    helper_id = _membership(lookup, coop_id, helper).id
    promoted = client.post(
        f"/market/cooperatives/{coop_id}/members/{helper_id}/role", data={"role": "owner"}
    )
    assert promoted.status_code == 302
    assert _membership(lookup, coop_id, helper).role == "owner"
    left = client.post(_remove_url(lookup, coop_id, owner), data={"confirmed": "yes"})
    assert left.status_code == 302
    assert _membership(lookup, coop_id, owner) is None
    _as(client, auth, helper)
    assert "Ajouter un membre" in client.get(f"/market/cooperatives/{coop_id}/manage").text


def test_only_owners_change_roles(client, auth, team, lookup):
    coop_id, helper = team["coop"], team["helper"]
    helper_id = _membership(lookup, coop_id, helper).id
    _as(client, auth, helper)
    response = client.post(
        f"/market/cooperatives/{coop_id}/members/{helper_id}/role", data={"role": "owner"}
    )
    assert response.status_code == 403
    assert _membership(lookup, coop_id, helper).role == "member"


def test_a_membership_of_another_cooperative_is_not_found(
    client, auth, team, make_coop, make_user, completed, lookup
):
    other = make_user("learner")
    completed.add(other.id)
    other_coop = make_coop(other)
    their_owner = _membership(lookup, other_coop, other)
    # The seller owns team["coop"], but that gives no hold on another cooperative's members.
    url = f"/market/cooperatives/{team['coop']}/members/{their_owner.id}/remove"
    assert client.post(url, data={"confirmed": "yes"}).status_code == 404
    assert _membership(lookup, other_coop, other) is not None
