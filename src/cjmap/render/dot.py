"""Journey -> DOT text -> SVG through Graphviz (`neato -n2`, which draws what it is given).

Where everything goes is decided in render/grid.py; this module writes it as
DOT: every node pinned (`pos="x,y!"`), every edge with its route (`pos`) and
its label's place (`lp`). The DOT is written here as text, not through a
graph-building API, so its bytes are fully determined by the map: ids come
from the map, order from the file, and every piece of map text passes through
`_label_lines` (HTML-like labels) or `_quote` (DOT strings) and nowhere else.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Sequence

from cjmap.render.grid import (
    ARROW,
    BADGE_GAP,
    BADGE_H,
    BADGE_SIZE,
    BADGE_W,
    BADGES_W,
    CARD_PAD,
    CARD_W,
    LABEL_SIZE,
    META_SIZE,
    METRIC_GAP,
    METRIC_HEAD_SIZE,
    METRIC_TITLE_H,
    METRIC_VALUE_SIZE,
    NAME_SIZE,
    NOT_XML,
    PERSONA_BADGE_H,
    STAGE_SIZE,
    TITLE_SIZE,
    Box,
    Card,
    Grid,
    MetricBox,
    MetricLine,
    Route,
    badge_rows_height,
    layout_grid,
    lines_height,
    map_metric_lines,
    meta_row_height,
    metric_line_height,
    text_width,
    wrap,
)
from cjmap.resolve import Journey
from cjmap.vocabulary.emotion import SCALE, WORDS, emotion_label, emotion_word
from cjmap.vocabulary.palettes import DIAGRAM_DARK, DIAGRAM_LIGHT, DIAGRAM_THEMES

FONT = "Helvetica,Arial,sans-serif"
# Graphviz draws the DOT with these: every node already has its place and every edge its route.
ENGINE, ENGINE_ARGS = "neato", ("-n2",)

# Colours are data (cjmap.vocabulary.palettes); the names stay importable from here
THEME, DARK_THEME = DIAGRAM_LIGHT, DIAGRAM_DARK


def xml_text(text: str) -> str:
    """Map text as XML character data or attribute value: escaped, with characters XML forbids removed."""
    return html.escape(NOT_XML.sub("", text), quote=True)


def _quote(text: str) -> str:
    """A DOT double-quoted string: backslashes and quotes escaped, newlines kept out."""
    clean = NOT_XML.sub("", text).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + re.sub(r"[\r\n]+", " ", clean) + '"'


def _escstring(text: str) -> str:
    """Map text as a DOT string Graphviz reads as an escString (a tooltip): `_quote`, its backslashes doubled first,
    since Graphviz turns `\\N` into the node's name and `\\l` into a line end."""
    return _quote(text.replace("\\", "\\\\"))


def _label_lines(lines: Sequence[str]) -> str:
    """Lines of map text for an HTML-like label: each escaped, each ending in a left-aligned break.

    (Without the break on the last line too, Graphviz centres that one.)
    """
    return "".join(f'{html.escape(NOT_XML.sub("", line), quote=True)}<BR ALIGN="LEFT"/>' for line in lines)


def _label_text(text: str, width: float, size: float, max_lines: int) -> str:
    """Map text wrapped to `width` points, then escaped as label lines."""
    return _label_lines(wrap(text, width, size, max_lines))


def _where(journey: Journey, lanes: str = "none") -> dict[str, str]:
    """Each touchpoint's "channel · owner" line; in persona lanes, a shared card also says who else takes it."""
    names = {p.id: p.name for p in journey.personas}
    rank = {p.id: i for i, p in enumerate(journey.personas)}
    out = {}
    for tp in journey.touchpoints:
        channel, team = journey.channel(tp.channel), journey.team(tp.owner)
        parts = [channel.name if channel else None, team.name if team else None]
        if lanes == "persona" and tp.personas and len(tp.personas) > 1:
            parts.append("with " + ", ".join(names.get(p, p) for p in _persona_order(rank, tp.personas)[1:]))
        out[tp.id] = " \u00b7 ".join(x for x in parts if x)
    return out


def _persona_order(rank: dict[str, int], ids: Sequence[str]) -> list[str]:
    """Persona ids in the order the map defines them (unknown ones last)."""
    return sorted(ids, key=lambda p: (rank.get(p, len(rank)), p))


