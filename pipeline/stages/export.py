"""Export: one localized JSON bundle per (locale, document), re-validated by the same model.

A bundle keeps the English document's shape, adds the localized display names of the
glossary ids it uses, reader-facing dates formatted for the locale, and the list of fields
that fell back to English.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Generic, TypeVar

import polib
from babel.dates import format_date
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pipeline.content.library import Library, LoadedDocument
from pipeline.content.models import DOCUMENT_MODELS, Exercise, Glossary, Guide, Reviewer
from pipeline.content.textunits import TextUnit, format_path, iter_refs, localize
from pipeline.core.diagnostics import Diagnostic, diag
from pipeline.core.text import printable
from pipeline.gettext.pofiles import EntryKey, is_translated, key_of, translation_line
from pipeline.gettext.pseudo import pseudo_text

D = TypeVar("D", Exercise, Guide, Reviewer, Glossary)
BUNDLE_VERSION = 1


class LocalizedTerm(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    description: str | None = None


class Bundle(BaseModel, Generic[D]):
    """What a client app receives for one document in one locale."""

    model_config = ConfigDict(extra="forbid")
    bundle_version: int = Field(BUNDLE_VERSION, description="Bumped on incompatible changes.")
    locale: str = Field(description="BCP 47 tag, e.g. 'fr' or 'en-XA'.")
    kind: str
    id: str
    document: D
    terms: dict[str, dict[str, LocalizedTerm]] = Field(
        default_factory=dict,
        description="Localized display names of the glossary ids used, by vocabulary.")
    formatted: dict[str, str] = Field(
        default_factory=dict, description="Reader-facing values formatted for the locale.")
    fallbacks: list[str] = Field(
        default_factory=list, description="Fields shown in English because no reviewed "
        "translation exists.")


BUNDLE_MODELS: dict[str, type[BaseModel]] = {
    kind: Bundle[model] for kind, model in DOCUMENT_MODELS.items()  # type: ignore[valid-type]
}


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

    def __post_init__(self) -> None:
        for entry in self.catalog or []:
            if is_translated(entry):
                self._table[key_of(entry)] = entry.msgstr
                self.lines[key_of(entry)] = translation_line(entry)

    def accepted(self) -> dict[EntryKey, str]:
        """The translations in use: reviewed, and not rejected."""
        return dict(self._table)

    def reject(self, msgid: str) -> None:
        """Stop using a translation that breaks the model; the English is used instead."""
        for key in [k for k in self._table if k.msgid == msgid]:
            del self._table[key]

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


def bcp47(locale: str) -> str:
    return locale.replace("_", "-")


def _terms(doc: LoadedDocument, glossary: dict[str, Any] | None) -> dict[str, dict[str, LocalizedTerm]]:
    if not glossary:
        return {}
    terms: dict[str, dict[str, LocalizedTerm]] = {}
    for ref in iter_refs(doc.model):
        if ref.target in ("muscles", "equipment", "positions"):
            term = glossary[ref.target].get(ref.value)
            if term is not None:
                terms.setdefault(ref.target, {})[ref.value] = LocalizedTerm(**term)
    return {k: dict(sorted(v.items())) for k, v in sorted(terms.items())}


def _formatted(doc: LoadedDocument, locale: str, pseudo: bool) -> dict[str, str]:
    if isinstance(doc.model, Guide):
        # A pseudo-locale (en-XA, ar-XB…) is unknown to CLDR: its dates read as English.
        babel_locale = "en" if pseudo else locale.replace("-", "_")
        return {"reviewed_on": format_date(doc.model.reviewed_on, "long", locale=babel_locale)}
    return {}


def export_document(
    doc: LoadedDocument,
    locale: str,
    translate: Translator,
    glossary: dict[str, Any] | None,
    catalog_display: str,
    *,
    fall_back: bool = False,
) -> tuple[str | None, list[Diagnostic]]:
    """The bundle's JSON text, or the problems that stop it (located in the .po file).

    With `fall_back` (optional locales), a translation that breaks the model is replaced by
    its English, reported as a warning, and the bundle is still written."""
    model = DOCUMENT_MODELS[doc.kind]
    warnings: list[Diagnostic] = []
    while True:
        translate.fallbacks.clear()
        data = localize(doc.model, translate)
        try:
            document = model.model_validate(data)
            break
        except ValidationError as exc:
            problems = [_bundle_error(doc, err, translate, catalog_display)
                        for err in exc.errors()]
            rejected = [_english_at(doc, tuple(err["loc"])) for err in exc.errors()]
            if not fall_back or not all(isinstance(text, str) for text in rejected):
                return None, problems
            for text in rejected:
                translate.reject(str(text))
            warnings += [replace(p, severity="warning",
                                 message=p.message + "; English used instead") for p in problems]
    bundle = BUNDLE_MODELS[doc.kind](
        locale=bcp47(locale), kind=doc.kind, id=doc.id, document=document,
        terms=_terms(doc, glossary), formatted=_formatted(doc, locale, translate.pseudo),
        fallbacks=sorted(set(translate.fallbacks)),
    )
    return render_json(bundle.model_dump(mode="json")), warnings


def _english_at(doc: LoadedDocument, path: tuple[Any, ...]) -> Any:
    english: Any = doc.model
    for part in path:
        english = english[part] if isinstance(part, int) else getattr(english, str(part), None)
    return english


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
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    return _HTML_UNSAFE.sub(lambda m: _HTML_SAFE[m.group(0)], text)


def localized_glossary(library: Library, translate: Callable[[TextUnit], str]
                       ) -> dict[str, Any] | None:
    glossary = library.glossary
    if glossary is None:
        return None
    return localize(glossary, translate)

