"""Which catalog entries go to a vendor, as what, and how they are recognised on return.

A unit is one live catalog entry. Its id is derived from the document, the msgctxt and the
English (a hash, so any characters are fine and the id is a valid XML name token), so the
same entry gets the same id in every export, and an entry whose English changed gets
another: a returned unit whose id no longer names an entry is stale by construction.

States are mapped once here for both XLIFF versions: gettext knows translated, fuzzy and
untranslated; XLIFF 1.2 puts a state on the target (and an `approved` flag on the unit),
XLIFF 2.0 on the segment.

A plural entry (a phrase with a count) is one unit with a form per plural form of the
catalog's language, each with the English it renders (`pofiles.sources_of`: the msgid for
msgstr[0], the msgid_plural for the others): in XLIFF 1.2 a `<group restype=
"x-gettext-plurals">` of trans-units `<id>[0]`, `<id>[1]`… as translate-toolkit's po2xliff
writes it, in XLIFF 2.0 a `<group type="x-gettext:plurals">` of units `<id>-0`, `<id>-1`….
It comes back only whole: every form translated, as many forms as the catalog's entry has,
each form's English still the entry's.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

import polib

from pipeline.core.config import UsageError
from pipeline.exchange import inline
from pipeline.exchange.xmlsafe import xml_text_ok
from pipeline.gettext.checks import UnitInfo
from pipeline.gettext.locales import normalize
from pipeline.gettext.pofiles import EntryKey, entry_status, forms, key_of, sources_of

GENERATOR = "exercise-content-pipeline"
_MAX_NOTE = re.compile(r"\bMax (\d+) characters\b")
_DOCUMENT_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# XLIFF 1.2 target states (section 2.6.2 of the spec) read as a reviewed translation; every
# other state with a target is a translation to review (fuzzy). Custom `x-` states too.
STATES_12_TRANSLATED = frozenset({"translated", "signed-off", "final"})
STATES_12_OTHER = frozenset({"new", "needs-translation", "needs-adaptation", "needs-l10n",
                             "needs-review-translation", "needs-review-adaptation",
                             "needs-review-l10n"})
# XLIFF 2.0 segment states: `initial` (the default) is work in progress.
STATES_20_TRANSLATED = frozenset({"translated", "reviewed", "final"})
STATES_20 = STATES_20_TRANSLATED | {"initial"}
# What an export writes: a reviewed catalog translation is `final` in 1.2 (with
# approved="yes", which translate-toolkit and most CAT tools read as not fuzzy) and
# `translated` in 2.0 (gettext records no review step); a fuzzy one is
# `needs-review-translation` in 1.2 and `initial` (with its target) in 2.0.
# A text in an entry counted untranslated (white space only, or one form of a plural entry
# translated and another not) goes out as a target still to be translated.
EXPORT_12 = {"translated": "final", "fuzzy": "needs-review-translation",
             "untranslated": "needs-translation"}
EXPORT_20 = {"translated": "translated", "fuzzy": "initial", "untranslated": "initial"}
# How a plural entry's group is marked: translate-toolkit's restype in 1.2; in 2.0, which
# has no convention for gettext plurals, a user-defined type of the same name.
PLURALS_12 = "x-gettext-plurals"
PLURALS_20 = "x-gettext:plurals"


def form_id_12(unit: str, form: int) -> str:
    """A plural form's trans-unit id in XLIFF 1.2, as po2xliff makes it: `<id>[0]`."""
    return f"{unit}[{form}]"


def form_id_20(unit: str, form: int) -> str:
    """A plural form's unit id in XLIFF 2.0 (an NMTOKEN: no brackets): `<id>-0`."""
    return f"{unit}-{form}"


def unit_id(document: str, context: str | None, msgid: str) -> str:
    """A stable id from document, msgctxt and English: 'u' and 24 hex digits."""
    data = json.dumps([document, context, msgid], ensure_ascii=False).encode("utf-8")
    return "u" + hashlib.sha256(data).hexdigest()[:24]


