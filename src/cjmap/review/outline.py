"""A map as plain lines, one fact per line, for `git diff` (a textconv filter) and quick reading.

Made from the file alone, without its imports: git hands textconv a temporary
copy of an old version, beside none of the files it imports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cjmap.diagnostics import one_line
from cjmap.vocabulary.emotion import emotion_text as _emotion
from cjmap.vocabulary.ids import id_of
from cjmap.vocabulary.lanes import LIST_LANES, TEXT_LANES

if TYPE_CHECKING:  # read as the model's classes or their plain stand-ins (cjmap.plain): no pydantic at run time
    from cjmap.model import MapFile, MetricDefinition, Touchpoint


def _touchpoint(tp: Touchpoint) -> list[str]:
    ident = id_of(tp)
    scores = (
        ", ".join(f"{who} {_emotion(v)}" for who, v in tp.emotion.items())
        if isinstance(tp.emotion, dict)
        else _emotion(tp.emotion)
    )
    facts = [f"channel {tp.channel or 'none'}", f"owner {tp.owner or 'none'}", f"emotion {scores}"]
    if tp.personas is not None:
        facts.append("for " + (", ".join(tp.personas) or "nobody"))
    lines = [f"    touchpoint {ident}: {tp.name or ident} ({'; '.join(facts)})"]
    lines += [f"      {lane.id}: {getattr(tp, lane.id)}" for lane in TEXT_LANES if getattr(tp, lane.id)]
    lines += [f"      {lane.item}: {item}" for lane in LIST_LANES for item in getattr(tp, lane.id)]
    lines += [f"      metric {k}: {v}" for k, v in tp.metrics.items()]
    if tp.next is not None:
        if not tp.next:
            lines.append(f"      exit{': ' + tp.exit if tp.exit else ''}")
        for step in tp.next:
            share = f" (share {step.share:g})" if step.share is not None else ""
            lines.append(f"      next {step.to}" + (f" when {step.when}" if step.when else "") + share)
    elif tp.exit:
        lines.append(f"      may exit: {tp.exit}")
    return lines


def _metric(metric: MetricDefinition) -> list[str]:
    """A metric definition: what it measures, in what, toward which target; the data rows stay in their files."""
    facts: list[str] = [metric.kind]
    if metric.unit:
        facts.append(f"unit {metric.unit}")
    if metric.target:
        facts.append(f"target {metric.target.value:g}, {metric.target.better} is better")
    facts += [f"{key} {getattr(metric, key)}" for key in ("owner", "source") if getattr(metric, key)]
    lines = [f"metric {id_of(metric)}: {metric.name or id_of(metric)} ({'; '.join(facts)})"]
    if metric.value is not None:
        lines.append(f"  value {metric.value:g}")
    return lines


def outline(data: MapFile) -> str:
    """One fact per line; map text cannot start a new line or reach the terminal as an escape sequence."""
    return "".join(one_line(line) + "\n" for line in _facts(data))


def _facts(data: MapFile) -> list[str]:
    lines = [f"map: {data.title or '(no title)'} ({data.state} state)"]
    for key in ("summary", "scope", "owner", "updated"):
        if getattr(data, key):
            lines.append(f"{key}: {getattr(data, key)}")
    if data.flow != "sequence":
        lines.append(f"flow: {data.flow}")
    lines += [f"imports {name}" for name in data.imports]
    for p in data.personas:
        lines.append(f"persona {id_of(p)}: {p.name or id_of(p)}" + (f" ({p.role})" if p.role else ""))
        if p.starts is not None:
            lines.append(f"  starts at {p.starts if isinstance(p.starts, str) else ', '.join(p.starts)}")
        if p.stages is not None:
            lines.append(f"  takes part in {', '.join(p.stages) or 'no stage'}")
    lines += [f"team {id_of(t)}: {t.name or id_of(t)}" for t in data.teams]
    lines += [f"channel {id_of(c)}: {c.name or id_of(c)}" for c in data.channels]
    lines += [
        f"source {id_of(s)}: {s.name or id_of(s)}" + (f", collected {s.collected}" if s.collected else "")
        for s in data.sources
    ]
    lines += [line for metric in data.metrics for line in _metric(metric)]
    lines += [f"data {name}" for name in data.data]
    for i, stage in enumerate(data.stages, 1):
        lines.append(
            f"stage {i} {id_of(stage)}: {stage.name or id_of(stage)}" + (f" (goal: {stage.goal})" if stage.goal else "")
        )
        lines += [f"  metric {k}: {v:g}" for k, v in stage.metrics.items()]
        for tp in stage.touchpoints:
            lines += _touchpoint(tp)
    return lines
