"""A project's lint settings (`cjmap.toml` or `[tool.cjmap]`): found, read and checked.

The settings model (`cjmap.lint.settings`) and the TOML reader are imported only when a config file is
read and not exactly as the model wants it; a project without one, or with a well-formed one, lints with
`PlainSettings`, the same values without pydantic.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cjmap.diagnostics import Location, MapError, structural
from cjmap.lint.plain_settings import PlainSettings, plain_settings
from cjmap.source.project import PROJECT_MARKERS
from cjmap.source.safeio import FileRefused, outside_project, read_limited, resolved

if TYPE_CHECKING:
    from cjmap.lint.settings import Settings


def _toml() -> Any:
    """The TOML reader, imported only when a config file is read."""
    if sys.version_info >= (3, 11):
        import tomllib

        return tomllib
    import tomli  # pragma: no cover - exercised on Python 3.10 only

    return tomli  # pragma: no cover - exercised on Python 3.10 only


@dataclass(frozen=True)
class Config:
    """Settings and the folder they apply from (per-file-ignores globs are relative to it)."""

    settings: Settings | PlainSettings
    folder: Path
    file: Path | None = None
    text: str = field(default="", repr=False, compare=False)  # to point errors found later at their line


MAX_CONFIG_BYTES = 1024 * 1024  # a pyproject.toml is a few KB; refuse a device or a giant before parsing it


def find_config(start: Path) -> Path | None:
    """The nearest `cjmap.toml`, or `pyproject.toml` with a `[tool.cjmap]` table, at or above `start`.

    One that cannot be read (a device, a pipe, too big, not UTF-8) is returned all the
    same, so that loading it says what is wrong instead of silently using another.
    """
    start = resolved(start)
    for folder in (start, *start.parents):
        cjmap_toml = folder / "cjmap.toml"
        if _there_and_no_folder(cjmap_toml):
            return cjmap_toml
        pyproject = folder / "pyproject.toml"
        if _there_and_no_folder(pyproject):
            try:
                text = read_limited(pyproject, MAX_CONFIG_BYTES).decode("utf-8")
            except (OSError, UnicodeDecodeError):
                return pyproject
            if re.search(r"^\[tool\.cjmap[\].]", text, re.MULTILINE):
                return pyproject
    return None


def _there_and_no_folder(path: Path) -> bool:
    """A config file's place holds something other than a folder; False when the system cannot look it up
    (a name too long for it: then nothing is there to read)."""
    return os.path.exists(path) and not os.path.isdir(path)


def load_config(path: Path, display: str | None = None, *, discovered: bool = False) -> Config:
    """Read and validate a config file; raise MapError (CJM007) with the key's line when wrong.

    A `discovered` config (found beside the maps, not named with --config) must lie inside
    its project: it may come from the pull request being linted.
    """
    shown = display if display is not None else str(path)
    toml = _toml()
    try:
        if discovered and outside_project(path, PROJECT_MARKERS) is not None:  # a committed link to a secret file
            raise FileRefused("it leads through a symbolic link to a file outside the project; refusing to read it")
        text = read_limited(path, MAX_CONFIG_BYTES).decode("utf-8")
        table: Any = toml.loads(text)
    except OSError as e:
        raise MapError([structural("CJM007", Location(shown), f"cannot read config: {e.strerror or e}")]) from None
    except UnicodeDecodeError:
        raise MapError([structural("CJM007", Location(shown), "config is not UTF-8 text")]) from None
    except toml.TOMLDecodeError as e:
        raise MapError(
            [
                structural(
                    "CJM007",
                    _toml_error_location(shown, text, str(e)),
                    f"invalid TOML: {re.sub(r' [(]at .*[)]$', '', str(e))}",
                )
            ]
        ) from None
    except RecursionError:  # tomllib recurses once per nested array or inline table
        raise MapError([structural("CJM007", Location(shown), "invalid TOML: values nested too deeply")]) from None
    if path.name == "pyproject.toml":
        for key in ("tool", "cjmap"):
            if not isinstance(table, dict):
                break
            if key in table and not isinstance(table[key], dict):
                where = Location(shown, _line_of(text, key), 1)
                kind = "an array" if isinstance(table[key], list) else "a single value"
                raise MapError(
                    [
                        structural(
                            "CJM007",
                            where,
                            f"'{'tool' if key == 'tool' else 'tool.cjmap'}' must be a table, not {kind}",
                        )
                    ]
                )
            table = table.get(key, {})
    plain = plain_settings(table)
    if plain is not None:
        return Config(plain, path.parent.resolve(), path.resolve(), text)
    from pydantic import ValidationError

    from cjmap.lint.settings import settings_model

    try:
        settings = settings_model().model_validate(table)
    except ValidationError as e:
        raise MapError([_config_error(shown, text, error) for error in e.errors(include_url=False)]) from None
    return Config(settings, path.parent.resolve(), path.resolve(), text)


def _toml_error_location(display: str, text: str, message: str) -> Location:
    """tomllib keeps the position only in its message: '(at line 2, column 5)' or '(at end of document)'."""
    match = re.search(r"at line (\d+), column (\d+)", message)
    if match:
        return Location(display, int(match[1]), int(match[2]))
    if "end of document" in message:
        return Location(display, text.count("\n") + (0 if text.endswith("\n") else 1) or 1, 1)
    return Location(display)


def _config_error(display: str, text: str, error: Any) -> Any:
    key = str(error["loc"][0]) if error["loc"] else ""
    where = Location(display, line_of_path(text, [str(part) for part in error["loc"]]), 1)
    if error["loc"] == ("per-file-ignores",) and error["type"] == "value_error":
        where = Location(display, line_of_value(text, "per-file-ignores", ""), 1)  # the empty glob itself
    if error["type"] == "extra_forbidden":
        import difflib

        from cjmap.lint.settings import settings_model

        close = difflib.get_close_matches(key, [n.replace("_", "-") for n in settings_model().model_fields], n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return structural("CJM007", where, f"unknown setting '{key}'{hint}")
    message = _WANTED.get(error["type"]) or str(error["msg"]).replace("Input should be", "should be")
    if error["type"] in _WANTED:
        message += f", not {_given(error.get('input'))}"
    message = message.removeprefix("Value error, ")
    return structural("CJM007", where, f"setting '{'.'.join(map(str, error['loc']))}': {message}")


# what a setting wants, in a config author's words rather than Python's ("a valid tuple")
_WANTED = {
    "int_type": "should be a whole number",
    "int_parsing": "should be a whole number",
    "int_from_float": "should be a whole number",
    "tuple_type": 'should be a list, like ["CJM1", "missing-emotion"]',
    "list_type": 'should be a list, like ["CJM1", "missing-emotion"]',
    "dict_type": 'should be a table, like [severity] with CJM101 = "info" under it',
    "string_type": "should be text in quotes",
}


def _given(value: object) -> str:
    """A TOML value as its author wrote it: `true`, `"180"` (a quoted number is text to TOML)."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:40] + "..."
        return (
            f'"{shown}" (text: write a number without quotes)' if shown.strip().lstrip("+-").isdigit() else f'"{shown}"'
        )
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return repr(value)


