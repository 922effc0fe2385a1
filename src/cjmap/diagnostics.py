"""Findings as small frozen values, and the formatters that only read them.

Every problem cjmap reports, from a YAML syntax error to a lint rule, is one
`Diagnostic`; loading stages raise `MapError` carrying the ones that stop a map
from loading, so the CLI can print them all and exit 2.
"""

from __future__ import annotations

import enum
import re
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

# What every code that is not a lint rule means, for `cjmap rule`, SARIF and README.md.
CODE_MEANINGS: dict[str, str] = {
    "CJM000": "the file is missing, a folder, or cannot be read",
    "CJM001": (
        "invalid YAML, or YAML cjmap refuses: custom or Python tags, duplicate keys or anchors, alias bombs, "
        "nesting deeper than 64, more than 400,000 values, files over 10 MB, bytes that are not UTF-8"
    ),
    "CJM002": (
        "a key or value does not fit the format (unknown key, wrong type, emotion outside −2..2, bad id, "
        "unsafe URL, missing title, more than 5,000 touchpoints, a whole number of more than 100 digits)"
    ),
    "CJM003": "a channel, owner, persona, source or `next` target that is not defined, with a suggestion",
    "CJM004": "an id defined twice",
    "CJM005": "an import that is missing, absolute, outside the project, not a map, part of a cycle, or defines stages",
    "CJM006": "`cjmap:` missing or not `1`, or an empty file",
    "CJM007": (
        "`cjmap.toml` or `[tool.cjmap]` is not valid TOML or has an unknown or wrong setting, "
        "or a selector naming no rule"
    ),
    "CJM010": (
        "`cjmap import mermaid`: the file holds no journey diagram (error), "
        "or a part of it could not be carried over as it was (warning)"
    ),
    "CJM901": (
        "a `# cjmap: ignore` comment silences nothing (only with `--report-unused-ignores`), "
        "or names something that is no rule (always; the rules it does name are still silenced)"
    ),
}
OTHER_CODES: dict[str, str] = {"CJM010": "mermaid-import", "CJM901": "unused-suppression"}


def code_meaning(code: str) -> str:
    """What a code that is not a lint rule means, as a sentence."""
    meaning = CODE_MEANINGS[code]
    return meaning[0].upper() + meaning[1:] + "."


def codes_markdown(codes: dict[str, str]) -> str:
    """A README table of codes that are not lint rules, from CODE_MEANINGS."""
    rows = ["| code | name | what it means |", "|---|---|---|"]
    rows += [f"| {code} | {name} | {CODE_MEANINGS[code]} |" for code, name in codes.items()]
    return "\n".join(rows) + "\n"


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


MAX_ERRORS = 100


class MapError(Exception):
    """A map could not be loaded; carries the structural errors found (at most MAX_ERRORS, then a note)."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        ordered = sorted(diagnostics, key=lambda d: d.sort_key)
        if len(ordered) > MAX_ERRORS:
            first_hidden = ordered[MAX_ERRORS]  # the note points where the unshown errors begin
            note = structural(
                first_hidden.code,
                first_hidden.where,
                f"stopped after {MAX_ERRORS} errors; the rest, from here on, are not shown",
            )
            ordered = [*ordered[:MAX_ERRORS], note]
        self.diagnostics = tuple(ordered)
        super().__init__("\n".join(format_line(d) for d in self.diagnostics))


# C0 and C1 controls (ESC starts ANSI and OSC sequences), line and paragraph separators, bidi
# embeddings, overrides and isolates, the marks LRM/RLM/ALM, and lone surrogates (a file name
# that is not UTF-8 reaches Python as surrogates, which no UTF-8 stream can write)
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
MAX_MESSAGE = 400


def _escape(character: str) -> str:
    code = ord(character)
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a non-UTF-8 file name, as os.fsdecode keeps it
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_controls(text: str) -> str:
    """Text safe for a terminal or a CI log, whole: control, line-break and bidi characters shown as escapes."""
    return _UNPRINTABLE.sub(lambda m: _escape(m[0]), text)


def one_line(text: str) -> str:
    """Map text on one line of a terminal: a trailing line break (as a folded `>` value ends) dropped,
    inner ones shown as ↵, every other control character escaped."""
    return escape_controls(re.sub(r"\r\n|\r|\n", " \u21b5 ", text.rstrip("\r\n")))


def printable(text: str) -> str:
    """Map text made safe for a terminal or a CI log: control, line-break and bidi
    characters shown as escapes (no ANSI injection), and very long text cut."""
    safe = escape_controls(text)
    return safe if len(safe) <= MAX_MESSAGE else safe[: MAX_MESSAGE - 1] + "\u2026"


def format_line(d: Diagnostic) -> str:
    """`file:line:col: severity CODE message [rule-name]`, the one-line form."""
    w = d.where
    return f"{printable(w.file)}:{w.line}:{w.column}: {d.severity.value} {d.code} {printable(d.message)} [{d.rule}]"


def json_text(data: object) -> str:
    """JSON that is valid UTF-8 whatever it holds: a file name that is not UTF-8 reaches Python as lone
    surrogates, which are written as `\\udce9` escapes (JSON allows them) rather than as broken bytes."""
    import json  # only for --format json and sarif: ~2 ms a run otherwise

    text = json.dumps(data, indent=2, ensure_ascii=False)
    return re.sub("[\ud800-\udfff]", lambda m: f"\\u{ord(m[0]):04x}", text) + "\n"


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
    return json_text({"diagnostics": items})


def summary(diagnostics: Sequence[Diagnostic], files: int) -> str:
    """A closing line such as `2 errors, 1 warning in 3 files`."""
    counts = {s: sum(1 for d in diagnostics if d.severity is s) for s in Severity}
    parts = [
        f"{n} {s.value}{'' if n == 1 else 's'}" for s, n in sorted(counts.items(), key=lambda kv: -kv[0].rank) if n
    ]
    where = f"{files} file{'' if files == 1 else 's'}"
    return f"{', '.join(parts)} in {where}" if parts else f"no problems in {where}"
