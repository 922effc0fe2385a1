"""The diagram's geometry, computed here so that it cannot lie about the order of time.

Graphviz's `dot` orders stage clusters as it likes once branches cross stages,
and its position step grows far faster than the map (3,000 touchpoints took
25 s in it). So cjmap places everything itself: stage columns left to right in
file order, touchpoints top to bottom in file order on rows shared by every
column, cards of one size per map, and every edge routed along gutters
between columns and gaps between rows, with its condition in space kept free
of cards. Graphviz (`neato -n2`) then only draws what it is given.

Coordinates here are points, y pointing down; dot.py flips them for Graphviz.
Everything is a pure function of the journey, so the same map gives the same
bytes, and the work is linear in the size of the map.
"""

from __future__ import annotations

import bisect
import heapq
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from cjmap.resolve import Edge, Journey, Stage, Touchpoint
from cjmap.vocabulary.emotion import emotion_label
from cjmap.vocabulary.shares import percent

if TYPE_CHECKING:
    from cjmap.render.kpi import Kpi

# Helvetica-Bold widths (1/1000 em) of printable ASCII. Graphviz measures Helvetica with these
# metrics (Liberation Sans), so a line wrapped here fits the box it is wrapped for.
# Glyph widths read best as rows of sixteen, as in the font's own tables: the formatter leaves them so.
# fmt: off
_WIDTHS = (
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,  # space to /
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,  # 0-9 : ; < = > ?
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,  # @ A-O
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,  # P-Z [ \ ] ^ _
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,  # ` a-o
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,  # p-z { | } ~
)

# Not allowed in XML, plus bidi embeddings and overrides: in a label they could reorder
# the text drawn after them (the HTML report isolates them instead).
NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\u202a-\u202e\u2066-\u2069]")

_REGULAR_WIDTHS = (  # Helvetica: where a label's text starts depends on its true width, Graphviz centring it
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
)

# measured in Graphviz: what the legend and common map text use beyond ASCII
_OTHER_WIDTHS = {
    "\u2192": 1000, "\u2190": 1000, "\u2026": 1000, "\u2014": 1000, "\u2013": 556, "\u2212": 584, "\u00b7": 278,
    "\u2018": 278, "\u2019": 278, "\u201c": 500, "\u201d": 500, "\u25cf": 610, "\u2b1a": 950, "\u00a0": 278,
    "\u20ac": 556,
}
# fmt: on

CARD_W = 200  # every card of every map
CARD_PAD = 7  # border, cell spacing and padding inside a card, each side
BADGE_W, BADGE_H = 30, 18
NAME_SIZE, META_SIZE, LABEL_SIZE, STAGE_SIZE, TITLE_SIZE = 11, 9, 9, 13, 18
NAME_LINES, META_LINES, LABEL_LINES, EXIT_LINES = 3, 2, 3, 8  # an exit's reason wraps rather than being cut
COL_PAD = 14  # stage box edge to card
STAGE_W = CARD_W + 2 * COL_PAD
LABEL_W = 118  # widest branch condition
BESIDE_W = CARD_W // 2 - 14  # a condition beside an arrow straight down to the next card
EXIT_W = CARD_W // 2 - 10  # an exit box sits in the left half of the gap under its card
GUTTER = 18  # the least room between two stage columns
TRACK = 7  # between parallel edges in a gutter or a gap
PAD = 20  # around the whole drawing
ARROW = 7  # arrowsize 0.7
GAP_MIN = 26  # between two cards of a column: room for an arrow
START_R, END_R = 8, 8
SIDE_START_R = 5  # a start beside its card sits on a gutter track: narrower than the room between two
# A card with a score per persona shows a row of small badges under its channel · owner line, one per persona
BADGE_SIZE = 9  # "Maya +1", in bold
PERSONA_BADGE_H = 15
BADGE_GAP = 2  # around and between the badges of a row
BADGE_ROWS = 3  # at most; what does not fit is counted in a last badge ("4 more")
TAG_W = 64  # widest persona tag: a first name, or the start of one
BADGES_W = CARD_W - 6  # the badge cell: the card less its border and cell spacing


def text_width(text: str, size: float, bold: bool = True) -> float:
    """Width of one line in points, as Graphviz measures Helvetica; bold by default, which is never narrower."""
    return _units(text, bold) * size / 1000


@lru_cache(maxsize=1 << 14)
def _units(text: str, bold: bool) -> int:
    """Width of one line in thousandths of an em. Kept: words repeat from card to card (1,000 touchpoints
    measure 13,657 words and lines)."""
    table = _WIDTHS if bold else _REGULAR_WIDTHS
    if text.isascii() and text.isprintable():
        return sum([table[code - 32] for code in text.encode()])
    total = 0
    for ch in text:
        code = ord(ch)
        if 32 <= code <= 126:
            total += table[code - 32]
        elif ch in _OTHER_WIDTHS:
            total += _OTHER_WIDTHS[ch]
        elif unicodedata.combining(ch):
            continue
        elif unicodedata.east_asian_width(ch) in "WF" or code >= 0x1F000:
            total += 1150
        elif 0xC0 <= code < 0x250 and 32 <= ord(unicodedata.normalize("NFKD", ch)[0]) <= 126:  # accented Latin letters
            total += _WIDTHS[ord(unicodedata.normalize("NFKD", ch)[0]) - 32] + 60
        else:
            total += 950
    return total


_NARROWEST = 0.23  # the narrowest glyph text_width counts (238/1000 em); combining marks count 0 but are cut too


