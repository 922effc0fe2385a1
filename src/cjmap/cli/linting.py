"""`cjmap lint`: check maps and report findings in every CI format."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cjmap.cli.common import (
    DATA_HELP,
    EXIT_FINDINGS,
    EXIT_INPUT,
    LINT_BATCH,
    Level,
    _display,
    _fail,
    _print_diagnostics,
    _selectors,
    _today,
    check_data_option,
)
from cjmap.lint.formats import LINT_FORMATS

if TYPE_CHECKING:
    from cjmap.lint.pipeline import LintTask

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
    from cjmap.diagnostics import MapError, Severity, summary
    from cjmap.lint.pipeline import LintTask, discover, lint_files
    from cjmap.lint.policy import PolicyFinder, SelectorError
    from cjmap.rules import Context

    context = Context(today=_today(today))
    chosen = LINT_FORMATS[output_format.value]
    if show_statistics and chosen.statistics is None:
        counted = " or ".join(f.name for f in LINT_FORMATS.values() if f.statistics)
        _fail(f"--statistics prints counts as {counted}, not as {chosen.name}; drop one of the two")
        raise typer.Exit(EXIT_INPUT)
    check_data_option(paths or [], data)
    missing = [p for p in paths or () if not p.exists()]
    if missing:
        for p in missing:
            typer.echo(f"{p}:1:1: error CJM000 no such file or folder [unreadable-file]", err=True)
        raise typer.Exit(EXIT_INPUT)
    try:
        policies = PolicyFinder(
            config, _selectors(select), _selectors(ignore), fail_on.value if fail_on else None, report_unused
        )
        files = list(discover(paths or [Path(".")]))
        tasks = []
        for path in files:
            policy = policies.for_path(path)
            ctx = policy.context(context.today)
            tasks.append(LintTask(path, _display(path), policy, ctx, tuple(data or ())))
    except MapError as e:  # a broken config: nothing can be judged
        _print_diagnostics(e.diagnostics, stderr=True)
        raise typer.Exit(EXIT_INPUT) from None
    except SelectorError as e:
        _fail(str(e))
        raise typer.Exit(EXIT_INPUT) from None
    from cjmap.cli.progress import progress_bar
    from cjmap.jobs.batch import default_jobs, in_groups, run_groups
    from cjmap.lint.formats import LintReport, unique

    # one process is quicker for a handful of maps: forking workers costs more than linting them
    workers = jobs or (default_jobs() if len(tasks) >= LINT_BATCH else 1)
    groups = in_groups(tasks, workers, weight=_size)  # neighbours in runs: few round trips between processes
    results = list(
        zip(run_groups(lint_files, groups, workers, progress_bar("linting")), (t.policy for t in tasks), strict=True)
    )

    diagnostics = unique(d for r, _ in results for d in r.diagnostics)
    if show_statistics and chosen.statistics is not None:
        sys.stdout.write(chosen.statistics(diagnostics))
    elif chosen.for_people:
        _print_diagnostics(diagnostics)
    else:
        worst = min((p.fail_on for _, p in results), key=lambda s: s.rank, default=Severity.ERROR)
        sys.stdout.write(chosen.write(LintReport(diagnostics, [(r.file, r.diagnostics) for r, _ in results], worst)))
    if not quiet and chosen.for_people:
        typer.echo(
            summary(diagnostics, len(files)) if files else "no maps found (YAML files with a top-level 'cjmap:' key)",
            err=True,
        )
    if any(not r.loaded for r, _ in results):
        raise typer.Exit(EXIT_INPUT)
    failing = any(d.severity.rank >= p.fail_on.rank for r, p in results for d in r.diagnostics)
    if failing and not exit_zero:
        raise typer.Exit(EXIT_FINDINGS)


def _size(task: LintTask) -> int:
    """A map's weight when maps are grouped for the workers: its bytes (0 when it cannot be read; lint says why)."""
    try:
        return task.path.stat().st_size
    except OSError:
        return 0
