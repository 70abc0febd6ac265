"""Names typed by people stay whole in Arabic pages: each sits in a <bdi>, escaped."""

from __future__ import annotations

import re

from markupsafe import Markup

from lms.bidi import isolate, with_names
from tests.bidi_check import bare_names
from tests.lms.cohorts.helpers import create_cohort, join, login

LEARNER = "Youssef Alami (Tiznit)"
TRAINER = "Fatima Zahra (trainer)"
COHORT = "Think.COOP Agadir (2026)"


def arabic(client):
    client.set_cookie("lang", "ar")


def test_a_name_is_escaped_inside_its_bdi():
    assert isolate("Aicha <b>(Agadir)</b>") == "<bdi>Aicha &lt;b&gt;(Agadir)&lt;/b&gt;</bdi>"
    assert isolate("") == "" and isolate(None) == ""
    sentence = with_names("مرحبًا، %(name)s & 100%%", name="<Youssef>")
    assert isinstance(sentence, Markup)
    assert sentence == "مرحبًا، <bdi>&lt;Youssef&gt;</bdi> &amp; 100%"


def test_a_list_of_isolated_names_is_written_in_arabic(app):
    from lms.i18n import list_text

    with app.test_request_context(headers={"Cookie": "lang=ar"}):
        written = list_text([isolate("Aicha (A)"), isolate("<Omar>")])
    assert written == "<bdi>Aicha (A)</bdi> و<bdi>&lt;Omar&gt;</bdi>"


def test_cohort_pages_isolate_the_names_in_arabic(client, make_user):
    trainer = make_user("trainer", display_name=TRAINER)
    learner = make_user("learner", display_name=LEARNER)
    cohort_id, code = create_cohort(client, trainer, name=COHORT)
    arabic(client)
    added = client.post(f"/cohorts/{cohort_id}/members", data={"email": learner.email})
    page = client.get(added.headers["Location"]).get_data(as_text=True)
    assert f"تمت إضافة <bdi>{LEARNER}</bdi> إلى الفوج." in page  # the flash, translated
    assert f"<h1><bdi>{COHORT}</bdi></h1>" in page
    assert f"<dd><bdi>{TRAINER}</bdi></dd>" in page
    assert f"<td><bdi>{LEARNER}</bdi></td>" in page
    assert bare_names(page, {LEARNER, TRAINER, COHORT}) == []

    login(client, learner)
    arabic(client)
    confirm = client.get(f"/join/{code}").get_data(as_text=True)
    assert bare_names(confirm, {TRAINER, COHORT}) == []
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert f"مرحبًا، <bdi>{LEARNER}</bdi>" in dashboard
    assert f"المكوّن: <bdi>{TRAINER}</bdi>" in dashboard  # the "my cohorts" card
    assert bare_names(dashboard, {LEARNER, TRAINER, COHORT}) == []


def test_joining_by_link_greets_with_the_cohort_name_isolated(client, make_user):
    trainer = make_user("trainer", display_name=TRAINER)
    _cohort_id, code = create_cohort(client, trainer, name="Coop <Argan> (Tiznit)")
    learner = make_user("learner")
    arabic(client)
    response = join(client, learner, code)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<bdi>Coop &lt;Argan&gt; (Tiznit)</bdi>" in page
    assert "<Argan>" not in page  # escaped, never markup


def test_typed_text_fields_take_their_own_direction(client, make_user):
    login(client, make_user("learner"))
    arabic(client)
    profile = client.get("/profile").get_data(as_text=True)
    field = re.search(r"<input[^>]*id=\"display_name\"[^>]*>", profile).group(0)
    assert 'dir="auto"' in field
    birth_year = re.search(r"<input[^>]*id=\"birth_year\"[^>]*>", profile).group(0)
    assert "dir=" not in birth_year  # a number has no direction of its own
