"""The fuzz targets: one input in, the reader's contract checked, `Broken` raised if not kept.

Each target writes the input to a real file in a scratch project and goes through the same
public functions the commands use, so a crash here is a crash of `pipeline validate`,
`update` or `check`. The regression tests run every saved input through these functions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import polib

from pipeline.content.lint import lint_document
from pipeline.content.loader import read_source
from pipeline.content.models import DOCUMENT_MODELS
from pipeline.content.textunits import iter_texts, localize
from pipeline.content.validation import validate_data
from pipeline.core.codes import CODES
from pipeline.core.config import Config
from pipeline.core.diagnostics import Diagnostic
from pipeline.core.text import hidden_characters
from pipeline.gettext.catalogs import merge
from pipeline.gettext.checks import CheckContext, check_catalog
from pipeline.gettext.memory import Memory
from pipeline.gettext.pofiles import (
    EntryKey,
    PoReadError,
    entry_status,
    key_of,
    parse_catalog,
    read_catalog,
    render_catalog,
)
from pipeline.gettext.templates import build_template

YAML_NAME = "source/exercises/doc.yaml"
PO_NAME = "locales/fr/LC_MESSAGES/doc.po"
MAX_BYTES = 1_000_000
STAMP = "2024-01-01 00:00+0000"


class Broken(AssertionError):
    """The target returned, but broke its contract (a wrong or lost result)."""


def scratch_config(folder: Path) -> Config:
    """A project in `folder` with the default settings, French as the one locale."""
    return Config(root=folder, source_dir=folder / "source", locales_dir=folder / "locales",
                  build_dir=folder / "build", schema_dir=folder / "schema",
                  required_locales=("fr",), max_file_bytes=MAX_BYTES)


def check_diagnostics(found: Iterable[Diagnostic]) -> None:
    """A diagnostic must be printable anywhere: a known code, sane place, one line of UTF-8
    text with no character that drives a terminal or reorders the line."""
    for d in found:
        if not isinstance(d, Diagnostic) or d.code not in CODES:
            raise Broken(f"not a diagnostic with a known code: {d!r}")
        if d.line < 0 or d.column < 0:
            raise Broken(f"negative position: {d!r}")
        text = d.format()
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise Broken(f"diagnostic cannot be printed as UTF-8: {d!r}") from exc
        if "\n" in text or any(hidden_characters(ch) for ch in set(text)):
            raise Broken(f"diagnostic shows raw hidden characters or line breaks: {d!r}")


def run_loader(data: bytes, folder: Path) -> None:
    """YAML bytes → loader → model → lint → template → read back.

    Contract: diagnostics or a document, never an exception; a document without errors has
    every text come back unchanged from its `.pot` template and from a localized copy."""
    config = scratch_config(folder)
    path = folder / YAML_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    src, found = read_source(path, YAML_NAME, max_bytes=MAX_BYTES, root=config.source_dir)
    check_diagnostics(found)
    if found:
        if src.data is not None:
            raise Broken("a file with a reading problem still returned data")
        return
    doc, found = validate_data(src)
    check_diagnostics(found)
    if doc is None:
        if not found:
            raise Broken("a document was rejected without a diagnostic")
        return
    linted = lint_document(doc, config)
    check_diagnostics(linted)
    if any(d.severity == "error" for d in [*found, *linted]):
        return  # `extract` stops here too: no template is written from content with errors
    wanted = {EntryKey(u.context, u.text) for u in iter_texts(doc.model)}
    text = render_catalog(build_template(config, doc, STAMP))
    try:
        back = parse_catalog(text, "doc.pot")
    except PoReadError as exc:
        raise Broken(f"a template as written cannot be read back: {exc}") from exc
    got = {key_of(e) for e in back}
    if got != wanted:
        raise Broken(f"texts changed through the template: lost {sorted(wanted - got)[:3]}, "
                     f"gained {sorted(got - wanted)[:3]}")
    model = DOCUMENT_MODELS[doc.kind]
    if model.model_validate(localize(doc.model, lambda unit: unit.text)) != doc.model:
        raise Broken("the document changed when localized with its own English")


def _state(catalog: Iterable[polib.POEntry]) -> list[tuple[object, ...]]:
    """What a catalog holds for a translator, in order (layout and line numbers aside)."""
    return [(e.msgctxt, e.msgid, e.msgstr, e.msgid_plural, sorted(e.msgstr_plural.items()),
             sorted(e.flags), bool(e.obsolete), e.previous_msgctxt, e.previous_msgid)
            for e in catalog]


def _has_translation(entry: polib.POEntry) -> bool:
    """As GNU gettext reads it: a plural entry is translated by its first form (one whose
    first form is empty is dropped with its English by msgmerge too)."""
    if entry.msgid_plural:
        return bool(entry.msgstr_plural.get(0, "").strip())
    return bool(entry.msgstr.strip())


def run_po(data: bytes, folder: Path) -> None:
    """Catalog bytes → reader → checks → writer → reader → merge.

    Contract: `PoReadError` or a catalog, never another exception; a catalog that reads is
    checked without crashing, written and read back with every entry unchanged, and merged
    (as `update` does) without losing a translation."""
    config = scratch_config(folder)
    path = folder / PO_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    try:
        catalog = read_catalog(path, PO_NAME)
    except PoReadError as exc:
        check_diagnostics([exc.diagnostic])
        return
    for entry in catalog:
        entry_status(entry)
    ctx = CheckContext(locale="fr", display=PO_NAME, units={},
                       glossary={"gluteus maximus": "grand fessier"})
    check_diagnostics(check_catalog(catalog, ctx))
    text = render_catalog(catalog)
    try:
        again = parse_catalog(text, PO_NAME)
    except PoReadError as exc:
        raise Broken(f"a catalog as written cannot be read back: {exc}") from exc
    if _state(again) != _state(catalog):
        changed = [(a, b) for a, b in zip(_state(catalog), _state(again)) if a != b]
        raise Broken(f"entries changed through write and read: {changed[:2]!r}")
    if render_catalog(again) != text:
        raise Broken("writing is not stable: a second write differs from the first")
    translated = {key_of(e) for e in again if _has_translation(e)}
    template = polib.POFile()
    template.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    merged = merge(template, again, Memory())
    kept = {key_of(e) for e in merged if _has_translation(e)}
    if translated - kept:
        raise Broken(f"merge lost translations: {sorted(translated - kept)[:3]}")
    try:
        parse_catalog(render_catalog(merged), config.rel(path))
    except PoReadError as exc:
        raise Broken(f"a merged catalog cannot be read back: {exc}") from exc


TARGETS: dict[str, tuple[Callable[[bytes, Path], None], str]] = {
    "loader": (run_loader, "yaml"),
    "po": (run_po, "po"),
}
