"""Shared helpers: small maps in a temporary project, and the CLI run for real."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """An empty project folder (its cjmap.toml bounds imports)."""
    (tmp_path / "cjmap.toml").write_text("")
    return tmp_path


def write(folder: Path, name: str, text: str) -> Path:
    """Write a dedented file, creating parent folders."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m cjmap ARGS`, as a user runs it: real process, real exit code."""
    full_env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "cjmap", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


TODAY = "2026-11-24"  # freshness rules judge against this date in tests

# A sound map: every lint rule passes on it.
MINIMAL = """
cjmap: 1
title: Minimal
updated: 2026-11-01
teams: [{id: sales, name: Sales}]
channels: [{id: web, name: Website}]
stages:
  - name: Awareness
    touchpoints:
      - {name: Sees an ad, channel: web, owner: sales, emotion: 1}
  - name: Purchase
    touchpoints:
      - {name: Buys, channel: web, owner: sales, emotion: 2}
"""


def lint_findings(project: Path, text: str, codes: tuple[str, ...] = (), today: str = TODAY) -> list[tuple[str, int, int, str]]:
    """Lint a map written into `project`; (code, line, column, message) of findings whose code starts with one of `codes`."""
    from datetime import date

    from cjmap.lint.pipeline import check
    from cjmap.rules import Context

    result = check(write(project, "m.cjmap.yaml", text), "m.cjmap.yaml", context=Context(today=date.fromisoformat(today)))
    assert result.loaded, result.diagnostics
    return [(d.code, d.where.line, d.where.column, d.message) for d in result.diagnostics if d.code.startswith(codes)]
