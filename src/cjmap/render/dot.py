"""Journey -> DOT text -> SVG through Graphviz's `dot`.

The DOT is written here as text, not through a graph-building API, so its
bytes are fully determined by the map: ids come from the map, order from the
file, and every piece of map text passes through `_label_text` (HTML-like
labels) or `_quote` (DOT strings) and nowhere else.
"""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Iterator

from cjmap.resolve import Journey, Stage, Touchpoint

FONT = "Helvetica,Arial,sans-serif"

# Colours are data: emotion -> (card fill, badge fill, badge text). Text on every
# fill is dark or white with a contrast of at least 4.5:1.
THEME = {
    "background": "#ffffff",
    "text": "#1f2328",
    "muted": "#57606a",
    "stage_fill": "#f6f8fa",
    "stage_border": "#d0d7de",
    "card_border": "#8c959f",
    "edge": "#57606a",
    "branch": "#0550ae",
    "exit": "#a40e26",
    "end": "#1a7f37",
    "emotion": {
        -2: ("#ffd8d3", "#a40e26", "#ffffff"),
        -1: ("#ffe7cf", "#953800", "#ffffff"),
        0: ("#eaeef2", "#57606a", "#ffffff"),
        1: ("#dcf5e3", "#1a7f37", "#ffffff"),
        2: ("#b9ecc8", "#116329", "#ffffff"),
        None: ("#ffffff", "#ffffff", "#57606a"),
    },
}

# From this many touchpoints on, branch conditions sit beside their edges (xlabel) instead of in the
# layout: Graphviz gives every edge label a rank of its own, which doubles the ranks of a big map and
# the bends of every long edge. 1,000 touchpoints then lay out in 0.5 s instead of 2.5 s; small maps
# keep labels in the layout, where Graphviz places them clear of the cards.
LABELS_BESIDE_EDGES_FROM = 200

EMOTION_WORDS = {-2: "very negative", -1: "negative", 0: "neutral", 1: "positive", 2: "very positive"}

# Not allowed in XML, plus bidi embeddings and overrides: in a label they could reorder
# the text drawn after them (the HTML report isolates them instead).
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\u202a-\u202e\u2066-\u2069]")


def xml_text(text: str) -> str:
    """Map text as XML character data or attribute value: escaped, with characters XML forbids removed."""
    return html.escape(_NOT_XML.sub("", text), quote=True)


def emotion_label(emotion: int | None) -> str:
    """`+1`, `0`, `−2` (a real minus sign), or `?` when the map gives no score."""
    if emotion is None:
        return "?"
    return f"+{emotion}" if emotion > 0 else ("0" if emotion == 0 else f"\u2212{-emotion}")


def _quote(text: str) -> str:
    """A DOT double-quoted string: backslashes and quotes escaped, newlines kept out."""
    clean = _NOT_XML.sub("", text).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + re.sub(r"[\r\n]+", " ", clean) + '"'


def _label_text(text: str, width: int = 28, max_lines: int = 4) -> str:
    """Map text for an HTML-like label: escaped, wrapped into lines, long text cut with an ellipsis."""
    clean = " ".join(_NOT_XML.sub("", text).split())
    lines = textwrap.wrap(clean, width=width, break_long_words=True, break_on_hyphens=True) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: width - 1].rstrip() + "\u2026"
    # every line, the last included, ends in a left-aligned break: otherwise Graphviz centres the last one
    return "".join(f'{html.escape(line, quote=True)}<BR ALIGN="LEFT"/>' for line in lines)


def _node_id(tp_id: str) -> str:
    return f"tp-{tp_id}"


