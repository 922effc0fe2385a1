"""Ids derived from names, the same in the resolver, the outline and every importer."""

from __future__ import annotations

import re
import unicodedata
from typing import Protocol


class Named(Protocol):
    """An entry a map may give an id, or only a name to derive one from."""

    @property
    def id(self) -> str | None: ...

    @property
    def name(self) -> str | None: ...


def slugify(text: str) -> str:
    """An id from a name: 'Sees TV ad' -> 'sees-tv-ad'; accents folded, at most 80 characters."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80].rstrip("-")


def id_of(entry: Named) -> str:
    """The entry's id: given, or derived from its name ('' when neither gives one)."""
    return entry.id or slugify(entry.name or "")


def unique_ids(names: list[str], fallback: str) -> list[str]:
    """Slugs for names, numbered when two collide or a name has no letters a slug can keep (e.g. Chinese):
    what an importer gives entries that came with names only."""
    ids, seen = [], set()
    next_number: dict[str, int] = {}  # per base, the number to try next: 20,000 equal names stay linear
    for i, name in enumerate(names, 1):
        base = slugify(name) or f"{fallback}-{i}"
        candidate, n = base, next_number.get(base, 2)
        while candidate in seen:
            candidate, n = f"{base}-{n}", n + 1
        next_number[base] = n
        seen.add(candidate)
        ids.append(candidate)
    return ids
