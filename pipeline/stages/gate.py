"""The CI gate behind `check`: source validation, freshness of generated files, and the
translation checks of every catalog under each locale's policy (required or optional).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from pathlib import Path

import polib

from pipeline.content import language, spelling
from pipeline.content.library import Library, LoadedDocument
from pipeline.content.lint import PATIENT_FACING
from pipeline.content.schema import schema_files
from pipeline.content.textunits import iter_texts
from pipeline.content.wordlists import library_words
from pipeline.core.config import Config
from pipeline.core.diagnostics import Diagnostic, apply_severity, count_errors, diag
from pipeline.core.files import digest, read_regular, read_text_or_none
from pipeline.gettext import checks, consistency
from pipeline.gettext.catalogs import catalog_path, catalog_paths, planned_text
from pipeline.gettext.locales import normalize, parse
from pipeline.gettext.memory import Memory, Translation, entry_of
from pipeline.gettext.pofiles import (
    MAX_CATALOG_BYTES,
    EntryKey,
    PoReadError,
    digest_of,
    forms,
    has_translation,
    is_translated,
    key_of,
    read_catalog,
    read_catalog_bytes,
    translation_line,
)
from pipeline.gettext.stats import Progress, progress
from pipeline.gettext.templates import existing_templates, template_path
from pipeline.infra import judge, parallel
from pipeline.infra.cache import Cache, Stats, dumps, loads, sha
from pipeline.stages.captions import check_captions, english_captions
from pipeline.stages.extract import stale_templates
from pipeline.stages.update import fresh_against, read_or_error
from pipeline.stages.validate import validate_sources, word_list


@dataclass
class GateResult:
    library: Library
    diagnostics: list[Diagnostic] = field(default_factory=list)
    checked_files: int = 0
    # The catalogs this run had to parse, by locale: one whose results all came from the
    # cache is not among them.
    reread: dict[str, list[Path]] = field(default_factory=dict)
    # Translation progress by locale and document (for the build's manifest).
    progress: dict[str, dict[str, Progress]] = field(default_factory=dict)
    # Optional locales: per document, (msgid, warning) of each translation a bundle must not
    # carry (UNSAFE_CODES).
    unsafe: dict[str, dict[str, list[tuple[str, Diagnostic]]]] = field(default_factory=dict)
    # What the per-file cache reused and what it redid.
    cache: Stats = field(default_factory=Stats)
    # The sha256 of each readable catalog's bytes as this run checked them, by locale: the
    # build exports those bytes and no others (`read_catalog(expect=...)`).
    snapshot: dict[str, dict[Path, str]] = field(default_factory=dict)
    # What `checked_files` counts, as shown in diagnostics: the source documents and the
    # catalogs this run checked (a `check PATH` counts those under PATH).
    checked: list[str] = field(default_factory=list)
    # What writers' and translators' `ignore-…` suppressions silenced, each with its reason.
    suppressed: list[Diagnostic] = field(default_factory=list)
    # The bytes of each video's captions that may ship, by locale (the source's too) and
    # captions id, as this run checked them.
    captions: dict[str, dict[str, bytes]] = field(default_factory=dict)

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
    return {doc.id: _unit_info(doc) for doc in library}


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


def _schema_problems(config: Config) -> list[Diagnostic]:
    return [diag(config.rel(path), 0, 0, "E410",
                 "editor schema differs from the models; run 'pipeline schema'")
            for path, text in schema_files(config.schema_dir).items()
            if read_text_or_none(path) != text]


def _template_problems(config: Config, changed: dict[Path, str], orphans: list[Path]
                       ) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    for path in changed:
        if os.path.lexists(path):
            try:  # one that cannot be read says why, not just that it differs
                read_catalog_bytes(path, config.rel(path))
            except PoReadError as exc:
                problems.append(exc.diagnostic)
                continue
        what = "is missing" if not os.path.lexists(path) else "differs from the source"
        problems.append(diag(config.rel(path), 0, 0, "E406",
                             f"template {what}; run 'pipeline extract'"))
    for path in orphans:
        problems.append(diag(config.rel(path), 0, 0, "E406",
                             "template of a deleted document; run 'pipeline extract'"))
    return problems


def _catalog_problems(config: Config, writes: Iterable[Path]) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    for path in sorted(writes):
        code, what = ("E407", "is not merged with its template") if path.exists() else (
            "E408", "is missing")
        problems.append(diag(config.rel(path), 0, 0, code,
                             f"catalog {what}; run 'pipeline update'"))
    return problems


@dataclass(frozen=True)
class _Po:
    """What the gate needs of one catalog, kept between runs by the catalog's bytes: its
    parse error, or its Language header, entry keys, what it adds to the translation memory
    and its progress. With it, an unchanged catalog is never parsed again."""

    error: Diagnostic | None
    language: str = ""
    keys: frozenset[EntryKey] = frozenset()
    # Keys of entries without a translation: `update` may fill them from the memory.
    empty: frozenset[EntryKey] = frozenset()
    # What it adds to the memory, pickled on its own: most runs never need it, and
    # unpickling every catalog's translations would cost more than the rest of the summary.
    packed_offers: bytes = b""
    live: bool = False
    progress: Progress = field(default_factory=Progress)
    # Its reviewed translations, for the comparison across catalogs (packed likewise).
    packed_translated: bytes = b""

    def translated(self) -> tuple[consistency.Translated, ...]:
        found = loads(self.packed_translated) if self.packed_translated else ()
        return found if isinstance(found, tuple) else ()

    def offers(self) -> tuple[tuple[EntryKey, Translation], ...]:
        found = loads(self.packed_offers) if self.packed_offers else ()
        return found if isinstance(found, tuple) else ()


def _summary(catalog: polib.POFile) -> _Po:
    offers = [(key, translation) for key, translation in map(entry_of, catalog)
              if key.msgid and translation is not None]
    return _Po(None, catalog.metadata.get("Language", ""),
               frozenset(key_of(e) for e in catalog),
               frozenset(key_of(e) for e in catalog if not has_translation(e)),
               dumps(tuple(offers)),
               any(not e.obsolete for e in catalog), progress(catalog),
               dumps(consistency.translated(catalog)))


@dataclass
class _Locale:
    """One locale's catalogs in this run: summaries (cached or made now), the hash each is
    cached by, and which catalogs had to be parsed because something about them changed."""

    config: Config
    summaries: dict[Path, _Po] = field(default_factory=dict)
    keys: dict[Path, str | None] = field(default_factory=dict)
    # The sha256 of each catalog's bytes as this run first read them.
    digests: dict[Path, str] = field(default_factory=dict)
    read: list[Path] = field(default_factory=list)
    error: Diagnostic | None = None
    # The translation checks, made with the summaries (each catalog is parsed once): the
    # key each catalog's findings are cached by, findings cached or made now (the language
    # of each translation aside, see `_check_locale`), and the sentences left to judge.
    check_keys: dict[Path, str | None] = field(default_factory=dict)
    checked: dict[Path, _Checked] = field(default_factory=dict)
    to_judge: dict[Path, list[str]] = field(default_factory=dict)
    terms: dict[str, str] = field(default_factory=dict)
    # Staleness as judged while each catalog read this run was parsed (`_Unaided`).
    unaided: dict[Path, _Unaided] = field(default_factory=dict)
    # What the locale's spelling check accepts besides its dictionary.
    words: frozenset[str] = frozenset()

    def catalog(self, path: Path) -> polib.POFile | Diagnostic:
        """A catalog parsed again when a check needs its entries (the same bytes, or E413);
        not kept, so memory stays bounded by what one worker handles at a time."""
        return read_or_error(self.config, path, expect=self.digests.get(path))

    @property
    def readable(self) -> dict[Path, _Po]:
        """The catalogs that parsed: each is checked, whatever is wrong with the others."""
        return {path: po for path, po in self.summaries.items() if po.error is None}


def _po_key(config: Config, path: Path, folder: Path, locales: Path
            ) -> tuple[str | None, str | None]:
    """What a catalog's summary and checks depend on (its place and its bytes), and the
    sha256 of those bytes. (None, None) for a file that is not read whole (a link leading
    out, too large): judged every time. `folder` and `locales` are the catalog's folder and
    locales/, already resolved."""
    try:
        target = path.resolve() if path.is_symlink() else folder / path.name
        if not target.is_relative_to(locales):
            return None, None
        if path.stat().st_size > MAX_CATALOG_BYTES:
            return None, None
        data = read_regular(path, MAX_CATALOG_BYTES)
    except (OSError, RuntimeError):
        return None, None
    return sha(str(path), str(target), config.rel(path), data), digest(data)


def _read_locale(config: Config, library: Library, locale: str, cache: Cache,
                 allow: frozenset[str]) -> _Locale:
    """Every catalog of a locale, as summaries, with its translation checks (but language):
    one parse of each catalog that changed serves both. The first broken one (in path order)
    makes the locale unreadable, as `read_catalogs` does; every readable one is checked."""
    state = _Locale(config)
    namespace = f"po-{locale}"
    folder = config.catalog_dir(locale)
    paths = catalog_paths(config, locale)
    real_folder, real_locales = folder.resolve(), config.locales_dir.resolve()
    todo: list[Path] = []
    for path in paths:
        key, sha256 = _po_key(config, path, real_folder, real_locales)
        state.keys[path] = key
        if sha256 is not None:
            state.digests[path] = sha256
        found = cache.get(namespace, config.rel(path), key) if key is not None else None
        if isinstance(found, _Po):
            state.summaries[path] = found
        else:
            todo.append(path)
    unchecked = _cached_checks(config, library, locale, state, allow, cache)
    if len(unchecked) >= parallel.MIN_ITEMS:  # models loading while the catalogs are read
        judge.load_ahead(locale, cache, config.environment.workers)
    unread = set(todo)
    both = sorted(unread | unchecked)
    for path in both:  # what `update` found while merging spares merging it again here
        if (sha256 := state.digests.get(path)) is not None and (
                template := fresh_against(config, cache, locale, path, sha256)) is not None:
            state.unaided[path] = _Unaided(template, stale=False, missing=False)

    def read(path: Path) -> tuple[_Po | None, _Checked | None, list[str], _Unaided | None]:
        catalog = read_or_error(config, path, expect=state.digests.get(path))
        if isinstance(catalog, Diagnostic):  # broken, or changed since it was first read
            return _Po(catalog), ([catalog], []) if path in unchecked else None, [], None
        summary = _summary(catalog) if path in unread else None
        checked, sentences = None, []
        if path in unchecked:
            ctx = _context(config, library, locale, path, state, allow, "not-language")
            sentences = language.to_judge(
                (text for e in catalog if is_translated(e) for text in forms(e)), locale)
            checked = _findings(catalog, ctx)
        unaided = (_unaided_staleness(config, path, catalog, locale)
                   if path not in state.unaided else None)
        return summary, checked, sentences, unaided

    results = parallel.run(read, both, limit=config.environment.workers,
                           description=f"reading {locale}")
    state.read = todo
    for path, (summary, checked, sentences, unaided) in zip(both, results):
        if unaided is not None:
            state.unaided[path] = unaided
        if summary is not None and path in unread:
            state.summaries[path] = summary
            changed = summary.error is not None and summary.error.code == "E413"
            if (key := state.keys[path]) is not None and not changed:
                cache.put(namespace, config.rel(path), key, summary)
        if checked is not None:
            state.checked[path] = checked
            state.to_judge[path] = sentences
    cache.prune(namespace)
    state.summaries = dict(sorted(state.summaries.items()))
    state.error = next((po.error for po in state.summaries.values() if po.error), None)
    return state


@dataclass(frozen=True)
class _Unaided:
    """Whether `update` would change a catalog were the memory to offer nothing for its
    untranslated entries, judged while the catalog is parsed for its checks (so it is
    parsed once), or found by the last `update` (`update.fresh_against`): the verdict
    itself when no other catalog offers one of them. `missing`: the catalog lacks an entry
    of its template, so it is stale whatever the memory holds."""

    template: str  # sha256 of the template's bytes it was judged against
    stale: bool
    missing: bool


def _lacks_an_entry(catalog_keys: AbstractSet[EntryKey], template: polib.POFile) -> bool:
    """A catalog lacking an entry of its template is stale whatever the memory holds."""
    return any(key_of(e) not in catalog_keys for e in template)


def _unaided_staleness(config: Config, path: Path, catalog: polib.POFile, locale: str
                       ) -> _Unaided | None:
    """None when the document has no readable template (judged, or reported, later)."""
    template_file = template_path(config, path.stem)
    if not os.path.lexists(template_file):
        return None
    try:
        template = read_catalog(template_file, config.rel(template_file))
    except PoReadError:
        return None
    judged = digest_of(template) or ""
    if _lacks_an_entry(catalog_keys={key_of(e) for e in catalog}, template=template):
        return _Unaided(judged, True, True)
    return _Unaided(judged, planned_text(template, catalog, Memory(), locale) is not None,
                    False)


def _cached_checks(config: Config, library: Library, locale: str, state: _Locale,
                   allow: frozenset[str], cache: Cache) -> set[Path]:
    """The glossary's terms, each catalog's check key and the findings cached under it;
    returns the catalogs whose checks are to be made. A catalog's findings are cached by its
    bytes, its document's source, the locale's glossary terms, the allowed same-as-source
    texts and the words the spelling check accepts."""
    glossary_path = catalog_path(config, locale, "glossary")
    glossary_po = state.keys.get(glossary_path) if glossary_path in state.keys else "none"
    glossary_doc = library.digests.get("glossary") if "glossary" in library.documents else "none"
    glossary_key = (sha(glossary_po, glossary_doc)
                    if glossary_po is not None and glossary_doc is not None else None)
    terms = cache.get("terms", locale, glossary_key) if glossary_key is not None else None
    if not isinstance(terms, dict):
        parsed = read_or_error(config, glossary_path, expect=state.digests.get(glossary_path)) \
            if glossary_path in state.keys else None
        terms = glossary_terms(library, {glossary_path: parsed}
                               if isinstance(parsed, polib.POFile) else {})
        if glossary_key is not None:
            cache.put("terms", locale, glossary_key, terms)
    state.terms = terms
    state.words = spelling_words(config, library, locale, terms)
    words_key = sha(*sorted(state.words))
    namespace = f"check-{locale}"
    todo: set[Path] = set()
    for path, po_key in state.keys.items():
        stem = path.stem
        source = library.digests.get(stem) if stem in library.documents else "none"
        key = (sha(po_key, str(source), repr(sorted(terms.items())), repr(sorted(allow)), locale,
                   words_key)
               if po_key is not None and source is not None else None)
        state.check_keys[path] = key
        found = cache.get(namespace, config.rel(path), key) if key is not None else None
        if isinstance(found, tuple) and len(found) == 2:
            state.checked[path] = found
        else:
            todo.add(path)
    return todo


def _memory_for(offers: dict[EntryKey, list[Translation]], wanted: Iterable[EntryKey]
                ) -> Memory:
    """The part of the locale's translation memory that merging a catalog whose entries
    are all present asks for: the translations of its untranslated English (`exact` looks at
    the translations of one key alone, so this part answers as the whole memory would).
    `offers` lists each key's translations in catalog order, as the whole memory sees them."""
    memory = Memory()
    for key in sorted(set(wanted)):
        for offer in offers.get(key, []):
            memory.add_entry(key, offer)
    return memory


