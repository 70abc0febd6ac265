"""Roster enrolment, sign-in cards and who may see them (issue 20)."""

from __future__ import annotations

import io
import json
import re

import pytest
from sqlalchemy import func, select

from lms.auth.models import User
from tests.lms.cohorts.helpers import accredit, create_cohort, login

TEN = "\n".join(
    ["Fatima Zahra", "Khadija Ait Ali", "Amina", "فاطمة الزهراء", "Naima", "Hafsa", "Rachida",
     "Saida", "Malika", "Zineb"]
)  # fmt: skip


@pytest.fixture
def cohort(client, make_user):
    client.set_cookie("lang", "en")  # the assertions read the English messages
    admin, trainer = make_user("admin"), make_user("trainer")
    accredit(client, admin, trainer)
    cohort_id, _code = create_cohort(client, trainer)
    return trainer, cohort_id


def _users(db, names):
    db.expire_all()
    return db.scalars(select(User).where(User.display_name.in_(names))).all()


def test_trainer_enrols_ten_names_without_email(client, cohort, db):
    trainer, cohort_id = cohort
    login(client, trainer)
    response = client.post(f"/cohorts/{cohort_id}/roster", data={"names": TEN})
    assert response.status_code == 302
    page = client.get(f"/cohorts/{cohort_id}/roster").get_data(as_text=True)
    assert "10" in page and "fatima.zahra" in page and "فاطمة.الزهراء" in page
    users = _users(db, TEN.split("\n"))
    assert len(users) == 10
    assert all(u.email is None and u.has_role("learner") for u in users)


def test_bad_lines_are_reported_by_line_and_nothing_is_created(client, cohort, db):
    trainer, cohort_id = cohort
    login(client, trainer)
    roster = "name;phone;gender;birth year;region\nLaila;0612345678;femme;1990;Souss-Massa\n"
    roster += "Meryem;12ab;;;\nSouad;;;1850;\nHouda;;;;Atlantis\n"
    response = client.post(f"/cohorts/{cohort_id}/roster", data={"names": roster})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Nobody was enrolled" in page
    for line, problem in ((3, "phone number"), (4, "year of birth"), (5, "regions")):
        assert re.search(rf"Line {line}: [^<]*{problem}", page), line
    assert _users(db, ["Laila", "Meryem", "Souad", "Houda"]) == []


