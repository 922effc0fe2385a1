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


def run_all(
    work: Callable[[Item], Result], items: Sequence[Item], jobs: int, progress: Progress = _no_progress
) -> list[Result]:
    """`[work(item) for item in items]`, over up to `jobs` processes, telling `progress` as each is done."""
    if not items:
        return []
    workers = min(jobs, len(items))
    if workers <= 1:
        with progress(len(items)) as advance:
            results = []
            for item in items:
                results.append(work(item))
                advance()
            return results
    import multiprocessing  # only here: a single map never pays for the pool's imports
    from concurrent.futures import ProcessPoolExecutor

    # fork shares the imports already made (about 0.3 s a worker); elsewhere the platform default
    context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_leave_interrupts_to_the_parent)
    try:
        # workers are forked here, before any bar thread
        futures = [pool.submit(_in_worker, work, item) for item in items]
        with progress(len(items)) as advance:
            for future in futures:
                future.add_done_callback(lambda _f: advance())
            results = [_result(f) for f in futures]
    except BaseException:  # Ctrl-C or SIGTERM: stop now, not after every queued map
        _stop(pool)
        raise
    pool.shutdown()
    return results


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
    pool.shutdown(wait=False, cancel_futures=True)


def _result(future: Future[Result]) -> Result:
    return future.result()