def _stale_catalogs(config: Config, locales: Sequence[str], states: dict[str, _Locale],
                    cache: Cache) -> list[Diagnostic]:
    """Which catalogs `update` would change, judged catalog by catalog with the text
    `catalogs.planned_text` gives: a catalog lacking an entry of its template is stale
    whatever the memory holds; one that has them all is merged with the memory's
    translations of its untranslated English. A verdict is cached by the template, the
    catalog and those translations; the one made as the catalog was read (`_Unaided`)
    stands when the memory has none to offer; the rest are judged on every core."""
    problems: list[Diagnostic] = []
    templates = {p.stem: p for p in existing_templates(config)}
    template_bytes = {stem: p.read_bytes() for stem, p in templates.items()}
    template_digests = {stem: digest(data) for stem, data in template_bytes.items()}
    writes: list[Path] = []
    for locale in locales:
        state = states[locale]
        # With a catalog that does not parse (reported on its own), the memory lacks its
        # translations: a catalog stale with the others' is stale with them all (more
        # translations can only fill more), so it is still reported; one that is not may
        # only be judged once the broken catalog is fixed.
        offers: dict[EntryKey, list[Translation]] = {}
        wanted = {k for po in state.summaries.values() for k in po.empty}
        for po in state.summaries.values():
            # Only a catalog holding some wanted English other than its own untranslated
            # entries can offer a translation of it (a catalog never holds the same English
            # twice, live or obsolete: E403).
            if (po.keys & wanted) - po.empty:
                for entry_key, offer in po.offers():
                    if entry_key in wanted:
                        offers.setdefault(entry_key, []).append(offer)
        namespace = f"stale-{locale}"
        judge: list[tuple[str, Path, str | None]] = []
        for stem in templates:
            path = catalog_path(config, locale, stem)
            po_entry = state.summaries.get(path)
            if po_entry is None:
                writes.append(path)
                continue
            if po_entry.error is not None:
                continue
            own = sorted((repr(k), offers.get(k, [])) for k in po_entry.empty)
            po_key = state.keys.get(path)
            key = (sha(template_bytes[stem], po_key, repr(own))
                   if po_key is not None else None)
            stale = cache.get(namespace, stem, key) if key is not None else None
            unaided = state.unaided.get(path)
            if (not isinstance(stale, bool) and unaided is not None
                    and unaided.template == template_digests[stem]
                    and (unaided.missing or not any(offers.get(k) for k in po_entry.empty))):
                stale = unaided.stale  # what the memory holds cannot change it
                if key is not None:
                    cache.put(namespace, stem, key, stale)
            if not isinstance(stale, bool):
                judge.append((stem, path, key))
            elif stale:
                writes.append(path)

        def is_stale(item: tuple[str, Path, str | None]) -> bool | Diagnostic:
            stem, path, _ = item
            po_entry = state.summaries[path]
            try:
                template = read_catalog(templates[stem], config.rel(templates[stem]))
            except PoReadError as exc:
                return exc.diagnostic
            if _lacks_an_entry(po_entry.keys, template):
                return True
            catalog = state.catalog(path)
            if isinstance(catalog, Diagnostic):
                return catalog
            memory = _memory_for(offers, po_entry.empty)
            return planned_text(template, catalog, memory, locale) is not None

        verdicts = parallel.run(is_stale, judge, limit=config.environment.workers,
                                description=f"comparing {locale}")
        for (stem, path, key), verdict in zip(judge, verdicts):
            if isinstance(verdict, Diagnostic):
                return [*problems, verdict]
            if key is not None:
                cache.put(namespace, stem, key, verdict)
            if verdict:
                writes.append(path)
        cache.prune(namespace)
        writes += [path for path, po in state.summaries.items()
                   if path.stem not in templates and po.live]
    return problems + _catalog_problems(config, set(writes))


