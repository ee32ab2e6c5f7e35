"""Catalog text read into polib's objects in one pass, held to GNU gettext's syntax.

polib's own reader accepts what GNU gettext refuses (an unterminated string, an escape
msgfmt rejects), decodes only some escapes, splits lines where a translation may hold a
line separator, and copies a string once per continuation line. Checking the syntax first
and then handing polib text it can read meant reading every catalog three times; this
reader checks each line as it builds the entry, and gives the same `POFile` and `POEntry`
objects polib gives (`tests/test_poreader.py` holds it to polib on catalogs polib reads
right), so everything downstream keeps polib's API.
"""

from __future__ import annotations

import re

import polib

from pipeline.core.text import printable

# Possessive: a string has one parse, so nothing is given back; backtracking into a group
# repeated once per character would keep a frame per character (a 10 MB line took 1.2 GB).
_STRING = r'"(?:[^"\\]++|\\.)*+"'
_KEYWORD_LINE = re.compile(
    rf"(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d++)\])?)\s+({_STRING})\s*")
_CONTINUATION = re.compile(rf"({_STRING})\s*")
# A run of continuation lines with no escape, no separator and nothing around the string but
# spaces and tabs: most of a long translation, read as one block (a string written as a
# million short lines is read in one match rather than a million dispatches).
_PLAIN_RUN = re.compile(r'(?:[ \t]*+"[^"\\\n\x00\x04]*+"[ \t]*+\n)++')
_KEYWORD_START = re.compile(r"(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\b")
_PREVIOUS_MARK = re.compile(r"#~?\|\s?")
_PREVIOUS_LINE = re.compile(rf"(msgctxt|msgid_plural|msgid)\s+({_STRING})\s*")
# In a compiled catalog NUL separates plural forms and EOT context from msgid.
SEPARATOR_CHARS = frozenset("\x00\x04")
# The escapes GNU gettext reads in a string (po-lex.c): C's simple ones, one to three octal
# digits, and `\x` with every hex digit after it; a number is one byte, its low eight bits.
_ESCAPE = re.compile(r"\\(?:([0-7]{1,3})|x([0-9A-Fa-f]+)|(.))")
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "b": "\b", "r": "\r", "f": "\f", "v": "\v",
                   "a": "\a", "\\": "\\", '"': '"'}

# polib's states: what the last line read was. Which states each kind of line may follow
# (polib's transitions); a line that may not follow the state is a syntax error. A plural
# entry is held to GNU's order, stricter than polib's: msgid, msgid_plural, then msgstr[0],
# msgstr[1]… with nothing between them.
_ANY = frozenset({"st", "he", "gc", "oc", "fl", "ct", "pc", "pm", "pp", "tc", "ms", "mi", "mp",
                  "mx"})
_FOLLOWS = {
    "ct": frozenset({"st", "he", "gc", "oc", "fl", "tc", "pc", "pm", "pp", "ms", "mx"}),
    "mi": frozenset({"st", "he", "gc", "oc", "fl", "ct", "tc", "pc", "pm", "pp", "ms", "mx"}),
    "ms": frozenset({"mi", "tc"}),
    "mp": frozenset({"mi"}),
    "mx": frozenset({"mp", "mx"}),
    "tc": frozenset({"gc", "oc", "fl", "tc", "pc", "pm", "pp", "ms", "mi", "mx"}),
}
_NAMES = {"st": "the start", "he": "the header comment", "gc": "a comment", "oc": "a reference",
          "fl": "a flags line", "ct": "msgctxt", "pc": "a previous msgctxt",
          "pm": "a previous msgid", "pp": "a previous msgid_plural", "tc": "a comment",
          "ms": "msgstr", "mi": "msgid", "mp": "msgid_plural", "mx": "msgstr[N]",
          "mc": "a continued string"}
# The entry states a line after which starts the next entry.
_ENDS = frozenset({"ms", "mx"})


class SyntaxProblem(ValueError):
    """The first line of a catalog that GNU gettext would not read as this one is read."""

    def __init__(self, line: int, column: int, code: str, message: str) -> None:
        super().__init__(message)
        self.line, self.column, self.code, self.message = line, column, code, message


