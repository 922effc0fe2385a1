"""Write outputs so that a reader never sees half of one, a failure leaves the old set, and nothing else is harmed.

Each file goes to a temporary file beside it and is renamed over the target only
once every output of the set is on disk, so a render either replaces all its
outputs or none. What sits at a target decides how it is written:
- nothing, a regular file, or a symbolic link: replaced by the new file (a link
  is replaced, never followed, so a committed link cannot aim a render at a file
  or a device elsewhere);
- `/dev/stdout`, `/dev/fd/N` and their kin: written to that descriptor, whatever
  it is (a file, a pipe, a socket, a terminal);
- a character device or a named pipe named as such (`-o /dev/null`, `-o >(gzip)`):
  written to as a stream, never replaced; a pipe nothing reads is refused;
- a folder, block device or socket, a cjmap map file or a metric data file (a CSV naming
  metric,at,value,date, or a workbook): refused.
A target that is one of the command's own inputs (the map, a file it imports, a
diagram being imported) is refused before anything is written.
"""

from __future__ import annotations

import errno
import os
import re
import signal
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from cjmap.source.safeio import MAP_KEY, MAX_MAP_BYTES, file_kind, looks_like_data

__all__ = ["OutputRefused", "write_atomic", "write_all"]

_MAP_LIMIT = MAX_MAP_BYTES  # the largest map file the loader reads
_UMASK = os.umask(0o022)
os.umask(_UMASK)  # read once: mkstemp makes 0600 files, outputs should get the usual mode


class OutputRefused(OSError):
    """An output path cjmap will not write: an input of the command, or a kind of file it must not replace."""

    def __init__(self, message: str, path: Path | None = None) -> None:
        super().__init__(message)
        self.strerror = message
        self.filename = None if path is None else str(path)


def _stream_target(path: Path) -> Path | int | None:
    """Where to stream an output instead of replacing the file at `path`; None to replace it.

    An int is one of our own file descriptors (`-o /dev/stdout` is written to what
    standard output is, file, pipe or socket); a Path is a device or pipe the user
    named itself. Raise OutputRefused for what must not be touched.
    """
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None
    own = _own_descriptor(path)
    if own is not None:
        return own
    if stat.S_ISLNK(mode):
        return None  # replaced, never followed: a committed link cannot aim a render at a file or a device
    if stat.S_ISREG(mode):
        if _is_map(path):
            raise OutputRefused("it is a cjmap map file; refusing to write over it (choose another output)", path)
        if _is_data(path):
            raise OutputRefused("it is a metric data file; refusing to write over it (choose another output)", path)
        return None
    if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
        return path
    raise OutputRefused(f"it is a {file_kind(mode)}, not a regular file; refusing to replace it", path)


_OWN_FD = re.compile(r"^/(?:proc/self|proc/\d+|dev)/fd/(\d+)$")
_STANDARD = {"/dev/stdin": 0, "/dev/stdout": 1, "/dev/stderr": 2}


def _own_descriptor(path: Path) -> int | None:
    """The descriptor a path names when it is, as written, /dev/stdout, /dev/fd/N or /proc/self/fd/N.

    Only the path as the user wrote it counts: a link elsewhere that leads there
    (say a committed `site/map.svg -> /dev/stdout`) is a link, and is replaced.
    """
    current = os.path.normpath(os.path.abspath(path))
    if current in _STANDARD:
        return _STANDARD[current]
    match = _OWN_FD.match(current)
    if match and (current.startswith(("/dev/", "/proc/self/")) or current.startswith(f"/proc/{os.getpid()}/")):
        return int(match[1])
    return None


def _is_data(path: Path) -> bool:
    """Whether a file is metric data some map may read: another map's `data:` file is safe from a folder
    render whatever its name."""
    try:
        with open(path, "rb") as handle:
            return looks_like_data(handle.read(64 * 1024))
    except OSError:
        return False


def _is_map(path: Path) -> bool:
    """Whether a file is a cjmap map (or a file maps import), in any YAML spelling: never an output of ours.

    A plain `cjmap:` line is found at once; otherwise a file that mentions `cjmap`
    and is small enough to be a map is read as YAML (flow style, quoted or explicit
    keys, a BOM, a tag) and asked for a top-level `cjmap` key.
    """
    try:
        with open(path, "rb") as handle:
            data = handle.read(_MAP_LIMIT + 1)
    except OSError:
        return False
    if len(data) > _MAP_LIMIT:
        return False  # a map file is never this big: the loader refuses it
    if b"cjmap" not in data:
        return False
    if _has_map_key(data):
        return True
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        document = yaml.load(data, Loader=loader)  # aliases stay shared references: no expansion
    except Exception:  # not YAML, or YAML a map could not be: our own outputs land here
        return False
    return isinstance(document, dict) and "cjmap" in document