def lanes_of(journey: Journey, lanes: str) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """The lanes ((id, title), in order) and each touchpoint's lane, for `--lanes persona|channel`.

    A touchpoint for everyone sits in an "Everyone" lane; one shared by some personas sits once, in the
    lane of the first of them (its card names the others).
    """
    lane_of: dict[str, str] = {}
    rank = {p.id: i for i, p in enumerate(journey.personas)}
    for tp in journey.touchpoints:
        if lanes == "persona":
            lane_of[tp.id] = ":all" if not tp.personas else "p:" + _persona_order(rank, tp.personas)[0]
        else:
            lane_of[tp.id] = "c:" + tp.channel if tp.channel else ":none"
    used = set(lane_of.values())
    if lanes == "persona":
        order = [(":all", "Everyone")] + [("p:" + p.id, p.name) for p in journey.personas]
    else:
        order = [("c:" + c.id, c.name) for c in journey.channels] + [(":none", "No channel")]
    known = {lane for lane, _ in order}
    order += [(lane, lane.split(":", 1)[1]) for lane in sorted(used - known)]  # named but not defined: still drawn
    return [(lane, title) for lane, title in order if lane in used], lane_of


_KEYS = (  # the legend's second row: (theme colour, text)
    ("edge", "\u2192 next step"),
    ("branch", "\u2192 branch, with its condition"),
    ("muted", "\u2190 - - goes back to an earlier step (dashed)"),
    ("exit", "\u2b1a exit (leaves the journey)"),
    ("text", "\u25cf start"),
    ("end", "\u25cf end"),
)
_SHARE_KEY = ("branch", "\u2192 62 %: share of customers taking a branch (wider: more)")
_SCALE = f"{WORDS[SCALE[0]]} \u2026 {WORDS[SCALE[-1]]}"
_SPLIT = "badges with names: each persona's own score (the card's colour: their mean)"


def _keys(shares: bool) -> tuple[tuple[str, str], ...]:
    """The flow key; a map giving branch shares also says what an edge's width means."""
    return (*_KEYS[:2], _SHARE_KEY, *_KEYS[2:]) if shares else _KEYS


def _heading_boxes(title_lines: Sequence[str], split: bool = False, shares: bool = False) -> tuple[Box, Box, Box]:
    """Title with state, the emotion scale and the flow key, stacked at the top left (sizes as Graphviz measures them).

    `split`: the map has a card with a score per persona, which the scale's row then explains.
    """
    title_w = max(text_width(line, TITLE_SIZE) for line in title_lines) + 4
    title = Box(0, 0, title_w, lines_height(len(title_lines), TITLE_SIZE) + 21)
    scale_w = 2 + text_width("emotion", LABEL_SIZE) + 6 + 5 * 28 + text_width(_SCALE, LABEL_SIZE) + 6 + 2
    if split:
        scale_w += text_width(_SPLIT, LABEL_SIZE) + 6
    scale = Box(0, title.bottom + 4, scale_w, 19)
    keys_w = sum(text_width(text, LABEL_SIZE) + 4 for _, text in _keys(shares)) + len(_keys(shares)) * 12
    keys = Box(0, scale.bottom + 2, keys_w, 19)
    return title, scale, keys


def _headings(
    title_lines: Sequence[str], state: str, t: dict, split: bool = False, shares: bool = False
) -> tuple[str, str, str]:
    """Title and state, then a legend in two rows: a reader needs no other key to the diagram."""
    title = (
        f'<<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="1">'
        f'<TR><TD ALIGN="LEFT" BALIGN="LEFT"><FONT POINT-SIZE="{TITLE_SIZE}"><B>{_label_lines(title_lines)}</B></FONT>'
        f"</TD></TR>"
        f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="11" COLOR="{t["muted"]}">{state}</FONT></TD></TR></TABLE>>'
    )
    swatches = "".join(
        f'<TD BGCOLOR="{t["emotion"][e][1]}" WIDTH="26"><FONT COLOR="{t["emotion"][e][2]}" POINT-SIZE="9">'
        f"<B>{emotion_label(e)}</B></FONT></TD>"
        for e in SCALE
    )
    scale = (
        f'<<TABLE BORDER="0" CELLSPACING="2" CELLPADDING="2"><TR>'
        f'<TD><FONT POINT-SIZE="9" COLOR="{t["muted"]}">emotion</FONT></TD>{swatches}'
        f'<TD><FONT POINT-SIZE="9" COLOR="{t["muted"]}">{_SCALE}</FONT></TD>'
        + (f'<TD><FONT POINT-SIZE="9" COLOR="{t["muted"]}">{html.escape(_SPLIT)}</FONT></TD>' if split else "")
        + "</TR></TABLE>>"
    )
    keys = "".join(
        f'<TD><FONT POINT-SIZE="9" COLOR="{t[colour]}">{html.escape(text)}</FONT></TD><TD WIDTH="12"></TD>'
        for colour, text in _keys(shares)
    )
    return title, scale, f'<<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="2"><TR>{keys}</TR></TABLE>>'


