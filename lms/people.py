"""The programmes' reporting rules about people: who counts as young, the gender options."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

#: Youth as the cooperative programmes count it: under 35 years old.
YOUTH_MAX_AGE = 34

GENDERS = {"female": _l("Woman"), "male": _l("Man")}


def age(birth_year: int | None, today: date | None = None) -> int | None:
    if birth_year is None:
        return None
    return (today or date.today()).year - birth_year


def is_youth(birth_year: int | None, today: date | None = None) -> bool:
    years = age(birth_year, today)
    return years is not None and years <= YOUTH_MAX_AGE


def is_woman(gender: str | None) -> bool:
    return gender == "female"
