"""The rules of accompaniment: who sees a cooperative, the diagnosis, the plan and the sessions."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from accompaniment import questionnaire as qn
from accompaniment import statements
from accompaniment.models import (
    Answer,
    AxisScore,
    CoachingSession,
    Diagnosis,
    FollowedCooperative,
    Leader,
    PlanAction,
)
from lms.auth.services import find_by_email
from lms.db import utcnow
from lms.i18n import localised
from lms.plugins import registry

#: When the diagnosis is made: at entry, then re-diagnoses after 6, 12 and 24 months.
MONTHS = (0, 6, 12, 24)
#: An axis scoring this much or more (out of 100) is a strength; below WEAK, a weakness.
STRONG, WEAK = 67, 50
#: How many of the weakest axes the development plan draws its proposed actions from.
WEAKEST_AXES = 3
#: A proposed action is due this long after the plan is drawn up, until the coach says otherwise.
DEFAULT_DELAY = timedelta(days=90)

ACTION_STATUSES = {
    "planned": _l("Planned"),
    "in-progress": _l("In progress"),
    "done": _l("Done"),
    "dropped": _l("Dropped"),
}
#: status -> the statuses it may be reached from (a conditional UPDATE enforces it, see _move).
TRANSITIONS = {
    "planned": {"in-progress", "dropped"},
    "in-progress": {"planned"},
    "done": {"planned", "in-progress"},
    "dropped": {"planned", "in-progress"},
}
OPEN_STATUSES = ("planned", "in-progress")


class AccompanimentError(Exception):
    """A rule refused the change; the message is for the user (a lazy string)."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


# --- who may see what -----------------------------------------------------------------------


def is_programme_admin(user) -> bool:
    return user.is_authenticated and user.has_any_role(("admin",))


def may_coach(user, coop: FollowedCooperative) -> bool:
    """The coach assigned to the cooperative, or a programme admin."""
    return is_programme_admin(user) or (user.is_authenticated and coop.coach_id == user.id)


def is_leader(session: Session, coop: FollowedCooperative, user) -> bool:
    if not user.is_authenticated:
        return False
    return (
        session.scalar(
            select(Leader.id).where(Leader.cooperative_id == coop.id, Leader.user_id == user.id)
        )
        is not None
    )


def may_see(session: Session, user, coop: FollowedCooperative) -> bool:
    return may_coach(user, coop) or is_leader(session, coop, user)


def _visible(query, user):
    """Admins see every cooperative followed; coaches theirs; leaders their own."""
    if is_programme_admin(user):
        return query
    led = select(Leader.cooperative_id).where(Leader.user_id == user.id)
    return query.where(
        or_(FollowedCooperative.coach_id == user.id, FollowedCooperative.id.in_(led))
    )


def cooperatives_for(session: Session, user, limit: int | None = None, offset: int = 0):
    query = _visible(
        select(FollowedCooperative).order_by(FollowedCooperative.name, FollowedCooperative.id),
        user,
    )
    return list(session.scalars(query.limit(limit).offset(offset)))


def count_for(session: Session, user) -> int:
    return session.scalar(_visible(select(func.count(FollowedCooperative.id)), user))


# --- enrolment ------------------------------------------------------------------------------


def market_profiles() -> list[dict]:
    """The marketplace's cooperative profiles, when the market plugin is on (else none)."""
    service = registry().service("market.cooperative_profiles")
    return service() if service else []


def enrol(session: Session, coach, fields: dict, leader_emails=()) -> FollowedCooperative:
    """Enrol a cooperative: from its marketplace profile when one is named, else as typed."""
    fields = dict(fields)
    market_id = fields.pop("market_cooperative_id", None)
    leader_ids: list[int] = []
    if market_id:
        profile = next((p for p in market_profiles() if p["id"] == market_id), None)
        if profile is None:
            raise AccompanimentError(_l("This marketplace cooperative does not exist."))
        for key in ("name", "region", "members_count", "women_count", "youth_count"):
            fields[key] = profile[key]
        fields["year_registered"] = profile.get("year_founded") or fields.get("year_registered")
        leader_ids = list(profile.get("leader_ids", []))
    _check_members(fields)
    coop = FollowedCooperative(coach_id=coach.id, market_cooperative_id=market_id, **fields)
    session.add(coop)
    session.flush()
    for user_id in leader_ids:
        session.add(Leader(cooperative_id=coop.id, user_id=user_id))
    for email in leader_emails:
        add_leader(session, coop, email)
    session.flush()
    return coop


