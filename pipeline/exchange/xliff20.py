"""XLIFF 2.0: one `<file>` per document, one `<unit>` (one segment) per catalog entry.

Markup travels as paired codes (`<pc>`) or placeholders (`<ph>`) whose original characters
sit in the unit's `<originalData>`, out of the translator's reach. The field's limit is the
unit's `slr:sizeRestriction` (Size and Length Restriction module, code points). Notes carry
what the text is and where it is used (the `#.` comments), the English a fuzzy translation
was made for, the translator's comments and the source lines. The msgctxt, if any, is the
unit's `name`. A plural entry is a `<group type="x-gettext:plurals">` (XLIFF 2.0 has no
convention of its own for gettext plurals) holding the notes and the msgctxt as its `name`,
and one unit per form (`<id>-0`, `<id>-1`…).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from lxml import etree

from pipeline.core.diagnostics import Diagnostic, diag
from pipeline.core.text import printable
from pipeline.exchange import inline
from pipeline.exchange.inline import Code, Piece
from pipeline.exchange.units import (
    EXPORT_20,
    PLURALS_20,
    STATES_20,
    STATES_20_TRANSLATED,
    ExportUnit,
    ReadUnit,
    UnitProblem,
    document_of,
    form_id_20,
    location_text,
    plural_unit,
)
from pipeline.exchange.xmlsafe import (
    XML_SPACE,
    children,
    fail,
    indent,
    local,
    namespace,
    not_xml_characters,
    xml_text_ok,
)

NS = "urn:oasis:names:tc:xliff:document:2.0"
SLR = "urn:oasis:names:tc:xliff:sizerestriction:2.0"
VERSIONS = ("2.0", "2.1")
_FMT = {"strong": "xlf:b", "em": "xlf:i"}


def _q(name: str) -> str:
    return f"{{{NS}}}{name}"


def _add_text(element: etree._Element, text: str) -> None:
    """Append text at the end of an element, characters XML cannot carry as `<cp>`."""
    last = 0
    for index, char in [*not_xml_characters(text), (len(text), "")]:
        chunk = text[last:index]
        if chunk:
            if len(element):
                element[-1].tail = (element[-1].tail or "") + chunk
            else:
                element.text = (element.text or "") + chunk
        if char:
            etree.SubElement(element, _q("cp"), hex=f"{ord(char):04X}")
        last = index + 1


def _write_pieces(parent: etree._Element, pieces: Sequence[Piece], data: dict[str, str]
                  ) -> None:
    """Text and codes into a source or target; pairs nest as `<pc>` (the parser's pairs
    always nest)."""
    stack = [parent]
    closing = {p.id: p.markup for p in pieces if isinstance(p, Code) and p.kind == "close"}
    for piece in pieces:
        if isinstance(piece, str):
            _add_text(stack[-1], piece)
        elif piece.kind == "open":
            attrs = {"id": piece.id, "type": "link" if piece.role == "link" else "fmt"}
            if piece.role in _FMT:
                attrs["subType"] = _FMT[piece.role]
            attrs["dataRefStart"] = data[piece.markup]
            attrs["dataRefEnd"] = data[closing[piece.id]]
            stack.append(etree.SubElement(stack[-1], _q("pc"), attrs))
        elif piece.kind == "close":
            stack.pop()
        else:
            etree.SubElement(stack[-1], _q("ph"), id=piece.id, type="link",
                             dataRef=data[piece.markup])


def _data_ids(pieces: Sequence[Piece]) -> dict[str, str]:
    """One `<data>` per distinct markup, numbered in order of appearance."""
    ids: dict[str, str] = {}
    for code in inline.codes(pieces):
        ids.setdefault(code.markup, f"d{len(ids) + 1}")
    return ids


def _note(notes: etree._Element, category: str, text: str, applies_to: str | None = None
          ) -> None:
    attrs = {"category": category}
    if applies_to:
        attrs["appliesTo"] = applies_to
    # A note holds text only (no <cp>): a character XML cannot carry shows as U+FFFD.
    etree.SubElement(notes, _q("note"), attrs).text = "".join(
        c if xml_text_ok(c) else "\ufffd" for c in text)


def _notes(element: etree._Element, unit: ExportUnit) -> None:
    """What the text is, where it is used, the English a fuzzy translation was made for and
    the translator's comments (no `<notes>` when there is none)."""
    notes = etree.SubElement(element, _q("notes"))
    if unit.comment:
        _note(notes, "context", unit.comment, "source")
    if unit.locations:
        _note(notes, "location", "Used at " + location_text(unit.locations), "source")
    if unit.previous is not None:
        plural = (f" (plural: {unit.previous_plural})"
                  if unit.previous_plural is not None else "")
        _note(notes, "previous-source", "The current translation was made for this "
                                        "earlier English: " + unit.previous + plural, "source")
    if unit.translator_comment:
        _note(notes, "translator-comment", unit.translator_comment, "target")
    if not len(notes):
        element.remove(notes)


