"""Metrics once resolved: definitions, the values measured where, their trend, and branch shares.

What rules judge and renderers draw. These are plain frozen values, built by
`cjmap.metrics.collect` from the map, its imports and its data files; nothing
here reads a file or knows a model class.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Literal

from cjmap.diagnostics import Location
from cjmap.metrics.measured import MAP, Metrics, Place, PlaceKind

__all__ = ["MAP", "Metrics", "Place", "PlaceKind"]  # where they were defined before, and are still imported from

Kind = Literal["count", "rate", "score", "duration", "currency"]


@dataclass(frozen=True)
class Target:
    value: float
    better: Literal["higher", "lower"]

    def met_by(self, value: float) -> bool:
        """On target: at or above it when higher is better, at or below when lower is."""
        return value >= self.value if self.better == "higher" else value <= self.value


@dataclass(frozen=True)
class Definition:
    """A metric the map measures: what it is, how it is counted, and where it should be."""

    id: str
    name: str
    kind: Kind
    unit: str | None
    target: Target | None
    owner: str | None
    source: str | None
    where: Location
    local: bool = True  # defined in the map itself, not in an import

    def format(self, value: float) -> str:
        """A value as people read it: '3.1 %', '12,000', '42.50 EUR', '4.2 min'."""
        return format_value(value, self.unit, self.kind)

    @cached_property
    def scale(self) -> Scale | None:
        """The values this metric can take, where its kind or unit says so; None where nothing is known.

        A rate is 0-100 %; a count or a duration is never below 0; a score is
        -100 to 100 when it is an NPS (its id, name or unit says NPS or Net
        Promoter) and 0 to N when its unit says 'of N' ('of 5', 'out of 10',
        '/10'). Any other score, and a currency, may be anything.
        """
        if self.kind == "rate":
            return Scale(0, 100, "a rate is a percentage")
        if self.kind in ("count", "duration"):
            return Scale(0, None, f"a {self.kind} cannot be negative")
        if self.kind != "score":
            return None
        if any(_NPS.search(text) for text in (self.id, self.name, self.unit or "")):
            return Scale(-100, 100, "an NPS is the % of promoters less the % of detractors")
        out_of = _OUT_OF.fullmatch((self.unit or "").strip())
        if out_of:
            top = float(out_of.group(1))
            return Scale(0, top, f"its unit '{self.unit}' makes {top:g} the top of the scale")
        return None

    def in_range(self, value: float) -> bool:
        return self.scale is None or self.scale.holds(value)


_NPS = re.compile(r"\bnps\b|net promoter", re.IGNORECASE)
_OUT_OF = re.compile(r"(?:out of|of|/)\s*(\d+(?:\.\d+)?)", re.IGNORECASE)


@dataclass(frozen=True)
class Scale:
    """The values a metric can take: a value outside is a typo or a unit mix-up, and never on target."""

    low: float
    high: float | None  # None: no upper bound
    why: str  # for messages: 'a rate is a percentage'

    def holds(self, value: float) -> bool:
        return self.low <= value and (self.high is None or value <= self.high)

    def describe(self) -> str:
        """'outside 0 to 100', 'below 0': how a message names the range a value left."""
        return f"below {self.low:g}" if self.high is None else f"outside {self.low:g} to {self.high:g}"


def format_value(value: float, unit: str | None, kind: str = "count") -> str:
    if kind == "currency":
        number = f"{value:,.2f}"
    elif float(value).is_integer() and abs(value) < 1e15:
        number = f"{int(value):,}"
    else:
        number = f"{value:,.3g}" if abs(value) >= 1000 else f"{value:.4g}"
    unit = unit if unit is not None else ("%" if kind == "rate" else None)
    return number if not unit else f"{number} {unit}"


@dataclass(frozen=True)
class Point:
    """One value: from the map (undated unless the map says when it was reviewed) or a data file row."""

    value: float
    day: date | None  # a month's value counts as of its first day, for order and age
    where: Location
    from_data: bool = False  # read from a data file, not written in the map
    precision: Literal["day", "month"] = "day"  # as the file gave it: a monthly export stays monthly

    @property
    def day_text(self) -> str | None:
        """The date as the data gave it, for outputs: '2026-10-31', or '2026-10' for a month's value."""
        if self.day is None:
            return None
        return self.day.isoformat()[:7] if self.precision == "month" else self.day.isoformat()


@dataclass(frozen=True)
class Series:
    """Every value of one metric at one place (for one persona, or everyone), oldest first."""

    metric: Definition
    place: Place
    persona: str | None  # None: everyone
    points: tuple[Point, ...]

    @property
    def current(self) -> Point:
        """The newest value: the one shown and judged."""
        return self.points[-1]

    @property
    def trend(self) -> tuple[Point, ...]:
        """The dated values, oldest first: what a sparkline draws (empty when fewer than two)."""
        dated = tuple(p for p in self.points if p.day is not None)
        return dated if len(dated) >= 2 else ()

    @property
    def on_target(self) -> bool | None:
        """Whether the current value meets the metric's target; None without a target.

        A value its metric cannot take (-3 days) is not on target, whatever the
        target's direction: CJM604 and CJM608 report it.
        """
        target = self.metric.target
        if target is None:
            return None
        return self.metric.in_range(self.current.value) and target.met_by(self.current.value)

    @property
    def newest_day(self) -> date | None:
        return max((p.day for p in self.points if p.day is not None), default=None)


@dataclass(frozen=True)
class Share:
    """The part of those reaching a touchpoint that take one of its `next` steps (0 to 1)."""

    source: str
    target: str
    value: float
    where: Location


@dataclass(frozen=True)
class DataProblem:
    """A row, cell or file of metric data that cannot be used, with why; CJM601 reports it."""

    where: Location
    message: str
