"""The sides of a review: a map on disk or at a git revision, loaded and linted, then compared.

The library half of `cjmap diff`: it returns diffs or raises (MapError when a
side does not load, GitError when git cannot help), and never prints.
"""

from __future__ import annotations

from contextlib import ExitStack
from datetime import date
from pathlib import Path

from cjmap.diagnostics import Diagnostic, Location, MapError, structural
from cjmap.lint.pipeline import check
from cjmap.lint.policy import PolicyFinder
from cjmap.resolve import Journey
from cjmap.review.diff import MapDiff, diff_journeys
from cjmap.review.revisions import (
    GitError,
    changed_maps,
    exists_at,
    repo_root,
    split_revision,
    tree_at,
    verify,
)
from cjmap.source.loader import looks_like_map


class Trees:
    """Revisions laid out on disk, each once however many maps are read from it."""

    def __init__(self, stack: ExitStack) -> None:
        self._stack = stack
        self._folders: dict[str, Path] = {}

    def at(self, rev: str) -> Path:
        if rev not in self._folders:
            self._folders[rev] = self._stack.enter_context(tree_at(rev, Path.cwd()))
        return self._folders[rev]


def load_side(
    spec: str | None, today: date, trees: Trees, finder: PolicyFinder
) -> tuple[Journey | None, tuple[Diagnostic, ...]]:
    """The journey and findings of `spec` (a file, or REV:path); (None, ()) for a side that does not exist."""
    if spec is None:
        return None, ()
    revision = split_revision(spec, Path.cwd())
    path = Path(spec)
    if revision is not None:
        rev, inside = revision
        path = trees.at(rev).joinpath(*inside.split("/"))
        if not path.is_file():
            raise GitError(f"'{inside}' does not exist at {rev}")
    elif not path.is_file():
        if ":" in spec and not path.exists():  # meant as REV:path, with a revision git does not know
            verify(spec.split(":", 1)[0], Path.cwd())
        raise MapError([structural("CJM000", Location(spec, 1, 1), "no such file")])
    policy = finder.for_path(path)
    checked = check(path, spec, policy, policy.context(today))
    if checked.journey is None:
        raise MapError(checked.diagnostics)
    return checked.journey, checked.diagnostics


def diff_specs(
    old: str | None,
    new: str | None,
    today: date,
    label: str | None = None,
    finder: PolicyFinder | None = None,
    trees: Trees | None = None,
) -> MapDiff:
    """The semantic diff of two sides; `label` names a map that is on both sides under one path."""
    finder = finder or PolicyFinder()
    with ExitStack() as stack:
        trees = trees or Trees(stack)
        old_journey, old_findings = load_side(old, today, trees, finder)
        new_journey, new_findings = load_side(new, today, trees, finder)
        old_label = label if label and old else (old or "")
        return diff_journeys(old_journey, new_journey, old_findings, new_findings, old_label, new or "")


def diff_changed(ref: str, paths: list[str], today: date, shown) -> tuple[list[MapDiff], list[Diagnostic]]:
    """A diff for every map that differs between `ref` and the working tree, and the errors of those that do not load.

    `shown(path)` gives the name a working-tree file is reported under.
    """
    finder = PolicyFinder()
    root = repo_root(Path.cwd())
    diffs: list[MapDiff] = []
    errors: list[Diagnostic] = []
    with ExitStack() as stack:
        trees = Trees(stack)  # the revision is laid out once, not once per changed map
        for name in changed_maps(ref, Path.cwd(), paths):
            here = root / name
            label = shown(here)
            old = f"{ref}:{name}" if exists_at(ref, name, Path.cwd()) else None
            new = label if here.is_file() else None
            if (new is not None and not looks_like_map(here)) or (new is None and old is None):
                continue
            try:
                diffs.append(diff_specs(old, new, today, label, finder, trees))
            except MapError as e:  # one broken map does not hide the others' changes
                errors += e.diagnostics
    return diffs, errors
