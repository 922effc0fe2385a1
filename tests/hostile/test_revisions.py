"""Crafted git revisions: names that climb out with `..`, absolute paths, links, submodules, odd bytes.

A revision is data from a stranger: reading it may never write outside cjmap's
temporary folder nor read the working disk.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from cjmap.review.revisions import GitError, safe_name, split_revision, tree_at
from conftest import MINIMAL, run_cli, write

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(repo: Path, *args: str, input: bytes | None = None) -> str:
    done = subprocess.run(["git", *args], cwd=repo, input=input, capture_output=True, check=True)
    return done.stdout.decode().strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "work" / "repo"
    root.mkdir(parents=True)
    git(root, "init", "-q")
    git(root, "config", "user.email", "t@example.com")
    git(root, "config", "user.name", "t")
    write(root, "m.cjmap.yaml", MINIMAL)
    git(root, "add", ".")
    git(root, "commit", "-qm", "one")
    return root


def crafted_commit(repo: Path, entries: list[tuple[str, str, str, str]]) -> str:
    """A commit whose root tree holds exactly `entries` (mode, type, object id, name), as `git mktree` allows."""
    listing = "".join(f"{mode} {kind} {oid}\t{name}\n" for mode, kind, oid, name in entries)
    tree = git(repo, "mktree", "--missing", input=listing.encode())
    return git(repo, "commit-tree", tree, "-m", "crafted")


def test_a_dotdot_tree_cannot_write_outside_the_temporary_folder(repo: Path) -> None:
    blob = git(repo, "hash-object", "-w", "m.cjmap.yaml")
    inner = git(repo, "mktree", input=f"100644 blob {blob}\tescaped.yaml\n".encode())
    up = git(repo, "mktree", input=f"040000 tree {inner}\t..\n".encode())  # ../../escaped.yaml once laid out
    evil = crafted_commit(repo, [("100644", "blob", blob, "m.cjmap.yaml"), ("040000", "tree", up, "..")])
    git(repo, "branch", "evil", evil)
    done = run_cli("diff", "evil:m.cjmap.yaml", "m.cjmap.yaml", cwd=repo)
    assert "Traceback" not in done.stderr
    assert done.returncode == 0, done.stderr  # the map itself is fine; the crafted names are left out
    escaped = [p for p in (repo.parent.parent.rglob("escaped.yaml"))] + list(Path("/tmp").glob("escaped.yaml"))
    assert escaped == []


def test_links_and_submodules_in_a_revision_are_not_laid_out(repo: Path) -> None:
    blob = git(repo, "hash-object", "-w", "m.cjmap.yaml")
    link = git(repo, "hash-object", "-w", "--stdin", input=b"/etc/passwd")
    head = git(repo, "rev-parse", "HEAD")
    evil = crafted_commit(
        repo,
        [
            ("100644", "blob", blob, "m.cjmap.yaml"),
            ("120000", "blob", link, "link.yaml"),
            ("160000", "commit", head, "sub.cjmap.yaml"),
        ],
    )
    with tree_at(evil, repo) as base:
        assert sorted(p.name for p in base.iterdir()) == [".git", "m.cjmap.yaml"]


def test_odd_names_are_laid_out_by_object_id(repo: Path) -> None:
    write(repo, "line\nbreak.cjmap.yaml", MINIMAL)
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "odd name")
    with tree_at("HEAD", repo) as base:
        assert (base / "line\nbreak.cjmap.yaml").read_text() == (repo / "line\nbreak.cjmap.yaml").read_text()


@pytest.mark.parametrize("spec", ["HEAD:/etc/passwd", "HEAD:../../etc/passwd", "HEAD:a/../../x.yaml"])
def test_a_revision_path_outside_the_repository_is_refused_and_the_disk_not_read(repo: Path, spec: str) -> None:
    with pytest.raises(GitError, match="is not a path inside the repository"):
        split_revision(spec, repo)
    done = run_cli("diff", spec, "m.cjmap.yaml", cwd=repo)
    assert done.returncode == 2
    assert "root:" not in done.stdout + done.stderr  # nothing of /etc/passwd is printed
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    "name, safe",
    [
        ("maps/a.yaml", True),
        ("a.yaml", True),
        ("../a.yaml", False),
        ("/a.yaml", False),
        ("a/./b.yaml", False),
        (".git/x.yaml", False),
        ("a//b.yaml", False),
    ],
)
def test_safe_names(name: str, safe: bool) -> None:
    assert safe_name(name) is safe


def test_diff_git_lays_the_revision_out_once(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """300 changed maps took 67 s when every map re-extracted the revision."""
    import cjmap.review.sides as review

    for i in range(5):
        write(repo, f"m{i}.cjmap.yaml", MINIMAL)
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "more")
    for i in range(5):
        (repo / f"m{i}.cjmap.yaml").write_text(MINIMAL.replace("Minimal", f"Changed {i}"))
    calls = []
    real = review.tree_at

    def counted(rev: str, cwd: Path):
        calls.append(rev)
        return real(rev, cwd)

    monkeypatch.setattr(review, "tree_at", counted)
    monkeypatch.chdir(repo)
    diffs, errors = review.diff_changed("HEAD", [], __import__("datetime").date(2026, 11, 24), str)
    assert len(diffs) == 5 and not errors
    assert calls == ["HEAD"]


def literal_tree(repo: Path, entries: list[tuple[str, str, str]]) -> str:
    """A tree object git's own tools would refuse to make (duplicate names, a name as file and folder)."""
    body = b"".join(f"{mode} {name}".encode() + b"\0" + bytes.fromhex(oid) for mode, name, oid in entries)
    return git(repo, "hash-object", "-w", "-t", "tree", "--literally", "--stdin", input=body)


