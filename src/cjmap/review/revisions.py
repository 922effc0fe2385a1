"""Maps as they were at a git revision: `main:maps/car.cjmap.yaml`, and the maps a ref differs in.

A map at a revision is read together with the files it may import: every
YAML and TOML file of that revision is written into a temporary folder that
mirrors the repository (read by object id with one `git cat-file --batch`,
never by checking anything out), so imports and config resolve as they did then.
"""

from __future__ import annotations

import os
import posixpath
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from cjmap.source.loader import MAX_BYTES
from cjmap.source.safeio import DATA_SUFFIXES, MAP_KEY, MAP_NAMES, SNIFF_BYTES, looks_like_data

MAP_SUFFIXES = (".yaml", ".yml")
KEPT_SUFFIXES = (*MAP_SUFFIXES, ".toml")
CONFIG_NAMES = ("cjmap.toml", "pyproject.toml")
MAX_LAID_OUT = 10_000  # maps and configs of one revision; a real repository has tens
MAX_DATA_LAID_OUT = 2_000  # metric data files besides; more are left out (maps naming them find them missing)
MAX_DATA_BYTES_LAID_OUT = 100 * 1024 * 1024  # and at most this much of them: a tiny packed repository of 300
# data-looking 10 MB files would otherwise write gigabytes to the temporary folder


class GitError(Exception):
    """git is missing, this is not a repository, or the revision or path does not exist (one line)."""


def _git(*args: str, cwd: Path | None = None, input: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, input=input, capture_output=True, timeout=120)
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[-1] if message else f"git {args[0]} failed")
    return done.stdout


def repo_root(cwd: Path) -> Path:
    return Path(_git("rev-parse", "--show-toplevel", cwd=cwd).decode("utf-8", "surrogateescape").strip())


def split_revision(spec: str, cwd: Path) -> tuple[str, str] | None:
    """`REV:path` -> (REV, path from the repository root); None for a file on disk.

    A revision wins over a file of the same name, as in git: a file committed as
    `main:maps/x.cjmap.yaml` must not stand in for the map as it was on main.
    """
    if ":" not in spec:
        return None
    rev, path = spec.split(":", 1)
    if not rev or not _is_commit(rev, cwd):
        return None
    if path.startswith("./") or path.startswith("../"):  # git's own rule: relative to where you stand
        prefix = _git("rev-parse", "--show-prefix", cwd=cwd).decode().strip()
        path = posixpath.normpath(posixpath.join(prefix, path))
    if not safe_name(path):
        raise GitError(f"'{path}' is not a path inside the repository")
    return rev, path


def _is_commit(rev: str, cwd: Path) -> bool:
    if rev.startswith("-"):
        return False  # never an option to git
    try:
        _git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}", cwd=cwd)
    except GitError:
        return False
    return True


def verify(rev: str, cwd: Path) -> None:
    """Fail early, in words, when `rev` names no commit."""
    if not _is_commit(rev, cwd):
        raise GitError(f"unknown revision '{rev}'")


def exists_at(rev: str, path: str, cwd: Path) -> bool:
    try:
        _git("cat-file", "-e", f"{rev}:{path}", cwd=cwd)
    except GitError:
        return False
    return True


@contextmanager
def tree_at(rev: str, cwd: Path) -> Iterator[Path]:
    """A temporary copy of the maps and configs of `rev`, laid out as in the repository.

    Files are read from git's objects by id, never from the working disk. A name that
    could leave the folder (`..`, an absolute path), is not a plain file (a link, a
    submodule) or clashes with one already laid out is left out, so a crafted commit
    cannot write outside the folder nor stop the diff. Only what a map can use is
    copied: YAML named `*.cjmap.yaml` or carrying a top-level `cjmap:` key,
    `cjmap.toml`/`pyproject.toml`, and metric data (`.csv` naming the data columns,
    `.xlsx`; at most MAX_DATA_LAID_OUT of them, MAX_DATA_BYTES_LAID_OUT in all).
    Each blob is read once however many names share it
    (streamed, never all in memory), and at most MAX_LAID_OUT files are laid out.
    """
    root = repo_root(cwd)
    verify(rev, root)
    entries = _kept_blobs(rev, root)
    with tempfile.TemporaryDirectory(prefix="cjmap-rev-") as folder:
        base = Path(folder)
        (base / ".git").mkdir()  # the repository root bounds imports, as it does in the working tree
        by_oid: dict[str, list[str]] = {}
        for name, oid, _ in entries:
            by_oid.setdefault(oid, []).append(name)
        sizes = {oid: size for _, oid, size in entries}
        laid_out = data_laid_out = data_bytes = 0
        for oid, head, read_rest in _blobs([o for o in by_oid if sizes[o] <= MAX_BYTES], root):
            names = [n for n in by_oid[oid] if _wanted(n, head)]
            tables = [n for n in by_oid[oid] if n not in names and _is_data(n, head)]
            tables = tables[: max(0, MAX_DATA_LAID_OUT - data_laid_out)]
            if tables and data_bytes + sizes[oid] > MAX_DATA_BYTES_LAID_OUT:
                tables = []
            data_laid_out += len(tables)
            data_bytes += sizes[oid] if tables else 0
            laid_out += len(names)
            names += tables
            if not names:
                continue
            data = read_rest()
            if laid_out > MAX_LAID_OUT:
                raise GitError(
                    f"{rev} holds more than {MAX_LAID_OUT:,} maps and configs; cjmap diff lays out at most that many"
                )
            first = None
            for name in names:
                first = _lay_out(base, name, data, first)
        for oid in (o for o in by_oid if sizes[o] > MAX_BYTES):  # the reader refuses them by size: no bytes copied
            for name in by_oid[oid]:
                if name.endswith(MAP_NAMES):
                    _lay_out(base, name, None, None)
        yield base


