"""XLIFF 1.2: one `<file>` per document, one `<trans-unit>` per catalog entry.

Markup travels as `<bpt>`/`<ept>` pairs and `<ph>` placeholders holding the original
characters (the native code), which CAT tools show as tags and keep, and which
translate-toolkit reads back as the text itself. The field's limit is `maxwidth` in
characters. The msgctxt is a context of type `x-po-msgctxt` (translate-toolkit's name for
it), the source lines a location context group, the `#.` comments a note from "developer"
(xliff2po makes them extracted comments again), the earlier English of a fuzzy entry a note
on the source. A plural entry is a `<group restype="x-gettext-plurals">` holding those
contexts and notes and one trans-unit per form (`<id>[0]`, `<id>[1]`…), as translate-toolkit's
po2xliff writes it and xliff2po reads it back.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import replace

from lxml import etree

from pipeline import __version__
from pipeline.core.diagnostics import Diagnostic, diag
from pipeline.core.text import printable
from pipeline.exchange import inline
from pipeline.exchange.inline import Code, Piece
from pipeline.exchange.units import (
    EXPORT_12,
    GENERATOR,
    PLURALS_12,
    STATES_12_OTHER,
    STATES_12_TRANSLATED,
    ExportUnit,
    ReadUnit,
    UnitProblem,
    document_of,
    form_id_12,
    plural_unit,
)
from pipeline.exchange.xmlsafe import (
    XML_SPACE,
    children,
    fail,
    indent,
    local,
    namespace,
    xml_text_ok,
)

NS = "urn:oasis:names:tc:xliff:document:1.2"
_CTYPE = {"strong": "bold", "em": "italic", "link": "link"}
_LEFT_OUT = ("The current translation holds characters XML cannot carry; it was left out "
             "of this file.")


def _q(name: str) -> str:
    return f"{{{NS}}}{name}"


def _clean(text: str) -> str:
    """Note text: a character XML cannot carry becomes U+FFFD (notes are only read)."""
    return "".join(c if xml_text_ok(c) else "\ufffd" for c in text)


def _append(element: etree._Element, text: str) -> None:
    if len(element):
        element[-1].tail = (element[-1].tail or "") + text
    else:
        element.text = (element.text or "") + text


def _write_pieces(parent: etree._Element, pieces: Sequence[Piece]) -> None:
    for piece in pieces:
        if isinstance(piece, str):
            _append(parent, piece)
            continue
        if piece.kind == "open":
            code = etree.SubElement(parent, _q("bpt"), id=piece.id,
                                    ctype=_CTYPE.get(piece.role, "x-markup"))
        elif piece.kind == "close":
            code = etree.SubElement(parent, _q("ept"), id=piece.id)
        else:
            code = etree.SubElement(parent, _q("ph"), id=piece.id, ctype="x-autolink")
        code.text = piece.markup


def _unit(body: etree._Element, unit: ExportUnit) -> None:
    if unit.plural is not None:
        _plural_group(body, unit)
        return
    element = etree.SubElement(body, _q("trans-unit"), id=unit.id)
    left_out = _content(element, unit)
    _contexts(element, unit)
    _notes(element, unit, left_out)


def _content(element: etree._Element, unit: ExportUnit) -> bool:
    """A trans-unit's attributes, source and target; whether the target was left out."""
    element.set(XML_SPACE, "preserve")
    if unit.size_limit is not None:
        element.set("maxwidth", str(unit.size_limit))
        element.set("size-unit", "char")
    target = unit.target_pieces()
    left_out = target is not None and not xml_text_ok(unit.target or "")
    if left_out:
        target = None
    if target is not None and unit.status == "translated":
        element.set("approved", "yes")
    _write_pieces(etree.SubElement(element, _q("source")), unit.source_pieces)
    if target is not None:
        written = etree.SubElement(element, _q("target"), state=EXPORT_12[unit.status])
        _write_pieces(written, target)
    return left_out


def _contexts(element: etree._Element, unit: ExportUnit) -> None:
    """The msgctxt and the source lines, as context groups."""
    if unit.context is not None:
        group = etree.SubElement(element, _q("context-group"), name="po-entry",
                                 purpose="information")
        etree.SubElement(group, _q("context"), {"context-type": "x-po-msgctxt"}).text = \
            _clean(unit.context)
    for path, line in unit.locations:
        group = etree.SubElement(element, _q("context-group"), name="po-reference",
                                 purpose="location")
        etree.SubElement(group, _q("context"), {"context-type": "sourcefile"}).text = \
            _clean(path)
        if line:
            etree.SubElement(group, _q("context"), {"context-type": "linenumber"}).text = line


