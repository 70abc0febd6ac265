"""The programme view's figures: cooperatives followed by region and sector, scores at entry and
now, actions done on time, sessions per cooperative, women-led share.

Built for thousands of cooperatives: a handful of grouped queries, and the axis scores kept as
rows when a diagnosis is completed (acc_axis_scores: no answer, no JSON is read). Each table is
a list of rows, so the page and its CSV download show the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from accompaniment.models import AxisScore, CoachingSession, FollowedCooperative, PlanAction


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


def groups(session: Session) -> tuple[list[Group], list[Group]]:
    """(by region, by sector): cooperatives, women-led ones and sessions in each.

    Two queries whatever the size: the cooperatives (a few thousand short rows) and the session
    count per cooperative (one pass over the sessions' cooperative index), added up here.
    """
    coop = FollowedCooperative
    sessions = dict(
        session.execute(
            select(CoachingSession.cooperative_id, func.count()).group_by(
                CoachingSession.cooperative_id
            )
        ).all()
    )
    by_region: dict[str, Group] = {}
    by_sector: dict[str, Group] = {}
    rows = session.execute(
        select(coop.id, coop.region, coop.sector, coop.women_count * 2 > coop.members_count)
    )
    for coop_id, region, sector, women_led in rows:
        for found, key in ((by_region, region), (by_sector, sector)):
            group = found.get(key) or found.setdefault(key, Group(key))
            group.cooperatives += 1
            group.women_led += bool(women_led)
            group.sessions += sessions.get(coop_id, 0)

    def ordered(found: dict[str, Group]) -> list[Group]:
        return sorted(found.values(), key=lambda g: (-g.cooperatives, g.key))

    return ordered(by_region), ordered(by_sector)


def axis_averages(session: Session) -> dict[str, tuple[float | None, float | None]]:
    """{axis: (average at entry, average now)}: now is each cooperative's latest diagnosis."""
    entry = dict(
        session.execute(
            select(AxisScore.axis, func.avg(AxisScore.score))
            .where(AxisScore.month == 0)
            .group_by(AxisScore.axis)
        ).all()
    )
    latest = (
        select(AxisScore.cooperative_id, func.max(AxisScore.month).label("month"))
        .group_by(AxisScore.cooperative_id)
        .subquery()
    )
    now = dict(
        session.execute(
            select(AxisScore.axis, func.avg(AxisScore.score))
            .join(
                latest,
                (AxisScore.cooperative_id == latest.c.cooperative_id)
                & (AxisScore.month == latest.c.month),
            )
            .group_by(AxisScore.axis)
        ).all()
    )

    def number(value):
        return None if value is None else float(value)

    return {axis: (number(entry.get(axis)), number(now.get(axis))) for axis in entry | now}


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
    by_region, by_sector = groups(session)
    cooperatives = sum(g.cooperatives for g in by_region)
    women_led = sum(g.women_led for g in by_region)
    sessions = sum(g.sessions for g in by_region)
    return {
        "cooperatives": cooperatives,
        "women_led_share": women_led / cooperatives if cooperatives else 0.0,
        "sessions_per_cooperative": sessions / cooperatives if cooperatives else 0.0,
        "by_region": by_region,
        "by_sector": by_sector,
        "axes": axis_averages(session),
        "actions": action_figures(session),
    }
