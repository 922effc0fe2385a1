"""CJM4xx evidence and freshness rules, judged against a pinned date."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import MINIMAL, TODAY, lint_findings, write

BODY = (
    "teams: [{id: t}]\nchannels: [{id: c}]\nstages: [{name: S, touchpoints: [{name: A, channel: c, owner: t, "
    "emotion: 0}]}]\n"
)


def test_a_sound_map_has_no_evidence_findings(project: Path) -> None:
    assert lint_findings(project, MINIMAL, ("CJM4",)) == []


@pytest.mark.parametrize(
    ("updated", "today", "expected"),
    [
        ("2026-09-14", TODAY, []),
        ("2025-11-24", TODAY, []),  # exactly 365 days: still fresh
        ("2025-11-23", TODAY, [("CJM401", 3, 10, "map was last reviewed 2025-11-23, 366 days ago (limit 365)")]),
        ("2026-09-14", "2028-01-01", [("CJM401", 3, 10, "map was last reviewed 2026-09-14, 474 days ago (limit 365)")]),
    ],
)
def test_stale_map(project: Path, updated: str, today: str, expected: list) -> None:
    text = f"cjmap: 1\ntitle: T\nupdated: {updated}\n" + BODY
    assert lint_findings(project, text, ("CJM401",), today=today) == expected


def test_missing_review_date(project: Path) -> None:
    assert lint_findings(project, "cjmap: 1\ntitle: T\n" + BODY, ("CJM404",)) == [
        ("CJM404", 1, 1, "map has no 'updated' date")
    ]
    assert (
        lint_findings(project, "cjmap: 1\nteams: [{id: t}]\n", ("CJM404",)) == []
    )  # a shared file has no journey to review


@pytest.mark.parametrize(
    ("personas", "expected"),
    [
        ("personas: [{id: dana, name: Dana, sources: [s]}]\n", []),
        ("personas: [{id: dana, name: Dana}]\n", [("CJM402", 4, 12, "persona 'dana' has no sources")]),
    ],
)
def test_persona_without_sources(project: Path, personas: str, expected: list) -> None:
    text = (
        "cjmap: 1\ntitle: T\nupdated: 2026-11-01\n"
        + personas
        + "sources: [{id: s, name: S, collected: 2026-06-30}]\n"
        + BODY
    )
    assert lint_findings(project, text, ("CJM402",)) == expected


def test_persona_without_sources_points_into_the_shared_file(project: Path) -> None:
    write(project, "shared.cjmap.yaml", "cjmap: 1\npersonas:\n  - {id: dana, name: Dana}\n")
    text = "cjmap: 1\ntitle: T\nupdated: 2026-11-01\nimports: [shared.cjmap.yaml]\n" + BODY
    from datetime import date

    from cjmap.lint.pipeline import check
    from cjmap.rules import Context

    result = check(write(project, "m.cjmap.yaml", text), "m.cjmap.yaml", context=Context(today=date(2026, 11, 24)))
    assert [(d.code, d.where.file, d.where.line, d.where.column) for d in result.diagnostics] == [
        ("CJM402", "shared.cjmap.yaml", 3, 5)
    ]


@pytest.mark.parametrize(
    ("collected", "expected"),
    [
        ("2026-06-30", []),
        ("2025-11-24", []),  # exactly 365 days: still fresh
        ("2025-11-23", [("CJM403", 4, 39, "source 's' was collected 2025-11-23, 366 days ago")]),  # one day past
        ("2024-05-01", [("CJM403", 4, 39, "source 's' was collected 2024-05-01, 937 days ago")]),
    ],
)
def test_stale_source(project: Path, collected: str, expected: list) -> None:
    text = f"cjmap: 1\ntitle: T\nupdated: 2026-11-01\nsources: [{{id: s, name: S, collected: {collected}}}]\n" + BODY
    assert lint_findings(project, text, ("CJM403",)) == expected


@pytest.mark.parametrize(("collected", "stale"), [("2026-05-28", False), ("2026-05-27", True)])
def test_stale_source_follows_the_configured_limit(project: Path, collected: str, stale: bool) -> None:
    """With `stale-days = 180`, day 180 is fresh and day 181 is stale, for sources as for the map."""
    from datetime import date

    from cjmap.lint.pipeline import check
    from cjmap.lint.policy import PolicyFinder

    write(project, "cjmap.toml", "stale-days = 180\n")
    text = f"cjmap: 1\ntitle: T\nupdated: {collected}\nsources: [{{id: s, name: S, collected: {collected}}}]\n" + BODY
    path = write(project, "m.cjmap.yaml", text)
    policy = PolicyFinder().for_path(path)
    found = [d.code for d in check(path, policy=policy, context=policy.context(date(2026, 11, 24))).diagnostics]
    assert ("CJM401" in found, "CJM403" in found) == (stale, stale), found
