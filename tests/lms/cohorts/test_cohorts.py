"""Accreditation, cohorts, joining by code and link, sessions and attendance."""

from __future__ import annotations

from lms.cohorts import services
from lms.xapi.vocabulary import VERBS
from tests.lms.cohorts.helpers import accredit, create_cohort, database, join, login
from xapi_store.models import Statement


def verbs(app):
    with database(app) as db:
        return [row.data["verb"]["id"] for row in db.query(Statement).order_by(Statement.seq)]


def statements(app, verb_key):
    with database(app) as db:
        rows = db.query(Statement).order_by(Statement.seq)
        return [row.data for row in rows if row.data["verb"]["id"] == VERBS[verb_key][0]]


def test_admin_accredits_and_withdraws_with_statements(client, make_user, app):
    admin, trainer = make_user("admin"), make_user("trainer", display_name="Fatima Trainer")
    accredit(client, admin, trainer)
    page = client.get("/accreditations").get_data(as_text=True)
    assert "Fatima Trainer" in page and "Accrédité" in page
    assert VERBS["accredited"][0] in verbs(app)
    with database(app) as db:
        row = services.active_accreditation(db, trainer, "think-coop").id
    response = client.post(f"/accreditations/{row}/withdraw", data={"reason": "Retrait test"})
    assert response.status_code == 302
    assert VERBS["unaccredited"][0] in verbs(app)
    with database(app) as db:
        assert not services.is_accredited(db, trainer, "think-coop")


def test_accreditation_form_explains_errors(client, make_user):
    admin, learner = make_user("admin"), make_user("learner")
    login(client, admin)
    response = client.post(
        "/accreditations", data={"trainer_email": "nobody@example.org", "course_id": "think-coop"}
    )
    assert response.status_code == 400
    assert "Aucun compte" in response.get_data(as_text=True)
    response = client.post(
        "/accreditations", data={"trainer_email": learner.email, "course_id": "think-coop"}
    )
    assert response.status_code == 400
    assert "formateur" in response.get_data(as_text=True)


