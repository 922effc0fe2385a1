"""README's promises: two set-up commands first, and CI runs the second one verbatim."""

from __future__ import annotations

import re

from cjmap.diagnostics import STRUCTURAL_CODES
from cjmap.rules import RULES

from conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def opening_commands() -> list[str]:
    block = re.search(r"```sh\n(.*?)```", README, re.DOTALL)
    assert block and README.index(block.group(0)) < README.index("\n## "), "README must open with the commands"
    return [line for line in block.group(1).splitlines() if line.strip() and not line.startswith("#")]


def test_readme_opens_with_two_commands_render_then_test() -> None:
    render, test = opening_commands()
    assert "cjmap render examples/" in render and "graphviz" in render
    assert "pytest" in test and "graphviz" in test


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    ci_lines = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert opening_commands()[1] in ci_lines


def test_every_diagnostic_code_is_documented() -> None:
    for code, name in {**STRUCTURAL_CODES, **{c: r.name for c, r in RULES.items()}}.items():
        assert f"| {code} | {name} |" in README, code
