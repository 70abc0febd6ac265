"""PDF documents: the certificate and the printable module handout (fpdf2, shaped Arabic)."""

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


def plain(html_text: str, numbered: bool = True) -> list[str]:
    """Sanitised HTML (as the course loader stores it) as plain lines for print.

    Steps of an ordered list get their number, except in right-to-left text where fpdf2 would
    put a leading "1." at the wrong end of the line: there they get a bullet, as other lists.
    """
    text = html_text or ""
    if numbered:
        text = re.sub(r"<ol[^>]*>.*?</ol>", _number_items, text, flags=re.S)
    text = re.sub(r"<li[^>]*>", "• ", text)
    text = re.sub(r"<img[^>]*alt=\"([^\"]*)\"[^>]*>", r"[\1]", text)
    text = re.sub(r"</(p|li|h[1-6]|tr)>|<br\s*/?>", "\n", text)
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    return [line.strip() for line in text.strip().splitlines()]


def write_paragraphs(pdf: FPDF, text: str, language: str, size: int = 11) -> None:
    pdf.set_font(FONT, size=size)
    for line in plain(text, numbered=language != "ar"):
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
