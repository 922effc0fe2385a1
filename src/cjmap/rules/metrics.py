"""CJM6xx metrics: the numbers a map rests on are readable, in range, on target, fresh and watched."""

from __future__ import annotations

import math
from collections.abc import Iterator

from cjmap.diagnostics import Severity
from cjmap.resolve import Journey
from cjmap.rules.evidence import STALE_DAYS, is_stale
from cjmap.rules.registry import Context, Finding, Option, rule

SHARE_SLACK = Option(
    "share-slack",
    int,
    5,
    "percentage points the shares leaving a touchpoint may fall short of 100 % without an exit",
    minimum=0,
    maximum=100,
)


@rule("CJM601", "bad-metric-data", Severity.ERROR)
def bad_metric_data(journey: Journey, context: Context) -> Iterator[Finding]:
    """A data file, or a row or cell in it, cannot be used.

    Values kept beside the map (`data: [data/checkout.csv]` or `cjmap render
    --data FILE`) are read row by row; each row that names an unknown metric
    or place, holds a value that is not a number or a date that is not a date,
    or repeats another, is reported at its file, line and column and left out;
    the rest is used. A missing, unreadable, oversized or out-of-project file,
    or one without the columns `metric,at,value,date`, is reported once. `at`
    names a touchpoint or a stage (`stage:ID` when both have the id), or `map`.

        metric,at,value,date,persona
        conversion,checkout,3.1,2026-10-01,
        conversion,checkout,2.4,2026-10-01,student

    Fails:

        data: [exports/never-exported.csv]

    Passes:

        data: []
    """
    for problem in journey.metrics.problems:
        yield Finding(problem.where, problem.message)
    for series in journey.metrics.series:  # a future row would be the current value until that day comes
        for point in series.points:
            if point.from_data and point.day is not None and point.day > context.today:
                yield Finding(
                    point.where,
                    f"{series.metric.name} {series.place.phrase} is dated in the future ({point.day_text}, "
                    f"after today {context.today.isoformat()}); fix the date of the row",
                )


@rule("CJM602", "metric-off-target", Severity.WARNING)
def metric_off_target(journey: Journey, context: Context) -> Iterator[Finding]:
    """A metric's current value misses its target.

    A target with a direction (`better: higher` or `lower`) says what good
    looks like; the newest value (from the map or its data files) is judged
    against it, at every touchpoint, stage and for the map, per persona too.
    Either act on it or revisit the target. A value its metric cannot take
    (a rate over 100 %, a negative duration) is reported by CJM604 or CJM608
    instead.

    Fails:

        metrics:
          - {id: conversion, name: Checkout conversion, kind: rate, target: {value: 3.5, better: higher}, value: 3.1}

    Passes:

        metrics:
          - {id: conversion, name: Checkout conversion, kind: rate, target: {value: 3.5, better: higher}, value: 3.6}
    """
    for series in journey.metrics.series:
        target = series.metric.target
        if target is None or series.on_target or not series.metric.in_range(series.current.value):
            continue
        metric = series.metric
        who = f" (persona '{series.persona}')" if series.persona else ""
        side = "below" if target.better == "higher" else "above"
        yield Finding(
            series.current.where,
            f"{metric.name} {series.place.phrase}{who} is {metric.format(series.current.value)}, "
            f"{side} its target {metric.format(target.value)} ({target.better} is better)",
        )


