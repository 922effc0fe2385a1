"""`cjmap rules`, `cjmap rule`, `cjmap schema`: what the linter and the format document about themselves."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from cjmap.cli.common import EXIT_INPUT, _fail, _write_or_exit


def rules(
    markdown: Annotated[
        bool, typer.Option("--markdown", help="Print the table as Markdown (as in README.md).")
    ] = False,
) -> None:
    """List every lint rule: code, name, default severity and what it finds."""
    from cjmap.rules import RULES, rules_markdown

    if markdown:
        sys.stdout.write(rules_markdown())
        return
    for code in sorted(RULES):
        rule = RULES[code]
        typer.echo(f"{code}  {rule.name:<32} {rule.severity.value:<8} {rule.summary}")


def rule(
    code_or_name: Annotated[
        str, typer.Argument(metavar="CODE|NAME", help="A rule code (CJM101) or name (stage-without-touchpoints).")
    ],
) -> None:
    """Print a rule's documentation, with a failing and a passing example (or what a loading error means)."""
    from cjmap.diagnostics import OTHER_CODES, STRUCTURAL_CODES, code_meaning
    from cjmap.rules import RULES

    wanted = code_or_name.strip()
    found = next((r for r in RULES.values() if r.code == wanted.upper() or r.name == wanted.lower()), None)
    if found is not None:
        typer.echo(f"{found.code} {found.name} (default: {found.severity.value})\n\n{found.doc}")
        return
    other = {**STRUCTURAL_CODES, **OTHER_CODES}
    code = next((c for c, name in other.items() if c == wanted.upper() or name == wanted.lower()), None)
    if code is None:
        _fail(f"no rule or code '{wanted}' (see `cjmap rules`, and README.md for CJM0xx)")
        raise typer.Exit(EXIT_INPUT)
    from cjmap.importers import IMPORTERS

    kinds = {i.code: f"from `cjmap import {i.name}`" for i in IMPORTERS.values()}
    kinds["CJM901"] = "warning about the suppression comments themselves"
    kind = kinds.get(code, "error: the map could not be loaded, so it is not linted or rendered; it cannot be ignored")
    typer.echo(f"{code} {other[code]} ({kind})\n\n{code_meaning(code)}")


def schema(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of standard output.")
    ] = None,
) -> None:
    """Print the JSON Schema of the map format (for editors and other tools)."""
    from cjmap.schema import schema_text

    text = schema_text()
    if output is None:
        sys.stdout.write(text)
        return
    _write_or_exit(output, text)
