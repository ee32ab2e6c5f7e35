"""`update`: merge every template into every locale's catalogs, all or nothing.

Everything is read and merged in memory first (`plan_update`, the one answer to "what would
`update` write?", which the gate asks too); the writes are then saved in a signed journal and
made one by one, so a run killed halfway is finished by the next. The merge itself, and the
promise that no translation is lost, is `gettext.catalogs`.
"""

from __future__ import annotations

import functools
import json
import os
import stat
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import polib

from pipeline.core.config import Config, UsageError
from pipeline.core.diagnostics import Diagnostic, diag
from pipeline.core.files import FileSystemError, digest, fs_error
from pipeline.gettext.catalogs import (
    MergeResult,
    catalog_path,
    catalog_paths,
    init_catalog,
    planned_text,
    retire_all,
    wrong_language,
)
from pipeline.gettext.memory import Memory, Translation, entry_of
from pipeline.gettext.pofiles import (
    MAX_CATALOG_BYTES,
    EntryKey,
    PoReadError,
    digest_of,
    read_catalog,
    read_catalog_bytes,
    render_catalog,
)
from pipeline.gettext.templates import existing_templates
from pipeline.infra import cache, parallel
from pipeline.infra.filestate import sha_of
from pipeline.infra.fsutil import write_atomic


def read_catalogs(config: Config, locale: str) -> dict[Path, polib.POFile]:
    """Every catalog of a locale, in path order (raising PoReadError on the first broken one).
    Large locales are parsed on every core."""
    paths = catalog_paths(config, locale)
    parsed = parallel.run(functools.partial(read_or_error, config), paths,
                          limit=config.environment.workers,
                          description="reading catalogs")
    catalogs: dict[Path, polib.POFile] = {}
    for path, found in zip(paths, parsed):
        if isinstance(found, Diagnostic):
            raise PoReadError(found)
        catalogs[path] = found
    return catalogs


def read_or_error(config: Config, path: Path, expect: str | None = None
                  ) -> polib.POFile | Diagnostic:
    """A catalog, or the diagnostic of why it cannot be read (a worker's result is a value);
    with `expect`, only the bytes with that sha256 (E413 otherwise)."""
    try:
        return read_catalog(path, config.rel(path), expect=expect)
    except PoReadError as exc:
        return exc.diagnostic


@contextmanager
def locked(config: Config) -> Iterator[list[Diagnostic]]:
    """One writer at a time on the locales folder; gives what finishing an interrupted
    update found (W412).

    Under the lock no other run is writing, so temporary files left by a killed write are
    debris and are removed (they are never read as catalogs either way).

    The lock is `.pipeline-cache/catalogs.lock` (`cache.run_lock`), not a file in the locales
    folder, which git would show; `locales/.pipeline.lock` (where older versions kept it) is
    used only when the project cannot be written.
    """
    with cache.run_lock(config, cache.CATALOGS_LOCK, "updating the catalogs",
                        config.locales_dir / ".pipeline.lock"):
        for debris in config.locales_dir.rglob(".*.tmp"):
            if debris.is_file() and not debris.is_symlink():
                debris.unlink(missing_ok=True)
        yield finish_journal(config)


def _template_digest(config: Config, path: Path) -> tuple[Diagnostic | None, str | None]:
    """Why a template's file cannot be read, if it cannot; else the sha256 of its bytes
    (it is parsed where it is merged, or by `_template_problem`)."""
    try:
        return None, digest(read_catalog_bytes(path, config.rel(path)))
    except PoReadError as exc:
        return exc.diagnostic, None


def _template_problem(config: Config, path: Path) -> Diagnostic | None:
    """Why a template cannot be read, if it cannot."""
    found = read_or_error(config, path)
    return found if isinstance(found, Diagnostic) else None


@dataclass(frozen=True)
class _Part:
    """One catalog as the locale's memory sees it, read in a worker: the digest of its
    bytes, its Language header, each entry's key and translation, whether it has a live
    entry; or why it cannot be read."""

    error: Diagnostic | None
    digest: str | None = None
    language: str = ""
    entries: tuple[tuple[EntryKey, Translation | None], ...] = ()
    live: bool = False