def _has_map_key(data: bytes) -> bool:
    """`MAP_KEY.search(data)`, looking only where `cjmap` is: the regex walks every line (19 ms for the
    3.4 MB report of 1,000 touchpoints, read each time it is replaced)."""
    at = data.find(b"cjmap")
    while at != -1:
        if MAP_KEY.match(data, at):  # `^` (multiline) holds at the start and after a newline only
            return True
        at = data.find(b"cjmap", at + 1)
    return False


def refuse_inputs(targets: Iterable[Path], inputs: Iterable[Path]) -> None:
    """Raise OutputRefused when an output would replace one of the command's inputs (or a link to one)."""
    sources = []
    for source in inputs:
        for look in (os.stat, os.lstat):
            try:
                sources.append(look(source))
            except OSError:
                continue
    for target in targets:
        try:
            here = os.lstat(target)  # what would be replaced: a link itself, never where it leads
        except OSError:
            continue
        if any(os.path.samestat(here, source) for source in sources):
            raise OutputRefused(
                "it is an input of this command; refusing to write over it (choose another output)", target
            )


def write_all(files: Sequence[tuple[Path, bytes]], inputs: Iterable[Path] = ()) -> None:
    """Write every (path, bytes) pair, all or nothing; raise OSError (OutputRefused) naming what failed.

    Files are staged first; then devices and pipes get their bytes; only then are the
    staged files renamed into place, so a failure anywhere before the renames leaves
    every old output as it was.
    """
    refuse_inputs([path for path, _ in files], inputs)
    staged: list[tuple[Path, str]] = []
    streams: list[tuple[Path, Path | int, bytes]] = []
    try:
        for path, data in files:
            with _named(path):
                where = _stream_target(path)
                if where is None:
                    _stage(path, data, staged)
                else:
                    streams.append((path, where, data))
        for path, where, data in streams:
            with _named(path):
                _stream(where, data)
        for path, tmp in staged:
            with _named(path):
                os.replace(tmp, path)
    except BaseException:
        for _, tmp in staged:
            _discard(tmp)
        raise


@contextmanager
def _named(path: Path) -> Iterator[None]:
    """Let an error name the output the user asked for, not our temporary file."""
    try:
        yield
    except OSError as e:
        e.filename = str(path)
        raise


def write_atomic(path: Path, data: bytes, inputs: Iterable[Path] = ()) -> None:
    """Write one output: to a temporary file beside `path`, then renamed over it."""
    write_all([(path, data)], inputs)


def _stage(path: Path, data: bytes, staged: list[tuple[Path, str]]) -> None:
    """The data in a synced temporary file beside `path`, ready to be renamed over it, and listed in `staged`
    (whose files the caller removes on any failure) before Ctrl-C or SIGTERM can come between the file's
    creation and its listing: an interrupted render of many maps left one behind now and then."""
    with _interrupts_held():
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:200]}.", suffix=".tmp")
        staged.append((path, tmp))
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(tmp, 0o666 & ~_UMASK)


@contextmanager
def _interrupts_held() -> Iterator[None]:
    """SIGINT and SIGTERM wait until the block is done (then act as usual); where the system cannot hold
    them (Windows), nothing is held."""
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - not POSIX
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def _stream(where: Path | int, data: bytes) -> None:
    """Write to a device, a pipe or one of our own descriptors, without creating, truncating or replacing anything."""
    if isinstance(where, int):
        if where == 1:
            sys.stdout.flush()
        _write_fully(where, data)
        return
    try:  # a pipe nobody reads would block forever: refuse it instead
        fd = os.open(where, os.O_WRONLY | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as e:
        if e.errno == errno.ENXIO:
            raise OutputRefused("it is a named pipe that nothing reads; refusing to wait for a reader", where) from None
        raise
    try:
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        _write_fully(fd, data)
    finally:
        os.close(fd)


def _write_fully(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _discard(tmp: str) -> None:
    try:
        os.unlink(tmp)
    except FileNotFoundError:
        pass
