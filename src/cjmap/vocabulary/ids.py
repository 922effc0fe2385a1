"""Ids derived from names, the same in the resolver, the outline and the Mermaid importer."""

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
