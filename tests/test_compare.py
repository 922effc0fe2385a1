"""cjmap compare: the current-against-future report (golden, reviewed by eye) and what it computes."""

from __future__ import annotations

from pathlib import Path

import html5lib

from cjmap.lint.pipeline import load_journey
from cjmap.render.html import comparison_to_html
from cjmap.review.compare import compare
from conftest import EXAMPLES, MINIMAL, TODAY, run_cli, write
from goldens import assert_golden

SVG = "{http://www.w3.org/2000/svg}"


def car_comparison():
    current = load_journey(EXAMPLES / "car-purchase.cjmap.yaml", "examples/car-purchase.cjmap.yaml")
    future = load_journey(EXAMPLES / "car-purchase-future.cjmap.yaml", "examples/car-purchase-future.cjmap.yaml")
    return compare(current, future)


def test_comparison_golden() -> None:
    html = comparison_to_html(car_comparison(), "cjmap test")
    assert_golden("car-purchase-compare.html", html)


def test_resolved_pain_points_and_aligned_columns() -> None:
    c = car_comparison()
    assert c.resolved == (
        "The ad gives no price",
        "Finance examples are hidden in a PDF",
        "Extras (paint protection, extended warranty) added by default",
        "Quote takes 40 minutes",
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
    write(
        project,
        "next.cjmap.yaml",
        MINIMAL.replace("title: Minimal", "title: Next\nstate: future\ncompares: now.cjmap.yaml"),
    )
    result = run_cli("compare", "--today", TODAY, "next.cjmap.yaml", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "wrote next-compare.html" in result.stderr and (project / "next-compare.html").exists()
    write(project, "bad.cjmap.yaml", MINIMAL.replace("title: Minimal", "title: Bad\ncompares: ../../etc/passwd"))
    bad = run_cli("compare", "bad.cjmap.yaml", cwd=project)
    assert bad.returncode == 2 and "compares: '../../etc/passwd' is not a map file inside the project" in bad.stderr
    alone = run_cli("compare", "now.cjmap.yaml", cwd=project)
    assert alone.returncode == 2 and "names no current state" in alone.stderr


def _columns_by_insertion(current, future):
    """The plain statement of the column order (quadratic): the reference the fast `_columns` must equal."""
    by_id = {tp.id: tp for tp in current.touchpoints}
    by_name = {tp.name: tp for tp in current.touchpoints}
    twins = {tp.id: by_id.get(tp.id) or by_name.get(tp.name) for tp in future.touchpoints}
    used = {t.id for t in twins.values() if t is not None}
    order = [s.id for s in future.stages]
    for i, stage in enumerate(current.stages):
        if stage.id not in order:
            after = current.stages[i - 1].id if i else None
            order.insert(order.index(after) + 1 if after in order else 0, stage.id)
    columns = []
    for stage_id in order:
        run = [
            (tp.name, stage_id, getattr(twins[tp.id], "id", None), tp.id)
            for tp in future.touchpoints
            if tp.stage == stage_id
        ]
        previous = None
        for tp in (t for t in current.touchpoints if t.stage == stage_id):
            if tp.id not in used:
                at = next(
                    (i + 1 for i, c in enumerate(run) if c[2] is not None and c[2] == previous),
                    len(run) if previous else 0,
                )
                run.insert(at, (tp.name, stage_id, tp.id, None))
            previous = tp.id
        columns += run
    return columns


def test_columns_match_their_plain_statement_on_random_maps() -> None:
    import random
    from types import SimpleNamespace

    from cjmap.review.compare import _columns

    def journey(rng: random.Random, taken: set[str]) -> SimpleNamespace:
        stages = []
        for stage_id in rng.sample("abcdefgh", rng.randint(0, 6)):
            ids = [t for t in rng.sample("pqrstuvwxyz", rng.randint(0, 5)) if t not in taken]
            taken.update(ids)
            stages.append(
                SimpleNamespace(
                    id=stage_id,
                    name=stage_id.upper(),
                    tps=[SimpleNamespace(id=t, name=rng.choice(["N1", "N2", t]), stage=stage_id) for t in ids],
                )
            )
        return SimpleNamespace(stages=stages, touchpoints=tuple(tp for s in stages for tp in s.tps))

    rng = random.Random(13)
    for _ in range(5000):
        current, future = journey(rng, set()), journey(rng, set())
        fast = [
            (c.name, c.stage, getattr(c.current, "id", None), getattr(c.future, "id", None))
            # stand-ins holding only what _columns reads, not whole journeys
            for c in _columns(current, future)  # type: ignore[arg-type]
        ]
        assert fast == [(n, s.upper(), cur, fut) for n, s, cur, fut in _columns_by_insertion(current, future)]


def test_compare_of_5000_stages_is_quick(project: Path) -> None:
    from cjmap.lint.pipeline import load_journey
    from cjmap.render.overlay import overlay_curve

    def stages(first: int) -> str:
        return "".join(
            f"  - name: S{i}\n    touchpoints: [{{name: T{i}, emotion: 1}}]\n" for i in range(first, first + 5000)
        )

    current = load_journey(write(project, "c.cjmap.yaml", "cjmap: 1\ntitle: C\nstages:\n" + stages(0)))
    future = load_journey(write(project, "f.cjmap.yaml", "cjmap: 1\ntitle: F\nstate: future\nstages:\n" + stages(1)))
    c = compare(current, future)  # took 35 s: a scan of every touchpoint per stage, and of the chart per band
    overlay_curve(c)
    assert len(c.columns) == 5001 and c.columns[0].current is not None and c.columns[0].future is None
