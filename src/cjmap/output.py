"""Write outputs so that a reader never sees half of one, a failure leaves the old set, and nothing else is harmed.

Each file goes to a temporary file beside it and is renamed over the target only
once every output of the set is on disk, so a render either replaces all its
outputs or none. What sits at a target decides how it is written:
- nothing, a regular file, or a symbolic link: replaced by the new file (a link
  is replaced, never followed, so a committed link cannot aim a render at a file
  elsewhere);
- a character device or a named pipe (`-o /dev/stdout`, `-o >(gzip)`): written
  to as a stream, never replaced;
- a folder, block device or socket: refused.
A target that is one of the command's own inputs (the map, a file it imports, a
diagram being imported) is refused before anything is written.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from cjmap.safeio import file_kind

__all__ = ["OutputRefused", "write_atomic", "write_all"]

_UMASK = os.umask(0o022)
os.umask(_UMASK)  # read once: mkstemp makes 0600 files, outputs should get the usual mode


class OutputRefused(OSError):
    """An output path cjmap will not write: an input of the command, or a kind of file it must not replace."""

    def __init__(self, message: str, path: Path | None = None) -> None:
        super().__init__(message)
        self.strerror = message
        self.filename = None if path is None else str(path)


def _is_stream(path: Path) -> bool:
    """A device or pipe the user named to receive the output; raise OutputRefused for what must not be touched."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return False
    if stat.S_ISREG(mode):
        return False
    if stat.S_ISLNK(mode):
        try:
            mode = os.stat(path).st_mode  # where the link leads decides: /dev/stdout is a link to a device
        except OSError:
            return False  # a dangling link is replaced like a file
        return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)
    if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
        return True
    raise OutputRefused(f"it is a {file_kind(mode)}, not a regular file; refusing to replace it", path)


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
            raise OutputRefused("it is an input of this command; refusing to write over it (choose another output)", target)


def write_all(files: Sequence[tuple[Path, bytes]], inputs: Iterable[Path] = ()) -> None:
    """Write every (path, bytes) pair, all or nothing; raise OSError (OutputRefused) naming what failed."""
    refuse_inputs([path for path, _ in files], inputs)
    staged: list[tuple[Path, str | None, bytes]] = []  # (target, temporary file or None for a stream, data)
    try:
        for path, data in files:
            with _named(path):
                staged.append((path, None if _is_stream(path) else _stage(path, data), data))
        for path, tmp, data in staged:
            with _named(path):
                if tmp is None:
                    _stream(path, data)
                else:
                    os.replace(tmp, path)
    except BaseException:
        for _, tmp, _ in staged:
            if tmp is not None:
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


def _stage(path: Path, data: bytes) -> str:
    """The data in a synced temporary file beside `path`, ready to be renamed over it."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:200]}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_UMASK)
    except BaseException:
        _discard(tmp)
        raise
    return tmp


def _stream(path: Path, data: bytes) -> None:
    """Write to a device or pipe without creating, truncating or replacing it."""
    fd = os.open(path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _discard(tmp: str) -> None:
    try:
        os.unlink(tmp)
    except FileNotFoundError:
        pass
