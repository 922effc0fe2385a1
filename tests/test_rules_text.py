"""CJM5xx text rules: a comment that cuts a value short is reported where it starts."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from cjmap.rules import RULES
from conftest import MINIMAL, lint_findings

HEAD = (
    "cjmap: 1\ntitle: T\nupdated: 2026-11-01\nteams: [{id: t}]\nchannels: [{id: c}]\nstages:\n  - name: S\n    "
    "touchpoints:\n      - name: A\n        channel: c\n        owner: t\n"
)
CUT = "is a comment, so the value is"
FIX = "quote the value if '#' is part of it, or write '# ' for a comment"


def test_a_sound_map_has_no_text_findings(project: Path) -> None:
    assert lint_findings(project, MINIMAL, ("CJM5",)) == []


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("doing: Types flat #4 into the form", [(12, 27, f"'#4 into the form' {CUT} 'Types flat'; {FIX}")]),
        ("doing: Pays in euro #", []),  # a '#' alone starts an empty comment: nothing was cut
        ("doing: Types flat  # a real comment", []),
        ("doing: Types flat#4 into the form", []),  # no space before '#': YAML keeps it in the value
        ('doing: "Types flat #4 into the form"', []),
        ("doing: 'Types flat' #note", []),  # a quoted value is whole whatever follows it
        ("doing: |\n          Types flat #4 into the form", []),
        ("pain_points:\n          - Paint colour #fff", [(13, 26, f"'#fff' {CUT} 'Paint colour'; {FIX}")]),
        ("doing: #4 into the form", [(12, 16, f"'#4 into the form' {CUT} empty; {FIX}")]),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_comment_cuts_text(project: Path, line: str, expected: list) -> None:
    found = lint_findings(project, HEAD + f"        {line}\n", ("CJM501",))
    assert [(ln, col, msg) for _, ln, col, msg in found] == expected


def test_the_rule_doc_examples_fail_and_pass_as_they_say(project: Path) -> None:
    doc = RULES["CJM501"].doc
    fails, passes = doc.split("Fails:", 1)[1].split("Passes:", 1)
    head = "cjmap: 1\ntitle: T\nstages:\n  - name: S\n    touchpoints:\n"
    for example, count in ((fails, 1), (passes, 0)):
        body = textwrap.indent(textwrap.dedent(example).strip(), "      ")
        assert len(lint_findings(project, head + body + "\n", ("CJM501",))) == count, example


def test_an_imported_file_is_read_too(project: Path) -> None:
    (project / "shared.cjmap.yaml").write_text("cjmap: 1\npersonas:\n  - name: Dana #1 buyer\n")
    text = MINIMAL.replace("title: Minimal", "title: Minimal\nimports: [shared.cjmap.yaml]")
    assert [(c, ln, col) for c, ln, col, _ in lint_findings(project, text, ("CJM501",))] == [("CJM501", 3, 16)]
