"""What changed for the customer between two versions of a map: a semantic diff.

Entities are matched by id (a touchpoint whose id changed but whose name did
not counts as renamed, not as removed and added). Lint findings are compared
by code and message, not by line, so moving text around does not "fix" and
"introduce" the same finding.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from cjmap.diagnostics import Diagnostic
from cjmap.metrics.values import Definition, Series, Target
from cjmap.resolve import Edge, Journey, Touchpoint
from cjmap.vocabulary.emotion import emotion_text as _emotion
from cjmap.vocabulary.lanes import LIST_LANES
from cjmap.vocabulary.shares import percent


@dataclass(frozen=True)
class Change:
    """One change, said for people: `kind` groups them, `subject` is what changed, `detail` how."""

    kind: str  # stage-added, stage-removed, stage-renamed, stage-moved, touchpoint-..., emotion, owner, channel, ...
    subject: str
    detail: str
    direction: int = 0  # +1 better for the customer, -1 worse, 0 neither (emotion only)


# Every kind of change, under the heading every view of a diff shows it by (a kind left out would be counted
# but never shown)
GROUPS = (
    (
        "Map",
        (
            "map-added",
            "map-removed",
            "title",
            "state",
            "map-owner",
            "scope",
            "summary",
            "reviewed",
            "flow",
            "persona-added",
            "persona-removed",
            "persona-starts",
            "persona-stages",
        ),
    ),
    ("Stages", ("stage-added", "stage-removed", "stage-renamed", "stage-moved", "stage-goal")),
    ("Touchpoints", ("touchpoint-added", "touchpoint-removed", "touchpoint-renamed", "touchpoint-moved")),
    ("Emotion", ("emotion",)),
    ("Owners, channels and personas", ("owner", "channel", "personas")),
    (
        "Pain points and opportunities",
        (
            "pain-points-added",
            "pain-points-removed",
            "opportunities-added",
            "opportunities-removed",
            "opportunities-delivered",
        ),
    ),
    ("Flow", ("branch-added", "branch-removed", "step-added", "step-removed", "exit-added", "exit-removed")),
    (
        "Metrics",
        (
            "metric",
            "metric-measured",
            "metric-unmeasured",
            "metric-added",
            "metric-removed",
            "metric-kind",
            "metric-target",
            "share",
        ),
    ),
)


def grouped(changes: Sequence[Change]) -> list[tuple[str, list[Change]]]:
    """The changes under their group's heading, groups in GROUPS order; empty groups left out."""
    out = []
    for title, kinds in GROUPS:
        found = [c for c in changes if c.kind in kinds]
        if found:
            out.append((title, found))
    return out


@dataclass
class MapDiff:
    old_file: str
    new_file: str
    changes: list[Change] = field(default_factory=list)
    introduced: list[Diagnostic] = field(default_factory=list)
    fixed: list[Diagnostic] = field(default_factory=list)
    still: list[tuple[Diagnostic, Diagnostic]] = field(default_factory=list)  # (before, after): only numbers moved

    @property
    def changed(self) -> bool:
        return bool(self.changes or self.introduced or self.fixed or self.still)


def _text(value: str | None) -> str | None:
    """A text value as compared and shown: a folded `>` or literal `|` value's closing line break is not content."""
    return value.rstrip("\r\n") if value else value


def _names(items: Sequence) -> dict[str, str]:
    return {item.id: item.name for item in items}


def _ref(names: dict[str, str], id: str | None) -> str:
    return "none" if id is None else names.get(id, id)


def diff_journeys(
    old: Journey | None,
    new: Journey | None,
    old_findings: Sequence[Diagnostic] = (),
    new_findings: Sequence[Diagnostic] = (),
    old_file: str = "",
    new_file: str = "",
) -> MapDiff:
    """Every change from `old` to `new`; either may be None (a map added or deleted)."""
    result = MapDiff(old_file, new_file)
    if old is None or new is None:
        kind, journey = ("map-added", new) if old is None else ("map-removed", old)
        assert journey is not None
        result.changes.append(
            Change(kind, journey.title, f"{len(journey.stages)} stages, {len(journey.touchpoints)} touchpoints")
        )
    else:
        result.changes += _header(old, new)
        result.changes += _stages(old, new)
        result.changes += _touchpoints(old, new)
        result.changes += _flow(old, new)
        result.changes += metric_changes(old, new)
    result.introduced, result.fixed, result.still = compare_findings(old_findings, new_findings)
    return result