def _card(card: Card, where: str, t: dict) -> str:
    """A touchpoint as a fixed-size table: its name, then channel and owner beside the emotion badge.

    The badge is a table of its own, so it keeps its size when the channel · owner line wraps.
    """
    if card.badges:
        return _split_card(card, t)
    tp, box = card.touchpoint, card.box
    fill, badge, badge_text = t["emotion"][tp.emotion]
    style = ' STYLE="ROUNDED"' if tp.emotion is not None else ' STYLE="ROUNDED,DASHED"'
    meta_h = meta_row_height(len(card.meta))
    name_h = box.h - 8 - meta_h  # the name takes what the channel · owner row leaves
    badge_cell = (
        f'<TD FIXEDSIZE="TRUE" WIDTH="{BADGE_W}" HEIGHT="{BADGE_H}" CELLPADDING="0" VALIGN="BOTTOM" BGCOLOR="{badge}">'
        f'<FONT COLOR="{badge_text}" POINT-SIZE="10"><B>{html.escape(emotion_label(tp.emotion))}</B></FONT></TD>'
    )
    return (
        f'<<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="2" CELLPADDING="4" BGCOLOR="{fill}" '
        f'COLOR="{t["card_border"]}"{style}>'
        f'<TR><TD ALIGN="LEFT" VALIGN="TOP" BALIGN="LEFT" COLSPAN="2" FIXEDSIZE="TRUE" WIDTH="{CARD_W - 6}" '
        f'HEIGHT="{name_h:.0f}">'
        f"<B>{_label_lines(card.name)}</B></TD></TR>"
        f'<TR><TD ALIGN="LEFT" VALIGN="BOTTOM" BALIGN="LEFT" FIXEDSIZE="TRUE" WIDTH="{CARD_W - 6 - 2 - BADGE_W}" '
        f'HEIGHT="{meta_h:.0f}">'
        f'<FONT POINT-SIZE="{META_SIZE}" COLOR="{t["muted"]}">{_label_lines(card.meta)}</FONT></TD>{badge_cell}</TR>'
        f"</TABLE>>"
    )