def _part(config: Config, path: Path) -> _Part:
    found = read_or_error(config, path)
    if isinstance(found, Diagnostic):
        return _Part(found)
    return _Part(None, digest_of(found), found.metadata.get("Language", ""),
                 tuple(entry_of(e) for e in found if e.msgid), any(not e.obsolete for e in found))


@dataclass(frozen=True)
class _Merged:
    """One document's catalog merged with its template, in a worker: the new text (None
    when the merge leaves the catalog as it is) and the merge's counts; or why the template
    cannot be read (`template_problem`), or the catalog (`problem`, also when it changed
    since it was first read)."""

    text: str | None = None
    counts: Counter[str] = field(default_factory=Counter)
    template_problem: Diagnostic | None = None
    problem: Diagnostic | None = None


def _merged(config: Config, locale: str, memory: Memory, digests: dict[Path, str | None],
            templates: dict[Path, str], template_path: Path) -> _Merged:
    """`_Merged` for one template (the memory is the run's, shared by the fork); the
    template's bytes are those `plan_update` took the digest of (E413 otherwise)."""
    template = read_or_error(config, template_path, expect=templates[template_path])
    if isinstance(template, Diagnostic):
        return _Merged(template_problem=template)
    path = catalog_path(config, locale, template_path.stem)
    old: polib.POFile | Diagnostic | None = None
    if path in digests:
        old = read_or_error(config, path, expect=digests[path])
        if isinstance(old, Diagnostic):
            return _Merged(problem=old)
    result = MergeResult()
    return _Merged(planned_text(template, old, memory, locale, result), result.counts)


@dataclass
class Plan:
    """What `update` would do: path → new text (and the digest of the bytes it replaces)
    for every catalog that changes; and, by locale, each catalog the merge leaves as it is,
    with the digests of its bytes and of its template's and the merge's counts
    (`remember_fresh`)."""

    writes: dict[Path, Write] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)
    problems: list[Diagnostic] = field(default_factory=list)
    unchanged: dict[str, dict[Path, tuple[str, str, Counter[str]]]] = field(
        default_factory=dict)