def _plural_group(parent: etree._Element, unit: ExportUnit) -> None:
    """A plural entry: a group with its notes and msgctxt, and a unit per form."""
    attrs = {"id": unit.id, "type": PLURALS_20}
    if unit.context is not None:
        attrs["name"] = unit.context
    group = etree.SubElement(parent, _q("group"), attrs)
    _notes(group, unit)
    for number, form in enumerate(unit.form_units()):
        _unit(group, form, form_id_20(unit.id, number))


def _unit(parent: etree._Element, unit: ExportUnit, ident: str | None = None) -> None:
    if unit.plural is not None:
        _plural_group(parent, unit)
        return
    attrs = {"id": ident or unit.id}
    if unit.context is not None and ident is None:
        attrs["name"] = unit.context
    element = etree.SubElement(parent, _q("unit"), attrs)
    if unit.size_limit is not None:
        element.set(f"{{{SLR}}}sizeRestriction", str(unit.size_limit))
    _notes(element, unit)
    source = unit.source_pieces
    target = unit.target_pieces()
    data = _data_ids([*source, *(target or [])])
    if data:
        original = etree.SubElement(element, _q("originalData"))
        for markup, ident in data.items():
            item = etree.SubElement(original, _q("data"), id=ident)
            _add_text(item, markup)
    segment = etree.SubElement(element, _q("segment"))
    if target is not None:
        segment.set("state", EXPORT_20[unit.status])
    _write_pieces(etree.SubElement(segment, _q("source")), source, data)
    if target is not None:
        _write_pieces(etree.SubElement(segment, _q("target")), target, data)


def document(units: Sequence[ExportUnit], document_id: str, original: str, source_lang: str,
             target_lang: str) -> etree._Element:
    """The XLIFF 2.0 document for one catalog's units."""
    root = etree.Element(_q("xliff"), nsmap={None: NS, "slr": SLR},
                         version="2.0", srcLang=source_lang, trgLang=target_lang)
    file = etree.SubElement(root, _q("file"), id=document_id, original=original,
                            canResegment="no")
    file.set(XML_SPACE, "preserve")
    etree.SubElement(file, f"{{{SLR}}}profiles", generalProfile="xliff:codepoints")
    for unit in units:
        _unit(file, unit)
    indent(root, ("source", "target", "note", "data"))
    return root


# ---------------------------------------------------------------------------------------------
# Reading


