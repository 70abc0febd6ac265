"""The demo learner's progress: Think.COOP and Start.COOP completed through the learner's own
services (pages read, quizzes answered rightly), so every step of the path, the project bank
too, can be shown. Progress stays a projection of statements, as for a real learner."""

from __future__ import annotations

from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from lms.auth.services import find_by_email
from lms.courses import quiz, services

DEMO_LEARNER = "learner@example.org"
COMPLETED = ("think-coop", "start-coop")
LANGUAGE = "fr"


def seed_demo(session: Session) -> str:
    user = find_by_email(session, DEMO_LEARNER)
    done = []
    for course_id in COMPLETED:
        course = services.get_course(session, course_id)
        if user is None or course is None:  # no content loaded yet: `lms load-content` first
            return ""
        if services.course_status(session, user, course_id).completed:
            continue
        _complete(session, user, course)
        done.append(course_id)
    return f"demo learner: completed {', '.join(done)}" if done else ""


def _complete(session: Session, user, course) -> None:
    registration = services.registration_for(session, user, course, LANGUAGE)
    for module in course.modules:
        for page in module.pages:
            services.page_viewed(session, user, course, module, page, LANGUAGE)
        questions = quiz.questions_of(module.quiz)
        if not questions:
            continue
        attempt = services.start_quiz(session, user, course, module, registration)
        while (question := attempt.current(questions)) is not None:
            answer = MultiDict(quiz.right_answer(question))
            attempt = services.answer_question(session, user, course, module, registration,
                                               attempt.id, question["id"], answer,
                                               LANGUAGE).attempt  # fmt: skip
