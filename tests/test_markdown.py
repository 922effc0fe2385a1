"""render --format markdown: the reviewed golden, and map text that cannot become Markdown or HTML."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import EXAMPLES, TODAY, run_cli, write
from goldens import assert_golden


def test_markdown_golden(tmp_path: Path) -> None:
    result = run_cli(
        "render",
        "--today",
        TODAY,
        str(EXAMPLES / "running-shoes.cjmap.yaml"),
        "--format",
        "markdown",
        "-o",
        str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert_golden("running-shoes.md", (tmp_path / "running-shoes.md").read_text(encoding="utf-8"))


def test_map_text_stays_text_in_markdown(project: Path) -> None:
    evil = "[click](javascript:alert(1)) <img src=x onerror=alert(1)> | x | y ![i](http://e.com/i.png) `code` **b**"
    write(
        project,
        "m.cjmap.yaml",
        f"""
        cjmap: 1
        title: "{evil}"
        stages:
          - name: "{evil}"
            touchpoints:
              - {{name: "{evil}", doing: "line one\\n\\n| new | row |", emotion: -1, pain_points: ["{evil}"]}}
    """,
    )
    assert run_cli("render", "m.cjmap.yaml", "--format", "markdown", cwd=project).returncode in (0, 1)
    text = (project / "m.md").read_text()
    body = text.split("```", 2)[2]  # outside the Mermaid block, which Mermaid reads as plain text
    assert "<img" not in body and "](" not in body and "`code`" not in body and "**b**" not in body
    table = [line for line in body.splitlines() if line.startswith("|")]
    unescaped_pipes = {len(re.findall(r"(?<!\\)\|", line)) for line in table}
    assert len(table) == 8 and unescaped_pipes == {3}, table  # header, rule, 6 lanes; 1 stage = 3 pipes each