class _EscapeError(ValueError):
    """An escape GNU gettext refuses, or one whose byte a UTF-8 catalog cannot hold."""

    def __init__(self, offset: int, code: str, message: str) -> None:
        super().__init__(message)
        self.offset, self.code, self.message = offset, code, message


def unescape(body: str) -> str:
    """A string's text as GNU gettext reads it, escapes decoded (polib knows only some), or
    _EscapeError. Escaped numbers are bytes, so `\\303\\251` is one character, 'é'."""
    if "\\" not in body:
        return body
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
        if chr(value) in SEPARATOR_CHARS:
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


class _Reader:
    """polib's state machine, fed one checked line at a time. A string being read (`open`,
    the entry's field it goes to) gathers its continuation lines in `parts`, joined once it
    ends: adding each line to the string read so far would copy it every time (a
    translation written as two million short lines would take hours)."""

    def __init__(self, wrapwidth: int) -> None:
        self.catalog = polib.POFile(encoding="utf-8", wrapwidth=wrapwidth)
        self.entry = polib.POEntry(linenum=0)
        self.state = "st"
        self.number = 0
        self.obsolete = 0
        self.open: str | None = None
        self.previous = False  # whether the open string is a previous one (`#| "…"` lines)
        self.form = 0  # which plural form the open string is, when it is `msgstr_plural`
        self.parts: list[str] = []

    def fail(self, message: str, column: int = 0, code: str = "E401") -> SyntaxProblem:
        return SyntaxProblem(self.number, column, code, message)

    def move(self, symbol: str, allowed: frozenset[str] = _ANY) -> None:
        """Enter the state of a line of kind `symbol`; a line after a msgstr starts the next
        entry (at this line)."""
        if self.state not in allowed:
            raise self.fail(f"syntax error: {_NAMES[symbol]} cannot follow "
                            f"{_NAMES[self.state]}")
        if self.state in _ENDS and symbol != self.state:
            self.catalog.append(self.entry)
            self.entry = polib.POEntry(linenum=self.number)
        self.state = symbol

    def begin(self, field: str, value: str, *, previous: bool = False) -> None:
        self.open, self.previous, self.parts = field, previous, [value]

    def close(self) -> None:
        if self.open is not None:
            if self.open == "msgstr_plural":
                self.entry.msgstr_plural[self.form] = "".join(self.parts)
            else:
                setattr(self.entry, self.open, "".join(self.parts))
            self.open = None

    def string(self, line: str, match: re.Match[str], group: int) -> str:
        """The decoded string a match found on a line (column of a bad escape in `line`)."""
        quoted = match.group(group)
        try:
            return unescape(quoted[1:-1])
        except _EscapeError as exc:
            start = line.index(quoted) + 1
            raise self.fail(exc.message, start + exc.offset + 1, exc.code) from None

    def continued(self, raw: str, line: str) -> None:
        """A `"…"` line: the next part of the open msgctxt, msgid or msgstr."""
        found = _CONTINUATION.fullmatch(line)
        if found is None or self.open is None or self.previous:
            raise self.fail("unterminated or malformed string")
        self.parts.append(self.string(raw, found, 1))


