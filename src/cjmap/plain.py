"""A well-formed map read without pydantic: most runs of `cjmap lint` never pay for importing it.

Importing pydantic and building the models costs more than everything else a lint does. Yet nearly every map
a team lints is already valid. `plain_map` accepts only data that is exactly what the model wants (text where
text goes, lists for lists, whole numbers in range, known keys) and returns plain objects with the model's
attributes and values. Anything else, even what pydantic would coerce (`name: 2024`, `share: "0.5"`, a
date written as text), returns None, and the caller hands the data to pydantic, which decides and words
the errors. So a message never differs between the two roads. tests/test_plain.py proves, over generated
maps, that whatever this accepts, pydantic accepts with the same values.

The tables below mirror `cjmap.model` field by field; that test fails when one changes without the other.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any, cast

from cjmap.vocabulary.fields import is_slug, safe_url

if TYPE_CHECKING:
    from cjmap.model import MapFile


class Rejected(Exception):
    """The data is not exactly what the model wants: pydantic is to judge it."""


class Plain:
    """A model's fields as attributes (frozen by convention: nothing downstream writes to them)."""

    def __init__(self, kind: str, fields: dict[str, Any]) -> None:
        self.__dict__.update(fields)
        self._kind = kind

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in vars(self).items() if k != "_kind")
        return f"{self._kind}({shown})"


Check = Callable[[Any], Any]
REQUIRED = object()


def plain_map(data: object) -> MapFile | None:
    """The map as plain objects with MapFile's attributes, or None when pydantic must judge it."""
    try:
        return cast("MapFile", _MAP_FILE(data))  # a Plain stands in for MapFile: the same attributes
    except Rejected:
        return None


# -- checks of single values: each returns the value as the model holds it, or raises Rejected


def text(value: Any) -> str:
    if not ref(value):
        raise Rejected
    return value


def ref(value: Any) -> str:
    """Any text pydantic-core can read: not a lone surrogate (which Python data, never YAML, may hold)."""
    if type(value) is not str or not (value.isascii() or _utf8(value)):
        raise Rejected
    return value


