"""The progress bar of `cjmap lint` and `cjmap render` over many maps: drawn here, told by `jobs.batch`."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext


def progress_bar(description: str) -> Callable[[int], AbstractContextManager[Callable[[], None]]]:
    """A `jobs.batch.Progress`: a transient rich bar on a terminal for more than one map, nothing otherwise
    (CI logs stay clean, and rich is imported only when a bar is shown)."""

    def start(total: int) -> AbstractContextManager[Callable[[], None]]:
        if total <= 1 or not sys.stderr.isatty():
            return nullcontext(lambda: None)
        return _bar(description, total)

    return start


@contextmanager
def _bar(description: str, total: int) -> Iterator[Callable[[], None]]:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    with bar:
        task = bar.add_task(description, total=total)
        yield lambda: bar.advance(task)
