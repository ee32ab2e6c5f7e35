"""Write PO/POT text exactly as GNU gettext 0.21's `msgcat` writes it.

A catalog written by `render_po` is a fixed point of `msgcat f.po -o f.po` (and of
`msgcat -w N` or `msgcat --no-wrap` when written with that width), so a translator who
re-saves it with GNU tools, or with an editor that wraps like them (Poedit), changes no
line. The layout follows gettext-tools/src/write-po.c.

Where a long string is cut is decided by the Unicode line breaking algorithm (UAX #14) as
libunistring implements it, a version of the rules of its own (it allows a break inside
"e.g."; ICU does not). GNU gettext calls libunistring for this, so this module calls the
same library through ctypes: the break points are then GNU's by construction, including
CJK, emoji and the library's own Unicode version. Where libunistring cannot be loaded
(`GNU_EXACT` is False), a small approximation of its rules for common punctuation stands
in; it agrees with msgcat on this project's catalogs, but can cut other text (CJK, emoji,
unusual punctuation) elsewhere than msgcat. The catalog's content is the same either way.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import itertools
import re
import threading
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

import polib

DEFAULT_WIDTH = 79

# The characters write-po.c writes as escape sequences; every other one is written as is.
_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t",
            "\v": "\\v", "\\": "\\\\", '"': '\\"'}
_ESCAPE_TABLE = str.maketrans(_ESCAPES)
_NEEDS_ESCAPE = re.compile('[\a\b\f\n\r\t\v\\\\"]')
# Every character that can take two columns (East Asian Wide or Fullwidth) is above these.
_MAYBE_WIDE = re.compile("[\u1100-\U0010ffff]")
# C's INT_MAX: write-po.c's width when strings are not wrapped.
_INT_MAX = 2**31 - 1

# libunistring's UC_BREAK_PROHIBITED.
_PROHIBITED = 1

# The format languages of gettext 0.21 in its order (format.c), which is the order of their
# flags on a `#,` line.
_FORMAT_LANGUAGES = (
    "c", "objc", "python", "python-brace", "java", "java-printf", "csharp", "javascript",
    "scheme", "lisp", "elisp", "librep", "ruby", "sh", "awk", "lua", "object-pascal",
    "smalltalk", "qt", "qt-plural", "kde", "kde-kuit", "boost", "tcl", "perl", "perl-brace",
    "php", "gcc-internal", "gfc-internal", "ycp",
)
_FORMAT_INDEX = {name: index for index, name in enumerate(_FORMAT_LANGUAGES)}
_FLAG_SEPARATORS = re.compile(r"[\n \t\r\f\v,]+")
_RANGE = re.compile(r"([0-9]+)\.\.([0-9]+)")

_Breaks = Callable[[bytes, bytes, int, int], list[int]]


# ---------------------------------------------------------------- line breaking


def _load_unistring() -> ctypes.CDLL | None:
    """The system's libunistring, the library GNU gettext is linked with, or None. Known
    names first, newest first (finding one by search runs ldconfig)."""
    names = ["libunistring.so.5", "libunistring.so.2", "libunistring.5.dylib",
             "/opt/homebrew/lib/libunistring.dylib", "/usr/local/lib/libunistring.dylib"]
    for name in names:
        try:
            return ctypes.CDLL(name)
        except OSError:
            continue
    found = ctypes.util.find_library("unistring")
    try:
        return ctypes.CDLL(found) if found else None
    except OSError:
        return None


def _unistring_breaks(library: ctypes.CDLL) -> _Breaks | None:
    """libunistring's `u8_width_linebreaks` (its `_v2` entry point where it has one, which
    is what programs built against libunistring >= 1.0 call) as a Python function: the byte
    offsets where a new line starts."""
    function = getattr(library, "u8_width_linebreaks_v2", None)
    if function is None:
        function = getattr(library, "u8_width_linebreaks", None)
    if function is None:
        return None
    function.restype = ctypes.c_int
    function.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int,
                         ctypes.c_int, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p]

    # One output buffer per thread, reused: making one per call costs more than the call.
    buffers = threading.local()

    def breaks(data: bytes, overrides: bytes, width: int, start: int) -> list[int]:
        buffer = getattr(buffers, "buffer", None)
        if buffer is None or len(buffer) < len(data):
            buffer = buffers.buffer = ctypes.create_string_buffer(max(4096, 2 * len(data)))
        function(data, len(data), width, start, 0, overrides, b"UTF-8", buffer)
        result = ctypes.string_at(buffer, len(data))
        found: list[int] = []
        at = result.find(b"\x02")
        while at >= 0:
            found.append(at)
            at = result.find(b"\x02", at + 1)
        return found

    return breaks


@lru_cache(maxsize=4096)
def _approximate_width(char: str) -> int:
    """Columns of a character as libunistring's `uc_width` counts them in a UTF-8 locale,
    from Python's Unicode data: none for controls, marks and format characters, two for
    East Asian wide ones."""
    category = unicodedata.category(char)
    if category in ("Cc", "Mn", "Me", "Cf") or "\u1160" <= char <= "\u11ff" or (
            "\ud7b0" <= char <= "\ud7ff"):
        return 0
    if category != "Cn" and unicodedata.east_asian_width(char) in ("W", "F"):
        return 2
    return 1


# Characters of one column each (`_approximate_width`): printable Latin, Greek and Cyrillic
# letters, and the general punctuation translations use (dashes, quotes, the narrow no-break
# space), but neither combining marks nor the soft hyphen.
_ONE_COLUMN = re.compile("[\x20-\x7e\xa0-\xac\xae-\u02ff\u0370-\u0377\u037a-\u037f"
                         "\u0384-\u038a\u038c\u038e-\u03a1\u03a3-\u0482\u048a-\u04ff"
                         "\u2010-\u2027\u202f-\u205f\u20a0-\u20c0]*+")


def _columns(text: str) -> int:
    """Columns a text takes (by the approximate widths)."""
    if text.isascii() or _ONE_COLUMN.fullmatch(text):
        return len(text)
    return sum(_approximate_width(char) for char in text)


# A few rules of libunistring's line breaking for common punctuation, for when the library
# is missing. After spaces a line may start, but not with closing punctuation, nor after an
# opening bracket and spaces; inside a word ("e.g.", "sacro-iliaque") after some
# punctuation; before an em dash; between brackets ("](" in Markdown).
_OPPORTUNITY = re.compile(
    r"(?<= )(?=[^ !),./:;?\]}])"
    r"|(?<=[!,\-./:;?|}\u2026\u2014\u2013\u2010\t])(?=[^\W\d_])"
    r"|(?<=[^\W\d_])(?=\u2014)|(?<=[)\]])(?=[(\[])")
_OPENERS = frozenset("([{\u00bf\u00a1")
# Characters that end a line for libunistring; GNU writes them inside a line.
_LINE_SEPARATOR = re.compile("[\u2028\u2029\x85]")


def _approximate_opportunities(text: str) -> list[int]:
    """Indexes where a line may start, approximately as libunistring says."""
    return list(_opportunities(text))


def _opportunities(text: str) -> Iterator[int]:
    """`_approximate_opportunities` one by one: measuring a catalog's width only asks
    whether a line has one, and where the first is."""
    for match in _OPPORTUNITY.finditer(text):
        at = match.start()
        if text[at - 1] == " ":
            before = at - 1
            while before > 0 and text[before - 1] == " ":
                before -= 1
            if before > 0 and text[before - 1] in _OPENERS:
                continue
        yield at


def _greedy(text: str, opportunities: list[int], width: int, start: int) -> list[int]:
    """libunistring's choice among break opportunities: a piece (text up to the next
    opportunity) goes to a new line when it would end past the width."""
    found: list[int] = []
    last: int | None = None
    column, begin = start, 0
    for at in [*opportunities, len(text)]:
        piece = _columns(text[begin:at])
        if last is not None and column + piece > width:
            found.append(last)
            column = 0
        last, column, begin = at, column + piece, at
    return found


def _approximate_breaks(data: bytes, overrides: bytes, width: int, start: int) -> list[int]:
    """Like libunistring's `u8_width_linebreaks`, over approximate opportunities."""
    text = data.decode("utf-8")
    ascii_only = len(text) == len(data)
    prohibited = set()
    offset = overrides.find(_PROHIBITED)
    while offset >= 0:
        prohibited.add(offset if ascii_only else len(data[:offset].decode("utf-8")))
        offset = overrides.find(_PROHIBITED, offset + 1)
    opportunities = [at for at in _approximate_opportunities(text) if at not in prohibited]
    found: list[int] = []
    begin, column = 0, start
    # A line separator ends a run of pieces: the count starts again after it.
    for end in [match.start() for match in _LINE_SEPARATOR.finditer(text)] + [len(text)]:
        inside = [at - begin for at in opportunities if begin < at < end]
        found += [begin + at for at in _greedy(text[begin:end], inside, width, column)]
        begin, column = end + 1, 0
    return found if ascii_only else [len(text[:at].encode("utf-8")) for at in found]


