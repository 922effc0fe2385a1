"""Which touchpoints a persona meets: the one answer every rule, chart and report gives."""

from __future__ import annotations

from collections.abc import Collection


def takes(listed: Collection[str] | None, persona: str) -> bool:
    """Whether a touchpoint's `personas:` list includes a persona; a touchpoint that lists none is everyone's."""
    return listed is None or persona in listed


def meets(path: Collection[str] | None, touchpoint: str) -> bool:
    """Whether a customer whose path (from their own start) is `path` meets a touchpoint.

    `None` is the one customer of a map without personas, who meets every touchpoint.
    """
    return path is None or touchpoint in path
