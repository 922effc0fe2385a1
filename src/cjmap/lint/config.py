"""A project's lint settings (`cjmap.toml` or `[tool.cjmap]`).

Settings are a frozen pydantic model like the map format, so a typo in the
config gets the same one-line treatment as a typo in a map. The model is
cjmap's own keys plus the options the rules declare (`stale-days`, ...), so a
rule's threshold is written once, on the rule.
"""

from __future__ import annotations

import difflib
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, field_validator

from cjmap.diagnostics import Location, MapError, structural
from cjmap.rules import OPTIONS
from cjmap.source.project import PROJECT_MARKERS
from cjmap.source.safeio import MAX_MAP_BYTES, FileRefused, outside_project, read_limited

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

SeverityName = Literal["error", "warning", "info"]


class Settings(BaseModel):
    """cjmap's own lint settings; keys are written kebab-case in TOML (`fail-on`, `per-file-ignores`).

    A config is validated by `settings_model()`, this plus every rule option; `option_values` reads those.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", alias_generator=lambda name: name.replace("_", "-"))

    select: tuple[str, ...] | None = Field(
        None, description="Rules to run: codes, prefixes (CJM2) or names. Default: all."
    )
    ignore: tuple[str, ...] = ()
    severity: dict[str, SeverityName] = Field(default_factory=dict, description="Per-rule severity, by code or name.")
    per_file_ignores: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    fail_on: SeverityName = "error"
    max_file_size: int = Field(
        MAX_MAP_BYTES, ge=1, le=100 * 1024 * 1024, description="Largest map file read, in bytes (at most 100 MB)."
    )

    @field_validator("per_file_ignores")
    @classmethod
    def _globs_match_something(cls, value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        if any(not glob.strip() for glob in value):
            raise ValueError("a glob must not be empty; write '*.cjmap.yaml' or a folder like 'legacy/**'")
        return value

    def option_values(self) -> dict[str, object]:
        """The rule options' values by key (`stale-days`): the fields `settings_model()` adds to these."""
        own = Settings.model_fields
        return {name.replace("_", "-"): getattr(self, name) for name in type(self).model_fields if name not in own}


_OWN_KEYS = frozenset(name.replace("_", "-") for name in Settings.model_fields)


@lru_cache(maxsize=1)
def settings_model() -> type[Settings]:
    """Settings plus one field per rule option, with the bounds and default the rule declares."""
    clashes = sorted(set(OPTIONS) & _OWN_KEYS)
    if clashes:
        raise ValueError(f"rule options {clashes} clash with cjmap's own settings")
    fields: dict[str, Any] = {
        o.attribute: (o.kind, Field(o.default, ge=o.minimum, le=o.maximum, description=o.doc)) for o in OPTIONS.values()
    }
    return create_model("Settings", __base__=Settings, **fields)


@dataclass(frozen=True)
class Config:
    """Settings and the folder they apply from (per-file-ignores globs are relative to it)."""

    settings: Settings
    folder: Path
    file: Path | None = None
    text: str = field(default="", repr=False, compare=False)  # to point errors found later at their line


MAX_CONFIG_BYTES = 1024 * 1024  # a pyproject.toml is a few KB; refuse a device or a giant before parsing it


def find_config(start: Path) -> Path | None:
    """The nearest `cjmap.toml`, or `pyproject.toml` with a `[tool.cjmap]` table, at or above `start`.

    One that cannot be read (a device, a pipe, too big, not UTF-8) is returned all the
    same, so that loading it says what is wrong instead of silently using another.
    """
    start = start.resolve()
    for folder in (start, *start.parents):
        cjmap_toml = folder / "cjmap.toml"
        if cjmap_toml.exists() and not cjmap_toml.is_dir():
            return cjmap_toml
        pyproject = folder / "pyproject.toml"
        if pyproject.exists() and not pyproject.is_dir():
            try:
                text = read_limited(pyproject, MAX_CONFIG_BYTES).decode("utf-8")
            except (OSError, UnicodeDecodeError):
                return pyproject
            if re.search(r"^\[tool\.cjmap[\].]", text, re.MULTILINE):
                return pyproject
    return None


def load_config(path: Path, display: str | None = None, *, discovered: bool = False) -> Config:
    """Read and validate a config file; raise MapError (CJM007) with the key's line when wrong.

    A `discovered` config (found beside the maps, not named with --config) must lie inside
    its project: it may come from the pull request being linted.
    """
    shown = display if display is not None else str(path)
    try:
        if discovered and outside_project(path, PROJECT_MARKERS) is not None:  # a committed link to a secret file
            raise FileRefused("it leads through a symbolic link to a file outside the project; refusing to read it")
        text = read_limited(path, MAX_CONFIG_BYTES).decode("utf-8")
        table: Any = tomllib.loads(text)
    except OSError as e:
        raise MapError([structural("CJM007", Location(shown), f"cannot read config: {e.strerror or e}")]) from None
    except UnicodeDecodeError:
        raise MapError([structural("CJM007", Location(shown), "config is not UTF-8 text")]) from None
    except tomllib.TOMLDecodeError as e:
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
        close = difflib.get_close_matches(key, [n.replace("_", "-") for n in settings_model().model_fields], n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return structural("CJM007", where, f"unknown setting '{key}'{hint}")
    message = str(error["msg"]).replace("Input should be", "should be").removeprefix("Value error, ")
    return structural("CJM007", where, f"setting '{'.'.join(map(str, error['loc']))}': {message}")


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
