"""Locale catalogs: create them from templates (`init`) and merge new templates in (`update`).

The promise to translators: no translation is ever lost. Changed English becomes fuzzy with
the previous msgid, removed English becomes obsolete, moved English keeps its translation
(through the locale's translation memory), and running `update` twice changes nothing.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import os
import stat
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import polib

from pipeline import __version__
from pipeline.core.config import Config, UsageError
from pipeline.core.diagnostics import Diagnostic, diag
from pipeline.core.files import FileSystemError, fs_error
from pipeline.gettext.extract import existing_templates, now_stamp
from pipeline.gettext.locales import normalize, plural_forms, team
from pipeline.gettext.memory import FUZZY_THRESHOLD, Match, Memory
from pipeline.gettext.pofiles import (
    MAX_CATALOG_BYTES,
    EntryKey,
    PoReadError,
    digest_of,
    key_of,
    meaning,
    read_catalog,
    render_catalog,
)
from pipeline.infra import cache, parallel
from pipeline.infra.filestate import sha_of
from pipeline.infra.fsutil import write_atomic


@dataclass
class MergeResult:
    counts: Counter[str] = field(default_factory=Counter)


def catalog_path(config: Config, locale: str, document_id: str) -> Path:
    return config.catalog_dir(locale) / f"{document_id}.po"


def catalog_paths(config: Config, locale: str) -> list[Path]:
    """Every catalog of a locale, in path order."""
    folder = config.catalog_dir(locale)
    return sorted(folder.glob("*.po")) if folder.is_dir() else []


def new_header(template: polib.POFile, locale: str) -> dict[str, str]:
    meta = dict(template.metadata)
    return {
        "Project-Id-Version": meta.get("Project-Id-Version", ""),
        "Report-Msgid-Bugs-To": meta.get("Report-Msgid-Bugs-To", ""),
        "POT-Creation-Date": meta.get("POT-Creation-Date", ""),
        "PO-Revision-Date": now_stamp(),
        "Last-Translator": "",
        "Language-Team": team(locale),
        "Language": locale,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": plural_forms(locale),
        "X-Generator": f"exercise-content-pipeline {__version__}",
    }


def merge(template: polib.POFile, old: polib.POFile, memory: Memory,
          result: MergeResult | None = None) -> polib.POFile:
    """Merge a template into a catalog. Decisions follow GNU msgmerge with the locale's other
    catalogs as compendiums: an exact match keeps its state (obsolete entries included), and
    an entry still untranslated takes a reviewed translation the memory has for the same
    English; new English becomes fuzzy with the closest translated old entry (fuzzy or
    obsolete too), or with the memory's match when that is strictly closer, with its
    translator comments and its `#|` previous msgid; translated old entries not reused
    become obsolete. Two deliberate differences: the memory offers a reviewed translation
    before a fuzzy one of the same English (and an untranslated entry takes only a reviewed
    one, which keeps `update` idempotent), and English present elsewhere but untranslated
    does not stop the search for a close match (msgmerge takes that empty entry as exact)."""
    result = result or MergeResult()
    merged = polib.POFile()
    merged.header = old.header
    merged.metadata = dict(old.metadata)
    merged.metadata["POT-Creation-Date"] = template.metadata.get("POT-Creation-Date", "")
    current: dict[EntryKey, polib.POEntry] = {}
    retired: dict[EntryKey, polib.POEntry] = {}
    for entry in old:
        (retired if entry.obsolete else current)[key_of(entry)] = entry
    used: set[EntryKey] = set()
    local: Memory | None = None
    for tentry in template:
        key = key_of(tentry)
        new = polib.POEntry(msgctxt=tentry.msgctxt, msgid=tentry.msgid, msgstr="",
                            occurrences=list(tentry.occurrences), comment=tentry.comment)
        previous = current.get(key) or retired.get(key)
        # An entry still untranslated here takes only a reviewed translation: one that is
        # itself fuzzy would be offered again by the next update (not idempotent).
        hit = (memory.exact(key) if previous is None else
               memory.exact(key, reviewed=True) if not previous.msgstr else None)
        if previous is not None and hit is None:
            used.add(key)
            new.msgstr = previous.msgstr
            new.tcomment = previous.tcomment
            new.flags = [f for f in previous.flags if f != "fuzzy"]
            if "fuzzy" in previous.flags:
                new.flags.insert(0, "fuzzy")
                new.previous_msgid = previous.previous_msgid
                new.previous_msgctxt = previous.previous_msgctxt
            result.counts["fuzzy" if "fuzzy" in previous.flags else
                          "translated" if previous.msgstr else "untranslated"] += 1
        elif hit is not None:
            # Moved or reused English, or an entry still untranslated here that another
            # document has translated: carried over as it is there.
            _take(new, hit, fuzzy=hit.fuzzy)
            result.counts["from memory"] += 1
            result.counts["fuzzy" if hit.fuzzy else "translated"] += 1
        else:
            if local is None:
                local = Memory(exhaustive=True)
                local.add([*current.values(), *retired.values()])
            # The catalog's own closest entry, unless the memory has one strictly closer
            # (msgmerge's rule with a compendium): then that one is offered and the own old
            # entry, not reused, stays as obsolete with its translation.
            own = local.fuzzy(key)
            near = memory.fuzzy(key, own.score if own is not None else FUZZY_THRESHOLD)
            if near is None and own is not None:
                near = own
                used.add(EntryKey(own.msgctxt, own.msgid))
            if near is None:
                result.counts["untranslated"] += 1
            else:
                _take(new, near, fuzzy=True)
                result.counts["fuzzy"] += 1
        merged.append(new)
    for key, entry in [*current.items(), *retired.items()]:
        if key in used or not entry.msgstr.strip():
            continue
        entry = copy.copy(entry)  # the old catalog stays as it was read
        entry.obsolete = True
        entry.occurrences = []
        entry.comment = ""
        merged.append(entry)
        result.counts["obsolete"] += 1
    return merged


def _take(new: polib.POEntry, match: Match, *, fuzzy: bool) -> None:
    """Fill a new entry from a match, as msgmerge does: the translation and translator
    comments travel; a fuzzy result records the English the translation was made for (the
    match's own previous msgid when it was fuzzy already)."""
    new.msgstr = match.msgstr
    new.tcomment = match.tcomment
    if not fuzzy:
        return
    new.flags = ["fuzzy"]
    if match.fuzzy:
        new.previous_msgid = match.previous_msgid
        new.previous_msgctxt = match.previous_msgctxt
    else:
        new.previous_msgid = match.msgid
        new.previous_msgctxt = match.msgctxt


def retire_all(old: polib.POFile) -> polib.POFile:
    """A deleted document's catalog: every translation kept, as obsolete."""
    template = polib.POFile()
    template.metadata = {"POT-Creation-Date": old.metadata.get("POT-Creation-Date", "")}
    return merge(template, old, Memory())


# The header comment of a new catalog, under the line naming its source: what a translator
# edits here and what comes from the English (and is replaced by `update`). The catalog's
# own from then on: `update` keeps whatever header comment a catalog has.
TRANSLATOR_NOTE = ("Translate each msgstr; you may add your own comments (lines starting with "
                   "'# ').\nThe English (msgid), its notes (#.) and places (#:) come from the "
                   "YAML source: 'pipeline update' replaces them.")


def init_catalog(template: polib.POFile, locale: str, entries: bool = True) -> polib.POFile:
    catalog = polib.POFile()
    first = (template.header or "").split("\n")[0].replace("Translation template", "Translations")
    catalog.header = "\n".join([line for line in (first, TRANSLATOR_NOTE) if line])
    catalog.metadata = new_header(template, locale)
    for tentry in template if entries else []:
        catalog.append(polib.POEntry(msgctxt=tentry.msgctxt, msgid=tentry.msgid, msgstr="",
                                     occurrences=list(tentry.occurrences),
                                     comment=tentry.comment))
    return catalog


def read_catalogs(config: Config, locale: str) -> dict[Path, polib.POFile]:
    """Every catalog of a locale, in path order (raising PoReadError on the first broken one).
    Large locales are parsed on every core."""
    paths = catalog_paths(config, locale)
    parsed = parallel.run(functools.partial(read_or_error, config), paths,
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


def memory_of(catalogs: dict[Path, polib.POFile]) -> Memory:
    """The locale's translation memory: every entry of every catalog, in path order."""
    memory = Memory()
    for catalog in catalogs.values():
        memory.add(catalog)
    return memory


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


def read_templates(config: Config) -> dict[str, polib.POFile]:
    templates: dict[str, polib.POFile] = {}
    for path in existing_templates(config):
        templates[path.stem] = read_catalog(path, config.rel(path))
    return templates


def wrong_language(config: Config, path: Path, language: str, locale: str) -> Diagnostic | None:
    """E404 when a catalog's Language header names another locale than its folder."""
    if language and normalize_or_none(language) != locale:
        return diag(config.rel(path), 1, 0, "E404",
                    f"Language header is {language!r} but the catalog is in the {locale!r} folder")
    return None


def planned_text(template: polib.POFile, old: polib.POFile | None, memory: Memory,
                 locale: str, result: MergeResult | None = None) -> str | None:
    """What `update` writes for one document's catalog in a locale, or None when the merge
    would not change what the catalog says (`pofiles.meaning`): the one answer to "is this
    catalog stale?", for `update` and the gate alike. A translator's tool that re-wraps,
    sorts or re-headers a catalog changes its bytes, not its meaning, so `update` leaves it
    alone. A document new to the locale starts from a header-only catalog: every entry is
    new, so the memory can translate it."""
    merged = merge(template, old if old is not None else init_catalog(template, locale, False),
                   memory, result)
    if old is not None and meaning(old) == meaning(merged):
        return None
    return render_catalog(merged, like=old)


def plan_update(config: Config, locales: list[str]
                ) -> tuple[dict[Path, Write], Counter[str], list[Diagnostic]]:
    """What `update` would write: path → new text (and the digest of the bytes it replaces)
    for every catalog that changes.

    Everything is read and merged in memory first; nothing is written when any input is
    broken, so a bad catalog never leaves the locale half-updated.
    """
    problems: list[Diagnostic] = []
    counts: Counter[str] = Counter()
    writes: dict[Path, Write] = {}
    try:
        templates = read_templates(config)
    except PoReadError as exc:
        return {}, counts, [exc.diagnostic]
    for locale in locales:
        try:
            catalogs = read_catalogs(config, locale)
        except PoReadError as exc:
            problems.append(exc.diagnostic)
            continue
        memory = memory_of(catalogs)
        problems += [found for path, catalog in catalogs.items()
                     if (found := wrong_language(config, path,
                                                 catalog.metadata.get("Language", ""), locale))]
        for doc_id, template in templates.items():
            path = catalog_path(config, locale, doc_id)
            result = MergeResult()
            old = catalogs.get(path)
            text = planned_text(template, old, memory, locale, result)
            counts.update(result.counts)
            if text is not None:
                writes[path] = Write(text, digest_of(old) if old is not None else None)
        for path, catalog in catalogs.items():
            if path.stem not in templates and any(not e.obsolete for e in catalog):
                writes[path] = Write(render_catalog(retire_all(catalog), like=catalog),
                                     digest_of(catalog))
    return writes, counts, problems


def normalize_or_none(code: str) -> str | None:
    try:
        return normalize(code)
    except UsageError:
        return None


# The catalogs an `update` is writing, saved before the first of them: a run killed halfway
# is finished by the next run that takes the lock. It lives in the tool's own folder, signed
# with the user's key (`cache.secret_key`), never in locales/, which others can write to.
JOURNAL = "update-journal"
cache.KEEP.add(JOURNAL)


@dataclass(frozen=True)
class Write:
    """One catalog `update` replaces: its new text, and the digest of the bytes it was
    merged from (None for a new catalog), so nothing is replaced that changed since."""

    text: str
    before: str | None


def journal_path(config: Config) -> Path:
    return config.root / cache.FOLDER / JOURNAL


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
    key = cache.secret_key()
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

    key = cache.secret_key()
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
            if now == sha_bytes(after.encode("utf-8")):
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


def sha_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