def _choose_breaks() -> tuple[_Breaks, bool]:
    library = _load_unistring()
    exact = _unistring_breaks(library) if library is not None else None
    return (exact, True) if exact is not None else (_approximate_breaks, False)


_BREAKS, GNU_EXACT = _choose_breaks()


# ---------------------------------------------------------------- format directives


def _python_directives(text: str) -> list[tuple[int, int]]:
    """(first, last) index of each Python `%` directive GNU recognises, up to the first
    invalid one, where its parser (format-python.c) stops."""
    spans: list[tuple[int, int]] = []
    named = unnamed = 0
    at, end = 0, len(text)
    while (at := text.find("%", at)) >= 0:
        first = at
        at += 1
        name = None
        if at < end and text[at] == "(":
            depth, at = 0, at + 1
            while at < end and not (text[at] == ")" and depth == 0):
                depth += {"(": 1, ")": -1}.get(text[at], 0)
                at += 1
            if at >= end:
                return spans
            name, at = text[first + 2:at], at + 1
        while at < end and text[at] in "-+ #0":
            at += 1
        for part in ("width", "precision"):
            if part == "precision":
                if at >= end or text[at] != ".":
                    break
                at += 1
            if at < end and text[at] == "*":
                if named:
                    return spans
                unnamed, at = unnamed + 1, at + 1
            else:
                while at < end and text[at].isascii() and text[at].isdigit():
                    at += 1
        if at < end and text[at] in "hlL":
            at += 1
        if at >= end or text[at] not in "%csridouxXeEfgG":
            return spans
        if name is not None:
            if unnamed:
                return spans
            named += 1
        elif text[at] != "%":
            if named:
                return spans
            unnamed += 1
        spans.append((first, at))
        at += 1
    return spans


