"""cjmap compare: the current-against-future report (golden, reviewed by eye) and what it computes."""

from __future__ import annotations

import os
from pathlib import Path

import html5lib
from conftest import EXAMPLES, MINIMAL, TODAY, run_cli, write

from cjmap.compare import compare
from cjmap.pipeline import check
from cjmap.render.html import comparison_to_html

GOLDEN = Path(__file__).parent / "golden" / "car-purchase-compare.html"
SVG = "{http://www.w3.org/2000/svg}"


def car_comparison():
    current = check(EXAMPLES / "car-purchase.cjmap.yaml", "examples/car-purchase.cjmap.yaml")
    future = check(EXAMPLES / "car-purchase-future.cjmap.yaml", "examples/car-purchase-future.cjmap.yaml")
    return compare(current.journey, future.journey)


def test_comparison_golden() -> None:
    html = comparison_to_html(car_comparison(), "cjmap test")
    if os.environ.get("CJMAP_UPDATE_GOLDENS"):
        GOLDEN.write_text(html, encoding="utf-8")
    assert html == GOLDEN.read_text(encoding="utf-8")


def test_resolved_pain_points_and_aligned_columns() -> None:
    c = car_comparison()
    assert c.resolved == (
        "The ad gives no price", "Finance examples are hidden in a PDF",
        "Extras (paint protection, extended warranty) added by default", "Quote takes 40 minutes",
        "Booking only by phone, in office hours",
    )
    assert c.new_pain == ()
    # every touchpoint of both maps has exactly one column, and stages never interleave
    assert sum(col.current is not None for col in c.columns) == len(c.current.touchpoints)
    assert sum(col.future is not None for col in c.columns) == len(c.future.touchpoints)
    stages = [col.stage for col in c.columns]
    assert stages == sorted(stages, key=[s.name for s in c.future.stages].index)


def test_overlay_has_a_line_per_state_with_every_scored_touchpoint() -> None:
    c = car_comparison()
    document = html5lib.parse(comparison_to_html(c, "cjmap test"), namespaceHTMLElements=False)
    groups = {g.get("class"): g for g in document.iter(f"{SVG}g")}
    assert len(list(groups["curve-line curve-current"].iter(f"{SVG}circle"))) == len(c.current.touchpoints)
    assert len(list(groups["curve-line curve-future"].iter(f"{SVG}circle"))) == len(c.future.touchpoints)


def test_compare_follows_compares_and_refuses_paths_outside_the_project(project: Path) -> None:
    write(project, "now.cjmap.yaml", MINIMAL)
    write(project, "next.cjmap.yaml", MINIMAL.replace("title: Minimal", "title: Next\nstate: future\ncompares: now.cjmap.yaml"))
    result = run_cli("compare", "--today", TODAY, "next.cjmap.yaml", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "wrote next-compare.html" in result.stderr and (project / "next-compare.html").exists()
    write(project, "bad.cjmap.yaml", MINIMAL.replace("title: Minimal", "title: Bad\ncompares: ../../etc/passwd"))
    bad = run_cli("compare", "bad.cjmap.yaml", cwd=project)
    assert bad.returncode == 2 and "compares: '../../etc/passwd' is not a map file inside the project" in bad.stderr
    alone = run_cli("compare", "now.cjmap.yaml", cwd=project)
    assert alone.returncode == 2 and "names no current state" in alone.stderr