def _cached_freshness(config: Config, library: Library, locales: Sequence[str],
                      states: dict[str, _Locale], cache: Cache) -> list[Diagnostic]:
    problems = _schema_problems(config)
    changed, orphans = stale_templates(config, library, cache)
    problems += _template_problems(config, changed, orphans)
    if changed or orphans:
        return problems  # catalogs are judged against current templates only
    return problems + _stale_catalogs(config, locales, states, cache)


def _unit_info(doc: LoadedDocument) -> dict[EntryKey, checks.UnitInfo]:
    """What the model says about each English text of one document (limit, markup, line)."""
    units: dict[EntryKey, checks.UnitInfo] = {}
    for unit in iter_texts(doc.model):
        key = EntryKey(unit.context, unit.text)
        if key not in units:
            line, _ = doc.source.where(unit.path)
            units[key] = checks.UnitInfo(unit.max_length, unit.markup,
                                         f"{doc.source.display}:{line}", unit.format)
    return units


# Checks that find content a bundle must not carry: in an optional locale (where they are
# only warnings) such a translation is left out of the build and the English used instead.
UNSAFE_CODES = ("E515", "E516")


def run_gate(config: Config, locales: Sequence[str] | None = None, *,
             cache: Cache | None = None) -> GateResult:
    """Validation, freshness, then the translation checks of each locale. `cache` is the
    project's store unless another is given (watch runs with it switched off)."""
    cache = cache if cache is not None else Cache(config)
    library, problems, silenced = validate_sources(config, cache)
    result = GateResult(library, list(problems), cache=cache.stats)
    result.checked_files = len(library)
    result.checked = [doc.source.display for doc in library]
    chosen = [normalize(loc) for loc in locales] if locales else list(config.locales)
    for locale in chosen:  # a configured locale CLDR does not know (E409), as update says
        parse(locale)
    # Each locale's catalogs are read once, for freshness and for the checks; an unchanged
    # catalog only as a cached summary.
    allow = frozenset(config.same_as_source_allow)
    states = {locale: _read_locale(config, library, locale, cache, allow) for locale in chosen}
    english = english_captions(config, library)
    if not any(d.severity == "error" for d in problems):
        result.diagnostics += apply_severity(
            _cached_freshness(config, library, chosen, states, cache), config.severity)
    for locale in chosen:
        state = states[locale]
        result.diagnostics += [po.error for po in state.summaries.values() if po.error]
        result.progress[locale] = {p.stem: po.progress for p, po in state.readable.items()}
        result.snapshot[locale] = {p: state.digests[p] for p in state.readable
                                   if p in state.digests}
        found, unsafe = _check_locale(config, library, locale, state, allow, cache)
        found += _consistency(config, locale, state, cache)
        captioned = check_captions(config, library, locale, english, functools.partial(
            _cue_context, config, library, locale, state), cache)
        found += captioned.problems
        result.captions[locale] = captioned.ready
        if locale in config.required_locales and spelling.dictionary_tag(locale) is None:
            found.append(diag(config.rel(config.catalog_dir(locale)), 0, 0, "W312",
                              spelling.missing_dictionary_message(locale)))
        result.checked_files += len(state.summaries)
        result.checked += [config.rel(path) for path in state.summaries]
        overrides = config.severity_for(locale)
        found = apply_severity(found, overrides)
        if locale not in config.required_locales:
            found = [replace(d, severity="warning") for d in found]
            kept = {(d.path, d.line, d.code, d.message) for d in found}
            result.unsafe[locale] = {
                stem: [(msgid, replace(d, severity="warning"))
                       for d, msgid in pairs if (d.path, d.line, d.code, d.message) in kept]
                for stem, pairs in unsafe.items()}
        result.diagnostics += found
        result.reread[locale] = list(state.read)
    result.captions[config.source_locale] = {name: data for name, (_, data) in english.items()}
    every = sorted(set(_optional_never_fail(config, result.diagnostics)))
    result.diagnostics = [d for d in every if d.suppressed is None]
    result.suppressed = silenced + [d for d in every if d.suppressed is not None]
    cache.save()
    return result