# Directive parsers for the languages whose directives can hold a break opportunity (a
# space flag). gettext 0.21 knows a Python brace directive only as `{name}`, which has none.
_DIRECTIVE_PARSERS: dict[str, Callable[[str], list[tuple[int, int]]]] = {
    "python": _python_directives,
}


def _inside_directives(language: str, value: str) -> frozenset[int]:
    """Indexes in `value` GNU never breaks before: inside a format directive (after its
    first character) of the entry's format language."""
    parser = _DIRECTIVE_PARSERS.get(language)
    if parser is None or not value:
        return frozenset()
    return frozenset(index for first, last in parser(value)
                     for index in range(first + 1, last + 1))


# ---------------------------------------------------------------- strings


def _certainly_fits(text: str, room: int) -> bool:
    """Whether `text` surely takes at most `room` columns, told without measuring it: a
    character takes at most one column, or two if it may be East Asian wide."""
    if len(text) > room:
        return False
    return text.isascii() or len(text) + len(_MAYBE_WIDE.findall(text)) <= room


def _escaped(text: str) -> str:
    return text.translate(_ESCAPE_TABLE) if _NEEDS_ESCAPE.search(text) else text


def _overrides(portion: str, data: bytes, offset: int, inside: frozenset[int]) -> bytearray:
    """Per byte of the escaped portion `data`: no break inside an escape sequence, nor
    inside a format directive (`inside`, indexes in the whole string, the portion starting
    at `offset`); libunistring decides elsewhere."""
    overrides = bytearray(len(data))
    if not inside:
        at = data.find(b"\\")  # every backslash starts an escape sequence
        while at >= 0:
            overrides[at + 1] = _PROHIBITED
            at = data.find(b"\\", at + 2)
        return overrides
    position = 0
    for index, char in enumerate(portion, start=offset):
        if index in inside:
            overrides[position] = _PROHIBITED
        if char in _ESCAPES:
            overrides[position + 1] = _PROHIBITED
            position += 2
        else:
            position += len(char.encode("utf-8"))
    return overrides


