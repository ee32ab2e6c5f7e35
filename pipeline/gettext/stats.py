"""Translation progress per locale and document, counted with `pofiles.entry_status`."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import polib

from pipeline.content.library import Library
from pipeline.content.readability import Reading, reading_level
from pipeline.content.textunits import format_path, iter_texts
from pipeline.gettext.pofiles import EntryKey, entry_status, forms, key_of

_WORD = re.compile(r"\w+", re.UNICODE)
STATES = ("translated", "fuzzy", "untranslated")


@dataclass
class Progress:
    strings: Counter[str] = field(default_factory=Counter)
    words: Counter[str] = field(default_factory=Counter)
    obsolete: int = 0

    def add(self, other: Progress) -> None:
        self.strings.update(other.strings)
        self.words.update(other.words)
        self.obsolete += other.obsolete

    def __reduce__(self) -> tuple[object, tuple[tuple[int, ...], tuple[int, ...], int]]:
        """Pickled as plain numbers: a run reads thousands of cached summaries, and a
        Counter rebuilt through its constructor costs more than the rest of one."""
        return _progress, (tuple(self.strings[s] for s in STATES),
                           tuple(self.words[s] for s in STATES), self.obsolete)

    @property
    def total(self) -> int:
        return sum(self.strings[s] for s in STATES)

    @property
    def percent(self) -> float:
        """Share of strings translated; an empty catalog counts as complete."""
        return 100.0 if not self.total else 100.0 * self.strings["translated"] / self.total


def _progress(strings: tuple[int, ...], words: tuple[int, ...], obsolete: int) -> Progress:
    result = Progress(obsolete=obsolete)
    for state, count, word_count in zip(STATES, strings, words):
        if count:
            result.strings[state] = count
        if word_count:
            result.words[state] = word_count
    return result


def progress(catalog: polib.POFile) -> Progress:
    result = Progress()
    for entry in catalog:
        state = entry_status(entry)
        if state == "obsolete":
            result.obsolete += 1
            continue
        result.strings[state] += 1
        result.words[state] += len(_WORD.findall(entry.msgid))
    return result


def as_dict(p: Progress) -> dict[str, object]:
    return {
        "strings": {s: p.strings[s] for s in STATES},
        "words": {s: p.words[s] for s in STATES},
        "obsolete": p.obsolete,
        "total": p.total,
        "percent": round(p.percent, 1),
    }


def locale_progress(catalogs: dict[Path, polib.POFile]) -> tuple[dict[str, Progress], Progress]:
    per_document = {path.stem: progress(c) for path, c in sorted(catalogs.items())}
    total = Progress()
    for p in per_document.values():
        total.add(p)
    return per_document, total


def reading_of(catalog: polib.POFile, language: str, *, english: bool = False
               ) -> Reading | None:
    """The reading level of one document's text as its catalog holds it: the English of a
    template (`english`), or the reviewed translations of a catalog (untranslated and fuzzy
    entries are not what a reader reads). Dose phrases (`msgctxt "dosage"`) are patterns,
    not text."""
    texts = [text for entry in catalog
             if entry.msgid and not entry.obsolete and entry.msgctxt != "dosage"
             and (english or entry_status(entry) == "translated")
             for text in ([entry.msgid] if english else forms(entry)[:1])]
    return reading_level(texts, language)


def locale_reading(catalogs: dict[Path, polib.POFile], locale: str, *,
                   english: bool = False) -> dict[str, Reading | None]:
    """Each document's reading level in one locale (or in English, from the templates)."""
    return {path.stem: reading_of(catalog, locale, english=english)
            for path, catalog in sorted(catalogs.items())}


def withheld_documents(library: Library, catalogs: dict[Path, polib.POFile]
                       ) -> dict[str, str]:
    """The documents an optional locale leaves out, with why: those with a safety-critical
    text (`fields.Critical`) not translated and reviewed in their catalog. (The build also
    leaves out one whose critical translation the checks refuse.)"""
    by_stem = {path.stem: catalog for path, catalog in catalogs.items()}
    found: dict[str, str] = {}
    for doc in library:
        catalog = by_stem.get(doc.id)
        entries = ({key_of(e): e for e in catalog if not e.obsolete}
                   if catalog is not None else {})
        missing = [format_path(unit.path) for unit in iter_texts(doc.model) if unit.critical
                   and ((entry := entries.get(EntryKey(unit.context, unit.text))) is None
                        or entry_status(entry) != "translated")]
        if missing:
            found[doc.id] = ("safety-critical text without a reviewed translation: "
                             + ", ".join(sorted(missing)))
    return found
