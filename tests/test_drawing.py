"""Diagrams of several maps drawn by one Graphviz process: the same bytes as one process each, and a
shared run that fails costs no map its output."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest

from cjmap import render
from cjmap.jobs.batch import in_groups, run_groups
from cjmap.lint.pipeline import load_journey
from cjmap.render import RenderError, draw_together, render_journey, start_rendering
from cjmap.render.dot import ENGINE, ENGINE_ARGS, journey_to_dot
from cjmap.render.drawing import Drawing, split_documents
from conftest import EXAMPLES, MINIMAL

MAPS = ("car-purchase", "bank-account", "checkout", "running-shoes")


def sources() -> list[str]:
    """Varied diagrams: four example maps, light and dark, with and without lanes."""
    journeys = [load_journey(EXAMPLES / f"{name}.cjmap.yaml") for name in MAPS]
    return [
        journey_to_dot(journey, theme, lanes)
        for journey in journeys
        for theme, lanes in (("light", "none"), ("dark", "persona"), ("light", "channel"))
    ]


def test_one_shared_run_draws_the_bytes_of_separate_runs() -> None:
    dots = sources()
    drawn = Drawing(dots, 60, engine=ENGINE, args=ENGINE_ARGS).svgs()
    alone = {dot: render.layout_svg(dot, engine=ENGINE, args=ENGINE_ARGS) for dot in dots}
    assert len(alone) == len(MAPS) * 3
    assert drawn == alone


def test_output_that_is_not_one_svg_per_graph_is_not_used() -> None:
    one = b'<?xml version="1.0"?>\n<svg></svg>\n'
    assert split_documents(one * 2, ["a", "b"]) == {"a": one.decode(), "b": one.decode()}
    assert split_documents(one, ["a", "b"]) == {}
    assert split_documents(one * 3, ["a", "b"]) == {}
    assert split_documents(b"", ["a"]) == {}
    assert split_documents(one + b'<?xml version="1.0"?>\n<svg>\xff</svg>\n', ["a", "b"]) == {}


def test_a_failed_shared_run_draws_each_map_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    journeys = [load_journey(EXAMPLES / f"{name}.cjmap.yaml") for name in MAPS]
    expected = [render_journey(j, ["svg", "html"], (), "t") for j in journeys]
    real = render.Layout.output
    runs: list[int] = []

    def fails_when_shared(self: render.Layout, source: str) -> bytes:
        runs.append(source.count("digraph "))
        if source.count("digraph ") > 1:
            self.stop()
            raise RenderError("Graphviz (neato) failed: as told")
        return real(self, source)

    monkeypatch.setattr(render.Layout, "output", fails_when_shared)
    renderings = [start_rendering(j, ["svg", "html"], (), "t") for j in journeys]
    draw_together([(r, ["svg", "html"]) for r in renderings])
    assert [render.build_outputs(r, ["svg", "html"]) for r in renderings] == expected
    assert runs == [len(MAPS), 1, 1, 1, 1]


def test_a_single_map_whose_drawing_fails_is_not_drawn_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    runs: list[str] = []

    def too_slow(self: render.Layout, source: str) -> bytes:
        runs.append(source)
        self.stop()
        raise RenderError("Graphviz (neato) took longer than 1 s and was stopped (raise it with --timeout)")

    monkeypatch.setattr(render.Layout, "output", too_slow)
    with pytest.raises(RenderError, match="took longer"):
        render_journey(load_journey(EXAMPLES / "checkout.cjmap.yaml"), ["svg", "html"], (), "t", timeout=1)
    assert len(runs) == 1


def test_graphviz_stops_when_the_render_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    from cjmap.render import outputs

    started: list[render.Layout] = []
    real = render.start_layout

    def remembered(*args: object, **kwargs: object) -> render.Layout:
        started.append(real(*args, **kwargs))  # type: ignore[arg-type]
        return started[-1]

    def stopped(self: outputs.OutputFormat, rendering: outputs.Rendering) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(render, "start_layout", remembered)
    monkeypatch.setattr(outputs.OutputFormat, "get_ready", stopped)
    with pytest.raises(KeyboardInterrupt):
        render_journey(load_journey(EXAMPLES / "checkout.cjmap.yaml"), ["svg", "html"], (), "t")
    assert len(started) == 1
    assert started[0].process.wait(timeout=10) != 0  # killed, not left drawing


def test_groups_keep_the_order_and_put_a_heavy_item_alone() -> None:
    items = list(range(100))
    groups = in_groups(items, 2, weight=lambda i: 300_000 if i == 50 else 8_000)
    assert [i for group in groups for i in group] == items
    assert [50] in groups
    assert max(len(group) for group in groups) <= 13  # about four groups a worker: ceil(100 / 8)
    assert len(in_groups(items, 1, weight=lambda i: 1)) == 7  # one worker: as many as may share, 16
    assert len(in_groups(items[:8], 2, weight=lambda i: 1)) == 8  # two workers, few maps: spread them
    assert in_groups([1], 4, weight=lambda i: 1) == [[1]]
    assert in_groups([], 4, weight=lambda i: 1) == []


def double_all(items: Sequence[int]) -> list[int]:
    return [2 * i for i in items]


@pytest.mark.parametrize("jobs", [1, 3])
def test_run_groups_gives_every_result_in_order_and_counts_items(jobs: int) -> None:
    told: list[int] = []

    @contextmanager
    def progress(total: int) -> Iterator[Callable[[], None]]:
        told.append(total)
        yield lambda: told.append(-1)

    groups = [[1, 2, 3], [4], [5, 6]]
    assert run_groups(double_all, groups, jobs, progress) == [2, 4, 6, 8, 10, 12]
    assert told[0] == 6 and told.count(-1) == 6


def test_render_of_many_maps_writes_what_one_map_at_a_time_writes(tmp_path: Path) -> None:
    from conftest import run_cli

    maps = [f"{name}.cjmap.yaml" for name in MAPS]
    shared = run_cli("render", *maps, "-o", str(tmp_path / "shared"), "-j", "1", "--today", "2026-11-24", cwd=EXAMPLES)
    assert shared.stderr.count("wrote ") == 2 * len(MAPS), shared.stderr
    for name in maps:
        alone = run_cli("render", name, "-o", str(tmp_path / "alone"), "--today", "2026-11-24", cwd=EXAMPLES)
        assert alone.stderr.count("wrote ") == 2, alone.stderr
    for output in sorted((tmp_path / "alone").iterdir()):
        assert output.read_bytes() == (tmp_path / "shared" / output.name).read_bytes(), output.name


def test_the_report_rendered_while_graphviz_draws_is_the_report(project: Path) -> None:
    from cjmap.render.html import _SLOT, journey_to_html, report_awaiting_diagram, with_diagram

    svg = render.layout_svg(
        journey_to_dot(load_journey(EXAMPLES / "car-purchase.cjmap.yaml")), engine=ENGINE, args=ENGINE_ARGS
    )
    for journey in (load_journey(EXAMPLES / f"{name}.cjmap.yaml") for name in MAPS):
        early = report_awaiting_diagram(journey, (), "t", "dark")
        assert with_diagram(early, svg, journey) == journey_to_html(journey, svg, (), "t", "dark")
    (project / "slot.cjmap.yaml").write_text(MINIMAL.replace("title: Minimal", f"title: '{_SLOT}'"))
    spelled = load_journey(project / "slot.cjmap.yaml")
    assert _SLOT in spelled.title  # escaped in the report, so it cannot take the slot's place
    early = report_awaiting_diagram(spelled, (), "t")
    assert with_diagram(early, svg, spelled) == journey_to_html(spelled, svg, (), "t")
    assert with_diagram(early + _SLOT, svg, spelled) is None  # not exactly one slot: the report is built again