def _split_card(card: Card, t: dict) -> str:
    """A touchpoint scored per persona: its name, channel and owner across the card, then a row of badges, one per
    persona in the map's order, each coloured by that persona's score and named ("Maya +1"). The card's fill is
    the mean's colour, as on every card. Every row spans the two columns of a single-score card, so Graphviz
    draws both kinds of card one size.
    """
    tp, box = card.touchpoint, card.box
    fill = t["emotion"][tp.emotion][0]
    meta_h = lines_height(len(card.meta), META_SIZE) + 8
    badges_h = badge_rows_height(len(card.badges))
    name_h = box.h - 10 - meta_h - badges_h  # the name takes what the other rows leave
    rows = []
    for row in card.badges:
        cells = "".join(
            f'<TD FIXEDSIZE="TRUE" WIDTH="{b.w:.0f}" HEIGHT="{PERSONA_BADGE_H}" VALIGN="BOTTOM" '
            f'BGCOLOR="{t["emotion"][b.score][1]}">'
            f'<FONT COLOR="{t["emotion"][b.score][2]}" POINT-SIZE="{BADGE_SIZE}"><B>{_label_lines([b.text])}</B></FONT>'
            f"</TD>"
            for b in row
        )
        row_w = BADGE_GAP + sum(b.w + BADGE_GAP for b in row)
        rest = (
            BADGES_W - row_w - BADGE_GAP
        )  # Graphviz centres a narrower row whatever ALIGN says: an empty cell fills it
        if rest >= 1:
            cells += f'<TD FIXEDSIZE="TRUE" WIDTH="{rest:.0f}" HEIGHT="{PERSONA_BADGE_H}"></TD>'
            row_w = BADGES_W
        rows.append(
            f'<TR><TD CELLPADDING="0"><TABLE BORDER="0" CELLSPACING="{BADGE_GAP}" CELLPADDING="0" FIXEDSIZE="TRUE" '
            f'WIDTH="{row_w:.0f}" HEIGHT="{PERSONA_BADGE_H + 2 * BADGE_GAP}"><TR>{cells}</TR></TABLE></TD></TR>'
        )
    return (
        f'<<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="2" CELLPADDING="4" BGCOLOR="{fill}" '
        f'COLOR="{t["card_border"]}" STYLE="ROUNDED">'
        f'<TR><TD ALIGN="LEFT" VALIGN="TOP" BALIGN="LEFT" COLSPAN="2" FIXEDSIZE="TRUE" WIDTH="{CARD_W - 6}" '
        f'HEIGHT="{name_h:.0f}">'
        f"<B>{_label_lines(card.name)}</B></TD></TR>"
        f'<TR><TD ALIGN="LEFT" VALIGN="BOTTOM" BALIGN="LEFT" COLSPAN="2" FIXEDSIZE="TRUE" WIDTH="{CARD_W - 6}" '
        f'HEIGHT="{meta_h:.0f}">'
        f'<FONT POINT-SIZE="{META_SIZE}" COLOR="{t["muted"]}">{_label_lines(card.meta)}</FONT></TD></TR>'
        f'<TR><TD ALIGN="LEFT" VALIGN="TOP" COLSPAN="2" FIXEDSIZE="TRUE" WIDTH="{BADGES_W}" HEIGHT="{badges_h:.0f}" '
        f'CELLPADDING="0">'
        f'<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="0" FIXEDSIZE="TRUE" WIDTH="{BADGES_W}" '
        f'HEIGHT="{badges_h:.0f}">'
        f"{''.join(rows)}</TABLE></TD></TR></TABLE>>"
    )


def _metric_box(metrics: MetricBox, t: dict) -> str:
    """A stage's KPI lane: each metric's place and name, its value with its status in words, its target."""
    rows = [
        f'<TR><TD ALIGN="LEFT" VALIGN="TOP" HEIGHT="{METRIC_TITLE_H - 4}">'
        f'<FONT POINT-SIZE="9" COLOR="{t["muted"]}"><B>Metrics</B></FONT></TD></TR>',
        *_metric_rows(metrics.lines, t),
    ]
    return _metrics_frame(metrics.box, t, "".join(rows))


def _metrics_frame(box: Box, t: dict, rows: str) -> str:
    """A metrics box: a rounded frame of the box's size around a table of rows."""
    frame = f'COLOR="{t["stage_border"]}" BGCOLOR="{t["background"]}" FIXEDSIZE="TRUE"'
    frame += f' WIDTH="{box.w:.0f}" HEIGHT="{box.h:.0f}"'
    return (
        f'<<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0" STYLE="ROUNDED" {frame}>'
        f'<TR><TD CELLPADDING="6" VALIGN="TOP"><TABLE BORDER="0" CELLSPACING="0" CELLPADDING="0">{rows}'
        "</TABLE></TD></TR></TABLE>>"
    )


def _metric_rows(lines: Sequence[MetricLine], t: dict) -> list[str]:
    """Each metric as rows of a label table: its head (place, name, whose), its value and status, its target."""
    cell = '<TR><TD ALIGN="LEFT" BALIGN="LEFT">{}</TD></TR>'
    colours = {"on": t["on_target"], "off": t["off_target"]}
    rows = []
    for line in lines:
        muted = f'<FONT POINT-SIZE="{METRIC_HEAD_SIZE}" COLOR="{t["muted"]}">'
        rows.append(cell.format(f"{muted}{_label_lines(line.head)}</FONT>"))
        value = f'<FONT POINT-SIZE="{METRIC_VALUE_SIZE}" COLOR="{colours.get(line.status, t["text"])}">'
        rows.append(cell.format(f"{value}<B>{_label_lines([line.value])}</B></FONT>"))
        if line.target:
            rows.append(cell.format(f"{muted}{_label_lines(line.target)}</FONT>"))
        rows.append(f'<TR><TD HEIGHT="{METRIC_GAP}"></TD></TR>')
    return rows


