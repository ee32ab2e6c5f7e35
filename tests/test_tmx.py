"""`pipeline tmx export|import`: the locale's translation memory for a vendor's CAT tool, and
a vendor's memory as suggestions.

The export is read back with translate-toolkit's `tmxfile` and compared with the catalogs
read by polib: exactly the reviewed pairs (obsolete entries included), nothing else.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import polib
import pytest

from pipeline.exchange.tmx import export_tmx

from build_helpers import cli_config, clone, edit_entry, po_path, tiny_template
from catalog_helpers import assert_msgfmt_ok, dosage_project, env, run_cli, translate_dosage

STOP = "**Stop** if you feel sharp pain in your lower back!"
ADVICE = ("Stop the exercise if you feel sharp pain, and read "
          "[this advice](https://example.org/pain).")


@pytest.fixture
def project(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    return clone(tiny_template(tmp_path_factory), tmp_path / "project")


def snapshot(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((root / "locales").rglob("*"))
            if p.is_file() and p.name != ".pipeline.lock"}


def reviewed_pairs(root: Path) -> set[tuple[str, str]]:
    """(English, French) of every translated, non-fuzzy entry, obsolete ones included."""
    return {(e.msgid, e.msgstr) for path in (root / "locales" / "fr" / "LC_MESSAGES").glob("*.po")
            for e in polib.pofile(str(path))
            if e.msgid and e.msgstr.strip() and "fuzzy" not in e.flags}


def test_tmx_holds_exactly_the_reviewed_pairs(project: Path, tmp_path: Path) -> None:
    tmx = pytest.importorskip("translate.storage.tmx")
    # Work in progress stays out; a retired translation stays in.
    edit_entry(po_path(project, "glute-bridge"), STOP, fuzzy=True)
    edit_entry(po_path(project, "hip-pain"), ADVICE, msgstr="")
    path = po_path(project, "ann-lee")
    catalog = polib.pofile(str(path), wrapwidth=79)
    catalog.append(polib.POEntry(msgid="An old bio line.", msgstr="Une ancienne ligne.",
                                 obsolete=True))
    path.write_text(str(catalog), encoding="utf-8")
    out = tmp_path / "fr.tmx"
    result = run_cli(project, "tmx", "export", "--locale", "fr", "-o", str(out))
    assert result.code == 0, result.out + result.err
    store = tmx.tmxfile.parsefile(str(out))
    found = [(u.source, u.target) for u in store.units]
    assert len(found) == len(set(found))
    assert set(found) == reviewed_pairs(project)
    assert ("An old bio line.", "Une ancienne ligne.") in found
    assert not any(source in (STOP, ADVICE) for source, _ in found)
    text = out.read_text(encoding="utf-8")
    assert 'srclang="en"' in text and 'xml:lang="fr"' in text
    # The glossary's contexts travel as properties; markup as codes holding its characters.
    assert '<prop type="x-context">muscle</prop>' in text
    assert '<bpt i="1" x="1" type="italic">*</bpt>talons<ept i="1">*</ept>' in text


def test_tmx_export_is_deterministic(project: Path, tmp_path: Path) -> None:
    first, second, dated = tmp_path / "a.tmx", tmp_path / "b.tmx", tmp_path / "c.tmx"
    for out in (first, second):
        assert run_cli(project, "tmx", "export", "--locale", "fr", "-o", str(out)).code == 0
    assert first.read_bytes() == second.read_bytes()
    assert b"creationdate" not in first.read_bytes()
    with env(SOURCE_DATE_EPOCH="1700000000"):
        assert run_cli(project, "tmx", "export", "--locale", "fr", "-o", str(dated)).code == 0
    assert b'creationdate="20231114T221320Z"' in dated.read_bytes()
    assert dated.read_bytes().replace(b' creationdate="20231114T221320Z"', b"") == \
        first.read_bytes()
    sources = [line for line in first.read_text(encoding="utf-8").splitlines()
               if 'tuv xml:lang="en"' in line]
    assert sources  # one English per unit, in sorted order (checked through the parser)
    tmx = pytest.importorskip("translate.storage.tmx")
    keys = [u.source for u in tmx.tmxfile.parsefile(str(first)).units]
    assert keys == sorted(keys)


def test_tmx_import_fills_untranslated_entries_as_fuzzy(project: Path, tmp_path: Path) -> None:
    memory = tmp_path / "vendor.tmx"
    assert run_cli(project, "tmx", "export", "--locale", "fr", "-o", str(memory)).code == 0
    french_advice = {e.msgid: e.msgstr for e in polib.pofile(str(po_path(project, "hip-pain")))
                     }[ADVICE]
    edit_entry(po_path(project, "hip-pain"), ADVICE, msgstr="")
    edit_entry(po_path(project, "glossary"), "Hamstrings", msgstr="", msgctxt="muscle")
    edit_entry(po_path(project, "glute-bridge"), STOP, msgstr="**Arrêtez** !", fuzzy=True)
    result = run_cli(project, "tmx", "import", str(memory), "--locale", "fr",
                     "--format", "json")
    assert result.code == 0, result.out + result.err
    report = json.loads(result.out)
    assert report["filled"] == 2 and report["diagnostics"] == []
    entries = {(e.msgctxt, e.msgid): e for e in polib.pofile(str(po_path(project, "hip-pain")))}
    assert entries[(None, ADVICE)].msgstr == french_advice
    assert "fuzzy" in entries[(None, ADVICE)].flags
    glossary = {(e.msgctxt, e.msgid): e for e in polib.pofile(str(po_path(project, "glossary")))}
    assert glossary[("muscle", "Hamstrings")].msgstr == "Ischio-jambiers"
    # A fuzzy entry is someone's work in progress: never replaced.
    stop = {e.msgid: e for e in polib.pofile(str(po_path(project, "glute-bridge")))}[STOP]
    assert stop.msgstr == "**Arrêtez** !"
    assert_msgfmt_ok(*sorted((project / "locales" / "fr" / "LC_MESSAGES").glob("*.po")))
    before = snapshot(project)
    again = run_cli(project, "tmx", "import", str(memory), "--locale", "fr")
    assert again.code == 0 and "0 untranslated entries filled" in again.out
    assert snapshot(project) == before


def test_a_hostile_tmx_changes_nothing(project: Path, tmp_path: Path) -> None:
    edit_entry(po_path(project, "hip-pain"), ADVICE, msgstr="")
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE", encoding="utf-8")
    path = tmp_path / "evil.tmx"
    path.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE tmx [<!ENTITY leak SYSTEM "{secret.as_uri()}">]>
<tmx version="1.4"><header srclang="en" creationtool="x" creationtoolversion="1"
 segtype="block" o-tmf="x" adminlang="en" datatype="plaintext"/>
<body><tu><tuv xml:lang="en"><seg>{ADVICE}</seg></tuv>
<tuv xml:lang="fr"><seg>&leak;</seg></tuv></tu></body></tmx>
""", encoding="utf-8")
    before = snapshot(project)
    result = run_cli(project, "tmx", "import", str(path), "--locale", "fr")
    assert result.code == 1
    assert "E702 exchange-unsafe-xml" in result.out and "TOP-SECRET-VALUE" not in result.out
    assert snapshot(project) == before
    assert run_cli(project, "tmx", "export", "--locale", "de").code == 2


