"""Reading and writing .po/.pot files: strict on input, atomic and deterministic on output.

polib does the parsing and formatting; a line-level syntax pass first catches what polib
would silently accept (an unterminated string, say), so a translator gets `file:line`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import polib

from .diagnostics import Diagnostic, diag
from .fsutil import write_if_changed

WRAP_WIDTH = 79
_STRING = r'"(?:[^"\\]|\\.)*"'
_KEYWORD_LINE = re.compile(rf"^(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+{_STRING}\s*$")
_CONTINUATION = re.compile(rf"^{_STRING}\s*$")
_KEYWORD_START = re.compile(r"^(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\b")
_OBSOLETE = re.compile(r"^#~\s?")
_PREVIOUS = re.compile(r"^#~?\|\s?")
_CHARSET = re.compile(r"charset=([\w.:-]+)", re.IGNORECASE)


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


def read_catalog(path: Path, display: str | None = None) -> polib.POFile:
    """Parse a catalog or raise PoReadError with the first problem's line."""
    shown = display or str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PoReadError(diag(shown, 0, 0, "E401", f"cannot read catalog: {exc.strerror or exc}"))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PoReadError(diag(shown, line, 0, "E402",
                               f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); catalogs are UTF-8"))
    return parse_catalog(text, shown)


def parse_catalog(text: str, display: str) -> polib.POFile:
    if text.startswith("\ufeff"):
        text = text[1:]
    problem = _syntax_problem(text)
    if problem:
        line, message = problem
        raise PoReadError(diag(display, line, 0, "E401", message))
    try:
        catalog = polib.pofile(text, wrapwidth=WRAP_WIDTH, encoding="utf-8")
    except (OSError, ValueError) as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise PoReadError(diag(display, int(match.group(1)) if match else 0, 0, "E401",
                               "syntax error: " + re.sub(r" in po file .*", "", str(exc))))
    charset = _CHARSET.search(catalog.metadata.get("Content-Type", ""))
    if charset is None or charset.group(1).lower().replace("-", "") != "utf8":
        found = charset.group(1) if charset else "none"
        raise PoReadError(diag(display, 1, 0, "E402",
                               f"Content-Type charset is {found!r}; use 'charset=UTF-8'"))
    # Like msgfmt and msgmerge: an obsolete `#~` entry duplicates a live one with its msgid.
    seen: dict[EntryKey, int] = {}
    for entry in catalog:
        ident = key_of(entry)
        if ident in seen:
            raise PoReadError(diag(display, entry.linenum, 0, "E403",
                                   f"msgid {entry.msgid[:50]!r} already appears at line "
                                   f"{seen[ident]}"))
        seen[ident] = entry.linenum
    return catalog


def _syntax_problem(text: str) -> tuple[int, str] | None:
    """The first line that is not valid PO syntax, as (line, message)."""
    previous_kind = ""
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped:
            previous_kind = ""
            continue
        if _PREVIOUS.match(stripped):
            continue
        body = _OBSOLETE.sub("", stripped) if stripped.startswith("#~") else stripped
        if body.startswith("#") or not body:
            continue
        if _KEYWORD_LINE.match(body):
            previous_kind = "keyword"
            continue
        if _CONTINUATION.match(body) and previous_kind == "keyword":
            continue
        if _KEYWORD_START.match(body) or body.startswith('"'):
            return number, "unterminated or malformed string"
        return number, f"syntax error: unexpected {body[:40]!r}"
    return None


def render_catalog(catalog: polib.POFile) -> str:
    """Serialize deterministically (polib's layout, fixed wrap width, trailing newline)."""
    catalog.wrapwidth = WRAP_WIDTH
    text = str(catalog)
    return text if text.endswith("\n") else text + "\n"


def write_catalog(path: Path, catalog: polib.POFile) -> bool:
    """Atomically write a catalog when its text changed. Returns whether it was written."""
    return write_if_changed(path, render_catalog(catalog))


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
