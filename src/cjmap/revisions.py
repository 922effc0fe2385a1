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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from cjmap.source import MAX_BYTES

MAP_SUFFIXES = (".yaml", ".yml")
KEPT_SUFFIXES = (*MAP_SUFFIXES, ".toml")


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
    """`REV:path` -> (REV, path from the repository root); None when `spec` is a file on disk or has no ':'."""
    if Path(spec).exists() or ":" not in spec:
        return None
    rev, path = spec.split(":", 1)
    if not rev:
        return None
    if path.startswith("./") or path.startswith("../"):  # git's own rule: relative to where you stand
        prefix = _git("rev-parse", "--show-prefix", cwd=cwd).decode().strip()
        path = posixpath.normpath(posixpath.join(prefix, path))
    if not safe_name(path):
        raise GitError(f"'{path}' is not a path inside the repository")
    return rev, path


def verify(rev: str, cwd: Path) -> None:
    """Fail early, in words, when `rev` names no commit."""
    try:
        _git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}", cwd=cwd)
    except GitError:
        raise GitError(f"unknown revision '{rev}'") from None


def exists_at(rev: str, path: str, cwd: Path) -> bool:
    try:
        _git("cat-file", "-e", f"{rev}:{path}", cwd=cwd)
    except GitError:
        return False
    return True


@contextmanager
def tree_at(rev: str, cwd: Path) -> Iterator[Path]:
    """A temporary copy of the YAML and TOML files of `rev`, laid out as in the repository.

    Files are read from git's objects by id, never from the working disk, and a name
    that could leave the folder (`..`, an absolute path) or is not a plain file (a
    link, a submodule) is left out: a crafted commit cannot write outside it.
    """
    root = repo_root(cwd)
    verify(rev, root)
    files = _kept_blobs(rev, root)
    with tempfile.TemporaryDirectory(prefix="cjmap-rev-") as folder:
        base = Path(folder)
        (base / ".git").mkdir()  # the repository root bounds imports, as it does in the working tree
        big = [(name, oid) for name, oid, size in files if size > MAX_BYTES]
        for name, _ in big:  # the reader refuses them by size; no need to copy their bytes
            with _created(base, name) as handle:
                handle.truncate(MAX_BYTES + 1)
        small = [(name, oid) for name, oid, size in files if size <= MAX_BYTES]
        blobs = _git("cat-file", "--batch", cwd=root, input="".join(f"{oid}\n" for _, oid in small).encode())
        offset = 0
        for name, _ in small:
            header_end = blobs.index(b"\n", offset)
            size = int(blobs[offset:header_end].split()[2])
            with _created(base, name) as handle:
                handle.write(blobs[header_end + 1 : header_end + 1 + size])
            offset = header_end + 1 + size + 1
        yield base


def _kept_blobs(rev: str, root: Path) -> list[tuple[str, str, int]]:
    """(name, object id, size) of every plain YAML or TOML file of `rev` whose name is safe to lay out."""
    listing = _git("ls-tree", "-r", "-z", "--long", "--full-tree", rev, cwd=root)
    kept = []
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, _, raw_name = entry.partition(b"\t")
        mode, kind, oid, size = meta.split()
        name = raw_name.decode("utf-8", "surrogateescape")
        if kind == b"blob" and mode in (b"100644", b"100755") and name.endswith(KEPT_SUFFIXES) and safe_name(name):
            kept.append((name, oid.decode(), int(size)))
    return kept


def safe_name(name: str) -> bool:
    """Whether a repository path stays inside the folder it is laid out in."""
    parts = name.split("/")
    return not name.startswith("/") and all(part not in ("", ".", "..", ".git") and "\0" not in part for part in parts)


@contextmanager
def _created(base: Path, name: str) -> Iterator[BinaryIO]:
    """A new file at `base/name`, never following a link and never outside `base`."""
    target = base.joinpath(*name.split("/"))
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.resolve().is_relative_to(base.resolve()):
        raise GitError(f"refusing to lay out '{name}' outside the temporary folder")
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with os.fdopen(fd, "wb") as handle:
        yield handle


def changed_maps(ref: str, cwd: Path, paths: list[str]) -> list[str]:
    """YAML files (repository-relative) that differ between `ref` and the working tree, untracked ones included."""
    verify(ref, cwd)
    spec = ["--", *paths] if paths else []
    tracked = _git("diff", "--name-only", "--no-renames", "-z", ref, *spec, cwd=cwd).decode("utf-8", "surrogateescape").split("\0")
    untracked = _git("ls-files", "--others", "--exclude-standard", "--full-name", "-z", *spec, cwd=cwd).decode("utf-8", "surrogateescape").split("\0")
    return sorted({n for n in tracked + untracked if n.endswith(MAP_SUFFIXES) and safe_name(n)})
