"""The radar chart of a diagnosis, drawn on the server as SVG (no script, works offline).

Right-to-left pages mirror it: the first axis stays at the top and the others follow
counter-clockwise, as an Arabic reader reads round a circle from the right; labels anchor on
the side away from the centre either way.
"""

from __future__ import annotations

import math

from markupsafe import Markup, escape

SIZE = 320
CENTRE = SIZE / 2
RADIUS = 105
RINGS = (25, 50, 75, 100)
#: One colour per diagnosis shown (entry, then the re-diagnoses), with a dash pattern so the
#: series differ without colour too.
SERIES = (("#1b6e53", ""), ("#c0561b", "6 4"), ("#3b5bdb", "2 3"), ("#7a2e8e", "8 3 2 3"))


def _point(index: int, count: int, value: float, rtl: bool) -> tuple[float, float]:
    angle = 2 * math.pi * index / count
    x = math.sin(angle) * RADIUS * value / 100
    return (CENTRE - x if rtl else CENTRE + x, CENTRE - math.cos(angle) * RADIUS * value / 100)


def _points(values, rtl: bool) -> str:
    count = len(values)
    return " ".join("{:.1f},{:.1f}".format(*_point(i, count, v or 0, rtl))
                    for i, v in enumerate(values))  # fmt: skip


def radar_svg(labels: list[str], series: list[tuple[str, list]], title: str, rtl: bool) -> Markup:
    """`series`: (name, [score 0-100 per axis]) for each diagnosis; `title` is the alt text."""
    count = len(labels)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}" role="img" '
        f'class="radar" aria-labelledby="radar-title" direction="{"rtl" if rtl else "ltr"}">',
        f'<title id="radar-title">{escape(title)}</title>',
    ]
    for ring in RINGS:
        parts.append(f'<polygon points="{_points([ring] * count, rtl)}" fill="none" '
                     'stroke="#c8c8c8" stroke-width="1"/>')  # fmt: skip
    for index, label in enumerate(labels):
        x, y = _point(index, count, 100, rtl)
        parts.append(f'<line x1="{CENTRE}" y1="{CENTRE}" x2="{x:.1f}" y2="{y:.1f}" '
                     'stroke="#c8c8c8" stroke-width="1"/>')  # fmt: skip
        lx, ly = _point(index, count, 118, rtl)
        right_side = lx > CENTRE + 1
        anchor = "middle" if abs(lx - CENTRE) <= 1 else ("start" if right_side else "end")
        if rtl and anchor != "middle":  # in rtl text, "start" is the right end of the label
            anchor = "end" if anchor == "start" else "start"
        parts.append(f'<text x="{lx:.1f}" y="{ly + 4:.1f}" text-anchor="{anchor}" '
                     f'font-size="11" fill="#222">{escape(label)}</text>')  # fmt: skip
    for position, (_name, values) in enumerate(series):
        colour, dash = SERIES[position % len(SERIES)]
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<polygon points="{_points(values, rtl)}" fill="{colour}" fill-opacity="0.15" '
            f'stroke="{colour}" stroke-width="2"{dashes}/>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every text above is escaped)