def read_entries(text: str, wrapwidth: int) -> polib.POFile:
    """The catalog, or SyntaxProblem for its first line that is not PO syntax (a plural
    entry's forms out of order among it), holds NUL or EOT or an escape GNU gettext refuses
    or that makes bytes not UTF-8. Each entry also gets `translation_line`, the line of its
    msgstr (of msgstr[0] in a plural entry); a plural entry also gets `plural_line`, the
    line of its msgid_plural, and `form_lines`, those of its msgstr[N]. Plural entries are
    polib's: `msgid_plural`, and `msgstr_plural` from form index (an int) to text."""
    reader = _Reader(wrapwidth)
    separators = [text.find(ch) for ch in SEPARATOR_CHARS if ch in text]
    first_separator = text.count("\n", 0, min(separators)) + 1 if separators else 0
    last_hash = False  # whether the last line read was a comment (polib's ending rule)
    start = 0
    length = len(text)
    while start <= length:
        end = text.find("\n", start)
        if end < 0:
            end = length
        raw = text[start:end]
        start = end + 1
        reader.number += 1
        if reader.number == first_separator:
            separator = min(ch for ch in SEPARATOR_CHARS if ch in raw)
            raise reader.fail(f"character U+{ord(separator):04X} is not allowed in a catalog: it "
                              "separates the parts of a compiled message (GNU msgfmt refuses it)")
        line = raw.strip()
        if not line:
            reader.close()
            continue
        first = line[0]
        if first == '"':
            run = _PLAIN_RUN.match(text, start - len(raw) - 1) \
                if reader.open is not None and not reader.previous else None
            if run is None:
                reader.continued(raw, line)
            else:
                lines = run.group().split("\n")[:-1]
                reader.parts.extend(part.strip()[1:-1] for part in lines)
                reader.number += len(lines) - 1
                start = run.end()
            last_hash = False
        # The lines most of a catalog is made of, read without the general dispatch.
        elif first == "#" and line[1:2] in _QUICK_COMMENTS and line[2:3] in (" ", "\t"):
            reader.close()
            reader.obsolete = 0
            _QUICK_COMMENTS[line[1]](reader, line)
            last_hash = True
        elif first == "m" and (found := _KEYWORD_LINE.fullmatch(line)) is not None:
            reader.close()
            reader.obsolete = 0
            _keyword(reader, raw, found)
            last_hash = False
        else:
            last_hash = _read_line(reader, raw, line)
    reader.close()
    if reader.state == "mp":
        reader.number = reader.entry.plural_line
        raise reader.fail("msgid_plural has no msgstr[0] after it: a plural entry's "
                          "translations are msgstr[0], msgstr[1]…")
    if reader.state != "st" and not last_hash:
        reader.catalog.append(reader.entry)
    _header(reader.catalog)
    return reader.catalog


_FIELDS = {"msgid": ("mi", "msgid"), "msgstr": ("ms", "msgstr"), "msgctxt": ("ct", "msgctxt"),
           "msgid_plural": ("mp", "msgid_plural")}
_PREVIOUS_FIELDS = {"msgid": ("pm", "previous_msgid"), "msgctxt": ("pc", "previous_msgctxt"),
                    "msgid_plural": ("pp", "previous_msgid_plural")}


def _read_line(reader: _Reader, raw: str, line: str) -> bool:
    """Read one stripped line that is not blank and does not start with a quote; returns
    whether polib would take it as a comment if it ended the file."""
    reader.obsolete = 0
    if line.startswith("#~") and not line.startswith("#~|"):
        body = line[2:]
        if not body[:1].isspace():
            raise reader.fail(f"syntax error: unexpected {line[:40]!r}")
        reader.obsolete = 1
        line = body.strip()
        if line.startswith('"'):
            reader.continued(raw, line)
            return False
    if line[:2] in ("#|", "#~") and (mark := _PREVIOUS_MARK.match(line)) is not None:
        body = line[mark.end():]
        if (found := _PREVIOUS_LINE.fullmatch(body)) is not None:
            reader.close()
            value = reader.string(raw, found, 2)
            symbol, field = _PREVIOUS_FIELDS[found.group(1)]
            reader.move(symbol)
            reader.begin(field, value, previous=True)
            return True
        if reader.open is not None and reader.previous \
                and (found := _CONTINUATION.fullmatch(body)) is not None:
            reader.parts.append(reader.string(raw, found, 1))
            return True
        raise reader.fail(f"malformed previous-string comment {line[:40]!r}")
    reader.close()
    if line.startswith("#"):
        _comment(reader, line)
        return True
    if (found := _KEYWORD_LINE.fullmatch(line)) is not None:
        _keyword(reader, raw, found)
        return False
    if _KEYWORD_START.match(line):
        raise reader.fail("unterminated or malformed string")
    raise reader.fail(f"syntax error: unexpected {line[:40]!r}")