@dataclass(frozen=True)
class _Portion:
    """A part of a string up to and including a newline, as GNU lays out each one alone."""

    raw: str
    text: str  # escaped
    offset: int  # of `raw` in the whole string


def _portions(value: str) -> list[_Portion]:
    """The string cut after each newline; an empty string is one empty portion."""
    if "\n" not in value or value.index("\n") == len(value) - 1:
        return [_Portion(value, _escaped(value), 0)]
    found: list[_Portion] = []
    offset = 0
    for part in value.split("\n"):
        raw = part + "\n" if offset + len(part) < len(value) else part
        if raw:
            found.append(_Portion(raw, _escaped(raw), offset))
        offset += len(raw)
    return found


def _lines_of(portion: _Portion, width: int, start: int, inside: frozenset[int]) -> list[str]:
    """The escaped portion cut into the lines GNU writes it on: the first after `start`
    columns, each at most `width` columns where the text allows."""
    text = portion.text
    if _certainly_fits(text, width - start):
        return [text]
    data = text.encode("utf-8")
    overrides = _overrides(portion.raw, data, portion.offset, inside)
    if portion.raw.endswith("\n"):
        overrides[-2] = _PROHIBITED  # nor just before the `\n` ending the portion
    cuts = _BREAKS(data, bytes(overrides), width, start)
    if not cuts:
        return [text]
    bounds = [0, *cuts, len(data)]
    return [data[a:b].decode("utf-8") for a, b in itertools.pairwise(bounds)]


def _field_lines(prefix: str, keyword: str, value: str, page_width: int | None,
                 language: str | None, out: list[str]) -> None:
    """`keyword "value"` laid out as write-po.c's `wrap()` does, each line after `prefix`:
    on the keyword's line if it fits whole, else from `keyword ""` on, cut after each
    newline and where lines get too long."""
    # Every line holds the prefix and two quotes besides the text.
    width = (_INT_MAX if page_width is None else page_width) - 2 - len(prefix)
    inside = _inside_directives(language, value) if language is not None else frozenset()
    portions = _portions(value)
    first = portions[0]
    start = len(keyword) + 1
    lines = _lines_of(first, width, 0, inside)
    # A string cut at column 0 is cut after the keyword too, so that case needs no second
    # computation.
    if first.text and (len(portions) > 1 or start > width or len(lines) > 1
                       or len(_lines_of(first, width, start, inside)) > 1):
        out.append(f'{prefix}{keyword} ""')
        out.extend(f'{prefix}"{line}"' for line in lines)
    else:
        out.append(f'{prefix}{keyword} "{lines[0]}"')
    for portion in portions[1:]:
        out.extend(f'{prefix}"{line}"' for line in _lines_of(portion, width, 0, inside))


# ---------------------------------------------------------------- comments and flags


