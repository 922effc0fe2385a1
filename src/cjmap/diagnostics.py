"""Findings as small frozen values, and the formatters that only read them.

Every problem cjmap reports, from a YAML syntax error to a lint rule, is one
`Diagnostic`; loading stages raise `MapError` carrying the ones that stop a map
from loading, so the CLI can print them all and exit 2.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


class Severity(str, enum.Enum):
    """How bad a finding is; ordered so `--fail-on` can compare them."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@dataclass(frozen=True, order=True)
class Location:
    """A 1-based line and column in a file, as editors count them."""

    file: str
    line: int = 1
    column: int = 1


# Structural problems that stop a map from loading: code -> kebab-case name.
STRUCTURAL_CODES: dict[str, str] = {
    "CJM000": "unreadable-file",
    "CJM001": "yaml-syntax",
    "CJM002": "schema",
    "CJM003": "unknown-reference",
    "CJM004": "duplicate-id",
    "CJM005": "import",
    "CJM006": "version",
    "CJM007": "config",
}


@dataclass(frozen=True)
class Diagnostic:
    """One finding at one place in one file."""

    where: Location
    severity: Severity
    code: str
    message: str
    rule: str

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.where.file, self.where.line, self.where.column, self.code, self.message)


def structural(code: str, where: Location, message: str) -> Diagnostic:
    """An error that means the map could not be loaded (CJM0xx)."""
    return Diagnostic(where, Severity.ERROR, code, message, STRUCTURAL_CODES[code])


class MapError(Exception):
    """A map could not be loaded; carries every structural error found."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = tuple(sorted(diagnostics, key=lambda d: d.sort_key))
        super().__init__("\n".join(format_line(d) for d in self.diagnostics))


def format_line(d: Diagnostic) -> str:
    """`file:line:col: severity CODE message [rule-name]`, the one-line form."""
    w = d.where
    return f"{w.file}:{w.line}:{w.column}: {d.severity.value} {d.code} {d.message} [{d.rule}]"


def to_json(diagnostics: Iterable[Diagnostic]) -> str:
    """The stable machine form: `{"diagnostics": [...]}`, sorted, one document."""
    items = [
        {
            "file": d.where.file,
            "line": d.where.line,
            "column": d.where.column,
            "severity": d.severity.value,
            "code": d.code,
            "rule": d.rule,
            "message": d.message,
        }
        for d in sorted(diagnostics, key=lambda d: d.sort_key)
    ]
    return json.dumps({"diagnostics": items}, indent=2, ensure_ascii=False) + "\n"


def summary(diagnostics: Sequence[Diagnostic], files: int) -> str:
    """A closing line such as `2 errors, 1 warning in 3 files`."""
    counts = {s: sum(1 for d in diagnostics if d.severity is s) for s in Severity}
    parts = [
        f"{n} {s.value}{'' if n == 1 else 's'}"
        for s, n in sorted(counts.items(), key=lambda kv: -kv[0].rank)
        if n
    ]
    where = f"{files} file{'' if files == 1 else 's'}"
    return f"{', '.join(parts)} in {where}" if parts else f"no problems in {where}"
