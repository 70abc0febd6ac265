"""Product listings: validation, languages, published or hidden, and who may edit them."""

from __future__ import annotations

from sqlalchemy import func, select

from market.models import Product

GOOD = {
    "title_fr": "Miel de thym",
    "title_ar": "عسل الزعتر",
    "title_en": "",
    "description_fr": "Récolté en **juin**.",
    "description_ar": "",
    "description_en": "",
    "category": "honey",
    "price": "95.50",
    "unit": "jar",
    "quantity_available": "30",
    "minimum_order": "1",
    "published": "y",
}


def _products(db):
    return db.scalar(select(func.count()).select_from(Product))


def test_member_publishes_a_product_in_two_languages(app, client, auth, seller, make_coop, lookup):
    coop_id = make_coop(seller)
    auth.login(seller)
    response = client.post(f"/market/cooperatives/{coop_id}/products/new", data=GOOD)
    assert response.status_code == 302
    product = lookup(lambda db: db.scalar(select(Product).order_by(Product.id.desc())))
    assert product.title == {"fr": "Miel de thym", "ar": "عسل الزعتر"}
    assert str(product.price) == "95.50" and product.published and product.published_at
    auth.logout()
    french = client.get(f"/market/products/{product.id}")
    assert "Miel de thym" in french.text and "<strong>juin</strong>" in french.text
    assert "95,50" in french.text
    visitor = app.test_client()
    arabic = visitor.get(f"/market/products/{product.id}", headers={"Accept-Language": "ar"})
    assert "عسل الزعتر" in arabic.text and 'dir="rtl"' in arabic.text
    english = visitor.get(f"/market/products/{product.id}", headers={"Accept-Language": "en"})
    assert "Miel de thym" in english.text  # no English title: falls back to French


def test_a_title_is_required_in_at_least_one_language(client, auth, seller, make_coop, db):
    coop_id = make_coop(seller)
    auth.login(seller)
    before = _products(db)
    response = client.post(
        f"/market/cooperatives/{coop_id}/products/new",
        data={**GOOD, "title_fr": "", "title_ar": " "},
    )
    assert response.status_code == 400
    assert "au moins une langue" in response.text
    assert _products(db) == before


def test_prices_and_quantities_are_checked(client, auth, seller, make_coop, db):
    coop_id = make_coop(seller)
    auth.login(seller)
    before = _products(db)
    url = f"/market/cooperatives/{coop_id}/products/new"
    for bad in ({"price": "0"}, {"price": "-5"}, {"price": "abc"}, {"price": "2000000"},
                {"price": "1.234"}, {"quantity_available": "-1"}, {"minimum_order": "0"},
                {"category": "weapons"}):  # fmt: skip
        response = client.post(url, data={**GOOD, **bad})
        assert response.status_code == 400, bad
        assert "error-summary" in response.text
    assert _products(db) == before


def test_hidden_products_are_seen_only_by_members(
    client, auth, seller, make_user, make_coop, make_product
):
    coop_id = make_coop(seller)
    product_id = make_product(seller, coop_id, published=False, title={"fr": "Secret"})
    assert client.get(f"/market/products/{product_id}").status_code == 404
    assert "Secret" not in client.get("/market/?q=secret").text
    auth.login(make_user("trainer"))
    assert client.get(f"/market/products/{product_id}").status_code == 404
    auth.logout()
    auth.login(seller)
    assert client.get(f"/market/products/{product_id}").status_code == 200


def test_only_members_edit_products(client, auth, seller, make_user, make_coop, make_product, db):
    coop_id = make_coop(seller)
    product_id = make_product(seller, coop_id)
    for role in ("learner", "trainer", "coach", "admin"):
        auth.login(make_user(role))
        assert client.get(f"/market/products/{product_id}/edit").status_code == 403
        response = client.post(
            f"/market/products/{product_id}/edit", data={**GOOD, "title_fr": "Volé"}
        )
        assert response.status_code == 403
        assert (
            client.post(f"/market/cooperatives/{coop_id}/products/new", data=GOOD).status_code
            == 403
        )
        auth.logout()
    assert db.get(Product, product_id).title["fr"] != "Volé"


def test_publishing_is_an_xapi_statement_once(app, client, auth, seller, make_coop):
    from lms.xapi import recorder

    coop_id = make_coop(seller)
    auth.login(seller)
    client.post(f"/market/cooperatives/{coop_id}/products/new", data={**GOOD, "published": ""})
    with app.app_context():
        product = app.extensions["db_session"]().scalar(select(Product).order_by(Product.id.desc()))
        product_id = product.id
    iri = f"http://taawun.test/market/products/{product_id}"

    def published():
        with app.test_request_context():
            return list(recorder.statements(verb_key="published", activity_id=iri))

    assert published() == []
    client.post(f"/market/products/{product_id}/edit", data=GOOD)
    client.post(f"/market/products/{product_id}/edit", data={**GOOD, "title_fr": "Miel (2)"})
    found = published()
    assert len(found) == 1
    grouping = found[0]["context"]["contextActivities"]["grouping"]
    assert grouping[0]["id"] == f"http://taawun.test/market/cooperatives/{coop_id}"


def test_demo_seed_makes_a_browsable_cooperative_once(app, runner, client):
    result = runner.invoke(args=["market", "seed-demo"])
    assert result.exit_code != 0 and "seed-demo" in result.output  # no demo accounts yet
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    result = runner.invoke(args=["market", "seed-demo"])
    assert result.exit_code == 0, result.output
    assert "exists already" in runner.invoke(args=["market", "seed-demo"]).output
    page = client.get("/market/?q=euphorbe").text
    assert page.count('class="mk-card"') == 1 and "/market/photos/" in page
    assert "Miel d&#39;euphorbe" in page
