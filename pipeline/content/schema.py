"""JSON Schema for each document kind, derived from the models.

The editor schemas under `schema/` are committed so a writer's editor can use them on a fresh
clone; `check` fails when they no longer match the models.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pipeline.content.models import DOCUMENT_MODELS


def document_schemas() -> dict[str, dict[str, Any]]:
    """kind → JSON Schema of the source document."""
    result = {}
    for kind, model in DOCUMENT_MODELS.items():
        schema = model.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"{kind}.json"
        result[kind] = schema
    return result


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def schema_files(folder: Path) -> dict[Path, str]:
    """Each schema file path and its exact content."""
    return {folder / f"{kind}.json": render(s) for kind, s in document_schemas().items()}
