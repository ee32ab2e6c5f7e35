"""The locale's translation memory as TMX 1.4b, for a vendor's CAT tool; and a vendor's TMX
as suggestions for untranslated entries.

Export: every reviewed pair (translated, not fuzzy) of every catalog of the locale, obsolete
entries included — they are reviewed translations, and the project's own memory (`update`)
offers them too. The same English, context and translation found in several catalogs is one
translation unit naming every document. Units are sorted (English, context, translation), the
file holds no date unless SOURCE_DATE_EPOCH gives one, and markup travels as `<bpt>`/`<ept>`/
`<ph>` holding the original characters, numbered alike in both languages (`x`), as the XLIFF
export does; a translation whose markup does not match its English's is written as plain text.

Import fills only what nobody translated: a live, untranslated entry whose English (and
context, when the unit names one) equals a unit's source exactly takes the unit's
translation as fuzzy, for a translator to review; it goes through the same checks as an
XLIFF import first. Translated and fuzzy entries are never touched.

Plural entries (a phrase with a count) are neither exported nor filled: a TMX unit pairs one
English text with one translation, while a plural translation is a form per plural form of
the language (three in Polish, one in Japanese), which no pair of texts says how to split.
The export counts them (`TmxExport.plural`); XLIFF carries them whole.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polib
from lxml import etree

from pipeline import __version__
from pipeline.core.config import Config
from pipeline.core.diagnostics import Diagnostic
from pipeline.core.environment import Environment
from pipeline.exchange import inline
from pipeline.exchange.apply import (
    Candidate,
    ImportResult,
    apply_candidate,
    checked,
    shown_path,
    valid_library,
)
from pipeline.exchange.inline import Piece
from pipeline.exchange.units import GENERATOR, ReadUnit, bcp47, same_language
from pipeline.exchange.xliff import locale_with_catalogs
from pipeline.exchange.xmlsafe import (
    MAX_TMX_BYTES,
    XML_LANG,
    ExchangeFileError,
    fail,
    indent,
    local,
    read_xml,
    serialize,
    xml_text_ok,
)
from pipeline.gettext.pofiles import (
    PoReadError,
    digest_of,
    entry_status,
    forms,
    is_translated,
    render_catalog,
)
from pipeline.infra.fsutil import write_if_changed
from pipeline.stages import update

_CONTEXT = "x-context"
_DOCUMENT = "x-document"
_TYPES = {"strong": "bold", "em": "italic", "link": "link"}


@dataclass
class _Pair:
    context: str | None
    source: str
    target: str
    documents: set[str] = field(default_factory=set)


def memory_pairs(catalogs: dict[Path, polib.POFile]) -> tuple[list[_Pair], int, int]:
    """The reviewed pairs, sorted; how many were left out because XML cannot carry their
    text; and how many reviewed plural entries were left out (a TMX pair has no forms)."""
    pairs: dict[tuple[str | None, str, str], _Pair] = {}
    left_out = plural = 0
    for path, catalog in catalogs.items():
        for entry in catalog:
            if entry.msgid_plural:
                reviewed = "fuzzy" not in entry.flags and all(f.strip() for f in forms(entry))
                plural += reviewed
                continue
            if not entry.msgid or not entry.msgstr.strip() or "fuzzy" in entry.flags:
                continue
            if not (entry.obsolete or is_translated(entry)):
                continue
            if not (xml_text_ok(entry.msgid) and xml_text_ok(entry.msgstr)
                    and xml_text_ok(entry.msgctxt or "")):
                left_out += 1
                continue
            key = (entry.msgctxt, entry.msgid, entry.msgstr)
            pairs.setdefault(key, _Pair(*key)).documents.add(path.stem)
    ordered = sorted(pairs.values(), key=lambda p: (p.source, p.context or "",
                                                    p.context is not None, p.target))
    return ordered, left_out, plural


def _creation_date(environment: Environment) -> str | None:
    """SOURCE_DATE_EPOCH as TMX writes dates; without it, no date (a TMX export of the same
    catalogs is then the same file)."""
    if environment.source_date_epoch is None:
        return None
    return environment.now().strftime("%Y%m%dT%H%M%SZ")


def _seg(parent: etree._Element, pieces: Sequence[Piece]) -> None:
    seg = etree.SubElement(parent, "seg")
    for piece in pieces:
        if isinstance(piece, str):
            if len(seg):
                seg[-1].tail = (seg[-1].tail or "") + piece
            else:
                seg.text = (seg.text or "") + piece
            continue
        if piece.kind == "open":
            code = etree.SubElement(seg, "bpt", i=piece.id, x=piece.id,
                                    type=_TYPES.get(piece.role, "x-markup"))
        elif piece.kind == "close":
            code = etree.SubElement(seg, "ept", i=piece.id)
        else:
            code = etree.SubElement(seg, "ph", x=piece.id, type="x-autolink")
        code.text = piece.markup


def tmx_document(pairs: Sequence[_Pair], source_lang: str, target_lang: str,
                 environment: Environment) -> etree._Element:
    root = etree.Element("tmx", version="1.4")
    header = etree.SubElement(root, "header", {
        "creationtool": GENERATOR, "creationtoolversion": __version__, "segtype": "block",
        "o-tmf": "gettext PO", "adminlang": "en", "srclang": source_lang,
        "datatype": "plaintext"})
    if (date := _creation_date(environment)) is not None:
        header.set("creationdate", date)
    body = etree.SubElement(root, "body")
    for pair in pairs:
        data = json.dumps([pair.context, pair.source, pair.target], ensure_ascii=False)
        tu = etree.SubElement(body, "tu", tuid="t" + hashlib.sha256(
            data.encode("utf-8")).hexdigest()[:24])
        if pair.context is not None:
            etree.SubElement(tu, "prop", type=_CONTEXT).text = pair.context
        for document in sorted(pair.documents):
            etree.SubElement(tu, "prop", type=_DOCUMENT).text = document
        source = inline.split(pair.source)
        target = inline.aligned(source, inline.split(pair.target))
        for lang, pieces in ((source_lang, source),
                             (target_lang, target if target is not None else [pair.target])):
            tuv = etree.SubElement(tu, "tuv")
            tuv.set(XML_LANG, lang)
            _seg(tuv, pieces)
    indent(root, ("seg", "prop"))
    return root


@dataclass
class TmxExport:
    data: bytes = b""
    pairs: int = 0
    left_out: int = 0
    # Reviewed plural entries, which TMX cannot carry (see the module's description).
    plural: int = 0
    problems: list[Diagnostic] = field(default_factory=list)


def export_tmx(config: Config, locale_code: str) -> TmxExport:
    """The locale's memory as TMX bytes (problems when a catalog cannot be read)."""
    locale = locale_with_catalogs(config, locale_code)
    try:
        catalogs = update.read_catalogs(config, locale)
    except PoReadError as exc:
        return TmxExport(problems=[exc.diagnostic])
    pairs, left_out, plural = memory_pairs(catalogs)
    root = tmx_document(pairs, bcp47(config.source_locale), bcp47(locale), config.environment)
    return TmxExport(serialize(root), len(pairs), left_out, plural)


