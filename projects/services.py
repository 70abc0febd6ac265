"""The project bank's rules: the lifecycle table, who may do what, reviews, search and showcase."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import tincan
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from lms.db import utcnow
from lms.i18n import current_language
from lms.regions import REGIONS
from lms.sectors import SECTORS
from lms.xapi import recorder
from lms.xapi.vocabulary import EXTENSIONS
from projects.models import Comment, Project, Review, StateChange

FUNDING_SOURCES = {
    "member-shares": _l("Members' shares"),
    "bank-loan": _l("Bank loan"),
    "microcredit": _l("Microcredit"),
    "indh": _l("INDH (National Initiative for Human Development)"),
    "public-programme": _l("Other public programme"),
    "donor": _l("Donor or foundation"),
    "other": _l("Other source"),
}

#: The business plan sections a project must fill before it can be submitted, in form order.
PARTS = {
    "name": _l("Project name"),
    "sector": _l("Sector"),
    "region": _l("Region"),
    "commune": _l("Commune"),
    "members_count": _l("Founding members"),
    "members_women": _l("Women among them"),
    "members_youth": _l("Under 35 among them"),
    "problem": _l("The problem the members share"),
    "idea": _l("The idea"),
    "market": _l("Market and customers"),
    "products": _l("Products or services"),
    "resources": _l("Resources needed"),
    "funding_needed": _l("Funding needed (MAD)"),
    "funding_sources": _l("Sources of funding"),
    "expected_jobs": _l("Expected jobs"),
}

STATES = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "under_review": _l("Under review"),
    "changes_requested": _l("Changes requested"),
    "resubmitted": _l("Resubmitted"),
    "qualified": _l("Qualified"),
    "rejected": _l("Rejected"),
    "incubated": _l("Incubated"),
    "launched": _l("Launched"),
}
#: A symbol with each state so it is never told by colour alone.
STATE_SYMBOLS = {
    "draft": "✎", "submitted": "➜", "under_review": "⌕", "changes_requested": "↺",
    "resubmitted": "➜", "qualified": "✓", "rejected": "✗", "incubated": "⚘", "launched": "★",
}  # fmt: skip

EDITABLE_STATES = frozenset({"draft", "changes_requested"})
REVIEWABLE_STATES = frozenset({"submitted", "resubmitted", "under_review"})
SHOWCASE_STATES = frozenset({"qualified", "incubated", "launched"})
COACHABLE_STATES = frozenset({"incubated", "launched"})

CRITERIA = {
    "viability": _l("Economic viability"),
    "commitment": _l("Member commitment"),
    "market": _l("Market"),
    "impact": _l("Social impact"),
    "inclusion": _l("Women and youth inclusion"),
}
SCORE_MIN, SCORE_MAX = 1, 5

HOLDER = "holder"
REVIEWER = "reviewer"  # a coach or an administrator, never on their own project
REVIEWER_ROLES = ("coach", "admin")


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    who: str
    verb: str
    label: object
    needs_reason: bool = False
    needs_registration: bool = False
    needs_complete: bool = False


#: The lifecycle, in one table: every move not listed here is refused.
TRANSITIONS: tuple[Transition, ...] = (
    Transition("draft", "submitted", HOLDER, "submitted", _l("Submit"), needs_complete=True),
    Transition("changes_requested", "resubmitted", HOLDER, "submitted", _l("Resubmit"),
               needs_complete=True),
    Transition("submitted", "under_review", REVIEWER, "transitioned", _l("Start the review")),
    Transition("resubmitted", "under_review", REVIEWER, "transitioned", _l("Start the review")),
    Transition("under_review", "changes_requested", REVIEWER, "requested-changes",
               _l("Ask for changes"), needs_reason=True),
    Transition("under_review", "qualified", REVIEWER, "qualified", _l("Qualify")),
    Transition("under_review", "rejected", REVIEWER, "rejected", _l("Reject"), needs_reason=True),
    Transition("qualified", "incubated", REVIEWER, "incubated", _l("Admit to incubation")),
    Transition("incubated", "launched", REVIEWER, "transitioned",
               _l("Record the registered cooperative"), needs_registration=True),
)  # fmt: skip


class ProjectError(Exception):
    """A rule refused the action; `messages` say why, in the user's language."""

    def __init__(self, *messages):
        super().__init__(*messages)
        self.messages = list(messages)


# --- who may do what ------------------------------------------------------------------------


def is_reviewer(user) -> bool:
    return user.is_authenticated and user.has_any_role(REVIEWER_ROLES)