def _wanted(name: str, head: bytes) -> bool:
    """Whether a map could read this file: a map by name or content, or a config."""
    if name.endswith(".toml"):
        return name.rsplit("/", 1)[-1] in CONFIG_NAMES
    return name.endswith(MAP_NAMES) or MAP_KEY.search(head) is not None


def _blobs(oids: list[str], root: Path) -> Iterator[tuple[str, bytes, Callable[[], bytes]]]:
    """(object id, first bytes, a way to read the whole blob) for each blob.

    Streamed from one `git cat-file --batch` process.
    """
    if not oids:
        return
    try:
        process = subprocess.Popen(
            ["git", "cat-file", "--batch"],
            cwd=root,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    assert process.stdin is not None and process.stdout is not None
    stdout = process.stdout  # one name, known not None inside read_rest too
    writer = threading.Thread(target=_feed, args=(process.stdin, oids), daemon=True)  # a full pipe must not deadlock us
    writer.start()
    try:
        for oid in oids:
            header = stdout.readline().split()
            if len(header) != 3 or not header[2].isdigit():  # "<oid> missing": a partial clone or a crafted tree
                continue
            size = int(header[2])
            head = stdout.read(min(size, SNIFF_BYTES))
            rest_size = size - len(head)
            taken: list[bytes] = []

            def read_rest(head: bytes = head, rest_size: int = rest_size, taken: list[bytes] = taken) -> bytes:
                taken.append(stdout.read(rest_size))
                return head + taken[0]

            yield oid, head, read_rest
            if not taken:
                stdout.read(rest_size)  # skip a blob no map can use
            stdout.read(1)  # the newline after each blob
    finally:
        stdout.close()
        process.kill()
        process.wait()
        writer.join(timeout=5)


def _feed(stdin: IO[bytes], oids: list[str]) -> None:
    try:
        for oid in oids:
            stdin.write(f"{oid}\n".encode())
        stdin.close()
    except (BrokenPipeError, OSError, ValueError):
        pass  # the reader stopped early


def _kept_blobs(rev: str, root: Path) -> list[tuple[str, str, int]]:
    """(name, object id, size) of every plain YAML, TOML or data file of `rev` whose name is safe to lay out."""
    listing = _git("ls-tree", "-r", "-z", "--long", "--full-tree", rev, cwd=root)
    kept = []
    for entry in listing.split(b"\0"):
        meta, _, raw_name = entry.partition(b"\t")
        fields = meta.split()
        if len(fields) != 4 or not fields[3].isdigit():
            continue  # a crafted or missing object: nothing a map can use
        mode, kind, oid, size = fields
        name = raw_name.decode("utf-8", "surrogateescape")
        kept_name = name.endswith(KEPT_SUFFIXES) or name.lower().endswith(DATA_SUFFIXES)
        if kind == b"blob" and mode in (b"100644", b"100755") and kept_name and safe_name(name):
            kept.append((name, oid.decode(), int(size)))
    return kept


def safe_name(name: str) -> bool:
    """Whether a repository path stays inside the folder it is laid out in."""
    parts = name.split("/")
    return not name.startswith("/") and all(part not in ("", ".", "..", ".git") and "\0" not in part for part in parts)


def _lay_out(base: Path, name: str, data: bytes | None, same_as: Path | None) -> Path | None:
    """Write one file at `base/name` (a hard link to `same_as` when the blob was written already).

    `data` None writes a sparse file just over the size limit. A name that clashes with
    one laid out before (a crafted tree can list a name twice, or as file and folder) is
    skipped: the first one wins, as git's own checkout would refuse the tree.
    """
    target = base.joinpath(*name.split("/"))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.resolve().is_relative_to(base.resolve()):
            return same_as
        if same_as is not None:
            os.link(same_as, target)
            return same_as
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "wb") as handle:
            if data is None:
                handle.truncate(MAX_BYTES + 1)
            else:
                handle.write(data)
    except (FileExistsError, NotADirectoryError, IsADirectoryError):
        return same_as
    except OSError as e:
        raise GitError(f"cannot lay out '{name}' from the revision: {e.strerror}") from None
    return target


def _is_data(name: str, head: bytes) -> bool:
    """Whether a map could read this file as its metric data (`data: [exports/checkout.csv]`)."""
    return name.lower().endswith(DATA_SUFFIXES) and looks_like_data(head)


def changed_maps(ref: str, cwd: Path, paths: list[str]) -> list[str]:
    """YAML files (repository-relative) that differ between `ref` and the working tree, untracked ones included."""
    verify(ref, cwd)
    spec = ["--", *paths] if paths else []
    tracked = (
        _git("diff", "--name-only", "--no-renames", "-z", ref, *spec, cwd=cwd)
        .decode("utf-8", "surrogateescape")
        .split("\0")
    )
    untracked = (
        _git("ls-files", "--others", "--exclude-standard", "--full-name", "-z", *spec, cwd=cwd)
        .decode("utf-8", "surrogateescape")
        .split("\0")
    )
    return sorted({n for n in tracked + untracked if n.endswith(MAP_SUFFIXES) and safe_name(n)})
