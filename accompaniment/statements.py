"""The xAPI statements of accompaniment: diagnosis completed, plan action done, session held.

Profile: docs/xapi-profile.md, "Accompaniment". The cooperative is an identified Group (xAPI
1.0.3 Data 2.4.2.2: an account, no member list), so an external LRS can follow one cooperative
without learning who its members are. What people type (evidence, SWOT, session topics and
private notes, attendees) never goes into a statement.
"""

from __future__ import annotations

import tincan

from accompaniment.models import CoachingSession, Diagnosis, FollowedCooperative, PlanAction
from lms.xapi import recorder
from lms.xapi.vocabulary import EXTENSIONS


def cooperative_group(coop: FollowedCooperative) -> dict:
    return {
        "objectType": "Group",
        "name": coop.name,
        "account": {
            "homePage": recorder.activity_iri("accompaniment", "cooperatives"),
            "name": str(coop.id),
        },
    }


def cooperative_activity(coop: FollowedCooperative) -> tincan.Activity:
    iri = recorder.activity_iri("accompaniment", "cooperatives", coop.id)
    return recorder.activity(iri, "cooperative", {"fr": coop.name, "ar": coop.name,
                                                  "en": coop.name})  # fmt: skip


def _context(coop: FollowedCooperative, extensions: dict | None = None) -> tincan.Context:
    return recorder.context(grouping=[cooperative_activity(coop)], language=coop.language,
                            extensions=extensions)  # fmt: skip


def diagnosis_completed(coach, diagnosis: Diagnosis) -> None:
    coop = diagnosis.cooperative
    iri = recorder.activity_iri("accompaniment", "diagnoses", diagnosis.id)
    obj = recorder.activity(iri, "diagnosis", diagnosis.questionnaire.data["title"])
    scores = diagnosis.axis_scores
    overall = sum(scores.values()) / (100 * len(scores)) if scores else 0
    result = tincan.Result(
        completion=True,
        score=tincan.Score(scaled=round(overall, 4)),
        extensions=tincan.Extensions({EXTENSIONS["axis-scores"]: scores}),
    )
    ctx = _context(coop, {EXTENSIONS["month"]: diagnosis.month})
    recorder.record(recorder.statement(coach, "completed", obj, result=result, ctx=ctx))


def action_done(user, action: PlanAction) -> None:
    """The cooperative (as a Group) completed an action of its plan; whoever marked it is the
    instructor when it is the coach, and nobody is named when it is a leader."""
    coop = action.cooperative
    iri = recorder.activity_iri("accompaniment", "actions", action.id)
    obj = recorder.activity(iri, "plan-action", {"fr": action.title, "ar": action.title,
                                                 "en": action.title})  # fmt: skip
    data = recorder.to_dict(recorder.statement(user, "completed", obj, ctx=_context(coop)))
    data["actor"] = cooperative_group(coop)
    if coop.coach_id == user.id:
        data["context"]["instructor"] = recorder.actor_dict(user)
    recorder.record(data)


def session_held(coach, row: CoachingSession) -> None:
    coop = row.cooperative
    iri = recorder.activity_iri("accompaniment", "sessions", row.id)
    names = {"fr": f"Séance d'accompagnement du {row.held_on.isoformat()}",
             "ar": f"جلسة مواكبة بتاريخ {row.held_on.isoformat()}",
             "en": f"Coaching session of {row.held_on.isoformat()}"}  # fmt: skip
    obj = recorder.activity(iri, "coaching-session", names)
    ctx = _context(coop)
    ctx.context_activities.other = [
        recorder.activity(
            recorder.activity_iri("accompaniment", "actions", action_id),
            "plan-action",
            {"en": f"Plan action {action_id}"},
        )  # fmt: skip
        for action_id in row.action_ids
    ] or None
    result = tincan.Result(duration=f"PT{row.minutes}M", completion=True)
    recorder.record(recorder.statement(coach, "coached", obj, result=result, ctx=ctx))