# ---------------------------------------------------------------------------------------------
# Import



def save(config: Config, exported: TmxExport, path: Path) -> None:
    """Write an export to `path`, atomically and only when its bytes changed."""
    write_if_changed(path, exported.data, config.rel(path.absolute()))


@dataclass(frozen=True)
class _Offer:
    context: str | None
    context_given: bool
    source: str
    target: str
    line: int


def _seg_text(seg: etree._Element) -> str:
    """A segment's text with its codes' native code in place (TMX codes hold it)."""
    parts = [seg.text or ""]
    for child in seg:
        if isinstance(child.tag, str):
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    return "".join(parts)


def read_tmx(path: Path, shown: str, config: Config, locale: str) -> list[_Offer]:
    """The (English → locale) pairs of a TMX file; ExchangeFileError when it is unusable."""
    root = read_xml(path, shown, MAX_TMX_BYTES).getroot()
    if local(root) != "tmx" or root.tag != "tmx":
        fail(shown, root.sourceline or 0, "E704", f"not a TMX document (root element "
                                                  f"<{local(root) or '?'}>)")
    header = children_plain(root, "header")
    srclang = header[0].get("srclang", "") if header else ""
    if srclang and srclang != "*all*" and not same_language(srclang, config.source_locale):
        fail(shown, header[0].sourceline or 0, "E704",
             f"source language {srclang!r}; the English source is {config.source_locale!r}")
    offers: list[_Offer] = []
    for body in children_plain(root, "body"):
        for tu in children_plain(body, "tu"):
            texts: dict[str, str] = {}
            for tuv in children_plain(tu, "tuv"):
                lang = tuv.get(XML_LANG) or tuv.get("lang") or ""
                segs = children_plain(tuv, "seg")
                if not segs:
                    continue
                if same_language(lang, config.source_locale):
                    texts.setdefault("source", _seg_text(segs[0]))
                elif same_language(lang, locale):
                    texts.setdefault("target", _seg_text(segs[0]))
            if "source" not in texts or not texts.get("target", "").strip():
                continue
            contexts = [p.text or "" for p in children_plain(tu, "prop")
                        if p.get("type") == _CONTEXT]
            offers.append(_Offer(contexts[0] if contexts else None, bool(contexts),
                                 texts["source"], texts["target"], tu.sourceline or 0))
    return offers


