"""Check a source file against the model; turn pydantic errors into CJM002 lines.

Pydantic's messages are written for programmers ("Input should be a valid
integer"); a map author needs "emotion must be a whole number from -2 to 2,
got 5" at the line of the value. Each error's `loc` is walked through the
file's data to find the node it is about, and its position comes from the
positions the loader kept.
"""

from __future__ import annotations

import types
import typing
from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING, Any

from cjmap.diagnostics import Diagnostic, MapError, structural
from cjmap.plain import plain_map
from cjmap.source.limits import MAX_PERSONAS, MAX_TOUCHPOINTS
from cjmap.source.loader import PathKey, SourceFile

if TYPE_CHECKING:
    from pydantic import BaseModel, ValidationError
    from pydantic_core import ErrorDetails

    from cjmap.model import MapFile

SUPPORTED_VERSION = 1

_EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "finite_number": "a finite number",  # .nan or .inf where a value is measured or aimed at
    "bool_type": "true or false",
    "list_type": "a list",
    "tuple_type": "a list",
    "dict_type": "a mapping (key: value)",
    "model_type": "a mapping (key: value)",
    "model_attributes_type": "a mapping (key: value)",
    "date_type": "a date like 2026-09-14",
    "date_parsing": "a date like 2026-09-14",
    "date_from_datetime_parsing": "a date like 2026-09-14",
    "date_from_datetime_inexact": "a date like 2026-09-14",
}


def validate_source(source: SourceFile) -> MapFile:
    """The file's data as a pydantic MapFile (for library callers); raise MapError (CJM002/CJM006) if not one."""
    return _checked(source, plain=False)


def checked_map(source: SourceFile) -> MapFile:
    """As `validate_source`, but data already exactly valid comes back as plain stand-ins with MapFile's
    attributes (`cjmap.plain`), without importing pydantic: what cjmap's own commands read and resolve."""
    return _checked(source, plain=True)


def _checked(source: SourceFile, plain: bool) -> MapFile:
    data = source.data
    if data is None:
        raise MapError([structural("CJM006", source.locate(()), "file is empty; a map starts with 'cjmap: 1'")])
    _check_numbers(source, data)
    if not isinstance(data, dict):
        raise MapError(
            [
                structural(
                    "CJM002", source.locate(()), f"a map must be a mapping of keys at the top, not {describe(data)}"
                )
            ]
        )
    if "cjmap" not in data:
        raise MapError([structural("CJM006", source.locate(()), "missing 'cjmap: 1' at the top; is this a cjmap map?")])
    version = data["cjmap"]
    if version != SUPPORTED_VERSION or isinstance(version, bool):
        raise MapError(
            [
                structural(
                    "CJM006",
                    source.locate(("cjmap",)),
                    f"unsupported format version {version!r}; this cjmap reads version {SUPPORTED_VERSION}",
                )
            ]
        )
    _check_size(source, data)
    read = plain_map(data) if plain else None
    if read is not None:  # exactly what the model wants: pydantic need not even be imported
        return read
    from pydantic import ValidationError

    from cjmap.model import MapFile

    try:
        return MapFile.model_validate(data)
    except ValidationError as e:
        raise MapError(schema_diagnostics(source, e)) from None


def _check_size(source: SourceFile, data: dict) -> None:
    """Refuse absurdly large journeys before validating them: time and memory grow with every touchpoint."""
    personas = data.get("personas")
    if isinstance(personas, list) and len(personas) > MAX_PERSONAS:
        message = (
            f"{len(personas):,} personas, more than the {MAX_PERSONAS} cjmap handles in one file; "
            "a map is drawn for a few"
        )
        raise MapError([structural("CJM002", source.locate(("personas", MAX_PERSONAS)), message)])
    stages = data.get("stages")
    if not isinstance(stages, list):
        return
    count = sum(len(s["touchpoints"]) for s in stages if isinstance(s, dict) and isinstance(s.get("touchpoints"), list))
    if count > MAX_TOUCHPOINTS:
        message = (
            f"the map has {count:,} touchpoints, more than the {MAX_TOUCHPOINTS:,} cjmap handles; "
            "split it into several maps"
        )
        raise MapError([structural("CJM002", source.locate(("stages",)), message)])


MAX_DIGITS = 100  # a count, a rate or money never needs more; Python refuses to print past 4,300