MAP_METRICS_TITLE = "Metrics for the whole journey"
MAP_METRICS_PER_ROW = 4


def _map_metrics_box(lines: Sequence[MetricLine], below: float) -> Box | None:
    """Where the whole journey's metrics go: under the legend, up to four side by side, each as wide as a card."""
    if not lines:
        return None
    height = METRIC_TITLE_H + sum(_map_metrics_row_height(row) for row in _map_metrics_rows(lines)) + 4
    return Box(0, below + 8, min(len(lines), MAP_METRICS_PER_ROW) * (CARD_W - 2 * CARD_PAD + 12) + 2, height)


def _map_metrics_rows(lines: Sequence[MetricLine]) -> list[Sequence[MetricLine]]:
    return [lines[i : i + MAP_METRICS_PER_ROW] for i in range(0, len(lines), MAP_METRICS_PER_ROW)]


def _map_metrics_row_height(row: Sequence[MetricLine]) -> float:
    """A row of metrics side by side: its heads share one table row, its values the next, its targets the last."""
    heads = max(len(line.head) for line in row)
    targets = max(len(line.target) for line in row)
    return metric_line_height(MetricLine(("",) * heads, "", "none", ("",) * targets))


def _map_metrics(lines: Sequence[MetricLine], box: Box, t: dict) -> str:
    """The whole journey's metrics as one box, heads, values and targets each on a line across the box, so the
    SVG shared on its own still carries them."""
    colours = {"on": t["on_target"], "off": t["off_target"]}
    muted = f'<FONT POINT-SIZE="{METRIC_HEAD_SIZE}" COLOR="{t["muted"]}">'
    space = '<TD WIDTH="12"></TD>'
    width = CARD_W - 2 * CARD_PAD
    rows = []
    for row in _map_metrics_rows(lines):
        heads = [
            f'<TD ALIGN="LEFT" VALIGN="BOTTOM" BALIGN="LEFT" WIDTH="{width}">'
            f"{muted}{_label_lines(line.head)}</FONT></TD>"
            for line in row
        ]
        values = [
            f'<TD ALIGN="LEFT" BALIGN="LEFT"><FONT POINT-SIZE="{METRIC_VALUE_SIZE}" '
            f'COLOR="{colours.get(line.status, t["text"])}"><B>{_label_lines([line.value])}</B></FONT></TD>'
            for line in row
        ]
        targets = [
            f'<TD ALIGN="LEFT" VALIGN="TOP" BALIGN="LEFT">{muted}{_label_lines(line.target)}</FONT></TD>'
            if line.target
            else "<TD></TD>"
            for line in row
        ]
        rows += [f"<TR>{space.join(cells)}</TR>" for cells in (heads, values, targets)]
        rows.append(f'<TR><TD HEIGHT="{METRIC_GAP}"></TD></TR>')
    title = (
        f'<TR><TD ALIGN="LEFT" VALIGN="TOP" COLSPAN="{2 * MAP_METRICS_PER_ROW - 1}" HEIGHT="{METRIC_TITLE_H - 4}">'
        f'<FONT POINT-SIZE="9" COLOR="{t["muted"]}"><B>{MAP_METRICS_TITLE}</B></FONT></TD></TR>'
    )
    return _metrics_frame(box, t, title + "".join(rows))


