"""A metric's trend as a small inline SVG: where it came from, where it is, and where it should be.

Drawn for the HTML report's KPI lane. The only text inside is the label, escaped
here (the one place SVG text is written for sparklines); colours come from CSS
classes, so every report theme draws them.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from markupsafe import Markup

from cjmap.metrics.values import Point, Target

WIDTH, HEIGHT, PAD = 84, 22, 3


def sparkline(points: Sequence[Point], target: Target | None, label: str) -> Markup:
    """A polyline of dated values, oldest left, x by date; the target as a dashed line when there is one.

    The y range takes in the target, so a reader sees how far the line is from it. Needs two dated points.
    """
    dated = [(p.day.toordinal(), p) for p in points if p.day is not None]  # (day as a number, point)
    if len(dated) < 2:
        return Markup("")
    first, last = dated[0][0], dated[-1][0]
    span_days = max(last - first, 1)
    values = [p.value for _, p in dated] + ([target.value] if target else [])
    low, high = min(values), max(values)
    span = high - low or 1.0

    def x(day: int) -> float:
        return PAD + (day - first) / span_days * (WIDTH - 2 * PAD)

    def y(value: float) -> float:
        if high == low:
            return HEIGHT / 2
        return PAD + (high - value) / span * (HEIGHT - 2 * PAD)

    line = " ".join(f"{x(day):.1f},{y(p.value):.1f}" for day, p in dated)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sparkline" role="img" '
        f'aria-label="{html.escape(label, quote=True)}" '
        f'width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}">'
    ]
    if target is not None:
        ty = y(target.value)
        parts.append(f'<line class="target" x1="{PAD}" y1="{ty:.1f}" x2="{WIDTH - PAD}" y2="{ty:.1f}"/>')
    parts.append(f'<polyline class="trend" points="{line}"/>')
    parts.append(f'<circle class="now" cx="{x(dated[-1][0]):.1f}" cy="{y(dated[-1][1].value):.1f}" r="2.5"/>')
    parts.append("</svg>")
    return Markup("".join(parts))
