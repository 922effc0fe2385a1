"""What the KPI lane shows of one measured metric: its current value, its target, whether it meets it, its trend.

Shared by the HTML report and the Markdown grid. Status is said in a word and a
symbol as well as a colour ("✓ on target", "✗ off target"), so it reads in
print and for people who do not see the colour.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from cjmap.diagnostics import escape_controls
from cjmap.metrics.values import Definition, Series
from cjmap.render.sparkline import sparkline
from cjmap.resolve import Journey

ON, OFF = ("on", "\u2713", "on target"), ("off", "\u2717", "off target")
NO_TARGET = ("none", "", "no target")


@dataclass(frozen=True)
class Kpi:
    """One series as drawn: map text (name, who, owner) is plain here and escaped by each output."""

    metric: str  # the metric's id
    name: str
    value: str  # "45 %"
    target: str | None  # "target ≤ 50 %"
    status: str  # on | off | none: the CSS class
    symbol: str
    word: str
    persona: str | None  # None: everyone
    who: str | None  # the persona's name
    day: str | None  # when the current value was measured
    details: str  # the tooltip: owner, source, and which side of the target is better
    trend: Markup  # an inline SVG, or empty


def target_text(definition: Definition) -> str | None:
    """'target ≥ 3.5 %' when higher is better, 'target ≤ 50 %' when lower is."""
    target = definition.target
    if target is None:
        return None
    sign = "\u2265" if target.better == "higher" else "\u2264"
    return f"target {sign} {definition.format(target.value)}"


def kpi(journey: Journey, series: Series, names: dict[str, str], sources: dict[str, str]) -> Kpi:
    """One series as the KPI lane shows it; `names` and `sources` name personas and sources by id."""
    definition = series.metric
    status = NO_TARGET if series.on_target is None else (ON if series.on_target else OFF)
    who = names.get(series.persona, series.persona) if series.persona else None
    current = series.current
    team = journey.team(definition.owner) if definition.owner else None
    facts = [definition.name]
    if definition.target is not None:
        facts.append(f"{definition.target.better} is better")
    if definition.owner:
        facts.append(f"owner: {team.name if team else definition.owner}")
    if definition.source:
        facts.append(f"source: {sources.get(definition.source, definition.source)}")
    value = definition.format(current.value)
    label = f"Trend of {definition.name}{' for ' + who if who else ''}: " + ", ".join(
        f"{definition.format(p.value)} on {p.day_text}" for p in series.trend if p.day
    )
    return Kpi(
        metric=definition.id,
        name=definition.name,
        value=value,
        target=target_text(definition),
        status=status[0],
        symbol=status[1],
        word=status[2],
        persona=series.persona,
        who=who,
        day=current.day_text,  # a monthly export stays monthly: "as of 2026-10"
        details=escape_controls(" · ".join(facts)),  # a tooltip: a bidi override there cannot be isolated by CSS
        trend=sparkline(series.trend, definition.target, escape_controls(label)) if series.trend else Markup(""),
    )


def kpis_by_place(journey: Journey) -> dict[tuple[str, str], list[Kpi]]:
    """Every place's KPIs at once, keyed by (kind, id) ("map", "map" for the whole journey's), in the map's order
    of metrics, each persona's after everyone's: asking place by place would read every series each time."""
    names = {p.id: p.name for p in journey.personas}
    sources = {s.id: s.name for s in journey.sources}
    found: dict[tuple[str, str], list[Kpi]] = {}
    for series in journey.metrics.series:
        found.setdefault((series.place.kind, series.place.id), []).append(kpi(journey, series, names, sources))
    return found


def kpi_line(item: Kpi) -> str:
    """One KPI in words, for plain text: 'Cart abandonment 45 % (target ≤ 50 %, ✓ on target)'."""
    who = f" for {item.who}" if item.who else ""
    judged = f"{item.target}, {item.symbol} {item.word}" if item.target else ""
    return f"{item.name}{who} {item.value}" + (f" ({judged})" if judged else "")