def _settings_start(text: str) -> int:
    """Where cjmap's settings begin: the `[tool.cjmap]` header of a pyproject.toml (other tools have a `select` too)."""
    match = re.search(r"^[ \t]*\[[ \t]*tool\.cjmap[ \t]*[\].]", text, re.MULTILINE)
    return match.start() if match else 0


def _key_at(text: str, key: str, start: int) -> re.Match[str] | None:
    """A key set at or after `start`: `key = ...`, `"key" = ...`, `key.sub = ...` or a `[...key]` table header."""
    name = rf'(?:"{re.escape(key)}"|\'{re.escape(key)}\'|{re.escape(key)})'
    pattern = re.compile(rf"^[ \t]*(?:{name}[ \t]*[=.]|\[[^\]\n]*(?<![\w-]){name}[ \t]*\])", re.MULTILINE)
    return pattern.search(text, start)


def line_of_path(text: str, path: list[str]) -> int:
    """The line of a nested setting (`severity`, then `CJM102`), each key looked for after its parent."""
    offset, found = _settings_start(text), None
    for key in path:
        match = _key_at(text, key, offset) if key else None
        if match is None:
            break
        offset, found = match.start(), match
    return text.count("\n", 0, found.start() + len(found[0]) - len(found[0].lstrip())) + 1 if found else 1


def line_of_value(text: str, setting: str, value: str) -> int:
    """The line of a selector written in a setting: a quoted string, or a key of a table such as `[severity]`."""
    start = _settings_start(text)
    key = _key_at(text, setting, start)
    quoted = re.compile(rf"([\"']){re.escape(value)}\1|^[ \t]*{re.escape(value)}[ \t]*=", re.MULTILINE)
    match = quoted.search(text, key.start() if key else start) or quoted.search(text)
    if match is None:
        return line_of_path(text, [setting])
    return text.count("\n", 0, match.start() + len(match[0]) - len(match[0].lstrip())) + 1


def _line_of(text: str, key: str) -> int:
    """The line where a key is set, found by its text: TOML parsers keep no positions."""
    match = re.search(rf'^[ \t]*"?{re.escape(key)}"?[ \t]*[=.]', text, re.MULTILINE) if key else None
    return text.count("\n", 0, match.start()) + 1 if match else 1
