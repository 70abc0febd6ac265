"""Projections: the LMS's own statements folded into tables, through one door.

`view` reads a statement once: where it happened (our activity IRIs), the verb, the learner, the
registration, the time, the result, and whether it counts. `feed` gives every statement the
recorder records to each registered projection (progress, coaching tallies) in the same
transaction; `rebuild` empties them and replays the LRS (built-in or external) with the same rule.

The authority rule (issue 13): only statements whose `authority` is the LMS's own count. The
launch credential of `GET /launch/xapi` and the `lrs-client` credentials can write statements the
LRS keeps and the coach may see as the learner's own content, but never a page seen, a quiz
passed or a course completed: a learner must not be able to make up a certificate.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from lms.xapi.vocabulary import VERBS

_VERB_KEYS = {iri: key for key, (iri, _display) in VERBS.items()}
#: statements are handed to the projections this many at a time on a rebuild
BATCH = 2000
_FED = "taawun_projections_fed"


# --- where: our activity IRIs, parsed in this one place ----------------------------------------


@dataclass(frozen=True, slots=True)
class Where:
    """One of our activities: kind is course, module, page, quiz, question or activity."""

    course: str
    kind: str
    module: str | None = None
    item: str | None = None  # the page or question id


def parse_iri(iri: str, base_url: str) -> Where | None:
    """The place of one of our course activity IRIs (lms.courses.statements builds them)."""
    prefix = base_url.rstrip("/") + "/courses/"
    if not iri.startswith(prefix):
        return None
    parts = iri[len(prefix) :].split("/")
    if len(parts) == 1:
        return Where(parts[0], "course") if parts[0] else None
    if len(parts) < 3 or parts[1] != "modules" or not parts[0] or not parts[2]:
        return None
    course, module, rest = parts[0], parts[2], parts[3:]
    if not rest:
        return Where(course, "module", module)
    if rest[0] == "pages" and len(rest) == 2:
        return Where(course, "page", module, rest[1])
    if rest == ["quiz"]:
        return Where(course, "quiz", module)
    if rest[:2] == ["quiz", "questions"] and len(rest) == 3:
        return Where(course, "question", module, rest[2])
    if rest == ["activity"]:
        return Where(course, "activity", module)
    return None


# --- the typed view of a statement ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StatementView:
    id: str
    verb: str | None  # key in lms.xapi.vocabulary.VERBS, None for a verb not ours
    learner: str | None  # the actor's public id, when the actor is one of our accounts
    where: Where | None
    registration: str | None
    timestamp: datetime
    result: dict
    counted: bool


def authority_key(authority: dict | None) -> str:
    """A comparable form of an authority (an LRS returns the same one for every statement its
    credential stored)."""
    return json.dumps(authority or {}, sort_keys=True, separators=(",", ":"))


def is_counted(statement: dict, ours: Iterable[str]) -> bool:
    """The rule: a statement counts only when its authority is one of the LMS's own."""
    return authority_key(statement.get("authority")) in ours


def _timestamp(statement: dict) -> datetime:
    value = statement.get("timestamp") or statement.get("stored")
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def view(statement: dict, base_url: str, counted: bool) -> StatementView:
    actor = statement.get("actor") or {}
    account = actor.get("account") or {}
    ours = actor.get("objectType", "Agent") == "Agent" and account.get("homePage") == base_url
    obj = statement.get("object") or {}
    activity = obj.get("objectType", "Activity") == "Activity"
    return StatementView(
        id=statement.get("id", ""),
        verb=_VERB_KEYS.get((statement.get("verb") or {}).get("id")),
        learner=account.get("name") if ours else None,
        where=parse_iri(obj.get("id", ""), base_url) if activity else None,
        registration=(statement.get("context") or {}).get("registration"),
        timestamp=_timestamp(statement),
        result=statement.get("result") or {},
        counted=counted,
    )


# --- the registry ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Projection:
    """A table folded from statements. `fold(session, views)` receives, in stored order, only
    counted statements about our courses, with one of `verbs`, whose actor is one of our
    accounts (`view.learner`, a public id: the projection finds the user, this room does not
    know accounts); `clear(session)` empties the table before a rebuild."""

    name: str
    verbs: frozenset[str]
    fold: Callable[[Session, list[StatementView]], None]
    clear: Callable[[Session], None]


_registry: dict[str, Projection] = {}


def register(projection: Projection) -> None:
    _registry[projection.name] = projection


def registered() -> list[Projection]:
    return list(_registry.values())


def _fold(session: Session, views: list[StatementView], chosen: list[Projection]) -> None:
    useful = [v for v in views if v.counted and v.where is not None and v.learner]
    for projection in chosen:
        mine = [v for v in useful if v.verb in projection.verbs]
        if mine:
            projection.fold(session, mine)
    session.flush()


def feed(session: Session, statements: list[dict], base_url: str) -> None:
    """Fold statements the recorder has just recorded (so they are the LMS's own).

    A statement is folded once per session even if it is fed twice (a caller that still folds
    after recording, as lms.courses.services did before the recorder fed projections)."""
    fed = session.info.setdefault(_FED, set())
    fresh = [s for s in statements if s.get("id") not in fed]
    fed.update(s.get("id") for s in fresh)
    _fold(session, [view(s, base_url, counted=True) for s in fresh], registered())


def chosen(names: Iterable[str] | None = None) -> list[Projection]:
    """The registered projections named (all of them when `names` is None)."""
    if names is None:
        return registered()
    unknown = set(names) - set(_registry)
    if unknown:
        raise KeyError(f"no projection named {', '.join(sorted(unknown))}")
    return [_registry[name] for name in names]


def rebuild(
    session: Session,
    statements: Iterable[dict],
    ours: set[str],
    base_url: str,
    targets: list[Projection],
) -> int:
    """Empty the `targets` and fold `statements` (oldest first) into them by the authority
    rule; returns how many statements were read."""
    for projection in targets:
        projection.clear(session)
    session.flush()
    read, batch = 0, []
    for statement in statements:
        batch.append(view(statement, base_url, is_counted(statement, ours)))
        read += 1
        if len(batch) >= BATCH:
            _fold(session, batch, targets)
            batch = []
    _fold(session, batch, targets)
    return read