def _notes(element: etree._Element, unit: ExportUnit, left_out: bool) -> None:
    """What the text is, the English a fuzzy translation was made for, a target left out,
    the translator's comments."""
    if unit.comment:
        etree.SubElement(element, _q("note"), {"from": "developer"}).text = \
            _clean(unit.comment)
    if unit.previous is not None:
        plural = (f" (plural: {unit.previous_plural})"
                  if unit.previous_plural is not None else "")
        etree.SubElement(element, _q("note"), {"from": "previous-source",
                                               "annotates": "source"}).text = _clean(
            "The current translation was made for this earlier English: " + unit.previous
            + plural)
    if left_out:
        etree.SubElement(element, _q("note"), {"from": GENERATOR}).text = _LEFT_OUT
    if unit.translator_comment:
        etree.SubElement(element, _q("note"), {"from": "translator"}).text = \
            _clean(unit.translator_comment)


def _plural_group(body: etree._Element, unit: ExportUnit) -> None:
    """A plural entry: its contexts and notes on the group, then a trans-unit per form. A
    form XML cannot carry leaves every form's target out (a plural comes back whole)."""
    group = etree.SubElement(body, _q("group"), id=unit.id, restype=PLURALS_12)
    group.set(XML_SPACE, "preserve")
    forms = unit.form_units()
    left_out = not all(xml_text_ok(form.target or "") for form in forms)
    if unit.status == "translated" and not left_out:
        group.set("approved", "yes")  # po2xliff's mark, which xliff2po reads as not fuzzy
    _contexts(group, unit)
    _notes(group, unit, left_out)
    for number, form in enumerate(forms):
        element = etree.SubElement(group, _q("trans-unit"), id=form_id_12(unit.id, number))
        _content(element, replace(form, target=None) if left_out else form)


def document(units: Sequence[ExportUnit], original: str, source_lang: str, target_lang: str
             ) -> etree._Element:
    """The XLIFF 1.2 document for one catalog's units."""
    root = etree.Element(_q("xliff"), nsmap={None: NS}, version="1.2")
    file = etree.SubElement(root, _q("file"), {"original": original,
                                               "source-language": source_lang,
                                               "target-language": target_lang,
                                               "datatype": "po"})
    header = etree.SubElement(file, _q("header"))
    etree.SubElement(header, _q("tool"), {"tool-id": GENERATOR, "tool-name": GENERATOR,
                                          "tool-version": __version__})
    body = etree.SubElement(file, _q("body"))
    for unit in units:
        _unit(body, unit)
    indent(root, ("source", "target", "note", "context"))
    return root


# ---------------------------------------------------------------------------------------------
# Reading


_PAIRED = {"bpt": "open", "ept": "close", "bx": "open", "ex": "close"}


def _pieces(element: etree._Element, as_codes: bool) -> list[Piece | tuple[inline.Kind, str]]:
    """A source's content (`as_codes`: codes holding their native code) or a target's
    (code references by id; what a target's codes hold is ignored)."""
    found: list[Piece | tuple[inline.Kind, str]] = []

    def code(kind: inline.Kind, at: etree._Element) -> None:
        paired_by_rid = local(at) in ("bx", "ex")
        ident = (at.get("rid") or at.get("id")) if paired_by_rid else at.get("id")
        if not ident:
            raise UnitProblem("E708", f"<{local(at)}> has no id", at.sourceline or 0)
        if as_codes:
            found.append(Code(kind, ident, "".join(at.itertext()), "code"))
        else:
            found.append((kind, ident))

    def walk(node: etree._Element) -> None:
        if node.text:
            found.append(node.text)
        for child in node:
            name = local(child) if namespace(child) == NS else ""
            if name in _PAIRED:
                code("open" if _PAIRED[name] == "open" else "close", child)
            elif name in ("ph", "x"):
                code("alone", child)
            elif name == "g" and not as_codes:
                code("open", child)
                walk(child)
                code("close", child)
            elif name == "mrk":
                walk(child)
            elif isinstance(child.tag, str):
                raise UnitProblem("E708", f"unexpected element <{local(child)}> in the "
                                           "content", child.sourceline or 0)
            if child.tail:
                found.append(child.tail)

    walk(element)
    return found


