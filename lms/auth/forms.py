"""Forms for registering, logging in, the profile and the password."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from lms.auth.services import MIN_PASSWORD_LENGTH
from lms.config import LANGUAGES
from lms.i18n import LANGUAGE_NAMES
from lms.people import GENDERS
from lms.regions import region_choices


def _password_field(label):
    return PasswordField(
        label,
        validators=[
            DataRequired(),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=200,
                message=_l("At least %(n)d characters.", n=MIN_PASSWORD_LENGTH),
            ),
        ],
    )


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class ProfileFields:
    """The optional facts the programmes report on (women and youth shares)."""

    display_name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    preferred_language = SelectField(
        _l("Language"), choices=[(code, LANGUAGE_NAMES[code]) for code in LANGUAGES]
    )
    gender = SelectField(_l("Gender (optional)"), validators=[Optional()])
    birth_year = IntegerField(
        _l("Year of birth (optional)"),
        validators=[
            Optional(),
            NumberRange(
                min=1920,
                max=date.today().year - 10,
                message=_l("Enter a year between %(low)d and %(high)d.", low=1920,
                           high=date.today().year - 10),
            ),
        ],
    )  # fmt: skip
    region = SelectField(_l("Region (optional)"), validators=[Optional()])

    def fill_choices(self, language: str) -> None:
        self.gender.choices = [("", _l("Prefer not to say"))] + [
            (code, label) for code, label in GENDERS.items()
        ]
        self.region.choices = [("", _l("Prefer not to say"))] + region_choices(language)


class RegisterForm(ProfileFields, FlaskForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(), Email(message=_l("Enter a valid e-mail address.")),
                    Length(max=254)],
    )  # fmt: skip
    password = _password_field(_l("Password"))
    confirm = PasswordField(
        _l("Password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    new = _password_field(_l("New password"))
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("new", message=_l("The passwords differ."))],
    )

    def validate_current(self, field):
        from flask_login import current_user
        from werkzeug.security import check_password_hash

        if not check_password_hash(current_user.password_hash, field.data or ""):
            raise ValidationError(_l("This is not your current password."))


_PIN_MESSAGE = _l("A PIN is 4 to 6 digits.")


def _pin_field(label):
    return PasswordField(
        label,
        validators=[DataRequired(), Regexp(r"^\d{4,6}$", message=_PIN_MESSAGE)],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )


class PinLoginForm(FlaskForm):
    login = StringField(_l("Username or phone number"), validators=[DataRequired(), Length(max=60)])
    pin = PasswordField(
        _l("PIN"),
        validators=[DataRequired(), Length(max=6)],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )


class NewPinForm(FlaskForm):
    pin = _pin_field(_l("Choose a PIN (4 to 6 digits)"))
    confirm = PasswordField(
        _l("The same PIN again"),
        validators=[DataRequired(), EqualTo("pin", message=_l("The PINs differ."))],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )


class CardCodeForm(FlaskForm):
    code = StringField(_l("Code on your card"), validators=[DataRequired(), Length(max=40)])


class ContactFields:
    """E-mail address and phone number, added later from the profile (both optional)."""

    email = EmailField(
        _l("E-mail address (optional)"),
        validators=[Optional(), Email(message=_l("Enter a valid e-mail address.")),
                    Length(max=254)],
    )  # fmt: skip
    phone = StringField(_l("Phone number (optional)"), validators=[Optional(), Length(max=20)])


class ProfileForm(ProfileFields, ContactFields, FlaskForm):
    pass
