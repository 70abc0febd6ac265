"""Forms of the course player (quiz answers are read by lms.courses.quiz)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

ANSWER_MAX = 5000


class ActivityAnswerForm(FlaskForm):
    answer = TextAreaField(
        _l("Your answer"),
        validators=[
            DataRequired(message=_l("Write your answer before saving.")),
            Length(max=ANSWER_MAX, message=_l("Keep your answer under 5000 characters.")),
        ],
    )
