"""Statements written as sentences in the interface language, for the coach's timeline.

"a réussi le quiz « Valeurs et principes » avec 80 %, il y a 2 jours": the verb's display name
(lms.xapi.vocabulary), the kind of thing and its name (from the statement), the score, the time.
Only the LMS's own statements (the authority rule, lms.xapi.projections) are written as such;
what the learner's own content wrote is quoted under a label saying so, so a verb a learner
chose ("obtained a certificate") never reads as something Taawun recorded.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from flask_babel import format_percent, format_timedelta
from flask_babel import gettext as _
from markupsafe import Markup, escape

from lms.bidi import isolate
from lms.db import utcnow
from lms.i18n import current_language, localised
from lms.xapi import projections, recorder
from lms.xapi.vocabulary import ACTIVITY_TYPES, VERBS

_VERB_KEYS = {iri: key for key, (iri, _display) in VERBS.items()}
_TYPE_KEYS = {iri: key for key, iri in ACTIVITY_TYPES.items()}


def _fill(template: str, **values) -> str:
    """`template % values`, as markup (the template escaped) when a value is an isolated name."""
    if any(isinstance(value, Markup) for value in values.values()):
        return escape(template) % values
    return template % values


def _object_phrase(kind: str | None, name: str) -> str:
    """The object with its kind, as the sentence names it ("the quiz “Values”")."""
    phrases = {
        "course": lambda: _("the course “%(name)s”"),
        "module": lambda: _("the module “%(name)s”"),
        "lesson": lambda: _("the page “%(name)s”"),
        "assessment": lambda: _("the quiz “%(name)s”"),
        "interaction": lambda: _("the question “%(name)s”"),
        "activity": lambda: _("the activity “%(name)s”"),
        "meeting": lambda: _("the session “%(name)s”"),
        "cohort": lambda: _("the cohort “%(name)s”"),
        "certificate": lambda: _("the certificate “%(name)s”"),
        "coaching-session": lambda: _("the coaching session “%(name)s”"),
    }
    return _fill(phrases[kind]() if kind in phrases else "“%(name)s”", name=name)


def _when(timestamp: str | None, now: datetime) -> str:
    if not timestamp:
        return ""
    moment = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    return format_timedelta(moment - now, add_direction=True, threshold=0.9)


def sentence(
    statement: dict, now: datetime | None = None, language: str | None = None, html: bool = False
) -> str:
    """One statement as a sentence without its subject (the page names the learner).

    `html=True`: markup with the thing's name in a <bdi> (names typed by people, Latin or Arabic,
    inside a sentence of the other direction); otherwise plain text, for the CSV.
    """
    language = language or current_language()
    now = now or utcnow()
    verb = statement.get("verb", {})
    key = _VERB_KEYS.get(verb.get("id"))
    verb_text = VERBS[key][1].get(language) if key else localised(verb.get("display"), language)
    obj = statement.get("object", {})
    definition = obj.get("definition") or {}
    kind = _TYPE_KEYS.get(definition.get("type"))
    name = localised(definition.get("name"), language) or obj.get("id", "")
    phrase = _object_phrase(kind, isolate(name) if html else name)
    text = _fill(_("%(verb)s %(object)s"), verb=verb_text, object=phrase)
    score = (statement.get("result") or {}).get("score", {}).get("scaled")
    if score is not None:
        text = _fill(_("%(text)s with %(score)s"), text=text, score=format_percent(score))
    when = _when(statement.get("timestamp"), now)
    return _fill(_("%(text)s, %(when)s"), text=text, when=when) if when else text


def reported_sentence(
    statement: dict, now: datetime | None = None, language: str | None = None, html: bool = False
) -> str:
    """A statement the learner's own content wrote: its words quoted, labelled as unchecked."""
    language = language or current_language()
    verb = statement.get("verb") or {}
    obj = statement.get("object") or {}
    verb_text = localised(verb.get("display"), language) or verb.get("id", "")
    name = localised((obj.get("definition") or {}).get("name"), language) or obj.get("id", "")
    if html:
        verb_text, name = isolate(verb_text), isolate(name)
    text = _fill(
        _("reported by content the learner opened (not checked by Taawun): “%(verb)s” “%(name)s”"),
        verb=verb_text,
        name=name,
    )
    when = _when(statement.get("timestamp"), now or utcnow())
    return _fill(_("%(text)s, %(when)s"), text=text, when=when) if when else text


# --- the learner's timeline -------------------------------------------------------------------

TIMELINE_LENGTH = 30
#: Bookkeeping statements that say nothing new to a coach (progressed follows every page). A
#: voiding statement matches the learner's filter through the statement it voids (xAPI
#: Communication 2.1.3) but is someone else's correction, and the voided statement is gone.
TIMELINE_SKIPS = {VERBS["progressed"][0], VERBS["initialized"][0], VERBS["voided"][0]}


class TimelineEntry(NamedTuple):
    statement: dict
    text: str
    reported: bool  # written by the learner's own content, not by the LMS


def timeline(learner, limit: int = TIMELINE_LENGTH, html: bool = False) -> list[TimelineEntry]:
    """The learner's newest statements as sentences: the LMS's own, and what content wrote with
    the learner as actor (the launch credential's, an lrs-client's: marked as reported). Other
    statements that only mention the learner (a Group naming them as a member, someone else's
    statement about them) are left out: they are not the learner's."""
    agent = recorder.actor_dict(learner)
    ours = recorder.own_authorities()
    now = utcnow()
    found: list[TimelineEntry] = []
    for stmt in recorder.statements(agent=agent, ascending=False):
        if stmt["verb"]["id"] in TIMELINE_SKIPS:
            continue
        if projections.is_counted(stmt, ours):
            found.append(TimelineEntry(stmt, sentence(stmt, now, html=html), False))
        elif _is_learner(stmt.get("actor"), agent):
            found.append(TimelineEntry(stmt, reported_sentence(stmt, now, html=html), True))
        if len(found) >= limit:
            break
    return found


def _is_learner(who: dict | None, agent: dict) -> bool:
    who = who or {}
    return who.get("objectType", "Agent") == "Agent" and who.get("account") == agent["account"]
