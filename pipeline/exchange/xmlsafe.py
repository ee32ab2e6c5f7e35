"""Untrusted XML in, valid XML out.

A vendor's file is input from outside the team, read with lxml under settings that give it
no power over the run: its size is checked before a byte is parsed; a document type
declaration is refused as soon as the parser meets it, before any entity in it is declared,
let alone expanded (no billion laughs, no external entity, no network); the tree is bounded
by libxml2's default limits (depth, text size). Problems are diagnostics located at the
file's line, never tracebacks.

Writing goes the other way: text is set through lxml (which escapes `&`, `<`, quotes and
line breaks in attributes), characters XML 1.0 cannot carry are found before lxml would
refuse them, and indentation is added only between structural elements, never inside text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from lxml import etree

if TYPE_CHECKING:
    from lxml.etree import _parser as _parser_module

from pipeline.core.diagnostics import Diagnostic, diag
from pipeline.core.files import FileTooLarge, read_regular
from pipeline.core.text import printable

# An XLIFF file for one document is a few hundred kilobytes; a whole library's TMX a few
# megabytes per ten thousand strings. Far above both, parsed in about a second.
MAX_XLIFF_BYTES = 20_000_000
MAX_TMX_BYTES = 100_000_000
XML_NS = "http://www.w3.org/XML/1998/namespace"
XML_LANG = f"{{{XML_NS}}}lang"
XML_SPACE = f"{{{XML_NS}}}space"
# What XML 1.0 allows in a document (section 2.2); anything else cannot be written as text.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class ExchangeFileError(Exception):
    """A file that cannot be used at all: not readable, too large, not XML, unsafe, not the
    format expected. Nothing from an import with such a file is written."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.format())
        self.diagnostic = diagnostic


def fail(shown: str, line: int, code: str, message: str) -> NoReturn:
    raise ExchangeFileError(diag(shown, line, 0, code, printable(message)))


class _DocumentTypeFound(Exception):
    """Raised by the first pass when the parser reaches a <!DOCTYPE>."""


class _RefuseDocumentType:
    """A parser target that builds nothing and stops at a document type declaration: it is
    called when the declaration starts, before its internal subset is read."""

    def doctype(self, root_tag: str | None, public_id: str | None, system_url: str | None,
                /) -> None:
        raise _DocumentTypeFound(root_tag)

    def start(self, tag: str, attrib: dict[str, str], /) -> None:
        return None

    def end(self, tag: str, /) -> None:
        return None

    def data(self, data: str, /) -> None:
        return None

    def comment(self, text: str, /) -> None:
        return None

    def pi(self, target: str, data: str, /) -> None:
        return None

    def start_ns(self, prefix: str, uri: str, /) -> None:
        return None

    def end_ns(self, prefix: str, /) -> None:
        return None

    def close(self) -> None:
        return None


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=False, remove_blank_text=False)


def _first_pass() -> _parser_module.CustomTargetParser[None]:
    """The same settings, with a target that stops at a document type declaration."""
    return etree.XMLParser(target=_RefuseDocumentType(), resolve_entities=False,
                           no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_blank_text=False)


def _line_of(raw: bytes, needle: bytes) -> int:
    found = raw.find(needle)
    return raw[:found].count(b"\n") + 1 if found >= 0 else 1


def read_xml(path: Path, shown: str, max_bytes: int) -> etree._ElementTree:
    """The parsed file, or ExchangeFileError: E703 too large (from its size, unread), E013
    not a regular file or unreadable, E702 a document type declaration (DTD, entities),
    E701 not well-formed XML."""
    try:
        raw = read_regular(path, max_bytes)
    except FileTooLarge as exc:
        fail(shown, 0, "E703", f"file is {exc.size:,} bytes; the limit is {max_bytes:,}; "
                               "split the export or ask for smaller files")
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        fail(shown, 0, "E013", f"cannot read the file: {reason}")
    return parse_xml(raw, shown)


def parse_xml(raw: bytes, shown: str) -> etree._ElementTree:
    """Parse bytes of untrusted XML (see `read_xml`)."""
    try:
        etree.fromstring(raw, _first_pass())
    except _DocumentTypeFound:
        fail(shown, _line_of(raw, b"<!DOCTYPE"), "E702",
             "the file declares a document type (<!DOCTYPE>); DTDs, entity declarations "
             "and external references are refused, nothing in it was expanded or fetched")
    except etree.XMLSyntaxError:
        pass  # reported with its line by the second pass
    try:
        root = etree.fromstring(raw, _parser())
    except etree.XMLSyntaxError as exc:
        message = re.sub(r", line \d+, column \d+.*$", "", str(exc.msg or exc))
        fail(shown, exc.lineno or 0, "E701", f"not well-formed XML: {message}")
    except ValueError as exc:  # lxml refuses some inputs before libxml2 sees them
        fail(shown, 0, "E701", f"not well-formed XML: {exc}")
    tree = root.getroottree()
    if tree.docinfo.internalDTD is not None or tree.docinfo.externalDTD is not None:
        fail(shown, 1, "E702", "the file declares a document type; refused")
    return tree


def local(element: etree._Element) -> str:
    """An element's name without its namespace ('' for comments and processing
    instructions, which carry no content here)."""
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def namespace(element: etree._Element) -> str | None:
    tag = element.tag
    return etree.QName(tag).namespace if isinstance(tag, str) else None


def children(element: etree._Element, ns: str, name: str) -> list[etree._Element]:
    return [child for child in element if isinstance(child.tag, str)
            and child.tag == f"{{{ns}}}{name}"]


def xml_text_ok(text: str) -> bool:
    """Whether XML 1.0 can carry the text as it is."""
    return _NOT_XML.search(text) is None


def not_xml_characters(text: str) -> list[tuple[int, str]]:
    """(index, character) of each character XML 1.0 cannot carry."""
    return [(m.start(), m.group()) for m in _NOT_XML.finditer(text)]


def indent(root: etree._Element, content: Iterable[str], step: str = "  ") -> None:
    """Indent structural elements one per line; elements named in `content` (mixed content:
    source, target, notes' text) are left exactly as they are, inside and out."""
    keep = frozenset(content)

    def walk(element: etree._Element, level: int) -> None:
        if local(element) in keep or len(element) == 0:
            return
        inner = "\n" + step * (level + 1)
        element.text = inner
        for child in element:
            walk(child, level + 1)
            child.tail = inner
        element[-1].tail = "\n" + step * level

    walk(root, 0)


def serialize(root: etree._Element) -> bytes:
    """The document as UTF-8 bytes with an XML declaration and a final line feed; the same
    tree always gives the same bytes."""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8") + b"\n"
