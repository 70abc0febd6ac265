"""The course player over HTTP: catalogue, course page, lessons, quiz, activity, course files."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from lms.access import PUBLIC, USER, allow
from lms.config import LANGUAGES
from lms.courses import quiz as quizzes
from lms.courses import services
from lms.courses.forms import ActivityAnswerForm
from lms.courses.loader import LEVELS
from lms.courses.models import CourseAsset
from lms.db import session
from lms.i18n import current_language, localised
from lms.path import PATH_COURSES

bp = Blueprint(
    "courses",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static/courses",
)

LONG_CACHE = 365 * 24 * 3600


def content_language(texts: dict) -> str:
    """The language the learner actually reads: theirs when the text exists, else French."""
    return services.reading_language(texts, current_language())


def _course_or_404(course_id: str):
    course = services.get_course(session, course_id)
    if course is None:
        abort(404)
    return course


def _module_or_404(course, module_id: str):
    module = services.find_module(course, module_id)
    if module is None:
        abort(404)
    return module


def _locked_response(course):
    """The learner may not enter a course whose prerequisites are not completed."""
    missing = services.missing_prerequisites(session, current_user, course)
    if not missing:
        return None
    return render_template("courses/locked.html", course=course, missing=missing), 403


def steps_of(module) -> list[tuple[str, str | None]]:
    """A module's screens in order: its pages, then the quiz, then the activity."""
    steps = [("page", page.id) for page in module.pages]
    if module.quiz.get("questions"):
        steps.append(("quiz", None))
    steps.append(("activity", None))
    return steps


def step_url(course, module, step) -> str:
    kind, item = step
    if kind == "page":
        return url_for("courses.page", course_id=course.id, module_id=module.id, page_id=item)
    return url_for(f"courses.{kind}", course_id=course.id, module_id=module.id)


def neighbours(course, module, step) -> tuple[str, str, int, int]:
    """(previous url, next url, position, count) around a step; across modules at the ends."""
    steps = steps_of(module)
    index = steps.index(step)
    modules = list(course.modules)
    position = modules.index(module)
    if index > 0:
        previous = step_url(course, module, steps[index - 1])
    elif position > 0:
        before = modules[position - 1]
        previous = step_url(course, before, steps_of(before)[-1])
    else:
        previous = url_for("courses.course", course_id=course.id)
    if index < len(steps) - 1:
        following = step_url(course, module, steps[index + 1])
    elif position < len(modules) - 1:
        after = modules[position + 1]
        following = step_url(course, after, steps_of(after)[0])
    else:
        following = url_for("courses.course", course_id=course.id)
    return previous, following, index + 1, len(steps)


def next_module(course, module, step):
    """The module "next" leads into from this step: None inside a module and after the last."""
    modules = list(course.modules)
    position = modules.index(module)
    if steps_of(module)[-1] != step or position == len(modules) - 1:
        return None
    return modules[position + 1]


def _player(template: str, course, module, step, status: int = 200, progress=None, **context):
    """A player screen; `progress` is the learner's course status when the request has it."""
    previous, following, position, count = neighbours(course, module, step)
    context.setdefault("next_module", next_module(course, module, step))
    progress = progress or services.course_status(session, current_user, course.id)
    html = render_template(
        template,
        course=course,
        module=module,
        previous=previous,
        following=following,
        position=position,
        count=count,
        progress=progress,
        **context,
    )
    return html, status


# --- catalogue and course page --------------------------------------------------------------


@bp.route("/courses")
@allow(PUBLIC)
def catalogue():
    language = request.args.get("lang", "")
    level = request.args.get("level", "")
    courses = services.list_courses(session)
    if language in LANGUAGES:
        courses = [c for c in courses if language in c.languages]
    if level in LEVELS:
        courses = [c for c in courses if c.level == level]
    statuses = {}
    if current_user.is_authenticated:
        statuses = {c.id: services.course_status(session, current_user, c.id) for c in courses}
    return render_template(
        "courses/catalogue.html",
        courses=courses,
        statuses=statuses,
        language=language,
        level=level,
        levels=LEVELS,
    )


@bp.route("/courses/<course_id>")
@allow(PUBLIC)
def course(course_id):
    course = _course_or_404(course_id)
    status = missing = None
    if current_user.is_authenticated:
        status = services.course_status(session, current_user, course.id)
        missing = services.missing_prerequisites(session, current_user, course)
    return render_template("courses/course.html", course=course, status=status, missing=missing)


@bp.route("/courses/<course_id>/launch", methods=["POST"])
@allow(USER)
def launch(course_id):
    """Start or continue: enrol on the first launch, then go where the learner left off."""
    course = _course_or_404(course_id)
    locked = _locked_response(course)
    if locked:
        return locked
    services.enrol(session, current_user, course, current_language())
    return redirect(_resume_url(course))


