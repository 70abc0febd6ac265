"""Forms for certifying, revoking and verifying."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class CertifyForm(FlaskForm):
    course_id = HiddenField(validators=[DataRequired()])
    comment = TextAreaField(_l("Comment (optional)"), validators=[Optional(), Length(max=1000)])
    override_reason = TextAreaField(
        _l("Reason for certifying despite the missing criteria"),
        validators=[Optional(), Length(max=2000)],
    )


class RevokeForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(min=5, max=2000)])


class VerifyForm(FlaskForm):
    credential = TextAreaField(
        _l("Credential (the text of the .jwt file)"),
        validators=[DataRequired(), Length(max=20000)],
    )
