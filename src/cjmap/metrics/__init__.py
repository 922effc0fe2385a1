"""Metrics: definitions with targets, values measured at touchpoints, stages and the map, trends, branch shares.

`Journey.metrics` holds them once resolved (see `measured.Metrics`); `collect`
gathers them from the map, its imports and its data files. The names below are
imported from `values` when first asked for, so a map without metrics loads none of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

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
    "mentions_metrics",
]

if TYPE_CHECKING:
    from cjmap import model as m
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
    from cjmap.source.loader import SourceFile


def mentions_metrics(files: Sequence[tuple[SourceFile, m.MapFile]]) -> bool:
    """Whether a map (with its imports) says anything about metrics: definitions, data files, a stage's values
    or a share on a branch. Most maps say nothing, and then the metrics code is not even imported."""
    root = files[0][1]
    return any(data.metrics or data.data for _, data in files) or any(
        s.metrics or any(step.share is not None for tp in s.touchpoints for step in tp.next or ()) for s in root.stages
    )


def __getattr__(name: str) -> object:
    """`from cjmap.metrics import Series` and the like, loaded on first use."""
    if name in __all__ and name != "mentions_metrics":
        from cjmap.metrics import values

        return getattr(values, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