def _card(tp: Touchpoint, journey: Journey) -> str:
    """A touchpoint as an HTML-like table: its name, then channel and owner beside the emotion badge."""
    fill, badge, badge_text = THEME["emotion"][tp.emotion]
    channel = journey.channel(tp.channel)
    team = journey.team(tp.owner)
    where = " \u00b7 ".join(x for x in (channel.name if channel else None, team.name if team else None) if x)
    border = THEME["card_border"]
    badge_cell = (
        f'<TD ALIGN="CENTER" VALIGN="BOTTOM" BGCOLOR="{badge}" WIDTH="30" HEIGHT="18">'
        f'<FONT COLOR="{badge_text}" POINT-SIZE="10"><B>{html.escape(emotion_label(tp.emotion))}</B></FONT></TD>'
    )
    rows = [
        f'<TR><TD ALIGN="LEFT" BALIGN="LEFT" COLSPAN="2"><B>{_label_text(tp.name)}</B></TD></TR>',
        f'<TR><TD ALIGN="LEFT" BALIGN="LEFT" VALIGN="BOTTOM"><FONT POINT-SIZE="9" COLOR="{THEME["muted"]}">'
        f"{_label_text(where or ' ', width=30, max_lines=2)}</FONT></TD>{badge_cell}</TR>",
    ]
    style = ' STYLE="ROUNDED"' if tp.emotion is not None else ' STYLE="ROUNDED,DASHED"'
    return (
        f'<<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="3" CELLPADDING="3" BGCOLOR="{fill}" COLOR="{border}"{style}>'
        + "".join(rows)
        + "</TABLE>>"
    )


def _stage_label(index: int, stage: Stage) -> str:
    label = f"<B>{index}. {_label_text(stage.name, width=30, max_lines=2)}</B>"
    if stage.goal:
        label += f'<FONT POINT-SIZE="9" COLOR="{THEME["muted"]}">{_label_text(stage.goal, width=34, max_lines=3)}</FONT>'
    return f"<{label}>"


def _heading(title: str, state: str) -> str:
    """Title, state and a legend, as the graph's label: a reader needs no other key to the diagram."""
    t = THEME
    swatches = "".join(
        f'<TD BGCOLOR="{THEME["emotion"][e][1]}" WIDTH="26"><FONT COLOR="{THEME["emotion"][e][2]}" POINT-SIZE="9"><B>{emotion_label(e)}</B></FONT></TD>'
        for e in (-2, -1, 0, 1, 2)
    )
    key = (
        f'<TABLE BORDER="0" CELLSPACING="2" CELLPADDING="2"><TR>'
        f'<TD><FONT POINT-SIZE="9" COLOR="{t["muted"]}">emotion</FONT></TD>{swatches}'
        f'<TD><FONT POINT-SIZE="9" COLOR="{t["muted"]}">very negative … very positive</FONT></TD>'
        f'<TD WIDTH="12"></TD><TD><FONT POINT-SIZE="9" COLOR="{t["branch"]}">→ branch, with its condition</FONT></TD>'
        f'<TD WIDTH="12"></TD><TD><FONT POINT-SIZE="9" COLOR="{t["exit"]}">⬚ exit (leaves the journey)</FONT></TD>'
        f'<TD WIDTH="12"></TD><TD><FONT POINT-SIZE="9" COLOR="{t["end"]}">● end</FONT></TD>'
        f"</TR></TABLE>"
    )
    return (
        f'<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="1">'
        f'<TR><TD ALIGN="LEFT" BALIGN="LEFT"><B>{_label_text(title, width=80, max_lines=2)}</B></TD></TR>'
        f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="11" COLOR="{t["muted"]}">{state}</FONT></TD></TR>'
        f'<TR><TD ALIGN="LEFT">{key}</TD></TR></TABLE>'
    )


def journey_to_dot(journey: Journey) -> str:
    """The whole journey as DOT: one cluster per stage, left to right in time."""
    return "\n".join(_dot_lines(journey)) + "\n"


