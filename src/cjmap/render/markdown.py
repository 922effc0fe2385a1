"""A map as Markdown: title, facts, the Mermaid journey and the stage × lane grid as a table.

For pull-request comments and wiki pages, where GitHub draws the Mermaid block
natively. Map text is made inert: Markdown and HTML characters are escaped and
line breaks folded, so no text can become a link, an image, HTML or a new row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from cjmap.diagnostics import Diagnostic, escape_controls
from cjmap.importers.mermaid import to_mermaid
from cjmap.render.dot import emotion_label
from cjmap.render.flow_lane import FlowStep, flow_steps
from cjmap.resolve import Journey, Stage, Touchpoint

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")
# What GitHub turns into a link by itself (GFM's autolink extension): URLs, www. names and e-mail addresses
_AUTOLINK = re.compile(r"(?i)(?:\b(?:https?|ftp)://|\bwww\.|\b(?:mailto|xmpp):)[^\s`<]*|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def md(text: str) -> str:
    """Map text as inert Markdown on one line: HTML characters as entities, Markdown ones backslashed,
    controls and bidi overrides shown as escapes, and what GitHub would autolink put in a code span."""
    text = escape_controls(" ".join(text.split()))
    out, start = [], 0
    for match in _AUTOLINK.finditer(text):
        out.append(_inert(text[start : match.start()]))
        out.append("`" + match[0].replace("|", "\\|") + "`")  # a code span is never a link; a table still splits on a bare |
        start = match.end()
    out.append(_inert(text[start:]))
    return "".join(out)


def _inert(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", text)


def _cell(items: Sequence[str]) -> str:
    return "<br>".join(md(i) for i in items) or " "


def _lane(journey: Journey, stage: Stage, lane: str) -> str:
    if lane == "touchpoints":
        out = []
        names = {p.id: p.name for p in journey.personas}
        for tp in stage.touchpoints:
            channel, team = journey.channel(tp.channel), journey.team(tp.owner)
            where = " · ".join(md(x.name) for x in (channel, team) if x)
            out.append(f"**{md(tp.name)}** ({_scores(tp, names)})" + (f" {where}" if where else ""))
        return "<br>".join(out) or "*no touchpoints*"
    if lane in ("doing", "thinking", "feeling"):
        return _cell([getattr(tp, lane) for tp in stage.touchpoints if getattr(tp, lane)])
    return _cell([item for tp in stage.touchpoints for item in getattr(tp, lane)])


LANES = (("touchpoints", "Touchpoints"), ("flow", "Branches and exits"), ("doing", "Doing"), ("thinking", "Thinking"),
         ("feeling", "Feeling"), ("pain_points", "Pain points"), ("opportunities", "Opportunities"))


def to_markdown(journey: Journey, diagnostics: Sequence[Diagnostic]) -> str:
    lines = [f"# {md(journey.title)}", ""]
    if journey.summary:
        lines += [md(journey.summary), ""]
    facts = [f"**State** {journey.state}"]
    facts += [f"**Owner** {md(journey.owner)}"] if journey.owner else []
    facts += [f"**Last reviewed** {journey.updated.isoformat()}"] if journey.updated else []
    facts.append(f"**Findings** {len(diagnostics)}")
    lines += [" · ".join(facts), "", "```mermaid", to_mermaid(journey).rstrip(), "```", ""]
    lines.append("| | " + " | ".join(f"{i}. {md(s.name)}" for i, s in enumerate(journey.stages, 1)) + " |")
    lines.append("|---|" + "---|" * len(journey.stages))
    flow = flow_steps(journey)
    for lane, title in LANES:
        if lane == "flow":
            cells = [_flow_cell(s, flow) for s in journey.stages]
            if any(c.strip() for c in cells):
                lines.append(f"| **{title}** | " + " | ".join(cells) + " |")
            continue
        lines.append(f"| **{title}** | " + " | ".join(_lane(journey, s, lane) for s in journey.stages) + " |")
    if diagnostics:
        lines += ["", "## Findings", ""]
        lines += [f"- `{d.code}` {d.severity.value}: {md(d.message)} (line {d.where.line})" for d in diagnostics]
    return "\n".join(lines) + "\n"


def _flow_cell(stage: Stage, flow: dict[str, list[FlowStep]]) -> str:
    """Each touchpoint with branches or an exit, then what it leads to, one step per line."""
    out = []
    for tp in stage.touchpoints:
        steps = flow.get(tp.id, [])
        if steps:
            out.append(f"*{md(tp.name)}*")
            out += [md(step.text) for step in steps]
    return "<br>".join(out) or " "


def _scores(tp: Touchpoint, names: dict[str, str]) -> str:
    """The one score, or each persona's: "Student: +1; Owner: \u22122" (names often hold a comma)."""
    if not tp.emotions:
        return emotion_label(tp.emotion)
    return "; ".join(f"{md(names.get(p, p))}: {emotion_label(score)}" for p, score in tp.emotions)
