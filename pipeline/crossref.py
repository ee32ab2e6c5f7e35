"""Rules across documents: every id a document names must exist, and links must resolve."""

from __future__ import annotations

from . import markup
from .config import Config
from .diagnostics import Diagnostic, diag
from .library import Library
from .textunits import format_path, iter_refs, iter_texts

_CODE_FOR_TARGET = {
    "exercise": "E202",
    "reviewer": "E203",
    "muscles": "E204",
    "equipment": "E204",
    "positions": "E204",
}


def check_references(library: Library, config: Config) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    glossary = library.glossary
    if glossary is None:
        problems.append(diag(config.rel(config.source_dir), 0, 0, "E206",
                             "no glossary document (kind: glossary, id: glossary) was found"))
    known: dict[str, set[str]] = {
        "exercise": set(library.exercises()),
        "reviewer": set(library.reviewers()),
        "muscles": set(glossary.muscles) if glossary else set(),
        "equipment": set(glossary.equipment) if glossary else set(),
        "positions": set(glossary.positions) if glossary else set(),
    }
    sources = {d.source.path.resolve() for d in library}
    for doc in library:
        src = doc.source
        for ref in iter_refs(doc.model):
            line, col = src.where(ref.path)
            where = format_path(ref.path)
            if ref.target == "exercise" and ref.value == doc.id and doc.kind == "exercise":
                problems.append(diag(src.display, line, col, "E205",
                                     f"{where}: an exercise cannot be related to itself"))
            elif ref.value not in known[ref.target] and (
                glossary is not None or ref.target in ("exercise", "reviewer")
            ):
                what = {"exercise": "exercise", "reviewer": "reviewer"}.get(
                    ref.target, f"glossary {ref.target} term")
                problems.append(diag(src.display, line, col, _CODE_FOR_TARGET[ref.target],
                                     f"{where}: no {what} has the id {ref.value!r}"))
        for unit in iter_texts(doc.model):
            for target in markup.analyze(unit.text).links:
                if target.startswith("https://"):
                    continue
                resolved = (src.path.parent / target.split("#")[0]).resolve()
                if resolved not in sources:
                    line, col = src.where(unit.path)
                    problems.append(diag(src.display, line, col, "E207",
                                         f"{format_path(unit.path)}: link {target!r} does not "
                                         "point to a content file"))
    return problems

