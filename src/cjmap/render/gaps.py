"""What the report's "gaps" section shows: findings per stage, unowned touchpoints, and
stage × team and stage × channel matrices, so silos and missing channels show at a glance.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from cjmap.diagnostics import Diagnostic
from cjmap.resolve import Entity, Journey, Stage, Touchpoint

MAX_MATRIX_CELLS = 20_000  # e.g. 100 teams × 200 stages


class Matrix(NamedTuple):
    """Rows (teams or channels) × stages; each cell holds the touchpoints it covers."""

    title: str
    rows: tuple[Entity, ...]
    cells: tuple[tuple[tuple[Touchpoint, ...], ...], ...]  # [row][stage]
    too_big: tuple[int, int] | None = None  # (rows, stages) of a table left out: it would dwarf the report

    @property
    def uncovered(self) -> tuple[int, ...]:
        """Indexes of stages no row covers (no team owns anything there, or no channel serves it)."""
        if not self.cells:
            return ()
        return tuple(i for i in range(len(self.cells[0])) if not any(row[i] for row in self.cells))


class Gaps(NamedTuple):
    findings_by_stage: tuple[tuple[Stage | None, tuple[Diagnostic, ...]], ...]  # None: the map as a whole
    unowned: tuple[Touchpoint, ...]
    teams: Matrix
    channels: Matrix


def _matrix(title: str, journey: Journey, rows: Sequence[Entity], key: str) -> Matrix:
    """Rows × stages, built in one pass over the touchpoints (70,000 channels × every touchpoint took minutes).

    A table of more than MAX_MATRIX_CELLS cells is left out and said so: 3,000 teams × 3,000
    stages made a 1.2 GB report, and no one reads such a table.
    """
    if len(rows) * len(journey.stages) > MAX_MATRIX_CELLS:
        return Matrix(title, (), (), (len(rows), len(journey.stages)))
    placed: dict[tuple[str, int], list[Touchpoint]] = {}
    for index, stage in enumerate(journey.stages):
        for tp in stage.touchpoints:
            placed.setdefault((getattr(tp, key), index), []).append(tp)
    cells = tuple(tuple(tuple(placed.get((row.id, index), ())) for index in range(len(journey.stages))) for row in rows)
    return Matrix(title, tuple(rows), cells)


def findings_by_stage(
    journey: Journey, diagnostics: Sequence[Diagnostic]
) -> tuple[tuple[Stage | None, tuple[Diagnostic, ...]], ...]:
    """Each finding in the map's own file goes to the stage whose lines hold it; the rest are map-wide."""
    starts = sorted(
        ((stage.where.line, stage) for stage in journey.stages if stage.where.file == journey.file),
        key=lambda pair: pair[0],
    )
    lines = [line for line, _ in starts]  # in file order, so the stage holding a line is found by bisection
    groups: dict[str | None, list[Diagnostic]] = {}
    for d in diagnostics:
        stage = None
        if d.where.file == journey.file:
            at = bisect_right(lines, d.where.line)
            stage = starts[at - 1][1] if at else None
        groups.setdefault(stage.id if stage else None, []).append(d)
    ordered: list[tuple[Stage | None, tuple[Diagnostic, ...]]] = []
    if None in groups:
        ordered.append((None, tuple(groups[None])))
    ordered += [(s, tuple(groups[s.id])) for s in journey.stages if s.id in groups]
    return tuple(ordered)


def gaps(journey: Journey, diagnostics: Sequence[Diagnostic]) -> Gaps:
    return Gaps(
        findings_by_stage=findings_by_stage(journey, diagnostics),
        unowned=tuple(tp for tp in journey.touchpoints if journey.team(tp.owner) is None),
        teams=_matrix("Teams", journey, journey.teams, "owner"),
        channels=_matrix("Channels", journey, journey.channels, "channel"),
    )


STALE_MAP, STALE_SOURCE = "CJM401", "CJM403"  # the rules that judge freshness; the report shows what they found


def review_is_stale(diagnostics: Sequence[Diagnostic]) -> bool:
    """Whether lint found the map's review too old (CJM401): the report marks it so, by the same limit."""
    return any(d.code == STALE_MAP for d in diagnostics)


def stale_sources(journey: Journey, diagnostics: Sequence[Diagnostic]) -> frozenset[str]:
    """Ids of the sources lint found stale (CJM403), known by where their `collected` date is written."""
    found = {d.where for d in diagnostics if d.code == STALE_SOURCE}
    return frozenset(s.id for s in journey.sources if s.collected is not None and s.at("collected") in found)


def age_in_words(then: date, today: date) -> str:
    """'today', '12 days ago', '3 months ago', '2 years ago': how old a review is, for people."""
    days = (today - then).days
    if days < 0:
        return "in the future"
    if days == 0:
        return "today"
    if days < 60:
        return f"{days} day{'s' if days != 1 else ''} ago"
    if days < 730:
        return f"{days // 30} months ago"
    return f"{days // 365} years ago"