def _comment_lines(marker: str, text: str | None, out: list[str]) -> None:
    """Comment lines: `marker`, then a space and the text unless the line is empty."""
    if text:
        out.extend(_unjoined(f"{marker} {line}") if line else marker
                   for line in text.split("\n"))


def _unjoined(line: str) -> str:
    """A comment line that reads back alone: GNU joins a line ending with a backslash to
    the next one (so the next `msgid` would become comment), so a space follows it."""
    return line + " " if line.endswith("\\") else line


def _reference_lines(occurrences: Sequence[tuple[str, str | int]], page_width: int,
                     out: list[str]) -> None:
    """`#:` lines: each reference once, without a leading `./`, joined by spaces and
    wrapped to the page width counted in bytes (even with --no-wrap, at 79); a reference
    longer than that stands alone."""
    seen: set[str] = set()
    line, column = "#:", 2
    for path, number in occurrences:
        while path.startswith("./"):
            path = path[2:]
        line_number = str(number).strip()
        if line_number.isascii() and line_number.isdigit():
            line_number = str(int(line_number))  # as GNU prints it: "007" is 7
        reference = f"{path}:{line_number}" if line_number else path
        # GNU keeps each reference once, before dropping `./`: once after, so that its
        # output reads back to itself.
        if reference in seen:
            continue
        seen.add(reference)
        size = len(reference.encode("utf-8")) + 1
        if column > 2 and column + size > page_width:
            out.append(_unjoined(line))
            line, column = "#:", 2
        line += " " + reference
        column += size
    if column > 2:
        out.append(_unjoined(line))


@dataclass
class _Flags:
    """What GNU keeps of the flags: fuzzy, format flags, a range and no-wrap; and the
    project's own `ignore-…` suppressions, which GNU drops but `update` must keep."""

    fuzzy: bool = False
    formats: dict[int, str] = field(default_factory=dict)  # language index -> flag
    range: tuple[int, int] | None = None
    wrap: bool | None = None
    ignores: list[str] = field(default_factory=list)

    def language(self) -> str | None:
        """The format language whose directives GNU keeps whole: the first in gettext's
        order that the string may be in."""
        for index in sorted(self.formats):
            if not self.formats[index].startswith("no-"):
                return _FORMAT_LANGUAGES[index]
        return None


_NO_FLAGS = _Flags()


def _parse_flags(flags: Sequence[str]) -> _Flags:
    """The flags as GNU's reader (po_parse_comment_special) takes them: unknown ones are
    dropped (suppressions aside), a later format flag for a language replaces an earlier
    one."""
    if not flags:
        return _NO_FLAGS
    found = _Flags()
    tokens = [token for token in _FLAG_SEPARATORS.split(",".join(flags)) if token]
    at = 0
    while at < len(tokens):
        token = tokens[at]
        at += 1
        if token == "fuzzy":
            found.fuzzy = True
        elif token.endswith("-format"):
            _add_format_flag(token, found)
        elif token == "range:":
            if at < len(tokens) and (match := _RANGE.match(tokens[at])):
                low, high = (min(int(group), _INT_MAX) for group in match.groups())
                if low <= high:
                    found.range = (low, high)
            at += 1  # GNU takes the next word as the range, valid or not
        elif token in ("wrap", "no-wrap"):
            found.wrap = token == "wrap"
        elif token.startswith("ignore-") and token not in found.ignores:
            found.ignores.append(token)
    return found


def _add_format_flag(token: str, found: _Flags) -> None:
    """Record `[no-|possible-|impossible-]<language>-format` if GNU knows the language."""
    name, kind = token[:-len("-format")], ""
    for prefix in ("no-", "possible-", "impossible-"):
        if name.startswith(prefix):
            name, kind = name[len(prefix):], prefix
            break
    index = _FORMAT_INDEX.get(name)
    if index is None:
        return
    if kind == "impossible-":
        found.formats.pop(index, None)  # GNU keeps it but never writes it
    else:
        found.formats[index] = f"no-{name}-format" if kind == "no-" else f"{name}-format"


