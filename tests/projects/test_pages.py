"""The project bank through the browser's eyes: forms, rules per role and object, list, showcase."""

from __future__ import annotations

import csv
import io

from lms.xapi import recorder
from projects.models import Project
from tests.projects.conftest import COMPLETE_FIELDS


def _form(**overrides):
    data = {key: value for key, value in COMPLETE_FIELDS.items() if key != "funding_sources"}
    data["funding_needed"] = "150000"
    data["funding_sources"] = ["member-shares", "indh"]
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_the_form_stays_closed_until_start_coop_is_completed(client, auth, make_user):
    auth.login(make_user("learner"))
    page = client.get("/projects/new")
    assert page.status_code == 200
    assert "Start a cooperative" in page.get_data(as_text=True) or "Créer une coopérative" in (
        page.get_data(as_text=True)
    )
    assert 'name="members_count"' not in page.get_data(as_text=True)
    refused = client.post("/projects/new", data=_form())
    assert refused.status_code == 403


def test_a_draft_can_be_saved_half_filled(app, client, auth, holder, load):
    auth.login(holder)
    response = client.post("/projects/new", data={"name": "Miel de l'Atlas", "action": "save"})
    assert response.status_code == 303
    project_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        project = load(project_id)
        assert (project.name, project.state, project.holder_id) == ("Miel de l'Atlas", "draft",
                                                                   holder.id)  # fmt: skip
        assert project.sector is None and project.funding_needed is None
    page = client.get(f"/projects/{project_id}").get_data(as_text=True)
    assert "Marché et clients" in page  # the missing parts are named on the project page


