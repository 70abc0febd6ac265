"""Forms of the admin pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField
from wtforms.validators import AnyOf, DataRequired

from lms.access import ROLES

ROLE_LABELS = {
    "learner": _l("Learner"),
    "trainer": _l("Trainer"),
    "coach": _l("Coach"),
    "admin": _l("Administrator"),
}


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=[(r, ROLE_LABELS[r]) for r in ROLES])
    action = HiddenField(validators=[DataRequired(), AnyOf(["grant", "revoke"])])


class ActiveForm(FlaskForm):
    action = HiddenField(validators=[DataRequired(), AnyOf(["deactivate", "reactivate"])])