def _resume_url(course) -> str:
    place = services.bookmark(session, current_user, course) or {}
    module = services.find_module(course, place.get("module", ""))
    if module is not None and place.get("page") in {p.id for p in module.pages}:
        return step_url(course, module, ("page", place["page"]))
    status = services.course_status(session, current_user, course.id)
    if module is not None and place.get("step") in ("quiz", "activity"):
        module_status = status.module(module.id)
        if place["step"] == "quiz" and module_status and module_status.quiz_passed:
            # a passed quiz is behind the learner: "continue" means what comes after it
            return neighbours(course, module, ("quiz", None))[1]
        return step_url(course, module, (place["step"], None))
    for module, module_status in zip(course.modules, status.modules, strict=True):
        for page in module.pages:
            if page.id not in module_status.seen_ids:
                return step_url(course, module, ("page", page.id))
    first = course.modules[0]
    return step_url(course, first, steps_of(first)[0])


@bp.route("/courses/<course_id>/leave", methods=["POST"])
@allow(USER)
def leave(course_id):
    course = _course_or_404(course_id)
    services.leave(session, current_user, course, current_language())
    flash(_("Your place is saved. Come back any time."), "info")
    return redirect(url_for("courses.course", course_id=course.id))


# --- lesson pages ---------------------------------------------------------------------------


@bp.route("/courses/<course_id>/modules/<module_id>/pages/<page_id>")
@allow(USER)
def page(course_id, module_id, page_id):
    course = _course_or_404(course_id)
    module = _module_or_404(course, module_id)
    page = next((p for p in module.pages if p.id == page_id), None)
    if page is None:
        abort(404)
    locked = _locked_response(course)
    if locked:
        return locked
    language = content_language(page.html)
    progress = services.page_viewed(session, current_user, course, module, page, language)
    return _player(
        "courses/page.html",
        course,
        module,
        ("page", page.id),
        progress=progress,
        page=page,
        language=language,
        audio=page.audio.get(language),
    )


# --- quiz -----------------------------------------------------------------------------------


def _quiz_entry(course_id, module_id):
    """(course, module, locked response, registration): the registration resolved once."""
    course = _course_or_404(course_id)
    module = _module_or_404(course, module_id)
    if not module.quiz.get("questions"):
        abort(404)
    locked = _locked_response(course)
    registration = None
    if not locked:
        registration = services.registration_for(session, current_user, course, current_language())
    return course, module, locked, registration


@bp.route("/courses/<course_id>/modules/<module_id>/quiz")
@allow(USER)
def quiz(course_id, module_id):
    course, module, locked, registration = _quiz_entry(course_id, module_id)
    if locked:
        return locked
    services.save_bookmark(current_user, course, registration,
                           {"module": module.id, "step": "quiz"})  # fmt: skip
    attempt = services.quiz_attempt(session, current_user, course, module, registration)
    questions = quizzes.questions_of(module.quiz)
    again = request.args.get("again", "")
    if attempt and again in attempt.answers and again in questions:
        # a wrong answer's second try: the same question, sent to the practice route
        return _quiz_screen(course, module, attempt, "question", question=questions[again],
                            practice=True)  # fmt: skip
    screen, question = attempt.screen(questions) if attempt else ("intro", None)
    return _quiz_screen(course, module, attempt, screen, question=question)


def _quiz_screen(course, module, attempt, screen, status=200, progress=None, **context):
    questions = quizzes.questions_of(module.quiz)
    return _player(
        "courses/quiz.html",
        course,
        module,
        ("quiz", None),
        status=status,
        progress=progress,
        screen=screen,
        attempt=attempt,
        questions=questions,
        answered=len(questions) - len(attempt.pending(questions)) if attempt else 0,
        total=len(questions),
        pass_mark=services.quiz_pass_mark(course, module),
        language=content_language(module.title),
        **context,
    )


@bp.route("/courses/<course_id>/modules/<module_id>/quiz/start", methods=["POST"])
@allow(USER)
def quiz_start(course_id, module_id):
    course, module, locked, registration = _quiz_entry(course_id, module_id)
    if locked:
        return locked
    services.start_quiz(session, current_user, course, module, registration)
    return redirect(url_for("courses.quiz", course_id=course.id, module_id=module.id))


@bp.route("/courses/<course_id>/modules/<module_id>/quiz/answer", methods=["POST"])
@allow(USER)
def quiz_answer(course_id, module_id):
    course, module, locked, registration = _quiz_entry(course_id, module_id)
    if locked:
        return locked
    form = request.form
    outcome = services.answer_question(session, current_user, course, module, registration,
                                       form.get("attempt", ""), form.get("question", ""), form,
                                       current_language())  # fmt: skip
    if outcome.over:
        flash(_("This quiz attempt is over. Here is where you are now."), "info")
    if outcome.error:
        return _quiz_screen(course, module, outcome.attempt, "question", status=422,
                            question=outcome.question, error=outcome.error)  # fmt: skip
    if outcome.given is None:
        return redirect(url_for("courses.quiz", course_id=course.id, module_id=module.id))
    return _quiz_screen(course, module, outcome.attempt, "feedback", progress=outcome.status,
                        question=outcome.question, given=outcome.given)  # fmt: skip