def wrap(text: str, width: float, size: float, max_lines: int) -> tuple[str, ...]:
    """Text broken into lines no wider than `width` points; the last line cut with an ellipsis if too many.

    Linear in the text, and it stops reading once the lines are full: map text may be 10,000 characters.
    """
    # no character is narrower than a fifth of an em: what lies beyond this cannot be shown anyway
    limit = int(max_lines * width / (size * 0.2)) + 2
    cut = len(text) > limit
    space = text_width(" ", size)
    lines: list[str] = []
    line, line_w = "", 0.0
    for word in " ".join(NOT_XML.sub("", text[:limit]).split()).split(" "):
        if len(lines) > max_lines:
            break
        w = text_width(word, size)
        if line and line_w + space + w <= width:
            line, line_w = f"{line} {word}", line_w + space + w
            continue
        if line:
            lines.append(line)
            line, line_w = "", 0.0
        if w <= width:
            line, line_w = word, w
            continue
        for ch in word:  # a word wider than the box is broken
            cw = text_width(ch, size)
            if line and line_w + cw > width:
                lines.append(line)
                line, line_w = "", 0.0
                if len(lines) > max_lines:
                    break
            line, line_w = line + ch, line_w + cw
    lines.append(line)
    if len(lines) > max_lines or cut:  # more text than room: the last line shown ends in an ellipsis
        shown = min(len(lines), max_lines)
        last = lines[shown - 1]
        while last and text_width(last + "\u2026", size) > width:
            last = last[:-1]
        lines = [*lines[: shown - 1], last.rstrip() + "\u2026"]
    return tuple(lines) or ("",)


def lines_height(lines: int, size: float) -> float:
    return lines * size + 2


class Box(NamedTuple):
    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    def overlaps(self, other: Box) -> bool:
        return self.x < other.right and other.x < self.right and self.y < other.bottom and other.y < self.bottom


class Badge(NamedTuple):
    """One persona's score on a card: its tag and score as drawn, coloured by `score`."""

    persona: str  # its id; "" for the badge counting those left out
    text: str
    score: int | None
    w: float


class Card(NamedTuple):
    touchpoint: Touchpoint
    box: Box
    name: tuple[str, ...]
    meta: tuple[str, ...]
    badges: tuple[tuple[Badge, ...], ...] = ()  # rows of persona badges, when the map scores each persona here


class Column(NamedTuple):
    stage: Stage
    number: int
    box: Box  # the stage's column, header included
    header: Box
    name: tuple[str, ...]
    goal: tuple[str, ...]


class Route(NamedTuple):
    """One edge as a polyline; the last point is the arrow's tip."""

    id: str
    source: str  # node ids
    target: str
    kind: str  # next | branch | back | exit | start | end
    points: tuple[tuple[float, float], ...]
    label: tuple[str, ...]  # the condition, wrapped; first its share ("70 %") when the map gives one
    label_box: Box | None
    share: float | None = None  # the part of those reaching the source that take this step (or leave, on an exit)


class Marker(NamedTuple):
    id: str
    box: Box
    lines: tuple[str, ...]


class Lane(NamedTuple):
    """A row band across every stage column: one persona's or one channel's touchpoints (`--lanes`)."""

    id: str
    title: str
    lines: tuple[str, ...]  # the title, wrapped
    top: float  # where the band starts: its separator line
    box: Box  # the title, left of the first column


class MetricLine(NamedTuple):
    """One metric in a stage's metrics box: where and what, its value with its status, its target."""

    head: tuple[str, ...]  # "Reviews the cart · Cart abandonment", wrapped
    value: str  # "45 %  ✓ on target"
    status: str  # on | off | none
    target: tuple[str, ...]  # "target ≤ 50 % · 2026-10-31", wrapped


class MetricBox(NamedTuple):
    """A stage's metrics under its cards: the diagram's KPI lane, one box per stage column that measures something."""

    id: str
    box: Box
    lines: tuple[MetricLine, ...]


class Grid(NamedTuple):
    width: float
    height: float
    title: Box
    title_lines: tuple[str, ...]
    columns: tuple[Column, ...]
    cards: tuple[Card, ...]
    empties: tuple[Marker, ...]  # "no touchpoints" in an empty stage
    exits: tuple[Marker, ...]
    starts: tuple[Marker, ...]  # where journeys begin: the first touchpoint and every persona's start
    ends: tuple[Marker, ...]
    routes: tuple[Route, ...]
    lanes: tuple[Lane, ...] = ()
    metrics: tuple[MetricBox, ...] = ()  # the KPI lane, when the map measures something at its stages or touchpoints


class _Marker(NamedTuple):
    """What a start marker beside its card shows the track assignment: just an id."""

    id: str


@dataclass
class _Plan:
    """An edge on its way to a route: where it leaves, which gutters and gap it uses."""

    id: str
    edge: Edge
    kind: str
    source_side: str  # right | left | bottom
    target_side: str  # left | right | top
    gutters: tuple[int, ...]  # one or two gutters holding its vertical runs
    gap: int | None  # the row gap its horizontal run crosses, when it spans columns
    label: tuple[str, ...]
    gap_track: int = 0
    source_y: float = 0.0
    target_y: float = 0.0


def edge_ids(edges: Iterable[Edge]) -> list[str]:
    """Ids from the endpoints, not a counter, so one new edge does not renumber the rest."""
    seen: dict[str, int] = {}
    ids = []
    for edge in edges:
        edge_id = f"edge-{edge.source}--{edge.target}"
        seen[edge_id] = seen.get(edge_id, 0) + 1
        ids.append(edge_id if seen[edge_id] == 1 else f"{edge_id}-{seen[edge_id]}")
    return ids


