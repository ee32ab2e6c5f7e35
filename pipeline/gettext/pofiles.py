"""Reading and writing .po/.pot files: strict on input, atomic and deterministic on output.

`poreader` reads catalog text into polib's objects, held to GNU gettext's syntax, so a
translator gets `file:line` for what polib alone would silently accept (an unterminated
string, say); `powriter` writes them as GNU msgcat does.
Catalogs come from outside the team, so reading also bounds what it accepts: a size limit,
a sane Plural-Forms header, and plural entries with exactly the forms it names.

A plural entry (a phrase with a count, msgid_plural beside its msgid) is polib's: its
translations are `msgstr_plural`, form index → text, and `msgstr` is empty. `forms` gives an
entry's translations as a list either way, so most code need not tell the two apart.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polib

from pipeline.core.diagnostics import Diagnostic, diag
from pipeline.core.files import FileTooLarge, digest, read_regular
from pipeline.core.text import printable
from pipeline.gettext.poreader import SyntaxProblem, read_entries
from pipeline.gettext.powriter import DEFAULT_WIDTH, render_po, width_of

# Ten times a source file's default limit: far above any real catalog, parsed in about a second.
MAX_CATALOG_BYTES = 10_000_000
MAX_HEADER_NAME = 100
_CHARSET = re.compile(r"charset=([\w.:-]+)", re.IGNORECASE)
# gettext's rule language, at most six forms (CLDR's maximum), and xgettext's placeholder.
# Possessive throughout: the expression's characters include white space, and letting the
# white space around it be shared out in every way took hours on a long header.
_PLURAL_FORMS = re.compile(r"^\s*+nplurals\s*+=\s*+[1-6]\s*+;\s*+plural\s*+=\s*+"
                           r"[n0-9\s()?:<>=!&|%+*/-]{1,400}+;?+\s*+$")
_PLURAL_PLACEHOLDER = "nplurals=INTEGER; plural=EXPRESSION;"
_NPLURALS = re.compile(r"nplurals\s*=\s*(\d{1,6})(?!\d)")
# GNU gettext's rule for a catalog that names none: (n != 1), two forms.
DEFAULT_NPLURALS = 2
# The format flag of texts with `{name}` placeholders (Python's str.format).
BRACE_FORMAT = "python-brace-format"

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


def forms(entry: polib.POEntry) -> list[str]:
    """An entry's translations in order: msgstr[0], msgstr[1]… of a plural entry (one empty
    form if it has none yet), its msgstr otherwise."""
    if not entry.msgid_plural:
        return [entry.msgstr]
    found = entry.msgstr_plural
    return [found[index] for index in sorted(found)] if found else [""]


def sources_of(entry: polib.POEntry) -> list[str]:
    """The English each translation of an entry (`forms`) renders: msgid for msgstr; for a
    plural entry msgid for msgstr[0] and msgid_plural for the others, or msgid_plural for
    msgstr[0] when the language has that one form (it serves every count)."""
    if not entry.msgid_plural:
        return [entry.msgid]
    count = len(forms(entry))
    if count == 1:
        return [entry.msgid_plural]
    return [entry.msgid] + [entry.msgid_plural] * (count - 1)


def has_translation(entry: polib.POEntry) -> bool:
    """Whether an entry holds a translation at all, as GNU gettext tells it: its msgstr, or
    a plural entry's msgstr[0], is not empty (GNU drops an obsolete entry without one, and
    writes no fuzzy flag on it)."""
    return bool(forms(entry)[0])


def nplurals_of(catalog: polib.POFile) -> int | None:
    """How many forms a plural entry has in this catalog, from its Plural-Forms header;
    None when the header names none (a template, or xgettext's placeholder)."""
    found = _NPLURALS.search(catalog.metadata.get("Plural-Forms", ""))
    return int(found.group(1)) if found else None


_PLURAL_EXPRESSION = re.compile(r"plural\s*=\s*([^;]+)")


def plural_rule(catalog: polib.POFile) -> Callable[[int], int] | None:
    """The form index a count takes under the catalog's Plural-Forms, as the gettext runtime
    computes it (the standard library's own parser of the C expression); None when the
    header names no rule or it cannot be read. A count the rule cannot place (a division by
    zero in a wrong header) gets -1, a form no entry has."""
    found = _PLURAL_EXPRESSION.search(catalog.metadata.get("Plural-Forms", ""))
    if found is None:
        return None
    try:
        rule = gettext.c2py(found.group(1))
    except (ValueError, SyntaxError, RecursionError):
        return None

    def form(n: int) -> int:
        try:
            return int(rule(n))
        except (ZeroDivisionError, OverflowError, RecursionError):
            return -1

    return form


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
    catalog = _snapshot(parse_catalog(text, shown), raw, shown, expect)
    # The text stays on disk (a run reads thousands of catalogs and writes few): `own_width`
    # reads it again, by its digest, for a catalog that is written.
    del catalog.source_text
    catalog.source_path = path
    return catalog


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
         entry.msgid_plural or "", tuple(forms(entry)), tuple(sorted(entry.flags)),
         entry.previous_msgctxt or "", entry.previous_msgid or "",
         entry.previous_msgid_plural or "", _words(entry.tcomment), _words(entry.comment),
         tuple((name, line or "") for name, line in entry.occurrences))
        for entry in catalog))
    return _words(catalog.header), fields, entries


