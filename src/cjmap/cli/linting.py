"""`cjmap lint`: its options, as typer parses them; what it does is `cli/lint_maps.py`."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from cjmap.cli.common import DATA_HELP, Level
from cjmap.lint.formats import LINT_FORMATS

# `--format`'s choices, from the registry (an Enum, so the help lists them and typer checks them);
# mypy cannot see members made at run time
OutputFormat = Enum("OutputFormat", {name: name for name in LINT_FORMATS}, type=str)  # type: ignore[misc]


def lint(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(metavar="PATH", help="Map files or folders (default: every map under the current folder)."),
    ] = None,
    output_format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat[
        "text"
    ],
    select: Annotated[
        list[str] | None,
        typer.Option(
            "--select",
            help="Rules to run (codes, prefixes like CJM2, or names; comma-separated). Replaces the config's.",
        ),
    ] = None,
    ignore: Annotated[list[str] | None, typer.Option("--ignore", help="Rules to skip, added to the config's.")] = None,
    config: Annotated[
        Path | None,
        typer.Option("--config", help="Settings file (default: cjmap.toml or [tool.cjmap] found upwards)."),
    ] = None,
    fail_on: Annotated[
        Level | None, typer.Option("--fail-on", help="Lowest severity that makes the exit code 1 (default: error).")
    ] = None,
    exit_zero: Annotated[
        bool,
        typer.Option(
            "--exit-zero", help="Exit 0 even when findings are reported (2 still means a map could not be loaded)."
        ),
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print findings only, no summary.")] = False,
    show_statistics: Annotated[
        bool, typer.Option("--statistics", help="Print how often each rule fired instead of the findings.")
    ] = False,
    today: Annotated[
        str | None, typer.Option("--today", help="Date to judge freshness against (YYYY-MM-DD; default: today).")
    ] = None,
    report_unused: Annotated[
        bool,
        typer.Option(
            "--report-unused-ignores", help="Report `# cjmap: ignore` comments that suppress nothing (CJM901)."
        ),
    ] = False,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", min=1, help="Maps linted at once (default: one per core when there are many)."),
    ] = None,
    data: Annotated[
        list[Path] | None,
        typer.Option("--data", metavar="FILE", help=DATA_HELP),
    ] = None,
) -> None:
    """Check maps and report problems: exit 0 when clean, 1 on findings at --fail-on, 2 when a map cannot be loaded."""
    from cjmap.cli.lint_maps import lint_maps

    lint_maps(
        paths,
        output_format=output_format.value,
        select=select,
        ignore=ignore,
        config=config,
        fail_on=fail_on.value if fail_on else None,
        exit_zero=exit_zero,
        quiet=quiet,
        show_statistics=show_statistics,
        today=today,
        report_unused=report_unused,
        jobs=jobs,
        data=data,
    )
