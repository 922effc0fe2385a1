"""CJM3xx insight rules: low points explained, pains planned for, emotions scored."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import MINIMAL, lint_findings

HEAD = (
    "cjmap: 1\ntitle: T\nupdated: 2026-11-01\nteams: [{id: t}]\nchannels: [{id: c}]\nstages:\n  - name: S\n    "
    "touchpoints:\n"
)
TP = "channel: c, owner: t"


def stage(*touchpoints: str) -> str:
    return HEAD + "".join(f"      - {{{tp}, {TP}}}\n" for tp in touchpoints)


def test_a_sound_map_has_no_insight_findings(project: Path) -> None:
    assert lint_findings(project, MINIMAL, ("CJM3",)) == []


@pytest.mark.parametrize(
    ("touchpoint", "expected"),
    [
        ("name: Quote, emotion: -2, pain_points: [Extras added]", []),
        ("name: Quote, emotion: -1, opportunities: [Price as online]", []),
        ("name: Quote, emotion: 0", []),
        (
            "name: Quote, emotion: -2",
            [("CJM301", 9, 32, "touchpoint 'quote' scores -2 but names no pain point or opportunity")],
        ),
        (
            "name: Quote, emotion: -1",
            [("CJM301", 9, 32, "touchpoint 'quote' scores -1 but names no pain point or opportunity")],
        ),
    ],
)
def test_unaddressed_low_emotion(project: Path, touchpoint: str, expected: list) -> None:
    assert lint_findings(project, stage(touchpoint), ("CJM301",)) == expected


def test_low_emotion_threshold_is_configurable(project: Path) -> None:
    from datetime import date

    from cjmap.lint.pipeline import check
    from cjmap.lint.policy import PolicyFinder
    from cjmap.rules import Context
    from conftest import write

    path = write(project, "m.cjmap.yaml", stage("name: Quote, emotion: -1"))
    write(project, "cjmap.toml", "low-emotion = -2\n")
    policy = PolicyFinder().for_path(path)
    result = check(path, policy=policy, context=policy.context(date(2026, 11, 24)))
    assert [d.code for d in result.diagnostics] == []
    assert [d.code for d in check(path, context=Context(today=date(2026, 11, 24))).diagnostics] == [
        "CJM301"
    ]  # default -1


@pytest.mark.parametrize(
    ("touchpoints", "expected"),
    [
        (["name: A, emotion: 0, pain_points: [Slow], opportunities: [Faster]"], []),
        (
            ["name: A, emotion: 0, pain_points: [Slow]", "name: B, emotion: 0, opportunities: [Faster]"],
            [],
        ),  # the stage has a plan
        (
            ["name: A, emotion: 0, pain_points: [Slow]"],
            [("CJM302", 9, 44, "touchpoint 'a' has pain points but its stage 's' names no opportunity")],
        ),
    ],
)
def test_pain_point_without_opportunity(project: Path, touchpoints: list[str], expected: list) -> None:
    assert lint_findings(project, stage(*touchpoints), ("CJM302",)) == expected


@pytest.mark.parametrize(
    ("touchpoint", "expected"),
    [("name: A, emotion: 0", []), ("name: A", [("CJM303", 9, 9, "touchpoint 'a' has no emotion score")])],
)
def test_missing_emotion(project: Path, touchpoint: str, expected: list) -> None:
    assert lint_findings(project, stage(touchpoint), ("CJM303",)) == expected
