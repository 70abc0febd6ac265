"""The certificate as a PDF: in the learner's language, with a QR code to the public page."""

from __future__ import annotations

from flask_babel import force_locale, format_date
from flask_babel import gettext as _

from lms import pdf
from lms.certificates.models import Certificate
from lms.cohorts import catalog
from lms.config import DEFAULT_LANGUAGE, LANGUAGES


def certificate_pdf(cert: Certificate, page_url: str) -> bytes:
    lang = cert.language if cert.language in LANGUAGES else DEFAULT_LANGUAGE
    with force_locale(lang):
        doc = pdf.new_document(lang, orientation="L")
        doc.set_auto_page_break(False)  # one page: the footer sits inside the bottom margin
        doc.set_draw_color(30, 90, 60)
        doc.set_line_width(1.2)
        doc.rect(8, 8, doc.w - 16, doc.h - 16)
        doc.ln(12)
        doc.set_font(pdf.FONT, "B", 28)
        doc.cell(0, 16, _("Certificate"), align="C", new_x="LMARGIN", new_y="NEXT")
        doc.set_font(pdf.FONT, size=14)
        doc.cell(0, 10, _("Taawun certifies that"), align="C", new_x="LMARGIN", new_y="NEXT")
        doc.set_font(pdf.FONT, "B", 24)
        doc.cell(0, 16, cert.learner_name, align="C", new_x="LMARGIN", new_y="NEXT")
        doc.set_font(pdf.FONT, size=14)
        doc.cell(0, 10, _("has completed the course"), align="C", new_x="LMARGIN", new_y="NEXT")
        doc.set_font(pdf.FONT, "B", 20)
        doc.cell(0, 14, catalog.course_title(cert.course_id, lang), align="C",
                 new_x="LMARGIN", new_y="NEXT")  # fmt: skip
        doc.set_font(pdf.FONT, size=12)
        doc.ln(4)
        lines = [
            _("Date: %(date)s", date=format_date(cert.issued_at, "long")),
            _("Trainer: %(name)s", name=cert.trainer_name),
            _("Certificate number: %(code)s", code=cert.code),
        ]
        if not cert.valid:
            lines.append(_("REVOKED on %(date)s", date=format_date(cert.revoked_at, "long")))
        for line in lines:
            doc.cell(0, 8, line, align="C", new_x="LMARGIN", new_y="NEXT")
        size = 38
        doc.image(pdf.qr_png(page_url), x=(doc.w - size) / 2, y=doc.h - size - 24, w=size, h=size)
        doc.set_y(doc.h - 22)
        doc.set_font(pdf.FONT, size=9)
        doc.cell(0, 5, _("Check this certificate: scan the code or open"), align="C",
                 new_x="LMARGIN", new_y="NEXT")  # fmt: skip
        doc.set_text_shaping(True, direction="ltr")
        doc.cell(0, 5, page_url, align="C", new_x="LMARGIN", new_y="NEXT")
        return pdf.to_bytes(doc)
