"""The lint settings a config file may hold, as a pydantic model: imported only when a config file is read.

Settings are a frozen pydantic model like the map format, so a typo in the
config gets the same one-line treatment as a typo in a map. The model is
cjmap's own keys plus the options the rules declare (`stale-days`, ...), so a
rule's threshold is written once, on the rule.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator

from cjmap.rules import OPTIONS
from cjmap.source.limits import LARGEST_MAX_FILE_SIZE
from cjmap.source.safeio import MAX_MAP_BYTES

SeverityName = Literal["error", "warning", "info"]


class Settings(BaseModel):
    """cjmap's own lint settings; keys are written kebab-case in TOML (`fail-on`, `per-file-ignores`).

    A config is validated by `settings_model()`, this plus every rule option; `option_values` reads those.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", alias_generator=lambda name: name.replace("_", "-"))

    select: tuple[str, ...] | None = Field(
        None, description="Rules to run: codes, prefixes (CJM2) or names. Default: all."
    )
    ignore: tuple[str, ...] = ()
    severity: dict[str, SeverityName] = Field(default_factory=dict, description="Per-rule severity, by code or name.")
    per_file_ignores: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    fail_on: SeverityName = "error"
    max_file_size: int = Field(
        MAX_MAP_BYTES,
        strict=True,
        ge=1,
        le=LARGEST_MAX_FILE_SIZE,
        description="Largest map file read, in bytes (at most 100 MB).",
    )

    @field_validator("per_file_ignores")
    @classmethod
    def _globs_match_something(cls, value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        if any(not glob.strip() for glob in value):
            raise ValueError("a glob must not be empty; write '*.cjmap.yaml' or a folder like 'legacy/**'")
        return value

    def option_values(self) -> dict[str, object]:
        """The rule options' values by key (`stale-days`): the fields `settings_model()` adds to these."""
        own = Settings.model_fields
        return {name.replace("_", "-"): getattr(self, name) for name in type(self).model_fields if name not in own}


_OWN_KEYS = frozenset(name.replace("_", "-") for name in Settings.model_fields)


@lru_cache(maxsize=1)
def settings_model() -> type[Settings]:
    """Settings plus one field per rule option, with the bounds and default the rule declares."""
    clashes = sorted(set(OPTIONS) & _OWN_KEYS)
    if clashes:
        raise ValueError(f"rule options {clashes} clash with cjmap's own settings")
    fields: dict[str, Any] = {
        # strict: TOML tells `true` and `"180"` from 180, and so must we (lax, they would be read as 1 and 180)
        o.attribute: (o.kind, Field(o.default, strict=True, ge=o.minimum, le=o.maximum, description=o.doc))
        for o in OPTIONS.values()
    }
    return create_model("Settings", __base__=Settings, **fields)