def _words(comment: str | None) -> str:
    """A comment as its words: some writers wrap long comment lines and others do not."""
    return " ".join((comment or "").split())


def parse_catalog(text: str, display: str) -> polib.POFile:
    """Parse catalog text or raise PoReadError for its first problem: a syntax error, a NUL
    or EOT, a charset other than UTF-8, an unusable Plural-Forms, a repeated entry or header,
    a plural entry without English plural or with another number of forms than the
    Plural-Forms header names (as `msgfmt -c` refuses it)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        catalog = read_entries(text, DEFAULT_WIDTH)
    except SyntaxProblem as exc:
        raise PoReadError(diag(display, exc.line, exc.column, exc.code, exc.message)) from None
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
    expected = nplurals_of(catalog)
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
        if (line := getattr(entry, "plural_line", None)) is not None:
            problem = _plural_problem(entry, None if entry.obsolete else expected)
            if problem is not None:
                raise PoReadError(diag(display, line, 0, "E401", problem))
    catalog.source_text = text  # for `own_width`, when the catalog is written again
    return catalog


def _plural_problem(entry: polib.POEntry, expected: int | None) -> str | None:
    """Why a plural entry cannot be read: no English plural, or not the number of forms the
    catalog's Plural-Forms names (`expected`, None when it names none)."""
    if not entry.msgid_plural:
        return ("msgid_plural is empty: a plural entry gives the English plural there (or "
                "remove msgid_plural and write msgstr for a text without plural forms)")
    count = len(entry.msgstr_plural)
    if expected is None or count == expected:
        return None
    have = "msgstr[0]" if count == 1 else f"msgstr[0] to msgstr[{count - 1}]"
    want = "msgstr[0] only" if expected == 1 else f"msgstr[0] to msgstr[{expected - 1}]"
    return (f"this plural entry has {count} form{'' if count == 1 else 's'} ({have}), but the "
            f"catalog's Plural-Forms header says nplurals={expected}: write {want}, one form "
            "per plural form of the language")


def translation_line(entry: polib.POEntry) -> int:
    """The line of an entry's `msgstr` in the file it was read from (its start if unknown):
    what a translator edits, so diagnostics and pull-request annotations point there, not
    at the first comment line where polib's `linenum` starts the entry."""
    found = getattr(entry, "translation_line", None)
    return found if isinstance(found, int) else int(entry.linenum)


def form_lines(entry: polib.POEntry) -> list[int]:
    """The line of each translation of an entry (`forms`) in the file it was read from: of
    each msgstr[N] of a plural entry, else of its msgstr (`translation_line`)."""
    found = getattr(entry, "form_lines", None)
    if entry.msgid_plural and isinstance(found, list) and len(found) == len(forms(entry)):
        return list(found)
    return [translation_line(entry)] * len(forms(entry))


def render_catalog(catalog: polib.POFile, *, like: polib.POFile | None = None) -> str:
    """The catalog's text as GNU `msgcat` writes it (`powriter`), wrapped at the width the
    text of `like` (by default the catalog itself) was written with: a catalog a translator's
    tool re-wrapped keeps that wrapping, and one made in memory gets GNU's default."""
    return render_po(catalog, width=own_width(like if like is not None else catalog))


def own_width(catalog: polib.POFile) -> int | None:
    """The page width of the text a catalog was parsed from (`powriter.width_of`; None for
    no wrapping), or GNU's default for a catalog that was never text. Told only when a
    catalog is written, which is rare: most runs read catalogs and write none. A catalog
    read from a file is read again, if its bytes are still those parsed (otherwise the
    write is refused anyway, the file having changed)."""
    text = getattr(catalog, "source_text", None)
    path = getattr(catalog, "source_path", None)
    if text is None and isinstance(path, Path):
        try:
            data = read_regular(path, MAX_CATALOG_BYTES)
            if digest(data) == digest_of(catalog):
                text = data.decode("utf-8").removeprefix("\ufeff")
        except (OSError, UnicodeDecodeError):
            text = None
    return width_of(text) if isinstance(text, str) else DEFAULT_WIDTH


def entry_status(entry: polib.POEntry) -> str:
    """The one definition of an entry's state, used by stats, check and export alike:
    translated means non-empty (every form of a plural entry), not fuzzy and not obsolete."""
    if entry.obsolete:
        return "obsolete"
    if "fuzzy" in entry.flags:
        return "fuzzy"
    if not entry.msgid_plural:
        return "translated" if entry.msgstr.strip() else "untranslated"
    return "translated" if all(text.strip() for text in forms(entry)) else "untranslated"


def is_translated(entry: polib.POEntry) -> bool:
    return entry_status(entry) == "translated"
