"""Output formats of `cjmap lint`, registered in `LINT_FORMATS`: text, JSON, GitHub annotations,
SARIF 2.1.0, JUnit XML, and the statistics.

Each formatter only reads findings (and the rule registry for SARIF's rule metadata); none of them
decides what to report. `--format`'s choices and the README's table come from the registry: adding
a format is one function and one line there.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePath

from cjmap import __version__
from cjmap.diagnostics import (
    CODE_MEANINGS,
    STRUCTURAL_CODES,
    Diagnostic,
    Severity,
    code_meaning,
    escape_controls,
    format_line,
    json_text,
    printable,
    to_json,
)

HOME = "https://github.com/cjmap/cjmap"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def unique(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Sorted, each once: a shared file's finding is seen by every map that imports it."""
    seen = {(d.where, d.code, d.message): d for d in diagnostics}
    return sorted(seen.values(), key=lambda d: d.sort_key)


def _escape_data(text: str) -> str:
    return printable(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def to_github(diagnostics: Iterable[Diagnostic]) -> str:
    """GitHub Actions workflow commands: one annotation per finding, shown on the PR diff."""
    lines = []
    for d in diagnostics:
        w = d.where
        title = _escape_property(f"{d.code} {d.rule}")
        props = f"file={_escape_property(w.file)},line={w.line},col={w.column},title={title}"
        lines.append(f"::{_GITHUB_LEVEL[d.severity]} {props}::{_escape_data(d.message)}")
    return "".join(line + "\n" for line in lines)


def _rule_descriptors() -> list[dict[str, object]]:
    from cjmap.lint.policy import UNUSED_SUPPRESSION
    from cjmap.rules import RULES

    descriptors: list[dict[str, object]] = []
    for code, name in STRUCTURAL_CODES.items():
        descriptors.append(
            {
                "id": code,
                "name": name,
                "shortDescription": {"text": f"The map could not be loaded ({name})."},
                "fullDescription": {"text": f"The map could not be loaded: {CODE_MEANINGS[code]}."},
                "defaultConfiguration": {"level": "error"},
            }
        )
    for code in sorted(RULES):
        rule = RULES[code]
        descriptors.append(
            {
                "id": code,
                "name": rule.name,
                "shortDescription": {"text": rule.summary},
                "fullDescription": {"text": rule.doc},
                "help": {"text": rule.doc, "markdown": rule.doc},
                "helpUri": f"{HOME}#rules",
                "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
            }
        )
    code, name = UNUSED_SUPPRESSION
    descriptors.append(
        {
            "id": code,
            "name": name,
            "shortDescription": {"text": "A `# cjmap: ignore[...]` comment suppresses nothing, or names no rule."},
            "fullDescription": {"text": code_meaning(code)},
            "defaultConfiguration": {"level": "warning"},
        }
    )
    return descriptors


def to_sarif(diagnostics: Iterable[Diagnostic]) -> str:
    """SARIF 2.1.0, for GitHub code scanning and other SARIF viewers."""
    rules = _rule_descriptors()
    index = {r["id"]: i for i, r in enumerate(rules)}
    results = [
        {
            "ruleId": d.code,
            "ruleIndex": index[d.code],
            "level": _SARIF_LEVEL[d.severity],
            "message": {"text": d.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(d.where.file)},
                        "region": {"startLine": d.where.line, "startColumn": d.where.column},
                    }
                }
            ],
        }
        for d in diagnostics
    ]
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "cjmap", "version": __version__, "informationUri": HOME, "rules": rules}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json_text(log)


def _uri(file: str) -> str:
    """A file as a SARIF `uri` (a URI reference, RFC 3986): spaces, `#`, `%`, controls and non-ASCII
    percent-encoded from the file name's own bytes, so a viewer opens the file that was meant."""
    from urllib.parse import quote

    return quote(os.fsencode(PurePath(file).as_posix()), safe="/")


