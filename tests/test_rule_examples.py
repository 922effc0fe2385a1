"""Every rule's documented examples, run: the Fails example yields the rule's code, the Passes one does not.

`cjmap rule CODE` prints these examples to users, so an example that does not do what it says
is a wrong answer in the docs. A fragment is placed into a small map by its first line: a list
item is a touchpoint, `touchpoints:` is a stage, anything else is the top of a map. The map
imports the teams and channels the examples name, as a project's shared file would define them.
"""

from __future__ import annotations

import re
import textwrap
from datetime import date
from pathlib import Path

import pytest

from cjmap.lint.pipeline import check
from cjmap.rules import RULES, Context
from conftest import TODAY, write

HEAD = "cjmap: 1\ntitle: Example\nimports: [shared.cjmap.yaml]\n"
SHARED = """\
cjmap: 1
teams: [{id: sales}, {id: support}, {id: logistics}, {id: marketing}]
channels: [{id: email}, {id: phone}]
"""


def as_map(example: str) -> str:
    """A whole map around a documented fragment."""
    first = example.splitlines()[0]
    if first.startswith("- "):
        return HEAD + "stages:\n  - name: Stage\n    touchpoints:\n" + textwrap.indent(example, "      ") + "\n"
    if first.startswith("touchpoints:"):
        return HEAD + "stages:\n  - name: Stage\n" + textwrap.indent(example, "    ") + "\n"
    if first.startswith("cjmap:"):
        return example.replace("cjmap: 1\n", HEAD.replace("title: Example\n", ""), 1) + "\n"
    return HEAD + example + "\n"


def codes_found(project: Path, example: str, code: str) -> list[str]:
    write(project, "shared.cjmap.yaml", SHARED)
    for name, lines in re.findall(r"^# (\S+\.csv): (.*)$", example, re.MULTILINE):  # a data file, shown as a comment
        write(project, name, lines.replace(" | ", "\n") + "\n")
    path = write(project, "example.cjmap.yaml", as_map(example))
    result = check(path, "example.cjmap.yaml", context=Context(today=date.fromisoformat(TODAY)))
    assert result.loaded, [str(d) for d in result.diagnostics]  # an example that does not load proves nothing
    return [d.code for d in result.diagnostics if d.code == code]


@pytest.mark.parametrize("code", sorted(RULES))
def test_the_failing_example_fails(project: Path, code: str) -> None:
    fails, _ = RULES[code].examples()
    assert codes_found(project, fails, code), f"{code}'s Fails example does not produce {code}:\n{as_map(fails)}"


@pytest.mark.parametrize("code", sorted(RULES))
def test_the_passing_example_passes(project: Path, code: str) -> None:
    _, passes = RULES[code].examples()
    assert codes_found(project, passes, code) == [], f"{code}'s Passes example produces {code}:\n{as_map(passes)}"


def test_fragments_land_where_their_first_line_says() -> None:
    assert as_map("- {name: A}").endswith("    touchpoints:\n      - {name: A}\n")
    assert as_map("touchpoints:\n  - {name: A}").endswith("  - name: Stage\n    touchpoints:\n      - {name: A}\n")
    assert as_map("updated: 2026-01-01") == HEAD + "updated: 2026-01-01\n"