_NUMBER = re.compile(r"[-+\u2212]?\d+(?:[.,]\d+)*")


def compare_findings(
    old: Sequence[Diagnostic], new: Sequence[Diagnostic]
) -> tuple[list[Diagnostic], list[Diagnostic], list[tuple[Diagnostic, Diagnostic]]]:
    """(introduced, fixed, still there with other numbers), matched by code and message, not line, since lines
    shift in any edit. A metric still off target at a new value is the same finding, neither fixed nor new."""
    old_keys = {(d.code, d.message) for d in old}
    new_keys = {(d.code, d.message) for d in new}
    introduced = [d for d in new if (d.code, d.message) not in old_keys]
    fixed = [d for d in old if (d.code, d.message) not in new_keys]
    waiting: dict[tuple[str, str], list[Diagnostic]] = {}
    for d in fixed:
        waiting.setdefault((d.code, _NUMBER.sub("#", d.message)), []).append(d)
    still = []
    for d in introduced:
        before = waiting.get((d.code, _NUMBER.sub("#", d.message)))
        if before:
            still.append((before.pop(0), d))
    moved = {id(d) for pair in still for d in pair}
    return [d for d in introduced if id(d) not in moved], [d for d in fixed if id(d) not in moved], still


def _header(old: Journey, new: Journey) -> list[Change]:
    out = []
    for key in ("title", "state", "owner", "scope", "summary"):
        before, after = _text(getattr(old, key)), _text(getattr(new, key))
        if before != after:  # the map's owner is `map-owner`: `owner` is a touchpoint's team
            out.append(
                Change(
                    "map-owner" if key == "owner" else key, "map", f"{key}: {before or 'none'} \u2192 {after or 'none'}"
                )
            )
    if old.updated != new.updated:
        out.append(
            Change("reviewed", "map", f"last reviewed: {old.updated or 'never'} \u2192 {new.updated or 'never'}")
        )
    if old.flow != new.flow:
        out.append(Change("flow", "map", f"flow: {old.flow} \u2192 {new.flow}"))
    old_p, new_p = _names(old.personas), _names(new.personas)
    out += [Change("persona-added", new_p[p], "persona added") for p in new_p if p not in old_p]
    out += [Change("persona-removed", old_p[p], "persona removed") for p in old_p if p not in new_p]
    out += _persona_paths(old, new)
    return out


def _persona_paths(old: Journey, new: Journey) -> list[Change]:
    """Where a persona enters and which stages it takes part in: each rewrites that persona's path."""
    before = {p.id: p for p in old.personas}
    out = []
    for after in new.personas:
        was = before.get(after.id)
        if was is None:
            continue
        if was.starts != after.starts:
            out.append(
                Change(
                    "persona-starts",
                    after.name,
                    f"starts at {', '.join(was.starts) or 'nothing'} \u2192 {', '.join(after.starts) or 'nothing'}",
                )
            )
        if was.stages != after.stages:
            show = lambda s: "every stage" if s is None else ", ".join(s) or "no stage"  # noqa: E731
            out.append(
                Change("persona-stages", after.name, f"takes part in {show(was.stages)} \u2192 {show(after.stages)}")
            )
    return out


def _stages(old: Journey, new: Journey) -> list[Change]:
    out = []
    old_s = {s.id: (i, s) for i, s in enumerate(old.stages, 1)}
    new_s = {s.id: (i, s) for i, s in enumerate(new.stages, 1)}
    for id, (i, stage) in new_s.items():
        if id not in old_s:
            out.append(Change("stage-added", stage.name, f"stage added as {i}"))
            continue
        j, before = old_s[id]
        if before.name != stage.name:
            out.append(Change("stage-renamed", stage.name, f"stage renamed from \u2018{before.name}\u2019"))
        if before.goal != stage.goal:
            out.append(Change("stage-goal", stage.name, f"goal: {before.goal or 'none'} \u2192 {stage.goal or 'none'}"))
    out += [Change("stage-removed", s.name, "stage removed") for id, (_, s) in old_s.items() if id not in new_s]
    kept_old = [id for id in old_s if id in new_s]
    kept_new = [id for id in new_s if id in old_s]
    if kept_old != kept_new:  # only a real reordering, not shifts caused by additions and removals
        for position, id in enumerate(kept_new):
            if kept_old.index(id) != position:
                out.append(
                    Change("stage-moved", new_s[id][1].name, f"stage moved from {old_s[id][0]} to {new_s[id][0]}")
                )
    return out


