"""`pipeline xliff export|import`: the files vendors' CAT tools read, and what comes back.

Everything runs the real command (in-process, `catalog_helpers.run_cli`) on a copy of the
tiny project (French required, complete) in which a few entries were made to need work, and
judges the files with other people's tools: translate-toolkit's `xliff2po` reads the 1.2
files, the OASIS XLIFF 2.0 schemas (vendored in tests/fixtures/exchange/) validate the 2.0
ones, and lxml edits them as a CAT tool would before they come back. Catalogs written by an
import are checked with GNU `msgfmt -c`.
"""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import polib
import pytest
from lxml import etree

from pipeline.exchange import inline
from pipeline.exchange.units import unit_id
from pipeline.gettext.pofiles import render_catalog

from build_helpers import (
    NBSP,
    bundle_file,
    clone,
    edit_entry,
    edit_text,
    plain,
    plain_of,
    po_path,
    refresh,
    tiny_template,
)
from catalog_helpers import DOSAGE, assert_msgfmt_ok, dosage_project, run_cli

FIXTURES = Path(__file__).parent / "fixtures" / "exchange"
X12 = "urn:oasis:names:tc:xliff:document:1.2"
X20 = "urn:oasis:names:tc:xliff:document:2.0"

HEELS = "Keep your weight on your *heels*."
STOP = "**Stop** if you feel sharp pain in your lower back!"
STOP_FR = "**Arrêtez** si vous ressentez une douleur vive dans le bas du dos !"
ADVICE = ("Stop the exercise if you feel sharp pain, and read "
          "[this advice](https://example.org/pain).")
HAMSTRINGS = "Hamstrings"
# What the "vendor" types, with {id:text} where the source's code pair `id` goes.
FRENCH = {
    HEELS: "Gardez le poids sur vos {1:talons}.",
    STOP: "{1:Arrêtez tout} si vous sentez une douleur vive dans le bas du dos" + NBSP + "!",
    ADVICE: "Arrêtez l’exercice en cas de douleur vive, et lisez {1:ces conseils}.",
    HAMSTRINGS: "Ischio-jambiers",
}
EXPECTED = {
    HEELS: "Gardez le poids sur vos *talons*.",
    STOP: "**Arrêtez tout** si vous sentez une douleur vive dans le bas du dos" + NBSP + "!",
    ADVICE: ("Arrêtez l’exercice en cas de douleur vive, et lisez "
             "[ces conseils](https://example.org/pain)."),
    HAMSTRINGS: "Ischio-jambiers",
}


# --------------------------------------------------------------------------------------------
# The project and its files