def _check_members(fields: dict) -> None:
    members = fields.get("members_count") or 0
    for key in ("women_count", "youth_count"):
        if not 0 <= (fields.get(key) or 0) <= members:
            raise AccompanimentError(_l("Women and young members cannot outnumber the members."))


def add_leader(session: Session, coop: FollowedCooperative, email: str) -> Leader:
    user = find_by_email(session, email)
    if user is None:
        raise AccompanimentError(_l("No account has this e-mail address."))
    if is_leader(session, coop, user):
        raise AccompanimentError(_l("This person is already a leader of the cooperative."))
    leader = Leader(cooperative_id=coop.id, user_id=user.id)
    session.add(leader)
    session.flush()
    return leader


# --- diagnosis ------------------------------------------------------------------------------


def diagnoses_of(session: Session, coop: FollowedCooperative) -> list[Diagnosis]:
    return list(
        session.scalars(
            select(Diagnosis).where(Diagnosis.cooperative_id == coop.id).order_by(Diagnosis.month)
        )
    )


def start_diagnosis(session: Session, coop: FollowedCooperative, coach, month: int) -> Diagnosis:
    questionnaire = qn.current(session)
    if questionnaire is None:
        raise AccompanimentError(_l("No diagnosis questionnaire is loaded yet."))
    if month not in MONTHS:
        raise AccompanimentError(_l("Choose when the diagnosis is made."))
    done = {d.month for d in diagnoses_of(session, coop)}
    if month in done:
        raise AccompanimentError(_l("This diagnosis has already been started."))
    if month and 0 not in done:
        raise AccompanimentError(_l("Start with the entry diagnosis."))
    diagnosis = Diagnosis(cooperative_id=coop.id, questionnaire_id=questionnaire.id,
                          month=month, coach_id=coach.id)  # fmt: skip
    session.add(diagnosis)
    session.flush()
    return diagnosis


def answers_of(session: Session, diagnosis: Diagnosis) -> dict[str, Answer]:
    rows = session.scalars(select(Answer).where(Answer.diagnosis_id == diagnosis.id))
    return {row.question_id: row for row in rows}


def save_answer(
    session: Session, diagnosis: Diagnosis, question_id: str, score: int | None, evidence: str
) -> Answer:
    """Save one answer (a draft until the diagnosis is completed); saving again replaces it."""
    if diagnosis.completed_at is not None:
        raise AccompanimentError(_l("This diagnosis is completed: its answers are final."))
    known = {q["id"] for _axis, q in qn.questions(diagnosis.questionnaire)}
    if question_id not in known:
        raise AccompanimentError(_l("This question is not in the diagnosis."))
    levels = {level["value"] for level in diagnosis.questionnaire.data["scale"]}
    if score is not None and score not in levels:
        raise AccompanimentError(_l("Choose a level of the scale."))
    answer = session.scalar(
        select(Answer).where(Answer.diagnosis_id == diagnosis.id, Answer.question_id == question_id)
    )
    if answer is None:
        answer = Answer(diagnosis_id=diagnosis.id, question_id=question_id)
        session.add(answer)
    answer.score, answer.evidence = score, (evidence or "").strip()
    answer.saved_at = utcnow()
    session.flush()
    return answer


def axis_scores(questionnaire, answers: dict[str, Answer]) -> dict[str, int]:
    """Each axis's answered levels as a share of the top level, 0-100."""
    top = max(level["value"] for level in questionnaire.data["scale"])
    scores = {}
    for axis in questionnaire.data["axes"]:
        values = [answers[q["id"]].score for q in axis["questions"] if q["id"] in answers]
        values = [v for v in values if v is not None]
        scores[axis["id"]] = round(100 * sum(values) / (top * len(values))) if values else 0
    return scores