def _utf8(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def slug(value: Any) -> str:
    if type(value) is not str or not is_slug(value):
        raise Rejected
    return value


def number(value: Any) -> int | float:
    """A strict whole number or finite decimal, kept as given (never a bool, never text)."""
    if type(value) is int or (type(value) is float and math.isfinite(value)):
        return value
    raise Rejected


def share(value: Any) -> float:
    """A part from 0 to 1; pydantic's strict float takes a whole number and holds it as a float."""
    if (type(value) is float and math.isfinite(value)) or type(value) is int:
        if 0 <= value <= 1:
            return float(value)
    raise Rejected


def emotion_score(value: Any) -> int:
    if type(value) is int and -2 <= value <= 2:
        return value
    raise Rejected


def emotion(value: Any) -> int | dict[str, int]:
    if type(value) is dict:
        return {ref(k): emotion_score(v) for k, v in value.items()}
    return emotion_score(value)


def metric_note(value: Any) -> int | float | str:
    """A value on a touchpoint: a number for a defined metric, or a free note."""
    return ref(value) if type(value) is str else number(value)


def day(value: Any) -> date:
    if type(value) is not date:  # a datetime (a subclass) or text: pydantic decides
        raise Rejected
    return value


def link(value: Any) -> str:
    try:
        return safe_url(ref(value))
    except ValueError:
        raise Rejected from None


def one_of(*choices: object) -> Check:
    def check(value: Any) -> Any:
        if type(value) is not type(choices[0]) or value not in choices:
            raise Rejected
        return value

    return check


def optional(check: Check) -> Check:
    return lambda value: None if value is None else check(value)


def listed(check: Check) -> Check:
    """A YAML list, held as a tuple like the model's `tuple[...]` fields."""

    def each(value: Any) -> tuple[Any, ...]:
        if type(value) is not list:
            raise Rejected
        return tuple(check(item) for item in value)

    return each


def mapping(key: Check, value: Check) -> Check:
    def each(data: Any) -> dict[Any, Any]:
        if type(data) is not dict:
            raise Rejected
        return {key(k): value(v) for k, v in data.items()}

    return each


def either(first: Check, second: Check) -> Check:
    def check(value: Any) -> Any:
        try:
            return first(value)
        except Rejected:
            return second(value)

    return check


def model(kind: str, fields: dict[str, tuple[Check, Any]], *, identified: bool = False) -> Check:
    """A mapping with these keys (others refused, `x-*` dropped), defaults filled in as the model does."""
    if identified:
        fields = {"id": (optional(slug), None), "name": (optional(text), None), **fields}

    def check(data: Any) -> Plain:
        if type(data) is not dict:
            raise Rejected
        given: dict[str, Any] = {}
        for key, value in data.items():
            if type(key) is not str:
                raise Rejected
            if key.startswith("x-"):
                continue
            field = fields.get(key)
            if field is None:
                raise Rejected
            given[key] = field[0](value)
        for key, (_, default) in fields.items():
            if key not in given:
                if default is REQUIRED:
                    raise Rejected
                given[key] = dict(default) if type(default) is dict else default
        if identified and given["id"] is None and given["name"] is None:
            raise Rejected
        return Plain(kind, given)

    return check


# -- the format, as cjmap.model defines it

_NEXT_STEP = model(
    "NextStep",
    {"to": (ref, REQUIRED), "when": (optional(text), None), "share": (optional(share), None)},
)
_TARGET = model("Target", {"value": (number, REQUIRED), "better": (one_of("higher", "lower"), REQUIRED)})
_NAMES = (listed(text), ())
_REFS = (listed(ref), ())

_PERSONA = model(
    "Persona",
    {
        "role": (optional(text), None),
        "goals": _NAMES,
        "frustrations": _NAMES,
        "quote": (optional(text), None),
        "sources": _REFS,
        "starts": (optional(either(ref, listed(ref))), None),
        "stages": (optional(listed(ref)), None),
    },
    identified=True,
)
_TEAM = model("Team", {}, identified=True)
_CHANNEL = model("Channel", {}, identified=True)
_SOURCE = model(
    "Source",
    {"collected": (optional(day), None), "url": (optional(link), None)},
    identified=True,
)
_METRIC = model(
    "MetricDefinition",
    {
        "kind": (one_of("count", "rate", "score", "duration", "currency"), REQUIRED),
        "unit": (optional(text), None),
        "target": (optional(_TARGET), None),
        "owner": (optional(ref), None),
        "source": (optional(ref), None),
        "value": (optional(number), None),
    },
    identified=True,
)
_TOUCHPOINT = model(
    "Touchpoint",
    {
        "channel": (optional(ref), None),
        "owner": (optional(ref), None),
        "personas": (optional(listed(ref)), None),
        "doing": (optional(text), None),
        "thinking": (optional(text), None),
        "feeling": (optional(text), None),
        "emotion": (optional(emotion), None),
        "pain_points": _NAMES,
        "opportunities": _NAMES,
        "metrics": (mapping(ref, metric_note), {}),
        "sources": _REFS,
        "next": (optional(listed(lambda step: _NEXT_STEP({"to": step} if type(step) is str else step))), None),
        "exit": (optional(text), None),
    },
    identified=True,
)
_STAGE = model(
    "Stage",
    {
        "goal": (optional(text), None),
        "metrics": (mapping(ref, number), {}),
        "touchpoints": (listed(_TOUCHPOINT), ()),
    },
    identified=True,
)
_MAP_FILE = model(
    "MapFile",
    {
        "cjmap": (one_of(1), REQUIRED),
        "title": (optional(text), None),
        "summary": (optional(text), None),
        "scope": (optional(text), None),
        "state": (one_of("current", "future"), "current"),
        "flow": (one_of("sequence", "explicit"), "sequence"),
        "updated": (optional(day), None),
        "owner": (optional(text), None),
        "compares": (optional(text), None),
        "imports": _REFS,
        "personas": (listed(_PERSONA), ()),
        "teams": (listed(_TEAM), ()),
        "channels": (listed(_CHANNEL), ()),
        "sources": (listed(_SOURCE), ()),
        "metrics": (listed(_METRIC), ()),
        "data": _REFS,
        "stages": (listed(_STAGE), ()),
    },
)
