"""Rules across documents: every id a document names must exist, and links must resolve."""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping
from typing import NamedTuple

from pipeline.content import markup
from pipeline.content.library import Library, LoadedDocument
from pipeline.content.loader import iter_source_files
from pipeline.content.textunits import DataPath, format_path, iter_refs, iter_texts
from pipeline.core.config import Config
from pipeline.core.diagnostics import Diagnostic, diag


class _Ref(NamedTuple):
    path: DataPath
    target: str
    value: str

_CODE_FOR_TARGET = {
    "exercise": "E202",
    "reviewer": "E203",
    "muscles": "E204",
    "equipment": "E204",
    "positions": "E204",
}


# What the rules look at in one document: its references (data path, target, id) and its
# relative link targets (data path of the text, target). A function of the document alone,
# so it is cached with the document's validation.
Facts = tuple[list[tuple[DataPath, str, str]], list[tuple[DataPath, str]]]


def reference_facts(doc: LoadedDocument) -> Facts:
    refs = [(ref.path, ref.target, ref.value) for ref in iter_refs(doc.model)]
    links = [(unit.path, target) for unit in iter_texts(doc.model)
             for target in markup.analyze(unit.text).links if not target.startswith("https://")]
    return refs, links


def check_references(library: Library, config: Config, rejected: Collection[str] = (),
                     facts: Mapping[str, Facts] | None = None) -> list[Diagnostic]:
    """`rejected`: ids of documents whose file exists but failed to load or validate; that
    failure is reported already, so naming them is not reported again. `facts`: each
    document's `reference_facts` when known already."""
    problems: list[Diagnostic] = []
    glossary = library.glossary
    if glossary is None and "glossary" not in rejected:
        problems.append(diag(config.rel(config.source_dir), 0, 0, "E206",
                             "no glossary document (kind: glossary, id: glossary) was found"))
    known: dict[str, set[str]] = {
        "exercise": set(library.exercises()),
        "reviewer": set(library.reviewers()),
        "muscles": set(glossary.muscles) if glossary else set(),
        "equipment": set(glossary.equipment) if glossary else set(),
        "positions": set(glossary.positions) if glossary else set(),
    }
    # Links name files, valid or not; realpath (unlike Path.resolve) never raises on a loop.
    sources = {os.path.realpath(p) for p in iter_source_files(config.source_dir)}
    for doc in library:
        src = doc.source
        known_facts = (facts or {}).get(doc.id)
        refs, links = known_facts if known_facts is not None else reference_facts(doc)
        for ref in (_Ref(*r) for r in refs):
            line, col = src.where(ref.path)
            where = format_path(ref.path)
            if ref.target == "exercise" and ref.value == doc.id and doc.kind == "exercise":
                problems.append(diag(src.display, line, col, "E205",
                                     f"{where}: an exercise cannot be related to itself"))
            elif ref.value not in known[ref.target] and (
                glossary is not None if ref.target not in ("exercise", "reviewer")
                else ref.value not in rejected
            ):
                what = {"exercise": "exercise", "reviewer": "reviewer"}.get(
                    ref.target, f"glossary {ref.target} term")
                problems.append(diag(src.display, line, col, _CODE_FOR_TARGET[ref.target],
                                     f"{where}: no {what} has the id {ref.value!r}"))
        for text_path, target in links:
            resolved = os.path.realpath(src.path.parent / target.split("#")[0])
            if resolved not in sources:
                line, col = src.where(text_path)
                problems.append(diag(src.display, line, col, "E207",
                                     f"{format_path(text_path)}: link {target!r} does not "
                                     "point to a content file"))
    return problems