def test_cohort_form_explains_errors(client, make_user):
    login(client, make_user("trainer"))
    response = client.post(
        "/cohorts/new", data={"name": "", "starts_on": "2026-11-10", "ends_on": "2026-11-01"}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "error-summary" in page and "ne peut pas" in page


def test_learner_joins_with_code_and_link_and_sees_clear_message_for_bad_code(
    client, make_user, app
):
    trainer, learner = make_user("trainer"), make_user("learner")
    cohort_id, code = create_cohort(client, trainer)
    login(client, learner)
    response = client.post("/join", data={"code": "zz-zz-zz"})
    assert response.status_code == 400
    assert "Aucune cohorte" in response.get_data(as_text=True)
    assert client.get("/join/BADCODE").status_code == 404
    # a code typed in lower case with spaces still works
    typed = f"{code[:3].lower()} {code[3:].lower()}"
    response = client.post("/join", data={"code": typed})
    assert response.headers["Location"].endswith(f"/join/{code}")
    join(client, learner, code)
    with database(app) as db:
        assert services.membership(db, services.find_by_code(db, code), learner)
    assert VERBS["joined"][0] in verbs(app)


def test_join_code_has_no_ambiguous_characters(app):
    with database(app) as db:
        codes = {services.new_code(db) for _ in range(50)}
    assert all(len(c) == 6 and not set(c) & set("O0I1L5S2Z8B") for c in codes)


def test_qr_code_is_svg_with_alt_text(client, make_user):
    trainer = make_user("trainer")
    cohort_id, code = create_cohort(client, trainer)
    page = client.get(f"/cohorts/{cohort_id}").get_data(as_text=True)
    assert f'src="/cohorts/{cohort_id}/qr.svg"' in page and 'alt="QR code' not in page
    assert "Code QR" in page
    response = client.get(f"/cohorts/{cohort_id}/qr.svg")
    assert response.mimetype == "image/svg+xml" and b"<svg" in response.data


def test_trainer_cannot_open_another_trainers_cohort(client, make_user):
    owner, other = make_user("trainer"), make_user("trainer")
    cohort_id, _code = create_cohort(client, owner)
    login(client, other)
    assert client.get(f"/cohorts/{cohort_id}").status_code == 403
    assert client.get(f"/cohorts/{cohort_id}/qr.svg").status_code == 403
    assert client.post(f"/cohorts/{cohort_id}/sessions", data={}).status_code == 403
    assert client.get(f"/cohorts/{cohort_id}/certification").status_code == 403
    assert "Cohorte Agadir" not in client.get("/cohorts").get_data(as_text=True)
    login(client, make_user("admin"))
    assert client.get(f"/cohorts/{cohort_id}").status_code == 200


def test_trainer_adds_and_removes_learners(client, make_user, app):
    trainer, learner = make_user("trainer"), make_user("learner", display_name="Aicha L")
    cohort_id, _code = create_cohort(client, trainer)
    response = client.post(f"/cohorts/{cohort_id}/members", data={"email": learner.email})
    assert response.status_code == 302
    assert "<td><bdi>Aicha L</bdi></td>" in client.get(f"/cohorts/{cohort_id}").get_data(
        as_text=True
    )
    again = client.post(f"/cohorts/{cohort_id}/members", data={"email": learner.email})
    assert again.status_code == 303
    response = client.post(f"/cohorts/{cohort_id}/members/{learner.public_id}/remove")
    assert response.status_code == 302
    assert "<td><bdi>Aicha L</bdi></td>" not in client.get(f"/cohorts/{cohort_id}").get_data(
        as_text=True
    )


def test_attendance_checklist_records_attended_statements(client, make_user, app):
    trainer = make_user("trainer")
    here, away = make_user("learner", display_name="Here"), make_user("learner")
    cohort_id, code = create_cohort(client, trainer)
    for learner in (here, away):
        join(client, learner, code)
    login(client, trainer)
    response = client.post(
        f"/cohorts/{cohort_id}/sessions",
        data={"held_on": "2026-11-05", "module": "think-coop/what-is-a-cooperative"},
    )
    assert response.status_code == 302
    attendance_url = response.headers["Location"]
    page = client.get(attendance_url).get_data(as_text=True)
    assert 'type="checkbox" name="present"' in page and "Here" in page
    before = verbs(app).count(VERBS["attended"][0])
    response = client.post(attendance_url, data={"present": [str(here.id)]})
    assert response.status_code == 302
    attended = statements(app, "attended")
    assert len(attended) == before + 1
    assert attended[-1]["actor"]["account"]["name"] == here.public_id
    assert attended[-1]["object"]["definition"]["type"].endswith("/meeting")
    # saving the same list again records nothing new
    client.post(attendance_url, data={"present": [str(here.id)]})
    assert verbs(app).count(VERBS["attended"][0]) == before + 1


def test_session_form_rejects_a_module_outside_the_cohort(client, make_user):
    trainer = make_user("trainer")
    cohort_id, _code = create_cohort(client, trainer)
    response = client.post(
        f"/cohorts/{cohort_id}/sessions", data={"held_on": "2026-11-05", "module": "my-coop/basics"}
    )
    assert response.status_code == 400
    assert "error-summary" in response.get_data(as_text=True)


def test_facilitator_guide_and_handout(client, make_user):
    login(client, make_user("trainer"))
    page = client.get("/facilitator/think-coop/what-is-a-cooperative").get_data(as_text=True)
    assert "Le fagot de bâtons" in page and "Préparer" in page
    response = client.get("/facilitator/think-coop/what-is-a-cooperative/handout.pdf")
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    assert client.get("/facilitator/think-coop/nothing").status_code == 404
    login(client, make_user("learner"))
    assert client.get("/facilitator/think-coop/what-is-a-cooperative").status_code == 403


def test_my_space_lists_the_learners_cohorts_and_offers_to_join(client, make_user):
    trainer, learner, other = make_user("trainer"), make_user("learner"), make_user("learner")
    _cohort_id, code = create_cohort(client, trainer, name="Cohorte Ouarzazate")
    join(client, learner, code)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Cohorte Ouarzazate" in page and "Penser coopérative" in page
    login(client, other)
    assert "/join" in client.get("/dashboard").get_data(as_text=True)
    login(client, trainer)
    assert "Cohorte Ouarzazate" in client.get("/dashboard").get_data(as_text=True)


def test_handout_text_keeps_numbered_steps_and_picture_descriptions():
    from lms.pdf import plain

    html = (
        '<p><img alt="A press" src="x.svg"></p>'
        "<ol><li>Take</li><li>Tie</li></ol><ul><li>Talk</li></ul>"
    )
    assert plain(html) == ["[A press]", "1. Take", "2. Tie", "• Talk"]


def test_seed_demo_accredits_the_demo_trainer_and_makes_a_cohort_once(app, runner):
    for _ in range(2):
        result = runner.invoke(args=["seed-demo"])
        assert result.exit_code == 0 and "demo cohort" in result.output, result.output
    from lms.auth.services import find_by_email
    from lms.cohorts.models import Cohort

    with database(app) as db:
        trainer = find_by_email(db, "trainer@example.org")
        assert set(services.accredited_courses(db, trainer)) == {
            "think-coop",
            "start-coop",
            "my-coop",
        }
        cohorts = db.query(Cohort).filter_by(trainer_id=trainer.id).all()
        assert len(cohorts) == 1 and len(cohorts[0].members) == 1


def test_everyone_is_here_marks_the_whole_cohort_in_one_tap(client, make_user, app):
    trainer = make_user("trainer")
    learners = [make_user("learner") for _ in range(3)]
    cohort_id, code = create_cohort(client, trainer)
    for learner in learners:
        join(client, learner, code)
    login(client, trainer)
    client.set_cookie("lang", "en")
    attendance_url = client.post(
        f"/cohorts/{cohort_id}/sessions",
        data={"held_on": "2026-11-06", "module": "think-coop/what-is-a-cooperative"},
    ).headers["Location"]
    assert "Everyone is here" in client.get(attendance_url).text
    before = verbs(app).count(VERBS["attended"][0])
    response = client.post(attendance_url, data={"everyone": "1"}, follow_redirects=True)
    assert "Attendance saved: 3 present." in response.text
    assert response.text.count("checked") == 3
    assert verbs(app).count(VERBS["attended"][0]) == before + 3
