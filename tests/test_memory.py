"""The locale's translation memory in `update`: English that moves between documents keeps
its translation, close matches are offered as fuzzy (a changed number never passes as
translated), and the decisions are those of GNU `msgmerge --compendium`.

Catalogs are real files in a temporary folder, merged with `catalogs.merge` and a memory of
every catalog of the locale, as `update` does.
"""

from __future__ import annotations

import math
import random
import subprocess
from pathlib import Path

import polib
import pytest

from bench.agreement import state_of
from pipeline.gettext.catalogs import memory_of, merge
from pipeline.gettext.memory import Memory, Translation, _grams
from pipeline.gettext.pofiles import EntryKey, entry_status, parse_catalog, render_catalog

from catalog_helpers import assert_msgfmt_ok, require_tool

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
    assert state_of(moved) == "translated"
    assert moved.msgstr.startswith("Rentrez le menton")
    assert moved.previous_msgid is None
    # Its old home keeps the translation, as obsolete.
    assert by_msgid(merged["bird-dog"], obsolete=True)[STEP].msgstr.startswith("Rentrez")


def test_changed_number_is_never_carried_silently(locale: Path) -> None:
    for new in ("Hold for 30 seconds.", "Hold for 100 seconds.", "Hold for 1 seconds."):
        merged = update(locale, {"wall-sit": ["Wall sit", new]})
        entry = by_msgid(merged["wall-sit"])[new]
        assert state_of(entry) == "fuzzy", new
        assert (entry.msgstr, entry.previous_msgid) == ("Tenez 10 secondes.", HOLD)


def test_reused_sentence_in_a_new_place_keeps_each_document_apart(locale: Path) -> None:
    """The same English in two documents: both translated from the memory, and the
    document that had it keeps it as it was."""
    merged = update(locale, {"bird-dog": ["Bird dog", STEP, HOLD],
                             "wall-sit": ["Wall sit", HOLD]})
    assert state_of(by_msgid(merged["wall-sit"])[HOLD]) == "translated"
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
    assert (state_of(filled), filled.msgstr) == ("translated",
                                                   "Respirez normalement tout du long.")
    assert state_of(by_msgid(merged["dead-bug"])["Lie on your side with your knees bent."]
                       ) == "untranslated"


def test_new_english_close_to_a_fuzzy_translation_is_fuzzy(locale: Path) -> None:
    merged = update(locale, {"wall-sit": ["Wall sit", "Lie on your side with knees bent."]})
    entry = by_msgid(merged["wall-sit"])["Lie on your side with knees bent."]
    assert state_of(entry) == "fuzzy"
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


Decision = tuple[str, str, str | None]  # state, msgstr, previous msgid


def decisions(catalog: polib.POFile) -> dict[tuple[str, bool], Decision]:
    """(msgid, obsolete) → (state, msgstr, previous msgid) for every entry."""
    return {(e.msgid, bool(e.obsolete)): (state_of(e), e.msgstr, e.previous_msgid)
            for e in catalog}


def gnu_update(folder: Path, templates: dict[str, list[str]], work: Path
               ) -> dict[str, polib.POFile]:
    """Each catalog merged by GNU msgmerge --previous with the locale's other catalogs as
    compendiums, one process per catalog (templates written by `update` first)."""
    msgmerge = require_tool("msgmerge")
    merged = {}
    for doc in templates:
        others = [f"--compendium={p}" for p in sorted(folder.glob("*.po")) if p.stem != doc]
        out = work / f"gnu-{doc}.po"
        subprocess.run([msgmerge, "--previous", "-q", *others, str(folder / f"{doc}.po"),
                        str(work / f"{doc}.pot"), "-o", str(out)],
                       check=True, capture_output=True)
        merged[doc] = read(out)
    return merged


def test_decisions_agree_with_msgmerge_compendium(locale: Path, tmp_path: Path) -> None:
    """Each catalog merged by GNU msgmerge with the locale's other catalogs as compendiums
    reaches the same states with the same translations."""
    templates = {
        "bird-dog": ["Bird dog", "Hold for 12 seconds."],
        "wall-sit": ["Wall sit", STEP, "Breathe normally throughout."],
        "clamshell": ["Clamshell", "Breathe normally throughout the movement.",
                      "Count your breaths out loud."],
    }
    ours = update(locale, templates)
    theirs = gnu_update(locale, templates, tmp_path)
    for doc in templates:
        assert {k: v[:2] for k, v in decisions(ours[doc]).items()} == \
            {k: v[:2] for k, v in decisions(theirs[doc]).items()}, doc
        assert_msgfmt_ok(tmp_path / "out" / f"{doc}.po")