def _keyword(reader: _Reader, raw: str, found: re.Match[str]) -> None:
    """A msgctxt, msgid, msgid_plural, msgstr or msgstr[N] line (`found` by _KEYWORD_LINE)."""
    keyword, index = found.group(1), found.group(2)
    body = found.group(3)[1:-1]
    value = body if "\\" not in body else reader.string(raw, found, 3)
    if index is not None:
        _plural_form(reader, keyword, index, value)
        return
    symbol, field = _FIELDS[keyword]
    if symbol == "ms" and reader.state == "mp":
        raise reader.fail("a plural entry (one with msgid_plural) is translated by msgstr[0], "
                          "msgstr[1]…, not by msgstr")
    reader.move(symbol, _FOLLOWS[symbol])
    if symbol == "mi":
        reader.entry.obsolete = reader.obsolete
    elif symbol == "ms":
        reader.entry.translation_line = reader.number
    elif symbol == "mp":
        reader.entry.plural_line = reader.number
        reader.entry.form_lines = []
    reader.begin(field, value)


def _plural_form(reader: _Reader, keyword: str, index: str, value: str) -> None:
    """A `msgstr[N]` line: the next form of a plural entry, numbered from 0 in order."""
    if reader.state == "mi":
        raise reader.fail(f"{keyword[:20]} is for a plural entry, one with msgid_plural after "
                          "its msgid; this entry has none: write msgstr")
    reader.move("mx", _FOLLOWS["mx"])
    due = len(reader.entry.msgstr_plural)
    if index != str(due):
        shown = index if len(index) <= 12 else index[:12] + "…"
        raise reader.fail(f"msgstr[{shown}] where msgstr[{due}] is due: a plural entry's forms "
                          "are msgstr[0], msgstr[1]… in order, one each")
    if due == 0:
        reader.entry.translation_line = reader.number
    reader.entry.form_lines.append(reader.number)
    reader.begin("msgstr_plural", value)
    reader.form = due


def _references(reader: _Reader, line: str) -> None:
    """`#: file:line …`, as polib splits them."""
    reader.move("oc")
    occurrences = reader.entry.occurrences
    for occurrence in line[3:].split():
        name, colon, number = occurrence.rpartition(":")
        if colon and number.isdigit():
            occurrences.append((name, number))
        else:
            occurrences.append((occurrence, ""))


def _flags(reader: _Reader, line: str) -> None:
    reader.move("fl")
    reader.entry.flags += [flag.strip() for flag in line[3:].split(",")]


def _extracted(reader: _Reader, line: str) -> None:
    reader.move("gc")
    entry = reader.entry
    entry.comment = (entry.comment + "\n" if entry.comment else "") + line[3:]


# `#:`, `#,` and `#.` followed by a space or a tab: read directly.
_QUICK_COMMENTS = {":": _references, ",": _flags, ".": _extracted}


def _comment(reader: _Reader, line: str) -> None:
    """A comment line, as polib files it: references, flags, extracted and translator
    comments (the header comment before the first entry); anything else is an error."""
    first = line.split(None, 1)
    mark, rest = first[0], len(first) > 1
    if mark in ("#:", "#,", "#."):
        if rest:
            _QUICK_COMMENTS[mark[1]](reader, line)
    elif mark == "#" or mark.startswith("##"):
        token = "# " if line == "#" else line
        if reader.state in ("st", "he"):
            reader.state = "he"
            catalog = reader.catalog
            catalog.header += ("\n" if catalog.header else "") + token[2:]
            return
        reader.move("tc", _FOLLOWS["tc"])
        comment = token.lstrip("#")
        comment = comment[1:] if comment.startswith(" ") else comment
        entry = reader.entry
        entry.tcomment = (entry.tcomment + "\n" if entry.tcomment else "") + comment
    else:
        raise reader.fail(f"syntax error: unexpected {line[:40]!r}")


def _header(catalog: polib.POFile) -> None:
    """Take the header entry out of the entries into the metadata, as polib does: the last
    live entry with an empty msgid and no context, else the first with an empty msgid."""
    found = [entry for entry in catalog if not entry.obsolete and entry.msgid == ""]
    if not found:
        return
    header = next((e for e in reversed(found) if not e.msgctxt), found[0]) \
        if len(found) > 1 else found[0]
    catalog.remove(header)
    catalog.metadata_is_fuzzy = header.flags
    key = None
    for line in header.msgstr.splitlines():
        try:
            key, value = line.split(":", 1)
            catalog.metadata[key] = value.strip()
        except (ValueError, KeyError):
            if key is not None:
                catalog.metadata[key] += "\n" + line.strip()
