"""Validation of statements and agents against the xAPI data rules (1.0.3 Data, 2.0.0 Part Two)."""

import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from . import jsonutil
from .errors import ValidationError

UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
IRI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]*$")
MBOX_RE = re.compile(r"^mailto:[^@\s]+@[^@\s]+$")
SHA1_RE = re.compile(r"^[0-9a-fA-F]{40}$")
# RFC 5646 language tag, simplified: letters/digits subtags separated by '-'.
LANG_RE = re.compile(
    r"^(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})(?:-[A-Za-z]{4})?"
    r"(?:-(?:[A-Za-z]{2}|[0-9]{3}))?(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*"
    r"(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*(?:-[xX](?:-[A-Za-z0-9]{1,8})+)?$"
    r"|^[xX](?:-[A-Za-z0-9]{1,8})+$"
)
# ISO 8601 extended or basic date-time (xAPI Data 4.5); a negative zero offset is refused.
TIMESTAMP_RE = re.compile(
    r"^(\d{4})-?(\d{2})-?(\d{2})T(\d{2})(?::?(\d{2})(?::?(\d{2})(?:[.,](\d+))?)?)?"
    r"(Z|[+-]\d{2}(?::?\d{2})?)?$"
)
# ISO 8601 duration; weeks (PnW) stand alone, they do not combine with other units.
DURATION_RE = re.compile(
    r"^P(?:\d+(?:[.,]\d+)?W|(?=\d|T\d)(?:\d+(?:[.,]\d+)?Y)?(?:\d+(?:[.,]\d+)?M)?"
    r"(?:\d+(?:[.,]\d+)?D)?(?:T(?=\d)(?:\d+(?:[.,]\d+)?H)?(?:\d+(?:[.,]\d+)?M)?"
    r"(?:\d+(?:[.,]\d+)?S)?)?)$"
)
VERSION_RE = re.compile(r"^(1\.0(\.\d+)?|2\.0(\.\d+)?)$")

VOIDED_VERB = "http://adlnet.gov/expapi/verbs/voided"
SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature"

INTERACTION_TYPES = {
    "true-false": (),
    "choice": ("choices",),
    "fill-in": (),
    "long-fill-in": (),
    "matching": ("source", "target"),
    "performance": ("steps",),
    "sequencing": ("choices",),
    "likert": ("scale",),
    "numeric": (),
    "other": (),
}
COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")


# Actors, verbs and activities recur from statement to statement (the same learners, verbs and
# course pages): each one found valid is remembered by its JSON text, and the same text is not
# checked again. Only successes are kept, so every error still names its own path. The text is
# exact, except that orjson writes NaN as null; no place of these objects accepts the one and
# refuses the other (strings everywhere, extensions unchecked), so the memo cannot change a verdict.
VALID_SEEN: dict[tuple[str, bool, bytes], bool] = {}
VALID_SEEN_LIMIT = 20_000


def seen_valid(kind: str, v2: bool, value) -> tuple | None:
    """The memo key of `value` when it was found valid before, else None (see VALID_SEEN)."""
    try:
        key = (kind, v2, jsonutil.dumps_bytes(value))
    except (TypeError, ValueError):
        return ("", False, b"")  # not JSON-serialisable as is: never remembered
    return None if key in VALID_SEEN else key


def remember_valid(key: tuple):
    if key[0]:
        if len(VALID_SEEN) >= VALID_SEEN_LIMIT:
            VALID_SEEN.clear()
        VALID_SEEN[key] = True


def fail(path: str, why: str):
    raise ValidationError(f"{path}: {why}")


def check_object(value, path: str, allowed: set[str], required: tuple[str, ...] = ()) -> dict:
    if not isinstance(value, dict):
        fail(path, "must be a JSON object")
    for key, item in value.items():
        if key not in allowed:
            fail(f"{path}.{key}", "is not a property allowed here")
        if item is None:
            # Data 2.2: no null values (extensions, which may hold them, are not walked).
            fail(f"{path}.{key}", "must not be null")
    for key in required:
        if key not in value:
            fail(f"{path}.{key}", "is required")
    return value


def check_string(value, path: str) -> str:
    if not isinstance(value, str):
        fail(path, "must be a string")
    return value


def check_bool(value, path: str):
    if not isinstance(value, bool):
        fail(path, "must be true or false")


