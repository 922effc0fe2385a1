"""What `cjmap lint` does once its options are known: find the maps, lint them, print, exit with the verdict.

Typer parses the options (`cli/linting.py`) and calls this. A bare `cjmap lint [PATH...]` (no options: how
people lint as they write, and how pre-commit hooks call it) comes here straight from `cjmap.entry`
without importing typer, about 30 ms of a 100 ms run. So this module, and what it imports, never imports
typer; the keyword defaults below are the command's (tests/test_cli.py compares the two).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from cjmap.cli.common import (
    EXIT_FINDINGS,
    EXIT_INPUT,
    LINT_BATCH,
    _display,
    _fail,
    _print_diagnostics,
    _selectors,
    _today,
    check_data_option,
    map_bytes,
    nothing_there,
    say,
)
from cjmap.lint.formats import LINT_FORMATS


def lint_maps(
    paths: Sequence[Path] | None = None,
    *,
    output_format: str = "text",
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    config: Path | None = None,
    fail_on: str | None = None,
    exit_zero: bool = False,
    quiet: bool = False,
    show_statistics: bool = False,
    today: str | None = None,
    report_unused: bool = False,
    jobs: int | None = None,
    data: list[Path] | None = None,
) -> None:
    """Lint `paths` (every map under the current folder when None); SystemExit 1 or 2 unless all is well."""
    from cjmap.diagnostics import MapError, Severity, summary
    from cjmap.lint.pipeline import LintTask, discover, lint_files
    from cjmap.lint.policy import PolicyFinder, SelectorError
    from cjmap.rules import Context

    context = Context(today=_today(today))
    chosen = LINT_FORMATS[output_format]
    if show_statistics and chosen.statistics is None:
        counted = " or ".join(f.name for f in LINT_FORMATS.values() if f.statistics)
        _fail(f"--statistics prints counts as {counted}, not as {chosen.name}; drop one of the two")
        raise SystemExit(EXIT_INPUT)
    check_data_option(paths or [], data)
    missing = [p for p in paths or () if nothing_there(p)]
    if missing:
        for p in missing:
            say(f"{p}:1:1: error CJM000 no such file or folder [unreadable-file]", err=True)
        raise SystemExit(EXIT_INPUT)
    try:
        policies = PolicyFinder(config, _selectors(select), _selectors(ignore), fail_on, report_unused)
        files = list(discover(paths or [Path(".")]))
        tasks = []
        for path in files:
            policy = policies.for_path(path)
            ctx = policy.context(context.today)
            tasks.append(LintTask(path, _display(path), policy, ctx, tuple(data or ())))
    except MapError as e:  # a broken config: nothing can be judged
        _print_diagnostics(e.diagnostics, stderr=True)
        raise SystemExit(EXIT_INPUT) from None
    except SelectorError as e:
        _fail(str(e))
        raise SystemExit(EXIT_INPUT) from None
    from cjmap.cli.progress import progress_bar
    from cjmap.jobs.batch import default_jobs, in_groups, run_groups
    from cjmap.lint.formats import LintReport, unique

    # one process is quicker for a handful of maps: forking workers costs more than linting them
    workers = jobs or (default_jobs() if len(tasks) >= LINT_BATCH else 1)
    groups = in_groups(tasks, workers, weight=map_bytes)  # neighbours in runs: few round trips between processes
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
        say(
            summary(diagnostics, len(files)) if files else "no maps found (YAML files with a top-level 'cjmap:' key)",
            err=True,
        )
    if any(not r.loaded for r, _ in results):
        raise SystemExit(EXIT_INPUT)
    failing = any(d.severity.rank >= p.fail_on.rank for r, p in results for d in r.diagnostics)
    if failing and not exit_zero:
        raise SystemExit(EXIT_FINDINGS)
