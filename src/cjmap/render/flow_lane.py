"""The grid's flow lane: the branches and exits the diagram draws, said in words per touchpoint.

Shared by the HTML report and the Markdown grid, so a reader who never opens the
diagram still sees "→ Verify identity, if the check passes" and "leaves: …".
"""

from __future__ import annotations

from typing import NamedTuple

from cjmap.resolve import Journey


class FlowStep(NamedTuple):
    """One line of the grid's flow lane: where a branch goes and when, or why the customer leaves."""

    text: str
    leaves: bool = False


def flow_steps(journey: Journey) -> dict[str, list[FlowStep]]:
    """The branches and exits the diagram draws, as sentences per touchpoint (plain next steps left out)."""
    order = {tp.id: i for i, tp in enumerate(journey.touchpoints)}
    names = {tp.id: tp.name for tp in journey.touchpoints}
    stage_of = {tp.id: (i, stage) for i, stage in enumerate(journey.stages, 1) for tp in stage.touchpoints}
    outgoing: dict[str, list] = {}
    for edge in journey.edges:
        outgoing.setdefault(edge.source, []).append(edge)
    steps: dict[str, list[FlowStep]] = {}
    for tp in journey.touchpoints:
        edges = outgoing.get(tp.id, [])
        lines = []
        if (
            len(edges) > 1
            or any(e.condition for e in edges)
            or any(order.get(e.target, 0) <= order[tp.id] for e in edges)
        ):
            for edge in edges:
                if edge.target not in names:
                    continue
                back = order[edge.target] <= order[tp.id]
                text = ("↩ back to " if back else "→ ") + names[edge.target]
                number, stage = stage_of[edge.target]
                if stage.id != tp.stage:
                    text += f" ({number}. {stage.name})"
                if edge.condition:
                    text += f", if {edge.condition}"
                lines.append(FlowStep(text))
        if tp.exits:
            lines.append(FlowStep(f"leaves: {tp.exit_reason}" if tp.exit_reason else "leaves the journey", leaves=True))
        steps[tp.id] = lines
    return steps
