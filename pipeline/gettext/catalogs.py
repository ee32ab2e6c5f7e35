"""Locale catalogs: create them from templates (`init`) and merge a new template into one.

The promise to translators: no translation is ever lost. Changed English becomes fuzzy with
the previous msgid, removed English becomes obsolete, moved English keeps its translation
(through the locale's translation memory), and running `update` twice changes nothing.

Plural entries (a phrase with a count) are merged as msgmerge merges them: a new one gets as
many empty forms as the catalog's Plural-Forms names, an exact match keeps its forms, a
changed English plural (msgid_plural) makes the entry fuzzy with both previous English
strings (`#| msgid`, `#| msgid_plural`). Format flags (`python-brace-format`) come from the
template, and a reviewed translation that fails its new flag's placeholder check becomes
fuzzy, as msgmerge does to keep `msgfmt -c` passing.
"""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import polib

from pipeline import __version__
from pipeline.content.fields import placeholders
from pipeline.core.config import Config
from pipeline.core.diagnostics import Diagnostic, diag
from pipeline.gettext.locales import header_mismatch, plural_forms, team
from pipeline.gettext.memory import FUZZY_THRESHOLD, Match, Memory, Shape
from pipeline.gettext.pofiles import (
    BRACE_FORMAT,
    DEFAULT_NPLURALS,
    EntryKey,
    forms,
    has_translation,
    key_of,
    meaning,
    nplurals_of,
    render_catalog,
    sources_of,
)


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
        # A new catalog is as new as its template: the merge reads no clock.
        "PO-Revision-Date": meta.get("POT-Creation-Date", ""),
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
    does not stop the search for a close match (msgmerge takes that empty entry as exact).

    Plural entries: a translation serves only an entry of its shape (with plural forms, as
    many as this catalog's Plural-Forms names; or without), from the memory and from close
    matches; msgmerge would copy a singular translation into every form. Only the catalog's
    own entry of the same English (msgctxt and msgid) that changed shape is converted as
    msgmerge converts it, as fuzzy, since it could not stay beside the new entry as obsolete
    (the two would be one entry to gettext): its translation into every form, or its first
    form alone."""
    result = result or MergeResult()
    merged = polib.POFile()
    merged.header = old.header
    merged.metadata = dict(old.metadata)
    merged.metadata["POT-Creation-Date"] = template.metadata.get("POT-Creation-Date", "")
    nplurals = nplurals_of(merged) or DEFAULT_NPLURALS
    current: dict[EntryKey, polib.POEntry] = {}
    retired: dict[EntryKey, polib.POEntry] = {}
    for entry in old:
        (retired if entry.obsolete else current)[key_of(entry)] = entry
    used: set[EntryKey] = set()
    local: Memory | None = None
    for tentry in template:
        key = key_of(tentry)
        new = _new_entry(tentry, nplurals)
        shape: Shape = nplurals if new.msgid_plural else None
        previous = current.get(key) or retired.get(key)
        # An entry still untranslated here takes only a reviewed translation: one that is
        # itself fuzzy would be offered again by the next update (not idempotent).
        hit = (memory.exact(key, shape=shape) if previous is None else
               memory.exact(key, reviewed=True, shape=shape)
               if not has_translation(previous) else None)
        if previous is not None and hit is None:
            used.add(key)
            _keep(new, previous, tentry)
            result.counts["fuzzy" if "fuzzy" in new.flags else
                          "translated" if has_translation(new) else "untranslated"] += 1
        elif hit is not None:
            # Moved or reused English, or an entry still untranslated here that another
            # document has translated: carried over as it is there (fuzzy if its English
            # plural was another).
            _take(new, hit, fuzzy=hit.fuzzy or hit.plural != (new.msgid_plural or None))
            result.counts["from memory"] += 1
            result.counts["fuzzy" if "fuzzy" in new.flags else "translated"] += 1
        else:
            if local is None:
                local = Memory(exhaustive=True)
                local.add([*current.values(), *retired.values()])
            # The catalog's own closest entry, unless the memory has one strictly closer
            # (msgmerge's rule with a compendium): then that one is offered and the own old
            # entry, not reused, stays as obsolete with its translation.
            own = local.fuzzy(key, shape=shape)
            near = memory.fuzzy(key, own.score if own is not None else FUZZY_THRESHOLD,
                                shape=shape)
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
        # GNU writes no obsolete entry without a translation (a plural one: msgstr[0]).
        if key in used or not forms(entry)[0].strip():
            continue
        entry = copy.copy(entry)  # the old catalog stays as it was read
        entry.obsolete = True
        entry.occurrences = []
        entry.comment = ""
        merged.append(entry)
        result.counts["obsolete"] += 1
    return merged


def _is_format_flag(flag: str) -> bool:
    return flag.endswith("-format")


def _new_entry(tentry: polib.POEntry, nplurals: int) -> polib.POEntry:
    """A template entry as an untranslated catalog entry: its English, places, notes and
    format flags; a plural one with `nplurals` empty forms (as msgmerge and msginit make)."""
    new = polib.POEntry(msgctxt=tentry.msgctxt, msgid=tentry.msgid, msgstr="",
                        occurrences=list(tentry.occurrences), comment=tentry.comment,
                        flags=[f for f in tentry.flags if _is_format_flag(f)])
    if tentry.msgid_plural:
        new.msgid_plural = tentry.msgid_plural
        new.msgstr_plural = {index: "" for index in range(nplurals)}
    return new


def _set_forms(new: polib.POEntry, texts: list[str]) -> bool:
    """Give a new entry these translations, fitted to its shape; whether they had to be
    changed to fit (a singular text copied into every form, a plural one cut to its first
    form, forms added or cut to the catalog's number)."""
    if not new.msgid_plural:
        new.msgstr = texts[0]
        return len(texts) != 1
    count = len(new.msgstr_plural)
    fitted = texts * count if len(texts) == 1 else (texts + [""] * count)[:count]
    new.msgstr_plural = dict(enumerate(fitted))
    return len(texts) != count


def _keep(new: polib.POEntry, previous: polib.POEntry, tentry: polib.POEntry) -> None:
    """The catalog's own entry of the same English, carried into the new one as msgmerge
    carries it: translation, translator comments, flags but the format flags (the
    template's), fuzzy state and previous English. It becomes fuzzy, recording the English
    its translation was made for, when its English plural changed, when it had to change
    shape, or when its reviewed translation fails a format flag it did not have before."""
    new.tcomment = previous.tcomment
    reshaped = _set_forms(new, forms(previous)) or bool(previous.msgid_plural) != bool(
        new.msgid_plural)
    fuzzy = "fuzzy" in previous.flags
    if fuzzy:
        new.previous_msgid = previous.previous_msgid
        new.previous_msgctxt = previous.previous_msgctxt
        new.previous_msgid_plural = previous.previous_msgid_plural
    elif has_translation(previous) and (
            reshaped or (previous.msgid_plural or None) != (new.msgid_plural or None)
            or _fails_new_format(new, previous)):
        fuzzy = True
        new.previous_msgid = previous.msgid
        new.previous_msgctxt = previous.msgctxt
        new.previous_msgid_plural = previous.msgid_plural or None
    kept = [f for f in previous.flags if f != "fuzzy" and not _is_format_flag(f)]
    new.flags = (["fuzzy"] if fuzzy else []) + kept + new.flags


def _fails_new_format(new: polib.POEntry, previous: polib.POEntry) -> bool:
    """Whether the template gives the entry the brace-format flag its old entry lacked and
    its translation does not keep the English's placeholders (each form, as the checks
    compare them): msgmerge makes such an entry fuzzy so that `msgfmt -c` keeps passing."""
    if BRACE_FORMAT not in new.flags or any(
            flag in previous.flags for flag in (BRACE_FORMAT, "possible-" + BRACE_FORMAT)):
        return False
    return any(placeholders(text) != placeholders(source)
               for text, source in zip(forms(new), sources_of(new)))


def _take(new: polib.POEntry, match: Match, *, fuzzy: bool) -> None:
    """Fill a new entry from a match, as msgmerge does: the translation and translator
    comments travel; a fuzzy result records the English the translation was made for (the
    match's own previous msgid when it was fuzzy already)."""
    _set_forms(new, list(match.forms) if match.plural is not None else [match.msgstr])
    new.tcomment = match.tcomment
    if not fuzzy:
        return
    new.flags = ["fuzzy", *new.flags]
    if match.fuzzy:
        new.previous_msgid = match.previous_msgid
        new.previous_msgctxt = match.previous_msgctxt
        new.previous_msgid_plural = match.previous_plural
    else:
        new.previous_msgid = match.msgid
        new.previous_msgctxt = match.msgctxt
        new.previous_msgid_plural = match.plural


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
    nplurals = nplurals_of(catalog) or DEFAULT_NPLURALS
    for tentry in template if entries else []:
        catalog.append(_new_entry(tentry, nplurals))
    return catalog


def memory_of(catalogs: dict[Path, polib.POFile]) -> Memory:
    """The locale's translation memory: every entry of every catalog, in path order."""
    memory = Memory()
    for catalog in catalogs.values():
        memory.add(catalog)
    return memory


def wrong_language(config: Config, path: Path, language: str, locale: str) -> Diagnostic | None:
    """E404 when a catalog's Language header names another locale than its folder: `update`
    would take its translations into the wrong locale's memory. (A missing header is
    `check`'s to report; the merge writes the right one.)"""
    problem = header_mismatch(language, locale) if language.strip() else None
    return diag(config.rel(path), 1, 0, "E404", problem) if problem is not None else None


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
