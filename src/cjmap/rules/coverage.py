"""CJM1xx coverage: every stage, persona and team has its place in the journey."""

from __future__ import annotations

from collections.abc import Iterator

from cjmap.diagnostics import Severity
from cjmap.resolve import Journey
from cjmap.rules.registry import Finding, rule


@rule("CJM101", "stage-without-touchpoints", Severity.ERROR)
def stage_without_touchpoints(journey: Journey) -> Iterator[Finding]:
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