def test_submitting_an_incomplete_project_names_what_is_missing_and_saves_nothing(
    app, client, auth, holder
):
    auth.login(holder)
    with app.app_context():
        before = app.extensions["db_session"]().query(Project).count()
    response = client.post("/projects/new", data={"name": "Tapis de Taznakht", "action": "submit"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for part in ("Secteur", "Région", "Marché et clients", "Financement nécessaire (MAD)"):
        assert f"Manquant : {part}." in page
    with app.app_context():
        assert app.extensions["db_session"]().query(Project).count() == before


def test_more_women_than_members_is_refused_clearly(app, client, auth, holder):
    auth.login(holder)
    response = client.post(
        "/projects/new", data=_form(members_count="4", members_women="6", members_youth="5")
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Il ne peut pas y avoir plus de femmes que de membres fondateurs." in page
    assert "Il ne peut pas y avoir plus de moins de 35 ans que de membres fondateurs." in page
    bad_number = client.post("/projects/new", data=_form(funding_needed="-5", members_count="x"))
    assert bad_number.status_code == 422


def test_a_complete_project_is_submitted_and_the_holder_follows_it(app, client, auth, holder,
                                                                   load):  # fmt: skip
    auth.login(holder)
    response = client.post("/projects/new", data=_form(action="submit", name="Argan Tamanar"))
    assert response.status_code == 303
    project_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        project = load(project_id)
        assert project.state == "submitted"
        assert project.funding_sources == ["member-shares", "indh"]
        assert str(project.funding_needed) == "150000.00"
        verbs = [s["verb"]["id"].rsplit("/", 1)[1] for s in recorder.statements(
            activity_id=f"http://taawun.test/projects/{project_id}")]  # fmt: skip
    assert verbs == ["create", "submit"]
    page = client.get(f"/projects/{project_id}").get_data(as_text=True)
    assert "Soumis" in page and "Brouillon → Soumis" in page
    # Submitted: the holder can no longer change it.
    assert client.get(f"/projects/{project_id}/edit").status_code == 403
    assert client.post(f"/projects/{project_id}/edit", data=_form()).status_code == 403


def test_holders_see_only_their_own_projects(client, auth, holder, make_user, make_project):
    other = make_user("learner")
    theirs = make_project(other, state="changes_requested")
    auth.login(holder)
    assert client.get(f"/projects/{theirs}").status_code == 404
    assert client.get(f"/projects/{theirs}/edit").status_code == 404
    assert client.post(f"/projects/{theirs}/state", data={"target": "resubmitted"}).status_code == (
        404
    )
    assert client.post(f"/projects/{theirs}/comments", data={"body": "Hi"}).status_code == 404


def test_reviewers_see_submitted_projects_but_never_drafts(client, auth, holder, make_user,
                                                           make_project):  # fmt: skip
    draft = make_project(holder, name="Brouillon secret")
    submitted = make_project(holder, name="Projet soumis", state="submitted")
    for role in ("coach", "admin"):
        auth.login(make_user(role))
        assert client.get(f"/projects/{draft}").status_code == 404
        assert client.get(f"/projects/{submitted}").status_code == 200
        listing = client.get("/projects/review").get_data(as_text=True)
        assert "Projet soumis" in listing and "Brouillon secret" not in listing
    auth.login(make_user("trainer"))
    assert client.get(f"/projects/{submitted}").status_code == 404
    assert client.get("/projects/review").status_code == 403


def test_coach_asks_for_changes_and_the_holder_answers_and_resubmits(app, client, auth, holder,
                                                                     make_user, make_project,
                                                                     load):  # fmt: skip
    project_id = make_project(holder, state="under_review")
    coach = make_user("coach", display_name="Coach Amina")
    auth.login(coach)
    no_reason = client.post(f"/projects/{project_id}/state", data={"target": "changes_requested"})
    assert no_reason.status_code == 422
    assert "Donnez une raison" in no_reason.get_data(as_text=True)
    ask = {"target": "changes_requested", "reason": "Précisez vos prix."}
    asked = client.post(f"/projects/{project_id}/state", data=ask)
    assert asked.status_code == 303
    auth.login(holder)
    page = client.get(f"/projects/{project_id}").get_data(as_text=True)
    assert "Précisez vos prix." in page and "Coach Amina" in page
    answer = {"body": "Prix ajoutés : 120 MAD le litre."}
    assert client.post(f"/projects/{project_id}/comments", data=answer).status_code == 303
    assert client.post(f"/projects/{project_id}/edit",
                       data=_form(market="Touristes, 120 MAD le litre.", action="submit"))  \
        .status_code == 303  # fmt: skip
    with app.app_context():
        project = load(project_id)
        assert project.state == "resubmitted"
        assert [(c.from_state, c.to_state) for c in project.history] == [
            ("under_review", "changes_requested"),
            ("changes_requested", "resubmitted"),
        ]
        assert project.comments[0].body == "Prix ajoutés : 120 MAD le litre."


def test_rubric_scores_from_several_coaches_are_averaged(app, client, auth, holder, make_user,
                                                         make_project):  # fmt: skip
    project_id = make_project(holder, state="under_review")
    first, second = make_user("coach", display_name="Coach A"), make_user("admin")
    auth.login(first)
    scores = {"score_viability": 4, "score_commitment": 5, "score_market": 3, "score_impact": 4,
              "score_inclusion": 5}  # fmt: skip
    assert client.post(f"/projects/{project_id}/review",
                       data={**scores, "comment": "Solide."}).status_code == 303  # fmt: skip
    # Saving again replaces the coach's own review rather than adding a second one.
    assert client.post(f"/projects/{project_id}/review",
                       data={**scores, "score_market": 4}).status_code == 303  # fmt: skip
    incomplete = client.post(f"/projects/{project_id}/review", data={"score_viability": 6})
    assert incomplete.status_code == 400
    auth.login(second)
    low = {key: 2 for key in scores}
    assert client.post(f"/projects/{project_id}/review", data=low).status_code == 303
    page = client.get(f"/projects/{project_id}").get_data(as_text=True)
    # (4+5+4+4+5 + 2*5) / 10 = 3.2
    assert "Moyenne : 3,2 / 5 sur 2 évaluation(s)." in page
    with app.app_context():
        from projects import services

        project = app.extensions["db_session"]().get(Project, project_id)
        summary = services.review_summary(project)
        assert summary["criteria"] == {"viability": 3.0, "commitment": 3.5, "market": 3.0,
                                       "impact": 3.0, "inclusion": 3.5}  # fmt: skip
        reviewed = list(recorder.statements(verb_key="reviewed",
                                            activity_id=services.project_iri(project)))  # fmt: skip
    assert [s["result"]["score"]["raw"] for s in reviewed] == [4.2, 4.4, 2.0]
    # The holder is not a reviewer: no rubric for them.
    auth.login(holder)
    assert client.post(f"/projects/{project_id}/review", data=low).status_code == 403


def test_only_incubated_projects_get_a_coach(app, client, auth, holder, make_user, make_project,
                                            load):  # fmt: skip
    qualified = make_project(holder, state="qualified")
    incubated = make_project(holder, state="incubated")
    admin, coach = make_user("admin"), make_user("coach", display_name="Coach Said")
    auth.login(admin)
    assert client.post(f"/projects/{qualified}/coach",
                       data={"coach": coach.public_id}).status_code == 403  # fmt: skip
    assert client.post(f"/projects/{incubated}/coach",
                       data={"coach": admin.public_id}).status_code == 400  # fmt: skip
    assert client.post(f"/projects/{incubated}/coach",
                       data={"coach": coach.public_id}).status_code == 303  # fmt: skip
    with app.app_context():
        assert load(incubated).coach_id == coach.id


def test_the_review_list_filters_and_exports_csv(client, auth, make_user, make_project):
    someone = make_user("learner")
    make_project(
        someone,
        state="submitted",
        name="=Filtre Alpha",
        sector="honey",
        region="oriental",
        funding_needed=50000,
        members_count=10,
        members_women=8,
    )
    make_project(
        someone,
        state="qualified",
        name="Filtre Beta",
        sector="honey",
        region="oriental",
        funding_needed=400000,
        members_count=10,
        members_women=2,
    )
    make_project(someone, state="submitted", name="Filtre Gamma", sector="textiles",
                 region="fes-meknes", funding_needed=90000)  # fmt: skip
    auth.login(make_user("coach"))

    def names(query):
        page = client.get("/projects/review?" + query).get_data(as_text=True)
        return {n for n in ("Filtre Alpha", "Filtre Beta", "Filtre Gamma") if n in page}

    assert names("sector=honey") == {"Filtre Alpha", "Filtre Beta"}
    assert names("region=fes-meknes") == {"Filtre Gamma"}
    assert names("state=qualified&sector=honey") == {"Filtre Beta"}
    assert names("sector=honey&funding_min=100000") == {"Filtre Beta"}
    assert names("sector=honey&funding_max=100000") == {"Filtre Alpha"}
    assert names("sector=honey&women_min=50") == {"Filtre Alpha"}
    assert names("sector=nonsense&women_min=abc") == {"Filtre Alpha", "Filtre Beta",
                                                       "Filtre Gamma"}  # fmt: skip
    export = client.get("/projects/review.csv?sector=honey")
    assert export.status_code == 200
    assert export.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["Numéro", "Nom", "État"]
    by_name = {row[1]: row for row in rows[1:]}
    assert set(by_name) == {"'=Filtre Alpha", "Filtre Beta"}  # a formula is never a formula
    assert by_name["Filtre Beta"][9] == "20"  # women (%)


def test_the_showcase_shows_only_consenting_qualified_projects_and_only_public_fields(
    client, make_user, make_project
):
    someone = make_user("learner")
    make_project(someone, state="qualified", name="Vitrine Oui", publish_consent=True,
                 resources="Secret : le local de mon oncle")  # fmt: skip
    make_project(someone, state="launched", name="Vitrine Lancée", publish_consent=True,
                 region="oriental")  # fmt: skip
    make_project(someone, state="qualified", name="Vitrine Non", publish_consent=False)
    make_project(someone, state="under_review", name="Vitrine Pas Encore", publish_consent=True)
    page = client.get("/projects/showcase").get_data(as_text=True)
    assert "Vitrine Oui" in page and "Vitrine Lancée" in page
    assert "Vitrine Non" not in page and "Vitrine Pas Encore" not in page
    regional = client.get("/projects/showcase?region=oriental").get_data(as_text=True)
    assert "Vitrine Lancée" in regional and "Vitrine Oui" not in regional
    by_sector = client.get("/projects/showcase?sector=textiles").get_data(as_text=True)
    assert "Vitrine Oui" not in by_sector and "Vitrine Lancée" not in by_sector
    with client.application.app_context():
        session = client.application.extensions["db_session"]()
        published = session.query(Project).filter_by(name="Vitrine Oui").one()
        hidden = session.query(Project).filter_by(name="Vitrine Non").one()
    detail = client.get(f"/projects/showcase/{published.id}").get_data(as_text=True)
    assert "Presser l'huile ensemble" in detail
    assert "le local de mon oncle" not in detail and "Fatima" not in detail
    assert client.get(f"/projects/showcase/{hidden.id}").status_code == 404


def test_launched_projects_are_offered_to_the_marketplace_as_plain_dicts(
    app, make_user, make_project
):
    from lms.plugins import registry

    founder = make_user("learner")
    make_project(founder, state="incubated", name="Pas encore")
    launched = make_project(founder, state="launched", name="Coopérative Nour",
                            registration_number="RC-2026-88")  # fmt: skip
    with app.test_request_context():
        session = app.extensions["db_session"]()
        from lms.auth.models import User

        offered = registry(app).service("projects.launched_for_user")(session.get(User, founder.id))
    assert offered == [{
        "project_id": launched, "name": "Coopérative Nour", "registration_number": "RC-2026-88",
        "registration_date": "2026-05-04", "region": "souss-massa", "commune": "Tamanar",
        "sector": "argan", "members": 7, "women": 5, "youth": 3,
        "summary": "Presser l'huile ensemble et la vendre en bouteilles.",
        "products": "Huile d'argan cosmétique et alimentaire.",
    }]  # fmt: skip


def test_the_learning_path_and_dashboard_follow_the_projects(client, auth, holder, make_user,
                                                            make_project):  # fmt: skip
    newcomer = make_user("learner")
    auth.login(newcomer)
    path = client.get("/path").get_data(as_text=True)
    assert (
        "S&#39;ouvre quand vous avez terminé" in path or "S'ouvre quand vous avez terminé" in path
    )
    assert "Banque de projets" not in client.get("/dashboard").get_data(as_text=True).split(
        'id="main"')[-1]  # fmt: skip

    auth.login(holder)
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert '<section class="panel" aria-labelledby="projects-card-title">' in dashboard
    assert "Présenter un nouveau projet" in dashboard
    make_project(holder, state="qualified", name="Projet Retenu")
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "Projet Retenu" in dashboard and "Retenu" in dashboard

    make_project(make_user("learner"), state="submitted")
    auth.login(make_user("coach"))
    waiting = client.get("/dashboard").get_data(as_text=True)
    assert "attend une évaluation" in waiting or "attendent une évaluation" in waiting


def test_amounts_are_read_as_people_type_them(app, client, auth, holder, load):
    auth.login(holder)
    for typed, stored in (("150 000", "150000.00"), ("85000,50", "85000.50")):
        response = client.post("/projects/new", data=_form(funding_needed=typed, action="save"))
        assert response.status_code == 303
        with app.app_context():
            project = load(int(response.headers["Location"].rsplit("/", 1)[1]))
            assert str(project.funding_needed) == stored


def test_a_coach_can_list_only_the_projects_they_coach(client, auth, make_user, make_project):
    coach = make_user("coach")
    someone = make_user("learner")
    make_project(someone, state="incubated", name="Suivi par moi", coach=coach)
    make_project(someone, state="incubated", name="Suivi par un autre", coach=make_user("coach"))
    auth.login(coach)
    page = client.get("/projects/review?mine=1").get_data(as_text=True)
    assert "Suivi par moi" in page and "Suivi par un autre" not in page
    page = client.get("/projects/review").get_data(as_text=True)
    assert "Suivi par moi" in page and "Suivi par un autre" in page


def test_long_lists_come_in_pages_that_keep_the_filters(client, auth, make_user, make_project):
    someone = make_user("learner")
    for number in range(30):
        make_project(someone, state="qualified", name=f"Page Projet {number:02d}",
                     publish_consent=True, sector="tourism", region="draa-tafilalet")  # fmt: skip
    first = client.get("/projects/showcase?sector=tourism").get_data(as_text=True)
    assert "Page Projet 00" in first and "Page Projet 24" not in first
    assert "Page 1 sur 2" in first
    assert 'href="/projects/showcase?sector=tourism&amp;page=2"' in first
    second = client.get("/projects/showcase?sector=tourism&page=2").get_data(as_text=True)
    assert "Page Projet 24" in second and "Page Projet 29" in second
    assert "Page Projet 00" not in second
    assert client.get("/projects/showcase?page=999").status_code == 200
    assert client.get("/projects/showcase?page=abc").status_code == 200


def test_the_holder_can_withdraw_from_the_showcase_at_any_time(
    app, client, auth, holder, make_user, make_project, load
):
    project_id = make_project(
        holder, state="launched", name="Retrait Vitrine", publish_consent=True
    )
    assert "Retrait Vitrine" in client.get("/projects/showcase?q=retrait").get_data(as_text=True)
    auth.login(make_user("admin"))
    assert client.post(f"/projects/{project_id}/publication", data={"publish": "no"}).status_code \
        == 403  # fmt: skip
    auth.login(holder)
    assert client.post(f"/projects/{project_id}/publication", data={"publish": "no"}).status_code \
        == 303  # fmt: skip
    with app.app_context():
        assert load(project_id).publish_consent is False
    auth.logout()
    hidden = client.get("/projects/showcase?q=retrait").get_data(as_text=True)
    assert "Retrait Vitrine" not in hidden
    assert client.get(f"/projects/showcase/{project_id}").status_code == 404