def plan_update(config: Config, locales: list[str], store: cache.Cache | None = None) -> Plan:
    """What `update` would write (`Plan`). With `store`, a catalog the last update left as
    it was is not merged again while it, its template and what the memory offers for its
    untranslated English are the same (`_still_fresh`).

    Everything is read and merged before anything is written: a broken template stops the
    update, and a broken catalog its locale, so a bad file never leaves a locale half
    updated. The locale's catalogs are read once for its translation memory (each worker
    sends back only what the memory keeps); then each document's template and catalog are
    merged on every core, parsed again one at a time, so no run holds every parsed catalog
    of a locale at once. A template is parsed where it is merged; one no merge read (its
    catalogs left as they were, or every locale stopped) is parsed at the end, unless an
    earlier merge of these very bytes vouches for it (`_still_fresh`).
    """
    plan = Plan()
    problems, counts, writes = plan.problems, plan.counts, plan.writes
    templates = list(existing_templates(config))
    workers = config.environment.workers
    read = parallel.run(functools.partial(_template_digest, config), templates,
                        limit=workers, description="reading templates")
    if (first := next((found for found, _ in read if found is not None), None)) is not None:
        return Plan(problems=[first])
    by_template = {path: sha256 for path, (_, sha256) in zip(templates, read) if sha256}
    unread = set(templates)  # templates neither merged nor vouched for
    stems = {path.stem for path in templates}
    for locale in locales:
        paths = catalog_paths(config, locale)
        parts = parallel.run(functools.partial(_part, config), paths, limit=workers,
                             description="reading catalogs")
        if (error := next((part.error for part in parts if part.error), None)) is not None:
            problems.append(error)
            continue
        memory = Memory()
        for part in parts:
            for key, translation in part.entries:
                memory.add_entry(key, translation)
        memory.prepare()
        problems += [found for path, part in zip(paths, parts)
                     if (found := wrong_language(config, path, part.language, locale))]
        digests = {path: part.digest for path, part in zip(paths, parts)}
        unchanged = plan.unchanged.setdefault(locale, {})
        by_path = dict(zip(paths, parts))
        todo: list[Path] = []
        for template_path in templates:
            path = catalog_path(config, locale, template_path.stem)
            kept = (_still_fresh(config, store, locale, path, by_path.get(path),
                                 by_template[template_path], memory)
                    if store is not None else None)
            if kept is not None:
                counts.update(kept[2])
                unchanged[path] = kept
                unread.discard(template_path)
            else:
                todo.append(template_path)
        del parts, by_path  # the memory holds what it needs
        merged = parallel.run(
            functools.partial(_merged, config, locale, memory, digests, by_template), todo,
            limit=workers, description=f"merging {locale}")
        if (first := next((m.template_problem for m in merged if m.template_problem),
                          None)) is not None:
            return Plan(problems=[first])
        unread.difference_update(todo)
        for template_path, result in zip(todo, merged):
            if result.problem is not None:
                problems.append(result.problem)
                continue
            counts.update(result.counts)
            path = catalog_path(config, locale, template_path.stem)
            if result.text is not None:
                writes[path] = Write(result.text, digests.get(path))
            elif (before := digests.get(path)) is not None:
                unchanged[path] = (before, by_template[template_path], result.counts)
        for path in paths:
            if path.stem in stems:
                continue
            catalog = read_or_error(config, path, expect=digests[path])
            if isinstance(catalog, Diagnostic):
                problems.append(catalog)
            elif any(not e.obsolete for e in catalog):
                writes[path] = Write(render_catalog(retire_all(catalog), like=catalog),
                                     digests[path])
    left = [path for path in templates if path in unread]
    broken = parallel.run(functools.partial(_template_problem, config), left, limit=workers,
                          description="reading templates")
    if (first := next((problem for problem in broken if problem is not None), None)) is not None:
        return Plan(problems=[first])
    return plan


# Where `update` keeps, by locale, each catalog it found as its merge leaves it.
_FRESH = "fresh-{locale}"


def _fresh_key(locale: str, catalog_digest: str) -> str:
    return cache.sha(locale, catalog_digest)


def remember_fresh(config: Config, store: cache.Cache, plan: Plan) -> None:
    """Keep each catalog the merge left as it is, by its bytes, with the template it was
    merged with and the merge's counts. Merged with any memory it stayed the same, so
    merged with none it would too (a memory only fills untranslated English): the gate
    need not merge it again to know (`fresh_against`), nor the next update while the
    memory offers nothing for its untranslated English (`_still_fresh`)."""
    for locale, unchanged in plan.unchanged.items():
        namespace = _FRESH.format(locale=locale)
        for path, (catalog, template, counts) in unchanged.items():
            store.put(namespace, config.rel(path), _fresh_key(locale, catalog),
                      (template, dict(counts)))
        store.prune(namespace)
    store.save()


def _fresh(config: Config, store: cache.Cache, locale: str, path: Path, catalog_digest: str
           ) -> tuple[str, dict[str, int]] | None:
    found = store.get(_FRESH.format(locale=locale), config.rel(path),
                      _fresh_key(locale, catalog_digest))
    if (isinstance(found, tuple) and len(found) == 2 and isinstance(found[0], str)
            and isinstance(found[1], dict)):
        return found
    return None


def fresh_against(config: Config, store: cache.Cache, locale: str, path: Path,
                  catalog_digest: str) -> str | None:
    """The sha256 of the template `update` last merged this catalog with, bytes as they
    are, leaving it as it was (`remember_fresh`); None when it did not."""
    found = _fresh(config, store, locale, path, catalog_digest)
    return found[0] if found is not None else None


