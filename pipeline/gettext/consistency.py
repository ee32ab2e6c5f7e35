"""One approved translation per English string, across a locale's whole library.

Each catalog is checked alone, so the same English translated two ways in two documents
("Tenez" here, "Maintenez" there) passes every other check. This compares the translated
texts of all a locale's catalogs: the translation most places use is the reference, and
each place that says it otherwise gets a warning naming a place of the reference.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

import polib

from pipeline.core.diagnostics import Diagnostic, diag
from pipeline.core.text import printable
from pipeline.gettext.pofiles import entry_status, forms, translation_line


class Translated(NamedTuple):
    """A reviewed translation as the comparison needs it: its English, its text (each form
    of a plural entry) and the line of the .po file it is on."""

    msgid: str
    plural: str
    texts: tuple[str, ...]
    line: int


def translated(catalog: polib.POFile) -> tuple[Translated, ...]:
    """The reviewed (translated, not fuzzy, not obsolete) entries of one catalog."""
    return tuple(Translated(e.msgid, e.msgid_plural or "", tuple(forms(e)), translation_line(e))
                 for e in catalog
                 if not e.obsolete and e.msgid and entry_status(e) == "translated")


def _same(texts: tuple[str, ...]) -> tuple[str, ...]:
    """Texts that differ only in the kind of no-break space or in runs of spaces read alike."""
    return tuple(" ".join(t.replace("\u202f", "\u00a0").split(" ")) for t in texts)


def _shown(texts: tuple[str, ...]) -> str:
    text = " | ".join(texts)
    return repr(text if len(text) <= 60 else text[:57] + "…")


def inconsistencies(catalogs: Mapping[str, Sequence[Translated]]) -> list[Diagnostic]:
    """W526 for each place whose translation of an English differs from the one most places
    use (ties go to the first place in path order). `catalogs` maps each catalog's path,
    as diagnostics show it, to its reviewed entries."""
    places: dict[tuple[str, str], dict[tuple[str, ...], list[tuple[str, int]]]] = {}
    for path in sorted(catalogs):
        for entry in catalogs[path]:
            variants = places.setdefault((entry.msgid, entry.plural), {})
            variants.setdefault(_same(entry.texts), []).append((path, entry.line))
    found: list[Diagnostic] = []
    for (msgid, _), variants in places.items():
        if len(variants) < 2:
            continue
        reference, where = max(variants.items(), key=lambda item: len(item[1]))
        ref_path, ref_line = where[0]
        for texts, spots in variants.items():
            if texts == reference:
                continue
            for path, line in spots:
                found.append(diag(path, line, 0, "W526", printable(
                    f"{_shown((msgid,))} is translated {_shown(texts)} here but "
                    f"{_shown(reference)} in {ref_path}:{ref_line}"
                    f"{_others(len(where))}; choose one")))
    return sorted(found)


def _others(count: int) -> str:
    return "" if count == 1 else f" and {count - 1} other place{'s' if count > 2 else ''}"
