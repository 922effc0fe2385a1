"""A map as Markdown: title, facts, the Mermaid journey and the stage × lane grid as a table.

For pull-request comments and wiki pages, where GitHub draws the Mermaid block
natively. Map text is made inert by `md` (cjmap.markdown_escape): no text can
become a link, an image, HTML or a new row.
"""

from __future__ import annotations

from collections.abc import Sequence

from cjmap.diagnostics import Diagnostic
from cjmap.markdown_escape import md
from cjmap.render.flow_lane import FlowStep, flow_steps
from cjmap.render.mermaid import to_mermaid
from cjmap.resolve import Journey, Stage, Touchpoint
from cjmap.vocabulary.emotion import emotion_label
from cjmap.vocabulary.lanes import GRID_LANES, Lane


def _cell(items: Sequence[str]) -> str:
    return "<br>".join(md(i) for i in items) or " "


def _lane(journey: Journey, stage: Stage, lane: Lane) -> str:
    if lane.kind == "touchpoints":
        out = []
        names = {p.id: p.name for p in journey.personas}
        for tp in stage.touchpoints:
            channel, team = journey.channel(tp.channel), journey.team(tp.owner)
            where = " · ".join(md(x.name) for x in (channel, team) if x)
            out.append(f"**{md(tp.name)}** ({_scores(tp, names)})" + (f" {where}" if where else ""))
        return "<br>".join(out) or "*no touchpoints*"
    if lane.kind == "text":
        return _cell([getattr(tp, lane.id) for tp in stage.touchpoints if getattr(tp, lane.id)])
    return _cell([item for tp in stage.touchpoints for item in getattr(tp, lane.id)])


LANES = tuple(lane for lane in GRID_LANES if lane.kind != "owners")  # each touchpoint's line names its owner already


def to_markdown(journey: Journey, diagnostics: Sequence[Diagnostic]) -> str:
    lines = [f"# {md(journey.title)}", ""]
    if journey.summary:
        lines += [md(journey.summary), ""]
    facts = [f"**State** {journey.state}"]
    facts += [f"**Owner** {md(journey.owner)}"] if journey.owner else []
    facts += [f"**Last reviewed** {journey.updated.isoformat()}"] if journey.updated else []
    facts.append(f"**Findings** {len(diagnostics)}")
    lines += [" · ".join(facts), ""]
    if journey.metrics.all_at("map"):
        from cjmap.render.kpi import kpi_line, kpis_by_place

        lines += ["**Metrics for the whole journey**", ""]
        lines += [f"- {md(kpi_line(k))}" for k in kpis_by_place(journey).get(("map", "map"), [])] + [""]
    lines += ["```mermaid", to_mermaid(journey).rstrip(), "```", ""]
    lines.append("| | " + " | ".join(f"{i}. {md(s.name)}" for i, s in enumerate(journey.stages, 1)) + " |")
    lines.append("|---|" + "---|" * len(journey.stages))
    flow = flow_steps(journey)
    for lane in LANES:
        if lane.kind == "flow":  # a map that measures something: its metrics, then its funnel, under the touchpoints
            lines += _measured_rows(journey)
        if lane.kind == "flow":
            cells = [_flow_cell(s, flow) for s in journey.stages]
            if any(c.strip() for c in cells):
                lines.append(f"| **{lane.title}** | " + " | ".join(cells) + " |")
            continue
        lines.append(f"| **{lane.title}** | " + " | ".join(_lane(journey, s, lane) for s in journey.stages) + " |")
    lines += _funnel_notes(journey)
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


def _measured_rows(journey: Journey) -> list[str]:
    """The Metrics row (each value with its target and status in words) and the Funnel row, when the map has them."""
    from cjmap.render.funnel import funnels, leave_text, percent
    from cjmap.render.kpi import kpi_line, kpis_by_place

    rows = []
    if journey.metrics.series:
        cells = []
        kpis = kpis_by_place(journey)
        for stage in journey.stages:
            items = [f"*whole stage*: {md(kpi_line(k))}" for k in kpis.get(("stage", stage.id), [])]
            for tp in stage.touchpoints:
                items += [f"*{md(tp.name)}*: {md(kpi_line(k))}" for k in kpis.get(("touchpoint", tp.id), [])]
            cells.append("<br>".join(items) or " ")
        rows.append("| **Metrics** | " + " | ".join(cells) + " |")
    for found in funnels(journey):
        cells = []
        for f in found.stages:
            if found.persona is not None and not f.steps:
                cells.append("*not on this path*")
                continue
            items = [f"**{percent(f.reach)}** enter"]
            for step in f.steps:
                leaves = leave_text(step)
                items.append(
                    f"*{md(step.touchpoint.name)}*: {percent(step.reach)} reach" + (f" · {leaves}" if leaves else "")
                )
            cells.append("<br>".join(items))
        whose = f": {md(found.persona.name)}" if found.persona else ""
        rows.append(f"| **Funnel{whose}** (from branch shares) | " + " | ".join(cells) + " |")
    return rows


def _funnel_notes(journey: Journey) -> list[str]:
    """Under the table: why the funnel's numbers do not add up to 100 % or rise, when they do."""
    from cjmap.render.funnel import funnels

    notes = [
        f"- {f'**{md(found.persona.name)}:** ' if found.persona else ''}{md(note)}"
        for found in funnels(journey)
        for note in found.notes
    ]
    return ["", "**Funnel notes**", "", *notes] if notes else []
