"""`schema`: the editor JSON Schemas in schema/, written from the models
(`content.schema`) where they changed."""

from __future__ import annotations

from pathlib import Path

from pipeline.content.schema import schema_files
from pipeline.core.config import Config
from pipeline.infra.fsutil import write_if_changed


def write_schemas(config: Config) -> dict[Path, bool]:
    """Each schema file, and whether it was written (False: it already said the same)."""
    return {path: write_if_changed(path, text, config.rel(path))
            for path, text in schema_files(config.schema_dir).items()}
