"""Export: what clients receive of each document in each locale, re-validated by the same
model.

A document is localized (its reviewed translations, or English where none exists), validated
by its content model, and turned into its client form (`client.documents`: rich text, typed
links). Its bundle adds the cards of the documents its page names, the glossary terms used,
values formatted for the locale and the fields that fell back to English.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import orjson
import polib
from babel.dates import format_date
from pydantic import BaseModel, ValidationError

from pipeline.client.bundles import BUNDLE_MODELS, BUNDLE_VERSION, CARDS
from pipeline.client.documents import client_data, markup_paths
from pipeline.client.dosage import Count, DoseWords, counted, locale_number, write_dose
from pipeline.client.richtext import CitationError, Resolve
from pipeline.content.captions import video_of
from pipeline.content.fields import PluralText
from pipeline.content.library import Library, LoadedDocument
from pipeline.content.markup import analyze, is_plain
from pipeline.content.models import DOCUMENT_MODELS, Exercise, Guide
from pipeline.content.textunits import (
    DataPath,
    TextUnit,
    format_path,
    iter_refs,
    iter_texts,
    localize,
)
from pipeline.core.diagnostics import Diagnostic, diag
from pipeline.core.text import printable
from pipeline.gettext.pofiles import (
    EntryKey,
    is_translated,
    key_of,
    plural_rule,
    translation_line,
)
from pipeline.gettext.pseudo import pseudo_text


@dataclass(frozen=True)
class Outline:
    """What every bundle of a document needs of its source model, whatever the locale: the
    documents it shows cards of, the glossary terms it names, how many texts it has, where
    its markup texts are and the relative links they hold. Read once per document (and kept
    in the per-project cache, by the model's hash), not once per bundle."""

    names: dict[str, list[str]]
    terms: dict[str, list[str]]
    texts: int
    markup: list[DataPath]
    links: list[str]
    # Where its safety-critical texts are (`fields.Critical`), as fallbacks name places.
    critical: frozenset[str] = frozenset()


def outline(doc: LoadedDocument) -> Outline:
    """The document's `Outline`: cards by card kind and terms by vocabulary, each in the
    order the document names them."""
    names: dict[str, list[str]] = {}
    terms: dict[str, list[str]] = {}
    for ref in iter_refs(doc.model):
        found = names if ref.target in CARDS else terms if ref.target in VOCABULARIES else None
        if found is not None and ref.value not in found.setdefault(ref.target, []):
            found[ref.target].append(ref.value)
    units = list(iter_texts(doc.model))
    links = [target for unit in units if unit.markup and not is_plain(unit.text)
             for target in analyze(unit.text).links if not target.startswith("https://")]
    critical = {format_path(unit.path) for unit in units if unit.critical}
    video = video_of(doc.model)
    if video is not None and video.safety:  # its captions are as critical as its alt text
        critical.add(CAPTIONS_PLACE)
    return Outline(names, terms, len(units), markup_paths(doc.model, units), links,
                   frozenset(critical))


# Where a bundle's `fallbacks` say its video's captions are in the source language.
CAPTIONS_PLACE = "media.video.captions"


def withheld_because(item: Localized, shape: Outline) -> str | None:
    """Why a document may not be shown in an optional locale, or None: a safety-critical
    text of it has no reviewed translation (untranslated, fuzzy or refused), and a warning
    or a red flag is never shown in another language than the page."""
    missing = sorted(set(item.fallbacks) & shape.critical)
    if not missing:
        return None
    return ("safety-critical text without a reviewed translation: " + ", ".join(missing))


class LinkError(ValueError):
    """A relative link that names no document of the library."""


class Links:
    """Relative links (as written in a source file) resolved to the documents they name."""

    def __init__(self, library: Library) -> None:
        self._by_path = {os.path.realpath(doc.source.path): (doc.kind, doc.id)
                         for doc in library}

    def resolver(self, doc: LoadedDocument) -> Resolve:
        folder = doc.source.path.parent

        def resolve(target: str) -> tuple[str, str, str | None]:
            path, _, fragment = target.partition("#")
            found = self._by_path.get(os.path.realpath(folder / path))
            if found is None:
                raise LinkError(f"link {target!r} does not name a document of the library")
            return found[0], found[1], fragment or None

        return resolve

    def targets(self, doc: LoadedDocument, links: list[str]) -> str:
        """What the document's relative links (`Outline.links`) resolve to, as one string (a
        bundle changes when a linked file comes to name another document)."""
        resolve = self.resolver(doc)
        found = []
        for target in links:
            try:
                found.append(":".join(str(p) for p in resolve(target)))
            except LinkError:
                found.append(f"?{target}")
        return "\n".join(found)


def english_rule(n: int) -> int:
    return 0 if n == 1 else 1


@dataclass
class Translator:
    """Looks up reviewed translations of one document's texts in its catalog."""

    locale: str
    catalog: polib.POFile | None
    pseudo: bool = False
    # The source locale: every text is its own translation, nothing falls back.
    source: bool = False
    fallbacks: list[str] = field(default_factory=list)
    lines: dict[EntryKey, int] = field(default_factory=dict)
    _table: dict[EntryKey, str] = field(default_factory=dict)
    # Plural entries: their forms, in the order of the catalog's Plural-Forms rule.
    _plurals: dict[EntryKey, list[str]] = field(default_factory=dict)
    rule: Callable[[int], int] = field(default=english_rule)

    def __post_init__(self) -> None:
        for entry in self.catalog or []:
            if is_translated(entry):
                key = key_of(entry)
                if entry.msgid_plural:
                    self._plurals[key] = [entry.msgstr_plural[i]
                                          for i in sorted(entry.msgstr_plural)]
                else:
                    self._table[key] = entry.msgstr
                self.lines[key] = translation_line(entry)
        if self.catalog is not None and self._plurals:
            self.rule = plural_rule(self.catalog) or english_rule

    def accepted(self) -> dict[EntryKey, str | list[str]]:
        """The translations in use: reviewed, and not rejected (plural ones as forms)."""
        return {**self._table, **self._plurals}

    def reject(self, msgid: str) -> None:
        """Stop using a translation that breaks the model; the English is used instead."""
        for table in (self._table, self._plurals):
            for key in [k for k in table if k.msgid == msgid]:
                del table[key]

    def __call__(self, unit: TextUnit) -> str:
        if self.pseudo:
            return pseudo_text(unit.text, unit.max_length)
        if self.source:
            return unit.text
        found = self._table.get(EntryKey(unit.context, unit.text))
        if found is None:
            self.fallbacks.append(format_path(unit.path))
            return unit.text
        return found

    def forms(self, unit: TextUnit) -> tuple[list[str], Callable[[int], int]]:
        """A plural phrase's forms and the rule choosing among them: the catalog's, or
        English's two (and English's rule) where no reviewed translation exists."""
        english = [unit.text, unit.plural or unit.text]
        if self.pseudo:
            return [pseudo_text(text, unit.max_length) for text in english], english_rule
        if self.source:
            return english, english_rule
        found = self._plurals.get(EntryKey(unit.context, unit.text))
        if found is None:
            self.fallbacks.append(format_path(unit.path))
            return english, english_rule
        return found, self.rule


def bcp47(locale: str) -> str:
    return locale.replace("_", "-")


VOCABULARIES = ("muscles", "equipment", "positions")
# The glossary terms a card shows, by the kind of document it is for.
_CARD_TERMS = {"exercise": ("equipment", "positions")}


def _terms(used: dict[str, set[str]], glossary: dict[str, Any] | None
           ) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {vocabulary: {} for vocabulary in VOCABULARIES}
    for vocabulary in VOCABULARIES:
        for term_id in sorted(used.get(vocabulary, ())):
            term = (glossary or {}).get(vocabulary, {}).get(term_id)
            if term is not None:
                found[vocabulary][term_id] = {"name": term["name"],
                                              "description": term.get("description")}
    return found


def formatted_values(doc: LoadedDocument, locale: str, pseudo: bool,
                     words: DoseWords | None, captions: dict[str, str] | None = None
                     ) -> dict[str, Any]:
    """Reader-facing values written out for the locale (`FORMATTED` models say which).
    `captions`: the track of the exercise's video in this locale, if it has one."""
    if isinstance(doc.model, Guide):
        # A pseudo-locale (en-XA, ar-XB…) is unknown to CLDR: its dates read as English.
        babel_locale = "en" if pseudo else locale.replace("-", "_")
        return {"reviewed_on": format_date(doc.model.reviewed_on, "long", locale=babel_locale)}
    if isinstance(doc.model, Exercise):
        return {"dosage": write_dose(doc.model.dosage, words), "captions": captions}
    return {}


def dose_words(library: Library, translate: Translator, locale: str) -> DoseWords | None:
    """What the locale writes doses with: the glossary's dosage phrases as `translate` (the
    glossary's catalog) gives them; None when the glossary has no such phrases."""
    glossary = library.glossary
    if glossary is None or glossary.dosage is None:
        return None
    units = {str(unit.path[1]): unit for unit in iter_texts(glossary)
             if unit.path[0] == "dosage"}
    number = locale_number("en" if translate.pseudo else locale)

    def count(name: str) -> Count:
        unit = units[name]
        forms, rule = translate.forms(unit)
        return counted(forms, rule, (unit.text, unit.plural or unit.text), number)

    patterns = {name: (translate(unit), unit.text) for name, unit in units.items()
                if unit.plural is None}
    return DoseWords(count("sets"), count("repetitions"), count("seconds"), patterns, number)


@dataclass
class Localized:
    """One document in one locale, validated by its model: what its own bundle shows and
    what other bundles show of it (its card)."""

    kind: str
    id: str
    client: dict[str, Any]
    fallbacks: list[str]
    # Glossary ids it names, by vocabulary, and the documents it names, by card kind.
    terms: dict[str, set[str]]
    names: dict[str, list[str]]
    # Values written out for the locale (`formatted_values`).
    formatted: dict[str, Any] = field(default_factory=dict)

    def card(self) -> dict[str, Any]:
        model = CARDS[self.kind]
        card = {name: self.client[name] for name in model.model_fields if name in self.client}
        if "formatted" in model.model_fields:
            card["formatted"] = self.formatted
        return card

    def card_fallbacks(self) -> list[str]:
        fields = CARDS[self.kind].model_fields
        return [f for f in self.fallbacks if f.split(".")[0].split("[")[0] in fields]


def localize_document(
    doc: LoadedDocument,
    translate: Translator,
    catalog_display: str,
    *,
    fall_back: bool = False,
) -> tuple[BaseModel | None, list[Diagnostic]]:
    """The document with its translations, validated by its model, or the problems that stop
    it (located in the .po file).

    With `fall_back` (optional locales), a translation that breaks the model is replaced by
    its English, reported as a warning, and the document is still made."""
    if translate.source:
        # Every text is its own translation: the localized document is the source model,
        # validated by this model when the library was loaded.
        translate.fallbacks.clear()
        return doc.model, []
    model = DOCUMENT_MODELS[doc.kind]
    warnings: list[Diagnostic] = []
    while True:
        translate.fallbacks.clear()
        data = localize(doc.model, translate, lambda unit: translate.forms(unit)[0])
        try:
            return model.model_validate(data), warnings
        except ValidationError as exc:
            problems = [_bundle_error(doc, err, translate, catalog_display)
                        for err in exc.errors()]
            rejected = [_english_at(doc, tuple(err["loc"])) for err in exc.errors()]
            if not fall_back or not all(isinstance(text, str) for text in rejected):
                return None, problems
            before = translate.accepted()
            for text in rejected:
                translate.reject(str(text))
            if translate.accepted() == before:  # nothing left to take back: it is the English
                return None, problems
            warnings += [replace(p, severity="warning",
                                 message=p.message + "; English used instead") for p in problems]


def localized(doc: LoadedDocument, translate: Translator, catalog_display: str,
              links: Links, shape: Outline, *, fall_back: bool = False
              ) -> tuple[Localized | None, list[Diagnostic]]:
    """`localize_document`, then turned into what clients receive (rich text, typed links).
    `shape` is the document's `outline`."""
    document, problems = localize_document(doc, translate, catalog_display,
                                           fall_back=fall_back)
    if document is None:
        return None, problems
    try:
        client = client_data(document, links.resolver(doc), shape.markup)
    except (LinkError, CitationError) as exc:
        src_line, _ = doc.source.where(())
        return None, [diag(catalog_display, 0, 0, "E601", printable(str(exc)),
                           source_ref=f"{doc.source.display}:{src_line}")]
    terms = {vocabulary: set(ids) for vocabulary, ids in shape.terms.items()}
    return Localized(doc.kind, doc.id, client, sorted(set(translate.fallbacks)), terms,
                     shape.names), problems


def index_fields(item: Localized) -> dict[str, Any]:
    """What the locale's index says of the document besides its file."""
    title = item.client.get("title", item.client.get("name"))
    summary = item.client.get("summary")
    return {"title": title if isinstance(title, str) else None,
            "summary": summary if isinstance(summary, str) else None}


def bundle_json(item: Localized, locale: str, cards: dict[str, Localized],
                glossary: dict[str, Any] | None) -> str:
    """The bundle's JSON text: the document, the cards of the documents it names (`cards`,
    by id), the glossary terms both use, and values formatted for the locale."""
    named: dict[str, dict[str, Any]] = {"exercises": {}, "reviewers": {}}
    terms = {vocabulary: set(ids) for vocabulary, ids in item.terms.items()}
    fallbacks = list(item.fallbacks)
    for kind, ids in item.names.items():
        for doc_id in ids:
            card = cards.get(doc_id)
            if card is None:  # not in this build (withheld): the page shows the id only
                continue
            named[kind + "s"][doc_id] = card.card()
            fallbacks += [f"cards.{kind}s.{doc_id}.{f}" for f in card.card_fallbacks()]
            for vocabulary, ids_used in card.terms.items():
                if vocabulary in _CARD_TERMS.get(kind, ()):
                    terms.setdefault(vocabulary, set()).update(ids_used)
    data = {"bundle_version": BUNDLE_VERSION, "locale": locale, "kind": item.kind,
            "id": item.id, "document": item.client, "cards": named,
            "terms": _terms(terms, glossary), "formatted": item.formatted,
            "fallbacks": sorted(set(fallbacks))}
    text = render_json(data)
    # What ships is what was checked: the text itself is read back by the client model.
    BUNDLE_MODELS[item.kind].model_validate_json(text)
    return text


def _english_at(doc: LoadedDocument, path: tuple[Any, ...]) -> Any:
    """The English text at a place of the document: for a form of a plural phrase, its
    singular, which is the msgid its translation is found by."""
    english: Any = doc.model
    for part in path:
        if isinstance(english, PluralText):
            return english.one
        english = english[part] if isinstance(part, int) else getattr(english, str(part), None)
    return english.one if isinstance(english, PluralText) else english


def _bundle_error(doc: LoadedDocument, err: Any, translate: Translator, display: str
                  ) -> Diagnostic:
    path = tuple(err["loc"])
    english = _english_at(doc, path)
    line = 0
    if isinstance(english, str):
        for key, entry_line in translate.lines.items():
            if key.msgid == english:
                line = entry_line
                break
    src_line, _ = doc.source.where(path)
    return diag(display, line, 0, "E601", printable(f"{format_path(path)}: {err['msg']}"),
                source_ref=f"{doc.source.display}:{src_line}")


# Characters escaped in JSON output though JSON does not require it: a bundle stays safe when
# an app inlines it in an HTML page (`</script>` cannot end the element) or in JavaScript
# source (U+2028 and U+2029 end a string literal in older engines). Parsed, nothing differs.
_HTML_SAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
              "\u2029": "\\u2029"}
_HTML_UNSAFE = re.compile("[<>&\u2028\u2029]")


def render_json(data: Any) -> str:
    """Stable bytes: sorted keys, fixed indentation, UTF-8 text, final newline; characters
    that matter to HTML and JavaScript escaped (JSON syntax never uses them, so only strings
    are touched)."""
    # orjson writes what json.dumps(ensure_ascii=False, indent=2, sort_keys=True) writes for
    # what bundles hold (text, whole numbers, one-decimal percentages), several times faster
    # (tests/test_client_bundles.py holds it to that).
    text = orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode()
    return _HTML_UNSAFE.sub(lambda m: _HTML_SAFE[m.group(0)], text + "\n")


def localized_glossary(library: Library, translate: Callable[[TextUnit], str]
                       ) -> dict[str, Any] | None:
    glossary = library.glossary
    if glossary is None:
        return None
    return localize(glossary, translate)

