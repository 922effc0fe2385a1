"""How many customers reach each stage and step, worked out from the branch shares the map gives.

Counts would need the same metric measured at every step, which maps rarely
have; shares are what a map states about its flow. So the funnel starts at
100 % at the journey's first touchpoint and follows the flow forward, in file
order: a step with shares passes each branch its part and the rest leaves there;
a step with one way on and no exit passes everyone on. Where the map does not
say (several ways on without shares, an exit without shares, a step reached
only from another persona's start), the reach is unknown (None) rather than
guessed. Steps back to an earlier touchpoint are not counted again.
"""

from __future__ import annotations

from dataclasses import dataclass

from cjmap.resolve import Journey, Stage, Touchpoint
from cjmap.vocabulary.shares import percent as written


@dataclass(frozen=True)
class Step:
    touchpoint: Touchpoint
    reach: float | None  # the part of those starting the journey who come here, 0..1; None: the map does not say
    leave: float | None  # the part of those starting who leave here


@dataclass(frozen=True)
class StageFunnel:
    stage: Stage
    reach: float | None  # those who enter the stage (from an earlier stage, or starting in it)
    steps: tuple[Step, ...]


def funnel(journey: Journey) -> tuple[StageFunnel, ...]:
    """The funnel per stage, in stage order; empty when the map gives no branch shares."""
    metrics = journey.metrics
    if not metrics.shares or not journey.touchpoints:
        return ()
    order = {tp.id: i for i, tp in enumerate(journey.touchpoints)}
    stage_of = {tp.id: tp.stage for tp in journey.touchpoints}
    outgoing: dict[str, list[str]] = {}
    for edge in journey.edges:
        if edge.target in order:
            outgoing.setdefault(edge.source, []).append(edge.target)
    first = journey.starts[0] if journey.starts else journey.touchpoints[0].id
    inflow: dict[str, float | None] = {first: 1.0}
    entering: dict[str, float | None] = {stage_of[first]: 1.0}
    unknown_start = set(journey.starts[1:]) - {first}
    reach: dict[str, float | None] = {}
    leave: dict[str, float | None] = {}

    def give(source: str, target: str, volume: float | None) -> None:
        had = inflow.get(target, 0.0)
        inflow[target] = None if volume is None or had is None else had + volume  # one unknown part: unknown
        if stage_of[target] != stage_of[source]:
            before = entering.get(stage_of[target], 0.0)
            entering[stage_of[target]] = None if volume is None or before is None else before + volume

    for start in unknown_start:
        entering[stage_of[start]] = None
    for tp in journey.touchpoints:
        here = None if tp.id in unknown_start else inflow.get(tp.id)  # not in inflow: nobody followed comes here
        reach[tp.id] = here
        targets = outgoing.get(tp.id, [])
        forward = [t for t in targets if order[t] > order[tp.id]]
        shares = {s.target: s.value for s in metrics.shares_from(tp.id)}
        if shares:
            for target in forward:
                give(tp.id, target, None if here is None or target not in shares else here * shares[target])
            rest = metrics.drop_off(tp.id)
            leave[tp.id] = None if here is None or rest is None else here * rest
        elif len(targets) == 1 and forward and not tp.exits:
            give(tp.id, forward[0], here)
            leave[tp.id] = None if here is None else 0.0
        else:  # several ways on, or an exit, without shares; or the journey's end, where they arrive
            for target in forward:
                give(tp.id, target, None)
            leave[tp.id] = None
    return tuple(
        StageFunnel(
            stage,
            entering.get(stage.id),
            tuple(Step(tp, reach[tp.id], leave[tp.id]) for tp in stage.touchpoints),
        )
        for stage in journey.stages
    )


def percent(part: float | None) -> str:
    """'55 %', '4.4 %', or '?' when the map does not say."""
    return "?" if part is None else written(part)
