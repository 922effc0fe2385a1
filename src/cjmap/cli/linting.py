"""`cjmap lint`: check maps and report findings in every CI format."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from cjmap.cli import (
    EXIT_FINDINGS,
    EXIT_INPUT,
    LINT_BATCH,
    Level,
    OutputFormat,
    _display,
    _fail,
    _print_diagnostics,
    _selectors,
    _today,
    app,
)


@app.command(short_help="Check maps: exit 1 on findings, 2 when a map cannot load.")
def lint(
    paths: Annotated[Optional[list[Path]], typer.Argument(metavar="PATH", help="Map files or folders (default: every map under the current folder).")] = None,
    output_format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.text,
    select: Annotated[Optional[list[str]], typer.Option("--select", help="Rules to run (codes, prefixes like CJM2, or names; comma-separated). Replaces the config's.")] = None,
    ignore: Annotated[Optional[list[str]], typer.Option("--ignore", help="Rules to skip, added to the config's.")] = None,
    config: Annotated[Optional[Path], typer.Option("--config", help="Settings file (default: cjmap.toml or [tool.cjmap] found upwards).")] = None,
    fail_on: Annotated[Optional[Level], typer.Option("--fail-on", help="Lowest severity that makes the exit code 1 (default: error).")] = None,
    exit_zero: Annotated[bool, typer.Option("--exit-zero", help="Exit 0 even when findings are reported (2 still means a map could not be loaded).")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print findings only, no summary.")] = False,
    show_statistics: Annotated[bool, typer.Option("--statistics", help="Print how often each rule fired instead of the findings.")] = False,
    today: Annotated[Optional[str], typer.Option("--today", help="Date to judge freshness against (YYYY-MM-DD; default: today).")] = None,
    report_unused: Annotated[bool, typer.Option("--report-unused-ignores", help="Report `# cjmap: ignore` comments that suppress nothing (CJM901).")] = False,
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", min=1, help="Maps linted at once (default: one per core when there are many).")] = None,
) -> None:
    """Check maps and report problems: exit 0 when clean, 1 on findings at --fail-on, 2 when a map cannot be loaded."""
    from cjmap.diagnostics import MapError, Severity, summary, to_json
    from cjmap.lint.pipeline import LintTask, discover, lint_file
    from cjmap.lint.policy import PolicyFinder, SelectorError
    from cjmap.rules import Context

    context = Context(today=_today(today))
    if show_statistics and output_format not in (OutputFormat.text, OutputFormat.json):
        _fail(f"--statistics prints counts as text or json, not as {output_format.value}; drop one of the two")
        raise typer.Exit(EXIT_INPUT)
    missing = [p for p in paths or () if not p.exists()]
    if missing:
        for p in missing:
            typer.echo(f"{p}:1:1: error CJM000 no such file or folder [unreadable-file]", err=True)
        raise typer.Exit(EXIT_INPUT)
    try:
        policies = PolicyFinder(config, _selectors(select), _selectors(ignore), fail_on.value if fail_on else None, report_unused)
        files = list(discover(paths or [Path(".")]))
        tasks = []
        for path in files:
            policy = policies.for_path(path)
            ctx = policy.context(context.today)
            tasks.append(LintTask(path, _display(path), policy, ctx))
    except MapError as e:  # a broken config: nothing can be judged
        _print_diagnostics(e.diagnostics, stderr=True)
        raise typer.Exit(EXIT_INPUT) from None
    except SelectorError as e:
        _fail(str(e))
        raise typer.Exit(EXIT_INPUT) from None
    from cjmap.jobs.batch import default_jobs, run_all
    from cjmap.lint.formats import statistics, statistics_json, to_github, to_junit, to_sarif, unique

    # one process is quicker for a handful of maps: forking workers costs more than linting them
    workers = jobs or (default_jobs() if len(tasks) >= LINT_BATCH else 1)
    results = list(zip(run_all(lint_file, tasks, workers, "linting"), (t.policy for t in tasks)))

    diagnostics = unique(d for r, _ in results for d in r.diagnostics)
    if show_statistics and output_format is OutputFormat.json:
        sys.stdout.write(statistics_json(diagnostics))
    elif show_statistics:
        sys.stdout.write(statistics(diagnostics))
    elif output_format is OutputFormat.json:
        sys.stdout.write(to_json(diagnostics))
    elif output_format is OutputFormat.github:
        sys.stdout.write(to_github(diagnostics))
    elif output_format is OutputFormat.sarif:
        sys.stdout.write(to_sarif(diagnostics))
    elif output_format is OutputFormat.junit:
        worst = min((p.fail_on for _, p in results), key=lambda s: s.rank, default=Severity.ERROR)
        sys.stdout.write(to_junit([(r.file, r.diagnostics) for r, _ in results], worst))
    else:
        _print_diagnostics(diagnostics)
    if not quiet and output_format is OutputFormat.text:
        typer.echo(summary(diagnostics, len(files)) if files else "no maps found (YAML files with a top-level 'cjmap:' key)", err=True)
    if any(not r.loaded for r, _ in results):
        raise typer.Exit(EXIT_INPUT)
    failing = any(d.severity.rank >= p.fail_on.rank for r, p in results for d in r.diagnostics)
    if failing and not exit_zero:
        raise typer.Exit(EXIT_FINDINGS)
