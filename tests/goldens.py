"""Every golden file in tests/golden/ and how it is made from the examples, in one place.

The golden tests compare what they make with these files; `scripts/update_goldens.py` rewrites them all from
the makers below. Goldens are reviewed by eye: after regenerating, read `git diff tests/golden`.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from conftest import EXAMPLES, REPO, TODAY, run_cli

GOLDEN = Path(__file__).resolve().parent / "golden"
REGENERATE = "python scripts/update_goldens.py"
# what stands for the version in generated files, so goldens do not churn with each release
HTML_GENERATOR = "cjmap (test)"
COMPARE_GENERATOR = "cjmap test"
# a stand-in diagram, so the HTML golden does not depend on the Graphviz version
PLACEHOLDER_SVG = (
    '<?xml version="1.0"?>\n<!-- c -->\n<svg width="10pt" height="10pt" viewBox="0 0 10 10" '
    'xmlns="http://www.w3.org/2000/svg"><title>journey</title></svg>\n'
)


def assert_golden(name: str, actual: str) -> None:
    """`actual` is tests/golden/NAME; when not, say how to regenerate the goldens (then review the diff by eye)."""
    path = GOLDEN / name
    assert path.exists(), f"tests/golden/{name} is missing; run `{REGENERATE}`"
    assert actual == path.read_text(encoding="utf-8"), (
        f"tests/golden/{name} differs from what cjmap makes now; if intended, run `{REGENERATE}`"
        " and review `git diff tests/golden` by eye"
    )


def _car_purchase():
    from cjmap.lint.pipeline import check

    result = check(EXAMPLES / "car-purchase.cjmap.yaml", "examples/car-purchase.cjmap.yaml")
    assert result.journey is not None, result.diagnostics
    return result


def car_purchase_dot() -> str:
    from cjmap.render.dot import journey_to_dot

    return journey_to_dot(_car_purchase().journey)


def car_purchase_html() -> str:
    from cjmap.render.html import journey_to_html

    result = _car_purchase()
    today = date(2026, 11, 24)
    return journey_to_html(result.journey, PLACEHOLDER_SVG, result.diagnostics, HTML_GENERATOR, today=today)


def car_purchase_compare_html() -> str:
    from cjmap.lint.pipeline import load_journey
    from cjmap.render.html import comparison_to_html
    from cjmap.review.compare import compare

    current = _car_purchase()
    future = load_journey(EXAMPLES / "car-purchase-future.cjmap.yaml", "examples/car-purchase-future.cjmap.yaml")
    return comparison_to_html(compare(current.journey, future), COMPARE_GENERATOR)


def _rendered(example: str, fmt: str, suffix: str, *options: str) -> str:
    """What `cjmap render --format FMT` writes for an example (run in this process)."""
    with tempfile.TemporaryDirectory() as folder:
        done = run_cli("render", *options, str(EXAMPLES / example), "--format", fmt, "-o", folder, cwd=REPO)
        assert done.returncode == 0, done.stderr
        return (Path(folder) / example.replace(".cjmap.yaml", suffix)).read_text(encoding="utf-8")


def running_shoes_md() -> str:
    return _rendered("running-shoes.cjmap.yaml", "markdown", ".md", "--today", TODAY)


def running_shoes_mmd() -> str:
    return _rendered("running-shoes.cjmap.yaml", "mermaid", ".mmd")


GOLDENS: dict[str, Callable[[], str]] = {
    "car-purchase.dot": car_purchase_dot,
    "car-purchase.html": car_purchase_html,
    "car-purchase-compare.html": car_purchase_compare_html,
    "running-shoes.md": running_shoes_md,
    "running-shoes.mmd": running_shoes_mmd,
}