def test_strictly_closer_english_elsewhere_wins_over_the_own_old_entry(tmp_path: Path
                                                                        ) -> None:
    """Changed English takes another document's translation when that English is strictly
    closer than the catalog's own old entry, which is then kept as obsolete with its
    translation; on a tie, or when the own entry is closer, the own entry is reused. The
    decisions, translations and previous msgids are GNU msgmerge's."""
    folder = tmp_path / "fr"
    folder.mkdir()
    write_po(folder / "pelvic-tilt.po", [
        ("Pelvic tilt", "Bascule du bassin"),
        ("Hold for 5 seconds.", "Tenez 5 secondes."),
        ("Repeat 11 times, resting between sets.", "Répétez 11 fois, en vous reposant."),
        ("Tilt your pelvis back gently.", "Basculez doucement le bassin vers l’arrière."),
    ])
    write_po(folder / "glute-bridge.po", [
        ("Glute bridge", "Pont fessier"),
        ("Hold for 3 seconds.", "Tenez 3 secondes."),
        ("Repeat 12 times, resting between sets.", "Répétez 12 fois, en vous reposant."),
        ("Tilt your pelvis back slowly.", "Basculez lentement le bassin vers l’arrière."),
    ])
    templates = {
        "pelvic-tilt": ["Pelvic tilt", "Hold for 30 seconds.",
                        "Repeat 13 times, resting between sets.",
                        "Tilt your pelvis back gently now."],
        "glute-bridge": ["Glute bridge", "Hold for 3 seconds.",
                         "Repeat 12 times, resting between sets.",
                         "Tilt your pelvis back slowly."],
    }
    ours = update(folder, templates)
    theirs = gnu_update(folder, templates, tmp_path)
    for doc in templates:
        assert decisions(ours[doc]) == decisions(theirs[doc]), doc
        assert_msgfmt_ok(tmp_path / "out" / f"{doc}.po")
    tilt = decisions(ours["pelvic-tilt"])
    # Strictly closer elsewhere: that translation, and the own old one kept as obsolete.
    assert tilt[("Hold for 30 seconds.", False)] == ("fuzzy", "Tenez 3 secondes.",
                                                      "Hold for 3 seconds.")
    assert tilt[("Hold for 5 seconds.", True)] == ("obsolete", "Tenez 5 secondes.", None)
    # As close elsewhere as the own entry (one digit each): the own entry wins.
    assert tilt[("Repeat 13 times, resting between sets.", False)] == (
        "fuzzy", "Répétez 11 fois, en vous reposant.", "Repeat 11 times, resting between sets.")
    # Closer in the own catalog: the own entry.
    assert tilt[("Tilt your pelvis back gently now.", False)][2] == \
        "Tilt your pelvis back gently."
    assert [k for k in tilt if k[1]] == [("Hold for 5 seconds.", True)]


def test_strictly_closer_match_is_idempotent(tmp_path: Path) -> None:
    """After the memory's closer match is taken, a second merge changes no byte: the new
    entry is the catalog's own now, and the old one stays obsolete."""
    folder = tmp_path / "fr"
    folder.mkdir()
    write_po(folder / "pelvic-tilt.po", [("Hold for 5 seconds.", "Tenez 5 secondes.")])
    write_po(folder / "glute-bridge.po", [("Hold for 3 seconds.", "Tenez 3 secondes.")])
    first = update(folder, {"pelvic-tilt": ["Hold for 30 seconds."]})["pelvic-tilt"]
    once = (tmp_path / "out" / "pelvic-tilt.po").read_bytes()
    (folder / "pelvic-tilt.po").write_bytes(once)
    update(folder, {"pelvic-tilt": ["Hold for 30 seconds."]})
    assert (tmp_path / "out" / "pelvic-tilt.po").read_bytes() == once
    assert decisions(first)[("Hold for 5 seconds.", True)][0] == "obsolete"


