"""The lanes of a map: the grid's rows (what a customer does, thinks, feels …) and the diagram's bands."""

from __future__ import annotations

from typing import NamedTuple


class Lane(NamedTuple):
    """One row of the stage × lane grid. `kind` says how its cells are made: `touchpoints` (the cards), `flow`
    (branches and exits), `text` (one text per touchpoint), `list` (items per touchpoint) or `owners`."""

    id: str  # the touchpoint field it shows, for `text` and `list` lanes
    title: str
    kind: str
    item: str = ""  # one entry of a `list` lane, in words ("pain point")


GRID_LANES = (
    Lane("touchpoints", "Touchpoints", "touchpoints"),
    Lane("flow", "Branches and exits", "flow"),
    Lane("doing", "Doing", "text"),
    Lane("thinking", "Thinking", "text"),
    Lane("feeling", "Feeling", "text"),
    Lane("pain_points", "Pain points", "list", "pain point"),
    Lane("opportunities", "Opportunities", "list", "opportunity"),
    Lane("owners", "Owners", "owners"),
)
TEXT_LANES = tuple(lane for lane in GRID_LANES if lane.kind == "text")
LIST_LANES = tuple(lane for lane in GRID_LANES if lane.kind == "list")

# `--lanes`: the diagram's rows inside each stage column: one band, a band per persona, or per channel
DIAGRAM_LANES = ("none", "persona", "channel")
