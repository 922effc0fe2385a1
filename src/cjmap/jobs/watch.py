"""`cjmap render --watch`: re-render a map when it, or a file it imports, is saved.

Polling the few files involved is simple, portable and cheap (a stat each a
quarter second) and needs no extra dependency. A change is rendered once the
files have stopped changing, so an editor's write-then-rename counts once.
Folders named on the command line are looked through again every second, so
a map added to them is rendered and watched too.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

from cjmap.jobs.build import Rendered, RenderTask, render_file
from cjmap.source.safeio import resolved

POLL_SECONDS = 0.25
SETTLE_SECONDS = 0.2
RESCAN_POLLS = 4  # folders are walked every 4th poll: a second

Stamp = tuple[tuple[str, int, int], ...]


def _stamp(paths: set[Path]) -> Stamp:
    """Modification time and size of every file; a missing file stamps as (-1, -1)."""
    found = []
    for path in sorted(paths):
        try:
            info = path.stat()
            found.append((str(path), info.st_mtime_ns, info.st_size))
        except OSError:
            found.append((str(path), -1, -1))
    return tuple(found)


def _changed(before: Stamp, after: Stamp) -> str:
    """The first file that differs, as a path relative to here when it can be."""
    old = {path: rest for path, *rest in before}
    path = next((p for p, *rest in after if old.get(p) != rest), after[0][0])
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return path


def _watched(task: RenderTask, result: Rendered, before: set[Path]) -> set[Path]:
    """The map, its imports and data files; when it did not load, what it read last time too, and a file that
    went missing (a data export being replaced, an import being renamed) stays watched until it comes back."""
    now = {resolved(task.path), *(resolved(p) for p in result.sources)}
    return now | before if not result.loaded else now | {p for p in before if not p.exists()}


def watch_and_render(
    tasks: Sequence[RenderTask],
    first: Sequence[Rendered],
    report: Callable[[Rendered, RenderTask], int],
    say: Callable[[str], None],
    sleep: Callable[[float], None] = time.sleep,
    find_new: Callable[[set[Path]], list[RenderTask]] | None = None,
) -> None:
    """Loop until Ctrl-C: find maps whose files changed, wait for them to settle, render each once.

    `find_new` is given the maps already known (and adds to them) and returns tasks for new ones;
    `say` shows a line of progress (the library itself never prints).
    """
    tasks = list(tasks)
    watched = [_watched(task, result, set()) for task, result in zip(tasks, first, strict=True)]
    stamps = [_stamp(files) for files in watched]
    known = {resolved(task.path) for task in tasks}
    say(f"watching {len(tasks)} map{'s' if len(tasks) != 1 else ''} and their imports; Ctrl-C to stop")
    try:
        polls = 0
        while True:
            sleep(POLL_SECONDS)
            polls += 1
            if find_new is not None and polls % RESCAN_POLLS == 0:
                for task in find_new(known):
                    tasks.append(task)
                    watched.append({resolved(task.path)})
                    stamps.append(())  # never rendered: counts as changed, and is rendered once it settles
            for i, task in enumerate(tasks):
                now = _stamp(watched[i])
                if now == stamps[i]:
                    continue
                while True:  # debounce: render what is on disk once saving is over
                    sleep(SETTLE_SECONDS)
                    settled = _stamp(watched[i])
                    if settled == now:
                        break
                    now = settled
                what = f"{_changed(stamps[i], now)} changed" if stamps[i] else f"new map {task.display}"
                say(f"{what} at {time.strftime('%H:%M:%S')}; rendering {task.display}")
                result = render_file(task)
                report(result, task)
                watched[i] = _watched(task, result, watched[i])
                # stamps as they were before rendering: a save during the render is caught next time round
                before = {path: (mtime, size) for path, mtime, size in now}
                stamps[i] = tuple((path, *before.get(path, (mtime, size))) for path, mtime, size in _stamp(watched[i]))
    except KeyboardInterrupt:
        say("stopped watching")
