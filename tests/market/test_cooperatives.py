"""Cooperative profiles: who may create them, one-click from a launched project, members."""

from __future__ import annotations

from sqlalchemy import func, select

from market.models import Cooperative, Membership
from tests.market.conftest import coop_fields

FORM = {k: str(v) for k, v in coop_fields().items()}


def _count(db):
    return db.scalar(select(func.count()).select_from(Cooperative))


def test_selling_is_locked_until_my_coop_is_completed(client, auth, make_user, completed, db):
    auth.login(make_user("learner"))
    page = client.get("/market/cooperatives/new")
    assert page.status_code == 200
    assert "« Gérer sa coopérative agricole »" in page.text
    assert 'name="members_count"' not in page.text
    before = _count(db)
    client.post("/market/cooperatives/new", data={**FORM, "name": "Sneaky"})
    assert _count(db) == before


def test_member_creates_a_profile_and_is_its_owner(client, auth, seller, db):
    auth.login(seller)
    response = client.post("/market/cooperatives/new", data={**FORM, "name": "Coop Amal"})
    assert response.status_code == 302
    coop = db.scalar(select(Cooperative).where(Cooperative.name == "Coop Amal"))
    assert coop.women_led and coop.region == "souss-massa"
    owner = db.scalar(select(Membership).where(Membership.cooperative_id == coop.id))
    assert owner.user_id == seller.id and owner.role == "owner"
    public = client.get(f"/market/cooperatives/{coop.id}")
    assert "Coop Amal" in public.text and "Tiznit" in public.text


def test_bad_counts_are_refused_with_a_message_and_nothing_saved(client, auth, seller, db):
    auth.login(seller)
    before = _count(db)
    response = client.post(
        "/market/cooperatives/new", data={**FORM, "members_count": "5", "women_count": "9"}
    )
    assert response.status_code == 400
    assert "Ne peut pas dépasser le nombre de membres" in response.text
    assert _count(db) == before


def test_launched_project_becomes_a_profile_in_one_click(client, auth, seller, launched, db):
    launched[seller.id] = [
        {"name": "Coopérative Nahla", "registration_number": "RC-2024-77",
         "registration_date": "2024-03-01", "region": "fes-meknes", "commune": "Sefrou",
         "sector": "honey", "members": 9, "women": 6, "youth": 4,
         "summary": "Miel de thym de la montagne."},
    ]  # fmt: skip
    auth.login(seller)
    mine = client.get("/market/mine")
    assert "Coopérative Nahla" in mine.text and 'value="RC-2024-77"' in mine.text
    response = client.post("/market/cooperatives/from-project", data={"project": "RC-2024-77"})
    assert response.status_code == 302
    coop = db.scalar(select(Cooperative).where(Cooperative.source_project == "RC-2024-77"))
    assert (coop.name, coop.region, coop.commune, coop.year_founded) == (
        "Coopérative Nahla", "fes-meknes", "Sefrou", 2024)  # fmt: skip
    assert (coop.members_count, coop.women_count, coop.youth_count) == (9, 6, 4)
    assert "thym" in coop.story
    # A second click does not make a second cooperative.
    again = client.post("/market/cooperatives/from-project", data={"project": "RC-2024-77"})
    assert again.status_code == 302 and f"/cooperatives/{coop.id}" in again.headers["Location"]
    assert (
        db.scalar(
            select(func.count())
            .select_from(Cooperative)
            .where(Cooperative.name == "Coopérative Nahla")
        )
        == 1
    )


def test_incomplete_project_opens_a_prefilled_form(client, auth, seller, launched, db):
    launched[seller.id] = [{"name": "Projet sans région", "members": 7, "women": 2, "youth": 1}]
    auth.login(seller)
    before = _count(db)
    response = client.post(
        "/market/cooperatives/from-project", data={"project": "Projet sans région"}
    )
    assert response.status_code == 422
    assert 'value="Projet sans région"' in response.text
    assert "Choisissez une région" in response.text
    assert _count(db) == before


def test_someone_elses_project_cannot_be_claimed(client, auth, seller, make_user, launched):
    other = make_user("learner")
    launched[other.id] = [{"name": "Coop X", "registration_number": "RC-X", "region": "oriental"}]
    auth.login(seller)
    assert (
        client.post("/market/cooperatives/from-project", data={"project": "RC-X"}).status_code
        == 404
    )


def test_without_the_project_bank_the_page_still_works(client, auth, seller, app, monkeypatch):
    from lms.plugins import registry

    monkeypatch.delitem(registry(app).services, "projects.launched_for_user", raising=False)
    auth.login(seller)
    page = client.get("/market/mine")
    assert page.status_code == 200
    assert "Make it a cooperative profile" not in page.text


def test_only_members_edit_and_only_owners_add_members(
    client, auth, seller, make_user, make_coop, db
):
    coop_id = make_coop(seller)
    stranger = make_user("coach")
    helper = make_user("learner", email="helper@example.org")
    auth.login(stranger)
    assert client.get(f"/market/cooperatives/{coop_id}/edit").status_code == 403
    response = client.post(f"/market/cooperatives/{coop_id}/edit", data={**FORM, "name": "Hacked"})
    assert response.status_code == 403
    assert client.get(f"/market/cooperatives/{coop_id}/manage").status_code == 403
    auth.logout()
    auth.login(seller)
    unknown = client.post(f"/market/cooperatives/{coop_id}/members", data={"email": "nobody@x.org"})
    assert unknown.status_code == 400 and "Aucun compte" in unknown.text
    added = client.post(
        f"/market/cooperatives/{coop_id}/members", data={"email": "helper@example.org"}
    )
    assert added.status_code == 302
    auth.logout()
    auth.login(helper)
    edit = client.post(
        f"/market/cooperatives/{coop_id}/edit", data={**FORM, "name": "Renamed coop"}
    )
    assert edit.status_code == 302
    assert db.get(Cooperative, coop_id).name == "Renamed coop"
    refused = client.post(f"/market/cooperatives/{coop_id}/members", data={"email": stranger.email})
    assert refused.status_code == 403


def test_creating_a_cooperative_is_an_xapi_statement(app, seller, make_coop):
    from lms.xapi import recorder

    coop_id = make_coop(seller)
    with app.test_request_context():
        found = list(recorder.statements(agent=recorder.actor_dict(seller), verb_key="created"))
    assert any(s["object"]["id"].endswith(f"/market/cooperatives/{coop_id}") for s in found)
    assert all("mbox" not in s["actor"] for s in found)


def test_project_bank_summary_maps_to_profile_fields():
    from market.services import fields_from_project, project_key

    project = {"project_id": 42, "name": "Coop Atlas", "registration_number": None,
               "registration_date": "2023-06-30", "region": "nowhere", "commune": "Azrou",
               "members": "11", "women": 4, "youth": None, "summary": "Fromage de chèvre.",
               "products": "Fromage frais, lait."}  # fmt: skip
    fields = fields_from_project(project)
    assert project_key(project) == "project:42"
    assert fields["year_founded"] == 2023 and fields["region"] == ""  # unknown region dropped
    assert (fields["members_count"], fields["women_count"], fields["youth_count"]) == (11, 4, None)
    assert fields["registration_number"] == ""
    assert "chèvre" in fields["story"] and "Fromage frais" in fields["story"]
