"""Validated documents held together: the input every later stage works from."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from pipeline.content.loader import SourceFile
from pipeline.content.models import Document, Exercise, Glossary, Reviewer


@dataclass(frozen=True)
class LoadedDocument:
    source: SourceFile
    model: Document

    @property
    def id(self) -> str:
        return self.model.id

    @property
    def kind(self) -> str:
        return self.model.kind


@dataclass
class Library:
    documents: dict[str, LoadedDocument] = field(default_factory=dict)
    # Document id → hash of its source file as read (what per-document results are cached by).
    digests: dict[str, str] = field(default_factory=dict)

    def __iter__(self) -> Iterator[LoadedDocument]:
        return iter(sorted(self.documents.values(), key=lambda d: d.id))

    def __len__(self) -> int:
        return len(self.documents)

    @property
    def glossary(self) -> Glossary | None:
        doc = self.documents.get("glossary")
        return doc.model if doc and isinstance(doc.model, Glossary) else None

    def exercises(self) -> dict[str, Exercise]:
        return {d.id: d.model for d in self if isinstance(d.model, Exercise)}

    def reviewers(self) -> dict[str, Reviewer]:
        return {d.id: d.model for d in self if isinstance(d.model, Reviewer)}