# XML 1.0 cannot hold C0 controls (but tab and line breaks), lone surrogates, U+FFFE or U+FFFF, not even as &#...;
_NOT_XML = re.compile("[\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub(lambda m: f"\\u{ord(m[0]):04x}", escape_controls(text))


def to_junit(results: Sequence[tuple[str, Sequence[Diagnostic]]], fail_on: Severity) -> str:
    """JUnit XML with one test case per map: it fails when a finding reaches `fail_on`."""
    import xml.etree.ElementTree as ET

    suite = ET.Element("testsuite", name="cjmap lint", tests=str(len(results)))
    failures = 0
    for file, diagnostics in results:
        case = ET.SubElement(suite, "testcase", classname="cjmap.lint", name=_xml_text(file))
        failing = [d for d in diagnostics if d.severity.rank >= fail_on.rank]
        if failing:
            failures += 1
            failure = ET.SubElement(
                case,
                "failure",
                type=failing[0].code,
                message=f"{len(failing)} finding{'s' if len(failing) != 1 else ''} at or above {fail_on.value}",
            )
            failure.text = "\n".join(_xml_text(format_line(d)) for d in failing)
        others = [d for d in diagnostics if d not in failing]
        if others:
            ET.SubElement(case, "system-out").text = "\n".join(_xml_text(format_line(d)) for d in others)
    suite.set("failures", str(failures))
    root = ET.Element("testsuites", name="cjmap", tests=str(len(results)), failures=str(failures))
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _counts(diagnostics: Iterable[Diagnostic]) -> list[tuple[tuple[str, str], int]]:
    counts = Counter((d.code, d.rule) for d in diagnostics)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def statistics(diagnostics: Iterable[Diagnostic]) -> str:
    """Counts per rule, most frequent first, like `ruff --statistics`."""
    rows = _counts(diagnostics)
    width = max((len(str(n)) for _, n in rows), default=1)
    return "".join(f"{n:>{width}}  {code}  {name}\n" for (code, name), n in rows)


def statistics_json(diagnostics: Iterable[Diagnostic]) -> str:
    """The same counts for tools: `{"statistics": [{"code", "rule", "count"}]}`, most frequent first."""
    return json_text(
        {"statistics": [{"code": code, "rule": name, "count": n} for (code, name), n in _counts(diagnostics)]}
    )


@dataclass(frozen=True)
class LintReport:
    """What a lint run found, as every format may need it."""

    diagnostics: Sequence[Diagnostic]  # each once, sorted (see `unique`)
    maps: Sequence[tuple[str, Sequence[Diagnostic]]]  # per map linted, in input order
    fail_on: Severity  # the lowest --fail-on among the maps' settings


def to_text(report: LintReport) -> str:
    """One `file:line:column: severity CODE message [rule]` line per finding."""
    return "".join(format_line(d) + "\n" for d in report.diagnostics)


@dataclass(frozen=True)
class LintFormat:
    name: str  # what --format takes
    summary: str  # one line for the README table
    write: Callable[[LintReport], str]
    statistics: Callable[[Sequence[Diagnostic]], str] | None = None  # --statistics in this format, if it has one
    for_people: bool = False  # coloured on a terminal, with a summary on standard error


LINT_FORMATS: dict[str, LintFormat] = {
    f.name: f
    for f in (
        LintFormat(
            "text",
            "people and editors: `file:line:column: severity CODE message [rule]`, coloured on a terminal",
            to_text,
            statistics,
            for_people=True,
        ),
        LintFormat(
            "json",
            'other tools: `{"diagnostics": [{"file", "line", "column", "severity", "code", "rule", "message"}]}`',
            lambda r: to_json(r.diagnostics),
            statistics_json,
        ),
        LintFormat(
            "github",
            "GitHub Actions annotations on the pull request:"
            " `::error file=…,line=…,col=…,title=CJM101 stage-without-touchpoints::…`",
            lambda r: to_github(r.diagnostics),
        ),
        LintFormat(
            "sarif",
            "SARIF 2.1.0 for GitHub code scanning and other viewers, with each rule's documentation as help text",
            lambda r: to_sarif(r.diagnostics),
        ),
        LintFormat(
            "junit",
            "CI test reports: one test case per map, failing when a finding reaches `--fail-on`",
            lambda r: to_junit(r.maps, r.fail_on),
        ),
    )
}


def lint_formats_markdown() -> str:
    """The README's table of lint formats, generated so it cannot drift from `LINT_FORMATS`."""
    rows = ["| `--format` | for |", "|---|---|"]
    rows += [f"| `{f.name}` | {f.summary} |" for f in LINT_FORMATS.values()]
    return "\n".join(rows) + "\n"
