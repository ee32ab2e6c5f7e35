"""Reading and writing .po/.pot files: strict on input, atomic and deterministic on output.

polib does the parsing and formatting; a line-level syntax pass first catches what polib
would silently accept (an unterminated string, say), so a translator gets `file:line`.
Catalogs come from outside the team, so reading also bounds what it accepts: a size limit,
no plural entries (no text of the content is plural), a sane Plural-Forms header.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import polib

from pipeline.core.diagnostics import Diagnostic, diag
from pipeline.core.files import FileTooLarge, digest, read_regular
from pipeline.core.text import printable
from pipeline.gettext.powriter import DEFAULT_WIDTH, render_po, width_of

# Ten times a source file's default limit: far above any real catalog, parsed in about a second.
MAX_CATALOG_BYTES = 10_000_000
MAX_HEADER_NAME = 100
# Possessive: a string has one parse, so nothing is given back; backtracking into a group
# repeated once per character would keep a frame per character (a 10 MB line took 1.2 GB).
_STRING = r'"(?:[^"\\]++|\\.)*+"'
_KEYWORD_LINE = re.compile(rf"^(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+{_STRING}\s*$")
_CONTINUATION = re.compile(rf"^{_STRING}\s*$")
_KEYWORD_START = re.compile(r"^(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\b")
_PLURAL_KEYWORD = re.compile(r"^(?:msgid_plural|msgstr\[)")
_OBSOLETE = re.compile(r"^#~\s?")
_PREVIOUS = re.compile(r"^#~?\|\s?")
_PREVIOUS_LINE = re.compile(rf"^(?:msgctxt|msgid)\s+{_STRING}\s*$")
_OBSOLETE_PREVIOUS = re.compile(r"^([^\S\n]*)#~\|", re.MULTILINE)
_CHARSET = re.compile(r"charset=([\w.:-]+)", re.IGNORECASE)
# gettext's rule language, at most six forms (CLDR's maximum), and xgettext's placeholder.
# Possessive throughout: the expression's characters include white space, and letting the
# white space around it be shared out in every way took hours on a long header.
_PLURAL_FORMS = re.compile(r"^\s*+nplurals\s*+=\s*+[1-6]\s*+;\s*+plural\s*+=\s*+"
                           r"[n0-9\s()?:<>=!&|%+*/-]{1,400}+;?+\s*+$")
_PLURAL_PLACEHOLDER = "nplurals=INTEGER; plural=EXPRESSION;"
# In a compiled catalog NUL separates plural forms and EOT context from msgid.
_SEPARATOR_CHARS = frozenset("\x00\x04")
# The escapes GNU gettext reads in a string (po-lex.c): C's simple ones, one to three octal
# digits, and `\x` with every hex digit after it; a number is one byte, its low eight bits.
_ESCAPE = re.compile(r"\\(?:([0-7]{1,3})|x([0-9A-Fa-f]+)|(.))")
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "b": "\b", "r": "\r", "f": "\f", "v": "\v",
                   "a": "\a", "\\": "\\", '"': '"'}
# What polib decodes itself: a string using only these needs no rewriting before polib.
_POLIB_DECODES = frozenset('ntrvbf"\\')


class PoReadError(Exception):
    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.format())
        self.diagnostic = diagnostic


@dataclass(frozen=True, order=True)
class EntryKey:
    context: str | None
    msgid: str


def key_of(entry: polib.POEntry) -> EntryKey:
    return EntryKey(entry.msgctxt, entry.msgid)


def locales_root(path: Path) -> Path | None:
    """The locales folder a catalog belongs to by the gettext layout the project uses
    (`<locales>/<locale>/LC_MESSAGES/<doc>.po`, `<locales>/templates/<doc>.pot`), if any."""
    if path.parent.name == "LC_MESSAGES":
        return path.parent.parent.parent
    if path.suffix == ".pot" and path.parent.name == "templates":
        return path.parent.parent
    return None


def read_catalog(path: Path, display: str | None = None, *, root: Path | None = None,
                 max_bytes: int = MAX_CATALOG_BYTES, expect: str | None = None) -> polib.POFile:
    """Parse a catalog or raise PoReadError with the first problem's line. The catalog's
    `digest` attribute is the sha256 of the bytes parsed; with `expect`, bytes with another
    digest are refused (E413): a run that checked one version of a catalog never exports
    another.

    A catalog (or a folder above it) that links outside `root` — by default the locales
    folder it sits in — is refused: a link must not pull in files from elsewhere."""
    shown = display or str(path)
    raw = read_catalog_bytes(path, shown, root=root, max_bytes=max_bytes)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PoReadError(diag(shown, line, 0, "E402",
                               f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); catalogs are UTF-8"))
    return _snapshot(parse_catalog(text, shown), raw, shown, expect)


def read_catalog_bytes(path: Path, shown: str, *, root: Path | None = None,
                       max_bytes: int = MAX_CATALOG_BYTES) -> bytes:
    """A catalog's bytes, or PoReadError: a link outside `root` (E011), too large (E007),
    not a regular file or not readable (E013)."""
    root = root or locales_root(path)
    try:
        if root is not None:
            target = path.resolve()
            if not target.is_relative_to(root.resolve()):
                raise PoReadError(diag(shown, 0, 0, "E011", f"links outside {root.name}/, to "
                                                            f"{str(target)!r}; refused"))
        return read_regular(path, max_bytes)
    except FileTooLarge as exc:
        raise PoReadError(diag(shown, 0, 0, "E007", f"catalog is {exc.size:,} bytes; the "
                                                    f"limit is {max_bytes:,}")) from None
    except (OSError, RuntimeError) as exc:  # RuntimeError: a link loop (Python < 3.13)
        # Not a regular file (a named pipe would block the run), permission denied, I/O.
        reason = getattr(exc, "strerror", None) or exc
        raise PoReadError(diag(shown, 0, 0, "E013",
                               printable(f"cannot read the catalog: {reason}"))) from None


def _snapshot(catalog: polib.POFile, raw: bytes, shown: str, expect: str | None
              ) -> polib.POFile:
    """Tag a parsed catalog with the digest of its bytes; refuse bytes other than expected."""
    found = digest(raw)
    if expect is not None and found != expect:
        raise PoReadError(diag(shown, 0, 0, "E413", "the catalog changed while this run was "
                                                    "reading it; run the command again"))
    catalog.digest = found
    return catalog


def digest_of(catalog: polib.POFile) -> str | None:
    """The sha256 of the bytes a catalog was parsed from (`read_catalog`), if it was read."""
    found = getattr(catalog, "digest", None)
    return found if isinstance(found, str) else None


# Header fields a translator's tool rewrites on every save (Poedit, Weblate, Lokalize,
# msgmerge): never a change in what a catalog says.
TOOL_FIELDS = frozenset({"Last-Translator", "Language-Team", "PO-Revision-Date", "X-Generator"})

Meaning = tuple[str, tuple[tuple[str, str], ...], tuple[tuple[object, ...], ...]]


def meaning(catalog: polib.POFile, *, ignore: frozenset[str] = frozenset()) -> Meaning:
    """What a catalog says, apart from how it is laid out: its header comment and fields
    (but those a translator's tool manages, and `ignore`), and its entries in any order,
    each with its state, previous English, comments (their words), references and flags.
    Two catalogs with the same meaning are the same catalog to `update`, `check` and every
    reader: line wrapping, entry order, a BOM or CRLF line ends are a tool's layout."""
    skipped = TOOL_FIELDS | ignore
    fields = tuple(sorted((name, value) for name, value in catalog.metadata.items()
                          if name not in skipped))
    entries = tuple(sorted(
        (bool(entry.obsolete), entry.msgctxt or "", entry.msgctxt is not None, entry.msgid,
         entry.msgstr, tuple(entry.flags), entry.previous_msgctxt or "",
         entry.previous_msgid or "", _words(entry.tcomment), _words(entry.comment),
         tuple((name, line or "") for name, line in entry.occurrences))
        for entry in catalog))
    return _words(catalog.header), fields, entries


def _words(comment: str | None) -> str:
    """A comment as its words: some writers wrap long comment lines and others do not."""
    return " ".join((comment or "").split())


def _unmarked(stripped: str) -> str:
    """A stripped line as polib reads it: without the `#~` of an obsolete entry or the `#|`
    of a previous string."""
    if stripped[:2] in ("#~", "#|") and stripped[2:3].isspace():
        return stripped[2:].strip()
    return stripped


_OPENERS = frozenset(("msgctxt", "msgid", "msgstr"))


def _strings_joined(lines: Iterable[str]) -> Iterator[str]:
    """The lines with each string's continuation lines joined onto the keyword line that
    opens it, and left empty, so every line keeps its number. polib adds each continuation
    line to the string read so far, copying it every time: a translation written as two
    million short lines took minutes to read. Only called on text `_syntax_problem`
    accepted: every string line then ends with its closing quote."""
    opener: str | None = None
    parts: list[str] = []
    for line in lines:
        body = _unmarked(line.strip())
        if opener is not None and body.startswith('"'):
            parts.append(body[1:-1])
            continue
        if opener is not None:
            yield opener.strip()[:-1] + "".join(parts) + '"' if parts else opener
            yield from itertools.repeat("", len(parts))
        words = body.split(None, 1)
        if len(words) == 2 and words[0] in _OPENERS and words[1].startswith('"'):
            opener, parts = line, []
        else:
            opener = None
            yield line
    if opener is not None:
        yield opener.strip()[:-1] + "".join(parts) + '"' if parts else opener
        yield from itertools.repeat("", len(parts))


def _iter_lines(text: str) -> Iterator[str]:
    """`text.split("\n")`, one line at a time: as a list, the lines of a catalog of ten
    million short lines take hundreds of megabytes."""
    start = 0
    while (end := text.find("\n", start)) >= 0:
        yield text[start:end]
        start = end + 1
    yield text[start:]


class _Lines:
    """What polib reads a catalog from: its lines, split at line feeds only, made as polib
    asks for them. Given text, polib splits it with `str.splitlines`, which also breaks at
    U+2028, U+0085, U+001C… inside a translation and silently drops text; and it first
    tries the text as a file name. Lines avoid both."""

    def __init__(self, lines: Iterator[str]) -> None:
        self._lines = lines

    def splitlines(self) -> Iterator[str]:
        return self._lines


def parse_catalog(text: str, display: str) -> polib.POFile:
    """Parse catalog text or raise PoReadError for its first problem: a syntax error, a
    plural entry, a NUL or EOT, a charset other than UTF-8, an unusable Plural-Forms, a
    repeated entry or header."""
    if text.startswith("\ufeff"):
        text = text[1:]
    source_text = text
    problem = _syntax_problem(text)
    if problem:
        line, column, code, message = problem
        raise PoReadError(diag(display, line, column, code, message))
    text = _gnu_escapes_decoded(text)
    # polib skips the previous msgid of an obsolete entry (`#~|`); as `#|` it is kept.
    text = _OBSOLETE_PREVIOUS.sub(r"\1#|", text)
    try:
        catalog = polib.pofile(_Lines(_strings_joined(_iter_lines(text))),
                               wrapwidth=DEFAULT_WIDTH, encoding="utf-8")
    except (OSError, ValueError) as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise PoReadError(diag(display, int(match.group(1)) if match else 0, 0, "E401",
                               "syntax error: " + re.sub(r" in po file .*", "", str(exc))))
    for name in catalog.metadata:
        if len(name) > MAX_HEADER_NAME:
            raise PoReadError(diag(display, 1, 0, "E401", f"header field name {name[:40]!r}… is "
                                                          f"longer than {MAX_HEADER_NAME} characters"))
    charset = _CHARSET.search(catalog.metadata.get("Content-Type", ""))
    if charset is None or charset.group(1).lower().replace("-", "") != "utf8":
        found = charset.group(1) if charset else "none"
        raise PoReadError(diag(display, 1, 0, "E402",
                               f"Content-Type charset is {found!r}; use 'charset=UTF-8'"))
    plural_forms = catalog.metadata.get("Plural-Forms", "").strip()
    if plural_forms and plural_forms != _PLURAL_PLACEHOLDER and not _PLURAL_FORMS.match(
            plural_forms):
        raise PoReadError(diag(display, 1, 0, "E405",
                               f"Plural-Forms {plural_forms[:80]!r} is not a gettext plural rule "
                               "with 1 to 6 forms"))
    # Like msgfmt and msgmerge: an obsolete `#~` entry duplicates a live one with its msgid.
    seen: dict[EntryKey, int] = {}
    for entry in catalog:
        ident = key_of(entry)
        if not entry.msgid:  # polib took the first one as the header; any other is a second
            raise PoReadError(diag(display, entry.linenum, 0, "E403",
                                   'msgid "" is the header\'s; it appears again here'))
        if ident in seen:
            raise PoReadError(diag(display, entry.linenum, 0, "E403",
                                   f"msgid {entry.msgid[:50]!r} already appears at line "
                                   f"{seen[ident]}"))
        seen[ident] = entry.linenum
    _mark_translation_lines(catalog, text)
    catalog.source_text = source_text  # for `own_width`, when the catalog is written again
    return catalog


_MSGSTR_LINE = re.compile(r"^[ \t]*(?:#~[ \t]*)?msgstr\b", re.MULTILINE)


def _mark_translation_lines(catalog: polib.POFile, text: str) -> None:
    """Give each entry the line of its `msgstr` (`translation_line`): what a translator
    edits, so diagnostics and pull-request annotations point there, not at the first
    comment line where polib's `linenum` starts the entry."""
    starts: list[int] = []
    line, position = 1, 0
    for match in _MSGSTR_LINE.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        starts.append(line)
    for entry in catalog:
        index = bisect.bisect_left(starts, entry.linenum)
        entry.translation_line = starts[index] if index < len(starts) else entry.linenum


def translation_line(entry: polib.POEntry) -> int:
    """The line of an entry's `msgstr` in the file it was read from (its start if unknown)."""
    found = getattr(entry, "translation_line", None)
    return found if isinstance(found, int) else int(entry.linenum)


def _syntax_problem(text: str) -> tuple[int, int, str, str] | None:
    """The first line that is not valid PO syntax, or holds an escape GNU gettext refuses
    or whose bytes are not UTF-8, as (line, column, code, message)."""
    previous_kind = ""
    for number, line in enumerate(_iter_lines(text), start=1):
        if separators := _SEPARATOR_CHARS.intersection(line):
            return number, 0, "E401", (f"character U+{ord(min(separators)):04X} is not allowed "
                                       "in a catalog: it separates the parts of a compiled "
                                       "message (GNU msgfmt refuses it)")
        stripped = line.strip()
        if not stripped:
            previous_kind = ""
            continue
        if _PREVIOUS.match(stripped):
            body = _PREVIOUS.sub("", stripped, count=1)
            if _PREVIOUS_LINE.match(body):
                previous_kind = "previous"
            elif not (_CONTINUATION.match(body) and previous_kind == "previous"):
                return number, 0, "E401", f"malformed previous-string comment {stripped[:40]!r}"
        else:
            body = _OBSOLETE.sub("", stripped) if stripped.startswith("#~") else stripped
            if body.startswith("#") or not body:
                continue
            if _PLURAL_KEYWORD.match(body):
                return number, 0, "E401", ("plural entries (msgid_plural, msgstr[N]) are not "
                                           "used: no text of the content has plural forms")
            if _KEYWORD_LINE.match(body):
                previous_kind = "keyword"
            elif not (_CONTINUATION.match(body) and previous_kind == "keyword"):
                if _KEYWORD_START.match(body) or body.startswith('"'):
                    return number, 0, "E401", "unterminated or malformed string"
                return number, 0, "E401", f"syntax error: unexpected {body[:40]!r}"
        # A line holding a string: its escapes must be ones GNU gettext reads.
        if "\\" in line and (bad := _escape_problem(line)):
            return number, *bad
    return None


class _EscapeError(ValueError):
    """An escape GNU gettext refuses, or one whose byte a UTF-8 catalog cannot hold."""

    def __init__(self, offset: int, code: str, message: str) -> None:
        super().__init__(message)
        self.offset, self.code, self.message = offset, code, message


def _string_of(line: str) -> tuple[int, str]:
    """(offset, text between the quotes) of the string on a line that holds one: a keyword
    never holds a quote and only white space follows the closing one."""
    start = line.index('"') + 1
    return start, line[start:line.rindex('"')]


def _unescape(body: str) -> str:
    """A string's text as GNU gettext reads it, escapes decoded (polib knows only some), or
    _EscapeError. Escaped numbers are bytes, so `\\303\\251` is one character, 'é'."""
    data = bytearray()
    made_by: dict[int, int] = {}  # byte offset → offset of the escape that wrote it
    done = 0
    for match in _ESCAPE.finditer(body):
        data += body[done:match.start()].encode("utf-8")
        done = match.end()
        octal, hexa, other = match.groups()
        if other is not None:
            if other not in _SIMPLE_ESCAPES:
                raise _EscapeError(match.start(), "E401", _invalid_escape(body, match.start()))
            data += _SIMPLE_ESCAPES[other].encode("utf-8")
            continue
        value = int(octal, 8) & 0xFF if octal is not None else int(hexa[-2:], 16)
        if chr(value) in _SEPARATOR_CHARS:
            raise _EscapeError(match.start(), "E401", (
                f"escape '{match.group()[:12]}' makes character U+{value:04X}, which is not "
                "allowed in a catalog: it separates the parts of a compiled message"))
        made_by[len(data)] = match.start()
        data.append(value)
    data += body[done:].encode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # Text between escapes is whole UTF-8, so a bad sequence starts with an escaped byte.
        offset = made_by.get(exc.start, 0)
        shown = _ESCAPE.match(body, offset)
        raise _EscapeError(offset, "E402", (
            f"escape '{shown.group()[:12] if shown else ''}' makes byte 0x{data[exc.start]:02X}, "
            "which is not UTF-8 here; catalogs are UTF-8: write the character itself")) from None


def _invalid_escape(body: str, offset: int) -> str:
    escape = printable(body[offset:offset + 2])  # the character after it may be hidden
    detail = " with no hex digit after it" if escape == "\\x" else ""
    return (f"invalid escape '{escape}'{detail} (GNU msgfmt refuses it): a backslash itself is "
            "written '\\\\'; escapes are \\n \\t \\r \\\" \\\\ \\a \\b \\f \\v, octal bytes (\\101) "
            "and hex bytes (\\x41)")


def _escape_problem(line: str) -> tuple[int, str, str] | None:
    """(column, code, message) of the first escape on a string line that GNU gettext refuses
    or that a UTF-8 catalog cannot hold."""
    start, body = _string_of(line)
    try:
        _unescape(body)
    except _EscapeError as exc:
        return start + exc.offset + 1, exc.code, exc.message
    return None


def _gnu_escapes_decoded(text: str) -> str:
    """The catalog text with each string that uses an escape polib does not decode (octal,
    hex, `\\a`) rewritten with the escapes polib does, so polib reads what GNU gettext reads.
    Only called on text `_syntax_problem` accepted, so every escape here decodes."""
    lines = text.split("\n")
    for number, line in enumerate(lines):
        if "\\" not in line:
            continue
        stripped = line.strip()
        body = _PREVIOUS.sub("", stripped, count=1) if _PREVIOUS.match(stripped) else (
            _OBSOLETE.sub("", stripped) if stripped.startswith("#~") else stripped)
        if body.startswith("#") or '"' not in body:
            continue  # a comment: not a string, and never decoded
        start, inner = _string_of(line)
        if any(m.group(3) not in _POLIB_DECODES for m in _ESCAPE.finditer(inner)):
            end = start + len(inner)
            lines[number] = line[:start] + polib.escape(_unescape(inner)) + line[end:]
    return "\n".join(lines)


def render_catalog(catalog: polib.POFile, *, like: polib.POFile | None = None) -> str:
    """The catalog's text as GNU `msgcat` writes it (`powriter`), wrapped at the width the
    text of `like` (by default the catalog itself) was written with: a catalog a translator's
    tool re-wrapped keeps that wrapping, and one made in memory gets GNU's default."""
    return render_po(catalog, width=own_width(like if like is not None else catalog))


def own_width(catalog: polib.POFile) -> int | None:
    """The page width of the text a catalog was parsed from (`powriter.width_of`; None for
    no wrapping), or GNU's default for a catalog that was never text. Told only when a
    catalog is written, which is rare: most runs read catalogs and write none."""
    text = getattr(catalog, "source_text", None)
    return width_of(text) if isinstance(text, str) else DEFAULT_WIDTH


def entry_status(entry: polib.POEntry) -> str:
    """The one definition of an entry's state, used by stats, check and export alike:
    translated means non-empty, not fuzzy and not obsolete."""
    if entry.obsolete:
        return "obsolete"
    if "fuzzy" in entry.flags:
        return "fuzzy"
    if not entry.msgstr.strip():
        return "untranslated"
    return "translated"


def is_translated(entry: polib.POEntry) -> bool:
    return entry_status(entry) == "translated"
