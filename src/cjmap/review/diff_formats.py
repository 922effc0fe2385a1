"""A semantic diff as text for terminals, Markdown for pull-request comments, or JSON for tools."""

from __future__ import annotations

import re
from collections.abc import Sequence

from cjmap.diagnostics import escape_controls, json_text, one_line, printable
from cjmap.markdown_escape import md
from cjmap.review.diff import Change, MapDiff, grouped

ARROWS = {1: "\u25b2", -1: "\u25bc", 0: ""}


def _said(c: Change, clean) -> str:
    """`subject: detail`, or just the detail for changes to the map as a whole."""
    return clean(c.detail) if c.subject == "map" else f"{clean(c.subject)}: {clean(c.detail)}"


def _shown(text: str) -> str:
    """Map text on one terminal line: line breaks as \u21b5, controls escaped, very long text cut."""
    return printable(one_line(text))


def _heading(d: MapDiff) -> str:
    return (
        d.new_file if d.old_file == d.new_file or not d.old_file else f"{d.old_file} \u2192 {d.new_file or '(deleted)'}"
    )


def _was(before: str, after: str) -> str:
    """What a still-open finding said before, only where it differs: 'target 9.5 %' -> '9.5'."""
    old, new = before.split(" "), after.split(" ")
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    return " ".join(old[start : len(old) - end])


def _count(d: MapDiff) -> str:
    n = len(d.changes)
    counts = [(len(d.introduced), "introduced"), (len(d.fixed), "fixed"), (len(d.still), "still open, changed")]
    said = ", ".join(f"{n} {word}" for n, word in counts if n or word != "still open, changed")
    lint = f"; lint: {said}" if d.introduced or d.fixed or d.still else ""
    return f"{n} change{'s' if n != 1 else ''}{lint}"


def to_text(diffs: Sequence[MapDiff]) -> str:
    lines = []
    for d in diffs:
        lines.append(f"{_shown(_heading(d))}: {_count(d) if d.changed else 'no changes for the customer'}")
        for title, changes in grouped(d.changes):
            lines.append(f"  {title}")
            lines += [f"    {_said(c, _shown)} {ARROWS[c.direction]}".rstrip() for c in changes]
        if d.introduced or d.fixed or d.still:
            lines.append("  Lint")
            lines += [f"    + {f.code} {_shown(f.message)}" for f in d.introduced]
            lines += [f"    - {f.code} {_shown(f.message)} (fixed)" for f in d.fixed]
            lines += [
                f"    ~ {a.code} {_shown(a.message)} (still open; was {_shown(_was(b.message, a.message))})"
                for b, a in d.still
            ]
    return "\n".join(lines) + "\n" if lines else "no maps to compare\n"


def to_markdown(diffs: Sequence[MapDiff]) -> str:
    changed = [d for d in diffs if d.changed]
    if not changed:
        return "**cjmap diff**: no changes for the customer.\n"
    out = []
    for d in changed:
        out.append(
            f"### `{escape_controls(_heading(d)).replace('`', '')}`\n\n{_count(d)}\n"
        )  # a code span: no escapes needed but these
        for title, changes in grouped(d.changes):
            out.append(f"**{title}**\n")
            for c in changes:
                arrow = {1: " (better \u25b2)", -1: " (worse \u25bc)", 0: ""}[c.direction]
                detail = re.sub(r" \((better|worse)\)$", "", c.detail) if c.direction else c.detail
                out.append(
                    f"- {md(detail)}{arrow}" if c.subject == "map" else f"- **{md(c.subject)}**: {md(detail)}{arrow}"
                )
            out.append("")
        if d.introduced or d.fixed or d.still:
            out.append("**Lint**\n")
            out += [f"- introduced: `{f.code}` {md(f.message)}" for f in d.introduced]
            out += [f"- fixed: `{f.code}` {md(f.message)}" for f in d.fixed]
            out += [
                f"- still open: `{a.code}` {md(a.message)} (was {md(_was(b.message, a.message))})" for b, a in d.still
            ]
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def to_json(diffs: Sequence[MapDiff]) -> str:
    def finding(f):
        return {
            "code": f.code,
            "rule": f.rule,
            "severity": f.severity.value,
            "message": f.message,
            "file": f.where.file,
            "line": f.where.line,
        }

    data = {
        "maps": [
            {
                "old": d.old_file or None,
                "new": d.new_file or None,
                "changes": [
                    {"kind": c.kind, "subject": c.subject, "detail": c.detail, "direction": c.direction}
                    for c in d.changes
                ],
                "findings": {
                    "introduced": [finding(f) for f in d.introduced],
                    "fixed": [finding(f) for f in d.fixed],
                    "still": [{"before": finding(b), "after": finding(a)} for b, a in d.still],
                },
            }
            for d in diffs
        ]
    }
    return json_text(data)
