"""CJM1xx coverage rules: table of (map, expected findings with line and column)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cjmap.diagnostics import Severity
from cjmap.rules import RULES
from conftest import MINIMAL, lint_findings

HEAD = "cjmap: 1\ntitle: T\nupdated: 2026-11-01\nteams: [{id: sales}]\nchannels: [{id: web}]\n"
TP = "channel: web, owner: sales, emotion: 1"


def test_a_sound_map_has_no_coverage_findings(project: Path) -> None:
    assert lint_findings(project, MINIMAL, ("CJM1",)) == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (f"stages:\n  - name: Awareness\n    touchpoints: [{{name: Ad, {TP}}}]\n", []),
        (
            f"stages:\n  - name: Awareness\n    touchpoints: [{{name: Ad, {TP}}}]\n  - name: Retention\n",
            [("CJM101", 9, 5, "stage 'retention' has no touchpoints")],
        ),
        (
            "stages:\n  - {id: retention, name: Keeping customers, touchpoints: []}\n  - name: Advocacy\n    "
            f"touchpoints: [{{name: Refers, {TP}}}]\n",
            [("CJM101", 7, 5, "stage 'retention' has no touchpoints")],
        ),
        (
            "stages:\n  - name: A\n  - name: B\n",
            [("CJM101", 7, 5, "stage 'a' has no touchpoints"), ("CJM101", 8, 5, "stage 'b' has no touchpoints")],
        ),
    ],
)
def test_stage_without_touchpoints(project: Path, body: str, expected: list) -> None:
    assert lint_findings(project, HEAD + body, ("CJM101",)) == expected


PERSONAS = (
    "personas: [{id: sam, name: Sam, sources: [s]}, {id: lee, name: Lee, sources: [s]}]\nsources: [{id: s, name: S}]\n"
)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (f"stages:\n  - name: Buy\n    touchpoints: [{{name: Pays, {TP}}}]\n", []),  # no limit: every persona is there
        (
            f"stages:\n  - name: Buy\n    touchpoints:\n      - {{name: Online, personas: [sam], {TP}}}\n      - "
            f"{{name: Till, personas: [lee], {TP}}}\n",
            [],
        ),
        (
            f"stages:\n  - name: Buy\n    touchpoints:\n      - {{name: Online, personas: [sam], {TP}}}\n",
            [("CJM102", 9, 5, "persona 'lee' has no touchpoint in stage 'buy'")],
        ),
        ("stages:\n  - name: Buy\n", []),  # an empty stage is CJM101's finding, not this one
    ],
)
def test_persona_missing_from_stage(project: Path, body: str, expected: list) -> None:
    assert lint_findings(project, HEAD + PERSONAS + body, ("CJM102",)) == expected


@pytest.mark.parametrize(
    ("touchpoint", "expected"),
    [
        (f"{{name: Ad, {TP}}}", []),
        ("{name: Ad, channel: web, emotion: 1}", [("CJM103", 9, 9, "touchpoint 'ad' has no owner")]),
        ("{name: Ad, owner: sales, emotion: 1}", [("CJM104", 9, 9, "touchpoint 'ad' has no channel")]),
        (
            "{name: Ad, emotion: 1}",
            [("CJM103", 9, 9, "touchpoint 'ad' has no owner"), ("CJM104", 9, 9, "touchpoint 'ad' has no channel")],
        ),
    ],
)
def test_touchpoint_without_owner_or_channel(project: Path, touchpoint: str, expected: list) -> None:
    body = f"stages:\n  - name: S\n    touchpoints:\n      - {touchpoint}\n"
    assert lint_findings(project, HEAD + body, ("CJM103", "CJM104")) == expected


def test_unused_definitions_in_the_map_itself(project: Path) -> None:
    text = (
        "cjmap: 1\ntitle: T\nupdated: 2026-11-01\nteams: [{id: sales}, {id: legal}]\nchannels: [{id: web}, {id: fax}]\n"
        f"sources: [{{id: s, name: S}}]\nstages:\n  - {{name: S, touchpoints: [{{name: A, {TP}}}]}}\n"
    )
    assert lint_findings(project, text, ("CJM105",)) == [
        ("CJM105", 4, 22, "team 'legal' is defined but never used"),
        ("CJM105", 5, 23, "channel 'fax' is defined but never used"),
        ("CJM105", 6, 11, "source 's' is defined but never used"),
    ]


def test_unused_definitions_are_not_reported_for_imports_or_shared_files(project: Path) -> None:
    from conftest import write

    write(project, "shared.cjmap.yaml", "cjmap: 1\nteams: [{id: sales}, {id: legal}]\nchannels: [{id: web}]\n")
    text = (
        "cjmap: 1\ntitle: T\nupdated: 2026-11-01\nimports: [shared.cjmap.yaml]\nstages:\n  - {name: S, "
        f"touchpoints: [{{name: A, {TP}}}]}}\n"
    )
    assert lint_findings(project, text, ("CJM105",)) == []
    shared = (project / "shared.cjmap.yaml").read_text()
    assert lint_findings(project, shared, ("CJM1",)) == []


def test_coverage_rule_identities() -> None:
    assert [(c, RULES[c].name, RULES[c].severity) for c in sorted(RULES) if c.startswith("CJM1")] == [
        ("CJM101", "stage-without-touchpoints", Severity.ERROR),
        ("CJM102", "persona-missing-from-stage", Severity.WARNING),
        ("CJM103", "touchpoint-without-owner", Severity.WARNING),
        ("CJM104", "touchpoint-without-channel", Severity.WARNING),
        ("CJM105", "unused-definition", Severity.INFO),
    ]