def _assign_tracks(intervals: Sequence[tuple[float, float]], clearance: float = 0.0) -> list[int]:
    """A track per interval, none shared by two that meet: interval partitioning, fewest tracks, O(n log n)."""
    order = sorted(range(len(intervals)), key=lambda i: (intervals[i][0], intervals[i][1], i))
    free: list[tuple[float, int]] = []  # (end of its last interval, track), earliest end first
    tracks = [0] * len(intervals)
    count = 0
    for i in order:
        low, high = intervals[i]
        if free and free[0][0] + clearance < low:
            _, track = heapq.heappop(free)
        else:
            track, count = count, count + 1
        tracks[i] = track
        heapq.heappush(free, (high, track))
    return tracks


def card_lines(tp: Touchpoint, where: str, split: bool = False) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The name, and the channel · owner line: beside the badge, or across the card over persona badges (`split`)."""
    name = wrap(tp.name, CARD_W - 2 * CARD_PAD, NAME_SIZE, NAME_LINES)
    meta = wrap(where or " ", CARD_W - 2 * CARD_PAD - (0 if split else BADGE_W + 14), META_SIZE, META_LINES)
    return name, meta


def meta_row_height(meta_lines: int) -> float:
    """The channel · owner row: its lines with the cell's padding, never lower than the badge beside it."""
    return max(lines_height(meta_lines, META_SIZE) + 8, BADGE_H)


def card_height(name_lines: int, meta_lines: int) -> float:
    """Border and spacing around the name cell and the channel · owner row (cells include their padding)."""
    return 8 + lines_height(name_lines, NAME_SIZE) + 8 + meta_row_height(meta_lines)


def badge_rows_height(rows: int) -> float:
    """The cell holding rows of persona badges: each row a badge high, with the gap around it."""
    return rows * (PERSONA_BADGE_H + 2 * BADGE_GAP)


def split_card_height(name_lines: int, meta_lines: int, badge_rows: int) -> float:
    """A card with persona badges: name, channel · owner across the whole card, then the badge rows."""
    return (
        10
        + lines_height(name_lines, NAME_SIZE)
        + 8
        + lines_height(meta_lines, META_SIZE)
        + 8
        + badge_rows_height(badge_rows)
    )


def persona_tags(personas: Iterable[tuple[str, str]]) -> dict[str, str]:
    """A short tag per persona (id, name) for its badges: the name up to its first comma ("Maya, student" ->
    "Maya"), else its first word, cut to fit; personas whose tags would be the same are tagged by their ids."""
    tags: dict[str, str] = {}
    for persona_id, name in personas:
        first = name.split(",", 1)[0].strip()
        if text_width(first, BADGE_SIZE) > TAG_W and first.split():
            first = first.split()[0]
        tags[persona_id] = _tag(first) or _tag(persona_id)
    count: dict[str, int] = {}
    for tag in tags.values():
        count[tag] = count.get(tag, 0) + 1
    return {p: _tag(p) if count[tag] > 1 else tag for p, tag in tags.items()}


def _tag(text: str) -> str:
    return wrap(text[:200], TAG_W, BADGE_SIZE, 1)[0]


def _row_width(row: Sequence[Badge]) -> float:
    return BADGE_GAP + sum(b.w + BADGE_GAP for b in row)


def badge_width(text: str) -> float:
    return float(int(text_width(text, BADGE_SIZE) + 9))


def persona_badges(tp: Touchpoint, tags: dict[str, str]) -> tuple[tuple[Badge, ...], ...]:
    """The card's persona badges in `emotions` order, in rows that fit the card; at most BADGE_ROWS rows, the
    last badge then counting the personas left out."""
    rows: list[list[Badge]] = []
    used = 0.0  # the last row's width: the gap, then each badge with the gap after it
    for persona, score in tp.emotions:
        text = f"{tags.get(persona) or _tag(persona)} {emotion_label(score)}"
        badge = Badge(persona, text, score, badge_width(text))
        if not rows or used + badge.w + BADGE_GAP > BADGES_W:
            if len(rows) == BADGE_ROWS:
                break
            rows.append([])
            used = BADGE_GAP
        rows[-1].append(badge)
        used += badge.w + BADGE_GAP
    else:
        return tuple(tuple(row) for row in rows)
    last = rows[-1]  # more personas than rows hold: the last row ends with a count of the others
    while True:
        more = f"{len(tp.emotions) - sum(len(row) for row in rows)} more"
        rest = Badge("", more, None, badge_width(more))
        if _row_width(last) + rest.w + BADGE_GAP <= BADGES_W or len(last) == 1:
            break
        last.pop()
    last.append(rest)
    return tuple(tuple(row) for row in rows)


LANE_TITLE_W = 96  # lane titles, left of the first column


def _share_line(journey: Journey, edge: Edge) -> tuple[str, ...]:
    share = journey.metrics.share(edge.source, edge.target)
    return (percent(share.value),) if share else ()


# 9 pt is 12 CSS px, the smallest text anywhere in the diagram (README: the flow diagram)
METRIC_HEAD_SIZE, METRIC_VALUE_SIZE = META_SIZE, 11
METRIC_TITLE_H, METRIC_GAP = 18, 6  # the box's "Metrics" title; room between two metrics


