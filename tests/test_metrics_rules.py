"""CJM6xx metric rules, as tables of maps (and data files) and the findings they get."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import lint_findings, write

HEAD = """\
cjmap: 1
title: T
updated: 2026-11-01
personas: [{id: mia, name: Mia}]
metrics:
  - {id: conversion, name: Checkout conversion, kind: rate, target: {value: 3.5, better: higher}}
  - {id: wait, name: Time to deliver, kind: duration, unit: days, target: {value: 3, better: lower}}
"""


def stages(checkout: str = "", cart: str = "next: [{to: checkout, when: goes on}]\n        exit: Leaves") -> str:
    return f"""\
stages:
  - name: Buy
    touchpoints:
      - id: cart
        name: Cart
        {cart}
      - id: checkout
        name: Checkout
        {checkout or "metrics: {conversion: 3.6, wait: 2}"}
"""


@pytest.mark.parametrize(
    ("checkout", "expected"),
    [
        ("metrics: {conversion: 3.6, wait: 3}", []),  # exactly at a `lower` target is on it
        (
            "metrics: {conversion: 3.4, wait: 2}",
            [
                (
                    "CJM602",
                    17,
                    31,
                    "Checkout conversion at touchpoint 'checkout' is 3.4 %, below its target 3.5 % (higher is better)",
                )
            ],
        ),
        (
            "metrics: {conversion: 3.6, wait: 4.5}",
            [
                (
                    "CJM602",
                    17,
                    42,
                    "Time to deliver at touchpoint 'checkout' is 4.5 days, above its target 3 days (lower is better)",
                )
            ],
        ),
    ],
)
def test_metric_off_target(project: Path, checkout: str, expected: list) -> None:
    assert lint_findings(project, HEAD + stages(checkout), ("CJM602",)) == expected


def test_off_target_is_judged_on_the_newest_value_per_persona(project: Path) -> None:
    write(
        project,
        "d.csv",
        "metric,at,value,date,persona\nconversion,map,2.9,2026-09-30,\nconversion,map,3.6,2026-10-31,\nconversion,map,2.1,2026-10-31,mia\n",
    )
    found = lint_findings(project, HEAD + "data: [d.csv]\n" + stages(), ("CJM602",))
    assert found == [
        (
            "CJM602",
            4,
            16,
            "Checkout conversion for the map (persona 'mia') is 2.1 %, below its target 3.5 % (higher is better)",
        )
    ]


@pytest.mark.parametrize(
    ("cart", "expected"),
    [
        ("next: [{to: checkout, when: goes on, share: 0.6}]\n        exit: Leaves", []),
        ("next: [{to: checkout, when: goes on, share: 0.97}]", []),  # within share-slack of 100 %
        (
            "next: [{to: checkout, when: goes on, share: 0.6}]",
            [
                (
                    "CJM603",
                    13,
                    53,
                    "the shares leaving 'cart' add up to 60 %: 40 % go nowhere the map shows; add the missing way "
                    "out, or an 'exit:' for those who leave",
                )
            ],
        ),
        (
            "next: [{to: checkout, when: a, share: 0.6}, {to: checkout, when: b}]",
            [],
        ),  # the rest goes the way without a share
        (
            "next: [{to: checkout, when: a, share: 0.6}, {to: checkout, when: b, share: 0.5}]\n        exit: Leaves",
            [("CJM603", 13, 47, "the shares leaving 'cart' add up to 110 %, more than 100 %")],
        ),
    ],
)
def test_unbalanced_shares(project: Path, cart: str, expected: list) -> None:
    assert lint_findings(project, HEAD + stages(cart=cart), ("CJM603",)) == expected


def test_share_slack_is_an_option(project: Path) -> None:
    write(project, "cjmap.toml", "share-slack = 50\n")
    from datetime import date

    from cjmap.lint.pipeline import check
    from cjmap.lint.policy import PolicyFinder
    from cjmap.rules import Context

    path = write(project, "m.cjmap.yaml", HEAD + stages(cart="next: [{to: checkout, when: goes on, share: 0.6}]"))
    policy = PolicyFinder().for_path(path)
    found = check(path, "m.cjmap.yaml", policy, policy.context(date(2026, 11, 24))).diagnostics
    assert policy.options["share-slack"] == 50 and [d for d in found if d.code == "CJM603"] == []
    default = check(path, "m.cjmap.yaml", context=Context(today=date(2026, 11, 24))).diagnostics
    assert [d.code for d in default if d.code == "CJM603"] == ["CJM603"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (HEAD + stages("metrics: {conversion: 0, wait: 2}"), []),
        (HEAD + stages("metrics: {conversion: 100, wait: 2}"), []),
        (
            HEAD + stages("metrics: {conversion: 310, wait: 2}"),
            [("CJM604", 17, 31, "rate 'conversion' at touchpoint 'checkout' is 310 %, outside 0-100 %")],
        ),
        (
            HEAD + stages("metrics: {conversion: -1, wait: 2}"),
            [("CJM604", 17, 31, "rate 'conversion' at touchpoint 'checkout' is -1 %, outside 0-100 %")],
        ),
        (
            HEAD.replace("value: 3.5", "value: 350") + stages(),
            [("CJM604", 6, 5, "the target of rate 'conversion' is 350 %, outside 0-100 %")],
        ),
    ],
)
def test_rate_out_of_range(project: Path, text: str, expected: list) -> None:
    assert lint_findings(project, text, ("CJM604",)) == expected


SCORES = """\
  - {id: nps, name: Net Promoter Score, kind: score, unit: points}
  - {id: csat, name: Satisfaction, kind: score, unit: of 5}
  - {id: effort, name: Effort, kind: score}
  - {id: calls, name: Calls, kind: count}
  - {id: refund, name: Refunds, kind: currency, unit: EUR}