def test_crafted_trees_with_clashing_or_missing_entries_still_diff(repo: Path) -> None:
    blob = git(repo, "hash-object", "-w", "m.cjmap.yaml")
    inner = git(repo, "mktree", input=f"100644 blob {blob}\tx.yaml\n".encode())
    missing = "1" * 40
    tree = literal_tree(
        repo,
        [
            ("100644", "a.yaml", blob),
            ("40000", "a.yaml", inner),
            ("100644", "dup.yaml", blob),
            ("100644", "dup.yaml", blob),
            ("100644", "gone.yaml", missing),
            ("100644", "m.cjmap.yaml", blob),
        ],
    )
    git(repo, "update-ref", "refs/heads/crafted", git(repo, "commit-tree", tree, "-m", "crafted"))
    done = run_cli("diff", "crafted:m.cjmap.yaml", "m.cjmap.yaml", cwd=repo)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr


def test_many_names_for_one_big_blob_are_read_once_and_linked(repo: Path) -> None:
    big = write(repo, "big.cjmap.yaml", MINIMAL + "x-padding: " + "y" * 2_000_000 + "\n")
    blob = git(repo, "hash-object", "-w", str(big))
    small = git(repo, "hash-object", "-w", "m.cjmap.yaml")
    listing = (
        "".join(f"100644 blob {blob}\tcopy{i}.cjmap.yaml\n" for i in range(60)) + f"100644 blob {small}\tm.cjmap.yaml\n"
    )
    tree = git(repo, "mktree", input=listing.encode())
    commit = git(repo, "commit-tree", tree, "-m", "many")
    with tree_at(commit, repo) as base:
        copies = sorted(base.glob("copy*.cjmap.yaml"))
        assert len(copies) == 60
        assert len({c.stat().st_ino for c in copies}) == 1  # one file on disk, 60 names


def test_yaml_that_is_no_map_and_other_toml_are_not_laid_out(repo: Path) -> None:
    write(repo, "deploy.yaml", "kind: Deployment\n")
    write(repo, "tool.toml", "[x]\n")
    write(repo, "cjmap.toml", "")
    write(repo, "maps/plain.yaml", MINIMAL)
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "mixed")
    with tree_at("HEAD", repo) as base:
        laid = sorted(str(p.relative_to(base)) for p in base.rglob("*") if p.is_file())
    assert laid == ["cjmap.toml", "m.cjmap.yaml", "maps/plain.yaml"]


def test_a_file_named_like_a_revision_cannot_forge_the_old_side(repo: Path) -> None:
    git(repo, "branch", "base")
    (repo / "m.cjmap.yaml").write_text(MINIMAL.replace("emotion: 2", "emotion: -2"))
    decoy = repo / "base:m.cjmap.yaml"
    decoy.write_text(MINIMAL.replace("emotion: 2", "emotion: -2"))
    done = run_cli("diff", "base:m.cjmap.yaml", "m.cjmap.yaml", cwd=repo)
    assert "emotion +2 \u2192 \u22122" in done.stdout, done.stdout + done.stderr
    done = run_cli("diff", "--git", "base", "--", "m.cjmap.yaml", cwd=repo)
    assert "emotion +2 \u2192 \u22122" in done.stdout, done.stdout + done.stderr


def test_a_revision_is_read_with_its_metric_data(repo: Path) -> None:
    """A map's data: file at the revision is the one its numbers came from; unrelated CSVs are not copied."""
    metric = "metrics:\n  - {id: conv, name: Checkout conversion, kind: rate, unit: '%'}\ndata: [d.csv]\n"
    write(repo, "m.cjmap.yaml", MINIMAL + metric)
    write(repo, "d.csv", "metric,at,value,date\nconv,map,3.1,2026-10-01\n")
    write(repo, "other.csv", "name,amount\nrent,1200\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "data")
    write(repo, "d.csv", "metric,at,value,date\nconv,map,3.6,2026-10-01\n")
    done = run_cli("diff", "--today", "2026-11-24", "HEAD:m.cjmap.yaml", "m.cjmap.yaml", cwd=repo)
    assert "Checkout conversion 3.1 % \u2192 3.6 %" in done.stdout, done.stdout + done.stderr
    assert "CJM601" not in done.stdout
    from cjmap.review.revisions import tree_at

    with tree_at("HEAD", repo) as laid_out:
        assert sorted(p.name for p in laid_out.iterdir() if p.is_file()) == ["d.csv", "m.cjmap.yaml"]


def test_data_files_laid_out_are_bounded_in_bytes(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A small packed repository of big data-looking files must not fill the temporary folder."""
    from cjmap.review import revisions

    for n in range(5):
        write(repo, f"d/x{n}.csv", f"metric,at,value,date,{n}\n" + "conv,map,1,2026-10-01\n" * 200)
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "data")
    size = (repo / "d" / "x0.csv").stat().st_size
    monkeypatch.setattr(revisions, "MAX_DATA_BYTES_LAID_OUT", size * 2)
    with revisions.tree_at("HEAD", repo) as laid_out:
        assert len(list((laid_out / "d").iterdir())) == 2
        assert (laid_out / "m.cjmap.yaml").exists()  # maps are laid out whatever the data took
