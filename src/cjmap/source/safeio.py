"""Read a file an attacker may have placed: regular files only, never more than a limit.

`st_size` is 0 for `/dev/zero` and a FIFO blocks whoever opens it, so a size
check before `read_bytes()` bounds nothing. Here the kind of file is checked
before and after opening (without blocking), and the read itself stops one
byte past the limit.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path

__all__ = [
    "MAP_KEY",
    "MAP_NAMES",
    "MAX_MAP_BYTES",
    "SNIFF_BYTES",
    "FileRefused",
    "TooBig",
    "file_kind",
    "outside_project",
    "read_head",
    "read_limited",
    "follow",
    "resolved",
    "unfollowable",
    "written_absolute",
    "why",
]

_CHUNK = 1 << 20

# How a file is known to be a map without parsing it: its name, or a top-level `cjmap:` key in its first MiB.
MAP_NAMES = (".cjmap.yaml", ".cjmap.yml")
MAP_KEY = re.compile(rb"^cjmap[ \t]*:", re.MULTILINE)
SNIFF_BYTES = 1 << 20
MAX_MAP_BYTES = 10 * 1024 * 1024  # the largest map file read unless `max-file-size` says otherwise
DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm")  # what data files are usually named
_DATA_COLUMNS = {"metric", "at", "value", "date"}


def looks_like_data(head: bytes) -> bool:
    """Whether a file's first bytes are metric data a map may read: a workbook (a zip), or a table one of whose
    first ten lines names the data columns (metric,at,value,date; comma, semicolon or tab separated), found
    the way the reader finds its header (`metrics.tables`: titles above it, any line break, quoted names)."""
    if head.startswith(b"PK\x03\x04"):
        return True
    text = head.decode("utf-8", "replace").removeprefix("\ufeff")
    lines = [line for line in re.split(r"\r\n|\r|\n", text) if line.strip()][:10]
    return any(
        _DATA_COLUMNS <= {cell.strip().strip('"').strip().lower() for cell in re.split(r"[,;\t]", line)}
        for line in lines
    )


class FileRefused(OSError):
    """The path exists but is not a regular file (a device, FIFO, socket or folder)."""


class TooBig(OSError):
    """The file holds more bytes than the caller allows."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"file is {size:,} bytes, over the limit of {limit:,}")
        self.size, self.limit = size, limit


def file_kind(mode: int) -> str:
    """What a non-regular file is, in words a user knows."""
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISCHR(mode):
        return "character device"
    if stat.S_ISBLK(mode):
        return "block device"
    if stat.S_ISFIFO(mode):
        return "named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "regular file" if stat.S_ISREG(mode) else "special file"


def _refuse_unless_regular(mode: int) -> None:
    if stat.S_ISDIR(mode):
        raise IsADirectoryError("is a folder, not a file")
    if not stat.S_ISREG(mode):
        raise FileRefused(f"is a {file_kind(mode)}, not a regular file; refusing to read it")


def _open_regular(path: Path | str) -> int:
    """A descriptor on a regular file, opened without blocking; FileRefused for anything else."""
    _refuse_unless_regular(os.stat(path).st_mode)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)  # non-blocking: a FIFO swapped in after the stat does not hang us
    try:
        _refuse_unless_regular(os.fstat(fd).st_mode)  # the path may have been swapped since the stat
    except BaseException:
        os.close(fd)
        raise
    return fd


def _read_up_to(fd: int, count: int) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while total < count:
        chunk = os.read(fd, min(_CHUNK, count - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def read_limited(path: Path | str, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; raise FileRefused, TooBig or OSError."""
    fd = _open_regular(path)
    try:
        size = os.fstat(fd).st_size
        if size > limit:
            raise TooBig(size, limit)
        data = _read_up_to(fd, limit + 1)
        if len(data) > limit:  # the file grew while we read it
            raise TooBig(len(data), limit)
        return data
    finally:
        os.close(fd)


def read_head(path: Path | str, count: int) -> bytes:
    """The first `count` bytes of a regular file, however big it is; FileRefused for anything else."""
    fd = _open_regular(path)
    try:
        return _read_up_to(fd, count)
    finally:
        os.close(fd)


def outside_project(path: Path, markers: tuple[str, ...]) -> Path | None:
    """The project a path is written inside, when the file it reaches lies outside it; else None.

    The project (the nearest folder holding one of `markers`) is found from the path as
    written, not from where its links lead, so a linked file (`evil.cjmap.yaml ->
    ~/.git-credentials`) or a linked folder on the way (`maps/linked/x.cjmap.yaml`) is
    caught either way. Raises OSError or ValueError for a path that cannot be followed.
    """
    written = Path(os.path.abspath(path))
    root = next((f for f in written.parents if any((f / m).exists() for m in markers)), written.parent)
    here = root.resolve()
    return None if Path(path).resolve().is_relative_to(here) else here


def resolved(path: Path) -> Path:
    """Where `path` really is, to tell two names of one file apart; its absolute path when links cannot be
    followed (a link to itself: Python 3.11 raises RuntimeError there) or the name is too long to look up."""
    try:
        return path.resolve()
    except (OSError, RuntimeError, ValueError):
        return Path(os.path.abspath(path))


def written_absolute(entry: str) -> bool:
    """Whether a path written in a map is absolute, on this system or on Windows (`C:\\...`): maps travel."""
    return os.path.isabs(entry) or re.match(r"^[A-Za-z]:[\\/]", entry) is not None


def follow(folder: Path, entry: str, what: str) -> tuple[Path, bool] | str:
    """Where a path written in a map (an import, a data file) leads from `folder`, and whether something is
    there; or, in words, why it cannot be followed (see `unfollowable`)."""
    try:
        target = (folder / entry).resolve()
        return target, target.exists()
    except (OSError, RuntimeError, ValueError) as e:  # a link loop, a path longer than the system takes
        return unfollowable(what, entry, e)


def unfollowable(what: str, entry: str, error: Exception) -> str:
    """Why a path a map names (an import, a data file) cannot be followed, in words: a link loop, a path too
    long for the system, or the system's own reason."""
    shown = entry if len(entry) <= 60 else f"{entry[:40]}\u2026{entry[-15:]}"
    code = getattr(error, "errno", None)
    if isinstance(error, RuntimeError) or code == errno.ELOOP:
        return f"{what} '{shown}' is a symbolic link that leads round in a loop; refusing to read it"
    if code == errno.ENAMETOOLONG:
        return f"{what} '{shown}' has a path of {len(entry):,} characters, too long for this system"
    return f"{what} '{shown}' cannot be followed: {why(error)}"


def why(error: Exception) -> str:
    """An error in a user's words: an OSError's own reason ("No such file or directory"), else its message."""
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error)