"""


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ("wait: 0, nps: -100, csat: 5, effort: -7, calls: 0, refund: -20", []),  # an unknown scale is not judged
        (
            "wait: -3",
            [
                (
                    "CJM608",
                    22,
                    25,
                    "duration 'wait' at touchpoint 'checkout' is -3 days, below 0: a duration cannot be negative",
                )
            ],
        ),
        (
            "calls: -1",
            [("CJM608", 22, 26, "count 'calls' at touchpoint 'checkout' is -1, below 0: a count cannot be negative")],
        ),
        (
            "nps: 120",
            [
                (
                    "CJM608",
                    22,
                    24,
                    "score 'nps' at touchpoint 'checkout' is 120 points, outside -100 to 100: "
                    "an NPS is the % of promoters less the % of detractors",
                )
            ],
        ),
        (
            "csat: 6",
            [
                (
                    "CJM608",
                    22,
                    25,
                    "score 'csat' at touchpoint 'checkout' is 6 of 5, outside 0 to 5: "
                    "its unit 'of 5' makes 5 the top of the scale",
                )
            ],
        ),
    ],
)
def test_value_out_of_range(project: Path, values: str, expected: list) -> None:
    text = HEAD + SCORES + stages(f"metrics: {{{values}}}")
    assert lint_findings(project, text, ("CJM604", "CJM608")) == expected


def test_a_target_out_of_range(project: Path) -> None:
    text = HEAD.replace("value: 3, better: lower", "value: -1, better: lower") + stages()
    assert lint_findings(project, text, ("CJM608",)) == [
        ("CJM608", 7, 5, "the target of duration 'wait' is -1 days, below 0: a duration cannot be negative")
    ]


@pytest.mark.parametrize("values", ["conversion: 3.6, wait: -3", "conversion: 310, wait: 2"])
def test_a_value_out_of_range_is_not_on_target_nor_judged_against_it(project: Path, values: str) -> None:
    """-3 days is below a `lower` target of 3 and 310 % above a `higher` one of 3.5; neither is on target."""
    from cjmap.lint.pipeline import check

    result = check(write(project, "m.cjmap.yaml", HEAD + stages(f"metrics: {{{values}}}")), "m.cjmap.yaml")
    assert result.journey is not None
    assert [s.on_target for s in result.journey.metrics.at_touchpoint("checkout")].count(False) == 1
    assert [d.code for d in result.diagnostics if d.code in ("CJM602", "CJM604", "CJM608")] in (["CJM608"], ["CJM604"])


def test_stale_metric_data(project: Path) -> None:
    write(
        project,
        "d.csv",
        "metric,at,value,date\nconversion,map,3.6,2025-10-31\nwait,checkout,2,2025-11-24\nwait,map,2,2024-01-01\nwait,map,2,2025-12-01\n",
    )
    found = lint_findings(project, HEAD + "data: [d.csv]\n" + stages(), ("CJM605",))
    assert found == [
        ("CJM605", 2, 16, "the newest Checkout conversion for the map is from 2025-10-31, 389 days ago (limit 365)")
    ]


def test_values_written_in_the_map_are_not_stale_data(project: Path) -> None:
    assert lint_findings(project, HEAD.replace("2026-11-01", "2020-01-01") + stages(), ("CJM605",)) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (HEAD + stages("pain_points: [Slow]\n        metrics: {conversion: 3.6, wait: 2}"), []),
        (
            HEAD + stages("pain_points: [Slow]"),
            [("CJM606", 17, 22, "touchpoint 'checkout' has pain points but no metric watches it")],
        ),
        (
            HEAD.split("metrics:")[0] + stages("pain_points: [Slow]"),
            [],
        ),  # a map without metric definitions is not judged
    ],
)
def test_unwatched_pain_point(project: Path, text: str, expected: list) -> None:
    assert lint_findings(project, text, ("CJM606",)) == expected


def test_a_pain_point_watched_from_a_data_file(project: Path) -> None:
    write(project, "d.csv", "metric,at,value,date\nwait,checkout,2,2026-10-31\n")
    text = HEAD + "data: [d.csv]\n" + stages("pain_points: [Slow]")
    assert lint_findings(project, text, ("CJM606",)) == []


def test_unused_metric(project: Path) -> None:
    found = lint_findings(project, HEAD + stages("metrics: {conversion: 3.6}"), ("CJM607",))
    assert found == [("CJM607", 7, 5, "metric 'wait' is defined but has no value anywhere")]
    write(project, "lib.cjmap.yaml", "cjmap: 1\nmetrics: [{id: nps, name: NPS, kind: score}]\n")
    text = HEAD.replace("personas:", "imports: [lib.cjmap.yaml]\npersonas:") + stages()
    assert lint_findings(project, text, ("CJM607",)) == []  # an imported library is not judged


def test_bad_data_rows_are_errors_at_their_cells(project: Path) -> None:
    write(project, "d.csv", "metric,at,value,date\nconversion,checkout,abc,2026-10-31\n")
    found = lint_findings(project, HEAD + "data: [d.csv, gone.csv]\n" + stages(), ("CJM601",))
    assert found == [
        ("CJM601", 2, 21, "value 'abc' is not a number"),
        ("CJM601", 8, 15, "data file 'gone.csv' not found"),
    ]


@pytest.mark.parametrize(
    ("shares", "fires"),
    [
        ("0.6, 0.4", False),  # exactly everyone
        ("0.6, 0.405", True),  # half a point more than everyone is already too many
        ("0.6, 0.35", False),  # 95 %: exactly share-slack (5 points) short
        ("0.6, 0.34", True),  # 94 %: one point past it
    ],
)
def test_unbalanced_shares_at_their_boundaries(project: Path, shares: str, fires: bool) -> None:
    """The edges of CJM603: over 100 % by any amount, or short by more than share-slack points."""
    first, second = shares.split(", ")
    cart = f"next: [{{to: checkout, when: a, share: {first}}}, {{to: checkout, when: b, share: {second}}}]"
    assert bool(lint_findings(project, HEAD + stages(cart=cart), ("CJM603",))) is fires