def unanswered(session: Session, diagnosis: Diagnosis) -> list[str]:
    answers = answers_of(session, diagnosis)
    return [q["id"] for _axis, q in qn.questions(diagnosis.questionnaire)
            if answers.get(q["id"]) is None or answers[q["id"]].score is None]  # fmt: skip


def complete_diagnosis(session: Session, diagnosis: Diagnosis, coach) -> None:
    """Freeze the answers, score each axis and draft the SWOT's strengths and weaknesses."""
    if diagnosis.completed_at is not None:
        raise AccompanimentError(_l("This diagnosis is already completed."))
    missing = unanswered(session, diagnosis)
    if missing:
        raise AccompanimentError(
            _l("%(count)d questions are still without an answer.", count=len(missing))
        )
    diagnosis.axis_scores = axis_scores(diagnosis.questionnaire, answers_of(session, diagnosis))
    diagnosis.completed_at = utcnow()
    session.add_all(
        AxisScore(diagnosis_id=diagnosis.id, cooperative_id=diagnosis.cooperative_id,
                  month=diagnosis.month, axis=axis, score=score)
        for axis, score in diagnosis.axis_scores.items()
    )  # fmt: skip
    language = diagnosis.cooperative.language
    strong, weak = strengths_and_weaknesses(diagnosis)
    diagnosis.strengths = diagnosis.strengths or "\n".join(localised(a["title"], language)
                                                           for a in strong)  # fmt: skip
    diagnosis.weaknesses = diagnosis.weaknesses or "\n".join(localised(a["title"], language)
                                                             for a in weak)  # fmt: skip
    session.flush()
    statements.diagnosis_completed(coach, diagnosis)


def strengths_and_weaknesses(diagnosis: Diagnosis) -> tuple[list[dict], list[dict]]:
    """The axes at or above STRONG, and those below WEAK, from the scores."""
    axes = diagnosis.questionnaire.data["axes"]
    scores = diagnosis.axis_scores or {}
    strong = [a for a in axes if scores.get(a["id"], 0) >= STRONG]
    weak = [a for a in axes if scores.get(a["id"], 0) < WEAK]
    return strong, weak


def update_swot(session: Session, diagnosis: Diagnosis, fields: dict) -> None:
    for key in ("strengths", "weaknesses", "opportunities", "threats"):
        setattr(diagnosis, key, (fields.get(key) or "").strip())
    session.flush()


def comparison(session: Session, coop: FollowedCooperative) -> tuple[list[Diagnosis], list]:
    """Completed diagnoses side by side: (diagnoses, [(axis, [score per diagnosis])])."""
    done = [d for d in diagnoses_of(session, coop) if d.completed_at is not None]
    if not done:
        return [], []
    axes = done[-1].questionnaire.data["axes"]
    return done, [(axis, [d.axis_scores.get(axis["id"]) for d in done]) for axis in axes]


# --- development plan -----------------------------------------------------------------------


def plan_of(session: Session, coop: FollowedCooperative, published_only=False):
    query = select(PlanAction).where(PlanAction.cooperative_id == coop.id)
    if published_only:
        query = query.where(PlanAction.published.is_(True))
    return list(session.scalars(query.order_by(PlanAction.due_on, PlanAction.id)))


def propose_plan(session: Session, diagnosis: Diagnosis) -> list[PlanAction]:
    """Draft actions from the weakest axes (the questionnaire's proposals), in the cooperative's
    language; actions already in the plan (same title) are not proposed twice."""
    coop, language = diagnosis.cooperative, diagnosis.cooperative.language
    scores = diagnosis.axis_scores or {}
    axes = sorted(diagnosis.questionnaire.data["axes"], key=lambda a: scores.get(a["id"], 0))
    existing = {action.title for action in plan_of(session, coop)}
    due = date.today() + DEFAULT_DELAY
    made = []
    for axis in axes[:WEAKEST_AXES]:
        for proposal in axis["actions"]:
            title = localised(proposal["title"], language)
            if title in existing:
                continue
            action = PlanAction(
                cooperative_id=coop.id, axis=axis["id"], title=title,
                audience=localised(proposal["audience"], language),
                course_id=proposal.get("course"), module_id=proposal.get("module"), due_on=due,
            )  # fmt: skip
            session.add(action)
            made.append(action)
    session.flush()
    return made


