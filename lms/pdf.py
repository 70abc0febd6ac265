"""PDF documents on the ground floor: fonts, Arabic shaping, QR codes (certificates, handouts)."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import qrcode
from fpdf import FPDF

FONTS = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"  # DejaVu Sans covers Latin and Arabic (licence: fonts/LICENSE-DejaVu.txt)


def new_document(language: str, orientation: str = "P") -> FPDF:
    pdf = FPDF(orientation=orientation, format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_font(FONT, size=12)
    if language == "ar":
        # HarfBuzz joins the letters and orders the line right to left.
        pdf.set_text_shaping(True, direction="rtl", script="arab", language="ar")
    else:
        pdf.set_text_shaping(True)
    pdf.set_lang(language)
    pdf.add_page()
    return pdf


def align(language: str) -> str:
    return "R" if language == "ar" else "L"


def _number_items(match: re.Match) -> str:
    count = iter(range(1, 100))
    return re.sub(r"<li[^>]*>", lambda _m: f"{next(count)}. ", match.group(0))


def plain(html_text: str) -> list[str]:
    """Sanitised HTML (as the course loader stores it) as plain lines for print.

    Steps of an ordered list get their number, "1. ", in every language: in an Arabic line
    fpdf2's bidi pass (UAX #9, paragraph direction rtl) puts the number at the right edge,
    before its step. Digits stay Western, as Moroccan Arabic and our Arabic content write them.
    """
    text = re.sub(r"<ol[^>]*>.*?</ol>", _number_items, html_text or "", flags=re.S)
    text = re.sub(r"<li[^>]*>", "• ", text)
    text = re.sub(r"<img[^>]*alt=\"([^\"]*)\"[^>]*>", r"[\1]", text)
    text = re.sub(r"</(p|li|h[1-6]|tr)>|<br\s*/?>", "\n", text)
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    return [line.strip() for line in text.strip().splitlines()]


def write_paragraphs(pdf: FPDF, text: str, language: str, size: int = 11) -> None:
    pdf.set_font(FONT, size=size)
    for line in plain(text):
        if not line:
            pdf.ln(3)
            continue
        pdf.multi_cell(0, size * 0.55, line, align=align(language), new_x="LMARGIN", new_y="NEXT")


def heading(pdf: FPDF, text: str, language: str, size: int = 16) -> None:
    pdf.set_font(FONT, "B", size)
    pdf.multi_cell(0, size * 0.6, text, align=align(language), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def qr_png(text: str) -> io.BytesIO:
    buffer = io.BytesIO()
    qrcode.make(text, box_size=8, border=2).save(buffer, format="PNG")
    buffer.seek(0)
    return buffer


def to_bytes(pdf: FPDF) -> bytes:
    return bytes(pdf.output())