@bp.route("/courses/<course_id>/modules/<module_id>/quiz/practice", methods=["POST"])
@allow(USER)
def quiz_practice(course_id, module_id):
    course, module, locked, registration = _quiz_entry(course_id, module_id)
    if locked:
        return locked
    form = request.form
    outcome = services.practise_question(session, current_user, course, module, registration,
                                         form.get("attempt", ""), form.get("question", ""),
                                         form)  # fmt: skip
    if outcome.over:
        flash(_("This quiz attempt is over. Here is where you are now."), "info")
    if outcome.error:
        return _quiz_screen(course, module, outcome.attempt, "question", status=422,
                            question=outcome.question, error=outcome.error,
                            practice=True)  # fmt: skip
    if outcome.given is None:
        return redirect(url_for("courses.quiz", course_id=course.id, module_id=module.id))
    return _quiz_screen(course, module, outcome.attempt, "feedback", question=outcome.question,
                        given=outcome.given, practice=True)  # fmt: skip


# --- activity -------------------------------------------------------------------------------


@bp.route("/courses/<course_id>/modules/<module_id>/activity", methods=["GET", "POST"])
@allow(USER)
def activity(course_id, module_id):
    course = _course_or_404(course_id)
    module = _module_or_404(course, module_id)
    locked = _locked_response(course)
    if locked:
        return locked
    language = content_language(module.activity["instructions"])
    registration = services.registration_for(session, current_user, course, language)
    answers = services.activity_answers(session, [current_user.id], course.id)
    saved = next((a for a in answers if a["module_id"] == module.id), None)
    form = ActivityAnswerForm()
    if request.method == "GET":
        services.save_bookmark(current_user, course, registration,
                               {"module": module.id, "step": "activity"})  # fmt: skip
        if saved:
            form.answer.data = saved["text"]
    elif form.validate_on_submit():
        services.save_activity_answer(session, current_user, course, module,
                                      form.answer.data.strip(), language)  # fmt: skip
        flash(_("Your answer is saved. Your trainer can read it."), "success")
        _previous, following, _position, _count = neighbours(course, module, ("activity", None))
        return redirect(following)
    status = 422 if form.errors else 200
    trainer = current_user.has_any_role(("trainer", "coach", "admin"))
    return _player("courses/activity.html", course, module, ("activity", None), status=status,
                   form=form, saved=saved, language=language, show_notes=trainer)  # fmt: skip


# --- course files ---------------------------------------------------------------------------


@bp.route("/courses/<course_id>/assets/<path:path>")
@allow(PUBLIC)
def asset(course_id, path):
    """Pictures, audio and downloads of a course, cached for a year when the URL is versioned."""
    row = session.get(CourseAsset, (course_id, path))
    if row is None:
        abort(404)
    response = Response(row.data, mimetype=row.media_type)
    response.set_etag(row.sha256)
    versioned = request.args.get("v") == row.sha256[:12]
    response.cache_control.public = True
    response.cache_control.max_age = LONG_CACHE if versioned else 3600
    if versioned:
        response.cache_control.immutable = True
    if row.media_type.startswith("image/svg"):
        # an SVG opened on its own must not run anything
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; sandbox"
        )
    if not row.media_type.startswith(("image/", "audio/")):
        response.headers["Content-Disposition"] = (
            f'attachment; filename="{path.rsplit("/", 1)[-1]}"'
        )
    return response.make_conditional(request)


# --- learning path --------------------------------------------------------------------------


def _path_view(course_id: str):
    """A path step links to `url_for(endpoint)` without arguments: one small view per course."""

    def go():
        return redirect(url_for("courses.course", course_id=course_id))

    go.__name__ = f"path_{course_id.replace('-', '_')}"
    return allow(USER)(go)


for _course_id, _order, _label in PATH_COURSES:
    bp.add_url_rule(f"/path/{_course_id}", view_func=_path_view(_course_id))


def course_title(course_id: str) -> str:
    course = services.get_course(session, course_id)
    return localised(course.title) if course else course_id


@bp.app_context_processor
def _names():
    levels = {"beginner": _("Beginner"), "intermediate": _("Intermediate"),
              "advanced": _("Advanced")}  # fmt: skip
    kinds = {"group": _("Group exercise"), "reflection": _("Reflection"),
             "case-study": _("Case study")}  # fmt: skip
    return {"level_name": lambda code: levels.get(code, code),
            "activity_kind": lambda code: kinds.get(code, code),
            "course_duration": course_duration}  # fmt: skip


def course_duration(minutes: int) -> str:
    """A course's length in whole hours, in the reader's plural ("6 ساعات", never "6 ساعة")."""
    hours = max(1, round(minutes / 60))
    return ngettext("about %(num)d hour", "about %(num)d hours", hours)
