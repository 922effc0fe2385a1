"""Where a project starts, and its lint settings (`cjmap.toml` or `[tool.cjmap]`).

Settings are a frozen pydantic model like the map format, so a typo in the
config gets the same one-line treatment as a typo in a map.
"""

from __future__ import annotations

import difflib
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cjmap.diagnostics import Location, MapError, structural

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

PROJECT_MARKERS = ("cjmap.toml", "pyproject.toml", ".git")
SeverityName = Literal["error", "warning", "info"]


def find_project_root(start: Path) -> Path:
    """The nearest folder at or above `start` holding a project marker, else `start`.

    Imports may not leave this folder, so a map cannot read files it was never
    meant to see; with no marker, the map's own folder is the safe bound.
    """
    start = start.resolve()
    for folder in (start, *start.parents):
        if any((folder / marker).exists() for marker in PROJECT_MARKERS):
            return folder
    return start


class Settings(BaseModel):
    """Lint settings; keys are written kebab-case in TOML (`fail-on`, `per-file-ignores`)."""

    model_config = ConfigDict(frozen=True, extra="forbid", alias_generator=lambda name: name.replace("_", "-"))

    select: tuple[str, ...] | None = Field(None, description="Rules to run: codes, prefixes (CJM2) or names. Default: all.")
    ignore: tuple[str, ...] = ()
    severity: dict[str, SeverityName] = Field(default_factory=dict, description="Per-rule severity, by code or name.")
    per_file_ignores: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    fail_on: SeverityName = "error"
    stale_days: int = Field(365, ge=1)
    low_emotion: int = Field(-1, ge=-2, le=2)
    max_file_size: int = Field(10 * 1024 * 1024, ge=1, description="Largest map file read, in bytes.")


@dataclass(frozen=True)
class Config:
    """Settings and the folder they apply from (per-file-ignores globs are relative to it)."""

    settings: Settings
    folder: Path
    file: Path | None = None


def find_config(start: Path) -> Path | None:
    """The nearest `cjmap.toml`, or `pyproject.toml` with a `[tool.cjmap]` table, at or above `start`."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / "cjmap.toml").is_file():
            return folder / "cjmap.toml"
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and re.search(r"^\[tool\.cjmap[\].]", _read(pyproject), re.MULTILINE):
            return pyproject
    return None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def load_config(path: Path, display: str | None = None) -> Config:
    """Read and validate a config file; raise MapError (CJM007) with the key's line when wrong."""
    shown = display if display is not None else str(path)
    try:
        text = path.read_text(encoding="utf-8")
        table: Any = tomllib.loads(text)
    except OSError as e:
        raise MapError([structural("CJM007", Location(shown), f"cannot read config: {e.strerror}")]) from None
    except UnicodeDecodeError:
        raise MapError([structural("CJM007", Location(shown), "config is not UTF-8 text")]) from None
    except tomllib.TOMLDecodeError as e:
        raise MapError([structural("CJM007", _toml_error_location(shown, text, str(e)), f"invalid TOML: {re.sub(r' [(]at .*[)]$', '', str(e))}")]) from None
    if path.name == "pyproject.toml":
        table = table.get("tool", {}).get("cjmap", {})
    try:
        settings = Settings.model_validate(table)
    except ValidationError as e:
        raise MapError([_config_error(shown, text, error) for error in e.errors(include_url=False)]) from None
    return Config(settings, path.parent.resolve(), path.resolve())


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
    where = Location(display, _line_of(text, key), 1)
    if error["type"] == "extra_forbidden":
        close = difflib.get_close_matches(key, [n.replace("_", "-") for n in Settings.model_fields], n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return structural("CJM007", where, f"unknown setting '{key}'{hint}")
    message = str(error["msg"]).replace("Input should be", "should be")
    return structural("CJM007", where, f"setting '{'.'.join(map(str, error['loc']))}': {message}")


def _line_of(text: str, key: str) -> int:
    """The line where a key is set, found by its text: TOML parsers keep no positions."""
    match = re.search(rf'^\s*"?{re.escape(key)}"?\s*[=.]', text, re.MULTILINE) if key else None
    return text.count("\n", 0, match.start()) + 1 if match else 1
