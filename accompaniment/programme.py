"""The programme view's figures: cooperatives followed by region and sector, scores at entry and
now, actions done on time, sessions per cooperative, women-led share.

Built for thousands of cooperatives: a handful of grouped queries, and the axis scores stored
on each completed diagnosis (no answer is read). Each table is a list of rows, so the page and
its CSV download show the same numbers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from accompaniment.models import CoachingSession, Diagnosis, FollowedCooperative, PlanAction


@dataclass
class Group:
    key: str
    cooperatives: int = 0
    women_led: int = 0
    sessions: int = 0

    @property
    def women_led_share(self) -> float:
        return self.women_led / self.cooperatives if self.cooperatives else 0.0

    @property
    def sessions_per_cooperative(self) -> float:
        return self.sessions / self.cooperatives if self.cooperatives else 0.0


def groups(session: Session, column) -> list[Group]:
    """Cooperatives, women-led ones and sessions, grouped by `column` (region or sector)."""
    coop = FollowedCooperative
    women_led = func.sum(case((coop.women_count * 2 > coop.members_count, 1), else_=0))
    found = {
        key: Group(key, count, int(led or 0))
        for key, count, led in session.execute(
            select(column, func.count(), women_led).group_by(column)
        )
    }
    sessions = (
        select(column, func.count(CoachingSession.id))
        .join(CoachingSession, CoachingSession.cooperative_id == coop.id)
        .group_by(column)
    )
    for key, count in session.execute(sessions):
        found[key].sessions = count
    return sorted(found.values(), key=lambda g: (-g.cooperatives, g.key))


def axis_averages(session: Session) -> dict[str, tuple[float | None, float | None]]:
    """{axis: (average at entry, average now)}: now is each cooperative's latest diagnosis."""
    entry: dict[str, list[int]] = defaultdict(list)
    latest: dict[int, tuple[int, dict]] = {}
    rows = session.execute(
        select(Diagnosis.cooperative_id, Diagnosis.month, Diagnosis.axis_scores).where(
            Diagnosis.completed_at.is_not(None)
        )
    )
    for coop_id, month, scores in rows:
        if month == 0:
            for axis, score in scores.items():
                entry[axis].append(score)
        if coop_id not in latest or latest[coop_id][0] < month:
            latest[coop_id] = (month, scores)
    now: dict[str, list[int]] = defaultdict(list)
    for _month, scores in latest.values():
        for axis, score in scores.items():
            now[axis].append(score)

    def mean(values):
        return sum(values) / len(values) if values else None

    return {axis: (mean(entry[axis]), mean(now[axis])) for axis in entry.keys() | now.keys()}


@dataclass
class ActionFigures:
    total: int
    done: int
    done_on_time: int
    overdue: int

    @property
    def on_time_share(self) -> float:
        return self.done_on_time / self.done if self.done else 0.0


def action_figures(session: Session, today: date | None = None) -> ActionFigures:
    today = today or date.today()
    done = PlanAction.status == "done"
    row = session.execute(
        select(
            func.count(),
            func.sum(case((done, 1), else_=0)),
            func.sum(case((done & (PlanAction.done_on <= PlanAction.due_on), 1), else_=0)),
            func.sum(
                case(
                    (
                        PlanAction.status.in_(("planned", "in-progress"))
                        & (PlanAction.due_on < today),
                        1,
                    ),
                    else_=0,
                )
            ),
        )
    ).one()
    return ActionFigures(*(int(value or 0) for value in row))


def summary(session: Session) -> dict:
    by_region = groups(session, FollowedCooperative.region)
    cooperatives = sum(g.cooperatives for g in by_region)
    women_led = sum(g.women_led for g in by_region)
    sessions = sum(g.sessions for g in by_region)
    return {
        "cooperatives": cooperatives,
        "women_led_share": women_led / cooperatives if cooperatives else 0.0,
        "sessions_per_cooperative": sessions / cooperatives if cooperatives else 0.0,
        "by_region": by_region,
        "by_sector": groups(session, FollowedCooperative.sector),
        "axes": axis_averages(session),
        "actions": action_figures(session),
    }