def _card_tooltip(card: Card, names: dict[str, str]) -> str:
    """What a card scored per persona says on hover: each persona's score in words, then the mean it is coloured by."""
    tp = card.touchpoint
    scores = "; ".join(f"{names.get(p, p)}: {emotion_word(score)} ({emotion_label(score)})" for p, score in tp.emotions)
    mean = f"{emotion_word(tp.emotion)} ({emotion_label(tp.emotion)})" if tp.emotion is not None else "none"
    return f"{_cut(tp.name, 120)} \u2014 {scores}; the card's colour is their mean: {mean}"


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _stage_label(column, t: dict) -> str:
    """The stage's number, name and goal, as a table as wide as the header space, at the column's top."""
    goal = (
        f'<TR><TD ALIGN="LEFT" BALIGN="LEFT"><FONT POINT-SIZE="{META_SIZE}" '
        f'COLOR="{t["muted"]}">{_label_lines(column.goal)}</FONT></TD></TR>'
        if column.goal
        else ""
    )
    return (
        f'<<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="1" FIXEDSIZE="TRUE" WIDTH="{column.header.w:.0f}" '
        f'HEIGHT="{column.header.h:.0f}">'
        f'<TR><TD ALIGN="LEFT" VALIGN="TOP" BALIGN="LEFT"><FONT POINT-SIZE="{STAGE_SIZE}">'
        f"<B>{_label_lines(column.name)}</B></FONT></TD></TR>"
        f"{goal}</TABLE>>"
    )


class _Canvas:
    """Points of the grid (y down) as Graphviz coordinates (y up), written with one decimal."""

    def __init__(self, height: float) -> None:
        self.height = height

    def at(self, x: float, y: float) -> str:
        return f"{x:.1f},{self.height - y:.1f}"

    def pin(self, box: Box) -> str:
        return f'pos="{self.at(box.cx, box.cy)}!", width={box.w / 72:.4f}, height={box.h / 72:.4f}'

    def spline(self, points: Sequence[tuple[float, float]], arrow: bool = True) -> str:
        """A polyline as Graphviz's B-spline, corners rounded, ending an arrow's length before its tip."""
        pts = [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]
        if len(pts) < 2:
            pts = [pts[0], pts[0]]
        tip = pts[-1]
        if arrow:
            (ax, ay), (bx, by) = pts[-2], pts[-1]
            length = max(abs(bx - ax) + abs(by - ay), 1e-9)
            shorten = min(ARROW, length * 0.9)
            pts[-1] = (bx - (bx - ax) / length * shorten, by - (by - ay) / length * shorten)
        control = [pts[0]]
        current = pts[0]
        for i in range(1, len(pts) - 1):
            corner, before, after = pts[i], pts[i - 1], pts[i + 1]
            d1 = abs(corner[0] - before[0]) + abs(corner[1] - before[1])
            d2 = abs(after[0] - corner[0]) + abs(after[1] - corner[1])
            r = min(6.0, d1 / 2, d2 / 2)
            a = (
                corner[0] - (corner[0] - before[0]) / max(d1, 1e-9) * r,
                corner[1] - (corner[1] - before[1]) / max(d1, 1e-9) * r,
            )
            b = (
                corner[0] + (after[0] - corner[0]) / max(d2, 1e-9) * r,
                corner[1] + (after[1] - corner[1]) / max(d2, 1e-9) * r,
            )
            control += _straight(current, a)
            control += [
                (a[0] + (corner[0] - a[0]) * 0.55, a[1] + (corner[1] - a[1]) * 0.55),
                (b[0] + (corner[0] - b[0]) * 0.55, b[1] + (corner[1] - b[1]) * 0.55),
                b,
            ]
            current = b
        control += _straight(current, pts[-1])
        body = " ".join(self.at(x, y) for x, y in control)
        return f'"e,{self.at(*tip)} {body}"' if arrow else f'"{body}"'


def _straight(a: tuple[float, float], b: tuple[float, float]) -> list[tuple[float, float]]:
    return [
        (a[0] + (b[0] - a[0]) / 3, a[1] + (b[1] - a[1]) / 3),
        (a[0] + 2 * (b[0] - a[0]) / 3, a[1] + 2 * (b[1] - a[1]) / 3),
        b,
    ]


def journey_grid(journey: Journey, lanes: str = "none") -> Grid:
    """Where everything of the diagram goes (see render/grid.py); `lanes`: none, persona or channel."""
    title_lines = wrap(journey.title, 760, TITLE_SIZE, 2)
    split = any(tp.emotions for tp in journey.touchpoints)
    boxes = list(_heading_boxes(title_lines, split, bool(journey.metrics.shares)))
    whole = _map_metrics_box(map_metric_lines(journey), boxes[-1].bottom)
    boxes += [whole] if whole else []
    if lanes == "none":
        return layout_grid(journey, _where(journey), title_lines, boxes[-1].bottom, max(b.w for b in boxes))
    order, lane_of = lanes_of(journey, lanes)
    return layout_grid(
        journey, _where(journey, lanes), title_lines, boxes[-1].bottom, max(b.w for b in boxes), order, lane_of
    )


