"""What a valid id and a safe link look like: one definition for the pydantic model and the plain reader."""

from __future__ import annotations

import re

SLUG_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
SLUG_MAX_LENGTH = 200
URL_SCHEMES = ("http://", "https://", "mailto:")

# the slug pattern as pydantic-core applies it (Rust regex: `$` is the very end, not before a final newline)
_SLUG = re.compile(SLUG_PATTERN.removeprefix("^").removesuffix("$"))


def is_slug(text: str) -> bool:
    """Whether `text` is a valid id: lowercase letters, digits, '-' and '_', starting with a letter or digit."""
    return len(text) <= SLUG_MAX_LENGTH and _SLUG.fullmatch(text) is not None


def safe_url(value: str) -> str:
    """The link without surrounding blanks; ValueError when it is not http, https or mailto (no javascript:)."""
    if not value.strip().lower().startswith(URL_SCHEMES):
        raise ValueError("url must start with http://, https:// or mailto:")
    return value.strip()