def bcp47(locale: str) -> str:
    """A gettext locale as a BCP 47 tag: `pt_BR` → `pt-BR`, `sr_Latn` → `sr-Latn`."""
    return locale.replace("_", "-")


def locale_of(tag: str) -> str:
    """A BCP 47 tag as the gettext locale code the folders use: `pt-br` → `pt_BR`,
    `zh-hant-tw` → `zh_Hant_TW`; UsageError (E409) when it is not a locale code."""
    parts = re.split(r"[-_]", tag.strip())
    fixed = [parts[0].lower()] + [p.title() if len(p) == 4 else p.upper() for p in parts[1:]]
    return normalize("_".join(fixed))


def same_language(tag: str, locale: str) -> bool:
    """Whether a language tag names the locale, or the same language without a region
    (`en-US` for `en`)."""
    try:
        found = locale_of(tag)
    except UsageError:
        return False
    return found == locale or found.split("_")[0] == locale.split("_")[0]


def document_of(original: str) -> str | None:
    """The document id from a file's `original` (`locales/fr/LC_MESSAGES/bird-dog.po`, or
    just `bird-dog`); None when it does not end in a document id. Only the last name is
    used, so no path in a file can point anywhere."""
    name = original.replace("\\", "/").rsplit("/", 1)[-1]
    name = name.removesuffix(".po")
    return name if _DOCUMENT_ID.match(name) else None


@dataclass(frozen=True)
class ExportUnit:
    """One catalog entry as a vendor sees it (one form of a plural entry: `form_units`)."""

    document: str
    context: str | None
    source: str
    target: str | None  # None: untranslated
    status: str  # "translated", "fuzzy" or "untranslated"
    previous: str | None  # the English a fuzzy translation was made for
    comment: str  # the extracted comments (#.): what the text is, where, its limit
    translator_comment: str
    locations: tuple[tuple[str, str], ...]
    max_length: int | None
    markup: bool
    # A plural entry's: its English plural, the English each form renders, and each form's
    # translation (None: none yet). `source` and `target` are then those of msgstr[0].
    plural: str | None = None
    form_sources: tuple[str, ...] = ()
    form_targets: tuple[str | None, ...] = ()
    # The English plural a fuzzy plural translation was made for.
    previous_plural: str | None = None
    # The entry's msgid (the unit's id), when this is one form of a plural entry.
    msgid: str | None = None

    @property
    def id(self) -> str:
        return unit_id(self.document, self.context,
                       self.msgid if self.msgid is not None else self.source)

    def form_units(self) -> list[ExportUnit]:
        """A plural entry's forms, each as a unit of its own English and translation (the
        entry's state; no notes: those go on the group)."""
        return [replace(self, source=source, target=target, previous=None, comment="",
                        translator_comment="", locations=(), plural=None, form_sources=(),
                        form_targets=(), msgid=self.msgid or self.source)
                for source, target in zip(self.form_sources, self.form_targets)]

    @property
    def source_pieces(self) -> list[inline.Piece]:
        return inline.split(self.source, self.markup)

    def target_pieces(self) -> list[inline.Piece] | None:
        """The target with the source's code ids, or as plain text when its markup does not
        match the source's (None when there is no target)."""
        if self.target is None:
            return None
        pieces = inline.split(self.target, self.markup)
        found = inline.aligned(self.source_pieces, pieces)
        return found if found is not None else ([self.target] if self.target else [])

    @property
    def size_limit(self) -> int | None:
        """The limit on what the translator types: the field's limit less the markup the
        codes carry (a CAT tool counts the text, not the codes)."""
        if self.max_length is None:
            return None
        return max(self.max_length - inline.markup_length(self.source_pieces), 0)


def _max_length(entry: polib.POEntry, info: UnitInfo | None) -> int | None:
    if info is not None:
        return info.max_length
    found = _MAX_NOTE.search(entry.comment or "")
    return int(found.group(1)) if found else None


