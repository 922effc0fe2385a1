"""CJM3xx insight: where the customer suffers, the map says why and what to do."""

from __future__ import annotations

from collections.abc import Iterator

from cjmap.diagnostics import Severity
from cjmap.resolve import Journey
from cjmap.rules.registry import Context, Finding, Option, rule

LOW_EMOTION = Option(
    "low-emotion", int, -1, "the score at or below which a touchpoint must say why", minimum=-2, maximum=2
)


@rule("CJM301", "unaddressed-low-emotion", Severity.WARNING, options=[LOW_EMOTION])
def unaddressed_low_emotion(journey: Journey, context: Context) -> Iterator[Finding]:
    """A touchpoint scores low on emotion and names no pain point or opportunity.

    A low point on the emotion curve is the most valuable thing a map shows,
    and useless without the reason: say what hurts (`pain_points`) or what
    could be done (`opportunities`). The threshold is the `low-emotion`
    option. With a score per persona, the lowest one counts.

    Fails:

        - {name: Gets a finance quote, emotion: -2}

    Passes:

        - name: Gets a finance quote
          emotion: -2
          pain_points: [Extras added by default]
          opportunities: [Extras opt-in, price as shown online]
    """
    for tp in journey.touchpoints:
        lowest = min(tp.scores, default=None)  # with a score per persona, the unhappiest one counts
        if lowest is not None and lowest <= context[LOW_EMOTION] and not (tp.pain_points or tp.opportunities):
            yield Finding(
                tp.at("emotion"), f"touchpoint '{tp.id}' scores {lowest} but names no pain point or opportunity"
            )


@rule("CJM302", "pain-point-without-opportunity", Severity.INFO)
def pain_point_without_opportunity(journey: Journey, context: Context) -> Iterator[Finding]:
    """Pain points with no opportunity in the touchpoint or its stage.

    Finding the pain is half the work; a map earns its keep when each pain
    has a plan. Add an opportunity to the touchpoint or to another touchpoint
    of the same stage.

    Fails:

        - {name: Waits for delivery, pain_points: [No tracking link]}

    Passes:

        - name: Waits for delivery
          pain_points: [No tracking link]
          opportunities: [Send a tracking link with the confirmation]
    """
    for stage in journey.stages:
        if any(tp.opportunities for tp in stage.touchpoints):
            continue
        for tp in stage.touchpoints:
            if tp.pain_points:
                yield Finding(
                    tp.at("pain_points"),
                    f"touchpoint '{tp.id}' has pain points but its stage '{stage.id}' names no opportunity",
                )


@rule("CJM303", "missing-emotion", Severity.INFO)
def missing_emotion(journey: Journey, context: Context) -> Iterator[Finding]:
    """A touchpoint has no emotion score.

    The emotion curve is what people remember of a journey map. Score each
    touchpoint from -2 (very negative) to +2 (very positive), from what
    customers said, not what the team hopes.

    Fails:

        - {name: Test drive}

    Passes:

        - {name: Test drive, emotion: 2}
    """
    for tp in journey.touchpoints:
        if tp.emotion is None:
            yield Finding(tp.where, f"touchpoint '{tp.id}' has no emotion score")
