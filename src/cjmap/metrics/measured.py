"""What a journey measures, as `Journey.metrics` holds it: light enough for every map to carry one.

Every journey has a `Metrics`, empty for a map that says nothing of metrics (most maps). It lives apart from
the values it holds (`cjmap.metrics.values`) so that linting such a map does not define those classes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from cjmap.metrics.values import DataProblem, Definition, Series, Share

PlaceKind = Literal["touchpoint", "stage", "map"]
MAP = "map"  # what `at` says for a value of the whole map


@dataclass(frozen=True)
class Place:
    """Where a value was measured: a touchpoint, a stage, or the whole map."""

    kind: PlaceKind
    id: str  # the touchpoint or stage id; MAP for the map

    def __str__(self) -> str:
        return "the map" if self.kind == "map" else f"{self.kind} '{self.id}'"

    @property
    def phrase(self) -> str:
        """'at touchpoint 'checkout'', 'for the map': how a message says where a value belongs."""
        return "for the map" if self.kind == "map" else f"at {self}"


@dataclass(frozen=True)
class Metrics:
    """Everything a journey measures. Empty for a map without metric definitions, as every older map is."""

    definitions: tuple[Definition, ...] = ()
    series: tuple[Series, ...] = ()
    shares: tuple[Share, ...] = ()
    problems: tuple[DataProblem, ...] = ()
    files: tuple[str, ...] = field(default=(), compare=False)  # absolute paths of the data files read (for --watch)

    def definition(self, id: str) -> Definition | None:
        return next((d for d in self.definitions if d.id == id), None)

    def at(self, kind: PlaceKind, id: str = MAP, persona: str | None = None) -> tuple[Series, ...]:
        """The series measured at one place, for everyone (persona None) or for one persona, in definition order."""
        return self._by_place.get((Place(kind, id), persona), ())

    def all_at(self, kind: PlaceKind, id: str = MAP) -> tuple[Series, ...]:
        """Every series at one place: everyone's first, then each persona's, in definition order."""
        return tuple(s for s in self.series if s.place == Place(kind, id))

    def at_touchpoint(self, id: str, persona: str | None = None) -> tuple[Series, ...]:
        return self.at("touchpoint", id, persona)

    def at_stage(self, id: str, persona: str | None = None) -> tuple[Series, ...]:
        return self.at("stage", id, persona)

    def for_map(self, persona: str | None = None) -> tuple[Series, ...]:
        return self.at("map", MAP, persona)

    def watched(self, touchpoint: str) -> bool:
        """Whether any defined metric has a value at this touchpoint, for anyone."""
        return Place("touchpoint", touchpoint) in self._places

    @cached_property
    def _by_place(self) -> dict[tuple[Place, str | None], tuple[Series, ...]]:  # renderers ask once per card
        found: dict[tuple[Place, str | None], list[Series]] = {}
        for series in self.series:
            found.setdefault((series.place, series.persona), []).append(series)
        return {key: tuple(value) for key, value in found.items()}

    @cached_property
    def _places(self) -> frozenset[Place]:
        return frozenset(s.place for s in self.series)

    def share(self, source: str, target: str) -> Share | None:
        """The share of the step from `source` to `target`, when the map gives one."""
        return next((s for s in self.shares_from(source) if s.target == target), None)

    def shares_from(self, source: str) -> tuple[Share, ...]:
        return self._shares_by_source.get(source, ())

    @cached_property
    def _shares_by_source(self) -> dict[str, tuple[Share, ...]]:
        found: dict[str, list[Share]] = {}
        for share in self.shares:
            found.setdefault(share.source, []).append(share)
        return {key: tuple(value) for key, value in found.items()}

    def drop_off(self, source: str) -> float | None:
        """What the shares leaving a touchpoint leave unaccounted (those who exit there), when they give any."""
        given = self.shares_from(source)
        if not given:
            return None
        return max(0.0, 1.0 - math.fsum(s.value for s in given))
