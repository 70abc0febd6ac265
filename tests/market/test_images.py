"""Uploaded pictures: checked by content, size-limited, resized to two sizes, served cached."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from market import images
from market.models import Photo
from tests.market.conftest import picture_bytes


def _upload(client, url, data: bytes, name="photo.jpg"):
    return client.post(url, data={"photo": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")  # fmt: skip


def _photos(lookup):
    return lookup(lambda db: db.scalar(select(func.count()).select_from(Photo)))


@pytest.fixture
def listing(client, auth, seller, make_coop, make_product):
    coop_id = make_coop(seller)
    product_id = make_product(seller, coop_id)
    auth.login(seller)
    return coop_id, product_id


def test_a_good_picture_is_resized_to_both_sizes_and_served(app, client, listing, lookup):
    _coop_id, product_id = listing
    response = _upload(client, f"/market/products/{product_id}/photos", picture_bytes((2400, 1800)))
    assert response.status_code == 302
    photo = lookup(lambda db: db.scalar(select(Photo).where(Photo.product_id == product_id)))
    assert (photo.small_width, photo.small_height) == (images.SMALL, 270)
    assert (photo.large_width, photo.large_height) == (images.LARGE, 960)
    small = client.get(f"/market/photos/{photo.id}/small")
    assert small.status_code == 200 and small.headers["Content-Type"] == "image/webp"
    assert Image.open(io.BytesIO(small.data)).size == (images.SMALL, 270)
    assert (
        "max-age" in small.headers["Cache-Control"] and "public" in small.headers["Cache-Control"]
    )
    again = client.get(
        f"/market/photos/{photo.id}/small", headers={"If-None-Match": small.headers["ETag"]}
    )
    assert again.status_code == 304
    large = client.get(f"/market/photos/{photo.id}/large")
    assert Image.open(io.BytesIO(large.data)).size == (images.LARGE, 960)
    page = client.get(f"/market/products/{product_id}").text
    assert f"/market/photos/{photo.id}/small" in page and 'alt="' in page


def test_a_text_file_renamed_jpg_is_refused(client, listing, lookup):
    _coop_id, product_id = listing
    before = _photos(lookup)
    response = _upload(client, f"/market/products/{product_id}/photos", b"hello, I am text\n" * 50)
    assert response.status_code == 400
    assert "error-summary" in response.text
    assert _photos(lookup) == before


def test_an_oversized_file_is_refused(client, listing, lookup, monkeypatch):
    coop_id, _product_id = listing
    monkeypatch.setattr(images, "MAX_BYTES", 50_000)
    noisy = Image.effect_noise((1200, 1200), 80).convert("RGB")
    out = io.BytesIO()
    noisy.save(out, "PNG")
    big = out.getvalue()
    assert len(big) > 50_000
    before = _photos(lookup)
    response = _upload(client, f"/market/cooperatives/{coop_id}/photos", big, "big.png")
    assert response.status_code == 400
    assert _photos(lookup) == before


def test_too_many_pixels_is_refused():
    out = io.BytesIO()
    Image.new("1", (8000, 6000)).save(out, "PNG")  # 48 Mpx in a few kilobytes
    with pytest.raises(images.ImageError):
        images.process(out.getvalue())


def test_truncated_picture_is_refused():
    with pytest.raises(images.ImageError):
        images.process(picture_bytes()[:2000])


def test_photos_of_hidden_products_are_private(
    app, client, auth, seller, make_coop, make_product, lookup
):
    coop_id = make_coop(seller)
    product_id = make_product(seller, coop_id, published=False)
    auth.login(seller)
    _upload(client, f"/market/products/{product_id}/photos", picture_bytes((400, 300), fmt="PNG"))
    photo_id = lookup(lambda db: db.scalar(select(Photo.id).where(Photo.product_id == product_id)))
    assert client.get(f"/market/photos/{photo_id}/small").status_code == 200
    auth.logout()
    assert app.test_client().get(f"/market/photos/{photo_id}/small").status_code == 404


def test_only_members_add_or_remove_pictures(client, auth, listing, make_user, lookup):
    coop_id, product_id = listing
    _upload(client, f"/market/cooperatives/{coop_id}/photos", picture_bytes((500, 500)))
    photo_id = lookup(lambda db: db.scalar(select(Photo.id).where(Photo.cooperative_id == coop_id)))
    auth.logout()
    auth.login(make_user("admin"))
    assert (
        _upload(client, f"/market/products/{product_id}/photos", picture_bytes()).status_code == 403
    )
    assert client.post(f"/market/photos/{photo_id}/delete").status_code == 403
    assert _photos(lookup) >= 1


def test_a_file_above_the_size_limit_is_refused_before_decoding(client, listing, lookup):
    import os

    _coop_id, product_id = listing
    before = _photos(lookup)
    big = b"\xff\xd8\xff\xe0" + os.urandom(images.MAX_BYTES)  # a JPEG header, 8 MB of noise
    response = _upload(client, f"/market/products/{product_id}/photos", big, "huge.jpg")
    assert response.status_code == 400
    assert "8 Mo" in response.text
    assert _photos(lookup) == before
