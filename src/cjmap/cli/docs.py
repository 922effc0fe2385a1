"""`cjmap rules`, `cjmap rule`, `cjmap schema`: what the linter and the format document about themselves."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from cjmap.cli import EXIT_INPUT, _fail, _write_or_exit, app


@app.command()
def rules(
    markdown: Annotated[bool, typer.Option("--markdown", help="Print the table as Markdown (as in README.md).")] = False,
) -> None:
    """List every lint rule: code, name, default severity and what it finds."""
    from cjmap.rules import RULES, rules_markdown

    if markdown:
        sys.stdout.write(rules_markdown())
        return
    for code in sorted(RULES):
        rule = RULES[code]
        typer.echo(f"{code}  {rule.name:<32} {rule.severity.value:<8} {rule.summary}")


@app.command()
def rule(
    code_or_name: Annotated[str, typer.Argument(metavar="CODE|NAME", help="A rule code (CJM101) or name (stage-without-touchpoints).")],
) -> None:
    """Print a rule's documentation, with a failing and a passing example."""
    from cjmap.rules import RULES

    wanted = code_or_name.strip()
    found = next((r for r in RULES.values() if r.code == wanted.upper() or r.name == wanted.lower()), None)
    if found is None:
        _fail(f"no rule '{wanted}' (see `cjmap rules`)")
        raise typer.Exit(EXIT_INPUT)
    typer.echo(f"{found.code} {found.name} (default: {found.severity.value})\n\n{found.doc}")


@app.command()
def schema(
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write to this file instead of standard output.")] = None,
) -> None:
    """Print the JSON Schema of the map format (for editors and other tools)."""
    from cjmap.schema import schema_text

    text = schema_text()
    if output is None:
        sys.stdout.write(text)
        return
    _write_or_exit(output, text)
