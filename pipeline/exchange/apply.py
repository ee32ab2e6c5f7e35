"""`pipeline xliff import`: a vendor's targets into the catalogs, as a careful translator
would make the same edits.

Every file is read first; a file that cannot be used at all (not XML, a DTD or entities, too
large, not XLIFF, a language without catalogs) stops the import before anything is read
from the catalogs, so such a file changes nothing. Then, under the catalogs' lock, each
unit is matched to its entry by id; it is applied only when its English is still the
entry's English (a stale unit is reported and skipped), and only after its target passed
the same translation checks `check` runs on a `.po` edit, reported at the unit's place in
the XLIFF file:

- in a required locale, a target with any finding of error severity is not applied (E709);
- in an optional locale, findings are warnings, as `check` reports them there, but a target
  the build would refuse as unsafe (E515, E516) is not applied either.

A plural entry comes back only whole: its group's forms must be as many as the catalog
entry's (its Plural-Forms; E704 otherwise), each form's English the entry's (W705), every
form translated (E704 when only some are); the checks then run on every form, and all forms
are applied together or none.

Every new catalog text is computed in memory, then all are written through the catalogs'
journal (`catalogs.apply_writes`): an interrupted import is completed by the next run. Only
catalogs in which an entry changed are written, so importing the same file twice leaves
every byte as the first import left it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import polib

from pipeline.content import language
from pipeline.content.library import Library
from pipeline.content.spelling import SuggestionBudget
from pipeline.core.config import Config, UsageError
from pipeline.core.diagnostics import Diagnostic, apply_severity, count_errors, diag
from pipeline.core.text import printable
from pipeline.exchange.units import ReadUnit, locale_of, same_language, unit_id
from pipeline.exchange.xliff import ReadFile, read_xliff
from pipeline.exchange.xmlsafe import ExchangeFileError, fail
from pipeline.gettext import catalogs as cat
from pipeline.gettext import checks
from pipeline.gettext.pofiles import (
    PoReadError,
    digest_of,
    forms,
    render_catalog,
    sources_of,
)
from pipeline.infra import judge
from pipeline.infra.cache import Cache
from pipeline.stages import update
from pipeline.stages.gate import UNSAFE_CODES, check_context, glossary_terms, spelling_words
from pipeline.stages.validate import validate_project


@dataclass
class ImportResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    written: list[Path] = field(default_factory=list)
    files: int = 0
    # True when a file (or a catalog) could not be used and so nothing was imported.
    stopped: bool = False

    @property
    def ok(self) -> bool:
        return not count_errors(self.diagnostics)


@dataclass
class Candidate:
    """A unit matched to its entry, with the text it would give it (every form's, for a
    plural entry: `text` is then the first)."""

    unit: ReadUnit
    locale: str
    path: Path
    entry: polib.POEntry
    text: str
    fuzzy: bool
    forms: tuple[str, ...] | None = None

    @property
    def texts(self) -> tuple[str, ...]:
        return self.forms if self.forms is not None else (self.text,)


def shown_path(config: Config, path: Path) -> str:
    return config.rel(path.absolute())


def target_locale(config: Config, tag: str, shown: str, line: int) -> str:
    """The locale a file's target language names: one with catalogs here, exactly or by
    its language alone (`fr-FR` for `fr`); E704 otherwise."""
    try:
        locale = locale_of(tag)
    except UsageError:
        fail(shown, line, "E704", f"target language {tag!r} is not a language tag")
    for candidate in dict.fromkeys([locale, locale.split("_")[0]]):
        if config.catalog_dir(candidate).is_dir():
            return candidate
    fail(shown, line, "E704", f"target language {tag!r}: no catalogs for it in "
                              f"{config.rel(config.locales_dir)}/")


def read_files(config: Config, paths: Sequence[Path]
               ) -> tuple[list[tuple[ReadFile, str]], list[Diagnostic]]:
    """Every file read and its locale found, or the file-level problems."""
    found: list[tuple[ReadFile, str]] = []
    problems: list[Diagnostic] = []
    for path in paths:
        shown = shown_path(config, path)
        try:
            read = read_xliff(path, shown)
            if not same_language(read.source_lang, config.source_locale):
                fail(shown, read.line, "E704", f"source language {read.source_lang!r}; the "
                                               f"English source is {config.source_locale!r}")
            found.append((read, target_locale(config, read.target_lang, shown, read.line)))
        except ExchangeFileError as exc:
            problems.append(exc.diagnostic)
    return found, problems


def valid_library(config: Config, result: ImportResult) -> Library | None:
    """The English library targets are checked against; None, with its errors in `result`,
    when the source itself is invalid: nothing is imported against broken English."""
    library, invalid = validate_project(config)
    if count_errors(invalid):
        result.diagnostics = invalid
        return None
    return library


def import_xliff(config: Config, paths: Sequence[Path]) -> ImportResult:
    """Apply the files' targets (see the module's description)."""
    result = ImportResult(files=len(paths))
    files, problems = read_files(config, paths)
    if problems:  # never silenced: a file that cannot be used stops the import
        result.diagnostics = problems
        result.stopped = True
        return result
    library = valid_library(config, result)
    if library is None:
        return result
    units: list[tuple[ReadUnit, str]] = []
    for read, locale in files:
        result.diagnostics += apply_severity(read.problems, config.severity)
        if read.problems:
            result.counts["skipped"] += len(read.problems)
        units += [(unit, locale) for unit in read.units]
    with update.locked(config) as notes:
        result.diagnostics += notes
        writes = _plan(config, library, units, result)
        if writes is None:
            result.stopped = True
            return result
        skipped = update.apply_writes(config, writes)
    result.diagnostics += skipped
    result.written = update.written(config, writes, skipped)
    result.diagnostics = sorted(result.diagnostics)
    return result


def _plan(config: Config, library: Library, units: list[tuple[ReadUnit, str]],
          result: ImportResult) -> dict[Path, update.Write] | None:
    """The catalogs that change, as new texts; None when a catalog cannot be read (nothing
    is written then)."""
    catalogs: dict[str, dict[Path, polib.POFile]] = {}
    for locale in sorted({locale for _, locale in units}):
        try:
            catalogs[locale] = update.read_catalogs(config, locale)
        except PoReadError as exc:
            result.diagnostics.append(exc.diagnostic)
            return None
    candidates = _match(config, units, catalogs, result)
    changed: set[Path] = set()
    for locale in sorted(catalogs):
        mine = [c for c in candidates if c.locale == locale]
        for candidate in checked(config, library, locale, mine, catalogs[locale], result):
            if apply_candidate(candidate):
                changed.add(candidate.path)
                result.counts["fuzzy" if candidate.fuzzy else "translated"] += 1
            else:
                result.counts["unchanged"] += 1
    return {path: update.Write(render_catalog(catalogs[locale][path]),
                            digest_of(catalogs[locale][path]))
            for locale in catalogs for path in sorted(changed) if path in catalogs[locale]}


def _match(config: Config, units: list[tuple[ReadUnit, str]],
           catalogs: dict[str, dict[Path, polib.POFile]], result: ImportResult
           ) -> list[Candidate]:
    """Each unit matched to the entry it was exported from, or reported and skipped:
    duplicates (E707), documents without a catalog (W706), stale English (W705)."""
    found: list[Candidate] = []
    report: list[Diagnostic] = []
    seen = Counter((locale, u.document, u.id) for u, locale in units)
    by_id: dict[Path, dict[str, polib.POEntry]] = {}
    missing: set[tuple[str, str, str]] = set()
    for unit, locale in units:
        path = cat.catalog_path(config, locale, unit.document)
        if seen[(locale, unit.document, unit.id)] > 1:
            report.append(diag(unit.shown, unit.line, 0, "E707", printable(
                f"unit {unit.id!r} of {unit.document!r} appears "
                f"{seen[(locale, unit.document, unit.id)]} times in this import; none of "
                "its copies was applied")))
            result.counts["skipped"] += 1
            continue
        catalog = catalogs[locale].get(path)
        if catalog is None:
            if (unit.shown, locale, unit.document) not in missing:
                missing.add((unit.shown, locale, unit.document))
                count = sum(1 for u, loc in units if u.shown == unit.shown
                            and u.document == unit.document and loc == locale)
                report.append(diag(unit.shown, unit.line, 0, "W706", printable(
                    f"document {unit.document!r} has no catalog in {locale!r} (deleted or "
                    f"renamed since the export?); its {count} unit(s) were skipped")))
            result.counts["skipped"] += 1
            continue
        if path not in by_id:
            by_id[path] = {unit_id(unit.document, e.msgctxt, e.msgid): e
                           for e in catalog if not e.obsolete and e.msgid}
        entry = by_id[path].get(unit.id)
        if entry is not None and unit.plural and entry.msgid_plural and \
                unit.form_sources is not None and len(unit.form_sources) != len(forms(entry)):
            report.append(diag(unit.shown, unit.line, 0, "E704", printable(
                f"unit {unit.id!r}: its plural group has {len(unit.form_sources)} forms, the "
                f"catalog's entry {len(forms(entry))} (its Plural-Forms); skipped")))
            result.counts["skipped"] += 1
            continue
        problem = _stale(unit, entry)
        if problem is not None or entry is None:
            report.append(diag(unit.shown, unit.line, 0, "W705", printable(
                f"unit {unit.id!r}: {problem}; skipped")))
            result.counts["stale"] += 1
            continue
        if not unit.target:
            result.counts["no translation"] += 1
            continue
        found.append(Candidate(unit, locale, path, entry, unit.target, unit.fuzzy,
                               unit.form_targets))
    result.diagnostics += apply_severity(report, config.severity)
    return found


def _stale(unit: ReadUnit, entry: polib.POEntry | None) -> str | None:
    """Why a unit no longer applies to the entry it names, if it does not."""
    if entry is None:
        return (f"no entry of {unit.document!r} has this unit's English any more (it changed "
                "or was removed since the export)")
    if unit.plural != bool(entry.msgid_plural):
        return ("the catalog's entry is now a plural entry (a phrase with a count)"
                if entry.msgid_plural else "the catalog's entry is no longer a plural entry")
    sources = sources_of(entry) if unit.plural else [entry.msgid]
    for given, wanted in zip(unit.form_sources or (unit.source,), sources):
        if given != wanted:
            return (f"its English differs from the catalog's: the file has {given[:60]!r}, "
                    f"the catalog {wanted[:60]!r}")
    if unit.context_given and unit.context != entry.msgctxt:
        return f"its context {unit.context!r} differs from the catalog's {entry.msgctxt!r}"
    return None


def _glossary(library: Library, locale_catalogs: dict[Path, polib.POFile],
              candidates: list[Candidate]) -> dict[str, str]:
    """The locale's glossary as it will be once the import's reviewed glossary terms are in:
    a term translated in the same batch is checked for in the same batch."""
    glossary = [(p, c) for p, c in locale_catalogs.items() if p.stem == "glossary"]
    if not glossary:
        return {}
    path, catalog = glossary[0]
    overlay = {(c.entry.msgctxt, c.entry.msgid): c.text for c in candidates
               if c.path == path and not c.fuzzy}
    view = polib.POFile()
    for entry in catalog:
        if entry.obsolete:
            continue
        text = overlay.get((entry.msgctxt, entry.msgid))
        view.append(polib.POEntry(msgctxt=entry.msgctxt, msgid=entry.msgid,
                                  msgstr=text if text is not None else entry.msgstr,
                                  flags=[] if text is not None else list(entry.flags)))
    return glossary_terms(library, {path: view})


def checked(config: Config, library: Library, locale: str, candidates: list[Candidate],
             locale_catalogs: dict[Path, polib.POFile], result: ImportResult
             ) -> list[Candidate]:
    """The candidates whose target passes the translation checks (module description);
    every finding is reported at the target's line in the XLIFF file."""
    if not candidates:
        return []
    terms = _glossary(library, locale_catalogs, candidates)
    judge.prefetch(language.to_judge((text for c in candidates for text in c.texts), locale),
                   locale, Cache(config), config.environment.workers)
    required = locale in config.required_locales
    overrides = config.severity_for(locale)
    words = spelling_words(config, library, locale, terms)
    budget = SuggestionBudget()  # one import's misspellings get suggestions up to a bound
    accepted: list[Candidate] = []
    for candidate in candidates:
        unit = candidate.unit
        ctx = replace(check_context(config, library, locale, candidate.path, terms, words),
                      display=unit.shown, reading_grade=None, spelling_budget=budget)
        probe = polib.POEntry(msgctxt=candidate.entry.msgctxt, msgid=candidate.entry.msgid,
                              msgstr=candidate.text,
                              occurrences=list(candidate.entry.occurrences),
                              flags=[f for f in candidate.entry.flags if f != "fuzzy"],
                              tcomment=candidate.entry.tcomment)
        if candidate.forms is not None:
            probe.msgstr = ""
            probe.msgid_plural = candidate.entry.msgid_plural
            probe.msgstr_plural = dict(enumerate(candidate.forms))
        probe.linenum = unit.target_line
        # The entry's own suppressions hold for a vendor's text as for the translator's.
        found = [d for d in apply_severity(checks.check_entry(probe, ctx), overrides)
                 if d.suppressed is None]
        if required:
            blocking = [d for d in found if d.severity == "error"]
        else:
            blocking = [d for d in found if d.code in UNSAFE_CODES]
            found = [replace(d, severity="warning") for d in found]
        result.diagnostics += found
        if blocking:
            refusal = diag(unit.shown, unit.target_line, 0, "E709", printable(
                f"unit {unit.id!r} was not applied: its target has {len(blocking)} "
                f"problem(s) the translation checks refuse ({', '.join(sorted({d.code for d in blocking}))})"))
            if not required:
                refusal = replace(refusal, severity="warning")
            result.diagnostics += apply_severity([refusal], overrides) or []
            result.counts["refused"] += 1
            continue
        accepted.append(candidate)
    return accepted


def apply_candidate(candidate: Candidate) -> bool:
    """Give the entry its new text (every form of a plural entry) and state; whether anything
    changed. A reviewed translation loses the fuzzy flag and the English it was made for
    (`#|`), as after a translator's review; a fuzzy one keeps what it had."""
    entry = candidate.entry

    def state() -> tuple[object, ...]:
        return (tuple(forms(entry)), list(entry.flags), entry.previous_msgid,
                entry.previous_msgctxt, entry.previous_msgid_plural)

    before = state()
    if candidate.forms is not None:
        entry.msgstr_plural = dict(enumerate(candidate.forms))
    else:
        entry.msgstr = candidate.text
    if candidate.fuzzy:
        if "fuzzy" not in entry.flags:
            entry.flags.insert(0, "fuzzy")
    else:
        entry.flags = [f for f in entry.flags if f != "fuzzy"]
        entry.previous_msgid = None
        entry.previous_msgctxt = None
        entry.previous_msgid_plural = None
    return before != state()
