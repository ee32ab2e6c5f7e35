"""`poreader` builds the objects polib builds: on every catalog polib reads right (no escape
polib does not know, no line separator inside a string), both readers give the same header,
metadata and entries, field by field and line by line. Where polib is wrong (GNU escapes,
`#~|` previous strings of obsolete entries) the reader follows GNU gettext, which
`test_po_escapes.py` checks against msgfmt.

Plural entries (msgid_plural, msgstr[N]) read into polib's `msgid_plural` and
`msgstr_plural`; a plural entry that is not whole is refused at its line, and each refusal is
one GNU msgfmt makes too."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import polib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.gettext.pofiles import PoReadError, form_lines, parse_catalog
from pipeline.gettext.poreader import SyntaxProblem, read_entries
from pipeline.gettext.powriter import render_po

from catalog_helpers import require_tool

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
              e.msgid_plural, e.msgstr_plural, e.previous_msgid_plural) for e in catalog])


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
    catalog.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "fr",
                        "Plural-Forms": "nplurals=2; plural=(n > 1);"}
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
        if draw(st.booleans()):  # a plural entry: two forms, as the header's nplurals
            entry.msgid_plural = draw(_TEXT.filter(bool))
            entry.msgstr_plural = {0: entry.msgstr, 1: draw(_TEXT | st.just(""))}
            entry.msgstr = ""
            if entry.previous_msgid is not None and draw(st.booleans()):
                entry.previous_msgid_plural = draw(_TEXT.filter(bool))
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


def _long_string(lines: list[str]) -> str:
    return HEADER + 'msgid "Hold"\nmsgstr ""\n' + "".join(f"{line}\n" for line in lines)


def test_a_string_of_many_lines_reads_as_polib_reads_it_with_every_line_counted() -> None:
    """Runs of plain continuation lines are read as one block: what breaks a run (an escape,
    spaces or tabs around the string, a comment, the end of the file without a newline) reads
    as before, and the entries after a run keep their lines."""
    lines = ['"a"'] * 500 + ['"tab\\there"', ' \t"b" \t'] + ['"c"'] * 300 + ['"d e"']
    text = _long_string(lines) + '\n#. note\nmsgid "Next"\nmsgstr "Suivant"\n"!"'
    read = read_entries(text, 79)
    assert view(read) == view(by_polib(text))
    assert read[0].msgstr == "a" * 500 + "tab\there" + "b" + "c" * 300 + "d e"
    assert (read[1].linenum, read[1].translation_line) == (len(lines) + 9, len(lines) + 11)


@pytest.mark.parametrize(("bad", "code"), [
    ('"never closed', "E401"), ('"a"b"', "E401"), ('"\\q"', "E401"), ('"\x00"', "E401"),
    ('"\\303"', "E402")])
def test_a_bad_line_after_a_run_of_good_ones_is_refused_at_its_line(bad: str, code: str) -> None:
    text = _long_string(['"a"'] * 400 + [bad] + ['"b"'] * 10)
    with pytest.raises(SyntaxProblem) as refused:
        read_entries(text, 79)
    assert (refused.value.line, refused.value.code) == (HEADER.count("\n") + 403, code)


# --------------------------------------------------------------------------------------------
# Plural entries

HEADER = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
          '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n')
PLURAL = ('#, python-brace-format\nmsgctxt "dosage"\nmsgid "{count} set"\n'
          'msgid_plural "{count} sets"\nmsgstr[0] "{count} série"\nmsgstr[1] "{count} séries"\n')


def test_a_plural_entry_reads_its_forms_and_the_line_of_each() -> None:
    text = (HEADER + PLURAL + '\n#, fuzzy\n#| msgid "{count} sec"\n#| msgid_plural "{count} secs"\n'
            'msgid "{count} second"\nmsgid_plural "{count} seconds"\nmsgstr[0] ""\n'
            '"{count} seconde"\nmsgstr[1] "{count} secondes"\n\n'
            '#~ msgid "{count} day"\n#~ msgid_plural "{count} days"\n#~ msgstr[0] "{count} jour"\n'
            '#~ msgstr[1] "{count} jours"\n')
    sets, seconds, days = parse_catalog(text, "fr.po")
    assert (sets.msgid_plural, sets.msgstr_plural, sets.msgstr) == (
        "{count} sets", {0: "{count} série", 1: "{count} séries"}, "")
    assert (sets.translation_line, form_lines(sets)) == (10, [10, 11])
    assert (seconds.previous_msgid, seconds.previous_msgid_plural) == ("{count} sec",
                                                                       "{count} secs")
    assert seconds.msgstr_plural == {0: "{count} seconde", 1: "{count} secondes"}
    assert form_lines(seconds) == [18, 20]
    assert days.obsolete and days.msgstr_plural == {0: "{count} jour", 1: "{count} jours"}
    assert view(read_entries(text, 79)) == view(by_polib(text))


def _msgfmt_refuses(tmp_path: Path, text: str) -> str:
    path = tmp_path / "refused.po"
    path.write_text(text, encoding="utf-8")
    done = subprocess.run([require_tool("msgfmt"), "-c", "-o", "/dev/null", str(path)],
                          capture_output=True, text=True, check=False)
    assert done.returncode != 0, f"msgfmt -c accepts what the reader refuses:\n{text}"
    return done.stderr


# (catalog text after the header, line of the refusal, words of the message); msgfmt -c
# refuses each of them too.
NOT_WHOLE = {
    "msgstr[N] without msgid_plural": (
        'msgid "{count} set"\nmsgstr[0] "{count} série"\n', 7, "has none: write msgstr"),
    "msgstr in a plural entry": (
        'msgid "{count} set"\nmsgid_plural "{count} sets"\nmsgstr "séries"\n', 8,
        "not by msgstr"),
    "a form skipped": (
        'msgid "a"\nmsgid_plural "b"\nmsgstr[0] "x"\nmsgstr[2] "y"\n', 9,
        "msgstr[2] where msgstr[1] is due"),
    "forms out of order": (
        'msgid "a"\nmsgid_plural "b"\nmsgstr[1] "x"\nmsgstr[0] "y"\n', 8,
        "msgstr[1] where msgstr[0] is due"),
    "a form twice": (
        'msgid "a"\nmsgid_plural "b"\nmsgstr[0] "x"\nmsgstr[0] "y"\n', 9,
        "msgstr[0] where msgstr[1] is due"),
    "no form at all": ('msgid "a"\nmsgid_plural "b"\n', 7, "no msgstr[0] after it"),
    "a comment inside": (
        'msgid "a"\nmsgid_plural "b"\n# note\nmsgstr[0] "x"\nmsgstr[1] "y"\n', 8,
        "a comment cannot follow msgid_plural"),
    "one form too few for nplurals=2": (
        'msgid "a"\nmsgid_plural "b"\nmsgstr[0] "x"\n', 7,
        "has 1 form (msgstr[0]), but the catalog's Plural-Forms header says nplurals=2"),
    "one form too many for nplurals=2": (
        'msgid "a"\nmsgid_plural "b"\nmsgstr[0] "x"\nmsgstr[1] "y"\nmsgstr[2] "z"\n', 7,
        "has 3 forms (msgstr[0] to msgstr[2])"),
}


@pytest.mark.parametrize("case", NOT_WHOLE, ids=str)
def test_a_plural_entry_that_is_not_whole_is_refused_at_its_line_as_msgfmt_refuses_it(
        tmp_path: Path, case: str) -> None:
    body, line, words = NOT_WHOLE[case]
    text = HEADER + body
    _msgfmt_refuses(tmp_path, text)
    with pytest.raises(PoReadError) as refused:
        parse_catalog(text, "fr.po")
    found = refused.value.diagnostic
    assert (found.line, found.code) == (line, "E401"), found
    assert words in found.message


def test_the_count_of_forms_follows_the_plural_forms_header(tmp_path: Path) -> None:
    """Three forms are right for Polish and wrong for French; a template (no Plural-Forms)
    holds English's two; an obsolete entry is not held to it (msgfmt ignores those too)."""
    three = 'msgid "a"\nmsgid_plural "b"\nmsgstr[0] "x"\nmsgstr[1] "y"\nmsgstr[2] "z"\n'
    polish = HEADER.replace("nplurals=2; plural=(n > 1);", "nplurals=3; plural=(n==1 ? 0 : "
                            "n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);")
    assert len(parse_catalog(polish + three, "pl.po")[0].msgstr_plural) == 3
    with pytest.raises(PoReadError):
        parse_catalog(polish + 'msgid "a"\nmsgid_plural "b"\nmsgstr[0] "x"\nmsgstr[1] "y"\n',
                      "pl.po")
    template = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n' + three
    assert len(parse_catalog(template, "t.pot")[0].msgstr_plural) == 3
    obsolete = HEADER + "".join("#~ " + line + "\n" for line in three.splitlines())
    path = tmp_path / "obsolete.po"
    path.write_text(obsolete, encoding="utf-8")
    subprocess.run([require_tool("msgfmt"), "-c", "-o", "/dev/null", str(path)], check=True,
                   capture_output=True)
    assert parse_catalog(obsolete, "fr.po")[0].obsolete


def test_an_empty_english_plural_is_refused_though_msgfmt_takes_it() -> None:
    """`msgid_plural ""` is GNU syntax but says nothing, and polib (hence every script)
    would write the entry back without its forms: refused, so nothing is lost."""
    text = HEADER + 'msgid "a"\nmsgid_plural ""\nmsgstr[0] "x"\nmsgstr[1] "y"\n'
    with pytest.raises(PoReadError) as refused:
        parse_catalog(text, "fr.po")
    assert (refused.value.diagnostic.line, refused.value.diagnostic.code) == (7, "E401")
    assert "msgid_plural is empty" in refused.value.diagnostic.message