def journey_to_dot(journey: Journey, theme: str = "light", lanes: str = "none") -> str:
    """The whole journey as DOT, laid out: stage columns left to right, touchpoints top to bottom, in file order
    (with `lanes`, in file order within each persona's or channel's band of rows)."""
    grid = journey_grid(journey, lanes)
    return "\n".join(_dot_lines(journey, grid, DIAGRAM_THEMES[theme], lanes)) + "\n"


def _edge_attrs(route: Route, t: dict, canvas: _Canvas) -> list[str]:
    points = route.points
    if route.share is not None:  # wider as more customers take it: 1 pt for none, 6 pt for everyone
        points = _pulled_back(points, share_width(route.share) - 1)  # a wide arrowhead's outline stays off the card
    attrs = [f"id={_quote(route.id)}", f"pos={canvas.spline(points)}"]
    if route.share is not None:
        attrs.append(f"penwidth={share_width(route.share):.2f}")
    if route.kind == "exit":
        return attrs + ["style=dashed", f'color="{t["exit"]}"']
    colour = t["branch"] if route.kind == "branch" or route.label else t["edge"]
    attrs.append(f'color="{colour}"')
    if route.kind == "back":
        attrs.append("style=dashed")
    if route.label and route.label_box:
        box = route.label_box
        lines = _label_lines(route.label)
        if route.share is not None:  # the share is the label's first line, in bold
            lines = f"<B>{_label_lines(route.label[:1])}</B>{_label_lines(route.label[1:])}"
        attrs += [f"label=<{lines}>", f'lp="{canvas.at(box.cx, box.cy)}"', f'fontcolor="{colour}"']
    return attrs


def _pulled_back(points: Sequence[tuple[float, float]], by: float) -> tuple[tuple[float, float], ...]:
    """The route with its tip moved `by` points back along its last segment (never past the segment's start)."""
    (ax, ay), (bx, by_) = points[-2], points[-1]
    length = abs(bx - ax) + abs(by_ - ay)  # routes run straight along x or y
    if length <= 0:
        return tuple(points)
    step = min(by, length / 3) / length
    return (*points[:-1], (bx - (bx - ax) * step, by_ - (by_ - ay) * step))


def share_width(share: float) -> float:
    """An edge's pen width for the part of customers taking it (0..1)."""
    return 1 + 5 * min(max(share, 0.0), 1.0)


