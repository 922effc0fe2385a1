"""Current state against future state: what the planned changes do for the customer.

The comparison lines both maps up on one axis: the future map's touchpoints
in order, with touchpoints that only the current map has put back after their
predecessor, so both emotion curves share their x positions and can be
overlaid. Everything else comes from the semantic diff. This module returns
data only; render/html and render/overlay draw it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from statistics import mean

from cjmap.diagnostics import Diagnostic
from cjmap.resolve import Journey, Touchpoint
from cjmap.review.diff import MapDiff, diff_journeys
from cjmap.vocabulary.personas import meets


@dataclass(frozen=True)
class Column:
    name: str
    stage: str
    current: Touchpoint | None
    future: Touchpoint | None


@dataclass(frozen=True)
class Comparison:
    current: Journey
    future: Journey
    diff: MapDiff
    columns: tuple[Column, ...]
    resolved: tuple[str, ...]  # pain points of the current state the future state no longer has
    new_pain: tuple[str, ...]

    def average(self, which: str, persona: str | None = None) -> float | None:
        """Mean emotion of one side; for a persona, of its own scores along its own path."""
        journey: Journey = getattr(self, which)
        path = None if persona is None else frozenset(journey.path_of(persona))
        met = [tp for tp in journey.touchpoints if meets(path, tp.id)]
        given = [tp.emotion if persona is None else tp.emotion_for(persona) for tp in met]
        scores = [score for score in given if score is not None]
        return round(mean(scores), 1) if scores else None

    @property
    def per_persona(self) -> bool:
        """Whether either map scores a touchpoint per persona: then each persona's average says more than one."""
        return any(tp.emotions for side in (self.current, self.future) for tp in side.touchpoints)

    @property
    def personas(self) -> tuple[tuple[str, str], ...]:
        """(id, name) of the personas both sides map, in the future map's order."""
        current = {p.id for p in self.current.personas}
        return tuple((p.id, p.name) for p in self.future.personas if p.id in current)


def _columns(current: Journey, future: Journey) -> tuple[Column, ...]:
    """Stages in future order (current-only stages after their predecessor); in each stage the future's
    touchpoints, with current-only touchpoints after the one they followed.

    Built in passes over each map rather than by inserting into lists, so 5,000 stages take a moment."""
    current_tps, future_tps = current.touchpoints, future.touchpoints
    by_id = {tp.id: tp for tp in current_tps}
    by_name = {tp.name: tp for tp in current_tps}
    twins = {tp.id: by_id.get(tp.id) or by_name.get(tp.name) for tp in future_tps}
    used = {t.id for t in twins.values() if t is not None}
    stage_names = {s.id: s.name for s in (*current.stages, *future.stages)}
    future_ids = {s.id for s in future.stages}
    front: list[str] = []  # current-only stages before any stage both maps have
    following: dict[str, list[str]] = defaultdict(list)  # stage of both maps -> current-only stages after it
    anchor: str | None = None
    for stage in current.stages:
        if stage.id in future_ids:
            anchor = stage.id
        else:
            (following[anchor] if anchor is not None else front).append(stage.id)
    order = [*front, *(s for f in future.stages for s in (f.id, *following.get(f.id, ())))]
    current_in: dict[str, list[Touchpoint]] = defaultdict(list)
    future_in: dict[str, list[Touchpoint]] = defaultdict(list)
    for tp in current_tps:
        current_in[tp.stage].append(tp)
    for tp in future_tps:
        future_in[tp.stage].append(tp)
    columns: list[Column] = []
    for stage_id in order:
        name = stage_names[stage_id]
        run = [Column(tp.name, name, twins[tp.id], tp) for tp in future_in[stage_id]]
        placed = {c.current.id for c in run if c.current is not None}
        after: dict[str | None, list[Column]] = defaultdict(list)  # a current id, None (the front) or "" (the end)
        previous: str | None = None
        for tp in current_in[stage_id]:
            if tp.id not in used:
                key = None if previous is None else (previous if previous in placed else "")
                after[key].append(Column(tp.name, name, tp, None))
                placed.add(tp.id)
            previous = tp.id
        columns += _chain(after, None)
        for column in run:
            columns.append(column)
            if column.current is not None and column.current.id in after:  # after the first column it twins, once
                columns += _chain(after, column.current.id)
                del after[column.current.id]
        columns += _chain(after, "")
    return tuple(columns)


def _chain(after: dict[str | None, list[Column]], key: str | None) -> list[Column]:
    """The current-only columns placed after `key`, each followed by those placed after it."""
    out: list[Column] = []
    stack = list(reversed(after.get(key, ())))
    while stack:
        column = stack.pop()
        out.append(column)
        assert column.current is not None
        stack.extend(reversed(after.get(column.current.id, ())))
    return out


def compared_map(future_file: Path, compares: str) -> Path | None:
    """The file a future map's `compares:` names, when it is a file inside the project (like imports)."""
    from cjmap.source.project import find_project_root

    target = future_file.parent / compares
    root = find_project_root(future_file.resolve().parent)
    try:
        return target if target.is_file() and target.resolve().is_relative_to(root) else None
    except (OSError, ValueError):  # a name too long for the file system, or holding a NUL
        return None


def doubts(current: Journey, future: Journey) -> list[str]:
    """Why the two maps may not be a current state and its future: given in the wrong order, or unrelated."""
    out = []
    if future.state == "current":
        swapped = " (the two look swapped: CURRENT comes first)" if current.state == "future" else ""
        out.append(f"{future.file} says 'state: current' but is compared as the future state{swapped}")
    elif current.state == "future":
        out.append(f"{current.file} says 'state: future' but is compared as the current state")
    ids = {tp.id for tp in current.touchpoints} | {tp.name for tp in current.touchpoints}
    if (
        current.touchpoints
        and future.touchpoints
        and not any(tp.id in ids or tp.name in ids for tp in future.touchpoints)
    ):
        out.append(f"{current.file} and {future.file} share no touchpoint (by id or name); are they the same journey?")
    return out


def compare(
    current: Journey,
    future: Journey,
    current_findings: Sequence[Diagnostic] = (),
    future_findings: Sequence[Diagnostic] = (),
) -> Comparison:
    diff = diff_journeys(current, future, current_findings, future_findings, current.file, future.file)
    before = [p for tp in current.touchpoints for p in tp.pain_points]
    after = [p for tp in future.touchpoints for p in tp.pain_points]
    return Comparison(
        current,
        future,
        diff,
        _columns(current, future),
        tuple(dict.fromkeys(p for p in before if p not in after)),
        tuple(dict.fromkeys(p for p in after if p not in before)),
    )