def metric_line_height(line: MetricLine) -> float:
    """A metric's rows as Graphviz sets them (measured): a head line 1.125 times its size, the last one and the
    value line about 1.2 times theirs."""
    small = len(line.head) + len(line.target)
    return (small * 1.125 + 0.125 * bool(line.target)) * METRIC_HEAD_SIZE + 1.2 * METRIC_VALUE_SIZE + METRIC_GAP


def metric_box_height(lines: Sequence[MetricLine]) -> float:
    return METRIC_TITLE_H + sum(metric_line_height(line) for line in lines) + 4 if lines else 0.0


def metric_lines(journey: Journey) -> dict[str, list[MetricLine]]:
    """Each stage's metrics as its box lists them: the stage's own first, then each touchpoint's, in file order."""
    if not journey.metrics.series:
        return {}
    from cjmap.render.kpi import kpis_by_place  # only maps with metrics pay for it

    kpis = kpis_by_place(journey)
    out: dict[str, list[MetricLine]] = {}
    for stage in journey.stages:
        places = [("stage", stage.id, "whole stage")] + [("touchpoint", tp.id, tp.name) for tp in stage.touchpoints]
        for kind, place_id, where in places:
            for k in kpis.get((kind, place_id), []):
                out.setdefault(stage.id, []).append(_metric_line(k, f"{_cut_words(where, 40)} \u00b7 {k.name}"))
    return out


def map_metric_lines(journey: Journey) -> list[MetricLine]:
    """The whole journey's metrics (`value:` on a definition, `at: map` in data), for the box under the legend:
    a diagram shared on its own still carries them."""
    if not journey.metrics.series:
        return []
    from cjmap.render.kpi import kpis_by_place

    return [_metric_line(k, k.name) for k in kpis_by_place(journey).get(("map", "map"), [])]


def _metric_line(k: Kpi, head: str) -> MetricLine:
    width = CARD_W - 2 * CARD_PAD
    value = f"{k.value} {k.symbol} {k.word}" if k.target else k.value
    target = " \u00b7 ".join(x for x in (k.target, k.day) if x)
    return MetricLine(
        wrap(head + (f" \u00b7 {k.who}" if k.who else ""), width, METRIC_HEAD_SIZE, 2),
        wrap(value, width, METRIC_VALUE_SIZE, 1)[0],
        k.status,
        wrap(target, width, METRIC_HEAD_SIZE, 2) if target else (),
    )


