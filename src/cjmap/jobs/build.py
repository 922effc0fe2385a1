"""Render one map to disk: the unit of work `cjmap render` spreads over processes and repeats in --watch.

A worker prints nothing; it returns what happened (findings, files written,
one error line) and the CLI prints results in input order.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from cjmap.diagnostics import Diagnostic, Location, structural
from cjmap.lint.pipeline import check
from cjmap.source.safeio import resolved

if TYPE_CHECKING:
    from cjmap.lint.policy import Policy
    from cjmap.render.outputs import Rendering
    from cjmap.rules import Context


class RenderTask(NamedTuple):
    path: Path
    display: str
    targets: tuple[tuple[str, Path], ...]  # (format, output path), in the order they are written
    policy: Policy
    context: Context
    timeout: float
    generator: str
    named: bool  # named on the command line, not found in a folder: a file without stages is then an error
    theme: str = "light"
    lanes: str = "none"  # the diagram's rows: none, persona or channel
    data: tuple[Path, ...] = ()  # metric data files named with --data, besides the map's own


class Rendered(NamedTuple):
    file: str
    diagnostics: tuple[Diagnostic, ...]
    written: tuple[Path, ...] = ()
    error: str | None = None  # one line for `error: ...` when rendering or writing failed
    loaded: bool = True
    skipped: bool = False  # a definitions-only file met while walking a folder
    sources: tuple[Path, ...] = ()

    @property
    def failed(self) -> bool:
        return not self.loaded or self.error is not None


def render_file(task: RenderTask) -> Rendered:
    """Load, lint and render one map; write its outputs atomically, or nothing when anything fails."""
    return render_files([task])[0]


def render_files(tasks: Sequence[RenderTask]) -> list[Rendered]:
    """`render_file` of each task, their diagrams drawn by one Graphviz process (see cjmap.render.drawing)."""
    from cjmap.render import draw_together

    started = [_start(task) for task in tasks]
    draw_together([(s.rendering, s.formats) for s in started if isinstance(s, _Started)])
    return [_finish(s) if isinstance(s, _Started) else s for s in started]


class _Started(NamedTuple):
    """A map loaded and checked, its rendering begun: what is left is building the outputs and writing them."""

    task: RenderTask
    done: Rendered
    rendering: Rendering
    formats: list[str]
    inputs: tuple[Path, ...]


def _start(task: RenderTask) -> _Started | Rendered:
    """Load and lint one map and begin its rendering; a Rendered when there is nothing more to do."""
    from cjmap.render import RenderError, start_rendering

    result = check(task.path, task.display, task.policy, task.context, task.data)
    done = Rendered(file=result.file, diagnostics=result.diagnostics, sources=result.sources)
    if result.journey is None:
        return done._replace(loaded=False)
    if not result.journey.stages:
        if not task.named:
            return done._replace(skipped=True)
        nothing = structural(
            "CJM002",
            Location(result.file, 1, 1),
            "nothing to render: the file defines no stages (a shared definitions file?)",
        )
        return done._replace(diagnostics=(*result.diagnostics, nothing), loaded=False)
    clash = next((t for _, t in task.targets if _same_file(t, task.path)), None)
    if clash is not None:
        return done._replace(
            error=f"{clash} is the map itself; rename the map to *.cjmap.yaml or choose another -o folder"
        )
    formats = [fmt for fmt, _ in task.targets]
    try:
        rendering = start_rendering(
            result.journey,
            formats,
            result.diagnostics,
            task.generator,
            task.timeout,
            task.theme,
            task.context.today,
            task.lanes,
        )
    except RenderError as e:
        return done._replace(error=f"{task.display}: {e}")
    return _Started(task, done, rendering, formats, (task.path, *result.sources))


def _finish(started: _Started) -> Rendered:
    """Build the outputs of a started map and write them atomically, or nothing when anything fails."""
    from cjmap.jobs.output import write_all
    from cjmap.render import RenderError, build_outputs
    from cjmap.source.safeio import why

    task, done = started.task, started.done
    try:
        outputs = build_outputs(started.rendering, started.formats)
    except RenderError as e:
        return done._replace(error=f"{task.display}: {e}")
    folder = task.targets[0][1].parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (OSError, ValueError) as e:  # FileExistsError: a file, or a link to nowhere, holds a folder's place
        said = "it is not a folder" if isinstance(e, FileExistsError) else why(e)
        return done._replace(error=f"cannot write to {getattr(e, 'filename', None) or folder}: {said}")
    try:
        write_all([(target, outputs[fmt]) for fmt, target in task.targets], inputs=started.inputs)
    except (OSError, ValueError) as e:  # name the output the user asked for, not our temporary file
        where = getattr(e, "filename", None) or task.targets[0][1]
        return done._replace(error=f"cannot write to {where}: {why(e)}")
    return done._replace(written=tuple(target for _, target in task.targets))


def _same_file(target: Path, source: Path) -> bool:
    """Whether an output path names the map; a path the system cannot even look up names nothing."""
    try:
        return target.exists() and resolved(target) == resolved(source)
    except (OSError, ValueError):
        return False
