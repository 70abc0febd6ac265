"""Deleting a product: only one never ordered, with its pictures; ordered ones are hidden."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from market.models import Photo, Product
from tests.market.conftest import picture_bytes

TITLE = "Figues de Barbarie séchées"
ORDER = {"quantity": "2", "delivery_region": "oriental", "payment_method": "on_delivery"}


@pytest.fixture
def listing(client, auth, seller, make_coop, make_product):
    """A published product with a picture, its owner logged in."""
    coop_id = make_coop(seller)
    product_id = make_product(seller, coop_id, title={"fr": TITLE})
    auth.login(seller)
    picture = {"photo": (io.BytesIO(picture_bytes((400, 300))), "figues.jpg")}
    upload = client.post(
        f"/market/products/{product_id}/photos", data=picture, content_type="multipart/form-data"
    )
    assert upload.status_code == 302
    return coop_id, product_id


def _photo_ids(lookup, product_id):
    return lookup(
        lambda db: db.scalars(select(Photo.id).where(Photo.product_id == product_id)).all()
    )


def _exists(lookup, product_id):
    return lookup(lambda db: db.get(Product, product_id)) is not None


def _order(client, auth, make_user, product_id):
    auth.logout()
    auth.login(make_user("learner"))
    response = client.post(f"/market/products/{product_id}/order", data=ORDER)
    assert response.status_code == 302
    auth.logout()


def test_a_product_never_ordered_is_deleted_with_its_pictures(app, client, listing, lookup):
    coop_id, product_id = listing
    (photo_id,) = _photo_ids(lookup, product_id)
    visitor = app.test_client()
    assert TITLE in visitor.get("/market/?q=barbarie").text
    assert TITLE in visitor.get("/market/feed.atom").text
    edit = client.get(f"/market/products/{product_id}/edit").text
    assert f'action="/market/products/{product_id}/delete"' in edit
    ask = client.post(f"/market/products/{product_id}/delete")  # the button on the edit page
    assert ask.status_code == 200 and 'name="confirmed" value="yes"' in ask.text
    assert _exists(lookup, product_id)
    done = client.post(f"/market/products/{product_id}/delete", data={"confirmed": "yes"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/{coop_id}/manage")
    assert not _exists(lookup, product_id)
    assert lookup(lambda db: db.get(Photo, photo_id)) is None
    assert visitor.get(f"/market/photos/{photo_id}/small").status_code == 404
    assert visitor.get(f"/market/products/{product_id}").status_code == 404
    assert TITLE not in visitor.get("/market/?q=barbarie").text
    assert TITLE not in visitor.get("/market/feed.atom").text
    assert TITLE not in client.get(f"/market/cooperatives/{coop_id}/manage").text


def test_an_ordered_product_cannot_be_deleted_and_the_page_says_hide_it(
    client, auth, seller, listing, make_user, lookup
):
    _coop_id, product_id = listing
    _order(client, auth, make_user, product_id)
    auth.login(seller)
    ask = client.get(f"/market/products/{product_id}/delete")
    assert ask.status_code == 409
    assert "Masquez-le" in ask.text and 'name="confirmed"' not in ask.text
    refused = client.post(f"/market/products/{product_id}/delete", data={"confirmed": "yes"})
    assert refused.status_code == 409 and "Masquez-le" in refused.text
    client.set_cookie("lang", "ar")
    arabic = client.post(f"/market/products/{product_id}/delete", data={"confirmed": "yes"})
    assert arabic.status_code == 409 and 'dir="rtl"' in arabic.text and "أخفه" in arabic.text
    assert _exists(lookup, product_id) and len(_photo_ids(lookup, product_id)) == 1


def test_a_plain_member_may_delete_like_they_may_edit(
    client, auth, seller, make_user, make_coop, make_product, lookup
):
    coop_id = make_coop(seller)
    product_id = make_product(seller, coop_id)
    helper = make_user("learner")
    auth.login(seller)
    client.post(f"/market/cooperatives/{coop_id}/members", data={"email": helper.email})
    auth.logout()
    auth.login(helper)
    done = client.post(f"/market/products/{product_id}/delete", data={"confirmed": "yes"})
    assert done.status_code == 302
    assert not _exists(lookup, product_id)


def test_another_cooperatives_owner_cannot_delete(
    client, auth, listing, make_user, make_coop, completed, lookup
):
    _coop_id, product_id = listing
    rival = make_user("learner")
    completed.add(rival.id)
    make_coop(rival)
    for stranger in (rival, make_user("admin")):
        auth.logout()
        auth.login(stranger)
        assert client.get(f"/market/products/{product_id}/delete").status_code == 403
        response = client.post(f"/market/products/{product_id}/delete", data={"confirmed": "yes"})
        assert response.status_code == 403
    assert _exists(lookup, product_id)
    count = lookup(lambda db: db.scalar(select(func.count()).select_from(Photo)
                                        .where(Photo.product_id == product_id)))  # fmt: skip
    assert count == 1
