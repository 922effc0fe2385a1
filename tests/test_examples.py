"""Every example map lints clean and renders: they are the first thing users copy."""

from __future__ import annotations

from pathlib import Path

import pytest

from cjmap.lint.pipeline import check, load_journey
from cjmap.render import render_journey
from conftest import EXAMPLES, run_cli

MAPS = sorted(p for p in EXAMPLES.rglob("*.cjmap.yaml"))
JOURNEYS = [p for p in MAPS if "shared" not in p.parts]


def test_there_are_examples() -> None:
    assert len(JOURNEYS) >= 3


@pytest.mark.parametrize("path", MAPS, ids=lambda p: str(p.relative_to(EXAMPLES)))
def test_example_lints_clean(path: Path) -> None:
    result = check(path)
    assert result.loaded and result.diagnostics == (), result.diagnostics


@pytest.mark.parametrize("path", JOURNEYS, ids=lambda p: p.name)
def test_example_renders(path: Path) -> None:
    journey = load_journey(path)
    outputs = render_journey(journey, ["svg", "html"], (), "cjmap (test)")
    assert b"<svg" in outputs["svg"] and journey.title.encode() in outputs["html"]


def test_examples_cover_what_the_format_offers() -> None:
    journeys = {p.name: load_journey(p) for p in JOURNEYS}
    car = journeys["car-purchase.cjmap.yaml"]
    assert [s.id for s in car.stages] == ["awareness", "consideration", "decision", "retention", "advocacy"]
    shoes = journeys["running-shoes.cjmap.yaml"]
    assert any(e.condition == "never opened it" for e in shoes.edges)
    assert any(tp.personas for tp in shoes.touchpoints)
    future = journeys["car-purchase-future.cjmap.yaml"]
    assert future.state == "future" and future.personas[0].id == "dana"  # imported from shared/


def test_lint_of_the_examples_folder_through_the_cli() -> None:
    result = run_cli("lint", str(EXAMPLES))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"no problems in {len(MAPS)} files" in result.stderr