def test_similarity_is_msgmerges_over_utf8_bytes(tmp_path: Path) -> None:
    """msgmerge compares UTF-8 bytes, so accented letters sharing a first byte count as
    half alike: these two are 50 % similar by characters but 67 % by bytes, above the
    threshold, and both merges offer the old translation as fuzzy."""
    folder = tmp_path / "fr"
    folder.mkdir()
    write_po(folder / "plie.po", [("Pas: éèêëé", "Pas : un")])
    templates = {"plie": ["Pas: àâäåà"]}
    ours = decisions(update(folder, templates)["plie"])
    assert ours == decisions(gnu_update(folder, templates, tmp_path)["plie"])
    assert ours[("Pas: àâäåà", False)] == ("fuzzy", "Pas : un", "Pas: éèêëé")


def test_untranslated_copy_elsewhere_does_not_hide_a_suggestion(tmp_path: Path) -> None:
    """A deliberate difference from msgmerge: when the new English is already in another
    catalog but untranslated there, msgmerge takes that empty entry as an exact match (new
    English stays untranslated, the own old translation goes obsolete); `update` looks for
    a close match instead, so the translator sees their old translation as fuzzy."""
    folder = tmp_path / "fr"
    folder.mkdir()
    old, new = "Repeat 16 times on each side.", "Repeat 18 times on each side."
    write_po(folder / "bridge.po", [(old, "Répétez 16 fois de chaque côté.")])
    write_po(folder / "squat.po", [(new, "")])
    templates = {"bridge": [new]}
    ours = decisions(update(folder, templates)["bridge"])
    theirs = decisions(gnu_update(folder, templates, tmp_path)["bridge"])
    assert ours == {(new, False): ("fuzzy", "Répétez 16 fois de chaque côté.", old)}
    assert theirs == {(new, False): ("untranslated", "", None),
                      (old, True): ("obsolete", "Répétez 16 fois de chaque côté.", None)}


def test_very_short_english_ties_go_to_the_shorter_text_as_in_msgmerge(tmp_path: Path
                                                                        ) -> None:
    """English under 4 characters has no n-gram, so msgmerge compares it with every short
    text of a fitting length, shortest first, and keeps the first of equally close ones:
    "Arm" is as close to "Arc" as to "Armpit" (2/3), and "Arc" wins though it comes later."""
    folder = tmp_path / "fr"
    folder.mkdir()
    write_po(folder / "glossary.po", [("Armpit", "Aisselle"), ("Arc", "Arc de cercle")])
    templates = {"glossary": ["Arm"]}
    ours = decisions(update(folder, templates)["glossary"])
    assert ours == decisions(gnu_update(folder, templates, tmp_path)["glossary"])
    assert ours[("Arm", False)] == ("fuzzy", "Arc de cercle", "Arc")
    assert ours[("Armpit", True)] == ("obsolete", "Aisselle", None)


# --------------------------------------------------------------------------------------------
# Plural entries: a translation serves only an entry of its shape

POLISH = "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"


def _plural_po(path: Path, entries: list[polib.POEntry], plural_forms: str | None = None
               ) -> Path:
    catalog = polib.POFile()
    catalog.metadata = dict(HEADER) if plural_forms is None else {
        **HEADER, "Plural-Forms": plural_forms}
    for entry in entries:
        catalog.append(entry)
    path.write_text(render_catalog(catalog), encoding="utf-8")
    return path


def _counted(msgid: str, plural: str, *texts: str) -> polib.POEntry:
    return polib.POEntry(msgctxt="dosage", msgid=msgid, msgstr="", msgid_plural=plural,
                         msgstr_plural=dict(enumerate(texts)), flags=["python-brace-format"])


def _template(*entries: polib.POEntry) -> polib.POFile:
    template = polib.POFile()
    template.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    for entry in entries:
        template.append(polib.POEntry(msgctxt=entry.msgctxt, msgid=entry.msgid, msgstr="",
                                      msgid_plural=entry.msgid_plural,
                                      msgstr_plural={0: "", 1: ""} if entry.msgid_plural
                                      else {}, flags=list(entry.flags)))
    return template


def test_a_plural_translation_moves_to_another_document_whole(tmp_path: Path) -> None:
    folder = tmp_path / "fr"
    folder.mkdir()
    _plural_po(folder / "glossary.po", [_counted("{count} set", "{count} sets",
                                                 "{count} série", "{count} séries")])
    _plural_po(folder / "new.po", [])
    memory = memory_of({p: read(p) for p in sorted(folder.glob("*.po"))})
    (moved,) = merge(_template(_counted("{count} set", "{count} sets")),
                     read(folder / "new.po"), memory)
    assert entry_status(moved) == "translated"
    assert moved.msgstr_plural == {0: "{count} série", 1: "{count} séries"}
    assert moved.flags == ["python-brace-format"]