def roles_on(user, project: Project) -> set[str]:
    roles = set()
    if user.is_authenticated and project.holder_id == user.id:
        roles.add(HOLDER)
    elif is_reviewer(user):
        roles.add(REVIEWER)
    return roles


def can_view(user, project: Project) -> bool:
    """Holders see their own projects; reviewers see every project once it has been submitted."""
    roles = roles_on(user, project)
    return HOLDER in roles or (REVIEWER in roles and project.state != "draft")


def can_edit(user, project: Project) -> bool:
    return HOLDER in roles_on(user, project) and project.state in EDITABLE_STATES


def can_review(user, project: Project) -> bool:
    return REVIEWER in roles_on(user, project) and project.state in REVIEWABLE_STATES


def can_assign_coach(user, project: Project) -> bool:
    return REVIEWER in roles_on(user, project) and project.state in COACHABLE_STATES


def can_comment(user, project: Project) -> bool:
    return can_view(user, project)


def transitions_for(user, project: Project) -> list[Transition]:
    roles = roles_on(user, project)
    return [t for t in TRANSITIONS if t.source == project.state and t.who in roles]


# --- content rules --------------------------------------------------------------------------


def members_problems(count: int | None, women: int | None, youth: int | None) -> list:
    """What is wrong with the founding members' figures (one rule for drafts and submission)."""
    problems = []
    if count is not None and women is not None and women > count:
        problems.append(_l("There cannot be more women than founding members."))
    if count is not None and youth is not None and youth > count:
        problems.append(_l("There cannot be more members under 35 than founding members."))
    return problems


def missing_parts(project: Project) -> list:
    """The business plan sections still empty, named in the user's language."""
    missing = []
    for attr, label in PARTS.items():
        value = getattr(project, attr)
        if value is None or (isinstance(value, str | list) and not value):
            missing.append(label)
    return missing


def women_share(project: Project) -> int | None:
    if not project.members_count or project.members_women is None:
        return None
    return round(100 * project.members_women / project.members_count)


# --- changes ----------------------------------------------------------------------------------


def create_project(session: Session, holder, fields: dict) -> Project:
    project = Project(holder=holder, state="draft", funding_sources=[])
    update_project(project, fields)
    session.add(project)
    session.flush()
    _record(holder, project, "created", {EXTENSIONS["state"]: "draft"})
    return project


def update_project(project: Project, fields: dict) -> None:
    problems = members_problems(
        fields.get("members_count"), fields.get("members_women"), fields.get("members_youth")
    )
    if problems:
        raise ProjectError(*problems)
    for attr, value in fields.items():
        if attr not in PARTS and attr not in ("funding_details", "publish_consent"):
            raise KeyError(attr)
        if isinstance(value, str):
            value = value.strip() or None
        setattr(project, attr, value)
    if project.name is None:
        raise ProjectError(_l("Give the project a name."))