def children_plain(element: etree._Element, name: str) -> list[etree._Element]:
    """Children named `name` in no namespace (TMX has none)."""
    return [child for child in element if child.tag == name]


def import_tmx(config: Config, path: Path, locale_code: str) -> ImportResult:
    """Fill untranslated entries of the locale from a TMX file, as fuzzy (see the module's
    description)."""
    locale = locale_with_catalogs(config, locale_code)
    result = ImportResult(files=1)
    shown = shown_path(config, path)
    try:
        offers = read_tmx(path, shown, config, locale)
    except ExchangeFileError as exc:  # never silenced, as for XLIFF
        result.diagnostics = [exc.diagnostic]
        result.stopped = True
        return result
    library = valid_library(config, result)
    if library is None:
        return result
    with update.locked(config) as notes:
        result.diagnostics += notes
        try:
            catalogs = update.read_catalogs(config, locale)
        except PoReadError as exc:
            result.diagnostics.append(exc.diagnostic)
            result.stopped = True
            return result
        candidates = _candidates(shown, locale, catalogs, offers)
        changed: set[Path] = set()
        for candidate in checked(config, library, locale, candidates, catalogs, result):
            if apply_candidate(candidate):
                changed.add(candidate.path)
                result.counts["fuzzy"] += 1
        writes = {path: update.Write(render_catalog(catalogs[path]), digest_of(catalogs[path]))
                  for path in sorted(changed)}
        skipped = update.apply_writes(config, writes)
    result.diagnostics += skipped
    result.written = update.written(config, writes, skipped)
    result.diagnostics = sorted(result.diagnostics)
    return result


def _candidates(shown: str, locale: str, catalogs: dict[Path, polib.POFile],
                offers: list[_Offer]) -> list[Candidate]:
    """Each untranslated live entry with an offer for its exact English: the first offer
    naming its context, else the first naming none."""
    by_source: dict[str, list[_Offer]] = {}
    for each in offers:
        by_source.setdefault(each.source, []).append(each)
    found: list[Candidate] = []
    for path, catalog in catalogs.items():
        for entry in catalog:
            if (entry_status(entry) != "untranslated" or entry.msgstr or not entry.msgid
                    or entry.msgid_plural):
                continue  # a plural entry's forms are not in a TMX pair
            choices = by_source.get(entry.msgid, [])
            exact = [o for o in choices if o.context_given and o.context == entry.msgctxt]
            offer = next(iter(exact or [o for o in choices if not o.context_given]), None)
            if offer is None:
                continue
            unit = ReadUnit(shown=shown, line=offer.line, target_line=offer.line,
                            document=path.stem, id=f"tu at line {offer.line}",
                            context=entry.msgctxt, context_given=True, source=entry.msgid,
                            target=offer.target, fuzzy=True)
            found.append(Candidate(unit, locale, path, entry, offer.target, True))
    return found
