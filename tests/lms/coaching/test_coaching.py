"""Coach assignments, dashboards, needs-help rules, question analysis, timeline, coaching log."""

from __future__ import annotations

import csv
import html
import io
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from lms.coaching.sentences import sentence
from lms.xapi.vocabulary import ACTIVITY_TYPES, VERBS
from tests.lms.cohorts.helpers import complete_course, create_cohort, database, join, login
from xapi_store.models import Statement


def learner_action(app, learner, act, course_id="think-coop"):
    """Run `act(session, learner, course, courses_services)` as the course player would."""
    from lms.courses import services as courses

    with app.test_request_context():
        session = app.extensions["db_session"]()
        act(session, learner, courses.get_course(session, course_id), courses)
        session.commit()
        app.extensions["db_session"].remove()


def assign(client, admin, coach, cohort_id=None, learner=None):
    login(client, admin)
    data = {"coach_email": coach.email, "cohort_id": str(cohort_id or "")}
    if learner is not None:
        data["learner_email"] = learner.email
    return client.post("/coach/assignments", data=data)


def setup_cohort(client, make_user, app, learners=3):
    admin, trainer, coach = make_user("admin"), make_user("trainer"), make_user("coach")
    cohort_id, code = create_cohort(client, trainer)
    people = [
        make_user(
            "learner",
            display_name=f"Learner {i}",
            gender="female" if i % 2 else "male",
            birth_year=2000 if i % 2 else 1970,
        )
        for i in range(learners)
    ]
    for person in people:
        join(client, person, code)
    assert assign(client, admin, coach, cohort_id).status_code == 302
    return admin, trainer, coach, cohort_id, people


def test_assignment_form_explains_errors(client, make_user):
    admin, learner = make_user("admin"), make_user("learner")
    response = assign(client, admin, learner)
    assert response.status_code == 400 and "error-summary" in response.get_data(as_text=True)
    response = assign(client, admin, make_user("coach"), learner=None)
    assert "Choisissez une cohorte" in response.get_data(as_text=True)


def test_coach_sees_only_assigned_cohorts_and_learners(client, make_user, app):
    admin, trainer, coach, cohort_id, people = setup_cohort(client, make_user, app)
    other_coach = make_user("coach")
    login(client, coach)
    assert client.get(f"/coach/cohorts/{cohort_id}").status_code == 200
    assert client.get(f"/coach/learners/{people[0].public_id}").status_code == 200
    login(client, other_coach)
    assert client.get(f"/coach/cohorts/{cohort_id}").status_code == 403
    assert client.get(f"/coach/cohorts/{cohort_id}/progress.csv").status_code == 403
    assert client.get(f"/coach/learners/{people[0].public_id}").status_code == 403
    # a learner assigned one by one
    assign(client, admin, other_coach, learner=people[1])
    login(client, other_coach)
    assert client.get(f"/coach/learners/{people[1].public_id}").status_code == 200
    assert client.get(f"/coach/learners/{people[0].public_id}").status_code == 403
    # the trainer sees their own cohort; another trainer does not
    login(client, trainer)
    assert client.get(f"/coach/cohorts/{cohort_id}").status_code == 200
    login(client, make_user("trainer"))
    assert client.get(f"/coach/cohorts/{cohort_id}").status_code == 403
    login(client, people[0])
    assert client.get(f"/coach/learners/{people[1].public_id}").status_code == 403


def test_dashboard_grid_figures_and_needs_help(client, make_user, app):
    admin, trainer, coach, cohort_id, people = setup_cohort(client, make_user, app, learners=4)
    done, failing, stuck, idle = people
    complete_course(app, done)

    def fail_twice(session, learner, course, courses):
        module = course.modules[0]
        for page in module.pages:
            courses.page_viewed(session, learner, course, module, page, "fr")
        for attempt in (1, 2):
            courses.quiz_finished(session, learner, course, module, 0, 5, attempt, "fr")

    def read_again_and_again(session, learner, course, courses):
        module = course.modules[1]
        for _ in range(3):
            courses.page_viewed(session, learner, course, module, module.pages[0], "fr")

    learner_action(app, failing, fail_twice)
    learner_action(app, stuck, read_again_and_again)
    login(client, coach)
    page = html.unescape(client.get(f"/coach/cohorts/{cohort_id}").get_data(as_text=True))
    assert "✔ terminé" in page and "✘ quiz échoué" in page and "○ pas commencé" in page
    assert "◐ en cours (1/" in page
    assert "a échoué 2 fois au quiz" in page
    assert "a ouvert 3 fois la même page" in page
    assert "n'a pas encore commencé" in page
    assert page.count("⚠") == 3  # the learner who finished needs no help
    assert "<svg" in page and "<title" in page
    figures = client.get(f"/coach/cohorts/{cohort_id}/figures.csv").get_data(as_text=True)
    rows = dict(csv.reader(io.StringIO(figures.lstrip("\ufeff"))))
    assert rows["Inscrits"] == "4" and rows["Terminé"] == "1" and rows["Femmes (%)"] == "50"
    progress = client.get(f"/coach/cohorts/{cohort_id}/progress.csv").get_data(as_text=True)
    assert "Learner 0" in progress and "✔ terminé" in progress
    assert client.get(f"/coach/cohorts/{cohort_id}/nothing.csv").status_code == 404
    assert client.get(f"/coach/cohorts/{cohort_id}?page=2").status_code == 404  # one page


