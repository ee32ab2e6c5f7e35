"""Text as a reader sees it: characters that are hidden or reorder what is shown, a text
made safe to print on a terminal, and the parts of Markdown links a reader never sees."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

# Bidi embeddings, overrides and isolates: text is shown in another order than it is stored.
_BIDI_CONTROLS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
# Bidi marks (LRM, RLM, ALM): invisible, they change the order of the characters around them.
_BIDI_MARKS = frozenset("\u200e\u200f\u061c")
# Zero-width non-joiner and joiner: they shape what is next to them.
_JOINERS = frozenset("\u200c\u200d")
# Line and paragraph separators: invisible line breaks, and the end of a string literal in
# older JavaScript.
_SEPARATORS = frozenset("\u2028\u2029")
# Format characters that are drawn (Unicode's prepended concatenation marks: the Arabic
# number sign and end of ayah, the Syriac abbreviation mark…): not hidden.
_VISIBLE_FORMAT = frozenset("\u0600\u0601\u0602\u0603\u0604\u0605\u06dd\u070f\u0890\u0891"
                            "\u08e2\U000110bd\U000110cd")
_VARIATION_SELECTORS = frozenset(chr(c) for c in (*range(0xFE00, 0xFE10),
                                                  *range(0xE0100, 0xE01F0)))
# Combining marks one character may carry. Vietnamese stacks two, pointed Hebrew and
# Tibetan up to four; more is "zalgo" text, drawn over the lines above and below.
MAX_MARKS = 4


def _joins(text: str, index: int) -> bool:
    """Whether the joiner at `index` sits where a script needs one: between two characters
    of scripts that shape across it (Arabic and Persian letters, an Indic virama and a
    consonant, two emoji). Latin, Greek and Cyrillic never need one; nor does a space, a
    punctuation mark or either end of the text."""
    def joinable(ch: str) -> bool:
        if ord(ch) < 0x250 or ch.isspace() or unicodedata.category(ch)[0] in "PZC":
            return False
        return not unicodedata.name(ch, "").startswith(("LATIN", "GREEK", "CYRILLIC"))

    before = index - 1
    while before >= 0 and unicodedata.category(text[before]) in ("Mn", "Mc", "Me"):
        before -= 1  # the base the marks sit on
    return (before >= 0 and index + 1 < len(text) and joinable(text[before])
            and joinable(text[index + 1]))


# Runs of two or more characters beyond ASCII: the only places a stack of combining marks
# (each one beyond ASCII) can be, so most text is never looked at character by character.
# An e-mail address as text checks read one (renderers' own, wider reading is markup's).
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A citation marker, `[@kiapour-2020]` or `[@a; @b]` (Pandoc's form): the ids of the
# guide's references that back the statement before it.
CITATION = re.compile(r"\[@[a-z0-9]+(?:-[a-z0-9]+)*(?:;[ \t]*@[a-z0-9]+(?:-[a-z0-9]+)*)*\]")
_CITED_ID = re.compile(r"@([a-z0-9-]+)")
# A character reference (`&amp;`, `&#160;`, `&#xA0;`), as HTML and the renderers read it.
HTML_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});")
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]{2,}")


def _stacks(text: str) -> Iterator[tuple[int, int, int]]:
    """(start, end, variation selectors) of each run of combining marks on one character
    that is taller than MAX_MARKS or carries more than one variation selector (a known way
    to hide data in text)."""
    if text.isascii():
        return
    for run in _NON_ASCII_RUN.finditer(text):
        # A stack starts on the character after its base; from the run's start on, a mark
        # at the run's start sits on the ASCII base before it.
        start, selectors = run.start(), 0
        for index in range(run.start(), run.end() + 1):
            mark = index < run.end() and unicodedata.category(text[index]) in ("Mn", "Me")
            if mark:
                selectors += text[index] in _VARIATION_SELECTORS
                continue
            if index - start > MAX_MARKS or selectors > 1:
                yield start, index, selectors
            start, selectors = index + 1, 0


# White space that is not hidden but that `str.isprintable` counts out (tab, line feed and
# every space but U+0020): removed before asking it, so plain text needs no closer look.
_VISIBLE_SPACES = str.maketrans(dict.fromkeys(
    "\t\n\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u202f\u205f\u3000"))


def hidden_characters(text: str, *, right_to_left: bool = False) -> list[str]:
    """Each distinct character of the text that corrupts what a reader sees or what tools
    read, described: control characters (tab and line feed aside; U+0004 splits a gettext
    key, U+0000 ends it), bidi controls, line separators, invisible format characters (zero
    width space, word joiner, U+FEFF, soft hyphen, tag characters…), and combining marks
    stacked higher than MAX_MARKS on one character.

    Bidi marks (LRM, RLM, ALM) are allowed only with `right_to_left`, for a text written in
    a right-to-left language (Arabic, Hebrew, Persian, Urdu…), where they place numbers and
    punctuation; embeddings, overrides and isolates never are. The zero-width joiner and
    non-joiner are allowed where a script needs them (`_joins`: Persian, Indic scripts,
    emoji sequences) and refused elsewhere, where they only split a word or an address."""
    found: list[str] = []
    seen: set[str] = set()
    # Every character reported below is one `isprintable` refuses (a control, a format
    # character, a line or paragraph separator): text it accepts has none of them.
    shown = text.isprintable() or text.translate(_VISIBLE_SPACES).isprintable()
    for index, ch in enumerate("" if shown else text):
        if ch in seen or ch in "\n\t":
            continue
        category = unicodedata.category(ch)
        note = ""
        if ch in _BIDI_CONTROLS:
            kind = "bidi control"
        elif ch in _BIDI_MARKS:
            if right_to_left:
                continue
            kind, note = "bidi mark", ", needed only in right-to-left languages"
        elif ch in _JOINERS:
            if _joins(text, index):
                continue
            kind, note = "joiner", " between characters that do not join"
        elif ch in _SEPARATORS:
            kind = "line separator"
        elif category == "Cc":
            kind = "control character"
        elif category == "Cf" and ch not in _VISIBLE_FORMAT:
            kind = "tag character" if 0xE0000 <= ord(ch) <= 0xE007F else \
                "invisible format character"
        else:
            continue
        seen.add(ch)
        name = unicodedata.name(ch, "")
        found.append(f"{kind} U+{ord(ch):04X}{f' ({name})' if name else ''}{note}")
    for start, end, selectors in _stacks(text):
        if end - start > MAX_MARKS:
            found.append(f"{end - start} combining marks stacked on one character "
                         f"(at most {MAX_MARKS})")
        else:
            found.append(f"{selectors} variation selectors on one character (at most 1)")
        break  # one is enough to show where
    return found


def printable(text: str) -> str:
    """Text for a message: hidden characters (and line breaks) written as escapes, and marks
    stacked beyond MAX_MARKS too, so a value quoted in a diagnostic cannot drive the
    terminal, reorder the line, split it or smear over its neighbours."""
    stacks = list(_stacks(text))
    if text.isprintable() and not stacks:  # every other hidden character is not printable
        return text
    extra = {i for start, end, _ in stacks for i in range(start + 1, end)}
    return "".join(ch.encode("unicode_escape").decode("ascii")
                   if ch in "\n\t" or i in extra or hidden_characters(ch) else ch
                   for i, ch in enumerate(text))
# `](target)` of an inline Markdown link: the target runs to the first `)`.
_LINK_TARGET = re.compile(r"\]\(([^)]*)\)")


def citation_keys(marker: str) -> list[str]:
    """The reference ids a `CITATION` match names, in order."""
    return _CITED_ID.findall(marker)


def link_targets(text: str) -> Iterator[re.Match[str]]:
    """The `](target)` parts of a text's links (group 1: the target), in linear time: no
    target can start after the last `)`, and searching there would scan to the end from
    every `](` (quadratic on a long run of them)."""
    return _LINK_TARGET.finditer(text, 0, text.rfind(")") + 1)


def without_link_targets(text: str) -> str:
    """The text with each link's `](target)` reduced to `]`: what a reader sees of it."""
    end = text.rfind(")") + 1
    return _LINK_TARGET.sub("]", text[:end]) + text[end:]