def _match(
    old: Journey, new: Journey
) -> tuple[dict[str, Touchpoint], list[Touchpoint], list[Touchpoint], list[tuple[Touchpoint, Touchpoint]]]:
    """Touchpoints in both (by id, then by unchanged name), only new, only old."""
    old_t = {tp.id: tp for tp in old.touchpoints}
    new_t = {tp.id: tp for tp in new.touchpoints}
    pairs = [(old_t[id], tp) for id, tp in new_t.items() if id in old_t]
    added = [tp for id, tp in new_t.items() if id not in old_t]
    removed = [tp for id, tp in old_t.items() if id not in new_t]
    by_name = {tp.name: tp for tp in removed}
    renamed_ids = [(by_name[tp.name], tp) for tp in added if tp.name in by_name]
    for before, after in renamed_ids:
        added.remove(after)
        removed.remove(before)
    return new_t, added, removed, pairs + renamed_ids


def _emotion_change(name: str, before: int | None, after: int | None, who: str = "") -> Change:
    direction = 0 if before is None or after is None else (1 if after > before else -1)
    word = {1: "better", -1: "worse", 0: "changed"}[direction]
    return Change("emotion", name, f"emotion{who} {_emotion(before)} \u2192 {_emotion(after)} ({word})", direction)


def _emotion_changes(before: Touchpoint, after: Touchpoint, persona_names: dict[str, str]) -> list[Change]:
    """One change for the one score, or one per persona whose own score moved."""
    if not before.emotions and not after.emotions:
        return [] if before.emotion == after.emotion else [_emotion_change(after.name, before.emotion, after.emotion)]
    people = dict.fromkeys([*(p for p, _ in before.emotions), *(p for p, _ in after.emotions)])
    return [
        _emotion_change(after.name, before.emotion_for(p), after.emotion_for(p), f" for {persona_names.get(p, p)}")
        for p in people
        if before.emotion_for(p) != after.emotion_for(p)
    ]


def _touchpoints(old: Journey, new: Journey) -> list[Change]:
    out = []
    _, added, removed, pairs = _match(old, new)
    planned = old.state == "current" and new.state == "future"  # what the future state no longer needs was delivered
    still_offered = {o for tp in new.touchpoints for o in tp.opportunities}
    stage_names = {**_names(old.stages), **_names(new.stages)}
    old_teams, new_teams = _names(old.teams), _names(new.teams)
    old_channels, new_channels = _names(old.channels), _names(new.channels)
    for tp in added:
        out.append(Change("touchpoint-added", tp.name, f"added in {stage_names[tp.stage]} ({_emotion(tp.emotion)})"))
    for tp in removed:
        out.append(Change("touchpoint-removed", tp.name, f"removed from {stage_names[tp.stage]}"))
    for before, after in pairs:
        name = after.name
        if before.id != after.id:
            out.append(Change("touchpoint-renamed", name, f"id changed from {before.id} to {after.id}"))
        elif before.name != after.name:
            out.append(Change("touchpoint-renamed", name, f"renamed from \u2018{before.name}\u2019"))
        if before.stage != after.stage:
            out.append(
                Change(
                    "touchpoint-moved", name, f"moved from {stage_names[before.stage]} to {stage_names[after.stage]}"
                )
            )
        out += _emotion_changes(before, after, {**_names(old.personas), **_names(new.personas)})
        if before.owner != after.owner:
            out.append(
                Change("owner", name, f"owner: {_ref(old_teams, before.owner)} \u2192 {_ref(new_teams, after.owner)}")
            )
        if before.channel != after.channel:
            out.append(
                Change(
                    "channel",
                    name,
                    f"channel: {_ref(old_channels, before.channel)} \u2192 {_ref(new_channels, after.channel)}",
                )
            )
        for lane in LIST_LANES:
            kind = lane.id.replace("_", "-")
            gone = [x for x in getattr(before, lane.id) if x not in getattr(after, lane.id)]
            came = [x for x in getattr(after, lane.id) if x not in getattr(before, lane.id)]
            out += [Change(f"{kind}-added", name, f"{lane.item} added: {x}") for x in came]
            for x in gone:
                if lane.id == "opportunities" and planned and x not in still_offered:
                    out.append(Change("opportunities-delivered", name, f"opportunity delivered: {x}"))
                else:
                    out.append(Change(f"{kind}-removed", name, f"{lane.item} removed: {x}"))
        if before.personas != after.personas:
            show = lambda p: "everyone" if p is None else ", ".join(p) or "nobody"  # noqa: E731
            out.append(Change("personas", name, f"for {show(before.personas)} \u2192 {show(after.personas)}"))
    return out