def read(root: etree._Element, shown: str) -> tuple[str, str, list[ReadUnit], list[Diagnostic]]:
    """(source language, target language, units, unit-level problems) of an XLIFF 1.2
    document; ExchangeFileError when the document as a whole is not usable."""
    if root.get("version") != "1.2":
        fail(shown, root.sourceline or 0, "E704", f"XLIFF version {root.get('version')!r} "
                                                  "in the 1.2 namespace; expected 1.2")
    languages: set[tuple[str, str]] = set()
    units: list[ReadUnit] = []
    problems: list[Diagnostic] = []
    for file in children(root, NS, "file"):
        source_lang = file.get("source-language", "")
        target_lang = file.get("target-language", "")
        if not source_lang or not target_lang:
            fail(shown, file.sourceline or 0, "E704",
                 "<file> needs source-language and target-language")
        languages.add((source_lang, target_lang))
        original = file.get("original", "")
        doc = document_of(original)
        if doc is None:
            fail(shown, file.sourceline or 0, "E704",
                 f"<file> names no document (original {original!r})")
        for unit in _units(file):
            if unit.get("translate") == "no":
                continue
            try:
                plural = local(unit) == "group"
                units.append(_read_group(unit, shown, doc) if plural else
                             _read_unit(unit, shown, doc))
            except UnitProblem as exc:
                problems.append(diag(shown, exc.line or unit.sourceline or 0, 0, exc.code,
                                     printable(f"unit {unit.get('id')!r}: {exc.message}; "
                                               "skipped")))
    if len(languages) != 1:
        fail(shown, root.sourceline or 0, "E704", "the file's <file> elements must share one "
                                                  "source and one target language")
    (source_lang, target_lang), = languages
    return source_lang, target_lang, units, problems


def _units(element: etree._Element) -> Iterator[etree._Element]:
    """The trans-units under an element, in order, and the plural groups (whose trans-units
    are its forms, read with it)."""
    for child in element:
        if not isinstance(child.tag, str) or namespace(child) != NS:
            continue
        name = local(child)
        if name == "trans-unit":
            yield child
        elif name == "group" and child.get("restype") == PLURALS_12:
            yield child
        elif name in ("body", "group"):
            yield from _units(child)


_FORM_ID = re.compile(r"^(.*)\[(\d{1,3})\]$")


def _read_group(group: etree._Element, shown: str, document_id: str) -> ReadUnit:
    """A plural entry's group: its forms' trans-units, ordered by their `[N]` ids (in file
    order when the ids do not say), read as one unit."""
    line = group.sourceline or 0
    members = [tu for tu in children(group, NS, "trans-unit") if tu.get("translate") != "no"]
    found = [_FORM_ID.match(tu.get("id") or "") for tu in members]
    if found and all(found):
        order = [int(match.group(2)) for match in found if match is not None]
        members = [tu for _, tu in sorted(zip(order, members), key=lambda pair: pair[0])]
    ident = group.get("id") or (found[0].group(1) if found and found[0] else "")
    if not ident:
        raise UnitProblem("E704", "a plural group has no id", line)
    parts = [_read_unit(tu, shown, document_id) for tu in members]
    contexts = [c for part in children(group, NS, "context-group")
                for c in children(part, NS, "context")
                if c.get("context-type") == "x-po-msgctxt"]
    context = "".join(contexts[0].itertext()) if contexts else (
        parts[0].context if parts and parts[0].context_given else None)
    given = bool(contexts) or bool(parts and parts[0].context_given)
    return plural_unit(shown, line, document_id, ident, context, given, parts)


def _read_unit(unit: etree._Element, shown: str, document_id: str) -> ReadUnit:
    line = unit.sourceline or 0
    ident = unit.get("id")
    if not ident:
        raise UnitProblem("E704", "a trans-unit has no id", line)
    source = children(unit, NS, "source")
    if not source:
        raise UnitProblem("E704", "the trans-unit has no <source>", line)
    sources = [p for p in _pieces(source[0], True) if not isinstance(p, tuple)]
    target = children(unit, NS, "target")
    text: str | None = None
    fuzzy = True
    target_line = line
    if target:
        target_line = target[0].sourceline or line
        state = target[0].get("state")
        if state is None:
            fuzzy = unit.get("approved") != "yes"
        elif state in STATES_12_TRANSLATED:
            fuzzy = False
        elif state not in STATES_12_OTHER and not state.startswith("x-"):
            raise UnitProblem("E704", f"target state {state!r} is not an XLIFF 1.2 state",
                               target_line)
        try:
            text = inline.resolve(sources, _pieces(target[0], False))
        except inline.CodeProblem as exc:
            raise UnitProblem("E708", f"the target's inline codes: {exc}",
                               target_line) from None
    contexts = [c for group in children(unit, NS, "context-group")
                for c in children(group, NS, "context")
                if c.get("context-type") == "x-po-msgctxt"]
    return ReadUnit(shown=shown, line=line, target_line=target_line, document=document_id,
                    id=ident, context="".join(contexts[0].itertext()) if contexts else None,
                    context_given=bool(contexts), source=inline.text_of(sources), target=text,
                    fuzzy=fuzzy)
