"""Markdown markup ↔ XLIFF/TMX inline codes.

A CAT tool shows inline codes as tags the translator moves but cannot edit, and it checks
that the target keeps them. So the markup of a text — `**` and `*`/`_` around emphasis, the
`[` and `](target)` of a link, a whole `<https://…>` autolink — becomes codes holding the
original characters, and the words between stay text. The link target sits inside a code:
the translator can move the link but not change where it goes.

Which characters are markup is decided by the same Markdown parser the checks use
(`markup.parser`), and the codes are then found at their exact place in the text, so that
joining the pieces gives back the text byte for byte. A text the parser reads in a way the
pieces cannot follow (escapes such as `\\*`, entities, raw HTML, images, reference links) is
exported as plain text: nothing is lost, the markup is only unprotected, and the checks on
import still judge it.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from markdown_it.helpers import parseLinkDestination, parseLinkTitle
from markdown_it.token import Token

from pipeline.content.markup import parser
from pipeline.core.text import HTML_ENTITY

Kind = Literal["open", "close", "alone"]
_ROLES = {"em_open": "em", "strong_open": "strong", "link_open": "link"}
_CLOSERS = {"em_close": "em", "strong_close": "strong", "link_close": "link"}
_BREAK = re.compile(r"[ \t]*\\?\n[ \t]*")
_SPACE = " \t\n"


@dataclass(frozen=True)
class Code:
    """One piece of markup: the opening or closing half of a pair, or a code on its own.
    `id` is shared by the two halves of a pair; `markup` is the original characters."""

    kind: Kind
    id: str
    markup: str
    role: str  # "em", "strong", "link", "autolink"


Piece = str | Code


class _Mismatch(Exception):
    """The parser's reading of the text cannot be placed on its characters."""


def text_of(pieces: Sequence[Piece]) -> str:
    """The text the pieces stand for: text as it is, codes as their markup."""
    return "".join(p if isinstance(p, str) else p.markup for p in pieces)


def markup_length(pieces: Sequence[Piece]) -> int:
    """How many characters of the text are markup (inside codes)."""
    return sum(len(p.markup) for p in pieces if isinstance(p, Code))


def codes(pieces: Sequence[Piece]) -> list[Code]:
    return [p for p in pieces if isinstance(p, Code)]


def split(text: str, markup: bool = True) -> list[Piece]:
    """The text as pieces; plain text (one piece) when the field holds no markup or the
    markup cannot be placed exactly. `text_of(split(t)) == t` always."""
    if not markup or not any(c in text for c in "*_[<"):
        return [text] if text else []
    try:
        pieces = _Aligner(text).run()
    except _Mismatch:
        return [text]
    if text_of(pieces) != text:  # cannot happen; the pieces are slices of the text
        return [text]
    return pieces


