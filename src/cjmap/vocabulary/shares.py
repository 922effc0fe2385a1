"""How a part of the customers is written wherever cjmap shows one: the diagram, the funnel, the diff."""

from __future__ import annotations

import math


def percent(part: float) -> str:
    """A part (0..1) as people write it: '62 %', '4.4 %' (one decimal below 10 %), rounded half up.

    Shares that add up to more than everyone, compounded over many branches, can overflow to infinity (CJM603
    reports the shares): such a part is '?', never a crash."""
    value = part * 100
    if not math.isfinite(value):
        return "?"
    if 0 < value < 10 and abs(value - round(value)) >= 0.05:
        return f"{value:.1f} %"
    return f"{int(value + 0.5)} %"
