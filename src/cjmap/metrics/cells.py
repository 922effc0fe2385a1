"""What a cell of a data file says: a number or a date, read the way team exports write them."""

from __future__ import annotations

import math
import re
from datetime import date, datetime

# ASCII digits only: Python's \d and float() take '３' and '٣' as 3, which no export means
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$", re.ASCII)  # 12,000 or 1,234.5
_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$", re.ASCII)
_COMMA_DECIMAL = re.compile(r"[+-]?(\d+|\d{1,3}(\.\d{3})+),\d+", re.ASCII)  # 3,1 or 1.234,5 in a ';' file
MAX_MAGNITUDE = 1e15  # a quadrillion: past it a value is a typo or an attack, and a chart's coordinates overflow
_DATE = re.compile(
    r"^(\d{4})-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?)?$", re.ASCII
)  # a timestamp's time is checked too: 2026-10-31T99:99 is a typo, not the 31st


def parse_number(raw: object, decimal_comma: bool = False) -> float | None:
    """A plausible number from a cell ('3.1', '3.1 %', '12,000', '3,1' or '1.234,5' in a ';' file), or None."""
    return _number(raw, decimal_comma)[0]


def number_problem(raw: object, decimal_comma: bool = False) -> str:
    """Why a cell that parse_number refuses is no number, in words: 'is not a number', 'is not a plausible number'."""
    return _number(raw, decimal_comma)[1]


def _number(raw: object, decimal_comma: bool) -> tuple[float | None, str]:
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        return None, "is not a number"
    if not isinstance(raw, str):
        return _plausible(raw)
    text = raw.strip().removesuffix("%").strip().replace("\u2212", "-")
    if decimal_comma and _COMMA_DECIMAL.fullmatch(text):
        text = text.replace(".", "").replace(",", ".")
    elif _GROUPED.match(text):
        text = text.replace(",", "")
    if not _PLAIN.match(text):
        if any(ch.isdigit() and not ch.isascii() for ch in text):
            return None, "is not a number: write its digits as 0-9"
        return None, "is not a number"
    value = float(text)
    if value == 0 and re.search(r"[1-9]", re.split(r"[eE]", text)[0]):
        return None, "is too small to tell from 0 (it underflows)"
    return _plausible(value)


def _plausible(value: int | float) -> tuple[float | None, str]:
    """The value as a float unless it is not finite or beyond MAX_MAGNITUDE (compared exactly: 10**400 is an int)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None, "is not a finite number"
    if abs(value) > MAX_MAGNITUDE:
        return None, f"is not a plausible number (beyond {MAX_MAGNITUDE:,.0f} either way)"
    return float(value), ""


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
    year, month, day = (int(part) if part else 1 for part in match.groups()[:3])
    hour, minute, second = (int(part) if part else 0 for part in match.groups()[3:])
    if hour > 23 or minute > 59 or second > 59:
        return None
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
