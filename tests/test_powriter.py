"""`render_po` against GNU gettext itself: what it writes must be what `msgcat` writes.

Every check runs the real GNU tools on real files: `msgcat` (default width, `-w 50`,
`--no-wrap`) must leave the text byte for byte as `render_po` wrote it, and `msgfmt -c
--check-format` must accept it. One msgcat run checks a whole catalog, so the generated
cases put many entries in one catalog.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.gettext import powriter
from pipeline.gettext.pofiles import parse_catalog
from pipeline.gettext.powriter import render_po, width_of

REPO = Path(__file__).resolve().parents[1]
LOCALES = REPO / "locales"
FIXTURES = Path(__file__).parent / "fixtures" / "catalogs"
REPO_CATALOGS = sorted([*LOCALES.rglob("*.po"), *LOCALES.rglob("*.pot")])
# Hand-made: fuzzy entries with previous msgids, and obsolete ones.
FIXTURE_CATALOGS = sorted(FIXTURES.glob("agreement/*.po*"))
# (render_po width, msgcat options writing the same layout)
WIDTHS = [(79, ()), (50, ("-w", "50")), (None, ("--no-wrap",))]

HEADER = {
    "Project-Id-Version": "powriter test",
    "Report-Msgid-Bugs-To": "",
    "POT-Creation-Date": "2024-01-01 10:00+0000",
    "PO-Revision-Date": "2024-01-02 10:00+0000",
    "Last-Translator": "Test <test@example.org>",
    "Language-Team": "French <fr@li.org>",
    "Language": "fr",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
    "Plural-Forms": "nplurals=2; plural=(n > 1);",
}


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"GNU gettext's `{name}` is not on PATH: these tests compare the writer "
                    "with it (install gettext, e.g. `apt-get install gettext`)")
    return found


_MSGCAT_RUNS: dict[tuple[str, tuple[str, ...]], str] = {}


def msgcat(tmp_path: Path, text: str, *options: str) -> str:
    """What `msgcat [options] X -o Y` writes for catalog text `text` (each run once)."""
    if (text, options) not in _MSGCAT_RUNS:
        _MSGCAT_RUNS[text, options] = _run_msgcat(tmp_path, text, options)
    return _MSGCAT_RUNS[text, options]


def _run_msgcat(tmp_path: Path, text: str, options: tuple[str, ...]) -> str:
    source, target = tmp_path / "in.po", tmp_path / "out.po"
    source.write_bytes(text.encode("utf-8"))
    target.unlink(missing_ok=True)
    # --force-po: without it msgcat writes no file at all for a catalog of just a header.
    command = [_tool("msgcat"), "--force-po", *options, str(source), "-o", str(target)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"msgcat {' '.join(options)} failed:\n{done.stderr}"
    return target.read_bytes().decode("utf-8")


def assert_msgfmt_accepts(tmp_path: Path, text: str) -> None:
    path = tmp_path / "check.po"
    path.write_bytes(text.encode("utf-8"))
    done = subprocess.run([_tool("msgfmt"), "-c", "--check-format", "-o", "/dev/null",
                           str(path)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"msgfmt -c --check-format refused it:\n{done.stderr}"


def assert_same(mine: str, gnu: str) -> None:
    """Equal texts, or the first entry that differs (whole files make unreadable diffs)."""
    if mine == gnu:
        return
    for ours, theirs in zip(mine.split("\n\n"), gnu.split("\n\n")):
        assert ours == theirs, "render_po and msgcat differ"
    assert mine == gnu


def assert_fixed_point(tmp_path: Path, catalog: polib.POFile) -> None:
    """For each width, msgcat with the same width rewrites render_po's text unchanged,
    and msgfmt -c accepts it."""
    for width, options in WIDTHS:
        mine = render_po(catalog, width=width)
        assert_same(mine, msgcat(tmp_path, mine, *options))
        assert_msgfmt_accepts(tmp_path, mine)


def read(path: Path) -> polib.POFile:
    return parse_catalog(path.read_text(encoding="utf-8"), str(path.relative_to(REPO)))


def test_line_breaking_is_libunistrings() -> None:
    """The exact layout needs the library GNU gettext breaks lines with."""
    _tool("msgcat")
    assert powriter.GNU_EXACT, "libunistring could not be loaded: line breaks are approximate"


# ---------------------------------------------------------------- the project's catalogs


def test_there_are_catalogs_to_check() -> None:
    assert len(REPO_CATALOGS) >= 2 and FIXTURE_CATALOGS


@pytest.mark.parametrize("path", REPO_CATALOGS + FIXTURE_CATALOGS,
                         ids=lambda path: str(path.relative_to(REPO)))
def test_repo_catalog_is_a_msgcat_fixed_point(tmp_path: Path, path: Path) -> None:
    assert_fixed_point(tmp_path, read(path))


def test_fixture_has_the_hard_cases() -> None:
    """The hand-made catalog does hold fuzzy entries with a previous msgid, and obsolete
    ones, so the test above covers them."""
    catalog = read(FIXTURES / "agreement" / "old.po")
    assert any(entry.previous_msgid and "fuzzy" in entry.flags for entry in catalog)
    assert any(entry.obsolete for entry in catalog)


def test_polib_layout_is_not_msgcats(tmp_path: Path) -> None:
    """polib puts the space at the start of a wrapped line, GNU at the end of the one
    before: a writer falling back to polib's layout fails here."""
    path = LOCALES / "fr" / "LC_MESSAGES" / "bird-dog.po"
    catalog = read(path)
    gnu = msgcat(tmp_path, path.read_text(encoding="utf-8"))
    assert str(catalog) != gnu
    assert render_po(catalog) == gnu


