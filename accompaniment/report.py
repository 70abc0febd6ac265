"""The diagnosis report as PDF, in the cooperative's language (Arabic shaped, right to left).

Built with the PDF helpers of lms/pdf.py (fpdf2 with HarfBuzz shaping, DejaVu fonts).
"""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from accompaniment.models import Diagnosis, PlanAction
from lms.i18n import localised
from lms.pdf import heading, new_document, to_bytes, write_paragraphs


def diagnosis_report(diagnosis: Diagnosis, plan: list[PlanAction]) -> bytes:
    coop = diagnosis.cooperative
    language = coop.language
    with force_locale(language):
        pdf = new_document(language)
        heading(pdf, localised(diagnosis.questionnaire.data["title"], language), language)
        heading(pdf, coop.name, language, size=13)
        when = diagnosis.completed_at.date().isoformat()
        line = _("%(programme)s, diagnosis of %(date)s", programme=coop.programme, date=when)
        write_paragraphs(pdf, line, language)
        heading(pdf, _("Score per axis, out of 100"), language, size=13)
        lines = [f"{localised(axis['title'], language)}: {diagnosis.axis_scores.get(axis['id'], 0)}"
                 for axis in diagnosis.questionnaire.data["axes"]]  # fmt: skip
        write_paragraphs(pdf, "\n".join(lines), language)
        for key, title in (
            ("strengths", _("Strengths")),
            ("weaknesses", _("Weaknesses")),
            ("opportunities", _("Opportunities")),
            ("threats", _("Threats")),
        ):
            heading(pdf, title, language, size=13)
            write_paragraphs(pdf, getattr(diagnosis, key) or "-", language)
        if plan:
            heading(pdf, _("Development plan"), language, size=13)
            write_paragraphs(pdf, "\n".join(
                f"{action.title} ({action.owner or '-'}, {action.due_on or '-'})"
                for action in plan), language)  # fmt: skip
        return to_bytes(pdf)
