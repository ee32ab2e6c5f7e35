"""Escape sequences in catalog strings are read as GNU gettext reads them.

Each case is a real `.po` file compiled by GNU `msgfmt`: the compiled `.mo` (read with Python's
`gettext`) is what GNU makes of the escape, and our reader must give the same text. Escapes
that msgfmt refuses are refused too, located at their line; escapes that yield a NUL or EOT
(which split a compiled message) or bytes that are not UTF-8 are refused as well.
"""

from __future__ import annotations

import gettext
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.gettext.pofiles import PoReadError, read_catalog

from build_helpers import bundle_file, cli, clone, po_path, tiny_template

pytestmark = pytest.mark.skipif(shutil.which("msgfmt") is None, reason="needs GNU msgfmt")

HEADER = ('msgid ""\nmsgstr ""\n"Language: fr\\n"\n'
          '"Content-Type: text/plain; charset=UTF-8\\n"\n'
          '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n')

# (escape as written in the .po string, what GNU gettext makes of it)
DECODED = [
    (r"\101", "A"),  # octal
    (r"\1012", "A2"),  # octal takes at most three digits
    (r"\x41", "A"),  # hex
    (r"\x1F641", "A"),  # hex takes every digit; the byte is the low eight bits
    (r"\303\251", "é"),  # the bytes of a UTF-8 character
    (r"\xC3\xA9", "é"),
    (r"\a", "\a"), (r"\b", "\b"), (r"\f", "\f"), (r"\v", "\v"),
    (r"\t", "\t"), (r"\r", "\r"), (r"\n", "\n"), (r"\\", "\\"), (r"\"", '"'),
    (r"\\101", "\\101"),  # an escaped backslash, then digits
    (r"\\\x41", "\\A"),
]


def compiled(po: Path) -> gettext.GNUTranslations:
    """What GNU msgfmt makes of a catalog."""
    mo = po.with_suffix(".mo")
    subprocess.run(["msgfmt", "-o", str(mo), str(po)], check=True, capture_output=True)
    with mo.open("rb") as fh:
        return gettext.GNUTranslations(fh)


def msgfmt_refuses(po: Path) -> bool:
    return subprocess.run(["msgfmt", "-o", "/dev/null", str(po)],
                          capture_output=True).returncode != 0


def test_escapes_decode_as_gnu_msgfmt_decodes_them(tmp_path: Path) -> None:
    entries = [f'msgid "k{n}"\nmsgstr "a{escape}z"\n' for n, (escape, _) in enumerate(DECODED)]
    # In a msgid and a msgctxt too, and in an obsolete entry's and a previous msgid.
    entries.append('msgctxt "c\\x41"\nmsgid "m\\101"\nmsgstr "M\\303\\251"\n')
    entries.append('#, fuzzy\n#| msgid "old \\x41"\nmsgid "new"\nmsgstr "neuf"\n')
    entries.append('#~ msgid "gone \\101"\n#~ msgstr "parti \\x41"\n')
    po = tmp_path / "escapes.po"
    po.write_text(HEADER + "\n" + "\n".join(entries), encoding="utf-8")
    gnu = compiled(po)
    ours = {(e.msgctxt, e.msgid): e for e in read_catalog(po, "escapes.po")}
    for n, (escape, text) in enumerate(DECODED):
        assert gnu.gettext(f"k{n}") == f"a{text}z", escape  # the table above is GNU's
        assert ours[(None, f"k{n}")].msgstr == f"a{text}z", escape
    assert gnu.pgettext("cA", "mA") == "Mé"
    assert ours[("cA", "mA")].msgstr == "Mé"
    assert ours[(None, "new")].previous_msgid == "old A"
    obsolete = ours[(None, "gone A")]
    assert obsolete.obsolete and obsolete.msgstr == "parti A"


def test_escapes_in_plural_entries_decode_as_gnu_msgfmt_decodes_them(tmp_path: Path) -> None:
    """msgid_plural, each msgstr[N] (continued too) and a previous msgid_plural."""
    po = tmp_path / "plural.po"
    po.write_text(HEADER + '\n#, fuzzy\n#| msgid "{n} s\\x41"\n#| msgid_plural "{n} s\\101s"\n'
                  'msgid "{n} \\x41"\nmsgid_plural "{n} \\101s"\nmsgstr[0] "{n} \\303\\251"\n'
                  'msgstr[1] ""\n"{n} \\xC3\\xA9s\\t"\n', encoding="utf-8")
    (entry,) = read_catalog(po, "plural.po")
    assert (entry.msgid, entry.msgid_plural) == ("{n} A", "{n} As")
    assert entry.msgstr_plural == {0: "{n} é", 1: "{n} és\t"}
    assert (entry.previous_msgid, entry.previous_msgid_plural) == ("{n} sA", "{n} sAs")
    reviewed = po.with_name("reviewed.po")
    reviewed.write_text(po.read_text("utf-8").replace("#, fuzzy\n", ""), encoding="utf-8")
    gnu = compiled(reviewed)
    assert (gnu.ngettext("{n} A", "{n} As", 1), gnu.ngettext("{n} A", "{n} As", 2)) == (
        "{n} é", "{n} és\t")


