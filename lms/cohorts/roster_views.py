"""Roster pages of a cohort (its trainer and admins): enrol by list or CSV, print the sign-in
cards, replace one card, reset or unlock a member's PIN."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lms.access import allow
from lms.auth import cards, pins
from lms.auth.models import User
from lms.auth.services import find_by_public_id
from lms.bidi import with_names
from lms.cohorts import roster
from lms.cohorts.cards_pdf import cards_pdf
from lms.cohorts.forms import ConfirmForm, RosterForm
from lms.cohorts.models import Cohort
from lms.cohorts.views import _own_cohort, bp
from lms.config import LANGUAGES
from lms.db import session
from lms.i18n import current_language

PROBLEMS = {
    "no-name": _l("the name is missing."),
    "name-too-long": _l("the name is longer than 120 characters."),
    "bad-phone": _l("write the phone number with its digits (6 to 15), e.g. 0612345678."),
    "bad-gender": _l("write the gender as woman or man (or leave it empty)."),
    "bad-birth-year": _l("the year of birth must be a year such as 1990 (or empty)."),
    "bad-region": _l("this is not one of the twelve regions (leave it empty or correct it)."),
    "empty": _l("Write at least one name, or choose a CSV file."),
    "too-many": _l("At most 200 members at once: send the list in parts."),
    "not-utf8": _l("The CSV file must be saved as UTF-8 text."),
    "too-big": _l("At most 200 members at once: send the list in parts."),
    "busy": _l("Someone else enrolled members at the same moment: please send the list again."),
}
#: 200 rows of name, phone, gender, year and region fit easily; anything bigger is not a roster.
MAX_CSV_BYTES = 100_000


def _members(cohort: Cohort) -> list[User]:
    return sorted((m.user for m in cohort.members), key=lambda u: u.display_name.lower())


def _page(cohort: Cohort, form: RosterForm, problems=(), status: int = 200):
    members = _members(cohort)
    return render_template(
        "cohorts/roster.html",
        cohort=cohort,
        form=form,
        problems=[(line, PROBLEMS.get(key, key)) for line, key in problems],
        members=members,
        cardable={u.id for u in members if pins.signs_in_without_password(u)},
        locked=pins.locked_among(members),
        confirm_form=ConfirmForm(),
        languages=LANGUAGES,
    ), status


def _roster_text(form: RosterForm) -> str:
    upload = form.csv_file.data
    if upload and getattr(upload, "filename", ""):
        body = upload.read(MAX_CSV_BYTES + 1)
        if len(body) > MAX_CSV_BYTES:
            raise roster.RosterError([(0, "too-big")])
        try:
            return body.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise roster.RosterError([(0, "not-utf8")]) from None
    return form.names.data or ""


@bp.route("/cohorts/<int:cohort_id>/roster", methods=["GET", "POST"])
@allow("trainer", "admin")
def roster_page(cohort_id: int):
    cohort = _own_cohort(cohort_id)
    form = RosterForm()
    if not form.is_submitted():
        return _page(cohort, form)
    if not form.validate():
        return _page(cohort, form, status=400)
    try:
        result = roster.enrol(session, cohort, _roster_text(form), current_language())
    except roster.RosterError as exc:
        return _page(cohort, form, exc.problems, 422)
    flash(_("%(count)d members enrolled.", count=len(result.created)), "success")
    for line, name in result.duplicates:
        text = _("Line %(line)s: %(name)s is already in the cohort, not added again.")
        flash(with_names(text, line=str(line), name=name), "info")
    return redirect(url_for("cohorts.roster_page", cohort_id=cohort.id))


def _link(text: str) -> str:
    # under LMS_BASE_URL: the address the members' phones reach, whatever host the trainer used
    return current_app.config["BASE_URL"].rstrip("/") + url_for("auth.card", token=text)


@bp.route("/cohorts/<int:cohort_id>/cards.pdf")
@allow("trainer", "admin")
def cards_sheet(cohort_id: int):
    cohort = _own_cohort(cohort_id)
    language = request.args.get("lang") or current_language()
    if language not in LANGUAGES:
        abort(404)
    wanted = request.args.get("member")
    members = [u for u in _members(cohort) if pins.signs_in_without_password(u)]
    if wanted:
        members = [u for u in members if u.public_id == wanted] or abort(404)
    sheet = []
    for user in members:
        code = cards.token(cards.card_for(session, user))
        sheet.append((user.display_name, _link(code), cards.spaced(code)))
    body = cards_pdf(cohort.name, sheet, language)
    return Response(
        body,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="cards-{cohort.code}.pdf"',
            "Cache-Control": "no-store",  # the sheet signs people in: no copy in a cache
        },
    )


def _member(cohort: Cohort, public_id: str) -> User:
    """A member of this cohort the trainer enrolled (a card or a PIN reset is for her only)."""
    user = find_by_public_id(session, public_id)
    if user is None or all(m.user_id != user.id for m in cohort.members):
        abort(404)
    if not pins.signs_in_without_password(user):
        abort(403)
    return user


def _act_on_member(cohort_id: int, public_id: str, act, done: str):
    """One trainer act on one enrolled member (a confirmed POST), then back to the roster."""
    cohort = _own_cohort(cohort_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    user = _member(cohort, public_id)
    act(user)
    flash(with_names(done, name=user.display_name), "success")
    return redirect(url_for("cohorts.roster_page", cohort_id=cohort.id))


@bp.route("/cohorts/<int:cohort_id>/members/<public_id>/card", methods=["POST"])
@allow("trainer", "admin")
def replace_card(cohort_id: int, public_id: str):
    done = _("The old card of %(name)s no longer works. Print the new one.")
    return _act_on_member(cohort_id, public_id, lambda user: cards.issue(session, user), done)


@bp.route("/cohorts/<int:cohort_id>/members/<public_id>/pin-reset", methods=["POST"])
@allow("trainer", "admin")
def reset_pin(cohort_id: int, public_id: str):
    done = _("The PIN of %(name)s is cleared: a new one is chosen at the next card sign-in.")
    return _act_on_member(cohort_id, public_id, pins.reset_pin, done)


@bp.route("/cohorts/<int:cohort_id>/members/<public_id>/unlock", methods=["POST"])
@allow("trainer", "admin")
def unlock_pin(cohort_id: int, public_id: str):
    done = _("%(name)s can sign in with the PIN again.")
    return _act_on_member(cohort_id, public_id, pins.unlock, done)
