"""CJM4xx evidence and freshness: maps rest on real data and are reviewed every 6-12 months."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from cjmap.diagnostics import Severity
from cjmap.resolve import Journey
from cjmap.rules.registry import Context, Finding, rule


def _age(day: date, context: Context) -> int:
    return (context.today - day).days


@rule("CJM401", "stale-map", Severity.WARNING)
def stale_map(journey: Journey, context: Context) -> Iterator[Finding]:
    """The map was last reviewed more than a year ago.

    Journeys change as products, channels and customers do; a map older than
    `stale-days` (default 365) describes a journey that may no longer exist.
    Review it with fresh data and update `updated`. `--today` pins the date
    for reproducible runs.

    Fails:

        updated: 2024-01-15

    Passes:

        updated: 2026-09-14
    """
    if journey.updated is not None and _age(journey.updated, context) > context.stale_days:
        yield Finding(
            journey.at("updated"),
            f"map was last reviewed {journey.updated.isoformat()}, {_age(journey.updated, context)} days ago (limit {context.stale_days})",
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

        personas:
          - {id: dana, name: Dana, sources: [buyer-survey]}
    """
    for persona in journey.personas:
        if not persona.sources:
            yield Finding(persona.where, f"persona '{persona.id}' has no sources")


@rule("CJM403", "stale-source", Severity.INFO)
def stale_source(journey: Journey, context: Context) -> Iterator[Finding]:
    """A source was collected more than a year ago.

    Evidence ages too: data older than `stale-days` (default 365) may not
    describe today's customers. Collect it again, or say why it still holds.

    Fails:

        sources:
          - {id: survey, name: Survey, collected: 2023-05-01}

    Passes:

        sources:
          - {id: survey, name: Survey, collected: 2026-06-30}
    """
    for source in journey.sources:
        if source.collected is not None and _age(source.collected, context) > context.stale_days:
            yield Finding(source.at("collected"), f"source '{source.id}' was collected {source.collected.isoformat()}, {_age(source.collected, context)} days ago")


@rule("CJM404", "missing-review-date", Severity.INFO)
def missing_review_date(journey: Journey, context: Context) -> Iterator[Finding]:
    """A map does not say when it was last reviewed.

    Without `updated`, nobody can tell a fresh map from a forgotten one, and
    CJM401 cannot warn when it goes stale.

    Fails:

        cjmap: 1
        title: Buying a new car

    Passes:

        cjmap: 1
        title: Buying a new car
        updated: 2026-09-14
    """
    if journey.stages and journey.updated is None:
        yield Finding(journey.where, "map has no 'updated' date")
