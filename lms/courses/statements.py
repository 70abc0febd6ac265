"""The course player's xAPI statements, one builder per event (see docs/xapi-profile.md)."""

from __future__ import annotations

import tincan

from lms.xapi import recorder
from lms.xapi.vocabulary import EXTENSIONS

STATE_BOOKMARK = "https://w3id.org/xapi/taawun/state/bookmark"
EXT_ATTEMPT = "https://w3id.org/xapi/taawun/extensions/attempt"

INTERACTION_TYPES = {
    "single": "choice",
    "multiple": "choice",
    "truefalse": "true-false",
    "ordering": "sequencing",
    "matching": "matching",
    "numeric": "numeric",
}


# --- activity IRIs: where each thing lives (lms.xapi.projections.parse_iri reads them back) ---


def course_iri(course_id: str) -> str:
    return recorder.activity_iri("courses", course_id)


def module_iri(course_id: str, module_id: str) -> str:
    return recorder.activity_iri("courses", course_id, "modules", module_id)


def page_iri(course_id: str, module_id: str, page_id: str) -> str:
    return module_iri(course_id, module_id) + f"/pages/{page_id}"


def quiz_iri(course_id: str, module_id: str) -> str:
    return module_iri(course_id, module_id) + "/quiz"


def question_iri(course_id: str, module_id: str, question_id: str) -> str:
    return quiz_iri(course_id, module_id) + f"/questions/{question_id}"


def task_iri(course_id: str, module_id: str) -> str:
    return module_iri(course_id, module_id) + "/activity"


# --- activities -----------------------------------------------------------------------------


def course_activity(course) -> tincan.Activity:
    return recorder.activity(course_iri(course.id), "course", course.title, course.summary)


def module_activity(module) -> tincan.Activity:
    return recorder.activity(
        module_iri(module.course_id, module.id), "module", module.title, module.summary
    )


def page_activity(page) -> tincan.Activity:
    return recorder.activity(
        page_iri(page.course_id, page.module_id, page.id), "lesson", page.title
    )


def quiz_activity(module) -> tincan.Activity:
    return recorder.activity(quiz_iri(module.course_id, module.id), "assessment", module.title)


def task_activity(module) -> tincan.Activity:
    task = module.activity
    return recorder.activity(task_iri(module.course_id, module.id), "activity", task["title"])


def _components(entries: list[dict], text_key: str) -> tincan.InteractionComponentList:
    return tincan.InteractionComponentList(
        [
            tincan.InteractionComponent(id=e["id"], description=tincan.LanguageMap(e[text_key]))
            for e in entries
        ]
    )


def correct_pattern(question: dict) -> list[str]:
    """The correctResponsesPattern of a question (xAPI 1.0.3 section 4.1.4.1, interactions)."""
    kind = question["type"]
    if kind in ("single", "multiple"):
        return ["[,]".join(c["id"] for c in question["choices"] if c["correct"])]
    if kind == "truefalse":
        return ["true" if question["answer"] else "false"]
    if kind == "ordering":
        return ["[,]".join(item["id"] for item in question["items"])]
    if kind == "matching":
        return ["[,]".join(f"{p['id']}[.]{p['id']}" for p in question["pairs"])]
    low = question["answer"] - question.get("tolerance", 0)
    high = question["answer"] + question.get("tolerance", 0)
    return [f"{_number(low)}[:]{_number(high)}" if low != high else _number(low)]


def _number(value) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def question_activity(module, question: dict) -> tincan.Activity:
    definition: dict = {
        "interaction_type": INTERACTION_TYPES[question["type"]],
        "correct_responses_pattern": correct_pattern(question),
    }
    if question["type"] in ("single", "multiple"):
        definition["choices"] = _components(question["choices"], "text")
    elif question["type"] == "ordering":
        definition["choices"] = _components(question["items"], "text")
    elif question["type"] == "matching":
        definition["source"] = _components(question["pairs"], "source")
        definition["target"] = _components(question["pairs"], "target")
    return recorder.activity(
        question_iri(module.course_id, module.id, question["id"]),
        "interaction",
        question["prompt"],
        **definition,
    )


# --- statements -----------------------------------------------------------------------------


def _context(registration, language, parent=None, grouping=None):
    return recorder.context(
        registration=registration, parent=parent, grouping=grouping, language=language
    )


def course_event(user, verb_key: str, course, registration: str, language: str, result=None):
    """launched, initialized, terminated, progressed and completed on the course attempt."""
    return recorder.statement(
        user,
        verb_key,
        course_activity(course),
        result=result,
        ctx=_context(registration, language),
    )


def progressed(user, course, registration: str, language: str, progress: int):
    result = tincan.Result(extensions=tincan.Extensions({EXTENSIONS["progress"]: progress}))
    return course_event(user, "progressed", course, registration, language, result)


def course_completed(user, course, registration: str, language: str):
    result = tincan.Result(
        completion=True, extensions=tincan.Extensions({EXTENSIONS["progress"]: 100})
    )
    return course_event(user, "completed", course, registration, language, result)


def experienced(user, course, module, page, registration: str, language: str):
    return recorder.statement(
        user,
        "experienced",
        page_activity(page),
        ctx=_context(registration, language, [module_activity(module)], [course_activity(course)]),
    )


def module_completed(user, course, module, registration: str, language: str):
    return recorder.statement(
        user,
        "completed",
        module_activity(module),
        result=tincan.Result(completion=True),
        ctx=_context(registration, language, [course_activity(course)]),
    )


def answered(user, course, module, question, response: str, success: bool, registration,
             language, attempt: str):  # fmt: skip
    return recorder.statement(
        user,
        "answered",
        question_activity(module, question),
        result=tincan.Result(response=response, success=success),
        ctx=recorder.context(
            registration=registration,
            parent=[quiz_activity(module)],
            grouping=[course_activity(course), module_activity(module)],
            language=language,
            extensions={EXT_ATTEMPT: attempt},
        ),
    )


def quiz_scored(user, course, module, raw: int, maximum: int, passed: bool, registration,
                language, attempt: str):  # fmt: skip
    return recorder.statement(
        user,
        "passed" if passed else "failed",
        quiz_activity(module),
        result=tincan.Result(
            score=tincan.Score(scaled=round(raw / maximum, 4), raw=raw, min=0, max=maximum),
            success=passed,
            completion=True,
        ),
        ctx=recorder.context(
            registration=registration,
            parent=[module_activity(module)],
            grouping=[course_activity(course)],
            language=language,
            extensions={EXT_ATTEMPT: attempt},
        ),
    )


def responded(user, course, module, text: str, registration: str, language: str):
    return recorder.statement(
        user,
        "responded",
        task_activity(module),
        result=tincan.Result(response=text, completion=True),
        ctx=_context(registration, language, [module_activity(module)], [course_activity(course)]),
    )
