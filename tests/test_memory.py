"""The locale's translation memory in `update`: English that moves between documents keeps
its translation, close matches are offered as fuzzy (a changed number never passes as
translated), and the decisions are those of GNU `msgmerge --compendium`.

Catalogs are real files in a temporary folder, merged with `catalogs.merge` and a memory of
every catalog of the locale, as `update` does.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import polib
import pytest

from catalog_helpers import assert_msgfmt_ok, entry_state, require_tool
from pipeline.catalogs import merge, memory_of
from pipeline.memory import Memory
from pipeline.pofiles import EntryKey, parse_catalog, render_catalog

HEADER = {"Language": "fr", "MIME-Version": "1.0",
          "Content-Type": "text/plain; charset=UTF-8", "Content-Transfer-Encoding": "8bit",
          "Plural-Forms": "nplurals=2; plural=(n > 1);"}

Entry = tuple[str, str] | tuple[str, str, str]  # msgid, msgstr[, "fuzzy" | "obsolete"]


def write_po(path: Path, entries: list[Entry], template: bool = False) -> Path:
    catalog = polib.POFile()
    catalog.metadata = {"Content-Type": "text/plain; charset=UTF-8"} if template else HEADER
    for msgid, msgstr, *state in entries:
        entry = polib.POEntry(msgid=msgid, msgstr="" if template else msgstr)
        if state == ["fuzzy"]:
            entry.flags = ["fuzzy"]
        entry.obsolete = state == ["obsolete"]
        catalog.append(entry)
    path.write_text(render_catalog(catalog), encoding="utf-8")
    return path


def read(path: Path) -> polib.POFile:
    return parse_catalog(path.read_text(encoding="utf-8"), path.name)


def update(folder: Path, templates: dict[str, list[str]]) -> dict[str, polib.POFile]:
    """Merge each document's new English into its catalog, with the memory of every
    catalog of the locale (read before any is merged, as `update` does)."""
    old = {path: read(path) for path in sorted(folder.glob("*.po"))}
    memory = memory_of(old)
    merged = {}
    for doc, msgids in templates.items():
        template = read(write_po(folder.parent / f"{doc}.pot", [(m, "") for m in msgids], True))
        result = merge(template, old[folder / f"{doc}.po"], memory)
        (folder.parent / "out").mkdir(exist_ok=True)
        path = folder.parent / "out" / f"{doc}.po"
        path.write_text(render_catalog(result), encoding="utf-8")
        merged[doc] = read(path)
    return merged


def by_msgid(catalog: polib.POFile, obsolete: bool = False) -> dict[str, polib.POEntry]:
    return {e.msgid: e for e in catalog if bool(e.obsolete) == obsolete}


STEP = "Keep your chin tucked and look straight ahead, not up at the ceiling."
HOLD = "Hold for 10 seconds."


@pytest.fixture
def locale(tmp_path: Path) -> Path:
    folder = tmp_path / "fr"
    folder.mkdir()
    write_po(folder / "bird-dog.po", [
        ("Bird dog", "Bird dog"),
        (STEP, "Rentrez le menton et regardez droit devant vous, pas vers le plafond."),
        (HOLD, "Tenez 10 secondes."),
    ])
    write_po(folder / "wall-sit.po", [
        ("Wall sit", "Chaise contre le mur"),
        ("Breathe normally throughout.", ""),
    ])
    write_po(folder / "clamshell.po", [
        ("Clamshell", "Coquillage"),
        ("Breathe normally throughout.", "Respirez normalement tout du long."),
        ("Lie on your side with your knees bent.", "Allongez-vous sur le côté, genoux pliés.",
         "fuzzy"),
    ])
    return folder


def test_moved_sentence_keeps_its_translation(locale: Path) -> None:
    merged = update(locale, {"bird-dog": ["Bird dog", HOLD], "wall-sit": ["Wall sit", STEP]})
    moved = by_msgid(merged["wall-sit"])[STEP]
    assert entry_state(moved) == "translated"
    assert moved.msgstr.startswith("Rentrez le menton")
    assert moved.previous_msgid is None
    # Its old home keeps the translation, as obsolete.
    assert by_msgid(merged["bird-dog"], obsolete=True)[STEP].msgstr.startswith("Rentrez")


def test_changed_number_is_never_carried_silently(locale: Path) -> None:
    for new in ("Hold for 30 seconds.", "Hold for 100 seconds.", "Hold for 1 seconds."):
        merged = update(locale, {"wall-sit": ["Wall sit", new]})
        entry = by_msgid(merged["wall-sit"])[new]
        assert entry_state(entry) == "fuzzy", new
        assert (entry.msgstr, entry.previous_msgid) == ("Tenez 10 secondes.", HOLD)


def test_reused_sentence_in_a_new_place_keeps_each_document_apart(locale: Path) -> None:
    """The same English in two documents: both translated from the memory, and the
    document that had it keeps it as it was."""
    merged = update(locale, {"bird-dog": ["Bird dog", STEP, HOLD],
                             "wall-sit": ["Wall sit", HOLD]})
    assert entry_state(by_msgid(merged["wall-sit"])[HOLD]) == "translated"
    assert by_msgid(merged["bird-dog"])[HOLD].msgstr == "Tenez 10 secondes."
    assert not by_msgid(merged["bird-dog"], obsolete=True)


def test_untranslated_entry_takes_a_reviewed_translation_only(locale: Path) -> None:
    """Like msgmerge --compendium, an entry still untranslated takes another document's
    translation of the same English; a fuzzy one is never copied there (the next update
    would then change the catalog again)."""
    write_po(locale / "dead-bug.po", [
        ("Dead bug", ""), ("Lie on your side with your knees bent.", ""),
    ])
    merged = update(locale, {
        "wall-sit": ["Wall sit", "Breathe normally throughout."],
        "dead-bug": ["Dead bug", "Lie on your side with your knees bent."],
    })
    filled = by_msgid(merged["wall-sit"])["Breathe normally throughout."]
    assert (entry_state(filled), filled.msgstr) == ("translated",
                                                   "Respirez normalement tout du long.")
    assert entry_state(by_msgid(merged["dead-bug"])["Lie on your side with your knees bent."]
                       ) == "untranslated"


def test_new_english_close_to_a_fuzzy_translation_is_fuzzy(locale: Path) -> None:
    merged = update(locale, {"wall-sit": ["Wall sit", "Lie on your side with knees bent."]})
    entry = by_msgid(merged["wall-sit"])["Lie on your side with knees bent."]
    assert entry_state(entry) == "fuzzy"
    assert entry.msgstr == "Allongez-vous sur le côté, genoux pliés."


def test_close_match_is_found_among_many_unrelated_entries() -> None:
    """The n-gram index picks candidates; the closest translation still wins."""
    memory = Memory()
    catalog = polib.POFile()
    for n in range(3000):
        catalog.append(polib.POEntry(msgid=f"Unrelated sentence number {n} about {n % 7} things.",
                                     msgstr=f"Phrase {n}."))
    catalog.append(polib.POEntry(msgid="Slide your heel toward your buttocks slowly.",
                                 msgstr="Faites glisser le talon vers les fesses lentement."))
    catalog.append(polib.POEntry(msgid="Ok", msgstr="D’accord"))
    memory.add(catalog)
    found = memory.fuzzy(EntryKey(None, "Slide your heel toward your buttocks gently."))
    assert found is not None and found.msgid == "Slide your heel toward your buttocks slowly."
    short = memory.fuzzy(EntryKey(None, "Okk"))  # shorter than an n-gram
    assert short is not None and short.msgstr == "D’accord"
    assert memory.fuzzy(EntryKey(None, "Completely different words here.")) is None


def test_exact_match_prefers_a_reviewed_translation() -> None:
    memory = Memory()
    memory.add([polib.POEntry(msgid="Rest.", msgstr="Repos (à revoir).", flags=["fuzzy"]),
                polib.POEntry(msgid="Rest.", msgstr="Reposez-vous.")])
    found = memory.exact(EntryKey(None, "Rest."))
    assert found is not None and (found.msgstr, found.fuzzy) == ("Reposez-vous.", False)
    assert memory.exact(EntryKey("muscle", "Rest.")) is None


def test_decisions_agree_with_msgmerge_compendium(locale: Path, tmp_path: Path) -> None:
    """Each catalog merged by GNU msgmerge with the locale's other catalogs as compendiums
    reaches the same states with the same translations."""
    msgmerge = require_tool("msgmerge")
    templates = {
        "bird-dog": ["Bird dog", "Hold for 12 seconds."],
        "wall-sit": ["Wall sit", STEP, "Breathe normally throughout."],
        "clamshell": ["Clamshell", "Breathe normally throughout the movement.",
                      "Count your breaths out loud."],
    }
    ours = update(locale, templates)
    for doc in templates:
        others = [f"--compendium={p}" for p in sorted(locale.glob("*.po")) if p.stem != doc]
        out = tmp_path / f"gnu-{doc}.po"
        subprocess.run([msgmerge, "--previous", "-q", *others, str(locale / f"{doc}.po"),
                        str(tmp_path / f"{doc}.pot"), "-o", str(out)],
                       check=True, capture_output=True)
        theirs = {(e.msgid, bool(e.obsolete)): (entry_state(e), e.msgstr) for e in read(out)}
        mine = {(e.msgid, bool(e.obsolete)): (entry_state(e), e.msgstr) for e in ours[doc]}
        assert mine == theirs, doc
        assert_msgfmt_ok(tmp_path / "out" / f"{doc}.po")
