"""How a part of the customers is written wherever cjmap shows one: the diagram, the funnel, the diff."""

from __future__ import annotations


def percent(part: float) -> str:
    """A part (0..1) as people write it: '62 %', '4.4 %' (one decimal below 10 %), rounded half up."""
    value = part * 100
    if 0 < value < 10 and abs(value - round(value)) >= 0.05:
        return f"{value:.1f} %"
    return f"{int(value + 0.5)} %"
