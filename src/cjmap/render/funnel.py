"""How many customers reach each stage and step, worked out from the branch shares the map gives.

Counts would need the same metric measured at every step, which maps rarely
have; shares are what a map states about its flow. So the funnel starts at
100 % at a start and follows the flow forward, in file order: a step with
shares passes each branch its part and the rest leaves there; a step with one
way on and no exit passes everyone on. Where the map does not say (several
ways on without shares, an exit without shares, a second start), the reach is
unknown (None) rather than guessed. Steps back to an earlier touchpoint are not
counted again.

When personas enter at their own starts, one funnel from the journey's first
touchpoint says nothing about the others (every step after a second start
would be unknown), so each persona gets its own funnel along its own path.
Whatever makes the numbers not add up (a step back, a branch skipping a stage,
steps of one stage reached from each other) is said in the funnel's notes.
"""

from __future__ import annotations

from dataclasses import dataclass

from cjmap.resolve import Journey, Persona, Stage, Touchpoint
from cjmap.vocabulary.shares import percent as written


@dataclass(frozen=True)
class Step:
    touchpoint: Touchpoint
    reach: float | None  # the part of those starting the journey who come here, 0..1; None: the map does not say
    leave: float | None  # the part of those starting who leave here
    rest: float | None = None  # the part of those who reach this step who leave here (what the diagram's exit says)


@dataclass(frozen=True)
class StageFunnel:
    stage: Stage
    reach: float | None  # those who enter the stage (from an earlier stage, or starting in it)
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Funnel:
    """One funnel: everyone's from the journey's first touchpoint, or one persona's along its own path."""

    persona: Persona | None
    stages: tuple[StageFunnel, ...]
    notes: tuple[str, ...]  # why its numbers do not add up to 100 % or rise, when they do


def funnels(journey: Journey) -> tuple[Funnel, ...]:
    """Everyone's funnel, or one per persona when personas enter at their own starts; empty without shares."""
    if not journey.metrics.shares or not journey.touchpoints:
        return ()
    if journey.personas and len(journey.starts) > 1:
        return tuple(_follow(journey, persona) for persona in journey.personas)
    return (_follow(journey, None),)


def funnel(journey: Journey, persona: Persona | None = None) -> tuple[StageFunnel, ...]:
    """The funnel per stage, in stage order (everyone's, or one persona's); empty when the map gives no shares."""
    if not journey.metrics.shares or not journey.touchpoints:
        return ()
    return _follow(journey, persona).stages


def _follow(journey: Journey, persona: Persona | None) -> Funnel:
    metrics = journey.metrics
    touchpoints = journey.touchpoints
    if persona is not None:
        on_path = set(journey.path_of(persona.id))
        touchpoints = tuple(tp for tp in touchpoints if tp.id in on_path)
        starts = [s for s in persona.starts if s in on_path]
    else:
        starts = list(journey.starts) or [touchpoints[0].id]
    order = {tp.id: i for i, tp in enumerate(journey.touchpoints)}
    names = {tp.id: tp.name for tp in journey.touchpoints}
    followed = {tp.id for tp in touchpoints}
    stage_of = {tp.id: tp.stage for tp in journey.touchpoints}
    stage_rank = {stage.id: i for i, stage in enumerate(journey.stages)}
    outgoing: dict[str, list[str]] = {}
    for edge in journey.edges:
        if edge.target in followed:
            outgoing.setdefault(edge.source, []).append(edge.target)
    inflow: dict[str, float | None] = {}
    entering: dict[str, float | None] = {}
    reach: dict[str, float | None] = {}
    leave: dict[str, float | None] = {}
    back: list[str] = []
    skips: list[str] = []
    within = False
    unknown = False
    if starts:
        inflow[starts[0]] = 1.0
        entering[stage_of[starts[0]]] = 1.0
    unknown_start = set(starts[1:]) - set(starts[:1])

    def give(source: str, target: str, volume: float | None) -> None:
        nonlocal within
        had = inflow.get(target, 0.0)
        inflow[target] = None if volume is None or had is None else had + volume  # one unknown part: unknown
        if stage_of[target] == stage_of[source]:
            within = within or bool(volume)
            return
        before = entering.get(stage_of[target], 0.0)
        entering[stage_of[target]] = None if volume is None or before is None else before + volume
        if stage_rank[stage_of[target]] > stage_rank[stage_of[source]] + 1 and volume != 0:
            skips.append(f"{names[source]} \u2192 {names[target]}")

    for start in unknown_start:
        entering[stage_of[start]] = None
    for tp in touchpoints:
        here = None if tp.id in unknown_start else inflow.get(tp.id)  # not in inflow: nobody followed comes here
        reach[tp.id] = here
        unknown = unknown or here is None
        targets = outgoing.get(tp.id, [])
        forward = [t for t in targets if order[t] > order[tp.id]]
        back += [f"{tp.name} \u2192 {names[t]}" for t in targets if order[t] <= order[tp.id] and here != 0]
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
    stages = tuple(
        StageFunnel(
            stage,
            entering.get(stage.id, 0.0 if persona is not None else None),
            tuple(
                Step(tp, reach[tp.id], leave[tp.id], metrics.drop_off(tp.id))
                for tp in stage.touchpoints
                if tp.id in followed
            ),
        )
        for stage in journey.stages
    )
    return Funnel(persona, stages, _notes(back, skips, within, unknown))


def _notes(back: list[str], skips: list[str], within: bool, unknown: bool) -> tuple[str, ...]:
    """Why the numbers do not add up, said only when it happens, with the steps that cause it."""
    notes = []
    if back:
        notes.append(
            f"Steps back to an earlier card ({_some(back)}) are not counted again: "
            "those customers count once, where they first came."
        )
    if skips:
        notes.append(
            f"A branch skips a stage ({_some(skips)}): a later stage can have more customers than the one before it."
        )
    if within:
        notes.append(
            "Steps of one stage lead to each other: those customers count at each, so the steps add up to more."
        )
    if unknown:
        notes.append("? reach: the map gives no share for some way into that step, so cjmap does not guess.")
    return tuple(notes)


def _some(steps: list[str]) -> str:
    """The first two steps, and how many more."""
    shown = "; ".join(steps[:2])
    return shown + (f"; {len(steps) - 2} more" if len(steps) > 2 else "")


def percent(part: float | None) -> str:
    """'55 %', '4.4 %', or '?' when the map does not say."""
    return "?" if part is None else written(part)


def leave_text(step: Step) -> str | None:
    """'7.4 % of all leave here (12 % of those here)': both parts, since the diagram's exit says the second."""
    if not step.leave:
        return None
    text = f"{percent(step.leave)} of all leave here"
    if step.rest is None or percent(step.rest) == percent(step.leave):  # everyone is here: one number says it
        return text
    return f"{text} ({percent(step.rest)} of those here)"
