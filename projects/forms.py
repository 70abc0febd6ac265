"""Forms of the project bank: the business plan, state changes, comments, reviews, documents."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from lms.i18n import current_language
from lms.regions import region_choices
from projects.services import CRITERIA, FUNDING_SOURCES, PARTS, SECTORS, members_problems

LONG_TEXT = 5000
NOT_NEGATIVE = _l("Enter a whole number, 0 or more.")


class AmountField(DecimalField):
    """An amount as people type it: "150 000", "150000,50" or "150000.50"."""

    def process_formdata(self, valuelist):
        if valuelist:
            text = valuelist[0]
            for space in (" ", "\u00a0", "\u202f"):
                text = text.replace(space, "")
            valuelist = [text.replace(",", ".")]
        super().process_formdata(valuelist)


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _text(attr: str, hint=None):
    return TextAreaField(PARTS[attr], validators=[Optional(), Length(max=LONG_TEXT)],
                         description=hint or "")  # fmt: skip


def _count(attr: str, minimum: int = 0):
    return IntegerField(
        PARTS[attr],
        validators=[Optional(), NumberRange(min=minimum, max=100000, message=NOT_NEGATIVE)],
    )


class ProjectForm(FlaskForm):
    """The Start.COOP business plan; everything but the name may wait until submission."""

    name = StringField(PARTS["name"], validators=[DataRequired(), Length(max=200)])
    sector = SelectField(PARTS["sector"], validators=[Optional()])
    region = SelectField(PARTS["region"], validators=[Optional()])
    commune = StringField(PARTS["commune"], validators=[Optional(), Length(max=120)])
    members_count = _count("members_count", minimum=1)
    members_women = _count("members_women")
    members_youth = _count("members_youth")
    problem = _text("problem", _l("Module 1 of Start a cooperative: the common problem."))
    idea = _text("idea", _l("How the cooperative solves it, in a few sentences."))
    market = _text("market", _l("Who will buy, where, at what price; your competitors."))
    products = _text("products")
    resources = _text("resources", _l("Premises, equipment, raw materials, skills."))
    funding_needed = AmountField(
        PARTS["funding_needed"],
        places=2,
        validators=[Optional(), NumberRange(min=0, max=9999999999,
                                            message=_l("Enter an amount in MAD, 0 or more."))],
    )  # fmt: skip
    funding_sources = CheckboxesField(PARTS["funding_sources"], validators=[Optional()])
    funding_details = TextAreaField(
        _l("Details of the funding plan"), validators=[Optional(), Length(max=LONG_TEXT)]
    )
    expected_jobs = _count("expected_jobs")
    publish_consent = BooleanField(_l("Publish this project in the public showcase"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        language = current_language()
        self.sector.choices = [("", _l("Choose a sector"))] + list(SECTORS.items())
        self.region.choices = [("", _l("Choose a region"))] + region_choices(language)
        self.funding_sources.choices = list(FUNDING_SOURCES.items())

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for message in members_problems(
            self.members_count.data, self.members_women.data, self.members_youth.data
        ):
            self.form_errors.append(message)
            valid = False
        return valid

    def fields_for_service(self) -> dict:
        data = {name: getattr(self, name).data for name in PARTS}
        data["sector"] = data["sector"] or None
        data["region"] = data["region"] or None
        data["funding_sources"] = list(self.funding_sources.data or [])
        data["funding_details"] = self.funding_details.data
        data["publish_consent"] = bool(self.publish_consent.data)
        return data


class TransitionForm(FlaskForm):
    target = HiddenField(validators=[DataRequired()])
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=LONG_TEXT)])
    registration_number = StringField(
        _l("Registration number"), validators=[Optional(), Length(max=60)]
    )
    registration_date = DateField(_l("Registration date"), validators=[Optional()])


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Your comment"), validators=[DataRequired(), Length(max=3000)])


class DocumentForm(FlaskForm):
    file = FileField(_l("Document (PDF, PNG, JPEG or WebP, 5 MB at most)"),
                     validators=[FileRequired(_l("Choose a file."))])  # fmt: skip


class PublicationForm(FlaskForm):
    publish = HiddenField(validators=[DataRequired(), AnyOf(["yes", "no"])])


class DeleteForm(FlaskForm):
    """Just the CSRF token: deleting is a POST."""


class CoachForm(FlaskForm):
    coach = SelectField(_l("Coach"), validators=[DataRequired()])


SCORES = [(str(n), str(n)) for n in range(1, 6)]


class ReviewForm(FlaskForm):
    comment = TextAreaField(_l("Comment for the project holder and the other coaches"),
                            validators=[Optional(), Length(max=LONG_TEXT)])  # fmt: skip

    def scores(self) -> dict:
        return {key: getattr(self, f"score_{key}").data for key in CRITERIA}

    def score_fields(self):
        return [getattr(self, f"score_{key}") for key in CRITERIA]


for _key, _label in CRITERIA.items():
    setattr(
        ReviewForm,
        f"score_{_key}",
        RadioField(
            _label,
            choices=SCORES,
            coerce=int,
            validators=[InputRequired(_l("Give a score from 1 to 5."))],
        ),
    )
