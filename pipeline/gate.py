"""The CI gate behind `check`: source validation, freshness of generated files, and the
translation checks of every catalog under each locale's policy (required or optional).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import polib

from . import checks, language, parallel
from .catalogs import plan_update, read_catalogs
from .config import Config
from .diagnostics import Diagnostic, apply_severity, diag
from .extract import stale_templates
from .fsutil import read_text_or_none
from .library import Library
from .locales import normalize
from .pofiles import EntryKey, PoReadError, is_translated
from .schema import schema_files
from .textunits import iter_texts
from .validate import validate_project


@dataclass
class GateResult:
    library: Library
    diagnostics: list[Diagnostic] = field(default_factory=list)
    checked_files: int = 0
    # The catalogs read for the checks, by locale and path (for the build to reuse).
    catalogs: dict[str, dict[Path, polib.POFile]] = field(default_factory=dict)

    def errors(self, locale: str | None = None) -> int:
        return sum(1 for d in self._of(locale) if d.severity == "error")

    def warnings(self, locale: str | None = None) -> int:
        return sum(1 for d in self._of(locale) if d.severity == "warning")

    def _of(self, locale: str | None) -> list[Diagnostic]:
        if locale is None:
            return self.diagnostics
        prefix = f"/{locale}/"
        return [d for d in self.diagnostics if prefix in f"/{d.path}"]


def unit_index(library: Library) -> dict[str, dict[EntryKey, checks.UnitInfo]]:
    """document id → what the model says about each of its English texts."""
    index: dict[str, dict[EntryKey, checks.UnitInfo]] = {}
    for doc in library:
        units: dict[EntryKey, checks.UnitInfo] = {}
        for unit in iter_texts(doc.model):
            key = EntryKey(unit.context, unit.text)
            if key not in units:
                line, _ = doc.source.where(unit.path)
                units[key] = checks.UnitInfo(unit.max_length, unit.markup,
                                             f"{doc.source.display}:{line}")
        index[doc.id] = units
    return index


def glossary_terms(library: Library, catalogs: dict[Path, polib.POFile]) -> dict[str, str]:
    """English glossary term (lowercase) → its reviewed translation in this locale."""
    glossary = library.glossary
    if glossary is None:
        return {}
    # Positions are descriptive phrases ("Lying on your back") that running text rightly
    # rephrases; muscles and equipment are nouns a translation must render consistently.
    names = {term.name for vocabulary in (glossary.muscles, glossary.equipment)
             for term in vocabulary.values()}
    terms: dict[str, str] = {}
    for path, catalog in catalogs.items():
        if path.stem == "glossary":
            for entry in catalog:
                if entry.msgid in names and is_translated(entry):
                    terms[entry.msgid.lower()] = entry.msgstr
    return terms


def freshness(config: Config, library: Library, locales: Sequence[str],
              read: dict[str, dict[Path, polib.POFile]] | None = None) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    for path, text in schema_files(config.schema_dir).items():
        if read_text_or_none(path) != text:
            problems.append(diag(config.rel(path), 0, 0, "E410",
                                 "editor schema differs from the models; run 'pipeline schema'"))
    changed, orphans = stale_templates(config, library)
    for path in changed:
        what = "is missing" if not path.exists() else "differs from the source"
        problems.append(diag(config.rel(path), 0, 0, "E406",
                             f"template {what}; run 'pipeline extract'"))
    for path in orphans:
        problems.append(diag(config.rel(path), 0, 0, "E406",
                             "template of a deleted document; run 'pipeline extract'"))
    if changed or orphans:
        return problems  # catalogs are judged against current templates only
    writes, _, read_problems = plan_update(config, list(locales), read)
    problems += read_problems
    for path in sorted(writes):
        code, what = ("E407", "is not merged with its template") if path.exists() else (
            "E408", "is missing")
        problems.append(diag(config.rel(path), 0, 0, code,
                             f"catalog {what}; run 'pipeline update'"))
    return problems


def run_gate(config: Config, locales: Sequence[str] | None = None) -> GateResult:
    library, problems = validate_project(config)
    result = GateResult(library, list(problems))
    result.checked_files = len(library)
    chosen = [normalize(loc) for loc in locales] if locales else list(config.locales)
    # Each locale's catalogs are read once, for freshness and for the checks.
    unreadable: dict[str, Diagnostic] = {}
    for locale in chosen:
        try:
            result.catalogs[locale] = read_catalogs(config, locale)
        except PoReadError as exc:
            unreadable[locale] = exc.diagnostic
    if not any(d.severity == "error" for d in problems):
        result.diagnostics += apply_severity(
            freshness(config, library, chosen, result.catalogs), config.severity)
    units = unit_index(library)
    for locale in chosen:
        if locale in unreadable:
            result.diagnostics.append(unreadable[locale])
            continue
        catalogs = result.catalogs[locale]
        terms = glossary_terms(library, catalogs)
        # Every translation's language is judged in one batch before the checks fan out.
        language.prefetch((e.msgstr for c in catalogs.values() for e in c
                           if e.msgstr and not e.obsolete), locale)
        allow = frozenset(config.same_as_source_allow)

        def check(path: Path) -> list[Diagnostic]:
            ctx = checks.CheckContext(locale=locale, display=config.rel(path),
                                      units=units.get(path.stem, {}), glossary=terms,
                                      same_as_source_allow=allow)
            return checks.check_catalog(catalogs[path], ctx)

        found = [d for part in parallel.run(check, list(catalogs)) for d in part]
        result.checked_files += len(catalogs)
        found = apply_severity(found, config.severity_for(locale))
        if locale not in config.required_locales:
            found = [replace(d, severity="warning") for d in found]
        result.diagnostics += found
    result.diagnostics = sorted(set(result.diagnostics))
    return result
