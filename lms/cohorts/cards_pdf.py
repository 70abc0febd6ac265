"""The A4 sheet of sign-in cards: eight a page, each with the member's name, the cohort, a QR
code of her card's link and the same code to type, in the chosen language (Arabic right to
left through lms.pdf's shaping)."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from lms import pdf

COLUMNS, ROWS = 2, 4
MARGIN = 10  # mm
QR_SIZE = 38  # mm: a phone camera reads it from a card held in the hand


def cards_pdf(cohort_name: str, cards: list[tuple[str, str, str]], language: str) -> bytes:
    """`cards`: (member's name, link, short code) per card."""
    with force_locale(language):
        doc = pdf.new_document(language)
        doc.set_auto_page_break(False)
        width = (doc.w - 2 * MARGIN) / COLUMNS
        height = (doc.h - 2 * MARGIN) / ROWS
        for index, (name, link, code) in enumerate(cards):
            slot = index % (COLUMNS * ROWS)
            if index and slot == 0:
                doc.add_page()
            column, row = slot % COLUMNS, slot // COLUMNS
            if language == "ar":
                column = COLUMNS - 1 - column  # the first card at the top right
            x, y = MARGIN + column * width, MARGIN + row * height
            _card(doc, x, y, width, height, cohort_name, name, link, code, language)
        if not cards:
            pdf.write_paragraphs(doc, _("No member needs a card."), language)
        return pdf.to_bytes(doc)


def _card(doc, x, y, width, height, cohort_name, name, link, code, language):
    inner = width - 8
    align = pdf.align(language)
    doc.set_draw_color(150, 150, 150)
    doc.rect(x + 2, y + 2, width - 4, height - 4)
    doc.set_xy(x + 4, y + 5)
    doc.set_font(pdf.FONT, "B", 13)
    doc.cell(inner, 7, name, align=align)
    doc.set_xy(x + 4, y + 12)
    doc.set_font(pdf.FONT, "", 9)
    doc.cell(inner, 5, cohort_name, align=align)
    qr_x = x + 4 if language != "ar" else x + width - 4 - QR_SIZE
    doc.image(pdf.qr_png(link), x=qr_x, y=y + 19, w=QR_SIZE, h=QR_SIZE, link=link)
    text_x = x + 6 + QR_SIZE if language != "ar" else x + 4
    text_width = inner - QR_SIZE - 2
    doc.set_xy(text_x, y + 24)
    doc.set_font(pdf.FONT, "", 8)
    doc.multi_cell(text_width, 4, _("Scan with the phone's camera, or type this code:"),
                   align=align)  # fmt: skip
    doc.set_xy(text_x, y + 38)
    doc.set_font(pdf.FONT, "B", 12)
    doc.cell(text_width, 7, code, align=align)
