"""`validate`: read every source file, validate it against its model
(`content.validation`), then check references and lint the text, on every core and with the
per-file cache. Returns every problem at once, with file, line and column.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from pipeline.content import spelling
from pipeline.content.captions import CaptionsText, english_captions
from pipeline.content.crossref import Facts, check_references, reference_facts
from pipeline.content.language import any_foreign, to_judge
from pipeline.content.library import Library, LoadedDocument
from pipeline.content.lint import (
    foreign_lint,
    lint_document,
    review_overdue,
    spelling_problems,
    unknown_words,
)
from pipeline.content.loader import SourceFile, iter_source_files, read_source
from pipeline.content.media import media_problems
from pipeline.content.textunits import iter_texts
from pipeline.content.validation import validate_data
from pipeline.content.wordlists import MAX_WORD_LIST_BYTES, library_words, parse_word_list
from pipeline.core import suppressions
from pipeline.core.config import Config
from pipeline.core.diagnostics import Diagnostic, apply_severity, diag
from pipeline.core.files import read_regular, read_text_or_none
from pipeline.core.text import printable
from pipeline.infra import judge, parallel
from pipeline.infra.cache import Cache, sha
from pipeline.infra.judge import prefetch


def validate_project(config: Config, cache: Cache | None = None
                     ) -> tuple[Library, list[Diagnostic]]:
    """Validate everything under the source folder. The library holds the documents that passed
    their own model; the diagnostics list every problem found (but those a writer silenced),
    sorted and with severities applied."""
    library, problems, _ = validate_sources(config, cache)
    return library, problems


def validate_sources(config: Config, cache: Cache | None = None
                     ) -> tuple[Library, list[Diagnostic], list[Diagnostic]]:
    """`validate_project`, and what the writers' suppressions silenced (for
    `check --show-suppressed`).

    Each file's own outcome (read, model, lint) comes from `cache` when the file's bytes are
    the same as when it was stored; only the rules across documents run again every time."""
    cache = cache if cache is not None else Cache(config)
    library = Library()
    problems: list[Diagnostic] = []
    seen: dict[str, SourceFile] = {}
    # Ids of files that exist but were rejected: references to them are not reported again.
    rejected: set[str] = set()
    paths = list(iter_source_files(config.source_dir))
    if len(paths) >= parallel.MIN_ITEMS:  # a library that makes the run large
        judge.start(config.environment.workers)
    keys = [_file_key(config, path) for path in paths]
    outcomes: list[_Outcome | None] = [
        _cached(cache, _display(path, config), key) for path, key in zip(paths, keys)]
    todo = [i for i, outcome in enumerate(outcomes) if outcome is None]
    if todo:  # loaded once, before the workers are forked, rather than once in each
        spelling.speller(config.source_locale)
    if len(todo) >= parallel.MIN_ITEMS:
        judge.load_ahead(config.source_locale, cache, config.environment.workers)
    fresh = parallel.run(functools.partial(_read_one, config), [paths[i] for i in todo],
                         limit=config.environment.workers,
                         description="validating")
    # The sentences the workers could not clear are judged in one batch; only a document
    # with one that reads as another language is looked at again.
    prefetch((s for _, sentences in fresh for s in sentences), config.source_locale, cache,
             config.environment.workers)
    for i, (read, sentences) in zip(todo, fresh):
        if read.doc is not None and any_foreign(sentences, config.source_locale):
            read = replace(read, lint=sorted(read.lint + foreign_lint(read.doc, config)))
        outcomes[i] = read
        if keys[i] is not None:
            cache.put(_NAMESPACE, read.src.display, keys[i] or "", read)
    cache.prune(_NAMESPACE)
    linted: list[Diagnostic] = []
    known: dict[str, Facts] = {}
    unknown: dict[str, frozenset[str]] = {}
    for path, key, outcome in zip(paths, keys, outcomes):
        assert outcome is not None
        src, doc, facts = outcome.src, outcome.doc, outcome.facts
        display = src.display
        problems += outcome.problems
        if outcome.unreadable:  # a null document reads fine and is reported by validate_data
            rejected.add(path.stem)
            continue
        if doc is None:
            rejected.add(path.stem)
            if isinstance(src.data, dict) and isinstance(src.data.get("id"), str):
                rejected.add(src.data["id"])
            continue
        if doc.id in seen:
            other = seen[doc.id]
            line, col = src.where(("id",))
            problems.append(diag(display, line, col, "E201",
                                 f"id {doc.id!r} is already used by {other.display}"))
            continue
        if doc.id in RESERVED_IDS:
            line, col = src.where(("id",))
            problems.append(diag(display, line, col, "E208",
                                 f"id {doc.id!r} names a file the build writes beside the "
                                 "bundles; choose another id"))
            rejected.add(doc.id)
            continue
        seen[doc.id] = src
        library.documents[doc.id] = doc
        if key is not None:
            library.digests[doc.id] = key
        linted += outcome.lint
        unknown[doc.id] = outcome.unknown
        if facts is not None:
            known[doc.id] = facts
    problems += check_references(library, config, rejected=rejected, facts=known)
    problems += linted
    # Rules that depend on the day, or on other files, not on the file alone.
    today = config.environment.now().date()
    captions: list[CaptionsText] = []
    for doc in library:
        problems += review_overdue(doc, today, config.review_max_age_months)
        # Files beside the document: its images and video, its English captions.
        problems += media_problems(doc, config)
        found, text = english_captions(doc, config)
        problems += found
        if text is not None:
            captions.append(text)
    prefetch(to_judge((text.text for text in captions), config.source_locale),
             config.source_locale, cache, config.environment.workers)
    problems += [d for text in captions
                 for d in text.language_problems(config.source_locale, "E301")]
    foreign = {(d.path, d.line) for d in problems if d.code == "E301"}
    problems += [d for d in _spelling(config, library, cache, unknown)
                 if (d.path, d.line) not in foreign]
    cache.save()
    every = apply_severity(_with_suppressions(outcomes, problems), config.severity)
    return (library, [d for d in every if d.suppressed is None],
            [d for d in every if d.suppressed is not None])


def word_list(config: Config, language: str) -> frozenset[str]:
    """The project's word list for a language (`word_list`, e.g. spelling/fr.txt); empty
    when there is none. A file that cannot be read as text counts as none."""
    path = config.root / config.word_list.format(language=language)
    text = read_text_or_none(path, MAX_WORD_LIST_BYTES)
    return parse_word_list(text) if text is not None else frozenset()


def _spelling(config: Config, library: Library, cache: Cache,
              unknown: dict[str, frozenset[str]]) -> list[Diagnostic]:
    """W312 in the English, with the word list, glossary terms and reviewers' names (a
    text in another language, E301, is reported once, as that). Each document's findings
    are kept by its bytes and those words, so the dictionary is loaded only for a change;
    a document is read again only when a word of it (`unknown`, found by the worker that
    read it) is in none of them."""
    language = config.source_locale
    if spelling.dictionary_tag(language) is None:
        return [diag(config.rel(config.source_dir), 0, 0, "W312",
                     spelling.missing_dictionary_message(language))]
    accepted = word_list(config, language) | library_words(library)
    words_key = sha(*sorted(accepted))
    problems: list[Diagnostic] = []
    for doc in library:
        digest = library.digests.get(doc.id)
        key = sha(digest, words_key) if digest is not None else None
        found = cache.get(_SPELLING, doc.source.display, key) if key is not None else None
        if not isinstance(found, list):
            speller = spelling.speller(language, accepted)
            # A word the dictionary knows is known with more words too: a document whose
            # every unknown word is the project's has nothing to report.
            candidates = unknown.get(doc.id)
            if speller is None or (candidates is not None
                                   and all(speller.correct(w) for w in candidates)):
                found = []
            else:
                found = spelling_problems(doc, speller)
            if key is not None:
                cache.put(_SPELLING, doc.source.display, key, found)
        problems += found
    cache.prune(_SPELLING)
    return problems


def _with_suppressions(outcomes: Sequence[_Outcome | None], problems: list[Diagnostic]
                       ) -> list[Diagnostic]:
    """The writers' `# ignore-…` comments applied, place by place (`suppressions.apply`): in
    a file whose document failed its model, lint did not run, so a suppression there is not
    said to silence nothing."""
    written = {outcome.src.display: outcome for outcome in outcomes
               if outcome is not None and outcome.src.suppressions}
    if not written:
        return problems
    at: dict[tuple[str, int], list[Diagnostic]] = {}
    rest: list[Diagnostic] = []
    for d in problems:
        if d.path in written and d.line in written[d.path].src.suppressions:
            at.setdefault((d.path, d.line), []).append(d)
        else:
            rest.append(d)
    for display, outcome in written.items():
        judged = None if outcome.doc is not None else frozenset[str]()
        for line, found in outcome.src.suppressions.items():
            rest += suppressions.apply(at.get((display, line), []), found, path=display,
                                       line=line, judged=judged)
    return sorted(rest)


@dataclass(frozen=True)
class _Outcome:
    """What one file makes on its own, kept in the cache by its bytes."""

    src: SourceFile
    unreadable: bool
    doc: LoadedDocument | None  # when it passed its model
    problems: list[Diagnostic]
    lint: list[Diagnostic]
    facts: Facts | None  # what the rules across documents look at in it
    # The words of its English that the dictionary alone does not know: those the
    # project's words (which only the whole library gives) have to accept.
    unknown: frozenset[str]


_NAMESPACE = "source"
_SPELLING = "spelling"
# Each locale's folder of bundles also holds its index (`index.json`).
RESERVED_IDS = frozenset({"index"})


def _file_key(config: Config, path: Path) -> str | None:
    """What a file's outcome depends on: where it is, where it leads, and its bytes. None
    when it is not read whole (too large, unreadable, not a regular file): such a file is
    judged every time."""
    try:
        return sha(str(path), str(path.resolve()), read_regular(path, config.max_file_bytes))
    except (OSError, RuntimeError):
        return None


def _cached(cache: Cache, display: str, key: str | None) -> _Outcome | None:
    found = cache.get(_NAMESPACE, display, key) if key is not None else None
    return found if isinstance(found, _Outcome) else None


def _read_one(config: Config, path: Path) -> tuple[_Outcome, list[str]]:
    """Read, validate and lint one file on its own (in a worker process for large
    libraries): its outcome, and the sentences a judge has to read (`language.to_judge`)."""
    src, found = read_source(path, _display(path, config), max_bytes=config.max_file_bytes,
                             root=config.source_dir)
    if found:
        return _Outcome(src, True, None, found, [], None, frozenset()), []
    doc, found = validate_data(src)
    if doc is None:
        return _Outcome(src, False, None, found, [], None, frozenset()), []
    units = list(iter_texts(doc.model))
    lint = lint_document(doc, config, units)
    sentences = to_judge((unit.text for unit in units), config.source_locale)
    # The model holds the content now; later stages only ask where values are.
    src.data = None
    src.keys.clear()
    return _Outcome(src, False, doc, found, lint, reference_facts(doc),
                    unknown_words(units, config.source_locale)), sentences


def _display(path: Path, config: Config) -> str:
    """The file as found (a link's own name, not its target), relative to the project root."""
    try:
        return printable(path.relative_to(config.root).as_posix())
    except ValueError:
        return printable(str(path))