@pytest.mark.parametrize("path", REPO_CATALOGS, ids=lambda path: str(path.relative_to(REPO)))
def test_shipped_file_is_left_alone_by_msgcat(tmp_path: Path, path: Path) -> None:
    """The files as committed, not only as this module would write them: a translator's
    `msgcat f.po -o f.po` on an untouched catalog or template changes no byte."""
    text = path.read_text(encoding="utf-8")
    assert msgcat(tmp_path, text) == text


# ---------------------------------------------------------------- strings that once differed


REGRESSIONS = [
    # libunistring breaks after "." between letters, unlike UAX #14 today (and ICU).
    ("They are a safe place to start. This guide starts with easy movements, i.e. the "
     "pelvic tilt, e.g. to warm up, and moves on to harder ones, etc. and so on today."),
    ("This guide starts with easy movements, such as the [pelvic tilt](../exercises/"
     "pelvic-tilt.yaml), and moves on to exercises that strengthen your core."),
    ("Elles vous apprennent aussi la légère contraction du ventre, comme le [dead bug]"
     "(dead-bug.yaml)."),
    # No break just before the `\n` that ends a line, nor inside an escape sequence.
    "Une phrase assez longue pour remplir presque toute la ligne de soixante-dix-neuf\n",
    'Une phrase assez longue pour remplir presque toute la ligne, "entre guillemets" ok',
    "Une phrase assez longue pour remplir presque toute la ligne de texte\\n\\\\ et puis",
    "Tabulations\tet\tretours\r\net cloches\a\b\f\v assez longues pour être coupées, oui oui.",
    # Spaces that forbid a break, French punctuation and quotes.
    ("Tenez la position 30\u00a0secondes\u202f; respirez calmement « sans forcer » : voilà "
     "— puis relâchez… et recommencez\u00a0!"),
    "    leading spaces, then a long line that must be cut somewhere after these words ",
    "trailing spaces fill the line exactly to the limit of seventy-nine columns      ",
    "x" * 120 + " then words after a word longer than any line",
    # Wide and zero-width characters are counted in columns.
    "日本語のテキストは文字ごとに改行できます。幅は二列として数えます。これは長い文です。" * 2,
    ("Emoji 👨‍👩‍👧 and 👍🏽 and flags 🇫🇷🇪🇸 count as wide, combining e\u0301\u0308 as "
     "narrow, in a line long enough to be cut at least once or twice."),
    # A line separator restarts libunistring's count without ending the line.
    ("A first part that is long enough\u2028and a second part after a line separator that "
     "goes on and on"),
    ("First line\nSecond line that is quite long, long enough to be wrapped by msgcat itself "
     "at 79\n\nAfter an empty line"),
]
# Python format directives are never cut, not even after their space flag ("% d").
PYTHON_FORMAT = [
    "Progression : 10% of the exercises done, and %(count)s left to do for %(name)s today",
    "Vous avez fait 50 % des exercices et il en reste %(count) d à faire aujourd’hui, bravo",
    "A string that is long enough to be cut right in the middle of % d and % -5d and %%",
]


