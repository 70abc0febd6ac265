"""The coach dashboard's cost does not grow with the cohort, and a view only reads (the tallies
are folded when statements are recorded: no view writes or locks, so none waits for another)."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from tests.lms.cohorts.helpers import complete_course, create_cohort, join, login


@contextmanager
def counted_queries(app):
    found: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        found.append(statement)

    engine = app.extensions["db_engine"]
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield found
    finally:
        event.remove(engine, "before_cursor_execute", count)


def read_a_page_three_times(app, learner):
    from lms.courses import services as courses

    with app.test_request_context():
        session = app.extensions["db_session"]()
        course = courses.get_course(session, "think-coop")
        module = course.modules[1]
        for _ in range(3):
            courses.page_viewed(session, learner, course, module, module.pages[0], "fr")
        session.commit()
        app.extensions["db_session"].remove()


def add_learners(client, make_user, app, code, count, start):
    for i in range(start, start + count):
        person = make_user("learner", display_name=f"Apprenante {i:02d}", birth_year=1990 + i)
        join(client, person, code)
        if i % 2:
            complete_course(app, person, quizzes=False)
        else:
            read_a_page_three_times(app, person)


def test_dashboard_queries_do_not_grow_with_the_cohort(client, make_user, app):
    admin, trainer, coach = make_user("admin"), make_user("trainer"), make_user("coach")
    cohort_id, code = create_cohort(client, trainer, name="Cohorte Tiznit")
    login(client, admin)
    response = client.post(
        "/coach/assignments", data={"coach_email": coach.email, "cohort_id": str(cohort_id)}
    )
    assert response.status_code == 302
    url = f"/coach/cohorts/{cohort_id}"
    add_learners(client, make_user, app, code, 2, 0)
    login(client, coach)
    client.get(url)  # folds the statements so far
    with counted_queries(app) as small:
        page = client.get(url).get_data(as_text=True)
    assert "Apprenante 01" in page and "a ouvert 3 fois la même page" in page

    add_learners(client, make_user, app, code, 6, 2)
    login(client, coach)
    client.get(url)
    with counted_queries(app) as large:
        page = client.get(url).get_data(as_text=True)
    assert "Apprenante 07" in page and "a ouvert 3 fois la même page" in page
    assert len(large) == len(small), "\n".join(large)


def test_a_dashboard_view_writes_nothing_and_takes_no_lock(client, make_user, app):
    admin, trainer, coach = make_user("admin"), make_user("trainer"), make_user("coach")
    cohort_id, code = create_cohort(client, trainer, name="Cohorte Taroudant")
    login(client, admin)
    client.post(
        "/coach/assignments", data={"coach_email": coach.email, "cohort_id": str(cohort_id)}
    )
    add_learners(client, make_user, app, code, 2, 40)
    login(client, coach)
    with counted_queries(app) as queries:
        page = client.get(f"/coach/cohorts/{cohort_id}")
    assert page.status_code == 200 and "a ouvert 3 fois la même page" in page.get_data(as_text=True)
    writes = [q for q in queries if q.lstrip().split()[0].upper() in ("INSERT", "UPDATE", "DELETE")]
    assert writes == [] and not [q for q in queries if "FOR UPDATE" in q.upper()]


def test_each_fold_adds_to_the_counts_already_folded(make_user, app):
    from sqlalchemy import select

    from lms.coaching.models import PageViewTally, QuestionTally
    from lms.courses import services as courses

    learner = make_user("learner")

    def act(answers):
        with app.test_request_context():
            session = app.extensions["db_session"]()
            course = courses.get_course(session, "think-coop")
            module = course.modules[0]
            question = module.quiz["questions"][0]
            courses.page_viewed(session, learner, course, module, module.pages[0], "fr")
            for success in answers:
                courses.question_answered(
                    session, learner, course, module, question, "x", success, 1, "fr"
                )
            session.commit()
            app.extensions["db_session"].remove()

    def fold_and_read():
        with app.test_request_context():
            session = app.extensions["db_session"]()
            views = session.scalars(
                select(PageViewTally.views).where(PageViewTally.user_id == learner.id)
            ).all()
            answers = session.execute(
                select(QuestionTally.answered, QuestionTally.missed).where(
                    QuestionTally.user_id == learner.id
                )
            ).all()
            app.extensions["db_session"].remove()
            return views, [tuple(row) for row in answers]

    act([False])
    assert fold_and_read() == ([1], [(1, 1)])
    act([False, True])
    assert fold_and_read() == ([2], [(3, 2)])  # same page, same day, same question: added
