"""The comparison's chart: the current and the future emotion curves overlaid on one axis.

Drawn from what review/compare returns (its columns line both maps up), with the
same skeleton as the persona curve (render/curve.py).
"""

from __future__ import annotations

from cjmap.render.curve import LEFT, PLOT, RIGHT, TOP, axis, band, chart_head, esc, point, polyline, shorten, step_for
from cjmap.review.compare import Comparison
from cjmap.vocabulary.emotion import SCALE, signed
from cjmap.vocabulary.palettes import OVERLAY_STYLES

NAMES_HEIGHT = 110  # under the plot: each column's touchpoint name, slanted


def overlay_curve(c: Comparison) -> str:
    """Both emotion curves on one chart: current dashed grey, future solid blue; each point titled, and
    named under the chart (slanted, so every name has room however narrow the step)."""
    step = step_for(len(c.columns))
    width = round(LEFT + RIGHT + step * len(c.columns))
    height = TOP + PLOT + 24 + NAMES_HEIGHT
    x = [round(LEFT + step * (i + 0.5), 1) for i in range(len(c.columns))]
    scale = f"{signed(SCALE[0])} to {signed(SCALE[-1])}"
    now, then = c.average("current"), c.average("future")
    description = f"Average emotion {now} now, {then} in the future state, on a scale from {scale}."
    out = chart_head("overlay", width, height, "Emotion, current state against future state", description)
    start = bands = 0
    for i in range(1, len(c.columns) + 1):  # a band per run of columns in the same stage
        if i == len(c.columns) or c.columns[i].stage != c.columns[start].stage:
            stage = c.columns[start].stage
            out += band(bool(bands % 2), round(x[start] - step / 2, 1), round(x[i - 1] + step / 2, 1), stage, stage)
            start, bands = i, bands + 1
    out += axis(width)
    base = TOP + PLOT + 22
    for px, column in zip(x, c.columns, strict=True):
        out.append(
            f'<text class="point-name" x="{px}" y="{base}" text-anchor="end" transform="rotate(-40 {px} {base})">'
            f"<title>{esc(column.name)}</title>{esc(shorten(column.name, 20))}</text>"
        )
    for side, stroke, dash in OVERLAY_STYLES:
        touchpoints = [(px, getattr(column, side)) for px, column in zip(x, c.columns, strict=True)]
        points = [(px, tp) for px, tp in touchpoints if tp is not None and tp.emotion is not None]
        out.append(f'<g class="curve-line curve-{side}" stroke="{stroke}" fill="{stroke}"><title>{side} state</title>')
        if len(points) > 1:
            out.append(polyline([(px, tp.emotion) for px, tp in points], dash))
        out += [point(px, tp.emotion, f"{side}: {tp.name}, {tp.emotion:+d}") for px, tp in points]
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)
