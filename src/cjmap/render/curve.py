"""The emotion curve: how each persona feels, touchpoint by touchpoint, as inline SVG.

The chart's skeleton (frame, stage bands, axis, lines and points) is shared with
the comparison's overlay (render/overlay.py), so both charts read alike.

Drawn here rather than by Graphviz because it is a chart, not a graph: x is
the touchpoints in journey order grouped in stage bands, y is emotion −2..+2,
one line per persona (colour and dash pattern both tell them apart), and each
low point carries a short label of its first pain point. Every map text is
escaped; the full texts are in `<title>` elements for hover and screen readers.
"""

from __future__ import annotations

from typing import NamedTuple

from cjmap.render.dot import xml_text
from cjmap.render.grid import text_width, wrap
from cjmap.resolve import Journey, Touchpoint
from cjmap.vocabulary.emotion import SCALE, signed
from cjmap.vocabulary.palettes import CURVE_STYLES
from cjmap.vocabulary.personas import meets

STEP = 100  # px between touchpoints at most: room for a short stage name over a one-touchpoint stage
MIN_STEP = 34  # px between touchpoints at least: a map of 36 or more scrolls sideways
FIT = 1300  # px the report gives a chart at 1,400 px: a curve of up to 36 touchpoints shows whole
LEFT, RIGHT = 48, 40
TOP = 40  # stage names
PLOT = 180  # height of −2..+2
LABEL_ROWS = 3  # low-point labels take turns between rows, so a label may be three steps wide
LABEL_LINE = 13  # px per line of a low-point label (11 px text)
LABEL_LINES = 5  # a low-point label wraps onto this many lines before it is cut (its <title> keeps it whole)
STYLES = CURVE_STYLES  # (stroke, dash) per persona: told apart by pattern as well as by colour


class Line(NamedTuple):
    id: str
    name: str
    stroke: str
    dash: str
    path: frozenset[str] | None = None  # the touchpoints on this persona's own path; None: every one
    stops: frozenset[str] = frozenset()  # touchpoints where a journey stops (exits, ends): the line breaks after them

    def applies(self, tp: Touchpoint) -> bool:
        return meets(self.path, tp.id)

    def score(self, tp: Touchpoint) -> int | None:
        """This line's score at a touchpoint: the persona's own, when the map gives one per persona."""
        return tp.emotion if self.path is None else tp.emotion_for(self.id)


def esc(text: str) -> str:
    return xml_text(text)


def shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def lines_for(journey: Journey) -> list[Line]:
    """One line per persona, or one for everybody when the map names no persona."""
    leaving = {edge.source for edge in journey.edges}
    stops = frozenset(tp.id for tp in journey.touchpoints if tp.id not in leaving)
    if not journey.personas:
        return [Line("all", "All customers", *STYLES[0], None, stops)]
    return [
        Line(p.id, p.name, *STYLES[i % len(STYLES)], frozenset(journey.path_of(p.id)), stops)
        for i, p in enumerate(journey.personas)
    ]


def step_for(count: int) -> float:
    """Px between touchpoints: as wide as fits the report, never cramped."""
    return round(max(MIN_STEP, min(STEP, (FIT - LEFT - RIGHT) / max(count, 1))), 1)


def y_of(emotion: int) -> float:
    return TOP + (2 - emotion) * PLOT / 4


def emotion_curve(journey: Journey) -> str:
    """The curve as an `<svg>` element (a string of escaped markup), or '' when nothing has a score."""
    touchpoints = journey.touchpoints
    if not any(tp.scores for tp in touchpoints):
        return ""
    step = step_for(len(touchpoints))
    width = round(LEFT + RIGHT + step * len(touchpoints))
    x = {tp.id: round(LEFT + step * (i + 0.5), 1) for i, tp in enumerate(touchpoints)}
    labels, labels_height = _low_labels(touchpoints, x, step, width)
    height = TOP + PLOT + 24 + labels_height + 8
    lines = lines_for(journey)
    title = f"Emotion curve of the journey \u2018{journey.title}\u2019"
    out = chart_head("curve", width, height, title, _description(journey, lines))
    out += _bands(journey, x, step)
    out += axis(width)
    for line in lines:
        out += _persona_line(line, touchpoints, x)
    out += labels
    out.append("</svg>")
    return "\n".join(out)


def chart_head(name: str, width: int, height: float, title: str, description: str) -> list[str]:
    """The opening `<svg>` of a chart, as wide as its touchpoints need, with its title and description."""
    return [
        f'<svg class="curve" role="img" aria-labelledby="{name}-title {name}-desc" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" style="min-width: {width}px; max-width: {width * 1.4:.0f}px" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{name}-title">{esc(title)}</title>',
        f'<desc id="{name}-desc">{esc(description)}</desc>',
    ]


def band(alt: bool, left: float, right: float, stage: str, label: str) -> list[str]:
    """A stage's band behind its touchpoints, its label cut to the band's width (the `<title>` keeps the name)."""
    chars = max(4, int((right - left - 8) / 7))
    size = f'x="{left}" y="0" width="{round(right - left, 1)}" height="{TOP + PLOT + 12}"'
    return [
        f'<rect class="band{" alt" if alt else ""}" {size}/>',
        f'<text class="stage" x="{left + 6}" y="18"><title>{esc(stage)}</title>{esc(shorten(label, chars))}</text>',
    ]