def _still_fresh(config: Config, store: cache.Cache, locale: str, path: Path,
                 part: _Part | None, template_digest: str, memory: Memory
                 ) -> tuple[str, str, Counter[str]] | None:
    """A catalog the last update left as it was (its digest, its template's and the merge's
    counts), when merging it again would leave it so too: its bytes and its template's are
    the same, and the memory has no translation of any English it leaves untranslated (the
    only entries a memory can change in a catalog that has every entry of its template)."""
    if part is None or part.digest is None:
        return None
    found = _fresh(config, store, locale, path, part.digest)
    if found is None or found[0] != template_digest:
        return None
    if any(translation is None and memory.offers(key) for key, translation in part.entries):
        return None
    return part.digest, template_digest, Counter(found[1])


# The catalogs an `update` is writing, saved before the first of them: a run killed halfway
# is finished by the next run that takes the lock. It lives in the tool's own folder, signed
# with the user's key (`cache.secret_key`), never in locales/, which others can write to.


@dataclass(frozen=True)
class Write:
    """One catalog `update` replaces: its new text, and the digest of the bytes it was
    merged from (None for a new catalog), so nothing is replaced that changed since."""

    text: str
    before: str | None


def journal_path(config: Config) -> Path:
    return config.root / cache.FOLDER / cache.JOURNAL


def _digest(path: Path) -> str | None:
    """The sha256 of a file's bytes now; None when there is no file."""
    try:
        return sha_of(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise fs_error(str(path), exc, "read the catalog") from None


def apply_writes(config: Config, writes: dict[Path, Write]) -> list[Diagnostic]:
    """Write every planned catalog, through a journal. Each file is replaced atomically, but
    an update killed halfway would leave some catalogs merged and others not, and merging
    the rest later (with a memory that now holds half-merged catalogs) could decide
    differently from one uninterrupted run: so the whole plan is saved first, and the next
    run under the lock completes it before planning anything.

    A catalog that changed since it was read (a translator's save, a `git pull`) is not
    replaced: it is reported (E413) and the others are written."""
    if not writes:
        return []
    problems: list[Diagnostic] = []
    key = cache.secret_key(config.environment)
    journal = journal_path(config)
    if key is not None:
        entries = [{"path": path.relative_to(config.locales_dir).as_posix(),
                    "before": write.before, "after": write.text}
                   for path, write in sorted(writes.items())]
        data = json.dumps({"version": 2, "writes": entries}, ensure_ascii=False).encode("utf-8")
        cache.mark_local(journal.parent)
        write_atomic(journal, cache.signed(key, data))
    for path, write in sorted(writes.items()):
        if _digest(path) != write.before:
            problems.append(diag(config.rel(path), 0, 0, "E413",
                                 "the catalog changed while update was merging it; it was "
                                 "left as it is: run update again"))
            continue
        write_atomic(path, write.text)
    journal.unlink(missing_ok=True)
    return problems


def written(config: Config, writes: dict[Path, Write], skipped: list[Diagnostic]
            ) -> list[Path]:
    """The catalogs `apply_writes` wrote: those planned, but the ones it skipped."""
    refused = {config.root / d.path for d in skipped}
    return sorted(set(writes) - refused)


def finish_journal(config: Config) -> list[Diagnostic]:
    """Complete the writes of an update that was killed (under the lock), or discard them.

    The journal is obeyed only when it is this user's (its signature) and every catalog it
    names is still either as the update read it or as it was going to write it: a catalog
    edited since (a translator's save, a `git pull`) means the plan is out of date, so
    nothing of it is written and W412 says so. Only `<locale>/LC_MESSAGES/<document>.po`
    inside the locales folder can be named."""
    journal = journal_path(config)
    if not journal.exists() and not journal.is_symlink():
        return []
    shown = config.rel(journal)

    def discard(why: str) -> list[Diagnostic]:
        journal.unlink(missing_ok=True)
        return [diag(shown, 0, 0, "W412", f"{why}; it was discarded and nothing in it was "
                                          "written")]

    key = cache.secret_key(config.environment)
    try:
        fd = os.open(journal, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                return discard("the interrupted update's record is not a regular file")
            stored = fh.read(64 * MAX_CATALOG_BYTES)
    except OSError:
        return discard("the interrupted update's record cannot be read")
    data = cache.verified(key, stored) if key is not None else None
    if data is None:
        return discard("the interrupted update's record was not written by this user's "
                       "pipeline (its signature does not match)")
    todo: dict[Path, str] = {}
    changed: list[str] = []
    try:
        record = json.loads(data.decode("utf-8"))
        entries = record.get("writes") if record.get("version") == 2 else None
        if not isinstance(entries, list):
            raise ValueError("not a journal")
        for entry in entries:
            rel, before, after = entry["path"], entry["before"], entry["after"]
            locale, folder, name = str(rel).split("/")
            if (folder != "LC_MESSAGES" or not name.endswith(".po") or not isinstance(after, str)
                    or not (before is None or isinstance(before, str))):
                raise ValueError(rel)
            path = catalog_path(config, locale, name[:-len(".po")])
            now = _digest(path)
            if now == digest(after.encode("utf-8")):
                continue  # written before the run was stopped
            if now != before:
                changed.append(config.rel(path))
            todo[path] = after
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError, UsageError):
        return discard("the interrupted update's record is not one this version understands")
    if changed:
        more = f" and {len(changed) - 1} more" if len(changed) > 1 else ""
        return discard(f"an update was interrupted, and {changed[0]}{more} changed since")
    try:
        for path, text in sorted(todo.items()):
            write_atomic(path, text)
    except FileSystemError:
        # A catalog that cannot be written (read-only, immutable) would stop every later
        # run here: the record goes, the catalogs stay each old or new, and the error is
        # reported; the next update plans afresh from what is on disk.
        journal.unlink(missing_ok=True)
        raise
    journal.unlink(missing_ok=True)
    return []


@dataclass
class UpdateResult:
    written: list[Path] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)  # entries by state after the merge
    problems: list[Diagnostic] = field(default_factory=list)  # nothing written: fix these
    skipped: list[Diagnostic] = field(default_factory=list)  # catalogs changed meanwhile
    notes: list[Diagnostic] = field(default_factory=list)  # an interrupted update finished
    # What the store spared: catalogs not merged again (`_still_fresh`), by namespace.
    cache: cache.Stats = field(default_factory=cache.Stats)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.skipped