def check_iri(value, path: str) -> str:
    check_string(value, path)
    if not IRI_RE.match(value):
        fail(path, "must be an absolute IRI (scheme:...)")
    return value


def check_uuid(value, path: str) -> str:
    check_string(value, path)
    if not UUID_RE.match(value):
        fail(path, "must be a UUID")
    return value


def check_language_map(value, path: str):
    if not isinstance(value, dict):
        fail(path, "must be a language map (object of language tag: string)")
    for tag, text in value.items():
        if not LANG_RE.match(tag):
            fail(f"{path}.{tag}", "is not an RFC 5646 language tag")
        if not isinstance(text, str):
            fail(f"{path}.{tag}", "must be a string")


def check_extensions(value, path: str):
    if not isinstance(value, dict):
        fail(path, "must be an object whose keys are IRIs")
    for key in value:
        if not IRI_RE.match(key):
            fail(f"{path}.{key}", "extension keys must be IRIs")


def parse_timestamp(value, path: str) -> datetime:
    """Parse an ISO 8601 timestamp (xAPI Data 4.5); naive times are taken as UTC."""
    check_string(value, path)
    match = TIMESTAMP_RE.match(value)
    if not match:
        fail(path, "must be an ISO 8601 timestamp")
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    if offset and offset[0] == "-" and set(offset[1:]) <= {"0", ":"}:
        fail(path, "must not use a negative zero offset (-00:00)")
    try:
        tz = UTC
        if offset and offset != "Z":
            digits = offset[1:].replace(":", "")
            delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
            tz = timezone(delta if offset[0] == "+" else -delta)
        micro = int((fraction or "0")[:6].ljust(6, "0"))
        return datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute or 0),
            int(second or 0),
            micro,
            tz,
        )
    except ValueError:
        fail(path, "is not a valid date and time")


def check_duration(value, path: str):
    check_string(value, path)
    if not DURATION_RE.match(value):
        fail(path, "must be an ISO 8601 duration")


