"""Lint settings read without pydantic: a project with no config file, or one exactly as the model wants it.

Like `cjmap.plain` for maps: importing pydantic and building the settings model would cost a lint run more
than its work. `plain_settings` accepts only a table of known keys with exactly the right types and bounds,
and returns None for anything else, which the settings model then judges and words (tests/test_policy.py
proves over generated tables that whatever this accepts, the model accepts with the same values).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cjmap.rules import OPTIONS
from cjmap.source.limits import LARGEST_MAX_FILE_SIZE
from cjmap.source.safeio import MAX_MAP_BYTES

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class PlainSettings:
    """cjmap's own settings with the values `Settings()` holds by default, and the rule options given."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    severity: dict[str, str] = field(default_factory=dict)
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    fail_on: str = "error"
    max_file_size: int = MAX_MAP_BYTES
    options: dict[str, object] = field(default_factory=dict)  # by key (`stale-days`); the rest keep their default

    def option_values(self) -> dict[str, object]:
        """Every rule option: as given, or at the default its rule declares."""
        return {key: self.options.get(key, option.default) for key, option in OPTIONS.items()}


class _Rejected(Exception):
    pass


def plain_settings(table: object) -> PlainSettings | None:
    """The settings in a config's table, or None when the settings model must judge them."""
    try:
        return _read(table)
    except _Rejected:
        return None


def _read(table: object) -> PlainSettings:
    if type(table) is not dict:
        raise _Rejected
    own: dict[str, Any] = {}
    options: dict[str, object] = {}
    for key, value in table.items():
        if key in ("select", "ignore"):
            own[key] = _texts(value)
        elif key == "severity":
            own[key] = {_text(k): _choice(v, SEVERITIES) for k, v in _table(value).items()}
        elif key == "per-file-ignores":
            globs = {_text(k): _texts(v) for k, v in _table(value).items()}
            if any(not glob.strip() for glob in globs):
                raise _Rejected  # the model says why
            own["per_file_ignores"] = globs
        elif key == "fail-on":
            own["fail_on"] = _choice(value, SEVERITIES)
        elif key == "max-file-size":
            own["max_file_size"] = _whole(value, 1, LARGEST_MAX_FILE_SIZE)
        elif key in OPTIONS and OPTIONS[key].kind is int:
            options[key] = _whole(value, OPTIONS[key].minimum, OPTIONS[key].maximum)
        else:  # unknown keys, and options of other kinds: the model's to judge
            raise _Rejected
    return PlainSettings(**own, options=options)


def _text(value: object) -> str:
    if type(value) is not str:
        raise _Rejected
    return value


def _texts(value: object) -> tuple[str, ...]:
    if type(value) is not list:
        raise _Rejected
    return tuple(_text(item) for item in value)


def _table(value: object) -> dict[Any, Any]:
    if type(value) is not dict:
        raise _Rejected
    return value


def _choice(value: object, choices: tuple[str, ...]) -> str:
    if type(value) is not str or value not in choices:
        raise _Rejected
    return value


def _whole(value: object, minimum: int | float | None, maximum: int | float | None) -> int:
    if type(value) is not int:
        raise _Rejected
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise _Rejected
    return value