def _text_of(element: etree._Element) -> str:
    """Text content of a `<data>` or `<note>`: its text and `<cp>` characters."""
    parts = [element.text or ""]
    for child in element:
        if local(child) == "cp":
            parts.append(_code_point(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _code_point(element: etree._Element) -> str:
    try:
        return chr(int(element.get("hex", ""), 16))
    except (ValueError, OverflowError):
        raise UnitProblem("E704", f"<cp hex={element.get('hex')!r}> is not a code point",
                           element.sourceline or 0) from None


def _pieces(element: etree._Element, data: dict[str, str], resolve_markup: bool
            ) -> list[Piece | tuple[inline.Kind, str]]:
    """A source's (`resolve_markup`: codes with their original data) or a target's (code
    references) content, in order."""
    found: list[Piece | tuple[inline.Kind, str]] = []

    def code(kind: inline.Kind, ident: str | None, ref: str | None, at: etree._Element
             ) -> None:
        if not ident:
            raise UnitProblem("E708", f"<{local(at)}> has no id", at.sourceline or 0)
        if not resolve_markup:
            found.append((kind, ident))
            return
        if ref is None or ref not in data:
            raise UnitProblem("E704", f"code {ident!r} has no original data "
                                       f"(dataRef {ref!r})", at.sourceline or 0)
        found.append(Code(kind, ident, data[ref], "code"))

    def walk(node: etree._Element) -> None:
        if node.text:
            found.append(node.text)
        for child in node:
            name = local(child) if namespace(child) == NS else ""
            if name == "pc":
                code("open", child.get("id"), child.get("dataRefStart"), child)
                walk(child)
                code("close", child.get("id"), child.get("dataRefEnd"), child)
            elif name == "ph":
                code("alone", child.get("id"), child.get("dataRef"), child)
            elif name == "sc":
                code("open", child.get("id"), child.get("dataRef"), child)
            elif name == "ec":
                code("close", child.get("startRef") or child.get("id"), child.get("dataRef"),
                     child)
            elif name == "cp":
                found.append(_code_point(child))
            elif name == "mrk":
                walk(child)
            elif name in ("sm", "em"):
                pass  # annotation markers hold no text
            elif isinstance(child.tag, str):
                raise UnitProblem("E708", f"unexpected element <{local(child)}> in the "
                                           "content", child.sourceline or 0)
            if child.tail:
                found.append(child.tail)

    walk(element)
    return found


def read(root: etree._Element, shown: str) -> tuple[str, str, list[ReadUnit], list[Diagnostic]]:
    """(source language, target language, units, unit-level problems) of an XLIFF 2.x
    document; ExchangeFileError when the document as a whole is not usable."""
    version = root.get("version", "")
    if version not in VERSIONS:
        fail(shown, root.sourceline or 0, "E704", f"XLIFF version {version!r} in the 2.0 "
                                                  "namespace; expected 2.0 or 2.1")
    source_lang, target_lang = root.get("srcLang", ""), root.get("trgLang", "")
    if not source_lang or not target_lang:
        fail(shown, root.sourceline or 0, "E704", "<xliff> needs srcLang and trgLang")
    units: list[ReadUnit] = []
    problems: list[Diagnostic] = []
    for file in children(root, NS, "file"):
        original = file.get("original") or file.get("id") or ""
        doc = document_of(original)
        if doc is None:
            fail(shown, file.sourceline or 0, "E704",
                 f"<file> names no document (original {original!r})")
        for unit in _units(file):
            try:
                plural = local(unit) == "group"
                units.append(_read_group(unit, shown, doc) if plural else
                             _read_unit(unit, shown, doc))
            except UnitProblem as exc:
                problems.append(diag(shown, exc.line or unit.sourceline or 0, 0, exc.code,
                                     printable(f"unit {unit.get('id')!r}: {exc.message}; "
                                               "skipped")))
    return source_lang, target_lang, units, problems


def _units(element: etree._Element) -> Iterator[etree._Element]:
    """The units under an element, in order, and the plural groups (whose units are its
    forms, read with it)."""
    for child in element:
        if not isinstance(child.tag, str) or namespace(child) != NS:
            continue
        name = local(child)
        if name == "unit":
            yield child
        elif name == "group" and child.get("type") == PLURALS_20:
            yield child
        elif name == "group":
            yield from _units(child)


def _read_group(group: etree._Element, shown: str, document_id: str) -> ReadUnit:
    """A plural entry's group: its forms' units, in order, read as one unit."""
    line = group.sourceline or 0
    ident = group.get("id")
    if not ident:
        raise UnitProblem("E704", "a plural group has no id", line)
    parts = [_read_unit(unit, shown, document_id) for unit in children(group, NS, "unit")]
    name = group.get("name")
    return plural_unit(shown, line, document_id, ident, name, name is not None, parts)


def _read_unit(unit: etree._Element, shown: str, document_id: str) -> ReadUnit:
    line = unit.sourceline or 0
    ident = unit.get("id")
    if not ident:
        raise UnitProblem("E704", "a unit has no id", line)
    data: dict[str, str] = {}
    for original in children(unit, NS, "originalData"):
        for item in children(original, NS, "data"):
            data[item.get("id", "")] = _text_of(item)
    sources: list[Piece] = []
    targets: list[Piece | tuple[inline.Kind, str]] = []
    translated = True
    has_target = missing_target = False
    target_line = 0
    for part in unit:
        kind = local(part) if namespace(part) == NS else ""
        if kind not in ("segment", "ignorable"):
            continue
        source = children(part, NS, "source")
        target = children(part, NS, "target")
        if not source:
            raise UnitProblem("E704", f"a <{kind}> has no <source>", part.sourceline or line)
        resolved = _pieces(source[0], data, True)
        sources += [p for p in resolved if not isinstance(p, tuple)]
        if target:
            has_target = True
            target_line = target_line or target[0].sourceline or line
            targets += _pieces(target[0], data, False)
        elif kind == "ignorable":
            targets += [p if isinstance(p, str) else (p.kind, p.id)
                        for p in resolved if not isinstance(p, tuple)]
        else:
            missing_target = True
        if kind == "segment":
            state = part.get("state", "initial")
            if state not in STATES_20:
                raise UnitProblem("E704", f"segment state {state!r} is not an XLIFF 2.0 "
                                           "state", part.sourceline or line)
            translated = translated and state in STATES_20_TRANSLATED
    if has_target and missing_target:
        raise UnitProblem("E704", "some segments have a target and others none", line)
    try:
        text = inline.resolve(sources, targets) if has_target else None
    except inline.CodeProblem as exc:
        raise UnitProblem("E708", f"the target's inline codes: {exc}", target_line) from None
    name = unit.get("name")
    return ReadUnit(shown=shown, line=line, target_line=target_line or line,
                    document=document_id, id=ident, context=name, context_given=name is not None,
                    source=inline.text_of(sources), target=text, fuzzy=not translated)
