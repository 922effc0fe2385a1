"""Maps as they were at a git revision: `main:maps/car.cjmap.yaml`, and the maps a ref differs in.

A map at a revision is read together with the files it may import: every
YAML and TOML file of that revision is written into a temporary folder that
mirrors the repository (read with one `git cat-file --batch`, never by
checking anything out), so imports and config resolve as they did then.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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
    return Path(_git("rev-parse", "--show-toplevel", cwd=cwd).decode().strip())


def split_revision(spec: str, cwd: Path) -> tuple[str, str] | None:
    """`REV:path` -> (REV, path from the repository root); None when `spec` is a file on disk or has no ':'."""
    if Path(spec).exists() or ":" not in spec:
        return None
    rev, path = spec.split(":", 1)
    if not rev:
        return None
    if path.startswith("./") or path.startswith("../"):  # git's own rule: relative to where you stand
        prefix = _git("rev-parse", "--show-prefix", cwd=cwd).decode().strip()
        path = str(Path(prefix, path))
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
    """A temporary copy of the YAML and TOML files of `rev`, laid out as in the repository."""
    root = repo_root(cwd)
    verify(rev, root)
    names = [n for n in _git("ls-tree", "-r", "--name-only", "-z", rev, cwd=root).decode().split("\0") if n.endswith(KEPT_SUFFIXES)]
    blobs = _git("cat-file", "--batch", cwd=root, input="".join(f"{rev}:{n}\n" for n in names).encode())
    with tempfile.TemporaryDirectory(prefix="cjmap-rev-") as folder:
        base = Path(folder)
        (base / ".git").mkdir()  # the repository root bounds imports, as it does in the working tree
        offset = 0
        for name in names:
            header_end = blobs.index(b"\n", offset)
            size = int(blobs[offset:header_end].split()[2])
            target = base / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(blobs[header_end + 1 : header_end + 1 + size])
            offset = header_end + 1 + size + 1
        yield base


def changed_maps(ref: str, cwd: Path, paths: list[str]) -> list[str]:
    """YAML files (repository-relative) that differ between `ref` and the working tree, untracked ones included."""
    verify(ref, cwd)
    spec = ["--", *paths] if paths else []
    tracked = _git("diff", "--name-only", "--no-renames", "-z", ref, *spec, cwd=cwd).decode().split("\0")
    untracked = _git("ls-files", "--others", "--exclude-standard", "--full-name", "-z", *spec, cwd=cwd).decode().split("\0")
    return sorted({n for n in tracked + untracked if n.endswith(MAP_SUFFIXES)})
