"""The bench's synthetic library and its agreement count.

The generator must give the same library for the same seed, documents the models accept,
French the checks accept, and the edit set it promises; the agreement count must count.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import polib
import pytest

from bench import agreement
from bench.generate import (
    Library,
    apply_edits,
    count_strings,
    edit_one_document,
    generate,
    translate,
)
from pipeline.stages.validate import validate_project

from build_helpers import cli_config
from catalog_helpers import ok, read_po

DOCUMENTS = 24


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Library, Path]:
    """A small generated library with its French, as the bench prepares it."""
    root = tmp_path_factory.mktemp("bench") / "library"
    lib = generate(root, DOCUMENTS, seed=3)
    for command in (["schema"], ["extract", "-q"], ["update", "-q"]):
        ok(root, *command)
    translate(lib, seed=3)
    ok(root, "update", "-q")
    return lib, root


def test_same_seed_same_library_other_seed_other_library(tmp_path: Path) -> None:
    generate(tmp_path / "a", DOCUMENTS, seed=5)
    generate(tmp_path / "b", DOCUMENTS, seed=5)
    generate(tmp_path / "c", DOCUMENTS, seed=6)
    assert files(tmp_path / "a") == files(tmp_path / "b")
    assert files(tmp_path / "a") != files(tmp_path / "c")


def test_generated_documents_are_valid_with_the_promised_mix(prepared: tuple[Library, Path]
                                                              ) -> None:
    lib, root = prepared
    library, problems = validate_project(cli_config(root))
    assert problems == []
    kinds = Counter(doc.kind for doc in library)
    assert kinds["glossary"] == 1 and kinds["reviewer"] >= 2 and kinds["guide"] >= 2
    assert kinds["exercise"] > kinds["guide"]
    templates = list((root / "locales" / "templates").glob("*.pot"))
    entries = sum(len(read_po(p)) for p in templates)
    assert entries == count_strings(lib)
    assert 15 * len(library) < entries < 35 * len(library)


def test_generated_french_passes_every_check(prepared: tuple[Library, Path],
                                            tmp_path: Path) -> None:
    """French is optional in the generated project, so `check` lists what is untranslated or
    fuzzy as warnings; nothing else is reported, and the build goes through."""
    _, root = prepared
    root = Path(shutil.copytree(root, tmp_path / "library"))
    result = ok(root, "check", "--format", "json")
    codes = Counter((d["severity"], d["code"]) for d in json.loads(result.out)["diagnostics"])
    assert set(codes) <= {("warning", "E501"), ("warning", "E502"), ("warning", "W503")}, codes
    assert codes[("warning", "E501")] > 0
    catalogs = [read_po(p) for p in (root / "locales" / "fr" / "LC_MESSAGES").glob("*.po")]
    live = [e for c in catalogs for e in c if not e.obsolete]
    translated = sum(1 for e in live if e.msgstr and "fuzzy" not in e.flags)
    assert 0.8 < translated / len(live) < 0.97
    ok(root, "build", "-q")


def test_edit_set_changes_the_promised_shares(prepared: tuple[Library, Path],
                                              tmp_path: Path) -> None:
    lib, root = prepared
    root = Path(shutil.copytree(root, tmp_path / "library"))
    lib.root = root
    before = {p.stem: {e.msgid for e in read_po(p)}
              for p in (root / "locales" / "templates").glob("*.pot")}
    counts = apply_edits(lib, seed=3, edited=0.05, removed=0.04, added=0.04, moved=0.02)
    target = {name: round(counts.strings * share) for name, share in
              (("edited", 0.05), ("removed", 0.04), ("added", 0.04), ("moved", 0.02))}
    assert (counts.edited, counts.removed, counts.added, counts.moved) == (
        target["edited"], target["removed"], target["added"], target["moved"])
    ok(root, "extract", "-q")
    after = {p.stem: {e.msgid for e in read_po(p)}
             for p in (root / "locales" / "templates").glob("*.pot")}
    gone = {(d, m) for d, ms in before.items() for m in ms if m not in after[d]}
    new = {(d, m) for d, ms in after.items() for m in ms if m not in before[d]}
    # Every edit removes or adds English somewhere; moved English appears in another document.
    assert len(gone) >= counts.edited and len(new) >= counts.edited + counts.added
    moved = {m for _, m in gone} & {m for _, m in new}
    assert len(moved) >= counts.moved
    # The edited library is still valid, and `update` brings the French along.
    assert validate_project(cli_config(root))[1] == []
    ok(root, "update", "-q")
    ok(root, "check", "-q")
    doc_id = edit_one_document(lib)
    assert doc_id in lib.documents


def test_outcomes_read_states_as_gettext_does(tmp_path: Path) -> None:
    catalog = polib.POFile()
    catalog.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    catalog.append(polib.POEntry(msgid="A", msgstr="a"))
    catalog.append(polib.POEntry(msgid="B", msgstr="b", flags=["fuzzy"]))
    catalog.append(polib.POEntry(msgid="C", msgstr="", flags=["fuzzy"]))
    catalog.append(polib.POEntry(msgid="D", msgstr="d", obsolete=True))
    catalog.append(polib.POEntry(msgid="E", msgstr="", obsolete=True))
    catalog.append(polib.POEntry(msgctxt="muscle", msgid="A", msgstr=""))
    path = tmp_path / "doc.po"
    catalog.save(str(path))
    found = agreement.folder_outcomes(tmp_path)
    assert found == {
        ("doc", None, "A"): ("translated", "a"), ("doc", None, "B"): ("fuzzy", "b"),
        ("doc", None, "C"): ("untranslated", ""), ("doc", None, "D"): ("obsolete", "d"),
        ("doc", "muscle", "A"): ("untranslated", ""),
    }


def test_compare_counts_every_entry_of_either_side() -> None:
    ours: dict[agreement.Key, agreement.Outcome] = {("d", None, "1"): ("translated", "x"), ("d", None, "2"): ("fuzzy", "y"),
            ("d", None, "3"): ("fuzzy", "z"), ("d", None, "4"): ("untranslated", ""),
            ("d", None, "5"): ("obsolete", "o")}
    theirs: dict[agreement.Key, agreement.Outcome] = {("d", None, "1"): ("translated", "x"), ("d", None, "2"): ("fuzzy", "y"),
              ("d", None, "3"): ("fuzzy", "other"), ("d", None, "4"): ("fuzzy", "w"),
              ("d", None, "6"): ("obsolete", "p")}
    result = agreement.compare(ours, theirs)
    assert result.total == 6
    assert result.confusion == Counter({
        ("translated", "translated"): 1, ("fuzzy", "fuzzy"): 2, ("untranslated", "fuzzy"): 1,
        ("obsolete", "missing"): 1, ("missing", "obsolete"): 1})
    assert result.overall == pytest.approx(3 / 6)
    # Entries either side calls translated, untranslated or obsolete: 1, 4, 5 and 6.
    assert result.decisions == pytest.approx(1 / 4)
    assert result.by_state("fuzzy") == pytest.approx(2 / 3)
    assert result.by_state("obsolete") == 0.0
    assert result.suggestion == pytest.approx(1 / 2)
    assert agreement.compare(ours, ours).as_dict()["overall"] == 1.0
