"""Metrics: definitions with targets, values measured at touchpoints, stages and the map, trends, branch shares.

`Journey.metrics` holds them once resolved (see `values.Metrics`); `collect`
gathers them from the map, its imports and its data files.
"""

from __future__ import annotations

from cjmap.metrics.values import (
    MAP,
    DataProblem,
    Definition,
    Metrics,
    Place,
    Point,
    Series,
    Share,
    Target,
    format_value,
)

__all__ = [
    "MAP",
    "DataProblem",
    "Definition",
    "Metrics",
    "Place",
    "Point",
    "Series",
    "Share",
    "Target",
    "format_value",
]
