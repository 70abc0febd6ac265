"""Forms of accompaniment: enrolment, an axis of the diagnosis, SWOT, plan actions, sessions."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from lms.config import LANGUAGES
from lms.i18n import current_language
from lms.regions import region_choices
from lms.sectors import SECTORS

LANGUAGE_NAMES = {"fr": "Français", "ar": "العربية", "en": "English"}


class EnrolForm(FlaskForm):
    market_cooperative_id = SelectField(_l("Marketplace profile"), coerce=int, default=0)
    name = StringField(_l("Name of the cooperative"), [Optional(), Length(max=200)])
    region = SelectField(_l("Region"), [Optional()])
    sector = SelectField(_l("Sector"), [DataRequired(_l("Choose a sector."))])
    members_count = IntegerField(_l("Number of members"), [Optional(), NumberRange(1, 100_000)])
    women_count = IntegerField(_l("Of whom women"), [Optional(), NumberRange(0, 100_000)])
    youth_count = IntegerField(
        _l("Of whom young people (under 35)"), [Optional(), NumberRange(0, 100_000)]
    )
    year_registered = IntegerField(
        _l("Year of registration"), [Optional(), NumberRange(1900, date.today().year)]
    )
    language = SelectField(_l("Language of the cooperative"), [DataRequired()])
    programme = StringField(_l("Programme"), [DataRequired(), Length(max=120)])
    cohort = StringField(_l("Cohort of cooperatives"), [Optional(), Length(max=120)])
    start_date = DateField(_l("Start date"), [InputRequired()], default=date.today)
    horizon_months = IntegerField(_l("Horizon (months)"), [InputRequired(), NumberRange(1, 60)],
                                  default=24)  # fmt: skip
    leader_emails = TextAreaField(_l("Leaders' e-mail addresses, one a line"), [Optional()])

    def __init__(self, profiles: list[dict], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.market_cooperative_id.choices = [(0, _l("None: enter the profile below"))] + [
            (p["id"], p["name"]) for p in profiles
        ]
        self.region.choices = [("", _l("Choose a region"))] + region_choices(current_language())
        self.sector.choices = [("", _l("Choose a sector"))] + list(SECTORS.items())
        self.language.choices = [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES]

    def validate(self, extra_validators=None) -> bool:
        """The profile's fields are needed only without a marketplace profile; every problem is
        shown at once."""
        valid = super().validate(extra_validators)
        if self.market_cooperative_id.data:
            return valid
        missing = [f for f in (self.name, self.region, self.members_count)
                   if not f.data and not f.errors]  # fmt: skip
        for field in missing:
            field.errors = [*field.errors, _l("Required without a marketplace profile.")]
        return valid and not missing

    def profile(self) -> dict:
        keys = ("name", "region", "sector", "members_count", "women_count", "youth_count",
                "year_registered", "language", "programme", "cohort", "start_date",
                "horizon_months")  # fmt: skip
        data = {key: getattr(self, key).data for key in keys}
        data["women_count"] = data["women_count"] or 0
        data["youth_count"] = data["youth_count"] or 0
        data["market_cooperative_id"] = self.market_cooperative_id.data or None
        return data

    def emails(self) -> list[str]:
        return [
            line.strip() for line in (self.leader_emails.data or "").splitlines() if line.strip()
        ]


class LeaderForm(FlaskForm):
    email = StringField(_l("E-mail address of the leader"), [DataRequired(), Length(max=254)])


class StartDiagnosisForm(FlaskForm):
    month = SelectField(_l("When"), coerce=int)


class SwotForm(FlaskForm):
    strengths = TextAreaField(_l("Strengths"), [Optional(), Length(max=4000)])
    weaknesses = TextAreaField(_l("Weaknesses"), [Optional(), Length(max=4000)])
    opportunities = TextAreaField(_l("Opportunities"), [Optional(), Length(max=4000)])
    threats = TextAreaField(_l("Threats"), [Optional(), Length(max=4000)])


class ActionForm(FlaskForm):
    title = StringField(_l("Action"), [DataRequired(), Length(max=300)])
    owner = StringField(_l("Owner"), [Optional(), Length(max=120)])
    audience = StringField(_l("Who should take the training"), [Optional(), Length(max=200)])
    due_on = DateField(_l("Due date"), [InputRequired()])


class StatusForm(FlaskForm):
    status = RadioField(_l("Status"), [DataRequired()])


class SessionForm(FlaskForm):
    held_on = DateField(_l("Date"), [InputRequired()], default=date.today)
    minutes = IntegerField(_l("Duration (minutes)"), [InputRequired(), NumberRange(5, 600)])
    attendees = TextAreaField(_l("Who attended"), [DataRequired(), Length(max=2000)])
    topics = TextAreaField(_l("Topics"), [DataRequired(), Length(max=4000)])
    actions = SelectMultipleField(_l("Plan actions moved"), coerce=int)
    next_steps = TextAreaField(_l("Next steps"), [Optional(), Length(max=4000)])
    notes = TextAreaField(_l("Private notes (only the coach sees them)"),
                          [Optional(), Length(max=4000)])  # fmt: skip