def _edge_key(edge: Edge, ids: dict[str, str]) -> tuple[str, str, str | None]:
    return (ids.get(edge.source, edge.source), ids.get(edge.target, edge.target), edge.condition)


def _flow(old: Journey, new: Journey) -> list[Change]:
    """Branches and exits added or removed from touchpoints in both versions. A `next` step counts even when
    it leads to a touchpoint that is new (or gone); a plain next-in-file step only when both ends survive,
    since adding or removing a touchpoint moves those anyway."""
    out = []
    new_t, _, _, pairs = _match(old, new)
    renamed = {before.id: after.id for before, after in pairs}  # old id -> new id
    kept = set(renamed.values())
    names = {tp.id: tp.name for tp in new.touchpoints}
    old_names = {renamed.get(tp.id, tp.id): tp.name for tp in old.touchpoints}
    old_edges = {_edge_key(e, renamed): e for e in old.edges}
    new_edges = {_edge_key(e, {}): e for e in new.edges}
    for key, edge in new_edges.items():
        if (
            key not in old_edges
            and edge.source in kept
            and (edge.target in kept or not edge.implicit)
            and edge.target in names
        ):
            label = f" when \u2018{edge.condition}\u2019" if edge.condition else ""
            kind = "branch-added" if edge.condition else "step-added"
            out.append(Change(kind, names[edge.source], f"now leads to {names[edge.target]}{label}"))
    for key, edge in old_edges.items():
        source, target, _ = key
        if key not in new_edges and source in new_t and (target in new_t or not edge.implicit) and target in old_names:
            label = f" when \u2018{edge.condition}\u2019" if edge.condition else ""
            kind = "branch-removed" if edge.condition else "step-removed"
            out.append(Change(kind, names[source], f"no longer leads to {names.get(target, old_names[target])}{label}"))
    old_exits = {renamed.get(tp.id, tp.id): tp.exit_reason for tp in old.touchpoints if tp.exits}
    new_exits = {tp.id: tp.exit_reason for tp in new.touchpoints if tp.exits}
    for id, reason in new_exits.items():
        if id in renamed.values() and id not in old_exits:
            out.append(
                Change("exit-added", names[id], f"customers may now leave here{': ' + reason if reason else ''}")
            )
    for id, reason in old_exits.items():
        if id in new_t and id not in new_exits:
            out.append(
                Change("exit-removed", names[id], f"no longer an exit{' (was: ' + reason + ')' if reason else ''}")
            )
    return out


def _target(definition: Definition) -> str:
    target = definition.target
    return "none" if target is None else f"{definition.format(target.value)} ({target.better} is better)"


def _target_change(before: Definition, after: Definition) -> str:
    """'target 3.8 % → 3.5 % (higher is better)'; each side's direction when that changed too."""
    was, now = before.target, after.target
    if was is not None and now is not None and was.better == now.better:
        return f"target {before.format(was.value)} \u2192 {after.format(now.value)} ({now.better} is better)"
    return f"target {_target(before)} \u2192 {_target(after)}"