@rule("CJM603", "unbalanced-shares", Severity.WARNING, options=[SHARE_SLACK])
def unbalanced_shares(journey: Journey, context: Context) -> Iterator[Finding]:
    """The shares of the ways out of a touchpoint add up to more than 100 %, or leave some unaccounted.

    `share:` on a `next` step says what part of those who reach a touchpoint
    take that way. Together they cannot exceed 100 %. When every way out has
    a share and the touchpoint has no `exit:`, they should add up to 100 %:
    more than `share-slack` points short means customers vanish that the map
    does not show (add the missing branch, or an `exit:` for those who leave).

    Fails:

        stages:
          - name: Checkout
            touchpoints:
              - id: cart
                name: Reviews the cart
                next:
                  - {to: pay-card, when: pays by card, share: 0.7}
                  - {to: pay-invoice, when: pays by invoice, share: 0.4}
              - {id: pay-card, name: Pays by card}
              - {id: pay-invoice, name: Pays by invoice}

    Passes:

        stages:
          - name: Checkout
            touchpoints:
              - id: cart
                name: Reviews the cart
                exit: Leaves with the cart full
                next:
                  - {to: pay-card, when: pays by card, share: 0.5}
                  - {to: pay-invoice, when: pays by invoice, share: 0.2}
              - {id: pay-card, name: Pays by card}
              - {id: pay-invoice, name: Pays by invoice}
    """
    ways: dict[str, int] = {}
    for edge in journey.edges:
        if not edge.implicit:
            ways[edge.source] = ways.get(edge.source, 0) + 1
    slack = context[SHARE_SLACK] / 100
    by_id = {tp.id: tp for tp in journey.touchpoints}
    for source, count in ways.items():
        shares = journey.metrics.shares_from(source)
        if not shares:
            continue
        total = math.fsum(s.value for s in shares)
        where = shares[0].where
        if total > 1 + 1e-9:
            yield Finding(where, f"the shares leaving '{source}' add up to {_percent(total)}, more than 100 %")
        elif len(shares) == count and not by_id[source].exits and total < 1 - slack - 1e-9:
            yield Finding(
                where,
                f"the shares leaving '{source}' add up to {_percent(total)}: "
                f"{_percent(1 - total)} go nowhere the map shows; "
                "add the missing way out, or an 'exit:' for those who leave",
            )


@rule("CJM604", "rate-out-of-range", Severity.ERROR)
def rate_out_of_range(journey: Journey, context: Context) -> Iterator[Finding]:
    """A rate, or a rate's target, is outside 0-100 %.

    A metric of `kind: rate` is a percentage: 3.1 means 3.1 %. A value below
    0 or above 100 is a typo, or a fraction written as a count (write 3.1,
    not 0.031, and not 310). Such a value is not on target, whichever way
    the target points; CJM602 leaves it to this rule. (Counts, durations and
    scores with a known scale are judged the same way by CJM608.)

    Fails:

        metrics:
          - {id: conversion, name: Checkout conversion, kind: rate, unit: "%", value: 310}

    Passes:

        metrics:
          - {id: conversion, name: Checkout conversion, kind: rate, unit: "%", value: 3.1}
    """
    for definition in journey.metrics.definitions:
        if definition.kind == "rate" and definition.target is not None and not 0 <= definition.target.value <= 100:
            yield Finding(
                definition.where,
                f"the target of rate '{definition.id}' is {definition.target.value:g} %, outside 0-100 %",
            )
    for series in journey.metrics.series:
        if series.metric.kind != "rate":
            continue
        for point in series.points:
            if not 0 <= point.value <= 100:
                yield Finding(
                    point.where,
                    f"rate '{series.metric.id}' {series.place.phrase} is {point.value:g} %, outside 0-100 %",
                )


@rule("CJM608", "value-out-of-range", Severity.ERROR)
def value_out_of_range(journey: Journey, context: Context) -> Iterator[Finding]:
    """A count, a duration or a score, or its target, is a value the metric cannot take.

    A count or a duration below 0 (`-3` days), an NPS outside -100 to 100, a
    score above the N its unit names (`unit: of 5`, `out of 10`, `/10`) or
    below 0 is a typo or a sign slip. Such a value is not on target, even
    when it is below a `better: lower` target; CJM602 leaves it to this rule.
    Scores without a scale in their unit (an NPS is known by its id, name or
    unit), and currencies, are not judged. Rates are CJM604's.

    Fails:

        metrics:
          - {id: payout-time, name: Time to payout, kind: duration, unit: days, value: -3}

    Passes:

        metrics:
          - {id: payout-time, name: Time to payout, kind: duration, unit: days, value: 3}
    """
    for definition in journey.metrics.definitions:
        scale, target = definition.scale, definition.target
        if definition.kind != "rate" and scale is not None and target is not None and not scale.holds(target.value):
            yield Finding(
                definition.where,
                f"the target of {definition.kind} '{definition.id}' is {definition.format(target.value)}, "
                f"{scale.describe()}: {scale.why}",
            )
    for series in journey.metrics.series:
        metric, scale = series.metric, series.metric.scale
        if metric.kind == "rate" or scale is None:
            continue
        for point in series.points:
            if not scale.holds(point.value):
                yield Finding(
                    point.where,
                    f"{metric.kind} '{metric.id}' {series.place.phrase} is {metric.format(point.value)}, "
                    f"{scale.describe()}: {scale.why}",
                )