def _regression_catalog() -> polib.POFile:
    catalog = polib.POFile()
    catalog.metadata = dict(HEADER)
    for number, text in enumerate(REGRESSIONS):
        catalog.append(polib.POEntry(msgctxt=f"r{number}", msgid=text, msgstr=text))
        catalog.append(polib.POEntry(msgid=text, msgstr="", previous_msgid=text, flags=["fuzzy"]))
    for number, text in enumerate(PYTHON_FORMAT):
        for pad in range(12):
            catalog.append(polib.POEntry(msgctxt=f"p{number}.{pad}", msgid="x" * pad + text,
                                         msgstr="x" * pad + text, flags=["python-format"]))
    return catalog


def test_regression_strings(tmp_path: Path) -> None:
    assert_fixed_point(tmp_path, _regression_catalog())


def test_comments_references_and_flags_as_gnu_writes_them(tmp_path: Path) -> None:
    """Comment spacing, references (duplicates, `./`, leading zeros, long ones, wrapping
    even with --no-wrap), flags GNU keeps and their order, an obsolete entry's lines."""
    catalog = polib.POFile()
    catalog.metadata = dict(HEADER, **{"X-Long": "word " * 30})
    catalog.metadata_is_fuzzy = True
    catalog.header = "Header comment\n\n  indented\n,comma\n:colon"
    catalog.append(polib.POEntry(
        msgid="a", msgstr="b", tcomment="one\n\n two", comment="dot\n\n  two",
        occurrences=[("./a.py", "1"), ("a.py", "1"), ("a.py", "1"), ("b.py", ""),
                     ("c.py", "007"), ("long/" * 20 + "name.py", "12"), ("x.py", "3")],
        flags=["wrap", "no-c-format", "fuzzy", "python-brace-format", "weird",
               "range: 1..5", "impossible-perl-format", "possible-sh-format"]))
    catalog.append(polib.POEntry(msgid="no wrap " * 20, msgstr="pas de retour " * 20,
                                 flags=["no-wrap"]))
    catalog.append(polib.POEntry(msgid="untranslated fuzzy", msgstr="", flags=["fuzzy"]))
    catalog.append(polib.POEntry(msgid="obsolete", msgstr="obsolète", obsolete=True,
                                 tcomment="tc", comment="ec", occurrences=[("o.py", "3")],
                                 flags=["fuzzy", "c-format"], previous_msgctxt="old",
                                 previous_msgid="an old msgid " * 10))
    catalog.append(polib.POEntry(msgid="obsolete, untranslated", msgstr="", obsolete=True))
    # GNU joins a line ending with a backslash to the next one, comments too.
    catalog.append(polib.POEntry(msgid="backslash", msgstr="b", tcomment="ends with \\",
                                 comment="\\\n\\"))
    # An obsolete entry keeps its format flags and no-wrap (msgcat 0.21 writes them and lays
    # the entry out by them), but not its range.
    catalog.append(polib.POEntry(msgid="obsolete no-wrap " * 6, msgstr="% d " * 30,
                                 obsolete=True, flags=["no-wrap", "python-format", "range: 1..3"],
                                 previous_msgid="sacro-iliaque[lien](cible.md) " * 3))
    catalog.append(polib.POEntry(msgid="obsolete format " * 6, msgstr="x% d " * 30,
                                 obsolete=True, flags=["fuzzy", "python-format"]))
    assert_fixed_point(tmp_path, catalog)
    text = render_po(catalog)
    assert "obsolete, untranslated" not in text  # GNU drops it
    assert '#, python-format, no-wrap\n#~| msgid "sacro' in text
    assert '#, fuzzy, python-format\n#~ msgid ""\n' in text
    assert "#, fuzzy, no-c-format, python-brace-format, sh-format, range: 1..5\n" in text


def test_plural_entries(tmp_path: Path) -> None:
    catalog = polib.POFile()
    catalog.metadata = dict(HEADER)
    catalog.append(polib.POEntry(msgid="%d exercise " * 9, msgid_plural="%d exercises " * 9,
                                 msgstr_plural={0: "%d exercice " * 9, 1: "%d exercices " * 9},
                                 flags=["c-format"]))
    assert_fixed_point(tmp_path, catalog)


