"""CJM4xx evidence and freshness: maps rest on real data and are reviewed every 6-12 months."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from cjmap.diagnostics import Severity
from cjmap.resolve import Journey
from cjmap.rules.registry import Context, Finding, Option, rule

STALE_DAYS = Option("stale-days", int, 365, "days after which a map's review or a source's data is stale", minimum=1)


def _age(day: date, context: Context) -> int:
    return (context.today - day).days


def is_stale(day: date, context: Context) -> bool:
    """Older than `stale-days`: the day exactly at the limit is still fresh."""
    return _age(day, context) > context[STALE_DAYS]


@rule("CJM401", "stale-map", Severity.WARNING, options=[STALE_DAYS])
def stale_map(journey: Journey, context: Context) -> Iterator[Finding]:
    """The map was last reviewed more than a year ago.

    Journeys change as products, channels and customers do; a map older than
    `stale-days` describes a journey that may no longer exist. Review it with
    fresh data and update `updated`. `--today` pins the date for reproducible
    runs.

    Fails:

        updated: 2024-01-15

    Passes:

        updated: 2026-09-14
    """
    if journey.updated is not None and is_stale(journey.updated, context):
        age, limit = _age(journey.updated, context), context[STALE_DAYS]
        yield Finding(
            journey.at("updated"),
            f"map was last reviewed {journey.updated.isoformat()}, {age} days ago (limit {limit})",
        )


@rule("CJM402", "persona-without-sources", Severity.INFO)
def persona_without_sources(journey: Journey, context: Context) -> Iterator[Finding]:
    """A persona is not backed by any source.

    A persona built from guesses leads to a map of guesses. Name the survey,
    interviews or analytics it comes from in `sources`.

    Fails:

        personas:
          - {id: dana, name: Dana}

    Passes:

        sources: [{id: buyer-survey, name: Buyer survey}]
        personas:
          - {id: dana, name: Dana, sources: [buyer-survey]}
    """
    for persona in journey.personas:
        if not persona.sources:
            yield Finding(persona.where, f"persona '{persona.id}' has no sources")


@rule("CJM403", "stale-source", Severity.INFO, options=[STALE_DAYS])
def stale_source(journey: Journey, context: Context) -> Iterator[Finding]:
    """A source was collected more than a year ago.

    Evidence ages too: data older than `stale-days` may not describe today's
    customers. Collect it again, or say why it still holds.

    Fails:

        sources:
          - {id: survey, name: Survey, collected: 2023-05-01}

    Passes:

        sources:
          - {id: survey, name: Survey, collected: 2026-06-30}
    """
    for source in journey.sources:
        if source.collected is not None and is_stale(source.collected, context):
            age = _age(source.collected, context)
            yield Finding(
                source.at("collected"),
                f"source '{source.id}' was collected {source.collected.isoformat()}, {age} days ago",
            )


@rule("CJM404", "missing-review-date", Severity.INFO)
def missing_review_date(journey: Journey, context: Context) -> Iterator[Finding]:
    """A map does not say when it was last reviewed.

    Without `updated`, nobody can tell a fresh map from a forgotten one, and
    CJM401 cannot warn when it goes stale.

    Fails:

        cjmap: 1
        title: Buying a new car
        stages:
          - {name: Awareness, touchpoints: [{name: Sees the TV ad}]}

    Passes:

        cjmap: 1
        title: Buying a new car
        updated: 2026-09-14
        stages:
          - {name: Awareness, touchpoints: [{name: Sees the TV ad}]}
    """
    if journey.stages and journey.updated is None:
        yield Finding(journey.where, "map has no 'updated' date")