def _flags_line(flags: _Flags, translated: bool) -> str | None:
    """The `#,` line: fuzzy (on a translated entry only), the format flags in gettext's
    order, the range, no-wrap."""
    words = ["fuzzy"] if flags.fuzzy and translated else []
    words += [flags.formats[index] for index in sorted(flags.formats)]
    if flags.range is not None:
        words.append(f"range: {flags.range[0]}..{flags.range[1]}")
    if flags.wrap is False:
        words.append("no-wrap")
    words += flags.ignores
    return "#, " + ", ".join(words) if words else None


# ---------------------------------------------------------------- entries


def _msgstrs(entry: polib.POEntry) -> list[tuple[str, str]]:
    """(keyword, text) of the translations: msgstr, or msgstr[N] for a plural entry."""
    if not entry.msgid_plural:
        return [("msgstr", entry.msgstr or "")]
    forms = entry.msgstr_plural or {0: ""}
    return [(f"msgstr[{index}]", forms[index]) for index in sorted(forms, key=int)]


def _entry_lines(entry: polib.POEntry, page_width: int | None, out: list[str]) -> None:
    """One entry as write-po.c's message_print (message_print_obsolete) writes it."""
    obsolete = bool(entry.obsolete)
    msgstrs = _msgstrs(entry)
    flags = _parse_flags(entry.flags)
    _comment_lines("#", entry.tcomment, out)
    _comment_lines("#.", entry.comment, out)
    if entry.occurrences:
        _reference_lines(entry.occurrences, page_width or DEFAULT_WIDTH, out)
    # msgcat writes an obsolete entry's flags as a live one's (it has a translation: GNU
    # writes no other), but its range; no-wrap and format directives apply to it too.
    shown = replace(flags, range=None) if obsolete else flags
    if (line := _flags_line(shown, obsolete or bool(msgstrs[0][1]))) is not None:
        out.append(line)
    width = None if flags.wrap is False else page_width
    language = flags.language()
    previous = "#~| " if obsolete else "#| "
    for keyword, value in (("msgctxt", entry.previous_msgctxt),
                           ("msgid", entry.previous_msgid),
                           ("msgid_plural", entry.previous_msgid_plural)):
        if value is not None:
            _field_lines(previous, keyword, value, width, language, out)
    prefix = "#~ " if obsolete else ""
    if entry.msgctxt is not None:
        _field_lines(prefix, "msgctxt", entry.msgctxt, width, language, out)
    _field_lines(prefix, "msgid", entry.msgid, width, language, out)
    if entry.msgid_plural:
        _field_lines(prefix, "msgid_plural", entry.msgid_plural, width, language, out)
    for keyword, value in msgstrs:
        _field_lines(prefix, keyword, value, width, language, out)


def _header_entry(catalog: polib.POFile) -> polib.POEntry:
    """The header as an entry: polib's metadata, in polib's order, and header comment."""
    entry = catalog.metadata_as_entry()
    entry.tcomment = catalog.header or ""
    return entry


def render_po(catalog: polib.POFile, *, width: int | None = DEFAULT_WIDTH) -> str:
    """The text GNU `msgcat` (gettext 0.21) writes for the catalog with `-w width`, or
    with `--no-wrap` when width is None: the header, the entries in order and then the
    obsolete ones, but not an obsolete entry without translation (GNU drops it)."""
    entries = [_header_entry(catalog)]
    entries += [entry for entry in catalog if not entry.obsolete]
    entries += [entry for entry in catalog if entry.obsolete and _msgstrs(entry)[0][1]]
    out: list[str] = []
    for entry in entries:
        if out:
            out.append("")
        _entry_lines(entry, width, out)
    out.append("")
    return "\n".join(out)


# ---------------------------------------------------------------- telling the width


_STRING_LINE = re.compile(r'^(#~\| |#\| |#~ |)(?:(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) )?'
                          r'"(.*)"\s*$')