def _dot_lines(journey: Journey) -> Iterator[str]:
    t = THEME
    state = "future state" if journey.state == "future" else "current state"
    yield f"digraph {_quote('journey')} {{"
    yield (
        f'  graph [rankdir=TB, newrank=true, nodesep=0.5, ranksep=0.35, pad=0.3, fontname={_quote(FONT)}, '
        f'fontcolor="{t["text"]}", bgcolor="{t["background"]}", labelloc=t, labeljust=l, fontsize=18, '
        f"label=<{_heading(journey.title, state)}>];"
    )
    yield f'  node [shape=plain, fontname={_quote(FONT)}, fontsize=11, fontcolor="{t["text"]}"];'
    yield f'  edge [fontname={_quote(FONT)}, fontsize=9, color="{t["edge"]}", fontcolor="{t["muted"]}", arrowsize=0.7];'
    touchpoints = journey.touchpoints
    for index, stage in enumerate(journey.stages, start=1):
        yield f"  subgraph {_quote('cluster-' + stage.id)} {{"
        yield (
            f'    id={_quote("stage-" + stage.id)}; label={_stage_label(index, stage)}; labeljust=l; fontsize=13; '
            f'style="rounded,filled"; fillcolor="{t["stage_fill"]}"; color="{t["stage_border"]}"; margin=12;'
        )
        if not stage.touchpoints:  # keep an empty stage visible: it is a finding, not a layout glitch
            yield f'    {_quote("empty-" + stage.id)} [id={_quote("empty-" + stage.id)}, shape=box, style="dashed", color="{t["exit"]}", fontcolor="{t["exit"]}", fontsize=10, label="no touchpoints"];'
        if touchpoints and touchpoints[0] in stage.touchpoints:  # inside the stage, so its arrow stays clear of the stage's label
            yield f'    "start" [id="start", shape=circle, width=0.3, fixedsize=true, style=filled, fillcolor="{t["text"]}", label="", tooltip="start"];'
        for tp in stage.touchpoints:
            yield f"    {_quote(_node_id(tp.id))} [id={_quote(_node_id(tp.id))}, label={_card(tp, journey)}];"
        for upper, lower in zip(stage.touchpoints, stage.touchpoints[1:]):  # the column, top to bottom
            yield f"    {_quote(_node_id(upper.id))} -> {_quote(_node_id(lower.id))} [style=invis, weight=10];"
        yield "  }"
    heads = [_quote(_node_id(s.touchpoints[0].id) if s.touchpoints else "empty-" + s.id) for s in journey.stages]
    if heads:  # stage columns start on one row, in file order
        yield "  { rank=same; " + " ".join(heads) + " }"
        for left, right in zip(heads, heads[1:]):
            yield f"  {left} -> {right} [style=invis, weight=5];"
    if touchpoints:
        yield f'  "start" -> {_quote(_node_id(touchpoints[0].id))} [id="edge-start"];'
    seen: dict[str, int] = {}
    label = "xlabel" if len(touchpoints) >= LABELS_BESIDE_EDGES_FROM else "label"
    for edge in journey.edges:
        # ids come from the endpoints, not a counter, so one new edge does not renumber the rest
        edge_id = f"edge-{edge.source}--{edge.target}"
        seen[edge_id] = seen.get(edge_id, 0) + 1
        if seen[edge_id] > 1:
            edge_id += f"-{seen[edge_id]}"
        # flow edges are routed, not laid out: the grid of stages decides where cards go
        attrs = [f"id={_quote(edge_id)}", "constraint=false"]
        if edge.condition:
            attrs += [f"{label}=<{_label_text(edge.condition, width=22, max_lines=3)}>", f'color="{t["branch"]}"', f'fontcolor="{t["branch"]}"']
        if not edge.implicit and not edge.condition:
            attrs.append(f'color="{t["branch"]}"')
        yield f"  {_quote(_node_id(edge.source))} -> {_quote(_node_id(edge.target))} [{', '.join(attrs)}];"
    for tp in touchpoints:
        if tp.exits:
            exit_id = f"exit-{tp.id}"
            reason = f"leaves: {tp.exit_reason}" if tp.exit_reason else "leaves the journey"
            yield (
                f'  {_quote(exit_id)} [id={_quote(exit_id)}, shape=box, style="rounded,dashed", color="{t["exit"]}", '
                f'fontcolor="{t["exit"]}", fontsize=9, label=<{_label_text(reason, width=22, max_lines=3)}>];'
            )
            yield f'  {_quote(_node_id(tp.id))} -> {_quote(exit_id)} [id={_quote("edge-" + exit_id)}, style=dashed, color="{t["exit"]}"];'
    if journey.end:
        yield (
            f'  "end" [id="end", shape=doublecircle, width=0.25, fixedsize=true, style=filled, '
            f'fillcolor="{t["end"]}", color="{t["end"]}", label="", tooltip="journey ends"];'
        )
        yield f'  {_quote(_node_id(journey.end))} -> "end" [id="edge-end"];'
    yield "}"