@pytest.fixture
def project(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    """The tiny project with four entries that need work: two untranslated (one with a link,
    one glossary term with a context), one fuzzy with its earlier English, one untranslated
    with emphasis."""
    root = clone(tiny_template(tmp_path_factory), tmp_path / "project")
    edit_entry(po_path(root, "glute-bridge"), HEELS, msgstr="")
    path = po_path(root, "glute-bridge")
    catalog = polib.pofile(str(path), wrapwidth=79)
    for entry in catalog:
        if entry.msgid == STOP:
            entry.flags = ["fuzzy"]
            entry.previous_msgid = "**Stop** if you feel pain!"
    path.write_text(render_catalog(catalog), encoding="utf-8")
    edit_entry(po_path(root, "hip-pain"), ADVICE, msgstr="")
    edit_entry(po_path(root, "glossary"), HAMSTRINGS, msgstr="", msgctxt="muscle")
    return root


def snapshot(root: Path) -> dict[str, str]:
    """sha256 of every file under locales/ (the lock file aside)."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((root / "locales").rglob("*"))
            if p.is_file() and p.name != ".pipeline.lock"}


def export(root: Path, out: Path, *extra: str) -> list[Path]:
    result = run_cli(root, "xliff", "export", "--locale", "fr", "-o", str(out), *extra)
    assert result.code == 0, result.out + result.err
    return sorted(out.glob("*.xlf"))


def imported(root: Path, *files: Path, expect: int = 0, fmt: str = "json") -> dict[str, object]:
    result = run_cli(root, "xliff", "import", *map(str, files), "--format", fmt)
    assert result.code == expect, result.out + result.err
    data = json.loads(result.out)
    assert isinstance(data, dict)
    return data


def rich(*spans: tuple[str, list[str], dict[str, str] | None]) -> dict[str, object]:
    """A bundle's rich text of one paragraph, from its spans (text, marks, link)."""
    return {"blocks": [{"type": "paragraph", "spans": [
                {"text": text, "marks": marks, "link": link} for text, marks, link in spans]}],
            "plain": "".join(text for text, _, _ in spans)}


def codes_of(report: dict[str, object]) -> list[str]:
    diagnostics = report["diagnostics"]
    assert isinstance(diagnostics, list)
    return [d["code"] for d in diagnostics]


def live(root: Path, doc: str) -> dict[tuple[str | None, str], polib.POEntry]:
    return {(e.msgctxt, e.msgid): e for e in polib.pofile(str(po_path(root, doc)))
            if not e.obsolete}


# --------------------------------------------------------------------------------------------
# A CAT tool, played by lxml


def _fill(target: etree._Element, source: etree._Element, pattern: str,
          code: Callable[[etree._Element, str], list[etree._Element]]) -> None:
    """Write `pattern` into the target: text, and for {id:text} the source's codes for pair
    `id` (copied, as a CAT tool copies tags) around the text."""
    target.text = None
    for child in list(target):
        target.remove(child)
    last: etree._Element | None = None

    def add_text(text: str) -> None:
        if last is None:
            target.text = (target.text or "") + text
        else:
            last.tail = (last.tail or "") + text

    rest = pattern
    while "{" in rest:
        before, _, tail = rest.partition("{")
        inner, _, rest = tail.partition("}")
        ident, _, words = inner.partition(":")
        add_text(before)
        elements = code(source, ident)
        if len(elements) == 1:  # a paired code holding its text (2.0 <pc>)
            element = copy.deepcopy(elements[0])
            element.text, element.tail = words, None
            target.append(element)
            last = element
        else:  # begin and end codes around the text (1.2 <bpt>/<ept>)
            start, end = (copy.deepcopy(e) for e in elements)
            start.tail, end.tail = words, None
            target.extend([start, end])
            last = end
    add_text(rest)


def _codes_20(source: etree._Element, ident: str) -> list[etree._Element]:
    return [e for e in source.iter(f"{{{X20}}}pc") if e.get("id") == ident]


def _codes_12(source: etree._Element, ident: str) -> list[etree._Element]:
    return [e for e in source if e.get("id") == ident and etree.QName(e).localname in
            ("bpt", "ept")]


def cat_tool(path: Path, translations: dict[str, str], version: str) -> None:
    """Translate a file as a CAT tool does: fill every target from `translations` (by the
    unit's English), mark it done, and save it its own way (attributes in another order,
    pretty-printed)."""
    parser = etree.XMLParser(remove_blank_text=True)
    tree = etree.parse(str(path), parser)
    for unit in tree.iter(f"{{{X20}}}unit", f"{{{X12}}}trans-unit"):
        ns = X20 if version == "2.0" else X12
        source = next(unit.iter(f"{{{ns}}}source"))
        english = inline.text_of(_source_pieces(source, unit, version))
        if english not in translations:
            continue
        holder = next(unit.iter(f"{{{ns}}}segment")) if version == "2.0" else unit
        target = holder.find(f"{{{ns}}}target")
        if target is None:
            target = etree.SubElement(holder, f"{{{ns}}}target")
            if version == "1.2":  # a target follows its source
                holder.remove(target)
                source.addnext(target)
        _fill(target, source, translations[english], _codes_20 if version == "2.0"
              else _codes_12)
        if version == "2.0":
            holder.set("state", "final")
        else:
            target.set("state", "translated")
    for element in tree.iter():
        items = list(element.attrib.items())
        element.attrib.clear()
        for key, value in reversed(items):
            element.set(key, value)
    path.write_bytes(etree.tostring(tree, pretty_print=True, xml_declaration=True,
                                    encoding="UTF-8"))


def _source_pieces(source: etree._Element, unit: etree._Element, version: str
                   ) -> list[inline.Piece]:
    """The English of a unit as the file holds it (codes' original data put back)."""
    if version == "1.2":
        return ["".join(source.itertext())]
    data = {d.get("id"): d.text or "" for d in unit.iter(f"{{{X20}}}data")}
    pieces: list[inline.Piece] = []

    def walk(node: etree._Element) -> None:
        pieces.append(node.text or "")
        for child in node:
            pieces.append(data[child.get("dataRefStart")])
            walk(child)
            pieces.append(data[child.get("dataRefEnd")])
            pieces.append(child.tail or "")

    walk(source)
    return pieces


# --------------------------------------------------------------------------------------------
# Export


def test_export_holds_only_the_work_and_says_what_each_text_is(project: Path,
                                                               tmp_path: Path) -> None:
    files = export(project, tmp_path / "out")
    assert [p.name for p in files] == ["glossary.fr.xlf", "glute-bridge.fr.xlf",
                                       "hip-pain.fr.xlf"]
    tree = etree.parse(str(tmp_path / "out" / "glute-bridge.fr.xlf"))
    units = tree.findall(f".//{{{X20}}}unit")
    assert len(units) == 2  # the untranslated tip and the fuzzy caution
    fuzzy = next(u for u in units if u.get("id") == unit_id("glute-bridge", None, STOP))
    segment = fuzzy.find(f"{{{X20}}}segment")
    assert segment is not None and segment.get("state") == "initial"
    notes = {n.get("category"): n.text for n in fuzzy.iter(f"{{{X20}}}note")}
    assert "earlier English: **Stop** if you feel pain!" in (notes["previous-source"] or "")
    assert "Kind: sentence. Max 320 characters." in (notes["context"] or "")
    # The limit a CAT tool enforces is the field's, less the markup the codes carry (4).
    assert fuzzy.get("{urn:oasis:names:tc:xliff:sizerestriction:2.0}sizeRestriction") == "316"
    # Markup is a code holding the original characters; the text between stays text.
    assert [d.text for d in fuzzy.iter(f"{{{X20}}}data")] == ["**"]
    source = fuzzy.find(f".//{{{X20}}}source")
    assert source is not None and source[0].text == "Stop" and source[0].get("subType") == "xlf:b"
    glossary = etree.parse(str(tmp_path / "out" / "glossary.fr.xlf"))
    (term,) = glossary.findall(f".//{{{X20}}}unit")
    assert term.get("name") == "muscle"
    assert term.get("id") == unit_id("glossary", "muscle", HAMSTRINGS)

    everything = export(project, tmp_path / "all", "--all")
    assert len(everything) == 4
    assert sum(len(etree.parse(str(p)).findall(f".//{{{X20}}}unit")) for p in everything) == 28


def test_export_is_deterministic_and_rewrites_nothing_unchanged(project: Path,
                                                                tmp_path: Path) -> None:
    for version in ("2.0", "1.2"):
        first = export(project, tmp_path / f"a{version}", "--all", "--xliff-version", version)
        again = export(project, tmp_path / f"b{version}", "--all", "--xliff-version", version)
        assert [p.read_bytes() for p in first] == [p.read_bytes() for p in again]
    mtimes = {p: p.stat().st_mtime_ns for p in (tmp_path / "a2.0").iterdir()}
    result = run_cli(project, "xliff", "export", "--locale", "fr", "--all", "-o",
                     str(tmp_path / "a2.0"))
    assert "(0 written)" in result.out
    assert {p: p.stat().st_mtime_ns for p in (tmp_path / "a2.0").iterdir()} == mtimes


def test_xliff2po_reads_the_12_export_as_the_catalog(project: Path, tmp_path: Path) -> None:
    """translate-toolkit's converter gives back every msgid, msgstr and fuzzy flag; its
    XLIFF reader finds the msgctxt where it looks for one (context type x-po-msgctxt)."""
    translate = pytest.importorskip("translate.storage.xliff")
    files = export(project, tmp_path / "out", "--all", "--xliff-version", "1.2")
    converter = Path(sys.executable).with_name("xliff2po")
    assert converter.exists(), "translate-toolkit's xliff2po is not installed"
    for path in files:
        doc = path.name.split(".")[0]
        out = tmp_path / f"{doc}.po"
        done = subprocess.run([str(converter), "--progress=none", str(path), str(out)],
                              capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        converted = {e.msgid: (e.msgstr, "fuzzy" in e.flags) for e in polib.pofile(str(out))
                     if e.msgid}
        catalog = live(project, doc)
        assert converted == {e.msgid: (e.msgstr, "fuzzy" in e.flags)
                             for e in catalog.values()}
        store = translate.xlifffile.parsefile(str(path))
        contexts = {u.source: [t for group in u.getcontextgroups("po-entry") for k, t in group
                               if k == "x-po-msgctxt"] for u in store.units}
        assert contexts == {msgid: [ctx] if ctx is not None else []
                            for ctx, msgid in catalog}


def _schema() -> etree.XMLSchema:
    """The OASIS XLIFF 2.0 core schema with the Size and Length Restriction module; the
    xml: namespace schema it imports from w3.org is mapped to a local file."""

    class Local(etree.Resolver):
        def resolve(self, url: str | None, pubid: str | None, context: object
                    ) -> object:
            if url == "http://www.w3.org/2001/xml.xsd":
                return self.resolve_filename(str(FIXTURES / "xml.xsd"), context)
            return None

    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(Local())
    driver = (
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
        f'<xs:import namespace="{X20}" '
        f'schemaLocation="{(FIXTURES / "xliff_core_2.0.xsd").as_uri()}"/>'
        '<xs:import namespace="urn:oasis:names:tc:xliff:sizerestriction:2.0" '
        f'schemaLocation="{(FIXTURES / "size_restriction.xsd").as_uri()}"/>'
        '</xs:schema>')
    return etree.XMLSchema(etree.fromstring(driver, parser))


def test_20_export_validates_against_the_oasis_schemas(project: Path, tmp_path: Path) -> None:
    schema = _schema()
    # Characters XML cannot carry travel as <cp>; a translation may hold one.
    edit_entry(po_path(project, "glute-bridge"), STOP, msgstr="**Arrêtez**\x07 !", fuzzy=True)
    files = export(project, tmp_path / "work") + export(project, tmp_path / "all", "--all")
    for path in files:
        assert schema.validate(etree.parse(str(path))), (path, schema.error_log)
    assert b'<cp hex="0007"/>' in (tmp_path / "work" / "glute-bridge.fr.xlf").read_bytes()
    # The validator is not a rubber stamp: a unit id that is not a name token, an unknown
    # state and a size restriction profile with a stray attribute are each refused.
    text = (tmp_path / "all" / "hip-pain.fr.xlf").read_text(encoding="utf-8")
    for old, new in (('state="translated"', 'state="done"'),
                     ('<unit id="u', '<unit id="a u'),
                     ('generalProfile=', 'bogus="1" generalProfile=')):
        broken = etree.fromstring(text.replace(old, new, 1).encode("utf-8"))
        assert not schema.validate(broken), new


# --------------------------------------------------------------------------------------------
# The way back


@pytest.mark.parametrize("version", ["2.0", "1.2"])
def test_a_cat_tool_round_trip_reaches_the_bundles(project: Path, tmp_path: Path,
                                                   version: str) -> None:
    files = export(project, tmp_path / "out", "--xliff-version", version)
    for path in files:
        cat_tool(path, FRENCH, version)
    assert b"\n      " in files[0].read_bytes()  # really re-saved, indented its own way
    report = imported(project, *files)
    assert report["units"] == {"translated": 4}, report
    assert codes_of(report) == []
    for doc, key in (("glute-bridge", (None, HEELS)), ("glute-bridge", (None, STOP)),
                     ("hip-pain", (None, ADVICE)), ("glossary", ("muscle", HAMSTRINGS))):
        entry = live(project, doc)[key]
        assert entry.msgstr == EXPECTED[key[1]]
        assert "fuzzy" not in entry.flags and entry.previous_msgid is None
    assert run_cli(project, "check", "--locale", "fr").code == 0
    build = run_cli(project, "build")
    assert build.code == 0, build.out + build.err
    # The vendor's code pairs come back as the marks and links of the rich text.
    bundle = json.loads(bundle_file(project / "build", "fr/hip-pain.json").read_text("utf-8"))
    (advice,) = bundle["document"]["sections"][0]["items"]
    assert advice["text"] == rich(
        ("Arrêtez l’exercice en cas de douleur vive, et lisez ", [], None),
        ("ces conseils", [], {"kind": "web", "url": "https://example.org/pain"}),
        (".", [], None))
    assert plain(advice["text"]) == plain_of(EXPECTED[ADVICE])
    assert bundle["fallbacks"] == []
    exercise = json.loads(bundle_file(project / "build", "fr/glute-bridge.json")
                          .read_text("utf-8"))
    document = exercise["document"]
    assert document["tips"][0] == rich(("Gardez le poids sur vos ", [], None),
                                       ("talons", ["em"], None), (".", [], None))
    assert document["cautions"] == [rich(
        ("Arrêtez tout", ["strong"], None),
        (" si vous sentez une douleur vive dans le bas du dos" + NBSP + "!", [], None))]
    assert exercise["terms"]["muscles"]["hamstrings"]["name"] == EXPECTED[HAMSTRINGS]
    assert exercise["fallbacks"] == []
    assert_msgfmt_ok(*sorted((project / "locales" / "fr" / "LC_MESSAGES").glob("*.po")))


def test_importing_the_same_file_twice_changes_nothing_the_second_time(
        project: Path, tmp_path: Path) -> None:
    files = export(project, tmp_path / "out")
    for path in files:
        cat_tool(path, FRENCH, "2.0")
    first = imported(project, *files)
    assert len(first["written"]) == 3  # type: ignore[arg-type]
    before = snapshot(project)
    mtimes = {p: p.stat().st_mtime_ns for p in (project / "locales").rglob("*.po")}
    again = imported(project, *files)
    assert again["written"] == [] and again["units"] == {"unchanged": 4}
    assert snapshot(project) == before
    assert {p: p.stat().st_mtime_ns for p in (project / "locales").rglob("*.po")} == mtimes
    # An export of everything, brought straight back, is no change either.
    everything = export(project, tmp_path / "all", "--all")
    assert imported(project, *everything)["written"] == []
    assert snapshot(project) == before


def test_states_map_to_translated_or_fuzzy(project: Path, tmp_path: Path) -> None:
    files = export(project, tmp_path / "out", "--xliff-version", "1.2")
    for path in files:
        cat_tool(path, FRENCH, "1.2")
    path = tmp_path / "out" / "glute-bridge.fr.xlf"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('state="translated"', 'state="needs-review-translation"', 1),
                    encoding="utf-8")
    report = imported(project, *files)
    assert report["units"] == {"fuzzy": 1, "translated": 3}
    fuzzy = [e for e in live(project, "glute-bridge").values() if "fuzzy" in e.flags]
    assert len(fuzzy) == 1 and fuzzy[0].msgstr in EXPECTED.values()


def test_a_code_cannot_carry_another_address_back(project: Path, tmp_path: Path) -> None:
    """What a target's codes hold is ignored: the markup comes from the source's codes, so a
    link a CAT tool (or a vendor) pointed elsewhere keeps the English's address."""
    (path,) = [p for p in export(project, tmp_path / "out", "--xliff-version", "1.2")
               if p.name.startswith("hip-pain")]
    cat_tool(path, FRENCH, "1.2")
    text = path.read_text(encoding="utf-8")
    assert text.count("](https://example.org/pain)</ept>") == 2
    path.write_text(text.replace("](https://example.org/pain)</ept>",
                                 "](https://evil.example/pain)</ept>").replace(
        "https://evil.example/pain)</ept>", "https://example.org/pain)</ept>", 1),
        encoding="utf-8")
    assert "evil.example" in path.read_text(encoding="utf-8")
    imported(project, path)
    assert live(project, "hip-pain")[(None, ADVICE)].msgstr == EXPECTED[ADVICE]


# --------------------------------------------------------------------------------------------
# What an import refuses


def _unit_file(root: Path, tmp_path: Path, version: str = "2.0") -> Path:
    files = export(root, tmp_path / "out", "--xliff-version", version)
    for path in files:
        cat_tool(path, FRENCH, version)
    return tmp_path / "out" / "glute-bridge.fr.xlf"


def test_stale_units_are_skipped_and_reported(project: Path, tmp_path: Path) -> None:
    path = _unit_file(project, tmp_path)
    # The English changes after the export: extract and update make the entry new.
    edit_text(project / "source" / "exercises" / "glute-bridge.yaml",
              "Keep your weight on your *heels*.", "Keep your weight on your *heels* always.")
    refresh(project)
    report = imported(project, path)
    assert report["units"] == {"stale": 1, "translated": 1}
    (stale,) = report["diagnostics"]  # type: ignore[misc]
    assert stale["code"] == "W705" and stale["severity"] == "warning"
    assert stale["path"].endswith("glute-bridge.fr.xlf") and stale["line"] > 1
    assert "changed or was removed" in stale["message"]
    assert live(project, "glute-bridge")[(None, STOP)].msgstr == EXPECTED[STOP]
    assert live(project, "glute-bridge")[(None, "Keep your weight on your *heels* always.")
                                         ].msgstr != EXPECTED[HEELS]
    # A unit whose source was edited in the file is stale too, never applied.
    text = path.read_text(encoding="utf-8").replace("in your lower back", "in your back")
    path.write_text(text, encoding="utf-8")
    edit_entry(po_path(project, "glute-bridge"), STOP, msgstr="**Arrêtez** !", fuzzy=True)
    report = imported(project, path)
    assert codes_of(report) == ["W705", "W705"]
    assert live(project, "glute-bridge")[(None, STOP)].msgstr == "**Arrêtez** !"


def test_a_unit_of_a_document_that_no_longer_exists(project: Path, tmp_path: Path) -> None:
    path = _unit_file(project, tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("LC_MESSAGES/glute-bridge.po", "LC_MESSAGES/old-bridge.po"),
                    encoding="utf-8")
    before = snapshot(project)
    report = imported(project, path)
    assert codes_of(report) == ["W706"]
    assert "'old-bridge'" in report["diagnostics"][0]["message"]  # type: ignore[index]
    assert report["units"] == {"skipped": 2}
    assert snapshot(project) == before


def test_duplicate_units_are_all_refused(project: Path, tmp_path: Path) -> None:
    path = _unit_file(project, tmp_path, "1.2")
    copy_path = tmp_path / "copy.xlf"
    shutil.copy(path, copy_path)
    before = snapshot(project)
    report = imported(project, path, copy_path, expect=1)
    assert codes_of(report) == ["E707"] * 4
    assert report["written"] == []
    assert snapshot(project) == before


@pytest.mark.parametrize("version", ["2.0", "1.2"])
def test_a_target_a_po_edit_could_not_make_is_refused(project: Path, tmp_path: Path,
                                                      version: str) -> None:
    """The target goes through the checks `check` runs: a script, a `javascript:` link or a
    lost link are refused in the XLIFF file, at the target's line, and the entry is left as
    it was; the same text saved in the .po is refused by `check` the same way."""
    hostile = {
        HEELS: "Gardez le poids sur vos <script>alert(1)</script> {1:talons}.",
        ADVICE: "Arrêtez l’exercice et lisez [ces conseils](javascript:alert(1)).",
        STOP: "Arrêtez si vous sentez une douleur vive" + NBSP + "!",  # the strong is lost
        HAMSTRINGS: "Ischio-jambiers",
    }
    files = export(project, tmp_path / "out", "--xliff-version", version)
    for path in files:
        cat_tool(path, hostile, version)
    report = imported(project, *files, expect=1)
    codes = codes_of(report)
    assert codes.count("E709") == 3 and "E515" in codes and "E505" in codes
    assert report["units"] == {"refused": 3, "translated": 1}
    for d in report["diagnostics"]:  # type: ignore[union-attr]
        assert d["path"].endswith(".fr.xlf") and d["line"] > 1
    assert live(project, "glute-bridge")[(None, HEELS)].msgstr == ""
    assert live(project, "hip-pain")[(None, ADVICE)].msgstr == ""
    assert "fuzzy" in live(project, "glute-bridge")[(None, STOP)].flags
    assert live(project, "glossary")[("muscle", HAMSTRINGS)].msgstr == "Ischio-jambiers"
    xliff_codes = {d["code"] for d in report["diagnostics"]  # type: ignore[union-attr]
                   if d["path"].endswith("hip-pain.fr.xlf")}
    edit_entry(po_path(project, "hip-pain"), ADVICE, msgstr=hostile[ADVICE])
    check = run_cli(project, "check", "--locale", "fr", "--format", "json")
    po_codes = {d["code"] for d in json.loads(check.out)["diagnostics"]
                if d["path"].endswith("hip-pain.po")}
    assert po_codes == xliff_codes - {"E709"} == {"E505", "E515"}


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="fr">
<file id="f" original="glute-bridge.po"><unit id="u1"><segment state="final">
<source>Keep your weight on your *heels*.</source><target>&lol9;</target>
</segment></unit></file></xliff>
"""


def _xxe(secret: Path) -> bytes:
    return f"""<?xml version="1.0"?>
<!DOCTYPE xliff [<!ENTITY leak SYSTEM "{secret.as_uri()}">]>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="fr">
<file id="f" original="glute-bridge.po"><unit id="{unit_id('glute-bridge', None, HEELS)}">
<segment state="final"><source>{HEELS}</source><target>&leak;</target></segment>
</unit></file></xliff>
""".encode()


@pytest.mark.parametrize("case", ["malformed", "bomb", "xxe", "too-large", "not-xliff",
                                  "wrong-language"])
def test_a_hostile_or_broken_file_changes_nothing(project: Path, tmp_path: Path,
                                                  case: str) -> None:
    """Each is refused with a located diagnostic, exit status 1; a good file given in the
    same import is not applied either, and not one byte under locales/ changes."""
    good = _unit_file(project, tmp_path)
    bad = tmp_path / f"{case}.xlf"
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE", encoding="utf-8")
    expected = {"malformed": "E701", "bomb": "E702", "xxe": "E702", "too-large": "E703",
                "not-xliff": "E704", "wrong-language": "E704"}[case]
    if case == "malformed":
        bad.write_bytes(good.read_bytes().replace(b"</target>", b"</targt>", 1))
    elif case == "bomb":
        bad.write_bytes(BOMB)
    elif case == "xxe":
        bad.write_bytes(_xxe(secret))
    elif case == "too-large":
        with bad.open("wb") as fh:  # sparse: refused from its size, never read
            fh.truncate(20_000_001)
    elif case == "not-xliff":
        bad.write_bytes(b'<?xml version="1.0"?><tmx version="1.4"><body/></tmx>')
    else:
        bad.write_bytes(good.read_bytes().replace(b'trgLang="fr"', b'trgLang="de"'))
    before = snapshot(project)
    report = imported(project, good, bad, expect=1, fmt="json")
    (found,) = report["diagnostics"]  # type: ignore[misc]
    assert found["code"] == expected and found["path"].endswith(f"{case}.xlf")
    if case in ("malformed", "bomb", "xxe"):
        assert found["line"] >= 1
    assert "TOP-SECRET-VALUE" not in json.dumps(report)
    assert report["written"] == []
    assert snapshot(project) == before
    text = run_cli(project, "xliff", "import", str(bad))
    assert text.code == 1 and f"{case}.xlf" in text.out and f"{expected} " in text.out


def test_usage_errors_exit_2(project: Path, tmp_path: Path) -> None:
    out = str(tmp_path / "out")
    for args in (("xliff", "export", "--locale", "fr"),                       # no -o
                 ("xliff", "export", "--locale", "xx_YY", "-o", out),         # unknown
                 ("xliff", "export", "--locale", "de", "-o", out),            # no catalogs
                 ("xliff", "export", "--locale", "fr", "-o", str(project / "locales" / "x")),
                 ("xliff", "import"),
                 ("xliff", "import", "a.xlf", "--locale", "fr")):
        result = run_cli(project, *args)
        assert result.code == 2, (args, result.out, result.err)
        assert "pipeline: error:" in result.err
    assert not (tmp_path / "out").exists() and not (project / "locales" / "x").exists()


def test_inline_pieces_give_back_the_text_exactly() -> None:
    for text in (HEELS, STOP, ADVICE, "a *b* **c** _d_ __e__ [f *g*](https://x.org/(p) \"t\")",
                 "x \\*y\\* &amp; <https://a.org> end ", "[ref][1] and <b>raw</b>", "  lead *x* ",
                 "snake_case_name", "a\nb *c*\n  d", ""):
        pieces = inline.split(text)
        assert inline.text_of(pieces) == text
    pieces = inline.split(ADVICE)
    link = [p for p in pieces if isinstance(p, inline.Code)]
    assert [c.markup for c in link] == ["[", "](https://example.org/pain)"]
    with pytest.raises(inline.CodeProblem):
        inline.resolve(pieces, ["x", ("close", "1")])
    with pytest.raises(inline.CodeProblem):
        inline.resolve(pieces, ["x", ("open", "7"), ("close", "7")])


# --------------------------------------------------------------------------------------------
# Plural entries: a group of forms, out and back whole

SETS, SECONDS = "{count} set", "{count} second"


@pytest.fixture
def dosage(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    """The tiny project whose glossary writes doses out: its plural entry for seconds
    untranslated, the one for sets fuzzy (made for an earlier English plural)."""
    root = clone(dosage_project(tmp_path_factory), tmp_path / "dosage")
    path = po_path(root, "glossary")
    catalog = polib.pofile(str(path), wrapwidth=79)
    for entry in catalog:
        if entry.msgid == SECONDS:
            entry.msgstr_plural = {0: "", 1: ""}
        elif entry.msgid == SETS:
            entry.flags.insert(0, "fuzzy")
            entry.previous_msgid, entry.previous_msgctxt = SETS, DOSAGE
            entry.previous_msgid_plural = "{count} setz"
    path.write_text(render_catalog(catalog), encoding="utf-8")
    return root


def _group(tree: etree._ElementTree, msgid: str) -> etree._Element:
    ident = unit_id("glossary", DOSAGE, msgid)
    (found,) = [g for g in tree.iter(f"{{{X12}}}group", f"{{{X20}}}group")
                if g.get("id") == ident]
    return found


def _forms(group: etree._Element) -> list[tuple[str | None, str, str | None, str | None]]:
    """(id, source, target, state) of each form of a plural group, in order."""
    found = []
    for unit in group:
        if etree.QName(unit).localname not in ("trans-unit", "unit"):
            continue
        ns = etree.QName(unit).namespace
        holder = unit.find(f"{{{ns}}}segment") if ns == X20 else unit
        assert holder is not None
        source, target = holder.find(f"{{{ns}}}source"), holder.find(f"{{{ns}}}target")
        state = holder.get("state") if ns == X20 else (
            target.get("state") if target is not None else None)
        found.append((unit.get("id"), "".join(source.itertext()) if source is not None else "",
                      "".join(target.itertext()) if target is not None else None, state))
    return found


def glossary_file(files: list[Path]) -> Path:
    (found,) = [path for path in files if path.name == "glossary.fr.xlf"]
    return found


def fill_forms(path: Path, msgid: str, texts: list[str | None], state: str = "final") -> None:
    """A CAT tool's translation of a plural group: each form's target (None: left without
    one), marked done."""
    tree = etree.parse(str(path))
    group = _group(tree, msgid)
    units = [u for u in group if etree.QName(u).localname in ("trans-unit", "unit")]
    for unit, text in zip(units, texts):
        ns = etree.QName(unit).namespace
        holder = unit.find(f"{{{ns}}}segment") if ns == X20 else unit
        assert holder is not None
        target = holder.find(f"{{{ns}}}target")
        if text is None:
            if target is not None:
                holder.remove(target)
            continue
        if target is None:
            target = etree.Element(f"{{{ns}}}target")
            source = holder.find(f"{{{ns}}}source")
            assert source is not None
            source.addnext(target)
        target.text = text
        if ns == X20:
            holder.set("state", state)
        else:
            target.set("state", "translated" if state == "final" else state)
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")


def test_a_plural_entry_is_exported_as_a_group_of_its_forms(dosage: Path, tmp_path: Path
                                                           ) -> None:
    """XLIFF 1.2 as translate-toolkit's po2xliff writes a plural entry (and xliff2po reads
    it back as the catalog's entry); XLIFF 2.0 as a group of units that validates against
    the OASIS schemas. Each form has the English it renders and its translation."""
    (path12,) = export(dosage, tmp_path / "x12", "--xliff-version", "1.2")
    tree = etree.parse(str(path12))
    group = _group(tree, SETS)
    ident = unit_id("glossary", DOSAGE, SETS)
    assert group.get("restype") == "x-gettext-plurals"
    assert _forms(group) == [
        (f"{ident}[0]", SETS, "{count}\u00a0série", "needs-review-translation"),
        (f"{ident}[1]", "{count} sets", "{count}\u00a0séries", "needs-review-translation")]
    notes = [n.text or "" for n in group.iter(f"{{{X12}}}note")]
    assert any("earlier English: {count} set (plural: {count} setz)" in n for n in notes)
    contexts = [c.text for c in group.iter(f"{{{X12}}}context")
                if c.get("context-type") == "x-po-msgctxt"]
    assert contexts == [DOSAGE]
    assert _forms(_group(tree, SECONDS)) == [
        (f"{unit_id('glossary', DOSAGE, SECONDS)}[0]", SECONDS, None, None),
        (f"{unit_id('glossary', DOSAGE, SECONDS)}[1]", "{count} seconds", None, None)]
    converter = Path(sys.executable).with_name("xliff2po")
    assert converter.exists(), "translate-toolkit's xliff2po is not installed"
    all12 = glossary_file(export(dosage, tmp_path / "all12", "--all", "--xliff-version", "1.2"))
    back = tmp_path / "back.po"
    subprocess.run([str(converter), "--progress=none", str(all12), str(back)], check=True,
                   capture_output=True)
    converted = {e.msgid: (e.msgid_plural, e.msgstr_plural, "fuzzy" in e.flags)
                 for e in polib.pofile(str(back)) if e.msgid_plural}
    assert converted == {e.msgid: (e.msgid_plural, e.msgstr_plural, "fuzzy" in e.flags)
                         for e in polib.pofile(str(po_path(dosage, "glossary")))
                         if e.msgid_plural}
    assert len(converted) == 3

    (path20,) = export(dosage, tmp_path / "x20")
    tree = etree.parse(str(path20))
    group = _group(tree, SETS)
    assert (group.get("type"), group.get("name")) == ("x-gettext:plurals", DOSAGE)
    assert _forms(group) == [(f"{ident}-0", SETS, "{count}\u00a0série", "initial"),
                             (f"{ident}-1", "{count} sets", "{count}\u00a0séries", "initial")]
    schema = _schema()
    for path in (path20, *export(dosage, tmp_path / "all20", "--all")):
        assert schema.validate(etree.parse(str(path))), (path, schema.error_log)


@pytest.mark.parametrize("version", ["2.0", "1.2"])
def test_a_plural_translation_comes_back_whole(dosage: Path, tmp_path: Path,
                                               version: str) -> None:
    (path,) = export(dosage, tmp_path / "out", "--xliff-version", version)
    fill_forms(path, SECONDS, ["{count}\u00a0seconde", "{count}\u00a0secondes"])
    fill_forms(path, SETS, ["{count}\u00a0série", "{count}\u00a0séries au total"])
    report = imported(dosage, path)
    assert report["units"] == {"translated": 2}, report
    entries = live(dosage, "glossary")
    assert entries[(DOSAGE, SECONDS)].msgstr_plural == {0: "{count}\u00a0seconde",
                                                        1: "{count}\u00a0secondes"}
    sets = entries[(DOSAGE, SETS)]
    assert sets.msgstr_plural == {0: "{count}\u00a0série", 1: "{count}\u00a0séries au total"}
    assert "fuzzy" not in sets.flags and sets.previous_msgid_plural is None
    assert sets.flags == ["python-brace-format"]
    assert run_cli(dosage, "check").code == 0
    assert_msgfmt_ok(po_path(dosage, "glossary"))
    before = snapshot(dosage)
    assert imported(dosage, path)["units"] == {"unchanged": 2}
    assert snapshot(dosage) == before
    # Everything exported and brought straight back changes nothing either.
    assert imported(dosage, *export(dosage, tmp_path / "all", "--all",
                                    "--xliff-version", version))["written"] == []
    assert snapshot(dosage) == before


@pytest.mark.parametrize("version", ["2.0", "1.2"])
def test_a_plural_group_not_whole_is_refused_and_changes_nothing(
        dosage: Path, tmp_path: Path, version: str) -> None:
    """A form without a target (E704), a form more than the catalog's (E704), a form's
    English no longer the catalog's (W705) or a target losing its placeholder (E518, so
    E709): the group is reported and no form of it is applied."""
    path = glossary_file(export(dosage, tmp_path / "out", "--all", "--xliff-version", version))
    cases: dict[str, Callable[[Path], None]] = {
        "E704": lambda p: fill_forms(p, SECONDS, ["{count} seconde", None]),
        "W705": lambda p: p.write_text(p.read_text("utf-8").replace(
            "<source>{count} seconds</source>", "<source>{count} secs</source>"), "utf-8"),
        "E709": lambda p: fill_forms(p, SECONDS, ["{count} seconde", "secondes"]),
    }
    for code, change in cases.items():
        copy_path = tmp_path / f"{code}.xlf"
        shutil.copy(path, copy_path)
        fill_forms(copy_path, SECONDS, ["{count} s", "{count} s"])
        change(copy_path)
        before = snapshot(dosage)
        report = imported(dosage, copy_path, expect=1 if code != "W705" else 0)
        assert code in codes_of(report), (code, report)
        if code == "E709":
            assert "E518" in codes_of(report)
        assert snapshot(dosage) == before, code
    # One form more than French has: not this catalog's plural.
    tree = etree.parse(str(path))
    group = _group(tree, SECONDS)
    extra = copy.deepcopy(group[-1])
    extra.set("id", extra.get("id", "").replace("1", "2"))
    group.append(extra)
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")
    fill_forms(path, SECONDS, ["{count} s", "{count} s", "{count} s"])
    before = snapshot(dosage)
    report = imported(dosage, path, expect=1)
    assert codes_of(report) == ["E704"], report
    assert "3 forms, the catalog's entry 2" in report["diagnostics"][0]["message"]  # type: ignore[index]
    assert snapshot(dosage) == before


def test_a_plural_entry_is_never_applied_from_a_singular_unit(dosage: Path,
                                                              tmp_path: Path) -> None:
    """A file made when the English had no plural (one unit with the same id) is stale:
    its one text is not a plural translation."""
    ident = unit_id("glossary", DOSAGE, SECONDS)
    vendor = tmp_path / "old.xlf"
    vendor.write_text(
        f'<?xml version="1.0"?>\n<xliff xmlns="{X20}" version="2.0" srcLang="en" '
        'trgLang="fr">\n<file id="glossary" original="locales/fr/LC_MESSAGES/glossary.po">\n'
        f'<unit id="{ident}" name="{DOSAGE}"><segment state="final"><source>{SECONDS}'
        '</source><target>{count} seconde(s)</target></segment></unit>\n</file>\n</xliff>\n',
        encoding="utf-8")
    before = snapshot(dosage)
    report = imported(dosage, vendor)
    assert codes_of(report) == ["W705"]
    assert "now a plural entry" in report["diagnostics"][0]["message"]  # type: ignore[index]
    assert snapshot(dosage) == before
