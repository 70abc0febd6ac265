"""The printable handout of a module, for groups without phones: the activity to do together."""

from __future__ import annotations

import html

from flask_babel import force_locale
from flask_babel import gettext as _

from lms import pdf
from lms.i18n import localised


def handout_pdf(course, module, language: str) -> bytes:
    activity = module.activity
    with force_locale(language):
        doc = pdf.new_document(language)
        pdf.heading(doc, localised(course.title, language), language, 12)
        pdf.heading(doc, localised(module.title, language), language, 18)
        for page in module.pages:
            pdf.heading(doc, localised(page.title, language), language, 14)
            pdf.write_paragraphs(doc, localised(page.html, language), language)
            doc.ln(3)
        if activity:
            title = localised(activity.get("title"), language)
            minutes = activity.get("minutes")
            pdf.heading(doc, _("Activity: %(title)s", title=title), language, 14)
            if minutes:
                pdf.write_paragraphs(doc, _("Time: %(minutes)d minutes", minutes=minutes), language)
            doc.ln(2)
            pdf.write_paragraphs(doc, localised(activity.get("instructions"), language), language)
            doc.ln(4)
            pdf.heading(doc, _("Question for the group"), language, 13)
            prompt = html.escape(localised(activity.get("prompt"), language))
            pdf.write_paragraphs(doc, prompt, language)
            doc.ln(4)
            pdf.heading(doc, _("Our answer"), language, 13)
            for _line in range(8):  # room to write by hand
                doc.ln(9)
                doc.line(doc.l_margin, doc.get_y(), doc.w - doc.r_margin, doc.get_y())
        return pdf.to_bytes(doc)
