"""Many maps at once: the work spread over processes, results in input order, progress told to a callback.

Maps are independent, and each is CPU work in Python plus a `dot` process, so
processes (not threads) give real parallelism. The order of results never
depends on which worker finished first, so output and exit codes are the same
for `--jobs 1` and `--jobs N`. The library prints nothing: the CLI draws a progress bar from the callback.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from functools import partial
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Future

Item = TypeVar("Item")
Result = TypeVar("Result")
# entered with the number of items once the workers have started (a bar's thread must not be forked);
# what it yields is called, in this process, each time an item is done
Progress = Callable[[int], AbstractContextManager[Callable[[], None]]]


def _no_progress(total: int) -> AbstractContextManager[Callable[[], None]]:
    return nullcontext(lambda: None)


def default_jobs() -> int:
    """The cores this process may use (not the machine's, in a container or under taskset)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


def run_groups(
    work: Callable[[Sequence[Item]], list[Result]],
    groups: Sequence[Sequence[Item]],
    jobs: int,
    progress: Progress = _no_progress,
) -> list[Result]:
    """The results of `work(group)` for each group, in one list in input order, over up to `jobs` processes;
    `progress` counts items, told as each group is done. A group is work that shares something (one
    Graphviz process for its maps), at the price of spreading less evenly over the workers."""
    total = sum(len(group) for group in groups)
    if not total:
        return []
    workers = min(jobs, len(groups))
    if workers <= 1:
        with progress(total) as advance:
            results = []
            for group in groups:
                results += work(group)
                for _ in group:
                    advance()
            return results
    import multiprocessing  # only here: a single map never pays for the pool's imports
    from concurrent.futures import ProcessPoolExecutor

    # fork shares the imports already made (about 0.3 s a worker); elsewhere the platform default
    context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_leave_interrupts_to_the_parent)
    try:
        # workers are forked here, before any bar thread
        futures = [pool.submit(_in_worker, work, group) for group in groups]
        with progress(total) as advance:
            for future, group in zip(futures, groups, strict=True):
                future.add_done_callback(partial(_advance, advance, len(group)))
            results = [result for f in futures for result in _result(f)]
    except BaseException:  # Ctrl-C or SIGTERM: stop now, not after every queued map
        _stop(pool)
        raise
    pool.shutdown()
    return results


def in_groups(
    items: Sequence[Item], jobs: int, weight: Callable[[Item], int], most: int = 16, heaviest: int = 256 * 1024
) -> list[list[Item]]:
    """Items in runs of neighbours for `run_groups`: about four groups a worker, so that the workers end
    together (one worker takes them as they come), of at most `most` items and `heaviest` total weight
    (a big item goes alone)."""
    size = most if jobs <= 1 else max(1, min(most, -(-len(items) // (jobs * 4))))
    groups: list[list[Item]] = []
    load = 0
    for item in items:
        heavy = weight(item)
        if not groups or len(groups[-1]) >= size or load + heavy > heaviest:
            groups.append([])
            load = 0
        groups[-1].append(item)
        load += heavy
    return groups


def _advance(advance: Callable[[], None], count: int, _future: object) -> None:
    for _ in range(count):
        advance()


def _leave_interrupts_to_the_parent() -> None:
    """Workers ignore Ctrl-C (the terminal sends it to the whole group); SIGTERM, sent by the parent, unwinds them."""
    import signal

    def stop(signum: int, frame: object) -> None:
        if not _working:
            os._exit(128 + signum)  # between maps: nothing staged, and unwinding the pool's own code only prints noise
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, stop)


_working = False  # in a worker: whether a map is being rendered (its staged outputs need unwinding)


def _in_worker(work: Callable[[Item], Result], item: Item) -> Result:
    """`work(item)` in a worker; stopped, the worker unwinds (staged outputs removed) and then really exits,
    where the pool's own loop would take the next map."""
    global _working
    _working = True
    try:
        return work(item)
    except SystemExit as stop:
        os._exit(stop.code if isinstance(stop.code, int) else 1)
    finally:
        _working = False


def _stop(pool) -> None:
    """Cancel what has not started and end the workers mid-map; their outputs are staged, so nothing is
    half-written.

    The workers are ended before the pool is shut down: told to shut down first, a worker between maps would
    exit normally, and its interpreter's exit hook would write to the parent's wake-up pipe it inherited,
    printing a traceback on the way out."""
    processes = list((getattr(pool, "_processes", None) or {}).values())  # no public way to end running work
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
    # waiting lets the pool's manager thread close its wake-up pipe before Python's exit hook writes to it
    # (otherwise a race: "OSError: Bad file descriptor" printed at exit, now and then); the workers are gone
    pool.shutdown(wait=True, cancel_futures=True)


def _result(future: Future[list[Result]]) -> list[Result]:
    return future.result()
