"""Forms for coach assignments and the coaching log."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError


class AssignmentForm(FlaskForm):
    coach_email = EmailField(_l("Coach's e-mail address"), validators=[DataRequired()])
    cohort_id = SelectField(_l("Cohort"), validators=[Optional()], coerce=str)
    learner_email = EmailField(_l("or a learner's e-mail address"), validators=[Optional()])

    def validate_learner_email(self, field):
        if bool(field.data) == bool(self.cohort_id.data):
            raise ValidationError(_l("Choose a cohort or write a learner's address (one of them)."))


class CoachingSessionForm(FlaskForm):
    learner = SelectField(_l("Learner"), validators=[Optional()], coerce=str)
    cooperative = StringField(_l("or a cooperative"), validators=[Optional(), Length(max=160)])
    held_on = DateField(_l("Date"), validators=[DataRequired()])
    topic = StringField(_l("Topic"), validators=[DataRequired(), Length(max=200)])
    notes = TextAreaField(_l("Notes (private)"), validators=[Optional(), Length(max=5000)])
    next_steps = TextAreaField(
        _l("Next steps (the learner sees them)"), validators=[Optional(), Length(max=2000)]
    )
    follow_up_on = DateField(_l("Follow-up date"), validators=[Optional()])

    def validate_cooperative(self, field):
        if not self.learner.data and not (field.data or "").strip():
            raise ValidationError(_l("Choose a learner or name a cooperative."))

    def validate_follow_up_on(self, field):
        if field.data and self.held_on.data and field.data < self.held_on.data:
            raise ValidationError(_l("The follow-up cannot come before the session."))
