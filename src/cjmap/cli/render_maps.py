"""What `cjmap render` does once its options are known: plan the outputs, render (many maps at once), report.

Typer parses the options (`cli/rendering.py`) and calls this; a bare `cjmap render PATH...` (no options)
comes here straight from `cjmap.entry` without importing typer (~30 ms). So nothing here imports typer,
and the keyword defaults are the command's (tests/test_light_lint.py compares the two).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from cjmap import __version__
from cjmap.cli.common import (
    EXIT_CLEAN,
    EXIT_FINDINGS,
    EXIT_INPUT,
    _display,
    _fail,
    _print_diagnostics,
    _today,
    _wrote,
    check_data_option,
    map_bytes,
    nothing_there,
    say,
)
from cjmap.render.outputs import OUTPUT_FORMATS
from cjmap.source.safeio import resolved

DEFAULT_FORMATS = ",".join(f.name for f in OUTPUT_FORMATS.values() if f.default)


def render_maps(
    paths: Sequence[Path],
    *,
    output_dir: Path | None = None,
    formats: str = DEFAULT_FORMATS,
    timeout: float = 60.0,
    jobs: int | None = None,
    watch: bool = False,
    theme: str = "light",
    lanes: str = "none",
    today: str | None = None,
    data: Sequence[Path] | None = None,
) -> None:
    """Render every map under `paths`; SystemExit 1 or 2 unless all is well (0 after --watch is stopped)."""
    from cjmap.cli.progress import progress_bar
    from cjmap.jobs.batch import default_jobs, in_groups, run_groups
    from cjmap.jobs.build import render_files

    chosen = _formats(formats)
    missing = [p for p in paths if nothing_there(p)]
    if missing:
        for p in missing:
            say(f"{_display(p)}:1:1: error CJM000 no such file or folder [unreadable-file]", err=True)
        raise SystemExit(EXIT_INPUT)
    check_data_option(paths, data)
    if any(OUTPUT_FORMATS[fmt].graphviz for fmt in chosen):
        _require_dot()
    planner = _Planner(paths, output_dir, chosen, timeout, theme, _today(today), lanes, tuple(data or ()))
    tasks = _render_tasks(planner, paths)
    workers = jobs or default_jobs()
    # neighbouring maps share a Graphviz process (each saves ~15 ms of its start); a big map goes alone
    groups = in_groups(tasks, workers, map_bytes)
    results = run_groups(render_files, groups, workers, progress_bar("rendering"))
    code = _report_renders(results, [t.policy for t in tasks])
    if watch:
        from cjmap.jobs.watch import watch_and_render

        folders = [p for p in paths if os.path.isdir(p)]
        find_new = _new_maps(planner, folders) if folders else None
        watch_and_render(
            tasks,
            results,
            lambda result, task: _report_renders([result], [task.policy]),
            lambda line: say(line, err=True),
            find_new=find_new,
        )
        code = EXIT_CLEAN  # stopped by the user, who saw every result as it came
    if code:
        raise SystemExit(code)


def _formats(value: str) -> list[str]:
    chosen = [f.strip().lower() for f in value.split(",") if f.strip()]
    unknown = [f for f in chosen if f not in OUTPUT_FORMATS]
    if unknown or not chosen:
        import typer  # a wrong --format comes only through typer, which words it as a usage error

        raise typer.BadParameter(f"choose from {', '.join(OUTPUT_FORMATS)} (comma-separated), got {value!r}")
    return list(dict.fromkeys(chosen))


def _require_dot() -> None:
    """Say once, before any work, that Graphviz is missing, rather than once per map."""
    import shutil

    from cjmap.render import INSTALL_GRAPHVIZ

    if shutil.which("dot") is None:
        _fail(INSTALL_GRAPHVIZ)
        raise SystemExit(EXIT_INPUT)


class _Planner:
    """Turns map paths into render tasks; refuses two maps that would write the same output."""

    def __init__(
        self,
        paths: Sequence[Path],
        output_dir: Path | None,
        chosen: list[str],
        timeout: float,
        theme: str,
        today,
        lanes: str = "none",
        data: tuple[Path, ...] = (),
    ) -> None:
        from cjmap.lint.policy import PolicyFinder

        self.named = {resolved(p) for p in paths if not os.path.isdir(p)}
        self.output_dir, self.chosen, self.timeout, self.theme, self.today = output_dir, chosen, timeout, theme, today
        self.lanes, self.data = lanes, data
        self.policies = PolicyFinder()
        self.owners: dict[Path, str] = {}

    def task(self, path: Path):
        """The task for one map, or None after saying which map already writes its outputs."""
        from cjmap.jobs.build import RenderTask
        from cjmap.lint.pipeline import output_stem

        policy = self.policies.for_path(path)
        folder = self.output_dir if self.output_dir is not None else path.parent
        targets = tuple((fmt, folder / f"{output_stem(path)}.{OUTPUT_FORMATS[fmt].suffix}") for fmt in self.chosen)
        first = resolved(targets[0][1])
        if first in self.owners:
            _fail(
                f"{_display(path)} and {self.owners[first]} would both write {targets[0][1]};"
                " render them into different -o folders"
            )
            return None
        self.owners[first] = _display(path)
        context = policy.context(self.today)
        return RenderTask(
            path,
            _display(path),
            targets,
            policy,
            context,
            self.timeout,
            f"cjmap {__version__}",
            resolved(path) in self.named,
            self.theme,
            self.lanes,
            self.data,
        )


def _render_tasks(planner: _Planner, paths: Sequence[Path]) -> list:
    """One task per map, in discovery order; any clash of outputs stops the run before anything is written."""
    from cjmap.diagnostics import MapError
    from cjmap.lint.pipeline import discover

    try:
        tasks = [planner.task(path) for path in discover(paths)]
    except MapError as e:  # a broken config
        _print_diagnostics(e.diagnostics, stderr=True)
        raise SystemExit(EXIT_INPUT) from None
    if None in tasks:
        raise SystemExit(EXIT_INPUT)
    return tasks


def _new_maps(planner: _Planner, folders: list[Path]):
    """For --watch: tasks for maps that appeared in the watched folders since the last look."""
    from cjmap.diagnostics import MapError
    from cjmap.lint.pipeline import discover

    def find(known: set[Path]) -> list:
        found = []
        for path in discover(folders):
            key = resolved(path)
            if key in known:
                continue
            known.add(key)  # looked at once: a clash or a broken config is reported once, not every second
            try:
                task = planner.task(path)
            except MapError as e:
                _print_diagnostics(e.diagnostics, stderr=True)
                continue
            if task is not None:
                found.append(task)
        return found

    return find


def _report_renders(results: Sequence, policies: Sequence) -> int:
    """Print each map's findings and files in input order, a summary for batches; return the exit code."""
    code = EXIT_CLEAN
    for result, policy in zip(results, policies, strict=True):
        _print_diagnostics(result.diagnostics, stderr=True)
        for target in result.written:
            _wrote(target)
        if result.error:
            _fail(result.error)
        if result.failed:
            code = EXIT_INPUT
        elif code == EXIT_CLEAN and any(d.severity.rank >= policy.fail_on.rank for d in result.diagnostics):
            code = EXIT_FINDINGS
    rendered = [r for r in results if not r.skipped]
    if len(rendered) > 1:
        failed = sum(r.failed for r in rendered)
        say(
            f"rendered {len(rendered) - failed} of {len(rendered)} maps" + (f"; {failed} failed" if failed else ""),
            err=True,
        )
    elif not rendered:
        say("no maps to render (YAML files with a top-level 'cjmap:' key and stages)", err=True)
    return code