def test_an_escape_msgfmt_refuses_in_a_plural_form_is_located(tmp_path: Path) -> None:
    po = tmp_path / "bad.po"
    po.write_text(HEADER + '\nmsgid "a"\nmsgid_plural "b"\nmsgstr[0] "x"\nmsgstr[1] "y\\qz"\n',
                  encoding="utf-8")
    assert msgfmt_refuses(po)
    with pytest.raises(PoReadError) as caught:
        read_catalog(po, "bad.po")
    found = caught.value.diagnostic
    assert (found.code, found.line, found.column) == ("E401", 10, 13)


INVALID = [r"\q", r"\'", r"\?", r"\e", r"\8", r"\x", r"\xg", r"\u00e9", r"\X41"]


@pytest.mark.parametrize("escape", INVALID)
def test_an_escape_msgfmt_refuses_is_a_located_e401(tmp_path: Path, escape: str) -> None:
    po = tmp_path / "bad.po"
    po.write_text(HEADER + f'\nmsgid "k"\nmsgstr ""\n"a{escape}z"\n', encoding="utf-8")
    assert msgfmt_refuses(po)
    with pytest.raises(PoReadError) as caught:
        read_catalog(po, "bad.po")
    found = caught.value.diagnostic
    assert (found.code, found.line, found.column) == ("E401", 9, 3)
    assert escape[:2] in found.message and "\\\\" in found.message


@pytest.mark.parametrize("escape,code", [
    (r"\0", "E401"), (r"\004", "E401"), (r"\x04", "E401"),
    (r"\x100", "E401"),  # hex 100: the low byte is NUL
    (r"\377", "E402"), (r"\xe9", "E402"),  # a byte that is not UTF-8 on its own
])
def test_an_escape_giving_a_separator_or_a_byte_that_is_not_utf8_is_refused(
        tmp_path: Path, escape: str, code: str) -> None:
    po = tmp_path / "bad.po"
    po.write_text(HEADER + f'\nmsgid "k"\nmsgstr "a{escape}z"\n', encoding="utf-8")
    with pytest.raises(PoReadError) as caught:
        read_catalog(po, "bad.po")
    found = caught.value.diagnostic
    assert (found.code, found.line, found.column) == (code, 8, 10)


def test_check_reports_an_invalid_escape_at_its_line_and_reads_a_valid_one(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory,
        capsys: pytest.CaptureFixture[str]) -> None:
    tiny = clone(tiny_template(tmp_path_factory), tmp_path / "tiny")
    po = po_path(tiny, "glute-bridge")
    rel = po.relative_to(tiny).as_posix()
    original = po.read_text("utf-8")
    assert original.count('msgstr "Pont fessier"') == 1
    line = original.split("\n").index('msgstr "Pont fessier"') + 1
    po.write_text(original.replace('msgstr "Pont fessier"', r'msgstr "Pont fe\qssier"'), "utf-8")
    run = cli(capsys, tiny, "check", "--format", "json")
    found = [(d["path"], d["line"], d["code"]) for d in json.loads(run.out)["diagnostics"]]
    assert (run.code, found) == (1, [(rel, line, "E401")])
    # Octal and hex spell the same translation: the catalog means what it meant, so it is
    # not stale, `update` leaves it as it is, and it builds as plain text.
    escaped = original.replace('msgstr "Pont fessier"', r'msgstr "Pont f\x65ssi\145r"')
    po.write_text(escaped, "utf-8")
    assert cli(capsys, tiny, "check").code == 0
    assert cli(capsys, tiny, "update").code == 0
    assert po.read_text("utf-8") == escaped
    assert cli(capsys, tiny, "build").code == 0
    bundle = json.loads(bundle_file(tiny / "build", "fr/glute-bridge.json").read_text("utf-8"))
    assert bundle["document"]["name"] == "Pont fessier"
