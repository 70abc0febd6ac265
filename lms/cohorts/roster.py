"""Roster enrolment: the trainer brings a whole group in at once, members without e-mail.

A roster is text, pasted or uploaded as CSV: one member a line, `name[, phone[, gender[, birth
year[, region]]]]`, commas or semicolons (French spreadsheets write semicolons), an optional
header line. Every line is checked before anything is created: one bad line and nothing is
(errors are reported by line). A name already in the cohort, or twice in the list, is flagged
and skipped, never created twice. The accounts and their `joined` statements are made in the
request's one transaction; statements name the member by her opaque public id only.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms.auth import pins
from lms.auth.models import User, UserRole
from lms.auth.services import AccountError, normalise_phone
from lms.cohorts.models import Cohort
from lms.cohorts.services import add_member
from lms.regions import REGIONS

MAX_ROWS = 200
MAX_NAME = 120
HEADER_WORDS = {"name", "nom", "الاسم", "اسم"}
GENDER_WORDS = {
    "female": {"female", "f", "woman", "femme", "امرأة", "أنثى", "انثى"},
    "male": {"male", "m", "man", "homme", "رجل", "ذكر"},
}


class RosterError(ValueError):
    """Lines that cannot be enrolled: (line number, problem key) pairs; nothing was created."""

    def __init__(self, problems: list[tuple[int, str]]):
        super().__init__(problems)
        self.problems = problems


@dataclass
class Row:
    line: int
    name: str
    phone: str | None = None
    gender: str | None = None
    birth_year: int | None = None
    region: str | None = None


@dataclass
class Enrolled:
    created: list[User] = field(default_factory=list)
    #: (line, name) of the names already in the cohort or earlier in the list: not created.
    duplicates: list[tuple[int, str]] = field(default_factory=list)


def name_key(name: str) -> str:
    """Two spellings of one name that differ only in case, spaces or Unicode form are one."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def _gender(text: str) -> str:
    word = text.strip().casefold()
    for code, words in GENDER_WORDS.items():
        if word in words:
            return code
    raise AccountError("bad-gender")


def _birth_year(text: str) -> int:
    if not re.fullmatch(r"\d{4}", text.strip()):
        raise AccountError("bad-birth-year")
    year = int(text)
    if not 1920 <= year <= date.today().year - 10:
        raise AccountError("bad-birth-year")
    return year


def _region(text: str) -> str:
    word = name_key(text)
    for code, names in REGIONS.items():
        if word == code or word in {name_key(n) for n in names.values()}:
            return code
    raise AccountError("bad-region")


def _row(line: int, cells: list[str]) -> Row:
    cells = [cell.strip() for cell in cells] + [""] * 5
    name, phone, gender, year, region = cells[:5]
    name = " ".join(name.split())
    if not name:
        raise AccountError("no-name")
    if len(name) > MAX_NAME:
        raise AccountError("name-too-long")
    return Row(
        line=line,
        name=name,
        phone=normalise_phone(phone),
        gender=_gender(gender) if gender else None,
        birth_year=_birth_year(year) if year else None,
        region=_region(region) if region else None,
    )


def parse(text: str) -> list[Row]:
    """The roster's rows; RosterError lists every bad line (1-based, as an editor counts)."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    first = next((line for line in lines if line.strip()), "")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    rows, problems = [], []
    for number, cells in enumerate(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)):
        line = number + 1
        if not any(cell.strip() for cell in cells):
            continue
        if not rows and not problems and name_key(cells[0]) in HEADER_WORDS:
            continue  # a header line
        try:
            rows.append(_row(line, cells))
        except AccountError as exc:
            problems.append((line, str(exc)))
    if not rows and not problems:
        problems.append((0, "empty"))
    if len(rows) > MAX_ROWS:
        problems.append((0, "too-many"))
    if problems:
        raise RosterError(problems)
    return rows


def enrol(session: Session, cohort: Cohort, text: str, language: str) -> Enrolled:
    """Create the roster's new members and add them to the cohort (all or nothing)."""
    rows = parse(text)
    seen = {name_key(member.user.display_name) for member in cohort.members}
    result = Enrolled()
    usernames: set[str] = set()
    for row in rows:
        key = name_key(row.name)
        if key in seen:
            result.duplicates.append((row.line, row.name))
            continue
        seen.add(key)
        username = pins.free_username(session, row.name, usernames)
        usernames.add(username)
        user = User(
            email=None,
            password_hash=pins.NO_PASSWORD,
            username=username,
            display_name=row.name,
            phone=row.phone,
            gender=row.gender,
            birth_year=row.birth_year,
            region=row.region or cohort.region,
            preferred_language=language,
        )
        user.role_rows = [UserRole(role="learner")]
        session.add(user)
        try:
            session.flush()
        except IntegrityError:  # another enrolment took this username since free_username looked
            session.rollback()  # the whole list, as one transaction: nothing half-created
            raise RosterError([(0, "busy")]) from None
        add_member(session, cohort, user)
        result.created.append(user)
    return result
