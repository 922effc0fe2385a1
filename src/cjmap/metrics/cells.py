"""What a cell of a data file says: a number or a date, read the way team exports write them."""

from __future__ import annotations

import math
import re
from datetime import date, datetime

_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")  # 12,000 or 1,234.5
_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_DATE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")


def parse_number(raw: object, decimal_comma: bool = False) -> float | None:
    """A finite number from a cell ('3.1', '3.1 %', '12,000', '3,1' in a ';' file), or None."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        return float(raw) if math.isfinite(raw) else None
    if not isinstance(raw, str):
        return None
    text = raw.strip().removesuffix("%").strip().replace("\u2212", "-")
    if decimal_comma and re.fullmatch(r"[+-]?\d+,\d+", text):
        text = text.replace(",", ".")
    elif _GROUPED.match(text):
        text = text.replace(",", "")
    if not _PLAIN.match(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def parse_day(raw: object) -> date | None:
    """A day from a cell: 2026-09-14, 2026-09 (the month's first day), an ISO timestamp, or a spreadsheet date."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if not isinstance(raw, str):
        return None
    match = _DATE.match(raw.strip())
    if not match:
        return None
    year, month, day = (int(part) if part else 1 for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def is_month(raw: object) -> bool:
    """Whether a date cell names a month only (2026-10): outputs keep that precision, not its first day."""
    return isinstance(raw, str) and re.fullmatch(r"\d{4}-\d{2}", raw.strip()) is not None


def cell_text(raw: object) -> str:
    """A cell as text, for messages and ids: '' for an empty one."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()