@dataclass
class _Bounds:
    """What a catalog's lines say about the width it was written with: at least `low`
    (a line holding a break opportunity was not cut), at most `high` (a line was cut
    before a piece that would have fit), and whether any string line was cut at all."""

    low: int = 0
    high: int = _INT_MAX
    cut: bool = False


def _first_piece(content: str) -> str:
    """The start of a line's text up to where a line could first be cut."""
    body = content.lstrip(" ")
    cut = next(_opportunities(body), len(body))
    return content[:len(content) - len(body) + cut]


def _field_bounds(lines: list[tuple[str, str]], bounds: _Bounds) -> None:
    """Narrow the bounds with one string's lines, each (whole line, text between quotes)."""
    for number, (line, content) in enumerate(lines):
        width = _columns(line)
        if width > bounds.low and next(_opportunities(content.rstrip(" ")), None) is not None:
            bounds.low = width
        if number + 1 < len(lines) and content and not _ends_with_newline(content):
            bounds.cut = True
            piece = _first_piece(lines[number + 1][1])
            bounds.high = min(bounds.high, _columns(line) + _columns(piece) - 1)


def _ends_with_newline(content: str) -> bool:
    """Whether escaped text ends with the `\\n` escape (not with an escaped backslash
    followed by n)."""
    if not content.endswith("\\n"):
        return False
    backslashes = len(content[:-1]) - len(content[:-1].rstrip("\\"))
    return backslashes % 2 == 1


# String lines enough to tell a catalog's width: a tool wraps a whole file one way, and a
# file of a million short lines would otherwise cost seconds to measure.
_MEASURED_LINES = 20_000


def _catalog_bounds(text: str) -> _Bounds:
    """The bounds the strings of the catalog text set (those of no-wrap entries aside), in
    its first `_MEASURED_LINES` lines (a string cut there ends there)."""
    bounds = _Bounds()
    string: list[tuple[str, str]] = []  # the lines of the string being read
    entry: list[list[tuple[str, str]]] = []
    no_wrap = False
    for number, line in enumerate([*text.splitlines(), ""]):
        if number == _MEASURED_LINES:
            line = ""  # ends the entry being read
        elif number > _MEASURED_LINES:
            break
        match = _STRING_LINE.match(line)
        if match and (match.group(2) or string):
            if match.group(2):  # a keyword starts a string
                string = []
                entry.append(string)
            string.append((line, match.group(3)))
            continue
        string = []
        if line.startswith("#,") and "no-wrap" in _FLAG_SEPARATORS.split(line[2:]):
            no_wrap = True
        if not line.strip():
            if not no_wrap:
                for lines in entry:
                    _field_bounds(lines, bounds)
            entry, no_wrap = [], False
    return bounds


def width_of(text: str) -> int | None:
    """The page width a catalog's text was most likely written with, to write it again
    the same way: 79 (GNU's default), another width (`msgcat -w N`) or None
    (`msgcat --no-wrap`).

    Every string line that holds a break opportunity shows the width is at least that
    line's length, since GNU would have cut it otherwise; every line that was cut shows
    it is less than that line with the first piece of the next one. No cut line and a
    breakable line longer than 79 columns means strings were not wrapped (None). Among
    the widths that fit, 79 is preferred, then the smallest multiple of ten, then the
    smallest; when no width fits every line (a layout not GNU's, polib's say), 79 unless
    a line is longer. When nothing tells (no string long enough), 79. Break opportunities
    are judged by the approximate rules, widths by Python's Unicode data; references
    (`#:`), which GNU wraps even with --no-wrap, and no-wrap entries are not looked at."""
    bounds = _catalog_bounds(text)
    if not bounds.cut:
        return None if bounds.low > DEFAULT_WIDTH else DEFAULT_WIDTH
    low, high = bounds.low, bounds.high
    if low <= DEFAULT_WIDTH <= high or (low > high and low <= DEFAULT_WIDTH):
        return DEFAULT_WIDTH
    if low > high:
        return low
    round_width = -(-low // 10) * 10
    return round_width if round_width <= high else low
