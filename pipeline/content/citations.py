"""Citations: every reference a guide lists backs a statement of it, and every citation
marker (`[@id]`) names one of the guide's references.

A reference that backs nothing is a reading list, not evidence; a marker that names nothing
would reach readers as a dead number. Exercises list no references, so they cite nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from pipeline.content import markup
from pipeline.content.library import LoadedDocument
from pipeline.content.textunits import TextUnit, format_path
from pipeline.core.diagnostics import Diagnostic, diag


def reference_ids(document: object) -> list[str]:
    """The ids of a document's references, in the order readers see them numbered."""
    return [ref.id for ref in getattr(document, "references", None) or []]


def citation_problems(doc: LoadedDocument, units: Iterable[TextUnit]) -> list[Diagnostic]:
    """E209 for a marker naming no reference of the document, E210 for a reference no
    marker names, E201 for two references with one id."""
    src = doc.source
    ids = reference_ids(doc.model)
    problems: list[Diagnostic] = []
    seen: set[str] = set()
    for at, ref_id in enumerate(ids):
        if ref_id in seen:
            line, col = src.where(("references", at, "id"))
            problems.append(diag(src.display, line, col, "E201",
                                 f"references[{at}].id: {ref_id!r} is used by an earlier "
                                 "reference too"))
        seen.add(ref_id)
    cited: set[str] = set()
    for unit in units:
        for key in markup.analyze(unit.text).citations:
            cited.add(key)
            if key in seen:
                continue
            line, col = src.where(unit.path)
            if doc.kind == "guide":
                known = ", ".join(ids) if ids else "none"
                why = f"no reference has the id {key!r} (references: {known})"
            else:
                why = (f"[@{key}] cites a reference, but only a guide lists references; "
                       "cite it in the guide that lists it")
            problems.append(diag(src.display, line, col, "E209",
                                 f"{format_path(unit.path)}: {why}"))
    for at, ref_id in enumerate(ids):
        if ref_id not in cited:
            line, col = src.where(("references", at))
            problems.append(diag(src.display, line, col, "E210",
                                 f"references[{at}] ({ref_id!r}) backs no statement: write "
                                 f"[@{ref_id}] after the sentence it supports, or remove it"))
    return problems
