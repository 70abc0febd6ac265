"""The coach dashboard's cost does not grow with the cohort, and a view with nothing new to fold
takes no lock (other coaches' views would wait for it)."""

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


def test_a_view_with_nothing_new_to_fold_takes_no_lock(make_user, app):
    from lms.coaching import tallies

    locking: list[str] = []

    @contextmanager
    def watched():
        with app.test_request_context():
            session = app.extensions["db_session"]()

            @event.listens_for(session, "do_orm_execute")
            def spy(state):
                if getattr(state.statement, "_for_update_arg", None) is not None:  # FOR UPDATE
                    locking.append(str(state.statement))

            yield session
            session.commit()
            app.extensions["db_session"].remove()

    with watched() as session:
        tallies.catch_up(session, limit=None)
    locking.clear()
    with watched() as session:
        assert tallies.catch_up(session) == 0
    assert locking == []

    read_a_page_three_times(app, make_user("learner"))
    with watched() as session:
        assert tallies.catch_up(session) == 3  # new statements: folded under the lock
    assert len(locking) == 1


def test_each_fold_adds_to_the_counts_already_folded(make_user, app):
    from sqlalchemy import select

    from lms.coaching import tallies
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
            tallies.catch_up(session)
            session.commit()
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