def _check_numbers(source: SourceFile, data: object) -> None:
    """Refuse whole numbers too long to print: YAML reads `0xfff...` and `1:1:...:1` (base 60) as integers,
    which pass every check and then stop a render, since Python will not turn one of over 4,300 digits into text."""
    errors = []
    stack: list[tuple[PathKey, object]] = [((), data)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            stack.extend(((*path, k), v) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend(((*path, i), v) for i, v in enumerate(node))
        elif isinstance(node, int) and not isinstance(node, bool) and abs(node) >= 10**MAX_DIGITS:
            message = f"{_label(path)} is a number of more than {MAX_DIGITS} digits; quote it if it is text"
            errors.append(structural("CJM002", source.locate(path), message))
    if errors:
        raise MapError(errors)


def schema_diagnostics(source: SourceFile, error: ValidationError) -> list[Diagnostic]:
    """One diagnostic per offending node, however many union branches pydantic tried."""
    by_path: dict[PathKey, list[ErrorDetails]] = defaultdict(list)
    for item in error.errors(include_url=False):
        by_path[_data_path(source.data, item["loc"], item["type"])].append(item)
    result = []
    for path, items in by_path.items():
        key_error = items[0]["type"] in ("extra_forbidden", "missing")
        where = source.locate(path, key=items[0]["type"] == "extra_forbidden")
        if key_error and items[0]["type"] == "missing":
            where = source.locate(path[:-1])
        result.append(structural("CJM002", where, _message(path, items)))
    return result


def _data_path(data: object, loc: tuple[int | str, ...], kind: str) -> PathKey:
    """The part of a pydantic `loc` that names real nodes (union branch tags dropped)."""
    path: list[int | str] = []
    node = data
    for i, part in enumerate(loc):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        elif kind == "missing" and i == len(loc) - 1:
            pass  # the key that should be there and is not
        else:
            continue
        path.append(part)
    return tuple(path)


def _message(path: PathKey, items: list[ErrorDetails]) -> str:
    first = items[0]
    kind, value = first["type"], first.get("input")
    label = _label(path)
    if kind == "missing":
        return f"missing required key '{path[-1]}'"
    if kind == "extra_forbidden":
        return f"unknown key '{path[-1]}'{_did_you_mean(str(path[-1]), path[:-1])}"
    if kind in ("greater_than_equal", "less_than_equal") and "emotion" in path[-2:]:
        who = f" for '{path[-1]}'" if path[-1] != "emotion" else ""
        return f"emotion{who} must be a whole number from -2 (very negative) to 2 (very positive), got {value!r}"
    if path and path[-1] == "emotion" and {i["type"] for i in items} <= {"int_type", "dict_type", "int_from_float"}:
        return (
            "emotion must be a whole number from -2 (very negative) to 2 (very positive), "
            f"or one per persona like {{student: 1, retiree: -2}}; not {describe(value)}"
        )
    if kind == "string_pattern_mismatch":
        return (
            f"{label} '{value}' is not a valid id: "
            "use lowercase letters, digits, '-' and '_', starting with a letter or digit"
        )
    if kind == "literal_error":
        return f"{label} must be one of {first['ctx']['expected']}, got {value!r}"
    if kind == "string_too_short":
        return f"{label} must not be empty"
    if kind in ("value_error", "assertion_error"):
        return str(first["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than", "string_too_long"):
        return f"{label}: {first['msg'].replace('Input should', 'should').replace('String should', 'should')}"
    expected = [_EXPECTED[i["type"]] for i in items if i["type"] in _EXPECTED]
    if "a number" in expected or "a finite number" in expected:  # "a whole number or a number" says less
        expected = [e for e in expected if e != "a whole number"]
    if expected:
        wanted = " or ".join(dict.fromkeys(expected))
        return f"{label} must be {wanted}, not {describe(value)}"
    return f"{label}: {first['msg']}"


def _label(path: PathKey) -> str:
    """How a person would name the node: `'goals' item 2`, `'emotion'`."""
    if not path:
        return "the map"
    if isinstance(path[-1], int):
        parent = next((p for p in reversed(path) if isinstance(p, str)), "list")
        return f"'{parent}' item {path[-1] + 1}"
    return f"'{path[-1]}'"


def describe(value: object) -> str:
    """A YAML-minded name for a value's type, for 'must be X, not Y'."""
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, date):
        return f"the date {value.isoformat()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    text = str(value)
    return f"text '{text[:40]}{'...' if len(text) > 40 else ''}'"


def _did_you_mean(key: str, owner_path: PathKey) -> str:
    import difflib

    model = _model_at(owner_path)
    fields = list(model.model_fields) if model else []
    close = difflib.get_close_matches(key, fields, n=1, cutoff=0.6)
    if close:
        return f" (did you mean '{close[0]}'?)"
    if fields:
        return f"; expected one of: {', '.join(fields)} (your own keys start with 'x-')"
    return ""


def _model_at(path: PathKey) -> type[BaseModel] | None:
    """Which model class validates the mapping at `path`, following field types."""
    from cjmap.model import MapFile

    model: type[BaseModel] | None = MapFile
    for part in path:
        if model is None:
            return None
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        model = _inner_model(field.annotation) if field else None
    return model


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, tuple, list, typing.Annotated):
        for arg in typing.get_args(annotation):
            found = _inner_model(arg)
            if found:
                return found
    return None