def _place_name(journey: Journey, series: Series) -> str:
    """The change's subject: the touchpoint's or stage's name, or 'map' for the whole journey's values."""
    place = series.place
    if place.kind == "touchpoint":
        return next((tp.name for tp in journey.touchpoints if tp.id == place.id), place.id)
    if place.kind == "stage":
        return next((s.name for s in journey.stages if s.id == place.id), place.id)
    return "map"


def _moved(before: float, after: float, target: Target | None) -> int:
    """+1 when the value moved the way its target says is better, -1 the other way, 0 without a target."""
    if target is None or before == after:
        return 0
    return 1 if (after > before) == (target.better == "higher") else -1


def _measured_in(d: Definition) -> str:
    return f"{d.kind} in {d.unit}" if d.unit else d.kind


def metric_changes(old: Journey, new: Journey) -> list[Change]:
    """Definitions added, removed or retargeted; current values that changed, appeared or went; branch shares.

    'Checkout conversion 3.1 % → 3.6 %, target 3.5 % (better)': values are compared where they were measured
    (the same metric, place and persona), by their current value, in the new version's units."""
    out: list[Change] = []
    before_defs = {d.id: d for d in old.metrics.definitions}
    after_defs = {d.id: d for d in new.metrics.definitions}
    for id, d in after_defs.items():
        if id not in before_defs:
            out.append(Change("metric-added", d.name, f"metric defined: {d.kind}, target {_target(d)}"))
        else:
            earlier = before_defs[id]
            if (earlier.kind, earlier.unit) != (d.kind, d.unit):
                out.append(Change("metric-kind", d.name, f"{_measured_in(earlier)} \u2192 {_measured_in(d)}"))
            if earlier.target != d.target:
                out.append(Change("metric-target", d.name, _target_change(earlier, d)))
    gone = [d for i, d in before_defs.items() if i not in after_defs]
    out += [Change("metric-removed", d.name, "metric no longer defined") for d in gone]
    names = {p.id: p.name for p in (*old.personas, *new.personas)}
    before = {(s.metric.id, s.place, s.persona): s for s in old.metrics.series}
    after = {(s.metric.id, s.place, s.persona): s for s in new.metrics.series}
    for key, series in after.items():
        d = series.metric
        who = f" for {names.get(series.persona, series.persona)}" if series.persona else ""
        was = before.get(key)
        now = series.current.value
        target = f", target {d.format(d.target.value)}" if d.target else ""
        if was is None:
            detail = f"{d.name}{who} now measured: {d.format(now)}{target}"
            out.append(Change("metric-measured", _place_name(new, series), detail))
        elif was.current.value != now:
            direction = _moved(was.current.value, now, d.target)
            word = {1: " (better)", -1: " (worse)", 0: ""}[direction]
            detail = f"{d.name}{who} {d.format(was.current.value)} \u2192 {d.format(now)}{target}{word}"
            out.append(Change("metric", _place_name(new, series), detail, direction))
    for key, series in before.items():
        if key not in after:
            d = series.metric
            who = f" for {names.get(series.persona, series.persona)}" if series.persona else ""
            detail = f"{d.name}{who} no longer measured (was {d.format(series.current.value)})"
            out.append(Change("metric-unmeasured", _place_name(old, series), detail))
    out += _share_changes(old, new)
    return out


def _share_changes(old: Journey, new: Journey) -> list[Change]:
    """A branch's share that changed, appeared or went: 'share of Pays by card 70 % → 64 %'."""
    names = {tp.id: tp.name for tp in (*old.touchpoints, *new.touchpoints)}
    before = {(s.source, s.target): s.value for s in old.metrics.shares}
    after = {(s.source, s.target): s.value for s in new.metrics.shares}
    out = []
    for (source, target), value in after.items():
        was = before.get((source, target))
        if was != value:
            shown = "no share" if was is None else percent(was)
            detail = f"{shown} \u2192 {percent(value)} go on to {names.get(target, target)}"
            out.append(Change("share", names.get(source, source), detail))
    for (source, target), was in before.items():
        if (source, target) not in after:
            detail = f"{percent(was)} \u2192 no share given for going on to {names.get(target, target)}"
            out.append(Change("share", names.get(source, source), detail))
    return out
