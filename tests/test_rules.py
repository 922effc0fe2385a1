"""Lint rules as tables: a small map, and the findings expected with line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from cjmap.diagnostics import Severity
from cjmap.pipeline import check
from cjmap.rules import RULES

from conftest import write

HEAD = "cjmap: 1\ntitle: T\n"


def findings(project: Path, text: str, code: str) -> list[tuple[int, int, str]]:
    result = check(write(project, "m.cjmap.yaml", HEAD + text), "m.cjmap.yaml")
    assert result.loaded, result.diagnostics
    return [(d.where.line, d.where.column, d.message) for d in result.diagnostics if d.code == code]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("stages:\n  - name: Awareness\n    touchpoints: [{name: Ad}]\n", []),
        (
            "stages:\n  - name: Awareness\n    touchpoints: [{name: Ad}]\n  - name: Retention\n",
            [(6, 5, "stage 'retention' has no touchpoints")],
        ),
        (
            "stages:\n  - {id: retention, name: Keeping customers, touchpoints: []}\n  - name: Advocacy\n    touchpoints: [{name: Refers}]\n",
            [(4, 5, "stage 'retention' has no touchpoints")],
        ),
        (
            "stages:\n  - name: A\n  - name: B\n",
            [(4, 5, "stage 'a' has no touchpoints"), (5, 5, "stage 'b' has no touchpoints")],
        ),
        ("teams: [{id: sales}]\n", []),  # a shared definitions file has no stages to check
    ],
)
def test_stage_without_touchpoints(project: Path, text: str, expected: list[tuple[int, int, str]]) -> None:
    assert findings(project, text, "CJM101") == expected


def test_rule_identity_and_documentation() -> None:
    rule = RULES["CJM101"]
    assert (rule.name, rule.severity) == ("stage-without-touchpoints", Severity.ERROR)
    assert rule.summary == "A stage has no touchpoint."
    assert "Fails:" in rule.doc and "Passes:" in rule.doc


def test_every_rule_has_a_documented_identity() -> None:
    for code, rule in RULES.items():
        assert code == rule.code
        assert rule.summary and "Fails:" in rule.doc and "Passes:" in rule.doc, code
