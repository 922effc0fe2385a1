"""CJM1xx coverage: every stage, persona and team has its place in the journey."""

from __future__ import annotations

from collections.abc import Iterator

from cjmap.diagnostics import Severity
from cjmap.resolve import Journey
from cjmap.rules.registry import Context, Finding, rule


@rule("CJM101", "stage-without-touchpoints", Severity.ERROR)
def stage_without_touchpoints(journey: Journey, context: Context) -> Iterator[Finding]:
    """A stage has no touchpoint.

    A stage with nothing in it is a hole in the journey: either the customer
    meets the brand there and the map does not say how, or the stage does not
    belong on the map. Add the touchpoints, or remove the stage.

    Fails:

        stages:
          - name: Retention

    Passes:

        stages:
          - name: Retention
            touchpoints:
              - {name: Service reminder email, channel: email, owner: support}
    """
    for stage in journey.stages:
        if not stage.touchpoints:
            yield Finding(stage.where, f"stage '{stage.id}' has no touchpoints")


@rule("CJM102", "persona-missing-from-stage", Severity.WARNING)
def persona_missing_from_stage(journey: Journey, context: Context) -> Iterator[Finding]:
    """A persona has no touchpoint in a stage.

    When touchpoints are limited to some personas (`personas: [...]`), a
    persona can vanish from a stage: the map no longer says what that customer
    does there. Give the persona a touchpoint in the stage, or widen an
    existing one. Stages with no touchpoints at all are CJM101's business.
    A persona with `stages: [...]` is judged only in those stages: a finance
    approver who appears only at renewal is no finding elsewhere.

    Fails:

        personas: [{id: sam, name: Sam}, {id: lee, name: Lee}]
        stages:
          - name: Purchase
            touchpoints:
              - {name: Checks out online, personas: [sam]}

    Passes:

        personas: [{id: sam, name: Sam}, {id: lee, name: Lee}]
        stages:
          - name: Purchase
            touchpoints:
              - {name: Checks out online, personas: [sam]}
              - {name: Pays at the till, personas: [lee]}
    """
    for stage in journey.stages:
        if not stage.touchpoints:
            continue
        for persona in journey.personas:
            if persona.stages is not None and stage.id not in persona.stages:
                continue
            if not any(tp.taken_by(persona.id) for tp in stage.touchpoints):
                yield Finding(stage.where, f"persona '{persona.id}' has no touchpoint in stage '{stage.id}'")


@rule("CJM103", "touchpoint-without-owner", Severity.WARNING)
def touchpoint_without_owner(journey: Journey, context: Context) -> Iterator[Finding]:
    """No team owns a touchpoint.

    A touchpoint nobody owns is one nobody improves: name the team
    responsible for it with `owner`, so no department is left behind and
    silos show on the map.

    Fails:

        touchpoints:
          - {name: Gets a delivery update, channel: email}

    Passes:

        touchpoints:
          - {name: Gets a delivery update, channel: email, owner: logistics}
    """
    for tp in journey.touchpoints:
        if tp.owner is None:
            yield Finding(tp.where, f"touchpoint '{tp.id}' has no owner")


@rule("CJM104", "touchpoint-without-channel", Severity.WARNING)
def touchpoint_without_channel(journey: Journey, context: Context) -> Iterator[Finding]:
    """A touchpoint has no channel.

    Without a channel the map cannot show where the customer meets the brand,
    nor a step served well in one channel and missing in another. Say where it
    happens with `channel`.

    Fails:

        touchpoints:
          - {name: Asks about financing, owner: sales}

    Passes:

        touchpoints:
          - {name: Asks about financing, owner: sales, channel: phone}
    """
    for tp in journey.touchpoints:
        if tp.channel is None:
            yield Finding(tp.where, f"touchpoint '{tp.id}' has no channel")


@rule("CJM105", "unused-definition", Severity.INFO)
def unused_definition(journey: Journey, context: Context) -> Iterator[Finding]:
    """A team, channel or source defined in this map is never used.

    Definitions nobody refers to are often leftovers of a rename, or a sign
    that a touchpoint forgot its owner or channel. Only the map's own
    definitions are checked: a shared file imported by many maps may define
    more than one map uses, and so may a file without stages.

    Fails:

        channels: [{id: web, name: Website}, {id: fax, name: Fax}]
        stages:
          - {name: Buy, touchpoints: [{name: Orders, channel: web}]}

    Passes:

        channels: [{id: web, name: Website}]
        stages:
          - {name: Buy, touchpoints: [{name: Orders, channel: web}]}
    """
    if not journey.stages:
        return
    touchpoints = journey.touchpoints
    used = {
        "team": {tp.owner for tp in touchpoints} | {d.owner for d in journey.metrics.definitions},
        "channel": {tp.channel for tp in touchpoints},
        "source": {s for tp in touchpoints for s in tp.sources}
        | {s for p in journey.personas for s in p.sources}
        | {d.source for d in journey.metrics.definitions},
    }
    kinds = (("team", journey.teams), ("channel", journey.channels), ("source", journey.sources))
    for noun, entries in kinds:
        for entry in entries:
            if entry.where.file == journey.file and entry.id not in used[noun]:
                yield Finding(entry.where, f"{noun} '{entry.id}' is defined but never used")
