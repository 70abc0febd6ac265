"""Arrange helpers for cohort, certificate and coaching tests: act as users would, via HTTP."""

from __future__ import annotations

import re
from contextlib import contextmanager

from sqlalchemy import select

from lms.cohorts import catalog
from lms.cohorts.models import Cohort
from lms.xapi import recorder


def login(client, user):
    with client.session_transaction() as s:
        s.clear()
        s["_user_id"] = user.public_id
        s["_fresh"] = True


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


def complete_course(app, learner, course_id="think-coop", quizzes=True, completed=True):
    """The statements the course player sends when a learner finishes (quizzes, completion)."""
    with app.test_request_context():
        course = catalog.course(course_id)
        stmts = []
        course_act = recorder.activity(
            recorder.activity_iri("courses", course_id), "course", {"en": course_id}
        )
        for module in course.modules if quizzes else ():
            iri = recorder.activity_iri("courses", course_id, "modules", module.id, "quiz")
            stmts.append(
                recorder.statement(
                    learner,
                    "passed",
                    recorder.activity(iri, "assessment", {"en": module.id}),
                    ctx=recorder.context(grouping=[course_act]),
                )
            )
        if completed:
            stmts.append(
                recorder.statement(
                    learner,
                    "completed",
                    recorder.activity(
                        recorder.activity_iri("courses", course_id), "course", {"en": course_id}
                    ),
                )
            )
        session = app.extensions["db_session"]()
        recorder.record_many(stmts, session)
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