def _optional_never_fail(config: Config, found: list[Diagnostic]) -> list[Diagnostic]:
    """Whatever is wrong in an optional locale's folder (a catalog that does not parse, a
    stale or missing one, its translations) is a warning: such a locale never fails a run,
    and the build leaves out what it cannot use. A file that changed during the run (E413)
    stays an error: the run must be repeated."""
    folders = tuple(config.rel(config.catalog_dir(loc).parent) + "/" for loc in config.locales
                    if loc not in config.required_locales)
    return [replace(d, severity="warning") if d.severity == "error" and d.code != "E413"
            and d.path.startswith(folders) else d for d in found] if folders else found


# What an optional locale may leave for later, counted per catalog rather than listed:
# code → (what the entries are, what readers see meanwhile).
PENDING = {"E501": ("untranslated", "English is shown"),
           "E502": ("fuzzy", "English is shown until reviewed")}


def summarize_pending(config: Config, result: GateResult,
                      diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """The reviewer's view of the optional locales: their untranslated (E501) and fuzzy
    (E502) entries become one warning per catalog and code, at the first such entry's line,
    counting them against the catalog's entries; a locale at 0 % is then one line (or one
    GitHub annotation) per document. `check --verbose` shows every entry instead. Required
    locales, and every other finding, are kept as they are."""
    kept: list[Diagnostic] = []
    groups: dict[tuple[str, str, str], list[Diagnostic]] = {}
    for d in diagnostics:
        locale = locale_of(config, d.path, config.optional_locales)
        if locale is not None and d.code in PENDING and d.severity == "warning":
            groups.setdefault((d.path, d.code, locale), []).append(d)
        else:
            kept.append(d)
    for (path, code, locale), entries in groups.items():
        what, meanwhile = PENDING[code]
        counted = result.progress.get(locale, {}).get(Path(path).stem)
        total = counted.total if counted is not None else 0
        count = (f"{len(entries)} of {total} entr{'y' if total == 1 else 'ies'}"
                 if total >= len(entries)
                 else f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}")
        first = min(entries)
        kept.append(replace(diag(path, first.line, 0, code,
                                 f"{count} {what} ({meanwhile}); run with --verbose for each"),
                            severity="warning"))
    return sorted(kept)


def locale_of(config: Config, path: str, locales: Iterable[str]) -> str | None:
    """Which of `locales` has `path` (as diagnostics show it) in its folder, if any."""
    return next((loc for loc in locales
                 if path.startswith(config.rel(config.locales_dir / loc) + "/")), None)


# A catalog's findings, and per finding of UNSAFE_CODES the msgid it is about.
_Checked = tuple[list[Diagnostic], list[tuple[Diagnostic, str]]]


def _context(config: Config, library: Library, locale: str, path: Path, state: _Locale,
             allow: frozenset[str], scope: str) -> checks.CheckContext:
    """What the checks of one catalog need: its document's units, the locale's terms."""
    return check_context(config, library, locale, path, state.terms, state.words, scope)


def spelling_words(config: Config, library: Library, locale: str,
                   terms: Mapping[str, str]) -> frozenset[str]:
    """What a locale's spelling check accepts besides the dictionary: the project's word
    list for the language, the glossary (its English and these translations) and names."""
    return word_list(config, locale) | library_words(library, terms.values())


def check_context(config: Config, library: Library, locale: str, path: Path,
                  terms: Mapping[str, str], words: frozenset[str], scope: str = "all"
                  ) -> checks.CheckContext:
    """The checks' context for one catalog, the same for `check`, the preview and a vendor's
    import: its document's units, the locale's glossary terms and spelling words, and the
    reading target when patients read the document whole."""
    doc = library.documents.get(path.stem)
    patient = doc is not None and doc.kind in PATIENT_FACING
    return checks.CheckContext(locale=locale, display=config.rel(path),
                               units=_unit_info(doc) if doc is not None else {},
                               glossary=terms,
                               same_as_source_allow=frozenset(config.same_as_source_allow),
                               scope=scope, source_locale=config.source_locale,
                               reading_grade=config.reading_grade if patient else None,
                               spelling_words=words)


def _cue_context(config: Config, library: Library, locale: str, state: _Locale,
                 doc_id: str) -> checks.CheckContext:
    """The checks' context for the captions of a document's video: its catalog's, the
    language of the whole file being judged apart."""
    return check_context(config, library, locale,
                         config.catalog_dir(locale) / f"{doc_id}.po", state.terms,
                         state.words, "not-language")


def _findings(catalog: polib.POFile, ctx: checks.CheckContext) -> _Checked:
    found = checks.check_catalog(catalog, ctx)
    lines = {translation_line(e): e.msgid for e in catalog}
    return found, [(d, lines[d.line]) for d in found
                   if d.code in UNSAFE_CODES and d.line in lines]


def _check_locale(config: Config, library: Library, locale: str, state: _Locale,
                  allow: frozenset[str], cache: Cache
                  ) -> tuple[list[Diagnostic], dict[str, list[tuple[Diagnostic, str]]]]:
    """The translation checks of every readable catalog of a locale (severities not applied
    yet), and per document the unsafe findings with the msgid they are about.

    The catalogs were checked as they were read, but for the language of each translation:
    the sentences left to judge are judged here in one batch, and only a catalog with one
    that reads as another language is parsed again for its language check."""
    namespace = f"check-{locale}"
    judge.prefetch((s for sentences in state.to_judge.values() for s in sentences), locale,
                   cache, config.environment.workers)
    for path, sentences in sorted(state.to_judge.items()):
        if not language.any_foreign(sentences, locale):
            continue
        catalog = state.catalog(path)
        if isinstance(catalog, Diagnostic):  # changed since it was read
            state.checked[path] = ([catalog], [])
            continue
        ctx = _context(config, library, locale, path, state, allow, "language")
        extra, extra_pairs = _findings(catalog, ctx)
        earlier, pairs = state.checked[path]
        # A sentence in another language is reported once, as that, not word by word.
        foreign = {d.line for d in extra if d.code == "E513"}
        earlier = [d for d in earlier if d.code != "W312" or d.line not in foreign]
        state.checked[path] = (sorted(earlier + extra), pairs + extra_pairs)
    for path in state.to_judge:
        changed = any(d.code == "E413" for d in state.checked[path][0])
        if (key := state.check_keys.get(path)) is not None and not changed:
            cache.put(namespace, config.rel(path), key, state.checked[path])
    cache.prune(namespace)
    readable = [path for path in state.readable if path in state.checked]
    found = [d for path in readable for d in state.checked[path][0]]
    unsafe = {path.stem: state.checked[path][1] for path in readable if state.checked[path][1]}
    return found, unsafe


def _consistency(config: Config, locale: str, state: _Locale, cache: Cache
                 ) -> list[Diagnostic]:
    """W526 across the locale's readable catalogs, cached by all their keys together."""
    readable = state.readable
    keys = [state.keys.get(path) for path in readable]
    key = (sha(*(f"{config.rel(path)}\0{k}" for path, k in zip(readable, keys)))
           if all(k is not None for k in keys) else None)
    found = cache.get("consistency", locale, key) if key is not None else None
    if not isinstance(found, list):
        found = consistency.inconsistencies(
            {config.rel(path): po.translated() for path, po in readable.items()})
        if key is not None:
            cache.put("consistency", locale, key, found)
    return found


@dataclass
class CheckView:
    """What `check` shows of a gate's result: the problems under the paths asked about
    (pending entries of optional locales summed up per catalog unless verbose), how many
    files that covers, and errors and warnings of the source and of each locale, counted
    as printed (None: nothing of theirs was in scope)."""

    shown: list[Diagnostic]
    files: int
    source: tuple[int, int] | None
    locales: dict[str, tuple[int, int]]
    # The findings suppressions silenced under those paths, with their reasons.
    suppressed: list[Diagnostic] = field(default_factory=list)


def check_view(config: Config, result: GateResult, locales: Sequence[str],
               paths: Sequence[Path] = (), *, verbose: bool = False) -> CheckView:
    shown, checked, suppressed = result.diagnostics, result.checked, result.suppressed
    if paths:
        wanted = [config.rel(path.resolve()).rstrip("/") for path in paths]

        def inside(path: str) -> bool:
            return any(w == "." or path == w or path.startswith(w + "/") for w in wanted)

        shown = [d for d in shown if inside(d.path)]
        checked = [path for path in checked if inside(path)]
        suppressed = [d for d in suppressed if inside(d.path)]
    if not verbose:
        shown = summarize_pending(config, result, shown)
    # A file with a problem counts even if it is not a document or a catalog (a template).
    files = len(set(checked) | {d.path for d in shown})
    rows: dict[str, tuple[int, int]] = {}
    for loc in locales:
        own = [d for d in shown if locale_of(config, d.path, [loc])]
        if own or not paths or any(locale_of(config, p, [loc]) for p in checked):
            rows[loc] = (count_errors(own), len(own) - count_errors(own))
    rest = [d for d in shown if locale_of(config, d.path, locales) is None]
    source = ((count_errors(rest), len(rest) - count_errors(rest))
              if rest or not paths
              or any(locale_of(config, p, locales) is None for p in checked) else None)
    return CheckView(shown, files, source, rows, sorted(suppressed))