def test_a_singular_translation_is_never_offered_to_a_plural_entry(tmp_path: Path) -> None:
    """The same English as a text without plural forms in another document (exactly, or
    closely): not a translation of the count phrase, so the plural entry stays untranslated;
    the other way round too."""
    folder = tmp_path / "fr"
    folder.mkdir()
    _plural_po(folder / "other.po", [
        polib.POEntry(msgctxt="dosage", msgid="{count} set", msgstr="{count} série(s)"),
        _counted("{count} repetitions in all", "{count} repetitions in all",
                 "{count} répétition", "{count} répétitions")])
    _plural_po(folder / "new.po", [])
    memory = memory_of({p: read(p) for p in sorted(folder.glob("*.po"))})
    counted, plain = merge(
        _template(_counted("{count} set", "{count} sets"),
                  polib.POEntry(msgctxt="dosage", msgid="{count} repetitions in all!", msgstr="")),
        read(folder / "new.po"), memory)
    assert counted.msgstr_plural == {0: "", 1: ""} and "fuzzy" not in counted.flags
    assert plain.msgstr == "" and "fuzzy" not in plain.flags
    # With a plural translation of close English elsewhere, that one is offered.
    _plural_po(folder / "more.po", [_counted("{count} sets done", "{count} sets done",
                                             "{count} série faite", "{count} séries faites")])
    memory = memory_of({p: read(p) for p in sorted(folder.glob("*.po"))})
    (offered,) = merge(_template(_counted("{count} set", "{count} sets")),
                       read(folder / "new.po"), memory)
    assert "fuzzy" in offered.flags and offered.previous_msgid == "{count} sets done"
    assert offered.msgstr_plural == {0: "{count} série faite", 1: "{count} séries faites"}


def test_a_plural_translation_with_another_number_of_forms_is_not_used(tmp_path: Path) -> None:
    """A catalog of the locale with another Plural-Forms (three forms where French has two):
    its forms do not fit this catalog's, so they are not carried over; one that fits is."""
    folder = tmp_path / "fr"
    folder.mkdir()
    _plural_po(folder / "odd.po", [_counted("{count} set", "{count} sets", "a", "b", "c")],
               POLISH)
    _plural_po(folder / "new.po", [])
    template = _template(_counted("{count} set", "{count} sets"))
    memory = memory_of({p: read(p) for p in sorted(folder.glob("*.po"))})
    (entry,) = merge(template, read(folder / "new.po"), memory)
    assert entry.msgstr_plural == {0: "", 1: ""}
    _plural_po(folder / "good.po", [_counted("{count} set", "{count} sets",
                                             "{count} série", "{count} séries")])
    memory = memory_of({p: read(p) for p in sorted(folder.glob("*.po"))})
    (entry,) = merge(template, read(folder / "new.po"), memory)
    assert entry.msgstr_plural == {0: "{count} série", 1: "{count} séries"}
    assert "fuzzy" not in entry.flags


def test_a_search_scores_the_english_sharing_most_n_grams_the_first_seen_among_equals() -> None:
    """msgmerge scores only the few candidates (the square root of the memory's size, at
    least 10) that share most of the query's n-grams, the first seen among equals. Texts of
    a three-letter alphabet tie often, so the cut falls among equals; the search keeps what
    counting every candidate in full and sorting them keeps."""
    rng = random.Random(7)
    texts = list(dict.fromkeys("".join(rng.choice("ab ") for _ in range(rng.randint(3, 14)))
                               for _ in range(900)))
    memory = Memory()
    for text in texts:
        memory.add_entry(EntryKey(None, text), Translation(text.upper(), False, None, None, ""))
    memory.prepare()
    few = max(10, int(math.sqrt(len(texts))))
    assert few < len(texts) // 10
    own = [set(_grams(text)) for text in texts]
    cut_among_equals = 0
    for _ in range(150):
        query = "".join(rng.choice("ab ") for _ in range(rng.randint(4, 16)))
        grams = _grams(query)
        shared = {n: count for n, grams_of_n in enumerate(own)
                  if (count := sum(gram in grams_of_n for gram in grams))}
        expected = sorted(shared, key=lambda n: (-shared[n], n))[:few]
        assert memory._candidates(query, grams) == expected, query
        cut_among_equals += len(shared) > few and \
            shared[expected[-1]] == max(shared[n] for n in shared if n not in expected)
    assert cut_among_equals > 40