class Validator:
    """Checks one statement; `version` is the request's X-Experience-API-Version (1.0 or 2.0)."""

    def __init__(self, version: str = "1.0.3"):
        self.v2 = version.startswith("2.")

    # actors --------------------------------------------------------------
    def agent(self, value, path: str, object_type_required: bool = False):
        allowed = {"objectType", "name", "mbox", "mbox_sha1sum", "openid", "account"}
        check_object(value, path, allowed)
        if (object_type_required or "objectType" in value) and value.get("objectType") != "Agent":
            fail(f"{path}.objectType", "must be 'Agent'")
        if "name" in value:
            check_string(value["name"], f"{path}.name")
        if self.ifi_count(value, path) != 1:
            fail(path, "an Agent needs exactly one of mbox, mbox_sha1sum, openid, account")

    def ifi_count(self, value: dict, path: str) -> int:
        count = 0
        if "mbox" in value:
            count += 1
            check_string(value["mbox"], f"{path}.mbox")
            if not MBOX_RE.match(value["mbox"]):
                fail(f"{path}.mbox", "must be a mailto: IRI")
        if "mbox_sha1sum" in value:
            count += 1
            check_string(value["mbox_sha1sum"], f"{path}.mbox_sha1sum")
            if not SHA1_RE.match(value["mbox_sha1sum"]):
                fail(f"{path}.mbox_sha1sum", "must be a hex SHA-1 of a mailto: IRI")
        if "openid" in value:
            count += 1
            check_iri(value["openid"], f"{path}.openid")
        if "account" in value:
            count += 1
            account = check_object(
                value["account"], f"{path}.account", {"homePage", "name"}, ("homePage", "name")
            )
            check_iri(account["homePage"], f"{path}.account.homePage")
            check_string(account["name"], f"{path}.account.name")
        return count

    def group(self, value, path: str):
        allowed = {"objectType", "name", "mbox", "mbox_sha1sum", "openid", "account", "member"}
        check_object(value, path, allowed)
        if value.get("objectType") != "Group":
            fail(f"{path}.objectType", "must be 'Group'")
        if "name" in value:
            check_string(value["name"], f"{path}.name")
        count = self.ifi_count(value, path)
        if count > 1:
            fail(path, "a Group has at most one of mbox, mbox_sha1sum, openid, account")
        if count == 0 and "member" not in value:
            fail(f"{path}.member", "is required for an anonymous Group")
        if "member" in value:
            members = value["member"]
            if not isinstance(members, list):
                fail(f"{path}.member", "must be an array of Agents")
            if count == 0 and not members and not self.v2:
                fail(f"{path}.member", "an anonymous Group needs at least one member")
            for i, member in enumerate(members):
                self.agent(member, f"{path}.member[{i}]")

    def actor(self, value, path: str):
        if (key := seen_valid("actor", self.v2, value)) is None:
            return
        if isinstance(value, dict) and value.get("objectType") == "Group":
            self.group(value, path)
        else:
            self.agent(value, path)
        remember_valid(key)

    # verb, activity ------------------------------------------------------
    def verb(self, value, path: str):
        if (key := seen_valid("verb", self.v2, value)) is None:
            return
        check_object(value, path, {"id", "display"}, ("id",))
        check_iri(value["id"], f"{path}.id")
        if "display" in value:
            check_language_map(value["display"], f"{path}.display")
        remember_valid(key)

    def activity(self, value, path: str):
        if (key := seen_valid("activity", self.v2, value)) is None:
            return
        check_object(value, path, {"objectType", "id", "definition"}, ("id",))
        if "objectType" in value and value["objectType"] != "Activity":
            fail(f"{path}.objectType", "must be 'Activity'")
        check_iri(value["id"], f"{path}.id")
        if "definition" in value:
            self.definition(value["definition"], f"{path}.definition")
        remember_valid(key)

    def definition(self, value, path: str):
        allowed = {
            "name",
            "description",
            "type",
            "moreInfo",
            "extensions",
            "interactionType",
            "correctResponsesPattern",
            *COMPONENT_LISTS,
        }
        check_object(value, path, allowed)
        for key in ("name", "description"):
            if key in value:
                check_language_map(value[key], f"{path}.{key}")
        if "type" in value:
            check_iri(value["type"], f"{path}.type")
        if "moreInfo" in value:
            check_iri(value["moreInfo"], f"{path}.moreInfo")
        if "extensions" in value:
            check_extensions(value["extensions"], f"{path}.extensions")
        kind = value.get("interactionType")
        if kind is not None and (not isinstance(kind, str) or kind not in INTERACTION_TYPES):
            fail(f"{path}.interactionType", f"must be one of {', '.join(INTERACTION_TYPES)}")
        if "correctResponsesPattern" in value:
            if kind is None:
                fail(f"{path}.correctResponsesPattern", "needs an interactionType")
            pattern = value["correctResponsesPattern"]
            if not isinstance(pattern, list) or not all(isinstance(p, str) for p in pattern):
                fail(f"{path}.correctResponsesPattern", "must be an array of strings")
        for key in COMPONENT_LISTS:
            if key not in value:
                continue
            if kind is None or key not in INTERACTION_TYPES[kind]:
                fail(f"{path}.{key}", f"is not allowed for interactionType {kind!r}")
            components = value[key]
            if not isinstance(components, list):
                fail(f"{path}.{key}", "must be an array of interaction components")
            seen = set()
            for i, component in enumerate(components):
                cpath = f"{path}.{key}[{i}]"
                check_object(component, cpath, {"id", "description"}, ("id",))
                check_string(component["id"], f"{cpath}.id")
                if component["id"] in seen:
                    fail(f"{cpath}.id", "interaction component ids must be unique")
                seen.add(component["id"])
                if "description" in component:
                    check_language_map(component["description"], f"{cpath}.description")

    # object ---------------------------------------------------------------
    def statement_object(self, value, path: str, in_substatement: bool = False):
        if not isinstance(value, dict):
            fail(path, "must be a JSON object")
        kind = value.get("objectType", "Activity")
        if kind == "Activity":
            self.activity(value, path)
        elif kind == "Agent":
            self.agent(value, path, object_type_required=True)
        elif kind == "Group":
            self.group(value, path)
        elif kind == "StatementRef":
            self.statement_ref(value, path)
        elif kind == "SubStatement":
            if in_substatement:
                fail(f"{path}.objectType", "a SubStatement cannot contain a SubStatement")
            self.substatement(value, path)
        else:
            fail(
                f"{path}.objectType", "must be Activity, Agent, Group, StatementRef or SubStatement"
            )

    def statement_ref(self, value, path: str):
        check_object(value, path, {"objectType", "id"}, ("objectType", "id"))
        if value["objectType"] != "StatementRef":
            fail(f"{path}.objectType", "must be 'StatementRef'")
        check_uuid(value["id"], f"{path}.id")

    def substatement(self, value, path: str):
        allowed = {"objectType", "actor", "verb", "object", "result", "context", "timestamp"}
        allowed.add("attachments")
        for key in ("id", "stored", "version", "authority"):
            if key in value:
                fail(f"{path}.{key}", "is not allowed in a SubStatement")
        check_object(value, path, allowed, ("actor", "verb", "object"))
        self.body(value, path, in_substatement=True)

    # result, context ------------------------------------------------------
    def result(self, value, path: str):
        allowed = {"score", "success", "completion", "response", "duration", "extensions"}
        check_object(value, path, allowed)
        if "score" in value:
            self.score(value["score"], f"{path}.score")
        for key in ("success", "completion"):
            if key in value:
                check_bool(value[key], f"{path}.{key}")
        if "response" in value:
            check_string(value["response"], f"{path}.response")
        if "duration" in value:
            check_duration(value["duration"], f"{path}.duration")
        if "extensions" in value:
            check_extensions(value["extensions"], f"{path}.extensions")

    def score(self, value, path: str):
        check_object(value, path, {"scaled", "raw", "min", "max"})
        for key in value:
            if not isinstance(value[key], int | float) or isinstance(value[key], bool):
                fail(f"{path}.{key}", "must be a number")
        if "scaled" in value and not -1 <= value["scaled"] <= 1:
            fail(f"{path}.scaled", "must be between -1 and 1")
        if "min" in value and "max" in value and value["min"] >= value["max"]:
            fail(f"{path}.max", "must be greater than min")
        if "raw" in value:
            if "min" in value and value["raw"] < value["min"]:
                fail(f"{path}.raw", "must not be less than min")
            if "max" in value and value["raw"] > value["max"]:
                fail(f"{path}.raw", "must not be greater than max")

    def context(self, value, path: str, statement: dict):
        allowed = {
            "registration",
            "instructor",
            "team",
            "contextActivities",
            "revision",
            "platform",
            "language",
            "statement",
            "extensions",
        }
        if self.v2:
            allowed |= {"contextAgents", "contextGroups"}
        check_object(value, path, allowed)
        if "registration" in value:
            check_uuid(value["registration"], f"{path}.registration")
        if "instructor" in value:
            self.actor(value["instructor"], f"{path}.instructor")
        if "team" in value:
            self.group(value["team"], f"{path}.team")
        object_type = statement.get("object", {}).get("objectType", "Activity")
        for key in ("revision", "platform"):
            if key in value:
                check_string(value[key], f"{path}.{key}")
                if object_type != "Activity":
                    fail(f"{path}.{key}", "is only allowed when the object is an Activity")
        if "language" in value:
            check_string(value["language"], f"{path}.language")
            if not LANG_RE.match(value["language"]):
                fail(f"{path}.language", "must be an RFC 5646 language tag")
        if "statement" in value:
            self.statement_ref(value["statement"], f"{path}.statement")
        if "extensions" in value:
            check_extensions(value["extensions"], f"{path}.extensions")
        if "contextActivities" in value:
            self.context_activities(value["contextActivities"], f"{path}.contextActivities")

        for key, member in (("contextAgents", "agent"), ("contextGroups", "group")):
            if key not in value:
                continue
            if not isinstance(value[key], list):
                fail(f"{path}.{key}", "must be an array")
            for i, item in enumerate(value[key]):
                ipath = f"{path}.{key}[{i}]"
                check_object(item, ipath, {"objectType", member, "relevantTypes"}, (member,))
                expected = "contextAgent" if member == "agent" else "contextGroup"
                if item.get("objectType") != expected:
                    fail(f"{ipath}.objectType", f"must be {expected!r}")
                if member == "agent":
                    self.agent(item["agent"], f"{ipath}.agent")
                else:
                    self.group(item["group"], f"{ipath}.group")
                if "relevantTypes" in item:
                    types = item["relevantTypes"]
                    if not isinstance(types, list) or not types:
                        fail(f"{ipath}.relevantTypes", "must be a non-empty array of IRIs")
                    for j, iri in enumerate(types):
                        check_iri(iri, f"{ipath}.relevantTypes[{j}]")

    def context_activities(self, value, path: str):
        # Remembered as a whole: a page's parent and grouping come back in every statement.
        if (key := seen_valid("contextActivities", self.v2, value)) is None:
            return
        check_object(value, path, {"parent", "grouping", "category", "other"})
        for kind, items in value.items():
            if isinstance(items, dict):
                self.activity(items, f"{path}.{kind}")
            elif isinstance(items, list):
                for i, item in enumerate(items):
                    self.activity(item, f"{path}.{kind}[{i}]")
            else:
                fail(f"{path}.{kind}", "must be an Activity or an array of Activities")
        remember_valid(key)

    # attachments -----------------------------------------------------------
    def attachments(self, value, path: str):
        if not isinstance(value, list):
            fail(path, "must be an array of attachments")
        allowed = {
            "usageType",
            "display",
            "description",
            "contentType",
            "length",
            "sha2",
            "fileUrl",
        }
        for i, item in enumerate(value):
            ipath = f"{path}[{i}]"
            check_object(
                item, ipath, allowed, ("usageType", "display", "contentType", "length", "sha2")
            )
            check_iri(item["usageType"], f"{ipath}.usageType")
            check_language_map(item["display"], f"{ipath}.display")
            if "description" in item:
                check_language_map(item["description"], f"{ipath}.description")
            check_string(item["contentType"], f"{ipath}.contentType")
            if (
                not isinstance(item["length"], int)
                or isinstance(item["length"], bool)
                or item["length"] < 0
            ):
                fail(f"{ipath}.length", "must be a non-negative integer")
            check_string(item["sha2"], f"{ipath}.sha2")
            if not re.match(r"^[0-9a-fA-F]{56,128}$", item["sha2"]):
                fail(f"{ipath}.sha2", "must be a hex SHA-2 hash")
            if "fileUrl" in item:
                check_iri(item["fileUrl"], f"{ipath}.fileUrl")

    # statement ---------------------------------------------------------------
    def body(self, value: dict, path: str, in_substatement: bool = False):
        self.actor(value["actor"], f"{path}.actor")
        self.verb(value["verb"], f"{path}.verb")
        self.statement_object(value["object"], f"{path}.object", in_substatement)
        if "result" in value:
            self.result(value["result"], f"{path}.result")
        if "context" in value:
            self.context(value["context"], f"{path}.context", value)
        if "timestamp" in value:
            parse_timestamp(value["timestamp"], f"{path}.timestamp")
        if "attachments" in value:
            self.attachments(value["attachments"], f"{path}.attachments")

    def statement(self, value, path: str):
        allowed = {
            "id",
            "actor",
            "verb",
            "object",
            "result",
            "context",
            "timestamp",
            "stored",
            "authority",
            "version",
            "attachments",
        }
        check_object(value, path, allowed, ("actor", "verb", "object"))
        if "id" in value:
            check_uuid(value["id"], f"{path}.id")
        self.body(value, path)
        if "stored" in value:
            parse_timestamp(value["stored"], f"{path}.stored")
        if "authority" in value:
            self.authority(value["authority"], f"{path}.authority")
        if "version" in value:
            check_string(value["version"], f"{path}.version")
            if not VERSION_RE.match(value["version"]):
                fail(f"{path}.version", "must be a 1.0.x or 2.0.x version")
        if (
            value["verb"]["id"] == VOIDED_VERB
            and value["object"].get("objectType") != "StatementRef"
        ):
            fail(f"{path}.object", "a voiding statement's object must be a StatementRef")

    def authority(self, value, path: str):
        self.actor(value, path)
        if value.get("objectType") == "Group":
            # Data 2.4.9: a Group authority is the OAuth pair: anonymous, two Agents.
            if any(key in value for key in ("mbox", "mbox_sha1sum", "openid", "account")):
                fail(path, "an authority Group must be anonymous (OAuth consumer and user)")
            if len(value.get("member", [])) != 2:
                fail(f"{path}.member", "an authority Group has exactly two Agents (OAuth)")


def validate_statement(statement: Any, path: str = "statement", version: str = "1.0.3"):
    Validator(version).statement(statement, path)


def validate_agent(agent: Any, path: str = "agent", version: str = "1.0.3"):
    """An agent parameter (documents, agents resource, filters): Agent or identified Group."""
    validator = Validator(version)
    if isinstance(agent, dict) and agent.get("objectType") == "Group":
        validator.group(agent, path)
    else:
        validator.agent(agent, path)
