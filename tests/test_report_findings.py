"""The report shows what lint found: findings grouped by the stage whose lines hold them, and the
review and sources marked stale exactly where CJM401 and CJM403 fired (not judged a second time)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from cjmap.diagnostics import Diagnostic
from cjmap.lint.pipeline import check
from cjmap.lint.policy import PolicyFinder
from cjmap.render.gaps import findings_by_stage, review_is_stale, stale_sources
from cjmap.resolve import Journey
from conftest import TODAY, write

TWO_STAGES = """\
cjmap: 1
title: T
updated: 2026-11-01
stages:
  - name: First
    touchpoints:
      - {name: A}
  - name: Second
"""

OLD = """\
cjmap: 1
title: Old
updated: 2024-01-10
sources:
  - {id: s, name: Survey, collected: 2023-05-01}COMMENT
  - {id: t, name: Interviews, collected: 2026-10-01}
stages: [{name: S, touchpoints: [{name: T, sources: [s, t]}]}]
"""


def linted(project: Path, text: str) -> tuple[Journey, tuple[Diagnostic, ...]]:
    """The journey of a map that loads, and its findings."""
    path = write(project, "m.cjmap.yaml", text)
    policy = PolicyFinder().for_path(path)
    result = check(path, "m.cjmap.yaml", policy, policy.context(date.fromisoformat(TODAY)))
    assert result.journey is not None, result.diagnostics
    return result.journey, result.diagnostics


def test_a_finding_on_a_stages_own_line_is_listed_under_that_stage(project: Path) -> None:
    journey, found = linted(project, TWO_STAGES)
    [empty] = [d for d in found if d.code == "CJM101"]
    assert empty.where.line == 8  # the line of `- name: Second` itself
    groups = findings_by_stage(journey, found)
    grouped = {stage.id if stage else None: [d.code for d in found] for stage, found in groups}
    assert "CJM101" in grouped["second"] and "CJM101" not in grouped.get("first", [])


def test_stale_marks_are_the_freshness_findings(project: Path) -> None:
    journey, found = linted(project, OLD.replace("COMMENT", ""))
    assert review_is_stale(found) and stale_sources(journey, found) == {"s"}
    assert not review_is_stale(()) and stale_sources(journey, ()) == frozenset()


def test_a_suppressed_or_configured_away_finding_leaves_no_stale_mark(project: Path) -> None:
    journey, found = linted(project, OLD.replace("COMMENT", "  # cjmap: ignore[stale-source]"))
    assert stale_sources(journey, found) == frozenset()
    write(project, "cjmap.toml", "stale-days = 2000\n")
    journey, found = linted(project, OLD.replace("COMMENT", ""))
    assert not review_is_stale(found) and stale_sources(journey, found) == frozenset()


def test_the_report_marks_what_lint_found(project: Path) -> None:
    from cjmap.render.html import journey_to_html

    journey, found = linted(project, OLD.replace("COMMENT", ""))
    html = journey_to_html(journey, None, found, "test", today=date.fromisoformat(TODAY))
    assert "(2 years ago, due for review)" in html
    assert html.count('<span class="stale">(stale)</span>') == 1
    assert '2023-05-01</time> <span class="stale">(stale)' in html
    quiet = journey_to_html(journey, None, (), "test", today=date.fromisoformat(TODAY))
    assert "due for review" not in quiet and "(stale)" not in quiet