@rule("CJM605", "stale-metric-data", Severity.WARNING, options=[STALE_DAYS])
def stale_metric_data(journey: Journey, context: Context) -> Iterator[Finding]:
    """The newest value a data file gives for a metric at a place is older than `stale-days`.

    A value from last year's export describes last year's customers. Each
    metric at each place (and persona) is judged by its newest dated value
    from the data files; values written in the map are judged with the map
    (CJM401). Export fresh data, or drop the rows that stopped coming. (In
    the examples, the comment shows the lines of the data file.)

    Fails:

        metrics:
          - {id: nps, name: NPS, kind: score}
        data: [nps.csv]
        # nps.csv: metric,at,value,date | nps,map,31,2024-03-31

    Passes:

        metrics:
          - {id: nps, name: NPS, kind: score}
        data: [nps.csv]
        # nps.csv: metric,at,value,date | nps,map,34,2026-09-30
    """
    for series in journey.metrics.series:
        dated = [(p.day, p) for p in series.points if p.from_data and p.day is not None]
        if not dated:
            continue
        day, newest = max(dated, key=lambda day_and_point: day_and_point[0])
        if is_stale(day, context):
            who = f" (persona '{series.persona}')" if series.persona else ""
            age, limit = (context.today - day).days, context[STALE_DAYS]
            yield Finding(
                newest.where,
                f"the newest {series.metric.name} {series.place.phrase}{who} is from {newest.day_text}, "
                f"{age} days ago (limit {limit})",
            )


@rule("CJM606", "unwatched-pain-point", Severity.INFO)
def unwatched_pain_point(journey: Journey, context: Context) -> Iterator[Finding]:
    """A touchpoint has a pain point and no metric watching it.

    Once a map defines metrics, a pain point nobody measures is one nobody
    will see improve (or get worse). Give the touchpoint a value of a defined
    metric, in the map or in a data file. Maps without metric definitions are
    not judged.

    Fails:

        metrics:
          - {id: drop-off, name: Drop-off, kind: rate}
        stages:
          - name: Checkout
            touchpoints:
              - {name: Pays, pain_points: [The card form times out]}

    Passes:

        metrics:
          - {id: drop-off, name: Drop-off, kind: rate}
        stages:
          - name: Checkout
            touchpoints:
              - {name: Pays, pain_points: [The card form times out], metrics: {drop-off: 18}}
    """
    if not journey.metrics.definitions:
        return
    for tp in journey.touchpoints:
        if tp.pain_points and not journey.metrics.watched(tp.id):
            yield Finding(tp.at("pain_points"), f"touchpoint '{tp.id}' has pain points but no metric watches it")


@rule("CJM607", "unused-metric", Severity.INFO)
def unused_metric(journey: Journey, context: Context) -> Iterator[Finding]:
    """A metric defined in this map has no value anywhere.

    A definition without values draws an empty lane and judges nothing. Give
    it a value (on a touchpoint, a stage, the map, or in a data file) or
    remove it. Metrics defined in an imported file, or in a file without
    stages, are a shared library and are not judged.

    Fails:

        metrics:
          - {id: nps, name: NPS, kind: score}
        stages:
          - {name: Buy, touchpoints: [{name: Orders}]}

    Passes:

        metrics:
          - {id: nps, name: NPS, kind: score, value: 34}
        stages:
          - {name: Buy, touchpoints: [{name: Orders}]}
    """
    if not journey.stages:
        return  # a shared library of definitions is used by the maps importing it
    used = {s.metric.id for s in journey.metrics.series}
    for definition in journey.metrics.definitions:
        if definition.local and definition.id not in used:
            yield Finding(definition.where, f"metric '{definition.id}' is defined but has no value anywhere")


def _percent(fraction: float) -> str:
    return f"{round(fraction * 100, 1):g} %"
