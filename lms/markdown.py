"""Markdown to safe HTML: every text written by a person goes through `render_markdown`."""

from __future__ import annotations

import markdown as md
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "code", "pre", "hr",
    "h1", "h2", "h3", "h4", "a", "img", "table", "thead", "tbody", "tr", "th", "td", "figure",
    "figcaption",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"scope"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str | None, extensions: tuple[str, ...] = ("tables",)) -> Markup:
    """Markdown rendered and sanitised: no raw HTML, script, style or event attribute survives."""
    html = md.markdown(text or "", extensions=list(extensions), output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    # Wide tables scroll inside their own box instead of widening a phone screen.
    clean = clean.replace("<table>", '<div class="table-wrap"><table>').replace(
        "</table>", "</table></div>"
    )
    return Markup(clean)  # noqa: S704 (sanitised by nh3 just above)