def run_update(config: Config, locales: list[str]) -> UpdateResult:
    """`update`: plan every locale's writes, then make them (all or nothing on a problem)."""
    result = UpdateResult()
    with locked(config) as notes:
        result.notes = notes
        store = cache.Cache(config)
        plan = plan_update(config, locales, store)
        result.counts, result.problems = plan.counts, plan.problems
        result.cache = store.stats
        if result.problems:
            return result
        result.skipped = apply_writes(config, plan.writes)
        remember_fresh(config, store, plan)
    result.written = written(config, plan.writes, result.skipped)
    return result


@dataclass
class InitResult:
    created: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)  # catalogs that were there already
    problems: list[Diagnostic] = field(default_factory=list)
    notes: list[Diagnostic] = field(default_factory=list)


def run_init(config: Config, locale: str) -> InitResult:
    """`init`: a catalog for each template that the locale lacks (a catalog already there is
    a translator's and is kept), under the catalogs' lock."""
    templates = list(existing_templates(config))
    if not templates:
        raise UsageError("no templates in "
                         f"{config.rel(config.templates_dir)}; run 'pipeline extract' first")
    result = InitResult()
    with locked(config) as notes:
        result.notes = notes
        for path in templates:
            target = catalog_path(config, locale, path.stem)
            if target.exists():
                result.kept.append(target)
                continue
            try:
                template = read_catalog(path, config.rel(path))
            except PoReadError as exc:
                result.problems.append(exc.diagnostic)
                return result
            write_atomic(target, render_catalog(init_catalog(template, locale)),
                         config.rel(target))
            result.created.append(target)
    return result