def axis(width: int) -> list[str]:
    """Grid lines and labels for −2..+2 (0 dashed), across the chart."""
    out = []
    for level in reversed(SCALE):
        y = y_of(level)
        out.append(
            f'<line class="grid-line{" zero" if level == 0 else ""}" '
            f'x1="{LEFT}" x2="{width - RIGHT}" y1="{y}" y2="{y}"/>'
        )
        out.append(f'<text class="axis" x="{LEFT - 8}" y="{y + 4}" text-anchor="end">{signed(level)}</text>')
    return out


def polyline(points: list[tuple[float, int]], dash: str) -> str:
    """One run of a curve through (x, score) points; `dash` a stroke-dasharray, or '' for a solid line."""
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    through = " ".join(f"{px},{y_of(score)}" for px, score in points)
    return f'<polyline points="{through}" fill="none" stroke-width="2.5"{dashed}/>'


def point(px: float, score: int, title: str) -> str:
    """A scored touchpoint on a curve, titled for hover and screen readers."""
    return f'<circle cx="{px}" cy="{y_of(score)}" r="4.5"><title>{esc(title)}</title></circle>'


def _description(journey: Journey, lines: list[Line]) -> str:
    parts = []
    for line in lines:
        scored = [
            (tp, score) for tp in journey.touchpoints if line.applies(tp) and (score := line.score(tp)) is not None
        ]
        if scored:
            low = min(scored, key=lambda s: s[1])
            high = max(scored, key=lambda s: s[1])
            parts.append(f"{line.name}: lowest {low[1]:+d} at {low[0].name}, highest {high[1]:+d} at {high[0].name}.")
    scale = f"{signed(SCALE[0])} to {signed(SCALE[-1])}"
    return f"Emotion from {scale} at each touchpoint, in journey order. " + " ".join(parts)


def _bands(journey: Journey, x: dict[str, float], step: float) -> list[str]:
    out = []
    for i, stage in enumerate(journey.stages):
        if not stage.touchpoints:
            continue
        left = round(x[stage.touchpoints[0].id] - step / 2, 1)
        right = round(x[stage.touchpoints[-1].id] + step / 2, 1)
        out += band(bool(i % 2), left, right, stage.name, f"{i + 1}. {stage.name}")
    return out


def _persona_line(line: Line, touchpoints: tuple[Touchpoint, ...], x: dict[str, float]) -> list[str]:
    """A polyline per run of scored touchpoints on the line's path, and a dot per point. An unscored touchpoint
    breaks the line, and so does one where the journey stops: the next card is another branch, not what follows."""
    runs: list[list[tuple[Touchpoint, int]]] = [[]]
    for tp in touchpoints:
        if not line.applies(tp):
            continue
        score = line.score(tp)
        if score is None:
            runs.append([])
        else:
            runs[-1].append((tp, score))
            if tp.id in line.stops:  # a customer who left does not go on to the next branch's card
                runs.append([])
    out = [
        f'<g class="curve-line curve-{esc(line.id)}" stroke="{line.stroke}" fill="{line.stroke}">',
        f"<title>{esc(line.name)}</title>",
    ]
    for run in runs:
        if len(run) > 1:
            out.append(polyline([(x[tp.id], score) for tp, score in run], line.dash))
    for run in runs:
        out += [point(x[tp.id], score, f"{line.name}: {tp.name}, {score:+d}") for tp, score in run]
    out.append("</g>")
    return out


def _low_labels(
    touchpoints: tuple[Touchpoint, ...], x: dict[str, float], step: float, width: float
) -> tuple[list[str], float]:
    """Under the plot, a label for each touchpoint scoring −1 or less: its first pain point, or its name,
    wrapped to the room its row leaves it (labels take turns between rows, so neighbours in a row are
    LABEL_ROWS steps apart). Returns the markup and the height the labels take."""
    low = [tp for tp in touchpoints if tp.scores and min(tp.scores) <= -1]  # with a score per persona, the lowest
    wrapped = [
        wrap(tp.pain_points[0] if tp.pain_points else tp.name, LABEL_ROWS * step - 10, 11, LABEL_LINES) for tp in low
    ]
    rows = [max([len(w) for i, w in enumerate(wrapped) if i % LABEL_ROWS == r] + [0]) for r in range(LABEL_ROWS)]
    offsets = [sum(rows[:r]) * LABEL_LINE + r * 6 for r in range(LABEL_ROWS)]
    base = TOP + PLOT + 30
    out, texts = [], []  # leaders first, then every label over them
    for i, (tp, text) in enumerate(zip(low, wrapped, strict=True)):  # one wrapped label per low touchpoint
        y = base + offsets[i % LABEL_ROWS]
        half = max(text_width(line, 11) for line in text) / 2 + 2
        cx = round(min(max(x[tp.id], half), width - half), 1)  # kept inside the chart
        lowest = min(tp.scores)
        full = f"{tp.name} ({lowest:+d}): " + ("; ".join(tp.pain_points) or "no pain point recorded")
        out.append(f'<line class="leader" x1="{x[tp.id]}" x2="{x[tp.id]}" y1="{y_of(lowest) + 6}" y2="{y - 11}"/>')
        spans = "".join(
            f'<tspan x="{cx}" dy="{0 if n == 0 else LABEL_LINE}">{esc(line)}</tspan>' for n, line in enumerate(text)
        )
        texts.append(
            f'<text class="low" x="{cx}" y="{y}" text-anchor="middle"><title>{esc(full)}</title>{spans}</text>'
        )
    out += texts
    used = [o + rows[r] * LABEL_LINE for r, o in enumerate(offsets) if rows[r]]
    return out, max(used + [LABEL_LINE])
