"""Forms for accreditation, cohorts, joining, members, sessions and attendance."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    EmailField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from lms.cohorts import catalog
from lms.i18n import current_language
from lms.regions import region_choices


class MultiCheckboxField(SelectMultipleField):
    """Several choices as checkboxes: easier than a multiple select on a phone."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AccreditForm(FlaskForm):
    trainer_email = EmailField(_l("Trainer's e-mail address"), validators=[DataRequired()])
    course_id = SelectField(_l("Course"), validators=[DataRequired()])
    note = TextAreaField(_l("Evidence (optional)"), validators=[Optional(), Length(max=2000)])

    def fill_choices(self):
        self.course_id.choices = catalog.course_choices()
        return self


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(min=5, max=2000)])


class CohortForm(FlaskForm):
    name = StringField(_l("Name of the cohort"), validators=[DataRequired(), Length(max=120)])
    course_ids = MultiCheckboxField(_l("Courses"), validators=[DataRequired()])
    region = SelectField(_l("Region"), validators=[DataRequired()])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=160)])
    starts_on = DateField(_l("First day"), validators=[DataRequired()])
    ends_on = DateField(_l("Last day"), validators=[Optional()])

    def fill_choices(self):
        self.course_ids.choices = catalog.course_choices()
        self.region.choices = [("", _l("Choose a region")), *region_choices(current_language())]
        return self

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The last day cannot come before the first day."))


class JoinForm(FlaskForm):
    code = StringField(
        _l("Join code"),
        validators=[DataRequired(), Length(max=20)],
        render_kw={"autocomplete": "off"},
    )


class ConfirmForm(FlaskForm):
    """A form with only its CSRF token: for buttons that change something."""


class AddMemberForm(FlaskForm):
    email = EmailField(_l("Learner's e-mail address"), validators=[DataRequired()])


class SessionForm(FlaskForm):
    held_on = DateField(_l("Date"), validators=[DataRequired()])
    module = SelectField(_l("Module covered"), validators=[DataRequired()])

    def fill_choices(self, cohort):
        self.module.choices = catalog.module_choices(cohort.course_ids)
        return self


class RosterForm(FlaskForm):
    """Members by name: typed or pasted, or a CSV file (name, phone, gender, birth year,
    region)."""

    names = TextAreaField(
        _l("Names, one a line (optionally: name, phone, gender, birth year, region)"),
        validators=[Optional(), Length(max=50_000)],
        render_kw={"rows": 10},
    )
    csv_file = FileField(_l("Or a CSV file"))