def export_units(document: str, catalog: polib.POFile, units: Mapping[EntryKey, UnitInfo],
                 everything: bool) -> list[ExportUnit]:
    """The units of one catalog, in catalog order: every live entry with `everything`, else
    those that need work (untranslated and fuzzy)."""
    found: list[ExportUnit] = []
    for entry in catalog:
        status = entry_status(entry)
        if status == "obsolete" or not entry.msgid:
            continue
        if not everything and status == "translated":
            continue
        if not all(xml_text_ok(text) for text in
                   (entry.msgid, entry.msgid_plural or "", entry.msgctxt or "")):
            continue  # not English from the source (which refuses such characters)
        info = units.get(key_of(entry))
        texts = [text if text else None for text in forms(entry)]
        plural = entry.msgid_plural or None
        found.append(ExportUnit(
            document=document, context=entry.msgctxt, source=entry.msgid,
            target=texts[0] if plural is None else None, status=status,
            previous=entry.previous_msgid if status == "fuzzy" else None,
            comment=entry.comment or "", translator_comment=entry.tcomment or "",
            locations=tuple((str(p), str(n or "")) for p, n in entry.occurrences),
            max_length=_max_length(entry, info),
            markup=info.markup if info is not None else True,
            plural=plural,
            form_sources=tuple(sources_of(entry)) if plural is not None else (),
            form_targets=tuple(texts) if plural is not None else (),
            previous_plural=(entry.previous_msgid_plural
                             if status == "fuzzy" and plural is not None else None)))
    return found


def location_text(locations: tuple[tuple[str, str], ...]) -> str:
    return ", ".join(f"{p}:{n}" if n else p for p, n in locations)


@dataclass(frozen=True)
class ReadUnit:
    """One unit as read back from a vendor's file, its codes already turned back into the
    source's markup."""

    shown: str  # the file, as reported
    line: int  # where the unit starts
    target_line: int  # where its target starts (the unit's line without a target)
    document: str
    id: str
    context: str | None
    context_given: bool  # whether the file says what the msgctxt is
    source: str
    target: str | None  # None or "" when there is nothing to apply
    fuzzy: bool
    # A plural entry's group: the English of each form, and each form's translation (None
    # when the group has no target; every form has one otherwise). `source` and `target`
    # are then those of the first form.
    form_sources: tuple[str, ...] | None = None
    form_targets: tuple[str, ...] | None = None

    @property
    def plural(self) -> bool:
        return self.form_sources is not None


def plural_unit(shown: str, line: int, document: str, ident: str, context: str | None,
                context_given: bool, parts: list[ReadUnit]) -> ReadUnit:
    """A plural entry's group read back from its forms' units (read as units of their own,
    in order): one unit whose targets are every form's, or none; UnitProblem (E704) when
    some forms have a target and others none."""
    if not parts:
        raise UnitProblem("E704", "the plural group holds no form", line)
    given = [part for part in parts if part.target]
    if given and len(given) != len(parts):
        missing = ", ".join(f"form {n}" for n, part in enumerate(parts) if not part.target)
        raise UnitProblem("E704", f"the plural group has targets for some forms only ({missing} "
                                  "without one): translate every form", given[0].target_line)
    targets = tuple(part.target or "" for part in parts) if given else None
    return ReadUnit(shown=shown, line=line,
                    target_line=parts[0].target_line if given else line, document=document,
                    id=ident, context=context, context_given=context_given,
                    source=parts[0].source, target=targets[0] if targets else None,
                    fuzzy=any(part.fuzzy for part in parts),
                    form_sources=tuple(part.source for part in parts), form_targets=targets)


class UnitProblem(Exception):
    """One unit of a vendor's file that cannot be read (the rest of the file still can)."""

    def __init__(self, code: str, message: str, line: int) -> None:
        super().__init__(message)
        self.code, self.message, self.line = code, message, line
