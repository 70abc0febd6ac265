"""Arrange helpers for cohort, certificate and coaching tests: act as users would, via HTTP."""

from __future__ import annotations

import re
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import select

from lms.cohorts.models import Cohort
from tests.conftest import log_in_as

CONTENT = Path(__file__).resolve().parents[3] / "content"


def load_real_courses(app) -> None:
    """Load the courses of content/ into the app's database."""
    from lms.courses.loader import load_content

    with app.app_context():
        session = app.extensions["db_session"]()
        load_content(session, CONTENT)
        session.commit()
        app.extensions["db_session"].remove()


def login(client, user):
    log_in_as(client, user)


def accredit(client, admin, trainer, course_id="think-coop"):
    login(client, admin)
    response = client.post(
        "/accreditations", data={"trainer_email": trainer.email, "course_id": course_id}
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def create_cohort(client, trainer, name="Cohorte Agadir", courses=("think-coop",)):
    login(client, trainer)
    response = client.post(
        "/cohorts/new",
        data={
            "name": name,
            "course_ids": list(courses),
            "region": "souss-massa",
            "place": "Maison des jeunes",
            "starts_on": "2026-11-01",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    cohort_id = int(response.headers["Location"].rsplit("/", 1)[1])
    page = client.get(f"/cohorts/{cohort_id}").get_data(as_text=True)
    code = re.search(r'class="join-code" dir="ltr">([A-Z0-9]+)<', page).group(1)
    return cohort_id, code


def join(client, learner, code):
    login(client, learner)
    response = client.post(f"/join/{code}")
    assert response.status_code == 302
    return response


def complete_course(app, learner, course_id="think-coop", quizzes=True, pages=True, score=1.0):
    """What the course player does when a learner reads every page and passes every quiz."""
    from lms.courses import services as courses

    with app.test_request_context():
        session = app.extensions["db_session"]()
        course = courses.get_course(session, course_id)
        for module in course.modules:
            for page in module.pages if pages else ():
                courses.page_viewed(session, learner, course, module, page, "fr")
            if quizzes and module.quiz.get("questions"):
                total = len(module.quiz["questions"])
                courses.quiz_finished(
                    session, learner, course, module, round(total * score), total, 1, "fr"
                )
        session.commit()
        app.extensions["db_session"].remove()


@contextmanager
def database(app):
    """A session in its own app context: the test client's requests must not share it (nor g)."""
    with app.app_context():
        yield app.extensions["db_session"]()
        app.extensions["db_session"].remove()


def cohort(db, cohort_id) -> Cohort:
    return db.scalar(select(Cohort).where(Cohort.id == cohort_id))