def _dot_lines(journey: Journey, grid: Grid, t: dict, lanes: str = "none") -> Iterator[str]:
    canvas = _Canvas(grid.height)
    state = "future state" if journey.state == "future" else "current state"
    yield "// Laid out by cjmap: every node has its place and every edge its route. Draw with: neato -n2 -Tsvg"
    yield f"digraph {_quote('journey')} {{"
    yield (
        f'  graph [bgcolor="{t["background"]}", pad=0.3, splines=true, outputorder=nodesfirst, '
        f'bb="0,0,{grid.width},{grid.height}", fontname={_quote(FONT)}];'
    )
    yield f'  node [shape=plain, fontname={_quote(FONT)}, fontsize={NAME_SIZE}, fontcolor="{t["text"]}"];'
    yield (
        f'  edge [fontname={_quote(FONT)}, fontsize={LABEL_SIZE}, color="{t["edge"]}", fontcolor="{t["muted"]}", '
        f"arrowsize=0.7];"
    )
    split = any(card.badges for card in grid.cards)
    shares = bool(journey.metrics.shares)
    headings = zip(
        ("title", "legend-emotion", "legend-flow"),
        _heading_boxes(grid.title_lines, split, shares),
        _headings(grid.title_lines, state, t, split, shares),
        strict=True,  # three names, three boxes, three labels
    )
    for name, box, label in headings:
        placed = Box(grid.title.x + box.x, grid.title.y + box.y, box.w, box.h)
        yield f'  "{name}" [id="{name}", pos="{canvas.at(placed.cx, placed.cy)}!", label={label}];'
    whole_lines = map_metric_lines(journey)
    whole = _map_metrics_box(whole_lines, _heading_boxes(grid.title_lines, split, shares)[-1].bottom)
    if whole:
        placed = Box(grid.title.x + whole.x, grid.title.y + whole.y, whole.w, whole.h)
        label = _map_metrics(whole_lines, whole, t)
        yield f'  "journey-metrics" [id="journey-metrics", {canvas.pin(placed)}, label={label}];'
    for column in grid.columns:  # first, so cards are drawn over them
        stage_id = "stage-" + column.stage.id
        yield (
            f'  {_quote(stage_id)} [id={_quote(stage_id)}, shape=box, style="rounded,filled", fixedsize=true, '
            f'fillcolor="{t["stage_fill"]}", color="{t["stage_border"]}", labelloc=t, {canvas.pin(column.box)}, '
            f"label={_stage_label(column, t)}];"
        )
    for marker in grid.empties:  # an empty stage stays visible: it is a finding, not a layout glitch
        yield (
            f'  {_quote(marker.id)} [id={_quote(marker.id)}, shape=box, style="dashed", fixedsize=true, '
            f'color="{t["exit"]}", fontcolor="{t["exit"]}", fontsize=10, {canvas.pin(marker.box)}, '
            f'label="no touchpoints"];'
        )
    if grid.lanes and grid.columns:
        right = grid.columns[-1].box.right
        for lane in grid.lanes:
            node = _quote("lane-" + lane.id)
            yield (
                f"  {node} [id={node}, {canvas.pin(lane.box)}, "
                f'label=<<TABLE BORDER="0" CELLPADDING="2" CELLSPACING="0">'
                f'<TR><TD ALIGN="LEFT" BALIGN="LEFT"><FONT COLOR="{t["muted"]}"><B>{_label_lines(lane.lines)}</B>'
                f"</FONT></TD></TR></TABLE>>];"
            )
            if lane is not grid.lanes[0]:  # a line across every column between two lanes
                line = _quote("lane-line-" + lane.id)
                box = Box(grid.lanes[0].box.x, lane.top + 3, right - grid.lanes[0].box.x, 1)
                yield (
                    f'  {line} [id={line}, shape=box, fixedsize=true, style=filled, fillcolor="{t["stage_border"]}", '
                    f'color="{t["stage_border"]}", penwidth=0, {canvas.pin(box)}, label=""];'
                )
    where = _where(journey, lanes)
    names = {p.id: _cut(p.name, 60) for p in journey.personas} if split else {}  # cut: each card repeats them
    for card in grid.cards:
        node = _quote("tp-" + card.touchpoint.id)
        tooltip = f", tooltip={_escstring(_card_tooltip(card, names))}" if card.badges else ""
        yield (
            f"  {node} [id={node}, {canvas.pin(card.box)}, label={_card(card, where[card.touchpoint.id], t)}{tooltip}];"
        )
    for metrics in grid.metrics:
        node = _quote(metrics.id)
        yield f"  {node} [id={node}, {canvas.pin(metrics.box)}, label={_metric_box(metrics, t)}];"
    for marker in grid.exits:
        yield (
            f'  {_quote(marker.id)} [id={_quote(marker.id)}, shape=box, style="rounded,dashed", fixedsize=true, '
            f'color="{t["exit"]}", fontcolor="{t["exit"]}", fontsize={LABEL_SIZE}, {canvas.pin(marker.box)}, '
            f"label=<{_label_lines(marker.lines)}>];"
        )
    for marker in grid.starts:
        yield (
            f"  {_quote(marker.id)} [id={_quote(marker.id)}, shape=circle, fixedsize=true, style=filled, "
            f'fillcolor="{t["text"]}", color="{t["text"]}", {canvas.pin(marker.box)}, label="", tooltip="start"];'
        )
    for marker in grid.ends:
        yield (
            f"  {_quote(marker.id)} [id={_quote(marker.id)}, shape=doublecircle, fixedsize=true, style=filled, "
            f'fillcolor="{t["end"]}", color="{t["end"]}", {canvas.pin(marker.box)}, label="", '
            f'tooltip="journey ends"];'
        )
    for route in grid.routes:
        yield f"  {_quote(route.source)} -> {_quote(route.target)} [{', '.join(_edge_attrs(route, t, canvas))}];"
    yield "}"
