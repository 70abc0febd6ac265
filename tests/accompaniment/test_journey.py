"""Accompaniment through HTTP as its users meet it: a coach enrols, diagnoses, plans and coaches;
leaders see their own plan only; the admin's programme view counts it all."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from accompaniment.models import Diagnosis, FollowedCooperative, PlanAction
from tests.accompaniment.conftest import ENROL, diagnose, english, enrol
from tests.conftest import log_in_as


def _statements(app, verb_suffix: str) -> list[dict]:
    from xapi_store.models import Statement

    with app.app_context():
        session = app.extensions["db_session"]()
        rows = [row.data for row in session.scalars(select(Statement))]
        app.extensions["db_session"].remove()
    return [s for s in rows if s["verb"]["id"].endswith(verb_suffix)]


def test_the_questionnaire_has_forty_questions_in_six_axes_in_three_languages(app, loaded):
    from accompaniment import questionnaire

    with app.app_context():
        session = app.extensions["db_session"]()
        current = questionnaire.current(session)
        pairs = questionnaire.questions(current)
        app.extensions["db_session"].remove()
    assert len(current.data["axes"]) == 6 and len(pairs) == 40
    assert all(set(q["text"]) == {"fr", "ar", "en"} for _a, q in pairs)


def test_a_bad_questionnaire_names_file_and_line_and_loads_nothing(app, loaded, tmp_path):
    folder = tmp_path / "content" / "accompaniment"
    folder.mkdir(parents=True)
    source = Path("content/accompaniment/diagnosis.toml").read_text(encoding="utf-8")
    broken = source.replace('module = "governance"', 'module = "no-such-module"', 1)
    broken = broken.replace('id = "cooperative-diagnosis"', 'id = "other-diagnosis"')
    (folder / "diagnosis.toml").write_text(broken, encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["load-content", str(tmp_path / "content")])
    assert result.exit_code == 1
    line = broken.splitlines().index('module = "no-such-module"') + 1
    assert f"diagnosis.toml:{line}: action 'hold-general-assembly': no module" in result.output
    from accompaniment.models import Questionnaire

    with app.app_context():
        session = app.extensions["db_session"]()
        assert session.get(Questionnaire, "other-diagnosis") is None
        app.extensions["db_session"].remove()


def test_answers_are_saved_one_by_one_as_a_draft_and_the_diagnosis_resumes(app, people):
    client = english(app)
    followed_id = enrol(client, people)
    response = client.post(f"/accompaniment/cooperatives/{followed_id}/diagnoses",
                           data={"month": "0"})  # fmt: skip
    diagnosis_id = int(response.headers["Location"].split("/")[-3])
    saved = client.post(
        f"/accompaniment/diagnoses/{diagnosis_id}/answer",
        data={"question": "minutes-book", "score": "2", "evidence": "PV 2025"},
    )
    assert saved.status_code == 200 and saved.json == {"saved": True}
    bad = client.post(f"/accompaniment/diagnoses/{diagnosis_id}/answer",
                      data={"question": "minutes-book", "score": "9"})  # fmt: skip
    assert bad.status_code == 422
    # the connection dropped: the coach comes back later and finds the answer
    page = client.get(f"/accompaniment/diagnoses/{diagnosis_id}/axes/1").text
    assert 'name="score-minutes-book" value="2" checked' in page and "PV 2025" in page
    # a whole axis sent with one answer tampered: the good ones are kept, the bad one named
    tampered = {"score-internal-rules": "1", "score-statutes-in-line": "9"}
    sent = client.post(f"/accompaniment/diagnoses/{diagnosis_id}/axes/1", data=tampered)
    assert sent.status_code == 302 and sent.headers["Location"].endswith("#q-statutes-in-line")
    page = client.get(sent.headers["Location"]).text
    assert "1 answer could not be saved; the others are." in page
    assert 'name="score-internal-rules" value="1" checked' in page
    # completing with questions left is refused, in the user's words
    refused = client.post(f"/accompaniment/diagnoses/{diagnosis_id}/complete",
                          follow_redirects=True)  # fmt: skip
    assert "38 questions are still without an answer" in refused.text


def test_coach_journey_from_enrolment_to_programme_view(app, people):
    client = english(app)
    followed_id = enrol(client, people, name="Coop Tazart")
    diagnosis_id = diagnose(app, client, followed_id, level=1)
    result = client.get(f"/accompaniment/diagnoses/{diagnosis_id}")
    assert result.status_code == 200
    assert "<svg" in result.text and 'role="img"' in result.text
    swot = {"strengths": "Membres motivés", "weaknesses": "Comptes en retard",
            "opportunities": "Foire régionale", "threats": "Sécheresse"}  # fmt: skip
    assert (
        client.post(f"/accompaniment/diagnoses/{diagnosis_id}/swot", data=swot).status_code == 302
    )
    assert "Foire régionale" in client.get(f"/accompaniment/diagnoses/{diagnosis_id}").text
    assert client.post(f"/accompaniment/diagnoses/{diagnosis_id}/plan").status_code == 302
    with app.app_context():
        session = app.extensions["db_session"]()
        actions = session.scalars(select(PlanAction).where(
            PlanAction.cooperative_id == followed_id)).all()  # fmt: skip
        axes = {a.axis for a in actions}
        linked = [a for a in actions if a.module_id == "governance"]
        app.extensions["db_session"].remove()
    assert len(axes) == 3 and actions  # the three weakest axes
    # the leader sees nothing of the plan until it is published
    leader = english(app)
    log_in_as(leader, people["leader"])
    assert actions[0].title not in leader.get(f"/accompaniment/cooperatives/{followed_id}").text
    assert client.post(f"/accompaniment/cooperatives/{followed_id}/publish").status_code == 302
    page = leader.get(f"/accompaniment/cooperatives/{followed_id}").text
    assert actions[0].title in page
    assert linked == [] or "/courses/start-coop" in page
    done = leader.post(f"/accompaniment/actions/{actions[0].id}/status", data={"status": "done"})
    assert done.status_code == 302
    # a leader may mark done, not drop
    assert leader.post(f"/accompaniment/actions/{actions[1].id}/status",
                       data={"status": "dropped"}).status_code == 403  # fmt: skip
    # the coach logs a session against the plan, with private notes
    session_form = {"held_on": date.today().isoformat(), "minutes": "90",
                    "attendees": "Président, trésorière", "topics": "Assemblée générale",
                    "next_steps": "Convoquer l'AG", "notes": "SECRET-NOTE conflit familial",
                    "actions": [str(actions[0].id), str(actions[1].id)]}  # fmt: skip
    logged = client.post(f"/accompaniment/cooperatives/{followed_id}/sessions/new",
                         data=session_form)  # fmt: skip
    assert logged.status_code == 302
    assert "SECRET-NOTE" not in leader.get(f"/accompaniment/cooperatives/{followed_id}").text
    # the programme view counts it
    admin = english(app)
    log_in_as(admin, people["admin"])
    view = admin.get("/accompaniment/programme")
    assert view.status_code == 200 and "Mourafaka" not in view.text
    csv = admin.get("/accompaniment/programme?csv=regions").get_data(as_text=True)
    assert csv.startswith("\ufeff")
    region = next(line.split(",") for line in csv.splitlines() if line.startswith("Fez-Meknes"))
    assert int(region[3]) == 1  # the session logged above
    actions_csv = admin.get("/accompaniment/programme?csv=actions").get_data(as_text=True)
    assert actions_csv.splitlines()[1].split(",")[1] != "0"  # one action done


def test_statements_name_the_coach_or_the_cooperative_and_never_private_notes(app, people):
    completed = _statements(app, "/completed")
    diagnosis = [s for s in completed if s["object"]["id"].split("/")[-2] == "diagnoses"]
    assert diagnosis and diagnosis[0]["actor"]["account"]["name"] == people["coach"].public_id
    assert "axis-scores" in json.dumps(diagnosis[0]["result"])
    action = [s for s in completed if s["object"]["id"].split("/")[-2] == "actions"]
    assert action and action[0]["actor"]["objectType"] == "Group"
    sessions = _statements(app, "/coached")
    assert sessions and sessions[0]["result"]["duration"] == "PT01H30M00S"
    everything = json.dumps(_statements(app, ""))
    assert "SECRET-NOTE" not in everything and "trésorière" not in everything
    assert "acc-leader@example.org" not in everything


def test_nobody_else_sees_a_cooperative(app, people):
    client = english(app)
    followed_id = enrol(client, people, name="Coop privée")
    for who in ("stranger", "other_coach"):
        log_in_as(client, people[who])
        assert client.get(f"/accompaniment/cooperatives/{followed_id}").status_code == 403
        assert client.get(f"/accompaniment/cooperatives/{followed_id}/progress").status_code == 403
    log_in_as(client, people["other_coach"])
    assert client.post(f"/accompaniment/cooperatives/{followed_id}/publish").status_code == 403
    assert "Coop privée" not in client.get("/accompaniment/").text
    log_in_as(client, people["stranger"])
    assert client.get("/accompaniment/programme").status_code == 403


def test_overdue_actions_remind_the_coach_on_the_dashboard(app, people):
    with app.app_context():
        session = app.extensions["db_session"]()
        action = session.scalars(select(PlanAction).where(PlanAction.status == "planned")).first()
        action.due_on = date.today() - timedelta(days=3)
        action.published = True
        title = action.title
        session.commit()
        app.extensions["db_session"].remove()
    client = english(app)
    log_in_as(client, people["coach"])
    page = client.get("/dashboard").text
    assert "overdue" in page.lower() and title.split()[0] in page


def test_a_re_diagnosis_shows_the_change_per_axis_side_by_side(app, people):
    client = english(app)
    followed_id = enrol(client, people, name="Coop Imlil")
    diagnose(app, client, followed_id, level=0, month=0)
    diagnose(app, client, followed_id, level=2, month=6)
    page = client.get(f"/accompaniment/cooperatives/{followed_id}/progress").text
    assert page.count("<polygon") >= 2 + 4  # rings and two diagnoses
    with app.app_context():
        session = app.extensions["db_session"]()
        entry, later = session.scalars(select(Diagnosis).where(
            Diagnosis.cooperative_id == followed_id).order_by(Diagnosis.month)).all()  # fmt: skip
        app.extensions["db_session"].remove()
    assert all(later.axis_scores[k] > entry.axis_scores[k] for k in entry.axis_scores)


def test_the_report_is_a_pdf_in_the_cooperatives_language(app, people):
    client = english(app)
    log_in_as(client, people["coach"])
    with app.app_context():
        session = app.extensions["db_session"]()
        diagnosis = session.scalars(
            select(Diagnosis).where(Diagnosis.completed_at.is_not(None))
        ).first()
        diagnosis_id, language = diagnosis.id, diagnosis.cooperative.language
        app.extensions["db_session"].remove()
    response = client.get(f"/accompaniment/diagnoses/{diagnosis_id}/report.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert language == "ar"


def test_enrolment_errors_are_shown_and_nothing_is_half_saved(app, people):
    client = english(app)
    log_in_as(client, people["coach"])
    too_many = client.post("/accompaniment/enrol", data={**ENROL, "name": "Coop A",
                                                         "women_count": "50"})  # fmt: skip
    assert too_many.status_code == 400 and "cannot outnumber" in too_many.text
    # the cooperative is valid but a leader has no account: the whole enrolment is undone
    unknown = client.post(
        "/accompaniment/enrol",
        data={**ENROL, "name": "Coop B", "leader_emails": "nobody@example.org"},
    )
    assert unknown.status_code == 400 and "No account has this e-mail address" in unknown.text
    missing = client.post("/accompaniment/enrol", data={**ENROL, "name": "", "sector": ""})
    assert missing.status_code == 400 and "Required without a marketplace profile" in missing.text
    with app.app_context():
        session = app.extensions["db_session"]()
        names = set(session.scalars(select(FollowedCooperative.name)))
        app.extensions["db_session"].remove()
    assert not names & {"Coop A", "Coop B"}


def test_a_leader_cannot_act_on_an_unpublished_action_nor_on_another_cooperative(app, people):
    client = english(app)
    followed_id = enrol(client, people, name="Coop Brouillon")
    diagnosis_id = diagnose(app, client, followed_id, level=1)
    client.post(f"/accompaniment/diagnoses/{diagnosis_id}/plan")
    with app.app_context():
        session = app.extensions["db_session"]()
        action_id = session.scalar(select(PlanAction.id).where(
            PlanAction.cooperative_id == followed_id))  # fmt: skip
        app.extensions["db_session"].remove()
    leader = english(app)
    log_in_as(leader, people["leader"])
    draft = leader.post(f"/accompaniment/actions/{action_id}/status", data={"status": "done"})
    assert draft.status_code == 404  # a draft plan does not exist for the leaders
    log_in_as(leader, people["stranger"])
    client.post(f"/accompaniment/cooperatives/{followed_id}/publish")
    other = leader.post(f"/accompaniment/actions/{action_id}/status", data={"status": "done"})
    assert other.status_code == 403
    with app.app_context():
        session = app.extensions["db_session"]()
        assert session.get(PlanAction, action_id).status == "planned"
        app.extensions["db_session"].remove()


def test_the_list_of_cooperatives_comes_in_pages(app, people, monkeypatch):
    from accompaniment import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    admin = english(app)
    log_in_as(admin, people["admin"])
    first = admin.get("/accompaniment/").text
    second = admin.get("/accompaniment/?page=2").text
    assert 'rel="next"' in first and 'rel="prev"' in second
    rows = [page.count("<tr><td>") for page in (first, second)]
    assert rows == [2, 2]
    assert admin.get("/accompaniment/?page=abc").status_code == 200


def test_a_cooperative_with_a_marketplace_profile_is_enrolled_from_it(app, people):
    from market.models import Cooperative, Membership

    with app.app_context():
        session = app.extensions["db_session"]()
        profile = Cooperative(name="Coop Argan Tafraout", region="souss-massa", members_count=12,
                              women_count=9, youth_count=3, year_founded=2022)  # fmt: skip
        session.add(profile)
        session.flush()
        session.add(Membership(cooperative_id=profile.id, user_id=people["stranger"].id,
                               role="owner"))  # fmt: skip
        session.commit()
        market_id = profile.id
        app.extensions["db_session"].remove()
    client = english(app)
    form = {**ENROL, "market_cooperative_id": str(market_id), "name": "", "region": "",
            "members_count": "", "women_count": "", "youth_count": ""}  # fmt: skip
    followed_id = enrol(client, people, **form)
    with app.app_context():
        session = app.extensions["db_session"]()
        coop = session.get(FollowedCooperative, followed_id)
        copied = (coop.name, coop.region, coop.members_count, coop.women_count,
                  coop.year_registered, coop.market_cooperative_id)  # fmt: skip
        app.extensions["db_session"].remove()
    assert copied == ("Coop Argan Tafraout", "souss-massa", 12, 9, 2022, market_id)
    # the profile's owner leads the followed cooperative: it sees its page
    log_in_as(client, people["stranger"])
    assert client.get(f"/accompaniment/cooperatives/{followed_id}").status_code == 200
