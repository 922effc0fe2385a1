"""The sides of a review: a map on disk or at a git revision, loaded and linted, then compared.

The library half of `cjmap diff`: it returns diffs or raises (MapError when a
side does not load, GitError when git cannot help), and never prints.
"""

from __future__ import annotations

from contextlib import ExitStack
from datetime import date
from pathlib import Path

from cjmap.diagnostics import Diagnostic, Location, MapError, structural
from cjmap.diff import MapDiff, diff_journeys
from cjmap.pipeline import check
from cjmap.policy import PolicyFinder
from cjmap.resolve import Journey
from cjmap.revisions import (
    GitError,
    changed_maps,
    exists_at,
    repo_root,
    split_revision,
    tree_at,
)
from cjmap.rules import Context
from cjmap.source import looks_like_map


def load_side(spec: str | None, today: date, stack: ExitStack, finder: PolicyFinder) -> tuple[Journey | None, tuple[Diagnostic, ...]]:
    """The journey and findings of `spec` (a file, or REV:path); (None, ()) for a side that does not exist."""
    if spec is None:
        return None, ()
    revision = split_revision(spec, Path.cwd())
    path = Path(spec)
    if revision is not None:
        rev, inside = revision
        path = stack.enter_context(tree_at(rev, Path.cwd())) / inside
        if not path.is_file():
            raise GitError(f"'{inside}' does not exist at {rev}")
    elif not path.is_file():
        raise MapError([structural("CJM000", Location(spec, 1, 1), "no such file")])
    policy = finder.for_path(path)
    checked = check(path, spec, policy, Context(today=today, stale_days=policy.stale_days, low_emotion=policy.low_emotion))
    if checked.journey is None:
        raise MapError(checked.diagnostics)
    return checked.journey, checked.diagnostics


def diff_specs(old: str | None, new: str | None, today: date, label: str | None = None, finder: PolicyFinder | None = None) -> MapDiff:
    """The semantic diff of two sides; `label` names a map that is on both sides under one path."""
    finder = finder or PolicyFinder()
    with ExitStack() as stack:
        old_journey, old_findings = load_side(old, today, stack, finder)
        new_journey, new_findings = load_side(new, today, stack, finder)
        old_label = label if label and old else (old or "")
        return diff_journeys(old_journey, new_journey, old_findings, new_findings, old_label, new or "")


def diff_changed(ref: str, paths: list[str], today: date, shown) -> tuple[list[MapDiff], list[Diagnostic]]:
    """A diff for every map that differs between `ref` and the working tree, and the errors of those that do not load.

    `shown(path)` gives the name a working-tree file is reported under.
    """
    finder = PolicyFinder()
    root = repo_root(Path.cwd())
    diffs, errors = [], []
    for name in changed_maps(ref, Path.cwd(), paths):
        here = root / name
        label = shown(here)
        old = f"{ref}:{name}" if exists_at(ref, name, Path.cwd()) else None
        new = label if here.is_file() else None
        if (new is not None and not looks_like_map(here)) or (new is None and old is None):
            continue
        try:
            diffs.append(diff_specs(old, new, today, label, finder))
        except MapError as e:  # one broken map does not hide the others' changes
            errors += e.diagnostics
    return diffs, errors