class _Aligner:
    """Walk the parser's inline tokens and the text together, cutting the text into text
    and codes where the tokens say markup is."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.pieces: list[Piece] = []
        self.open: list[Code] = []
        self.next_id = 1

    def run(self) -> list[Piece]:
        tokens = parser().parseInline(self.text)
        children = tokens[0].children if tokens and tokens[0].children else []
        self._walk(iter(children))
        if self.pos != len(self.text) or self.open:
            raise _Mismatch()
        return _merged(self.pieces)

    def _walk(self, tokens: Iterator[Token]) -> None:
        for token in tokens:
            kind = token.type
            if kind == "text":
                self._text(token.content)
            elif kind in ("softbreak", "hardbreak"):
                found = _BREAK.match(self.text, self.pos)
                if found is None:
                    raise _Mismatch()
                self._take_text(found.end())
            elif kind == "link_open" and token.markup == "autolink":
                self._autolink(tokens)
            elif kind in _ROLES:
                self._open(_ROLES[kind], "[" if kind == "link_open" else token.markup)
            elif kind in _CLOSERS:
                role = _CLOSERS[kind]
                self._close(role, self._link_end() if role == "link" else token.markup)
            else:  # raw HTML, images, code spans…: left to the checks, as plain text
                raise _Mismatch()

    def _text(self, content: str) -> None:
        """Consume the characters that produce `content`: as written, or as a backslash
        escape or an entity the parser decoded."""
        start = self.pos
        i = 0
        while i < len(content):
            char = content[i]
            # The parser decodes every escape and entity, so they are tried first.
            if (self.text.startswith("\\", self.pos) and self.text.startswith(char, self.pos + 1)
                    and char.isascii() and not char.isalnum() and not char.isspace()):
                self.pos += 2
                i += 1
                continue
            entity = HTML_ENTITY.match(self.text, self.pos)
            decoded = html.unescape(entity.group()) if entity else ""
            if entity and decoded != entity.group() and content.startswith(decoded, i):
                self.pos = entity.end()
                i += len(decoded)
                continue
            if self.text.startswith(char, self.pos):
                self.pos += 1
                i += 1
                continue
            raise _Mismatch()
        self.pos, end = start, self.pos
        self._take_text(end)

    def _take_text(self, end: int) -> None:
        if end > self.pos:
            self.pieces.append(self.text[self.pos:end])
        self.pos = end

    def _expect(self, markup: str) -> None:
        if not markup or not self.text.startswith(markup, self.pos):
            raise _Mismatch()

    def _open(self, role: str, markup: str) -> None:
        self._expect(markup)
        code = Code("open", str(self.next_id), markup, role)
        self.next_id += 1
        self.open.append(code)
        self.pieces.append(code)
        self.pos += len(markup)

    def _close(self, role: str, markup: str) -> None:
        self._expect(markup)
        if not self.open or self.open[-1].role != role:
            raise _Mismatch()
        opened = self.open.pop()
        self.pieces.append(Code("close", opened.id, markup, role))
        self.pos += len(markup)

    def _link_end(self) -> str:
        """The characters that close an inline link: `](destination "title")`."""
        text, pos = self.text, self.pos
        if not text.startswith("](", pos):
            raise _Mismatch()
        pos += 2
        while pos < len(text) and text[pos] in _SPACE:
            pos += 1
        if pos < len(text) and text[pos] != ")":
            found = parseLinkDestination(text, pos, len(text))
            if not found.ok:
                raise _Mismatch()
            pos = found.pos
            start = pos
            while pos < len(text) and text[pos] in _SPACE:
                pos += 1
            if pos < len(text) and start != pos and text[pos] in "\"'(":
                title = parseLinkTitle(text, pos, len(text))
                if title.ok:
                    pos = title.pos
                    while pos < len(text) and text[pos] in _SPACE:
                        pos += 1
        if pos >= len(text) or text[pos] != ")":
            raise _Mismatch()
        return text[self.pos:pos + 1]

    def _autolink(self, tokens: Iterator[Token]) -> None:
        """`<https://…>` as one code: its address cannot be edited."""
        end = self.text.find(">", self.pos)
        if not self.text.startswith("<", self.pos) or end < 0:
            raise _Mismatch()
        for token in tokens:  # the address's text token, then the closing one
            if token.type == "link_close":
                break
        self.pieces.append(Code("alone", str(self.next_id), self.text[self.pos:end + 1],
                                "autolink"))
        self.next_id += 1
        self.pos = end + 1


def _merged(pieces: list[Piece]) -> list[Piece]:
    """Adjacent text pieces joined into one."""
    merged: list[Piece] = []
    for piece in pieces:
        if isinstance(piece, str) and merged and isinstance(merged[-1], str):
            merged[-1] += piece
        elif piece != "":
            merged.append(piece)
    return merged


def aligned(source: Sequence[Piece], target: Sequence[Piece]) -> list[Piece] | None:
    """The target's codes renumbered as the source's: the n-th pair (or lone code) with the
    same markup in the target is the n-th in the source. None when the target has a code
    the source lacks, so it cannot be written with the source's codes."""
    pairs: dict[tuple[str, str, str], list[str]] = {}
    for key, ident in _signatures(source):
        pairs.setdefault(key, []).append(ident)
    seen: Counter[tuple[str, str, str]] = Counter()
    renamed: dict[str, str] = {}
    for key, ident in _signatures(target):
        candidates = pairs.get(key, [])
        if seen[key] >= len(candidates):
            return None
        renamed[ident] = candidates[seen[key]]
        seen[key] += 1
    return [p if isinstance(p, str) else replace(p, id=renamed[p.id]) for p in target]


def _signatures(pieces: Sequence[Piece]) -> Iterator[tuple[tuple[str, str, str], str]]:
    """Each pair or lone code as (role, opening markup, closing markup) and its id."""
    closing = {p.id: p.markup for p in pieces if isinstance(p, Code) and p.kind == "close"}
    for piece in pieces:
        if isinstance(piece, Code) and piece.kind != "close":
            yield (piece.role, piece.markup, closing.get(piece.id, "")), piece.id


class CodeProblem(ValueError):
    """A target's codes cannot be turned back into the source's markup."""


def resolve(source: Sequence[Piece], target: Sequence[Piece | tuple[Kind, str]]) -> str:
    """The target's text, each code reference (kind, id) replaced by the markup the source's
    code with that id holds: a target can move, drop or keep codes, never change what they
    hold. CodeProblem for a code the source lacks, a half used twice, or a pair closed
    before it opens or left open."""
    known = {(p.kind, p.id): p for p in source if isinstance(p, Code)}
    used: set[tuple[str, str]] = set()
    opened: set[str] = set()
    parts: list[str] = []
    for piece in target:
        if isinstance(piece, str):
            parts.append(piece)
            continue
        if isinstance(piece, Code):
            piece = (piece.kind, piece.id)
        kind, ident = piece
        code = known.get((kind, ident))
        if code is None:
            raise CodeProblem(f"code {ident!r} ({kind}) is not in the source")
        if (kind, ident) in used:
            raise CodeProblem(f"code {ident!r} ({kind}) appears more than once")
        used.add((kind, ident))
        if kind == "open":
            opened.add(ident)
        elif kind == "close" and ident not in opened:
            raise CodeProblem(f"code {ident!r} is closed before it is opened")
        parts.append(code.markup)
    unclosed = sorted(i for i in opened if ("close", i) not in used)
    if unclosed:
        raise CodeProblem(f"code {unclosed[0]!r} is opened but never closed")
    return "".join(parts)