def change_state(
    session: Session,
    project: Project,
    user,
    target: str,
    reason: str | None = None,
    registration_number: str | None = None,
    registration_date: date | None = None,
) -> StateChange:
    """Move a project along the lifecycle if the table allows it for this user."""
    move = next((t for t in transitions_for(user, project) if t.target == target), None)
    if move is None:
        raise _not_allowed(project, target)
    reason = (reason or "").strip() or None
    problems = []
    if move.needs_complete:
        problems += [_l("Missing: %(part)s.", part=part) for part in missing_parts(project)]
        problems += members_problems(
            project.members_count, project.members_women, project.members_youth
        )
    if move.needs_reason and not reason:
        problems.append(_l("Give a reason: the project holder will read it."))
    if move.needs_registration:
        registration_number = (registration_number or "").strip() or None
        if not registration_number:
            problems.append(_l("Give the cooperative's registration number."))
        if registration_date is None:
            problems.append(_l("Give the cooperative's registration date."))
        elif registration_date > date.today():
            problems.append(_l("The registration date cannot be in the future."))
    if problems:
        raise ProjectError(*problems)
    values = {"state": target, "updated_at": utcnow()}
    if move.needs_registration:
        values.update(registration_number=registration_number, registration_date=registration_date)
    # Conditional UPDATE, as market.services._move: two reviewers deciding the same project at
    # the same moment both read "under review"; PostgreSQL makes the second UPDATE wait for the
    # first and re-check `state = source`, so it changes nothing and that reviewer is told the
    # project's new state instead of overwriting the first decision.
    moved = session.execute(
        update(Project)
        .where(Project.id == project.id, Project.state == move.source)
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(project)
    if moved != 1:
        raise _not_allowed(project, target)
    change = StateChange(
        project=project, actor=user, from_state=move.source, to_state=target, reason=reason
    )
    session.add(change)
    session.flush()
    extensions = {EXTENSIONS["state"]: target}
    if reason:
        extensions[EXTENSIONS["reason"]] = reason
    _record(user, project, move.verb, extensions)
    return change


def _not_allowed(project: Project, target: str) -> ProjectError:
    return ProjectError(
        _l(
            "This change of state is not allowed: %(source)s → %(target)s.",
            source=STATES[project.state],
            target=STATES.get(target, target),
        )
    )


def add_comment(session: Session, project: Project, user, body: str) -> Comment:
    body = (body or "").strip()
    if not can_comment(user, project):
        raise ProjectError(_l("You cannot comment on this project."))
    if not body:
        raise ProjectError(_l("Write a comment first."))
    comment = Comment(project=project, author=user, body=body)
    session.add(comment)
    session.flush()
    _record(user, project, "commented", {EXTENSIONS["state"]: project.state},
            result=tincan.Result(response=body[:1000]))  # fmt: skip
    return comment


def save_review(session: Session, project: Project, reviewer, scores: dict, comment: str | None):
    """Add or replace this reviewer's rubric for the project."""
    if not can_review(reviewer, project):
        raise ProjectError(_l("This project cannot be reviewed by you now."))
    clean = {}
    for key, label in CRITERIA.items():
        value = scores.get(key)
        if not isinstance(value, int) or not SCORE_MIN <= value <= SCORE_MAX:
            raise ProjectError(_l("Give %(criterion)s a score from 1 to 5.", criterion=label))
        clean[key] = value
    review = session.scalar(
        select(Review).where(Review.project_id == project.id, Review.reviewer_id == reviewer.id)
    )
    if review is None:
        review = Review(project=project, reviewer=reviewer)
        session.add(review)
    review.scores = clean
    review.comment = (comment or "").strip() or None
    session.flush()
    mean = review_mean(clean)
    _record(
        reviewer,
        project,
        "reviewed",
        {EXTENSIONS["state"]: project.state},
        result=tincan.Result(
            score=tincan.Score(raw=mean, min=SCORE_MIN, max=SCORE_MAX,
                               scaled=round((mean - SCORE_MIN) / (SCORE_MAX - SCORE_MIN), 4)),
            response=review.comment,
        ),
    )  # fmt: skip
    return review


def review_mean(scores: dict) -> float:
    return round(sum(scores.values()) / len(scores), 2)


def review_summary(project: Project) -> dict:
    """How many reviewers, the average over all their scores, and the average per criterion."""
    reviews = [r for r in project.reviews if r.scores]
    if not reviews:
        return {"count": 0, "average": None, "criteria": {}}
    criteria = {
        key: round(sum(r.scores[key] for r in reviews) / len(reviews), 1) for key in CRITERIA
    }
    every = [value for r in reviews for value in r.scores.values()]
    return {"count": len(reviews), "average": round(sum(every) / len(every), 1),
            "criteria": criteria}  # fmt: skip


def set_publication(project: Project, user, publish: bool) -> None:
    """The holder gives or withdraws consent to the showcase, in any state."""
    if HOLDER not in roles_on(user, project):
        raise ProjectError(_l("Only the project holder decides about publication."))
    project.publish_consent = publish


def assign_coach(session: Session, project: Project, user, coach) -> None:
    if not can_assign_coach(user, project):
        raise ProjectError(_l("A coach can be assigned only to an incubated project."))
    if coach is None or not coach.has_role("coach") or not coach.active:
        raise ProjectError(_l("Choose an active coach."))
    if coach.id == project.holder_id:
        raise ProjectError(_l("The project holder cannot coach their own project."))
    project.coach = coach
    session.flush()


def _record(user, project: Project, verb_key: str, extensions: dict, result=None) -> None:
    recorder.record(
        recorder.statement(
            user,
            verb_key,
            project_activity(project),
            result=result,
            ctx=recorder.context(language=current_language(), extensions=extensions),
        )
    )


def project_iri(project: Project) -> str:
    return recorder.activity_iri("projects", project.id)


def project_activity(project: Project) -> tincan.Activity:
    return recorder.activity(project_iri(project), "project", {current_language(): project.name})


# --- finding --------------------------------------------------------------------------------


@dataclass
class Filters:
    state: str | None = None
    sector: str | None = None
    region: str | None = None
    funding_min: Decimal | None = None
    funding_max: Decimal | None = None
    women_min: int | None = None  # percent of founding members
    text: str | None = None
    coach_id: int | None = None  # only the projects this coach is assigned to


def parse_filters(args, user=None) -> Filters:
    """Filters from a query string; unknown values are ignored rather than refused."""

    def number(name, kind):
        try:
            value = kind(args.get(name, "").strip())
        except (ValueError, ArithmeticError):
            return None
        return value if value >= 0 else None

    return Filters(
        state=args.get("state") if args.get("state") in STATES else None,
        sector=args.get("sector") if args.get("sector") in SECTORS else None,
        region=args.get("region") if args.get("region") in REGIONS else None,
        funding_min=number("funding_min", Decimal),
        funding_max=number("funding_max", Decimal),
        women_min=number("women_min", int),
        text=(args.get("q") or "").strip()[:100] or None,
        coach_id=user.id if user is not None and args.get("mine") == "1" else None,
    )


def _filtered(query, filters: Filters):
    if filters.state:
        query = query.where(Project.state == filters.state)
    if filters.sector:
        query = query.where(Project.sector == filters.sector)
    if filters.region:
        query = query.where(Project.region == filters.region)
    if filters.funding_min is not None:
        query = query.where(Project.funding_needed >= filters.funding_min)
    if filters.funding_max is not None:
        query = query.where(Project.funding_needed <= filters.funding_max)
    if filters.women_min is not None:
        query = query.where(
            Project.members_count > 0,
            Project.members_women * 100 >= filters.women_min * Project.members_count,
        )
    if filters.text:
        query = query.where(func.lower(Project.name).contains(filters.text.lower()))
    if filters.coach_id is not None:
        query = query.where(Project.coach_id == filters.coach_id)
    return query


def projects_of(session: Session, holder) -> list[Project]:
    return list(
        session.scalars(
            select(Project).where(Project.holder_id == holder.id).order_by(Project.id.desc())
        )
    )


def waiting_for_review(session: Session) -> int:
    """Projects a reviewer should pick up: submitted or resubmitted, not yet under review."""
    return session.scalar(
        select(func.count(Project.id)).where(Project.state.in_(("submitted", "resubmitted")))
    )


@dataclass
class Page:
    items: list
    total: int
    number: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def paged(session: Session, query, number: int, per_page: int) -> Page:
    """One page of a query's rows (the page number is clamped to the pages that exist)."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    last = max(1, -(-total // per_page))
    number = min(max(1, number), last)
    items = list(session.scalars(query.limit(per_page).offset((number - 1) * per_page)))
    return Page(items=items, total=total, number=number, per_page=per_page)


def review_query(filters: Filters):
    """What reviewers see: every project that has left the draft state."""
    query = (
        select(Project)
        .where(Project.state != "draft")
        .options(selectinload(Project.reviews), selectinload(Project.holder))
        .order_by(Project.updated_at.desc(), Project.id.desc())
    )
    return _filtered(query, filters)


def projects_for_review(session: Session, filters: Filters) -> list[Project]:
    return list(session.scalars(review_query(filters)))


def showcase_query(filters: Filters):
    """Qualified, incubated and launched projects whose holders agreed to publish them."""
    query = (
        select(Project)
        .where(Project.state.in_(SHOWCASE_STATES), Project.publish_consent.is_(True))
        .order_by(Project.name, Project.id)
    )
    filters.state = filters.state if filters.state in SHOWCASE_STATES else None
    return _filtered(query, filters)


def in_showcase(project: Project) -> bool:
    return project.state in SHOWCASE_STATES and project.publish_consent


# --- read services for other plugins (plain dicts: they never import projects) --------------


def launched_summary(project: Project) -> dict:
    return {
        "project_id": project.id,
        "name": project.name,
        "registration_number": project.registration_number,
        "registration_date": project.registration_date.isoformat()
        if project.registration_date
        else None,
        "region": project.region,
        "commune": project.commune,
        "sector": project.sector,
        "members": project.members_count,
        "women": project.members_women,
        "youth": project.members_youth,
        "summary": project.idea,
        "products": project.products,
    }


def launched_for_user(user) -> list[dict]:
    """`projects.launched_for_user`: the user's launched cooperatives, oldest first."""
    from lms.db import session

    if user is None or not getattr(user, "id", None):
        return []
    rows = session.scalars(
        select(Project)
        .where(Project.holder_id == user.id, Project.state == "launched")
        .order_by(Project.id)
    )
    return [launched_summary(project) for project in rows]