# --------------------------------------------------------------------------------------------
# Plural entries: no TMX pair can carry their forms


def test_plural_entries_are_left_out_of_the_tmx_and_counted(
        tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> None:
    tmx = pytest.importorskip("translate.storage.tmx")
    root = clone(dosage_project(tmp_path_factory), tmp_path / "dosage")
    out = tmp_path / "fr.tmx"
    assert run_cli(root, "tmx", "export", "--locale", "fr", "-o", str(out)).code == 0
    found = {(u.source, u.target) for u in tmx.tmxfile.parsefile(str(out)).units}
    english = {source for source, _ in found}
    assert "Hold for {seconds}" in english  # a phrase without plural forms is a pair
    assert not english & {"{count} set", "{count} sets", "{count} second"}
    assert not {target for _, target in found} & {"{count} série", "{count} séries"}
    exported = export_tmx(cli_config(root), "fr")
    assert (exported.plural, exported.pairs) == (3, len(found))


def test_a_tmx_pair_never_fills_a_plural_entry(tmp_path_factory: pytest.TempPathFactory,
                                               tmp_path: Path) -> None:
    """A vendor's pair for the English of a plural entry gives one text where the language
    needs a form per plural form: the entry is left as it was; a phrase without plural
    forms is filled as usual."""
    root = clone(dosage_project(tmp_path_factory), tmp_path / "dosage")
    translate_dosage(po_path(root, "glossary"), {"{count} set": ["", ""]},
                     {"Hold for {seconds}": ""})
    memory = tmp_path / "vendor.tmx"
    memory.write_text("""<?xml version="1.0"?>
<tmx version="1.4"><header srclang="en" creationtool="x" creationtoolversion="1"
 segtype="block" o-tmf="x" adminlang="en" datatype="plaintext"/>
<body><tu><tuv xml:lang="en"><seg>{count} set</seg></tuv>
<tuv xml:lang="fr"><seg>{count} série(s)</seg></tuv></tu>
<tu><tuv xml:lang="en"><seg>Hold for {seconds}</seg></tuv>
<tuv xml:lang="fr"><seg>Tenez la position {seconds}</seg></tuv></tu></body></tmx>
""", encoding="utf-8")
    result = run_cli(root, "tmx", "import", str(memory), "--locale", "fr", "--format", "json")
    assert result.code == 0, result.out + result.err
    assert json.loads(result.out)["filled"] == 1
    entries = {e.msgid: e for e in polib.pofile(str(po_path(root, "glossary")))}
    assert entries["{count} set"].msgstr_plural == {0: "", 1: ""}
    assert entries["{count} set"].msgstr == ""
    assert entries["Hold for {seconds}"].msgstr == "Tenez la position {seconds}"
    assert_msgfmt_ok(po_path(root, "glossary"))