def test_question_analysis_ranks_the_questions_most_learners_miss(client, make_user, app):
    admin, trainer, coach, cohort_id, people = setup_cohort(client, make_user, app)

    def answer(right):
        def act(session, learner, course, courses):
            module = course.modules[0]
            first, second = module.quiz["questions"][:2]
            courses.question_answered(
                session, learner, course, module, first, "x", False, "a1", "fr"
            )
            courses.question_answered(
                session, learner, course, module, second, "y", right, "a1", "fr"
            )

        return act

    learner_action(app, people[0], answer(True))
    learner_action(app, people[1], answer(False))
    login(client, coach)
    text = client.get(f"/coach/cohorts/{cohort_id}/questions.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[1][2:] == ["2", "2", "100"] and rows[2][2:] == ["2", "1", "50"]


def test_timeline_sentences_in_each_language(app):
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    stmt = {
        "verb": {"id": VERBS["passed"][0]},
        "object": {
            "id": "http://taawun.test/courses/think-coop/modules/values/quiz",
            "definition": {
                "type": ACTIVITY_TYPES["assessment"],
                "name": {
                    "fr": "Valeurs et principes",
                    "en": "Values and principles",
                    "ar": "القيم والمبادئ",
                },
            },
        },
        "result": {"score": {"scaled": 0.8}},
        "timestamp": (now - timedelta(days=2)).isoformat(),
    }
    with app.test_request_context():
        from flask_babel import force_locale

        with force_locale("fr"):
            fr = sentence(stmt, now, "fr")
        with force_locale("en"):
            en = sentence(stmt, now, "en")
        with force_locale("ar"):
            ar = sentence(stmt, now, "ar")
            ar_page = sentence(stmt, now, "ar", html=True)
    assert fr == "a réussi le quiz « Valeurs et principes » avec 80\u00a0%, il y a 2 jours"
    assert en == "passed the quiz “Values and principles” with 80%, 2 days ago"
    assert ar.startswith("نجح في اختبار «القيم والمبادئ»") and "80" in ar and "يومين" in ar
    # on the page the quiz's name is isolated from the sentence around it
    assert ar_page.startswith("نجح في اختبار «<bdi>القيم والمبادئ</bdi>»")
    assert ar_page.replace("<bdi>", "").replace("</bdi>", "") == ar


def test_learner_page_shows_the_timeline(client, make_user, app):
    admin, trainer, coach, cohort_id, people = setup_cohort(client, make_user, app, learners=1)
    complete_course(app, people[0])
    login(client, coach)
    page = client.get(f"/coach/learners/{people[0].public_id}").get_data(as_text=True)
    assert "a achevé le cours « <bdi>Penser coopérative</bdi> »" in page
    assert "a réussi le quiz" in page and "a rejoint la cohorte « Cohorte Agadir »" not in page[:0]
    timeline = client.get(f"/coach/learners/{people[0].public_id}/timeline.csv")
    assert timeline.mimetype == "text/csv" and "a lu la page" in timeline.get_data(as_text=True)
    csv_text = timeline.get_data(as_text=True)
    assert "a achevé le cours « Penser coopérative »" in csv_text and "<bdi>" not in csv_text


def test_coaching_log_keeps_notes_private(client, make_user, app):
    admin, trainer, coach, cohort_id, people = setup_cohort(client, make_user, app, learners=1)
    person = people[0]
    login(client, coach)
    bad = client.post(
        "/coach/sessions/new",
        data={"held_on": "2026-11-20", "topic": "", "follow_up_on": "2026-11-01"},
    )
    assert bad.status_code == 400 and "error-summary" in bad.get_data(as_text=True)
    response = client.post(
        "/coach/sessions/new",
        data={
            "learner": person.public_id,
            "held_on": "2026-11-20",
            "topic": "Plan de financement",
            "notes": "Conflit familial sur le terrain",
            "next_steps": "Demander trois devis",
            "follow_up_on": "2026-12-04",
        },
    )
    assert response.status_code == 302
    with database(app) as db:
        last = db.query(Statement).order_by(Statement.seq.desc()).first().data
    assert last["verb"]["id"] == VERBS["coached"][0]
    assert "Conflit" not in str(last) and "devis" not in str(last)
    assert "Conflit familial" in client.get(f"/coach/learners/{person.public_id}").get_data(
        as_text=True
    )
    login(client, person)
    profile = client.get("/profile").get_data(as_text=True)
    assert "Demander trois devis" in profile and "Conflit" not in profile
    login(client, trainer)
    page = client.get(f"/coach/learners/{person.public_id}").get_data(as_text=True)
    assert "Demander trois devis" in page and "Conflit" not in page
    # a cooperative instead of a learner
    login(client, coach)
    response = client.post(
        "/coach/sessions/new",
        data={"cooperative": "Coopérative Tifaout", "held_on": "2026-11-21", "topic": "AG"},
    )
    assert response.status_code == 302
    log = client.get("/coach/sessions.csv").get_data(as_text=True)
    assert "Coopérative Tifaout" in log and "Conflit familial" in log


def test_coach_cannot_log_a_session_for_a_learner_not_assigned(client, make_user, app):
    coach, stranger = make_user("coach"), make_user("learner")
    login(client, coach)
    response = client.post(
        "/coach/sessions/new",
        data={"learner": stranger.public_id, "held_on": "2026-11-20", "topic": "x"},
    )
    assert response.status_code == 400


def test_programme_view_and_csv(client, make_user, app):
    admin, trainer, coach, cohort_id, people = setup_cohort(client, make_user, app, learners=2)
    complete_course(app, people[0])
    login(client, admin)
    page = client.get("/programme")
    assert page.status_code == 200 and "Penser coopérative" in page.get_data(as_text=True)
    courses = client.get("/programme/courses.csv").get_data(as_text=True)
    rows = {r[0]: r for r in csv.reader(io.StringIO(courses.lstrip("\ufeff")))}
    assert int(rows["Penser coopérative"][1]) >= 1 and int(rows["Penser coopérative"][4]) >= 1
    assert client.get("/programme/regions.csv").status_code == 200
    assert client.get("/programme/months.csv").status_code == 200
    assert client.get("/programme/other.csv").status_code == 404
    login(client, coach)
    assert client.get("/programme").status_code == 403


def _page_views(app, learner) -> list[int]:
    from lms.coaching.models import PageViewTally

    with app.app_context():
        session = app.extensions["db_session"]()
        views = session.scalars(
            select(PageViewTally.views).where(PageViewTally.user_id == learner.id)
        ).all()
        app.extensions["db_session"].remove()
    return list(views)


def reading(times: int):
    """A learner action: open the first page of the first module `times` times."""

    def act(session, person, course, courses):
        module = course.modules[0]
        for _ in range(times):
            courses.page_viewed(session, person, course, module, module.pages[0], "fr")

    return act


def test_tallies_count_each_statement_once_as_soon_as_it_is_recorded(make_user, app):
    learner = make_user("learner")
    learner_action(app, learner, reading(2))
    assert _page_views(app, learner) == [2]
    learner_action(app, learner, reading(2))
    assert _page_views(app, learner) == [4]


def test_cli_rebuilds_the_tallies_from_the_lrs(make_user, app, runner):
    learner = make_user("learner")
    learner_action(app, learner, reading(3))
    result = runner.invoke(args=["coaching-tallies"])
    assert result.exit_code == 0 and "statements folded into the coaching tallies" in result.output
    assert _page_views(app, learner) == [3]
    again = runner.invoke(args=["coaching-tallies"])
    assert again.exit_code == 0 and _page_views(app, learner) == [3]  # rebuilt, not added


def test_dashboard_statuses_are_the_courses_statuses(make_user, app):
    from lms.cohorts import catalog
    from lms.courses import services as courses

    done, started, never = make_user("learner"), make_user("learner"), make_user("learner")
    complete_course(app, done)
    complete_course(app, started, quizzes=False)
    ids = [done.id, started.id, never.id]
    with app.test_request_context():
        session = app.extensions["db_session"]()
        assert catalog.statuses(ids, "think-coop") == courses.course_statuses(
            session, ids, "think-coop"
        )
