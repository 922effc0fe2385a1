"""The published JSON Schema text, generated from the models."""

from __future__ import annotations

import json

from cjmap.model import json_schema


def schema_text() -> str:
    """Stable JSON text of the schema: what `cjmap schema` prints and schemas/ holds."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