def test_approximation_agrees_on_the_project_catalogs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without libunistring the break points are approximate, but they still match on the
    content this project has."""
    catalogs = [read(path) for path in REPO_CATALOGS + FIXTURE_CATALOGS]
    expected = [render_po(catalog, width=width) for catalog in catalogs for width in (79, 50)]
    monkeypatch.setattr(powriter, "_BREAKS", powriter._approximate_breaks)
    got = [render_po(catalog, width=width) for catalog in catalogs for width in (79, 50)]
    assert got == expected


# ---------------------------------------------------------------- generated catalogs


WORDS = ["le", "genou", "hanche", "sacro-iliaque", "au-dessus", "l’articulation", "et/ou",
         "10/15", "30-45", "e.g.", "i.e.", "etc.", "Dr.", "straße", "mañana", "año",
         "https://example.org/a-b/c?d=1&e=2", "**gras**", "*it*", "_x_", "[lien](cible.md)",
         "(parenthèse)", "« citation »", "“quote”", "l’été", "…", "—", "–", "x" * 85]
CHUNKS = (WORDS * 3 + [" "] * 40 + ["  ", "   ", "\n", "\n\n", "\t", "\\", '"', "\u00a0",
          "\u202f", "\u2009", "\u200b", "\u00ad", "-", "/", "'", "’", ".", ",", ";", ":", "!",
          "?", "%", "$", "#", "@", "&", "*", "_", "[", "]", "(", ")", "{", "}", "<", ">", "|",
          "0", "42", "1.5", "¿", "¡", "e\u0301", "a\u0308", "日本語", "、", "。", "「引用」",
          "한국어", "！", "（注）", "😀", "👍🏽", "👨‍👩‍👧", "🇫🇷", "❤️", "مرحبا", "שלום",
          "ภาษาไทย", "हिन्दी", "\r", "\x01", "\x7f", "\u2028", "\x85", "\a", "\b", "\f", "\v",
          "\u3000", "\ufeff"])
DIRECTIVES = [" ", " ", "mot", "le", "10", "%%", "%s", "% d", "%-5d", "% o", "%.2f", "%*d"]
NAMED_DIRECTIVES = [" ", " ", "mot", "le", "10", "%%", "%(nom)s", "%(n) d", "%(x)-3i"]

texts = st.lists(st.sampled_from(CHUNKS), max_size=45).map("".join)
any_texts = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00\x04"),
                    max_size=120)
paths = st.from_regex(r"(\./)?[a-z_./-]{1,40}\.(py|yaml)", fullmatch=True)
references = st.lists(st.tuples(paths, st.sampled_from(["", "1", "7", "007", "12345"])),
                      max_size=6)
flag_sets = st.lists(st.sampled_from(["fuzzy", "no-wrap", "wrap", "no-c-format",
                                      "no-python-format", "range: 1..4", "made-up-flag"]),
                     max_size=3, unique=True)
comments = st.one_of(st.just(""), st.lists(st.one_of(texts.map(lambda t: t.replace("\n", " ")),
                                                     st.just("")), max_size=3).map("\n".join))


def _matching(translation: str, original: str) -> str:
    """A translation that begins and ends with a newline where the original does, as
    msgfmt -c requires."""
    core = translation.strip("\n") or "t"
    return ("\n" if original.startswith("\n") else "") + core + (
        "\n" if original.endswith("\n") else "")


@st.composite
def entries(draw: st.DrawFn) -> polib.POEntry:
    if draw(st.integers(0, 9)) == 0:  # a Python format string, the same in both fields
        alphabet = draw(st.sampled_from([DIRECTIVES, NAMED_DIRECTIVES]))
        text = draw(st.lists(st.sampled_from(alphabet), min_size=1, max_size=40).map("".join))
        return polib.POEntry(msgid=text, msgstr=text, flags=["python-format"])
    msgid = draw(st.one_of(texts, texts, any_texts)) or "x"
    translation = draw(st.one_of(st.just(""), texts, any_texts))
    entry = polib.POEntry(
        msgctxt=draw(st.one_of(st.none(), st.none(), texts)), msgid=msgid,
        msgstr=_matching(translation, msgid) if translation else "",
        tcomment=draw(comments), comment=draw(comments), occurrences=draw(references),
        flags=draw(flag_sets), obsolete=draw(st.integers(0, 7)) == 0)
    if draw(st.booleans()):
        entry.previous_msgid = draw(texts)
        if draw(st.booleans()):
            entry.previous_msgctxt = draw(texts)
    if draw(st.integers(0, 4)) == 0:  # a phrase with a count: msgid_plural and two forms
        brace = draw(st.booleans())
        count = "{count} " if brace else ""
        entry.msgid = count + entry.msgid.replace("{", "").replace("}", "")
        entry.msgid_plural = count + (draw(texts) or "p").replace("{", "").replace("}", "")
        forms = [draw(st.one_of(st.just(""), texts)) for _ in range(2)]
        if forms[0]:  # msgfmt -c holds a translated entry's forms to the English's format
            forms = [_matching(count + (f or "t").replace("{", "").replace("}", ""), entry.msgid)
                     for f in forms]
        entry.msgstr, entry.msgstr_plural = "", dict(enumerate(forms))
        if brace:
            entry.flags.append("python-brace-format")
        if entry.previous_msgid is not None and draw(st.booleans()):
            entry.previous_msgid_plural = draw(texts)
    return entry


@st.composite
def catalogs(draw: st.DrawFn) -> polib.POFile:
    catalog = polib.POFile()
    catalog.metadata = dict(HEADER)
    if draw(st.booleans()):
        catalog.metadata["X-Note"] = draw(texts).replace("\n", " ")
    catalog.header = draw(comments)
    seen = set()
    for entry in draw(st.lists(entries(), min_size=1, max_size=40)):
        if (entry.msgctxt, entry.msgid) not in seen:  # msgcat refuses a repeated entry
            seen.add((entry.msgctxt, entry.msgid))
            catalog.append(entry)
    return catalog


@settings(max_examples=30, derandomize=True, database=None, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(catalogs())
def test_generated_catalogs_are_msgcat_fixed_points(tmp_path: Path,
                                                    catalog: polib.POFile) -> None:
    assert_fixed_point(tmp_path, catalog)


# ---------------------------------------------------------------- width_of


def _telling(catalog: polib.POFile, width: int | None) -> bool:
    """Whether the catalog has a string long enough for its layout to show `width`."""
    return render_po(catalog, width=width) != render_po(
        catalog, width=79 if width is None else None)


def test_a_line_of_one_column_characters_is_counted_as_each_character_counts() -> None:
    """The quick count of a line (its length, when every character takes one column) agrees
    with the per-character widths on every character of the Basic Multilingual Plane."""
    for code in range(0x10000):
        char = chr(code)
        if powriter._columns(char + "é") != powriter._approximate_width(char) + 1:
            raise AssertionError(f"U+{code:04X} is counted as another width than its own")
    assert powriter._columns("« Tenez\u202f» — 30\u00a0s !") == 18
    assert powriter._columns("ﬁn 漢字 e\u0301") == 9


def test_width_of_recovers_msgcats_width(tmp_path: Path) -> None:
    """From what msgcat writes with its default width, with -w 50 and with --no-wrap,
    for every project catalog with a string long enough to show it."""
    told = {79: 0, 50: 0, None: 0}
    for path in REPO_CATALOGS:
        catalog = read(path)
        for width, options in WIDTHS:
            if width != 79 and not _telling(catalog, width):
                continue
            written = msgcat(tmp_path, render_po(catalog, width=width), *options)
            assert width_of(written) == width, f"{path.name} written with {options}"
            told[width] += 1
    assert all(told.values()), f"no catalog long enough to tell some width: {told}"


def test_width_of_a_long_catalog_is_told_by_its_first_lines(tmp_path: Path) -> None:
    """A catalog longer than what is measured: its width comes from its first lines, and
    what follows (here one string of 300,000 lines, as a hostile file may hold) neither
    changes the answer nor is read."""
    catalog = polib.POFile()
    catalog.metadata = dict(HEADER)
    for n in range(8000):
        catalog.append(polib.POEntry(
            msgid=f"Step {n}: keep your back straight and breathe out as you lift",
            msgstr=f"Étape {n} : gardez le dos bien droit et expirez lentement en soulevant "
                   "le bassin du sol"))
    for width, options in WIDTHS:
        written = msgcat(tmp_path, render_po(catalog, width=width), *options)
        assert written.count("\n") > 20_000
        hostile = written + 'msgid "x"\nmsgstr ""\n' + '"a"\n' * 300_000
        assert width_of(written) == width_of(hostile) == width, options


def test_width_of_defaults_to_79() -> None:
    catalog = polib.POFile()
    catalog.metadata = dict(HEADER)
    catalog.append(polib.POEntry(msgid="short", msgstr="court"))
    assert width_of(render_po(catalog, width=None)) == 79
    assert width_of(render_po(catalog, width=50)) == 79
    assert width_of("") == 79
