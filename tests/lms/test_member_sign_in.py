"""Members without e-mail sign in with a card, a PIN, or "switch person" (issue 20)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from lms.auth.models import User
from tests.conftest import log_in_as, make_test_app

PIN = "4821"


@pytest.fixture
def roster(app, client, make_user):
    """Enrol names in a new cohort as its trainer; returns (trainer, cohort id, members by
    name, their card tokens by name)."""

    def enrol(*names: str, phone: str = ""):
        from lms.auth import cards
        from lms.cohorts.models import Cohort

        client.set_cookie("lang", "en")  # the assertions read the English messages
        trainer = make_user("trainer")
        with app.app_context():
            session = app.extensions["db_session"]()
            cohort = Cohort(code=f"T{trainer.id:05d}"[:6], name="Cohorte Tiznit",
                            trainer_id=trainer.id, course_ids=[])  # fmt: skip
            session.add(cohort)
            session.commit()
            cohort_id = cohort.id
            app.extensions["db_session"].remove()
        log_in_as(client, trainer)
        text = "\n".join(f"{name},{phone}" for name in names)
        assert client.post(f"/cohorts/{cohort_id}/roster", data={"names": text}).status_code == 302
        log_in_as(client, None)
        with app.test_request_context():
            session = app.extensions["db_session"]()
            members = {u.display_name: u for u in session.scalars(
                select(User).where(User.display_name.in_(names)))}  # fmt: skip
            tokens = {name: cards.token(cards.card_for(session, u)) for name, u in members.items()}
            session.commit()
            app.extensions["db_session"].remove()
        return trainer, cohort_id, members, tokens

    return enrol


def card_sign_in(client, token):
    return client.post(f"/card/{token}")


def set_pin(client, pin=PIN):
    return client.post("/pin/new", data={"pin": pin, "confirm": pin})


def pin_sign_in(client, login, pin=PIN):
    return client.post("/pin", data={"login": login, "pin": pin})


def whoami(client) -> str:
    return client.get("/profile").get_data(as_text=True)


def test_card_then_pin_then_pin_sign_in_by_username_or_phone(app, client, roster):
    _t, _c, members, tokens = roster("Latifa Oubella", phone="0661000111")
    latifa = members["Latifa Oubella"]
    assert card_sign_in(client, tokens["Latifa Oubella"]).headers["Location"] == "/pin/new"
    assert set_pin(client, "12").status_code == 400  # too short: a clear message, not saved
    assert set_pin(client).status_code == 302
    client.post("/logout")
    assert pin_sign_in(client, latifa.username, "0000").status_code == 400
    assert pin_sign_in(client, latifa.username).headers["Location"] == "/dashboard"
    assert "Latifa Oubella" in whoami(client)
    client.post("/logout")
    assert pin_sign_in(client, "06 61 00 01 11").headers["Location"] == "/dashboard"


def test_a_card_link_opened_by_a_preview_signs_nobody_in(app, client, roster):
    _t, _c, _m, tokens = roster("Mina Azrou")
    page = client.get(f"/card/{tokens['Mina Azrou']}")
    assert page.status_code == 200 and "Mina Azrou" in page.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302  # still anonymous: a GET signs nobody in


def test_the_short_code_typed_with_spaces_signs_in(app, client, roster):
    _t, _c, _m, tokens = roster("Rkia Amellal")
    token = tokens["Rkia Amellal"]
    typed = f"{token[:4].lower()} {token[4:8]}-{token[8:]}"
    assert client.post("/card", data={"code": typed}).headers["Location"] == "/pin/new"
    assert client.post("/card", data={"code": "AAAA AAAA AAAA"}).status_code == 400


def test_wrong_pins_lock_the_account_until_the_trainer_lifts_it(app, client, roster):
    trainer, cohort_id, members, tokens = roster("Hayat Bouzid")
    hayat = members["Hayat Bouzid"]
    card_sign_in(client, tokens["Hayat Bouzid"])
    set_pin(client)
    client.post("/logout")
    for _ in range(5):
        pin_sign_in(client, hayat.username, "9999")
    locked = pin_sign_in(client, hayat.username)  # the right PIN, refused while locked
    assert locked.status_code == 400 and "/dashboard" not in locked.headers.get("Location", "")
    assert "ask your trainer to unlock it" in locked.get_data(as_text=True)
    log_in_as(client, trainer)
    roster_page = client.get(f"/cohorts/{cohort_id}/roster").get_data(as_text=True)
    assert f"/members/{hayat.public_id}/unlock" in roster_page
    client.post(f"/cohorts/{cohort_id}/members/{hayat.public_id}/unlock")
    log_in_as(client, None)
    assert pin_sign_in(client, hayat.username).headers["Location"] == "/dashboard"


def test_wrong_pins_count_across_workers(app, roster, database_url, tmp_path):
    """Two apps on one database stand for two workers: 3 wrong PINs on one and 2 on the other
    lock the account on both."""
    _t, _c, members, tokens = roster("Itto Ouhammou")
    itto = members["Itto Ouhammou"]
    first = app.test_client()
    card_sign_in(first, tokens["Itto Ouhammou"])
    set_pin(first)
    first.post("/logout")
    other = make_test_app(database_url, tmp_path)
    try:
        second = other.test_client()
        for client, tries in ((first, 3), (second, 2)):
            for _ in range(tries):
                pin_sign_in(client, itto.username, "1111")
        for client in (first, second):
            assert "Location" not in pin_sign_in(client, itto.username).headers
    finally:
        other.extensions["db_engine"].dispose()


def test_pin_attempts_are_limited_per_address(database_url, tmp_path):
    limited = make_test_app(database_url, tmp_path, RATELIMIT_ENABLED=True,
                            PIN_RATE_LIMIT="3 per minute")  # fmt: skip
    try:
        client = limited.test_client()
        codes = [pin_sign_in(client, f"nobody{n}", "1234").status_code for n in range(4)]
        assert codes == [400, 400, 400, 429]
        assert client.post("/card", data={"code": "x"}).status_code == 429
    finally:
        limited.extensions["db_engine"].dispose()


def test_a_reset_pin_is_chosen_again_with_the_card(app, client, roster):
    trainer, cohort_id, members, tokens = roster("Fadma Id Ali")
    fadma = members["Fadma Id Ali"]
    card_sign_in(client, tokens["Fadma Id Ali"])
    set_pin(client)
    log_in_as(client, trainer)
    assert (
        client.post(f"/cohorts/{cohort_id}/members/{fadma.public_id}/pin-reset").status_code == 302
    )
    log_in_as(client, None)
    assert "Location" not in pin_sign_in(client, fadma.username).headers
    assert card_sign_in(client, tokens["Fadma Id Ali"]).headers["Location"] == "/pin/new"


def test_staff_keep_passwords_no_pin(app, client, make_user):
    trainer = make_user("trainer")
    log_in_as(client, trainer)
    assert set_pin(client).status_code == 403


def test_switch_person_lists_recent_members_and_signs_the_next_in_with_a_pin(app, client, roster):
    _t, _c, members, tokens = roster("Aicha Amrani", "Zahra Ouali")
    for name in ("Aicha Amrani", "Zahra Ouali"):
        card_sign_in(client, tokens[name])
        set_pin(client)
        signed_out = client.post("/switch")
        assert signed_out.headers["Location"] == "/switch"
        # her cached pages go; stored data (content, a queue of unsent statements) stays
        assert signed_out.headers["Clear-Site-Data"] == '"cache"'
    page = client.get("/switch").get_data(as_text=True)
    assert "Aicha Amrani" in page and "Zahra Ouali" in page
    assert "AA" in page and "ZO" in page  # initials
    aicha = members["Aicha Amrani"]
    assert aicha.username not in page and aicha.public_id in page  # no username, no phone
    form = client.get(f"/pin?who={aicha.public_id}").get_data(as_text=True)
    assert re.search(rf'value="{re.escape(aicha.username)}"', form)
    assert pin_sign_in(client, aicha.username).headers["Location"] == "/dashboard"
    assert "Aicha Amrani" in whoami(client)
    # another browser has no list: the cookie is this phone's
    assert "Aicha Amrani" not in app.test_client().get("/switch").get_data(as_text=True)


def test_a_forged_recent_list_is_ignored(app, client, roster):
    _t, _c, members, _tokens = roster("Saadia Ait")
    client.set_cookie("taawun_recent", f'["{members["Saadia Ait"].public_id}"]')
    assert "Saadia Ait" not in client.get("/switch").get_data(as_text=True)


def test_a_member_adds_email_and_phone_later(app, client, roster, make_user):
    _t, _c, _m, tokens = roster("Nezha Taleb")
    taken = make_user("learner")
    card_sign_in(client, tokens["Nezha Taleb"])
    data = {"display_name": "Nezha Taleb", "preferred_language": "fr", "email": taken.email}
    assert client.post("/profile", data=data).status_code == 400
    data.update(email="nezha@example.org", phone="0677 88 99 00")
    assert client.post("/profile", data=data).status_code == 302
    with app.app_context():
        session = app.extensions["db_session"]()
        nezha = session.scalar(select(User).where(User.display_name == "Nezha Taleb"))
        assert (nezha.email, nezha.phone) == ("nezha@example.org", "0677889900")
        app.extensions["db_session"].remove()


def test_pin_sign_in_refuses_clearly_while_the_counting_store_is_down(
    app, client, roster, monkeypatch
):
    _t, _c, members, tokens = roster("Itto Amghar")
    card_sign_in(client, tokens["Itto Amghar"])
    set_pin(client)
    client.post("/logout")

    class Down:
        def __getattr__(self, name):
            raise ConnectionError("store unreachable")

    from lms.auth import pins

    monkeypatch.setattr(pins, "counter", lambda: Down())
    answer = pin_sign_in(client, members["Itto Amghar"].username)
    assert answer.status_code == 400  # fails closed, with a message: no guess goes uncounted
    assert "not available for a moment" in answer.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302  # still anonymous


def test_a_roster_racing_another_for_a_username_is_refused_whole(app, client, roster, monkeypatch):
    trainer, cohort_id, members, _tokens = roster("Zahra Idrissi")
    from lms.auth import pins

    taken = members["Zahra Idrissi"].username
    monkeypatch.setattr(pins, "free_username", lambda *args: taken)  # as if taken meanwhile
    log_in_as(client, trainer)
    answer = client.post(f"/cohorts/{cohort_id}/roster", data={"names": "Aicha Ait\nMalika Bou"})
    assert answer.status_code == 422
    assert "at the same moment" in answer.get_data(as_text=True)
    with app.app_context():
        session = app.extensions["db_session"]()
        names = ["Aicha Ait", "Malika Bou"]
        assert session.scalars(select(User).where(User.display_name.in_(names))).all() == []
        app.extensions["db_session"].remove()