def test_a_csv_upload_enrols_with_phone_gender_year_and_region(client, cohort, db):
    trainer, cohort_id = cohort
    login(client, trainer)
    csv = (
        "name,phone,gender,birth year,region\nLaila Idrissi,06 12 34 56 78,femme,1990,Souss-Massa\n"
    )
    data = {"csv_file": (io.BytesIO(csv.encode("utf-8-sig")), "roster.csv")}
    response = client.post(f"/cohorts/{cohort_id}/roster", data=data,
                           content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 302
    (laila,) = _users(db, ["Laila Idrissi"])
    assert (laila.phone, laila.gender, laila.birth_year, laila.region) == (
        "0612345678", "female", 1990, "souss-massa")  # fmt: skip


def test_duplicates_within_the_cohort_are_flagged_not_created_twice(client, cohort, db):
    trainer, cohort_id = cohort
    login(client, trainer)
    client.post(f"/cohorts/{cohort_id}/roster", data={"names": "Aicha Benali"})
    again = {"names": "aicha  benali\nNadia\nNADIA"}
    response = client.post(f"/cohorts/{cohort_id}/roster", data=again, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "1 members enrolled" in page
    assert "Line <bdi>1</bdi>: <bdi>aicha benali</bdi> is already in the cohort" in page
    assert "Line <bdi>3</bdi>: <bdi>NADIA</bdi> is already in the cohort" in page
    db.expire_all()
    count = db.scalar(select(func.count(User.id)).where(func.lower(User.display_name) == "nadia"))
    assert count == 1
    assert len(_users(db, ["Aicha Benali", "aicha  benali"])) == 1


def _token_of(db, user):
    from lms.auth import cards

    card = cards.live_card(db, user)
    return cards.token(card)


def test_cards_pdf_has_one_qr_link_per_member(client, cohort, db, app):
    trainer, cohort_id = cohort
    login(client, trainer)
    client.post(f"/cohorts/{cohort_id}/roster", data={"names": "Hanane\nOuafae"})
    response = client.get(f"/cohorts/{cohort_id}/cards.pdf?lang=ar")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    links = set(re.findall(rb"http://taawun\.test/card/([A-Z0-9]{12})", response.data))
    assert len(links) == 2
    # printing again gives the same cards: the ones handed out keep working
    again = client.get(f"/cohorts/{cohort_id}/cards.pdf?lang=fr").data
    assert set(re.findall(rb"http://taawun\.test/card/([A-Z0-9]{12})", again)) == links


def test_a_replaced_card_no_longer_signs_in(client, cohort, db, app):
    trainer, cohort_id = cohort
    login(client, trainer)
    client.post(f"/cohorts/{cohort_id}/roster", data={"names": "Ilham"})
    client.get(f"/cohorts/{cohort_id}/cards.pdf")
    (ilham,) = _users(db, ["Ilham"])
    old = _token_of(db, ilham)
    response = client.post(f"/cohorts/{cohort_id}/members/{ilham.public_id}/card")
    assert response.status_code == 302
    db.expire_all()
    new = _token_of(db, ilham)
    assert new != old
    visitor = app.test_client()
    assert visitor.get(f"/card/{old}").status_code == 404
    assert visitor.post(f"/card/{old}").status_code == 404
    assert visitor.post(f"/card/{new}").status_code == 302


def test_roster_and_cards_are_only_for_the_cohorts_trainer_and_admins(client, cohort, make_user):
    trainer, cohort_id = cohort
    login(client, trainer)
    client.post(f"/cohorts/{cohort_id}/roster", data={"names": "Siham"})
    other_trainer, coach, learner, admin = (make_user("trainer"), make_user("coach"),
                                            make_user("learner"), make_user("admin"))  # fmt: skip
    urls = [f"/cohorts/{cohort_id}/roster", f"/cohorts/{cohort_id}/cards.pdf"]
    expected = {trainer: 200, admin: 200, other_trainer: 403, coach: 403, learner: 403}
    for user, status in expected.items():
        login(client, user)
        for url in urls:
            assert client.get(url).status_code == status, (url, user.email)


def test_no_card_for_an_account_with_a_password(client, cohort, make_user):
    """A learner who registered herself keeps her password: the trainer cannot mint a card
    that would sign in as her."""
    trainer, cohort_id = cohort
    learner = make_user("learner")
    login(client, learner)
    from lms.cohorts.models import Cohort

    with client.application.app_context():
        session = client.application.extensions["db_session"]()
        code = session.get(Cohort, cohort_id).code
        client.application.extensions["db_session"].remove()
    client.post(f"/join/{code}")
    login(client, trainer)
    assert client.post(f"/cohorts/{cohort_id}/members/{learner.public_id}/card").status_code == 403
    pdf = client.get(f"/cohorts/{cohort_id}/cards.pdf").data
    assert len(re.findall(rb"/card/[A-Z0-9]{12}", pdf)) == 0


def test_statements_of_roster_members_carry_neither_name_nor_phone(client, cohort, db, app):
    trainer, cohort_id = cohort
    login(client, trainer)
    client.post(f"/cohorts/{cohort_id}/roster", data={"names": "Yasmina Tazi, 0698765432"})
    from lms.xapi import recorder

    (yasmina,) = _users(db, ["Yasmina Tazi"])
    with app.test_request_context():
        mine = [json.dumps(s) for s in recorder.statements(agent=recorder.actor_dict(yasmina))]
    assert mine, "the joined statement is recorded"
    for body in mine:
        assert "Yasmina" not in body and "0698765432" not in body
        assert yasmina.public_id in body  # the actor is the stable opaque id


def qr_links(pdf_bytes: bytes) -> list[str]:
    """What a phone's camera reads from each QR code of the PDF."""
    pypdf = pytest.importorskip("pypdf")
    zxingcpp = pytest.importorskip("zxingcpp")
    found = []
    for page in pypdf.PdfReader(io.BytesIO(pdf_bytes)).pages:
        for image in page.images:
            found += [code.text for code in zxingcpp.read_barcodes(image.image.convert("L"))]
    return found


def test_the_qr_codes_of_the_sheet_open_taawun_signed_in(client, cohort, app):
    trainer, cohort_id = cohort
    login(client, trainer)
    client.post(f"/cohorts/{cohort_id}/roster", data={"names": TEN})
    links = qr_links(client.get(f"/cohorts/{cohort_id}/cards.pdf?lang=ar").data)
    assert len(links) == 10 and len(set(links)) == 10
    phone = app.test_client()
    for link in links[:2]:
        path = link.removeprefix("http://taawun.test")
        assert phone.get(path).status_code == 200
        response = phone.post(path)
        assert response.status_code == 302 and response.headers["Location"] == "/pin/new"


def test_a_file_that_is_not_a_roster_gets_a_clear_message(client, cohort, db):
    trainer, cohort_id = cohort
    login(client, trainer)
    for body, message in (
        ("Ilham Zerouali;;;\n".encode("cp1256") + "Laïla".encode("latin-1"), "UTF-8"),
        (b"x" * 200_000, "At most 200 members"),
    ):
        data = {"csv_file": (io.BytesIO(body), "roster.csv")}
        response = client.post(
            f"/cohorts/{cohort_id}/roster", data=data, content_type="multipart/form-data"
        )
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert _users(db, ["Ilham Zerouali"]) == []


def test_admin_pages_show_a_member_without_email_by_username(client, cohort, make_user):
    trainer, cohort_id = cohort
    login(client, trainer)
    client.post(f"/cohorts/{cohort_id}/roster", data={"names": "Touria Ouchen"})
    login(client, make_user("admin"))
    listing = client.get("/admin/users?q=Touria").get_data(as_text=True)
    (public_id,) = set(re.findall(r'href="/admin/users/([0-9a-f]{32})"', listing))
    for page in (listing, client.get(f"/admin/users/{public_id}").get_data(as_text=True)):
        assert "touria.ouchen" in page and ">None<" not in page