def _cut_words(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


UNACCOUNTED = 0.005  # a rest of shares below half a percent is rounding, not customers


def _unaccounted(journey: Journey, tp_id: str) -> bool:
    """Shares leaving this touchpoint leave a rest, but the map names no exit for it: the diagram shows the rest."""
    rest = journey.metrics.drop_off(tp_id)
    return rest is not None and rest >= UNACCOUNTED


def _exit_text(journey: Journey, tp: Touchpoint) -> str:
    """What an exit box says: '45 % leave: …' when the shares tell how many, the rest when no exit is named."""
    rest = journey.metrics.drop_off(tp.id)
    if not tp.exits:
        return f"{percent(rest or 0)} unaccounted (no exit named)"
    said = f"leaves: {tp.exit_reason}" if tp.exit_reason else "leaves the journey"
    if rest is None:
        return said
    return f"{percent(rest)} leave: {tp.exit_reason}" if tp.exit_reason else f"{percent(rest)} leave the journey"


def layout_grid(
    journey: Journey,
    where: dict[str, str],
    title_lines: tuple[str, ...],
    title_h: float,
    title_w: float,
    lanes: Sequence[tuple[str, str]] = (),
    lane_of: dict[str, str] | None = None,
) -> Grid:
    """Place every stage, card, exit, marker and edge of the journey; `where` is each card's channel · owner line.

    With `lanes` ((id, title) in order) and `lane_of` (touchpoint id -> lane id), each lane is a band of
    rows across every column, and a stage's touchpoints sit in their lane's rows, in file order.
    """
    stages = journey.stages
    n_cols = len(stages)
    place: dict[str, tuple[int, int, int]] = {}  # touchpoint id -> (column, row, file index)
    lane_start: dict[str, int] = {}
    if lanes and lane_of is not None:
        counts: dict[tuple[int, str], int] = {}
        for j, stage in enumerate(stages):
            for tp in stage.touchpoints:
                counts[(j, lane_of[tp.id])] = counts.get((j, lane_of[tp.id]), 0) + 1
        rows = 0
        for lane_id, _ in lanes:
            lane_start[lane_id] = rows
            rows += max([counts.get((j, lane_id), 0) for j in range(n_cols)] + [0])
        rows = max(rows, 1 if stages else 0)
        index = 0
        for j, stage in enumerate(stages):
            used: dict[str, int] = {}
            for tp in stage.touchpoints:
                lane = lane_of[tp.id]
                place[tp.id] = (j, lane_start[lane] + used.get(lane, 0), index)
                used[lane] = used.get(lane, 0) + 1
                index += 1
    else:
        index = 0
        for j, stage in enumerate(stages):
            for r, tp in enumerate(stage.touchpoints):
                place[tp.id] = (j, r, index)
                index += 1
        rows = max([len(s.touchpoints) for s in stages] + [1 if stages else 0])
    lines = {tp.id: card_lines(tp, where.get(tp.id, "")) for tp in journey.touchpoints if not tp.emotions}
    card_h = max([card_height(len(n), len(m)) for n, m in lines.values()] + [card_height(1, 1)])
    badges: dict[str, tuple[tuple[Badge, ...], ...]] = {}
    tags = (
        persona_tags((p.id, p.name) for p in journey.personas) if any(tp.emotions for tp in journey.touchpoints) else {}
    )
    for tp in journey.touchpoints:
        if tp.emotions:  # a score per persona: the channel line across the card, their badges under it
            lines[tp.id] = card_lines(tp, where.get(tp.id, ""), split=True)
            badges[tp.id] = persona_badges(tp, tags)
            card_h = max(card_h, split_card_height(len(lines[tp.id][0]), len(lines[tp.id][1]), len(badges[tp.id])))

    # the flow, edge by edge: which sides, gutters and gap each uses
    out_count: dict[str, int] = {}
    for edge in journey.edges:
        out_count[edge.source] = out_count.get(edge.source, 0) + 1
    plans: list[_Plan] = []
    for edge_id, edge in zip(edge_ids(journey.edges), journey.edges, strict=True):  # an id per edge
        if edge.source not in place or edge.target not in place:
            continue
        j1, r1, k1 = place[edge.source]
        j2, r2, k2 = place[edge.target]
        branch = bool(edge.condition) or out_count[edge.source] > 1
        share = _share_line(journey, edge)
        label = share + (wrap(edge.condition, LABEL_W, LABEL_SIZE, LABEL_LINES) if edge.condition else ())
        if j1 == j2 and r2 == r1 + 1:  # the next card down: its condition in the right half of the gap between them
            label = share + (wrap(edge.condition, BESIDE_W, LABEL_SIZE, LABEL_LINES + 1) if edge.condition else ())
            plan = _Plan(edge_id, edge, "branch" if branch else "next", "bottom", "top", (), None, label)
        elif k2 > k1:  # forward: out of the right side, into the left side (the right side within one column)
            kind = "branch" if branch else "next"
            if j2 == j1:  # further down its own column: along the right gutter, then into the card's top
                plan = _Plan(edge_id, edge, kind, "right", "top", (j1 + 1,), r2, label)
            elif j2 == j1 + 1:
                plan = _Plan(edge_id, edge, kind, "right", "left", (j1 + 1,), None, label)
            else:
                plan = _Plan(edge_id, edge, kind, "right", "left", (j1 + 1, j2), r2, label)
        else:  # back: out of the left side, and into the right side of an earlier column, so it reads as going back
            if j2 == j1:
                plan = _Plan(edge_id, edge, "back", "left", "left", (j1,), None, label)
            elif j2 == j1 - 1:
                plan = _Plan(edge_id, edge, "back", "left", "right", (j1,), None, label)
            else:
                plan = _Plan(edge_id, edge, "back", "left", "right", (j1, j2 + 1), r2, label)
        plans.append(plan)

    # horizontal runs across columns: tracks in the gap above the target's row
    gap_tracks = [0] * (rows + 1)
    by_gap: dict[int, list[_Plan]] = {}
    for plan in plans:
        if plan.gap is not None:
            by_gap.setdefault(plan.gap, []).append(plan)
    for gap, members in by_gap.items():
        # a run into a card's top crosses the card's column only from its right gutter to the card
        spans = [
            (p.gutters[0] - 0.5, float(p.gutters[0]))
            if p.target_side == "top"
            else (float(min(p.gutters)), float(max(p.gutters)))
            for p in members
        ]
        for plan, track in zip(members, _assign_tracks(spans, clearance=0.0), strict=True):  # a track per span
            plan.gap_track = track
        gap_tracks[gap] = max(p.gap_track for p in members) + 1

    # what sits in each gap under a card: its exit (left half), a condition (right half), the end marker
    exit_lines = {
        tp.id: wrap(_exit_text(journey, tp), EXIT_W - 10, LABEL_SIZE, EXIT_LINES)
        for tp in journey.touchpoints
        if tp.exits or _unaccounted(journey, tp.id)
    }
    zone = [0.0] * (rows + 1)  # gap r lies above row r; gap `rows` is under the last row
    for tp_id, ex in exit_lines.items():
        _, r, _ = place[tp_id]
        zone[r + 1] = max(zone[r + 1], 10 + lines_height(len(ex), LABEL_SIZE) + 8)
    for plan in plans:
        if plan.source_side == "bottom" and plan.label:
            _, r, _ = place[plan.edge.source]
            zone[r + 1] = max(zone[r + 1], lines_height(len(plan.label), LABEL_SIZE) + 6)
    start_ids = [s for s in (getattr(journey, "starts", ()) or [tp.id for tp in journey.touchpoints[:1]]) if s in place]
    end_ids = [
        e for e in dict.fromkeys([*([journey.end] if journey.end else []), *getattr(journey, "ends", ())]) if e in place
    ]
    for tp_id in end_ids:  # under its card, which has no way on
        _, r, _ = place[tp_id]
        zone[r + 1] = max(zone[r + 1], 2 * END_R + 16)
    if any(place[s][1] == 0 for s in start_ids):  # over a card of the first row; lower down, beside the card
        zone[0] = max(zone[0], 2 * START_R + 14)

    # rows, top to bottom
    headers = []
    for number, stage in enumerate(stages, 1):
        name = wrap(f"{number}. {stage.name}", STAGE_W - 26, STAGE_SIZE, 2)
        goal = wrap(stage.goal, STAGE_W - 26, META_SIZE, 3) if stage.goal else ()
        headers.append((name, goal))
    header_h = max(
        [16 + lines_height(len(n), STAGE_SIZE) + (4 + lines_height(len(g), META_SIZE) if g else 0) for n, g in headers]
        + [30]
    )
    top = PAD + title_h + 16
    gap_h = [6 + zone[g] + (gap_tracks[g] * TRACK + 4 if gap_tracks[g] else 0) + 12 for g in range(rows + 1)]
    gap_h = [max(GAP_MIN, h) for h in gap_h]
    for first in lane_start.values():
        if 0 < first < rows:  # a lane after the first begins under a separator line
            gap_h[first] += 12
    gap_top, row_top = [], []
    y = top + header_h
    for g in range(rows + 1):
        gap_top.append(y)
        y += gap_h[g]
        if g < rows:
            row_top.append(y)
            y += card_h
    column_bottom = y
    band = metric_lines(journey)
    band_h = max((metric_box_height(entries) for entries in band.values()), default=0.0)
    band_top = column_bottom + (12 if band_h and lane_start else 0)  # in lanes, under a line of its own
    if band_h:  # the KPI lane: a box per stage under its cards, the stage columns reaching down around it
        column_bottom = band_top + band_h + 12

    # ports: where each edge meets a card's side, spread along it, ordered by where the other end is
    def row_y(tp_id: str) -> float:
        return row_top[place[tp_id][1]] + card_h / 2

    def gap_y(plan: _Plan) -> float:
        assert plan.gap is not None
        return gap_top[plan.gap] + 6 + zone[plan.gap] + 2 + plan.gap_track * TRACK

    sides: dict[tuple[str, str], list[tuple[float, int, _Plan, str]]] = {}
    for order, plan in enumerate(plans):
        if plan.source_side in ("left", "right"):
            toward = gap_y(plan) if plan.gap is not None else row_y(plan.edge.target)
            sides.setdefault((plan.edge.source, plan.source_side), []).append((toward, order, plan, "out"))
            if plan.target_side != "top":
                back = gap_y(plan) if plan.gap is not None else row_y(plan.edge.source)
                sides.setdefault((plan.edge.target, plan.target_side), []).append((back, order, plan, "in"))
    for (tp_id, _), attached in sides.items():
        attached.sort(key=lambda a: (a[0], a[1], a[3]))
        for i, (_, _, plan, role) in enumerate(attached):
            y = row_top[place[tp_id][1]] + card_h * (i + 1) / (len(attached) + 1)
            if role == "out":
                plan.source_y = y
            else:
                plan.target_y = y

    # vertical runs: tracks in each gutter
    runs: dict[int, list[tuple[_Plan | _Marker, int, float, float]]] = {}
    for plan in plans:
        if not plan.gutters:
            continue
        if plan.gap is None:
            a, b = plan.source_y, plan.target_y
            runs.setdefault(plan.gutters[0], []).append((plan, 0, min(a, b), max(a, b)))
        elif plan.target_side == "top":
            gy = gap_y(plan)
            runs.setdefault(plan.gutters[0], []).append((plan, 0, min(plan.source_y, gy), max(plan.source_y, gy)))
        else:
            gy = gap_y(plan)
            runs.setdefault(plan.gutters[0], []).append((plan, 0, min(plan.source_y, gy), max(plan.source_y, gy)))
            runs.setdefault(plan.gutters[1], []).append((plan, 1, min(plan.target_y, gy), max(plan.target_y, gy)))
    side_starts = [s for s in start_ids if place[s][1] > 0]
    for tp_id in side_starts:  # a start marker takes a track of the gutter left of its card, as a short run
        y = row_top[place[tp_id][1]] + 6
        runs.setdefault(place[tp_id][0], []).append((_Marker(f"start:{tp_id}"), 0, y - START_R - 2, y + START_R + 2))
    track_of: dict[tuple[str, int], int] = {}
    gutter_tracks = [0] * (n_cols + 1)
    for g, in_gutter in runs.items():
        spans = [(lo, hi) for _, _, lo, hi in in_gutter]
        for (runner, part, _, _), t in zip(in_gutter, _assign_tracks(spans, clearance=3), strict=True):  # per run
            track_of[(runner.id, part)] = t
        gutter_tracks[g] = max(track_of[(p.id, part)] for p, part, _, _ in in_gutter) + 1

    # conditions of edges leaving a card sideways: in the gutter beside the card, touching their edge's first
    # run (under it when the edge turns down, over it when it turns up); a label that would meet another
    # takes the next column of the gutter's label area, which the edge's first run crosses too
    areas: dict[tuple[int, str], list[_Plan]] = {}
    for plan in plans:
        if plan.label and plan.source_side in ("left", "right"):
            j1 = place[plan.edge.source][0]
            areas.setdefault((j1 + 1, "right") if plan.source_side == "right" else (j1, "left"), []).append(plan)
    # the lines that cross each label area sideways: edges meeting the cards beside it, and runs across gaps
    crossing: dict[tuple[int, str], list[tuple[float, str]]] = {}
    for (tp_id, side), attached in sides.items():
        j = place[tp_id][0]
        key = (j + 1, "right") if side == "right" else (j, "left")
        for _, _, plan, role in attached:
            crossing.setdefault(key, []).append((plan.source_y if role == "out" else plan.target_y, plan.id))
    for plan in plans:
        if plan.target_side == "top" and plan.gutters:
            crossing.setdefault((plan.gutters[0], "right"), []).append((gap_y(plan), plan.id))
        elif plan.gap is not None:
            low, high = min(plan.gutters), max(plan.gutters)
            for g in range(low, high + 1):
                for key in ((g, "left"),) * (g < high) + ((g, "right"),) * (g > low):
                    crossing.setdefault(key, []).append((gap_y(plan), plan.id))
    for lines_across in crossing.values():
        lines_across.sort()

    def clear_of_lines(key: tuple[int, str], top: float, bottom: float, own: str) -> bool:
        ys = crossing.get(key, [])
        i = bisect.bisect_left(ys, (top - 1, ""))
        while i < len(ys) and ys[i][0] <= bottom + 1:
            if ys[i][1] != own:
                return False
            i += 1
        return True

    slots: dict[str, tuple[int, float, float, float]] = {}  # edge id -> (label column, top, width, height)
    area_w: dict[tuple[int, str], float] = {}
    for key, members in areas.items():
        column_w = max(text_width(line, LABEL_SIZE) for p in members for line in p.label) + 6 + 4
        taken: list[list[tuple[float, float]]] = []  # per label column, in order of placing
        for plan in sorted(members, key=lambda p: p.source_y):
            h = lines_height(len(plan.label), LABEL_SIZE) + 2
            w = max(text_width(line, LABEL_SIZE) for line in plan.label) + 6
            turn = gap_y(plan) if plan.gap is not None else plan.target_y
            below, above = plan.source_y + 3, plan.source_y - 3 - h
            wanted: tuple[float, ...] = (below, above) if turn >= plan.source_y else (above, below)
            # a side no other line crosses first; where both are crossed, the side it turns to
            wanted = tuple(t for t in wanted if clear_of_lines(key, t, t + h, plan.id)) or wanted
            column = 0
            while plan.id not in slots:
                if column == len(taken):
                    taken.append([])
                for label_top in wanted:
                    # placed in order of y, so only the last few placed in a column can be in the way
                    if all(label_top + h + 2 <= t0 or label_top >= t1 + 2 for t0, t1 in taken[column][-12:]):
                        taken[column].append((label_top, label_top + h))
                        slots[plan.id] = (column, label_top, w, h)
                        break
                column += 1
        area_w[key] = len(taken) * column_w
    label_w_right = [area_w.get((g, "right"), 0.0) for g in range(n_cols + 1)]  # beside column g-1
    label_w_left = [area_w.get((g, "left"), 0.0) for g in range(n_cols + 1)]  # beside column g
    gutter_w = [
        GUTTER + label_w_right[g] + label_w_left[g] + (gutter_tracks[g] * TRACK + 8 if gutter_tracks[g] else 0)
        for g in range(n_cols + 1)
    ]
    if lane_start:
        gutter_w[0] += LANE_TITLE_W + 8
    col_x = []
    x: float = PAD
    for j in range(n_cols):
        x += gutter_w[j]
        col_x.append(x)
        x += STAGE_W
    grid_right = x + gutter_w[n_cols] if n_cols else PAD
    width = max(grid_right + PAD, PAD + title_w + PAD)

    def gutter_left(g: int) -> float:  # the first gutter starts after the lane titles
        return col_x[g - 1] + STAGE_W if g > 0 else PAD + (LANE_TITLE_W + 8 if lane_start else 0)

    def track_x(g: int, track: int) -> float:
        return gutter_left(g) + GUTTER / 2 + label_w_right[g] + 4 + track * TRACK

    columns = []
    for j, stage in enumerate(stages):
        name, goal = headers[j]
        box = Box(col_x[j], top, STAGE_W, column_bottom - top)
        columns.append(Column(stage, j + 1, box, Box(col_x[j] + 10, top + 8, STAGE_W - 20, header_h - 12), name, goal))
    cards = {
        tp.id: Card(
            tp,
            Box(col_x[place[tp.id][0]] + COL_PAD, row_top[place[tp.id][1]], CARD_W, card_h),
            *lines[tp.id],
            badges.get(tp.id, ()),
        )
        for tp in journey.touchpoints
    }
    metric_boxes = tuple(
        MetricBox(
            f"metrics-{stage.id}",
            Box(col_x[j] + COL_PAD, band_top, CARD_W, metric_box_height(band[stage.id])),  # as tall as what it says
            tuple(band[stage.id]),
        )
        for j, stage in enumerate(stages)
        if band.get(stage.id)
    )
    empties = tuple(
        Marker(f"empty-{stage.id}", Box(col_x[j] + COL_PAD, row_top[0], CARD_W, 28), ("no touchpoints",))
        for j, stage in enumerate(stages)
        if not stage.touchpoints and row_top
    )

    # the routes
    top_entries: dict[str, list[str]] = {}  # edges coming into a card's top from its own column, right to left
    for plan in plans:
        if plan.target_side == "top" and plan.source_side != "bottom":
            top_entries.setdefault(plan.edge.target, []).append(plan.id)
    routes: list[Route] = []
    for plan in plans:
        source, target = cards[plan.edge.source].box, cards[plan.edge.target].box
        if plan.source_side == "bottom":
            points: tuple[tuple[float, float], ...] = ((source.cx, source.bottom), (target.cx, target.y))
            label_box = None
            if plan.label:
                h = lines_height(len(plan.label), LABEL_SIZE) + 2
                w = (
                    max(text_width(line, LABEL_SIZE, bold=False) for line in plan.label) + 6
                )  # its text starts by the arrow
                label_box = Box(source.cx + 2, source.bottom + 6, w, h)
        else:
            sx = source.right if plan.source_side == "right" else source.x
            tx = target.right if plan.target_side == "right" else target.x
            first_x = track_x(plan.gutters[0], track_of[(plan.id, 0)])
            if plan.target_side == "top":
                gy = gap_y(plan)
                entry = target.right - 16 - 12 * top_entries[plan.edge.target].index(plan.id)
                points = ((sx, plan.source_y), (first_x, plan.source_y), (first_x, gy), (entry, gy), (entry, target.y))
            elif plan.gap is None:
                points = ((sx, plan.source_y), (first_x, plan.source_y), (first_x, plan.target_y), (tx, plan.target_y))
            else:
                second = track_x(plan.gutters[1], track_of[(plan.id, 1)])
                gy = gap_y(plan)
                points = (
                    (sx, plan.source_y),
                    (first_x, plan.source_y),
                    (first_x, gy),
                    (second, gy),
                    (second, plan.target_y),
                    (tx, plan.target_y),
                )
            label_box = None
        if plan.id in slots:
            column, label_top, w, h = slots[plan.id]
            j1 = place[plan.edge.source][0]
            key = (j1 + 1, "right") if plan.source_side == "right" else (j1, "left")
            column_w = area_w[key] / (max(c for c, *_ in (slots[p.id] for p in areas[key])) + 1)
            if plan.source_side == "right":
                label_box = Box(gutter_left(j1 + 1) + 3 + column * column_w, label_top, w, h)
            else:
                label_box = Box(col_x[j1] - 3 - column * column_w - w, label_top, w, h)
        given = journey.metrics.share(plan.edge.source, plan.edge.target)
        routes.append(
            Route(
                plan.id,
                f"tp-{plan.edge.source}",
                f"tp-{plan.edge.target}",
                plan.kind,
                points,
                plan.label,
                label_box,
                given.value if given else None,
            )
        )

    exits = []
    for tp_id, ex in exit_lines.items():
        card = cards[tp_id].box
        box = Box(card.x + 4, card.bottom + 10, EXIT_W, lines_height(len(ex), LABEL_SIZE) + 6)
        exits.append(Marker(f"exit-{tp_id}", box, ex))
        points = ((box.cx, card.bottom), (box.cx, box.y))
        leaving = journey.metrics.drop_off(tp_id)
        routes.append(Route(f"edge-exit-{tp_id}", f"tp-{tp_id}", f"exit-{tp_id}", "exit", points, (), None, leaving))
    starts, ends = [], []
    for n, tp_id in enumerate(start_ids):
        card = cards[tp_id].box
        node = "start" if n == 0 else f"start-{tp_id}"
        if place[tp_id][1] == 0:
            box = Box(card.cx - START_R, card.y - 2 * START_R - 14, 2 * START_R, 2 * START_R)
            points = ((box.cx, box.bottom), (card.cx, card.y))
        else:
            x = track_x(place[tp_id][0], track_of[(f"start:{tp_id}", 0)])
            box = Box(x - SIDE_START_R, card.y + 6 - SIDE_START_R, 2 * SIDE_START_R, 2 * SIDE_START_R)  # between tracks
            points = ((box.right, box.cy), (card.x, box.cy))
        starts.append(Marker(node, box, ()))
        routes.append(Route("edge-" + node, node, f"tp-{tp_id}", "start", points, (), None))
    for n, tp_id in enumerate(end_ids):
        card = cards[tp_id].box
        node = "end" if n == 0 else f"end-{tp_id}"
        x = card.cx + (20 if tp_id in exit_lines else 0)  # clear of an exit box under the card
        box = Box(x - END_R, card.bottom + 14, 2 * END_R, 2 * END_R)
        ends.append(Marker(node, box, ()))
        routes.append(
            Route("edge-" + node, f"tp-{tp_id}", node, "end", ((box.cx, card.bottom), (box.cx, box.y)), (), None)
        )

    bottom = max([column_bottom] + [r.label_box.bottom for r in routes if r.label_box] + [e.box.bottom for e in exits])
    lane_bands = []
    bounds = [(lane_start[lane_id], lane_id) for lane_id, _ in lanes if lane_id in lane_start]  # in row order
    titles = dict(lanes)
    for i, (first, lane_id) in enumerate(bounds):
        last = bounds[i + 1][0] if i + 1 < len(bounds) else rows
        if last <= first or first >= rows:
            continue  # a lane nobody is in
        band_top = row_top[first] - 14 if first else row_top[0] - 4  # under the gap's exits, labels and tracks
        band_bottom = row_top[last - 1] + card_h
        text = wrap(titles[lane_id], LANE_TITLE_W - 4, NAME_SIZE, 3)
        h = lines_height(len(text), NAME_SIZE) + 4
        lane_bands.append(
            Lane(
                lane_id,
                titles[lane_id],
                text,
                band_top,
                Box(PAD, (row_top[first] + band_bottom) / 2 - h / 2, LANE_TITLE_W, h),
            )
        )
    if metric_boxes and lane_bands:  # in lanes, the metrics are everyone's: a band of their own, not the last persona's
        text = wrap("Metrics", LANE_TITLE_W - 4, NAME_SIZE, 1)
        h = lines_height(len(text), NAME_SIZE) + 4
        at = metric_boxes[0].box.y
        lane_bands.append(Lane(":metrics", "Metrics", text, at - 12, Box(PAD, at + 8, LANE_TITLE_W, h)))
    title = Box(PAD, PAD, title_w, title_h)
    return Grid(
        width=round(width),
        height=round(bottom + PAD),
        title=title,
        title_lines=title_lines,
        columns=tuple(columns),
        cards=tuple(cards[tp.id] for tp in journey.touchpoints),
        empties=empties,
        exits=tuple(exits),
        starts=tuple(starts),
        ends=tuple(ends),
        routes=tuple(routes),
        lanes=tuple(lane_bands),
        metrics=metric_boxes,
    )
