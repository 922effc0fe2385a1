"""CJM2xx flow rules: reachability, dead ends, branch fallbacks, inescapable loops."""

from __future__ import annotations

from pathlib import Path

import pytest

from cjmap.lint.pipeline import load_journey
from cjmap.resolve import Journey
from cjmap.rules.flow import strongly_connected
from conftest import MINIMAL, lint_findings, write

HEAD = (
    "cjmap: 1\ntitle: T\nupdated: 2026-11-01\nteams: [{id: t}]\nchannels: [{id: c}]\nstages:\n  - name: S\n    "
    "touchpoints:\n"
)
TP = "channel: c, owner: t, emotion: 0"


def flow(*touchpoints: str) -> str:
    return HEAD + "".join(f"      - {{{tp}, {TP}}}\n" for tp in touchpoints)


def test_a_sound_map_has_no_flow_findings(project: Path) -> None:
    assert lint_findings(project, MINIMAL, ("CJM2",)) == []


@pytest.mark.parametrize(
    ("touchpoints", "expected"),
    [
        (["id: a", "id: b"], []),
        (
            ["id: a, next: [c]", "id: b", "id: c"],
            [("CJM201", 10, 9, "touchpoint 'b' cannot be reached from the start of the journey")],
        ),
        (
            ["id: a, next: []", "id: b"],
            [("CJM201", 10, 9, "touchpoint 'b' cannot be reached from the start of the journey")],
        ),
        (["id: a, next: [{to: b, when: x}, {to: c, when: otherwise}]", "id: b, next: [d]", "id: c", "id: d"], []),
    ],
)
def test_unreachable_touchpoint(project: Path, touchpoints: list[str], expected: list) -> None:
    assert lint_findings(project, flow(*touchpoints), ("CJM201",)) == expected


@pytest.mark.parametrize(
    ("touchpoints", "expected"),
    [
        (["id: a", "id: b"], []),  # the last touchpoint is the journey's end
        (["id: a, next: [], exit: Too expensive", "id: b"], []),
        (["id: a, exit: Too expensive", "id: b"], []),
        (
            ["id: a, next: [{to: c, when: x}, {to: b, when: otherwise}]", "id: b, next: []", "id: c"],
            [("CJM202", 10, 23, "touchpoint 'b' ends the journey without an exit reason")],
        ),
    ],
)
def test_dead_end(project: Path, touchpoints: list[str], expected: list) -> None:
    assert lint_findings(project, flow(*touchpoints), ("CJM202",)) == expected


@pytest.mark.parametrize(
    ("next_", "expected"),
    [
        ("next: [b]", []),
        ("next: [{to: b, when: clicked the email}, {to: c, when: never opened it}]", []),
        ("next: [{to: b, when: books a test drive}, {to: c, when: leaves without booking}]", []),
        ("next: [{to: b, when: clicked}, {to: c, when: didn't click}]", []),
        ("next: [{to: b, when: clicked}, {to: c, when: 'otherwise: waits a week'}]", []),
        ("next: [{to: b, when: clicked}, {to: c, when: Else}]", []),
        ("next: [{to: b, when: clicked}, {to: c}]", []),
        ("next: [{to: b, when: clicked}], exit: Unsubscribes", []),
        (
            "next: [{to: b, when: clicked the email}]",
            [("CJM203", 9, 23, "touchpoint 'a' branches on conditions but has no 'otherwise' path or exit")],
        ),
        (
            "next: [{to: b, when: clicks through}, {to: c, when: books from the email}]",
            [("CJM203", 9, 23, "touchpoint 'a' branches on conditions but has no 'otherwise' path or exit")],
        ),
        (
            "next: [{to: b, when: knows the brand}]",
            [("CJM203", 9, 23, "touchpoint 'a' branches on conditions but has no 'otherwise' path or exit")],
        ),  # 'no' only as a word
    ],
)
def test_branch_without_fallback(project: Path, next_: str, expected: list) -> None:
    assert lint_findings(project, flow(f"id: a, {next_}", "id: b", "id: c"), ("CJM203",)) == expected


FINDING = [("CJM203", 9, 23, "touchpoint 'a' branches on conditions but has no 'otherwise' path or exit")]


@pytest.mark.parametrize(
    ("shares", "options", "expected"),
    [
        ((0.71, 0.29), {}, []),  # every customer takes one of the branches
        ((0.71, 0.24), {}, []),  # 95 %: within the default share-slack of 5 points
        ((0.71, 0.24), {"share-slack": 0}, FINDING),
        ((0.6, 0.3), {}, FINDING),  # 10 % go somewhere the map does not say
        ((0.71, None), {}, FINDING),  # a branch without a share: the shares say nothing of everyone
    ],
)
def test_branches_whose_shares_add_up_to_everyone_need_no_fallback(
    project: Path, shares: tuple, options: dict, expected: list
) -> None:
    first, second = (f", share: {share}" if share is not None else "" for share in shares)
    next_ = f"next: [{{to: b, when: clicked{first}}}, {{to: c, when: books{second}}}]"
    text = flow(f"id: a, {next_}", "id: b", "id: c")
    assert lint_findings(project, text, ("CJM203",), options=options) == expected


@pytest.mark.parametrize(
    ("touchpoints", "expected"),
    [
        (
            ["id: a, next: [b]", "id: b, next: [a]"],
            [("CJM204", 9, 9, "touchpoints 'a', 'b' form a loop that no path leaves")],
        ),
        (["id: a", "id: b, next: [b]"], [("CJM204", 10, 9, "touchpoints 'b' form a loop that no path leaves")]),
        (["id: a, next: [{to: b, when: x}, {to: c, when: otherwise}]", "id: b, next: [a]", "id: c"], []),
        (["id: a, next: [b]", "id: b, next: [a], exit: Gives up"], []),
        (["id: a", "id: b, next: [{to: a, when: again}, {to: c, when: otherwise}]", "id: c"], []),
    ],
)
def test_loop_without_exit(project: Path, touchpoints: list[str], expected: list) -> None:
    assert lint_findings(project, flow(*touchpoints), ("CJM204",)) == expected


def test_strongly_connected_handles_long_chains_without_recursion(project: Path) -> None:
    touchpoints = [f"id: t{i}" for i in range(3000)] + ["id: back, next: [t0]"]
    journey: Journey = load_journey(write(project, "m.cjmap.yaml", flow(*touchpoints)))
    components = strongly_connected(journey)
    assert sorted(len(c) for c in components) == [3001]
