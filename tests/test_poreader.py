"""`poreader` builds the objects polib builds: on every catalog polib reads right (no escape
polib does not know, no line separator inside a string), both readers give the same header,
metadata and entries, field by field and line by line. Where polib is wrong (GNU escapes,
`#~|` previous strings of obsolete entries) the reader follows GNU gettext, which
`test_po_escapes.py` checks against msgfmt."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import polib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.gettext.poreader import SyntaxProblem, read_entries
from pipeline.gettext.powriter import render_po

REPO = Path(__file__).resolve().parents[1]
CATALOGS = sorted(p for p in [*REPO.joinpath("locales").rglob("*.po*"),
                              *REPO.joinpath("tests", "fixtures").rglob("*.po*")]
                  if "fuzz" not in p.parts)


def view(catalog: polib.POFile) -> tuple[Any, ...]:
    """Everything a reader of the catalog may look at."""
    return (catalog.header, list(catalog.metadata.items()), catalog.metadata_is_fuzzy,
            catalog.wrapwidth, catalog.encoding, catalog.fpath,
            [(e.msgid, e.msgstr, e.msgctxt, e.obsolete, type(e.obsolete), e.flags, e.tcomment,
              e.comment, e.occurrences, e.previous_msgid, e.previous_msgctxt, e.linenum,
              e.msgid_plural, e.msgstr_plural) for e in catalog])


def by_polib(text: str) -> polib.POFile:
    # polib skips the previous strings of obsolete entries (`#~|`); as `#|` it reads them.
    return polib.pofile(re.sub(r"(?m)^(\s*)#~\|", r"\1#|", text), wrapwidth=79,
                        encoding="utf-8")


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: str(p.relative_to(REPO)))
def test_every_catalog_of_the_project_reads_as_polib_reads_it(path: Path) -> None:
    text = path.read_text("utf-8").removeprefix("\ufeff")
    assert view(read_entries(text, 79)) == view(by_polib(text))


# Text polib reads right: no line separator `str.splitlines` would break at, no bell (GNU
# writes `\a`, which polib does not decode).
_TEXT = st.text(st.characters(blacklist_categories=["Cs", "Zl", "Zp"],
                              blacklist_characters="\x00\x04\x07\x0b\x0c\x1c\x1d\x1e\x85\r"),
                max_size=60)
_WORD = st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True)


@st.composite
def catalogs(draw: st.DrawFn) -> polib.POFile:
    catalog = polib.POFile(wrapwidth=79)
    catalog.header = draw(st.sampled_from(["", "Catalog header.\nSecond line."]))
    catalog.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "fr"}
    seen: set[tuple[str | None, str]] = set()
    for _ in range(draw(st.integers(1, 6))):
        msgid = draw(_TEXT.filter(bool))
        context = draw(st.none() | _TEXT)
        if (context, msgid) in seen:
            continue
        seen.add((context, msgid))
        obsolete = draw(st.booleans())
        entry = polib.POEntry(
            msgid=msgid, msgctxt=context, msgstr=draw(_TEXT | st.just("")),
            tcomment=draw(st.sampled_from(["", "A translator's note.", "two\nlines"])),
            comment=draw(st.sampled_from(["", "Step 2 of 4.", "extracted\nnote"])),
            occurrences=[] if obsolete else draw(st.lists(
                st.tuples(_WORD.map(lambda w: f"source/{w}.yaml"),
                          st.sampled_from(["", "12"])), max_size=3)),
            flags=draw(st.lists(st.sampled_from(["fuzzy", "no-wrap", "c-format"]),
                                max_size=2, unique=True)),
            obsolete=obsolete)
        if "fuzzy" in entry.flags and draw(st.booleans()):
            entry.previous_msgid = draw(_TEXT.filter(bool))
            entry.previous_msgctxt = draw(st.none() | _TEXT)
        catalog.append(entry)
    return catalog


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalogs(), st.sampled_from([79, 40, None]))
def test_catalogs_written_as_gnu_writes_them_read_as_polib_reads_them(
        catalog: polib.POFile, width: int | None) -> None:
    text = render_po(catalog, width=width)
    assert view(read_entries(text, 79)) == view(by_polib(text))


@settings(max_examples=100, deadline=None)
@given(catalogs())
def test_catalogs_written_by_polib_read_as_polib_reads_them(catalog: polib.POFile) -> None:
    text = str(catalog)
    assert view(read_entries(text, 79)) == view(by_polib(text))


@pytest.mark.parametrize("text, line", [
    ('msgid "a"\nmsgid "b"\nmsgstr ""\n', 2),  # two msgids
    ('msgctxt "a"\nmsgstr "b"\n', 2),  # a msgstr without msgid
    ('msgid "a"\n#. note\n"b"\nmsgstr ""\n', 3),  # a continuation after a comment
    ('msgid "a"\nmsgstr "b"\nmsgstr "c"\n', 3),  # two msgstrs
    ('#~\nmsgid "a"\nmsgstr ""\n', 1),  # an obsolete mark with nothing after it
    ('#x note\nmsgid "a"\nmsgstr ""\n', 1),  # an unknown comment
])
def test_what_polib_refuses_is_refused_at_its_line(text: str, line: int) -> None:
    with pytest.raises(OSError):
        by_polib(text)
    with pytest.raises(SyntaxProblem) as refused:
        read_entries(text, 79)
    assert (refused.value.line, refused.value.code) == (line, "E401")
