"""The lowest dependency versions CI installs are exactly the lower bounds pyproject.toml declares."""

from __future__ import annotations

import re
import sys

from conftest import REPO

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def _version_tuple(text: str) -> tuple[int, ...]:
    """'3.1' and '3.1.0' are the same bound: trailing zeros dropped."""
    parts = [int(part) for part in text.split(".")]
    while parts and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def test_ci_pins_every_runtime_dependency_at_its_lower_bound() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    bounds = {}
    for requirement in project["dependencies"]:
        if ";" in requirement:  # a backport for older Pythons (tomli): not installed on the CI's Python
            continue
        bound = re.fullmatch(r"([A-Za-z0-9_.-]+)>=([0-9.]+)(?:,<[0-9.]+)?", requirement)
        assert bound is not None, f"{requirement}: a dependency is written NAME>=VERSION (or NAME>=LOW,<HIGH)"
        name, version = bound.groups()
        bounds[name.lower()] = _version_tuple(version)
    pins = {}
    for line in (REPO / ".ci" / "lowest.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            pins[name.lower()] = _version_tuple(version)
    assert pins.keys() == bounds.keys()
    assert pins == bounds