def add_action(session: Session, coop: FollowedCooperative, fields: dict) -> PlanAction:
    action = PlanAction(cooperative_id=coop.id, **fields)
    session.add(action)
    session.flush()
    return action


def update_action(session: Session, action: PlanAction, fields: dict) -> None:
    for key in ("title", "owner", "audience", "due_on"):
        if key in fields:
            setattr(action, key, fields[key])
    session.flush()


def publish_plan(session: Session, coop: FollowedCooperative) -> int:
    """Leaders see the plan from now on; returns how many actions became visible."""
    return session.execute(
        update(PlanAction)
        .where(PlanAction.cooperative_id == coop.id, PlanAction.published.is_(False))
        .values(published=True)
        .execution_options(synchronize_session="fetch")
    ).rowcount


def move_action(session: Session, action: PlanAction, user, status: str) -> None:
    """Change an action's status only if nobody changed it meanwhile (a conditional UPDATE:
    a leader and the coach marking the same action done send one statement, not two)."""
    if status not in TRANSITIONS:
        raise AccompanimentError(_l("Unknown status."))
    values = {"status": status, "done_on": date.today() if status == "done" else None}
    moved = session.execute(
        update(PlanAction)
        .where(PlanAction.id == action.id, PlanAction.status.in_(TRANSITIONS[status]))
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(action)
    if moved != 1:
        raise AccompanimentError(
            _l("This action is now “%(status)s”: it cannot be changed this way.",
               status=ACTION_STATUSES[action.status])
        )  # fmt: skip
    if status == "done":
        statements.action_done(user, action)


def overdue_actions(session: Session, coach, today: date | None = None) -> list[PlanAction]:
    """Open, published actions past their due date in the cooperatives the coach follows."""
    today = today or date.today()
    return list(
        session.scalars(
            select(PlanAction)
            .join(FollowedCooperative, FollowedCooperative.id == PlanAction.cooperative_id)
            .where(
                FollowedCooperative.coach_id == coach.id,
                PlanAction.status.in_(OPEN_STATUSES),
                PlanAction.due_on < today,
            )
            .order_by(PlanAction.due_on)
            .limit(50)
        )
    )


# --- coaching sessions ----------------------------------------------------------------------


def sessions_of(session: Session, coop: FollowedCooperative) -> list[CoachingSession]:
    return list(
        session.scalars(
            select(CoachingSession)
            .where(CoachingSession.cooperative_id == coop.id)
            .order_by(CoachingSession.held_on.desc(), CoachingSession.id.desc())
        )
    )


def log_session(
    session: Session, coop: FollowedCooperative, coach, fields: dict, action_ids=()
) -> CoachingSession:
    """Record a session held with the cooperative, linked to the plan actions it moved."""
    ids = sorted({int(i) for i in action_ids})
    if ids:
        own = set(session.scalars(select(PlanAction.id).where(
            PlanAction.cooperative_id == coop.id, PlanAction.id.in_(ids))))  # fmt: skip
        if own != set(ids):
            raise AccompanimentError(_l("Link only actions of this cooperative's plan."))
    if fields["held_on"] > date.today():
        raise AccompanimentError(_l("A session is logged once it has been held."))
    row = CoachingSession(cooperative_id=coop.id, coach_id=coach.id, action_ids=ids, **fields)
    session.add(row)
    session.flush()
    statements.session_held(coach, row)
    return row


def session_counts(session: Session, coop_ids) -> dict[int, int]:
    rows = session.execute(
        select(CoachingSession.cooperative_id, func.count())
        .where(CoachingSession.cooperative_id.in_(list(coop_ids)))
        .group_by(CoachingSession.cooperative_id)
    )
    return {coop_id: count for coop_id, count in rows}
