"""Forms of the marketplace: cooperative profile, product listing, photos, orders."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from lms.config import LANGUAGES
from lms.i18n import current_language
from lms.regions import region_choices
from market.services import CATEGORIES, PAYMENT_METHODS, UNITS

MAX_PRICE = 1_000_000  # MAD: above this a listing is a typing mistake, not a product
MAX_QUANTITY = 1_000_000


def _regions(blank: bool = True) -> list[tuple[str, str]]:
    choices = region_choices(current_language())
    return [("", _l("Choose a region"))] + choices if blank else choices


class CooperativeForm(FlaskForm):
    name = StringField(_l("Name of the cooperative"), [DataRequired(), Length(max=200)])
    registration_number = StringField(_l("Registration number"), [Optional(), Length(max=64)])
    region = SelectField(_l("Region"), [DataRequired(_l("Choose a region."))])
    commune = StringField(_l("Commune"), [DataRequired(), Length(max=120)])
    year_founded = IntegerField(
        _l("Year founded"), [Optional(), NumberRange(1900, date.today().year)]
    )
    members_count = IntegerField(
        _l("Number of members"), [InputRequired(), NumberRange(1, 100_000)]
    )
    women_count = IntegerField(_l("Of whom women"), [InputRequired(), NumberRange(0, 100_000)])
    youth_count = IntegerField(
        _l("Of whom young people (under 35)"), [InputRequired(), NumberRange(0, 100_000)]
    )
    story = TextAreaField(_l("Your story"), [Optional(), Length(max=5000)])
    # Numbers and addresses read left to right, also on Arabic pages.
    contact_phone = TelField(
        _l("Telephone"), [Optional(), Length(max=40)], render_kw={"dir": "ltr"}
    )
    contact_email = EmailField(
        _l("E-mail address"), [Optional(), Email(), Length(max=254)], render_kw={"dir": "ltr"}
    )

    bank_details = TextAreaField(
        _l("Bank details for transfers (bank, RIB)"),
        [Optional(), Length(max=500)],
        render_kw={"dir": "ltr", "rows": 3},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.region.choices = _regions()

    def validate_women_count(self, field):
        if self.members_count.data is not None and (field.data or 0) > self.members_count.data:
            raise ValidationError(_l("Cannot be more than the number of members."))

    def validate_youth_count(self, field):
        self.validate_women_count(field)

    def fields(self) -> dict:
        return {
            "name": self.name.data.strip(),
            "registration_number": (self.registration_number.data or "").strip(),
            "region": self.region.data,
            "commune": self.commune.data.strip(),
            "year_founded": self.year_founded.data,
            "members_count": self.members_count.data,
            "women_count": self.women_count.data,
            "youth_count": self.youth_count.data,
            "story": (self.story.data or "").strip(),
            "contact_phone": (self.contact_phone.data or "").strip(),
            "contact_email": (self.contact_email.data or "").strip(),
            "bank_details": (self.bank_details.data or "").strip(),
        }


class MemberForm(FlaskForm):
    email = EmailField(
        _l("E-mail address of their account"), [DataRequired(), Email()], render_kw={"dir": "ltr"}
    )


class ProductForm(FlaskForm):
    title_fr = StringField(
        _l("Title in French"), [Optional(), Length(max=160)], render_kw={"lang": "fr", "dir": "ltr"}
    )
    title_ar = StringField(
        _l("Title in Arabic"), [Optional(), Length(max=160)], render_kw={"lang": "ar", "dir": "rtl"}
    )
    title_en = StringField(
        _l("Title in English"),
        [Optional(), Length(max=160)],
        render_kw={"lang": "en", "dir": "ltr"},
    )
    description_fr = TextAreaField(
        _l("Description in French"),
        [Optional(), Length(max=4000)],
        render_kw={"lang": "fr", "dir": "ltr"},
    )
    description_ar = TextAreaField(
        _l("Description in Arabic"),
        [Optional(), Length(max=4000)],
        render_kw={"lang": "ar", "dir": "rtl"},
    )
    description_en = TextAreaField(
        _l("Description in English"),
        [Optional(), Length(max=4000)],
        render_kw={"lang": "en", "dir": "ltr"},
    )
    category = SelectField(_l("Category"), [DataRequired(_l("Choose a category."))])
    price = DecimalField(
        _l("Price in MAD"),
        [InputRequired(_l("Give a price.")), NumberRange(0.01, MAX_PRICE)],
        places=2,
    )
    unit = SelectField(_l("Per"), [DataRequired()])
    quantity_available = IntegerField(
        _l("Quantity available"), [InputRequired(), NumberRange(0, MAX_QUANTITY)]
    )
    minimum_order = IntegerField(
        _l("Minimum order"), [InputRequired(), NumberRange(1, MAX_QUANTITY)], default=1
    )
    published = BooleanField(_l("Published: visible to everyone"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = [("", _l("Choose a category"))] + list(CATEGORIES.items())
        self.unit.choices = list(UNITS.items())

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not any((self[f"title_{lang}"].data or "").strip() for lang in LANGUAGES):
            # Shown on the first title: Optional() would stop a field validator on empty input.
            self.title_fr.errors = [
                *self.title_fr.errors,
                _l("Give a title in at least one language."),
            ]
            return False
        return valid

    def validate_price(self, field):
        if field.data is not None and field.data.as_tuple().exponent < -2:
            raise ValidationError(_l("At most two decimals (centimes)."))

    def fields(self) -> dict:
        def texts(prefix):
            return {
                lang: (self[f"{prefix}_{lang}"].data or "").strip()
                for lang in LANGUAGES
                if (self[f"{prefix}_{lang}"].data or "").strip()
            }

        return {
            "title": texts("title"),
            "description": texts("description"),
            "category": self.category.data,
            "price": self.price.data,
            "unit": self.unit.data,
            "quantity_available": self.quantity_available.data,
            "minimum_order": self.minimum_order.data,
            "published": self.published.data,
        }

    def fill_from(self, product) -> None:
        for lang in LANGUAGES:
            self[f"title_{lang}"].data = product.title.get(lang, "")
            self[f"description_{lang}"].data = (product.description or {}).get(lang, "")


class PhotoForm(FlaskForm):
    photo = FileField(_l("Picture (JPEG, PNG or WebP)"), [FileRequired(_l("Choose a picture."))])


class OrderForm(FlaskForm):
    quantity = IntegerField(_l("Quantity"), [InputRequired(), NumberRange(1, MAX_QUANTITY)])
    delivery_region = SelectField(_l("Delivery region"), [DataRequired(_l("Choose a region."))])
    payment_method = SelectField(
        _l("Payment"), [DataRequired()], choices=list(PAYMENT_METHODS.items())
    )
    message = TextAreaField(
        _l("Message to the cooperative (address, questions)"), [Optional(), Length(max=2000)]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.delivery_region.choices = _regions()


class AcceptForm(FlaskForm):
    delivery_date = DateField(_l("Delivery date"), [InputRequired(_l("Give a delivery date."))])

    def details(self) -> dict:
        return {"delivery_date": self.delivery_date.data}


class RefuseForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"), [DataRequired(_l("Please give a reason.")), Length(max=1000)]
    )

    def details(self) -> dict:
        return {"reason": self.reason.data}


class ActionForm(FlaskForm):
    """A button only (cancel, shipped, delivered): the CSRF token is the whole form."""

    def details(self) -> dict:
        """What the act needs besides the button: nothing (AcceptForm, RefuseForm say more)."""
        return {}
