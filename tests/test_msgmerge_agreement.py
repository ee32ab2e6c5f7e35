"""`update` decides like GNU `msgmerge --previous`: the same entries end up translated, fuzzy,
untranslated or obsolete, with the same translation, previous msgid and translator comment.

Our merge runs with an empty translation memory, so only the old catalog itself is used, as
with msgmerge without a compendium.

Plural entries are compared form by form, with their English plural, their previous English
plural and their format flags (taken from the template, as msgmerge takes them). Where our
merge decides otherwise on purpose (it never offers a singular translation to a plural entry
or a plural one to a singular entry as a close match), the test shows both decisions.
"""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

import polib
import pytest

from pipeline.gettext.catalogs import merge
from pipeline.gettext.memory import Memory
from pipeline.gettext.pofiles import forms, parse_catalog, render_catalog

from catalog_helpers import (
    FIXTURES,
    assert_msgfmt_ok,
    base_project,
    read_po,
    require_tool,
    templates_dir,
)

AGREEMENT = FIXTURES / "agreement"

Outcome = tuple[str, str, str | None, str | None, str]
Key = tuple[str | None, str, bool]


def state_of(entry: polib.POEntry) -> str:
    """An entry's state as gettext tools see it: an entry whose msgstr (msgstr[0]) is empty
    is untranslated, fuzzy flag or not."""
    if entry.obsolete:
        return "obsolete"
    if not forms(entry)[0]:
        return "untranslated"
    return "fuzzy" if "fuzzy" in entry.flags else "translated"


def outcomes(catalog: polib.POFile) -> dict[Key, Outcome]:
    """(msgctxt, msgid, obsolete) → (state, msgstr, previous msgid, previous msgctxt, comment).

    Translator comments are compared word by word: polib wraps a `# ` line longer than the
    page width, msgmerge leaves it long; the words are the same."""
    return {(e.msgctxt, e.msgid, bool(e.obsolete)):
            (state_of(e), e.msgstr, e.previous_msgid, e.previous_msgctxt,
             " ".join(e.tcomment.split()))
            for e in catalog}


PluralOutcome = tuple[str | None, tuple[str, ...], str | None, tuple[str, ...]]


def plural_outcomes(catalog: polib.POFile) -> dict[Key, PluralOutcome]:
    """(msgctxt, msgid, obsolete) → (msgid_plural, forms, previous msgid_plural, format flags
    of a live entry): what `outcomes` does not look at."""
    return {(e.msgctxt, e.msgid, bool(e.obsolete)):
            (e.msgid_plural or None, tuple(forms(e)), e.previous_msgid_plural,
             () if e.obsolete else tuple(sorted(f for f in e.flags if f.endswith("-format"))))
            for e in catalog}


def _read(path: Path) -> polib.POFile:
    """A catalog as the pipeline reads it (polib skips the `#~|` lines of obsolete entries)."""
    return parse_catalog(path.read_text(encoding="utf-8"), path.name)


def ours(old: Path, template: Path, out: Path, memory: Memory | None = None) -> polib.POFile:
    merged = merge(_read(template), _read(old), memory or Memory())
    out.write_text(render_catalog(merged), encoding="utf-8")
    return _read(out)


def gnu(old: Path, template: Path, out: Path, *compendiums: Path) -> polib.POFile:
    msgmerge = require_tool("msgmerge")
    extra = [option for path in compendiums for option in ("-C", str(path))]
    subprocess.run([msgmerge, "--previous", "-q", *extra, str(old), str(template), "-o",
                    str(out)], check=True, capture_output=True)
    return _read(out)


def _differences(mine: dict[Key, object], theirs: dict[Key, object]) -> dict[Key, object]:
    return {k: {"ours": mine.get(k), "msgmerge": theirs.get(k)}
            for k in sorted(set(mine) | set(theirs), key=repr) if mine.get(k) != theirs.get(k)}


def assert_agree(old: Path, template: Path, work: Path) -> dict[Key, Outcome]:
    merged, theirs = ours(old, template, work / "ours.po"), gnu(old, template, work / "gnu.po")
    mine = outcomes(merged)
    assert not _differences(mine, outcomes(theirs)), _differences(mine, outcomes(theirs))
    differences = _differences(plural_outcomes(merged), plural_outcomes(theirs))
    assert not differences, differences
    assert_msgfmt_ok(work / "ours.po")
    return mine


# What each case of the hand-made catalog becomes (state, previous msgid).
EXPECTED: dict[tuple[str | None, str, bool], tuple[str, str | None]] = {
    (None, "Wall sit", False): ("translated", None),
    (None, "A held squat with your back against a wall.", False): ("untranslated", None),
    (None, "Stand with your back flat against a wall.", False):
        ("fuzzy", "Stand with your back against a wall."),
    (None, "Slide your back down the wall until your knees are bent to about 60 degrees.",
     False): ("fuzzy", "Slide your back down the wall until your knees are bent to about "
                       "45 degrees."),
    (None, "Check that your knees stay above your ankles, not past your toes.", False):
        ("fuzzy", "Check that your knees are above your ankles, not in front of your toes."),
    (None, "Hold for 30 seconds.", False): ("fuzzy", "Hold for 5 seconds."),
    (None, "A wall sit strengthens your thighs while the wall supports your back. You choose "
           "how deep to go, so you can work your thighs without bending your knees into a "
           "painful range.", False):
        ("fuzzy", "A wall sit strengthens your quadriceps while the wall supports your back. "
                  "You choose how deep to go, so you can work your thighs without bending "
                  "your knees into a painful range."),
    (None, "Breathe normally throughout.", False): ("translated", None),
    (None, "Breathe normally throughout the hold.", False):
        ("fuzzy", "Breathe normally throughout."),
    (None, "Repeat 5 times, resting between holds.", False): ("untranslated", None),
    (None, "Keep your chin tucked in well.", False): ("fuzzy", "Keep your chin tucked."),
    (None, "Squeeze your buttocks at the top.", False): ("translated", None),
    (None, "Stand up tall and relax your shoulder.", False):
        ("fuzzy", "Stand up tall and relax your shoulders."),
    (None, "Count your breaths out loud while you hold.", False): ("untranslated", None),
    ("muscle", "Hamstrings", False): ("translated", None),
    ("equipment", "Quadriceps", False): ("fuzzy", "Quadriceps"),
    ("equipment", "Resistance bands", False): ("fuzzy", "Resistance band"),
    (None, "Go only as low as you can without knee pain.", True): ("obsolete", None),
    (None, "Lie on your back on a mat.", True): ("obsolete", None),
}


def test_hand_made_cases_agree_with_msgmerge(tmp_path: Path) -> None:
    merged = assert_agree(AGREEMENT / "old.po", AGREEMENT / "template.pot", tmp_path)
    assert {k: (v[0], v[2]) for k, v in merged.items()} == EXPECTED
    # Translations and translator comments travel with exact and close matches.
    assert merged[(None, "Wall sit", False)][1:] == (
        "Chaise contre le mur", None, None, "exact: translated, with a translator comment")
    assert merged[(None, "Slide your back down the wall until your knees are bent to about "
                         "60 degrees.", False)][4] == "one word changed"
    assert merged[(None, "Hold for 30 seconds.", False)][1] == "Tenez 5 secondes."
    assert merged[("equipment", "Quadriceps", False)][3] == "muscle"
    # The untranslated removed entry is dropped, not kept as obsolete.
    assert not any(k[1] == "Wear comfortable shoes with a good grip." for k in merged)


def test_merge_is_idempotent_like_msgmerge(tmp_path: Path) -> None:
    once = ours(AGREEMENT / "old.po", AGREEMENT / "template.pot", tmp_path / "once.po")
    twice = ours(tmp_path / "once.po", AGREEMENT / "template.pot", tmp_path / "twice.po")
    assert (tmp_path / "twice.po").read_bytes() == (tmp_path / "once.po").read_bytes()
    assert outcomes(twice) == outcomes(once)
    # msgmerge on our result changes no state either.
    assert outcomes(gnu(tmp_path / "once.po", AGREEMENT / "template.pot",
                        tmp_path / "gnu.po")) == outcomes(once)


_WORDS = "gently slowly your the left right knee hip back floor hold seconds times".split()


def _mutate(rng: random.Random, text: str, edits: int) -> str:
    words = text.split(" ")
    for _ in range(edits):
        i = rng.randrange(len(words))
        roll = rng.random()
        if roll < 0.4:
            words[i] = rng.choice(_WORDS)
        elif roll < 0.7:
            words.insert(i, rng.choice(_WORDS))
        elif len(words) > 1:
            del words[i]
    return " ".join(words)


@pytest.mark.parametrize("seed", range(6))
def test_real_texts_with_random_edits_agree_with_msgmerge(
        tmp_path_factory: pytest.TempPathFactory, tmp_path: Path, seed: int) -> None:
    """The real English, some translated, fuzzy, untranslated or obsolete, edited by one to
    eight words, removed or kept: every decision matches msgmerge's."""
    rng = random.Random(seed)
    keys = sorted({(e.msgctxt, e.msgid)
                   for p in templates_dir(base_project(tmp_path_factory)).glob("*.pot")
                   for e in read_po(p)}, key=lambda k: (k[0] or "", k[1]))
    rng.shuffle(keys)
    header = {"Language": "fr", "MIME-Version": "1.0",
              "Content-Type": "text/plain; charset=UTF-8",
              "Content-Transfer-Encoding": "8bit",
              "Plural-Forms": "nplurals=2; plural=(n > 1);"}
    old, template = polib.POFile(), polib.POFile()
    old.metadata, template.metadata = header, {"Content-Type": "text/plain; charset=UTF-8"}
    wanted: set[tuple[str | None, str]] = set()
    for number, (context, msgid) in enumerate(keys[:150]):
        before = polib.POEntry(msgctxt=context, msgid=msgid, msgstr=f"FR{number} {msgid}",
                               tcomment=f"note {number}" if number % 5 == 0 else "")
        state = rng.random()
        if state < 0.15:
            before.flags = ["fuzzy"]
            before.previous_msgid = _mutate(rng, msgid, 1)
        elif state < 0.25:
            before.msgstr = ""
        elif state < 0.35:
            before.obsolete = True
        old.append(before)
        fate = rng.random()
        new = (msgid if fate < 0.35 else
               _mutate(rng, msgid, rng.choice([1, 2, 3])) if fate < 0.75 else
               _mutate(rng, msgid, rng.choice([4, 6, 8])) if fate < 0.85 else None)
        if new is not None and (context, new) not in wanted:
            wanted.add((context, new))
            template.append(polib.POEntry(msgctxt=context, msgid=new, msgstr=""))
    (tmp_path / "old.po").write_text(render_catalog(old), encoding="utf-8")
    (tmp_path / "template.pot").write_text(render_catalog(template), encoding="utf-8")
    merged = assert_agree(tmp_path / "old.po", tmp_path / "template.pot", tmp_path)
    states = {v[0] for v in merged.values()}
    assert states == {"translated", "fuzzy", "untranslated", "obsolete"}


# --------------------------------------------------------------------------------------------
# Plural entries and format flags

# What each plural case becomes (state, previous msgid, previous msgid_plural).
PLURAL_EXPECTED: dict[Key, tuple[str, str | None, str | None]] = {
    ("dosage", "{count} set", False): ("translated", None, None),
    # The English plural changed: fuzzy, with both previous English strings.
    ("dosage", "{count} second", False): ("fuzzy", "{count} second", "{count} seconds"),
    # A close plural match offers its forms.
    ("dosage", "{count} repetition on each side", False):
        ("fuzzy", "{count} repetition", "{count} repetitions"),
    ("dosage", "{count} minute", False): ("translated", None, None),  # obsolete, back again
    ("dosage", "Rest {count} minute between rounds", False): ("untranslated", None, None),
    ("dosage", "{count} day", False): ("fuzzy", "{count} days!", "{count} days!!"),
    ("dosage", "{count} breath", False): ("translated", None, None),
    # The same English changed shape: converted, as fuzzy (it cannot stay as obsolete).
    ("dosage", "{count} hour", False): ("fuzzy", "{count} hour", None),
    ("dosage", "{count} lap", False): ("fuzzy", "{count} lap", "{count} laps"),
    # The template's new format flag: a translation without the placeholder becomes fuzzy.
    ("dosage", "Hold for {seconds}", False): ("fuzzy", "Hold for {seconds}", None),
    ("dosage", "{dose} on each side", False): ("translated", None, None),
    ("dosage", "{count} round", False): ("untranslated", None, None),
    ("dosage", "{count} week", True): ("obsolete", None, None),
}


def test_plural_cases_agree_with_msgmerge(tmp_path: Path) -> None:
    old, template = AGREEMENT / "plural-old.po", AGREEMENT / "plural-template.pot"
    assert_agree(old, template, tmp_path)
    merged = _read(tmp_path / "ours.po")
    assert {(e.msgctxt, e.msgid, bool(e.obsolete)):
            (state_of(e), e.previous_msgid, e.previous_msgid_plural)
            for e in merged} == PLURAL_EXPECTED
    by_msgid = {e.msgid: e for e in merged}
    # A new plural entry has French's two forms; a converted one every form.
    assert by_msgid["Rest {count} minute between rounds"].msgstr_plural == {0: "", 1: ""}
    assert by_msgid["{count} hour"].msgstr_plural == {0: "{count} heure(s)",
                                                      1: "{count} heure(s)"}
    assert by_msgid["{count} lap"].msgstr == "{count} tour"
    assert by_msgid["{count} breath"].tcomment == "checked with the physio"
    # Every live entry has the template's format flag; the removed plural whose msgstr[0]
    # was empty is dropped, as GNU drops an obsolete entry without a translation.
    assert all("python-brace-format" in e.flags for e in merged if not e.obsolete)
    assert "{count} year" not in by_msgid


def test_plural_merge_is_idempotent_like_msgmerge(tmp_path: Path) -> None:
    old, template = AGREEMENT / "plural-old.po", AGREEMENT / "plural-template.pot"
    once = ours(old, template, tmp_path / "once.po")
    ours(tmp_path / "once.po", template, tmp_path / "twice.po")
    assert (tmp_path / "twice.po").read_bytes() == (tmp_path / "once.po").read_bytes()
    theirs = gnu(tmp_path / "once.po", template, tmp_path / "gnu.po")
    assert outcomes(theirs) == outcomes(once)
    assert plural_outcomes(theirs) == plural_outcomes(once)


_POLISH = "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"


@pytest.mark.parametrize("language, rule, count", [
    ("pl", _POLISH, 3), ("ja", "nplurals=1; plural=0;", 1), ("fr", "nplurals=2; plural=(n > 1);", 2)])
def test_a_new_plural_entry_gets_the_catalogs_number_of_forms(
        tmp_path: Path, language: str, rule: str, count: int) -> None:
    old, template = polib.POFile(), polib.POFile()
    old.metadata = {"Language": language, "Content-Type": "text/plain; charset=UTF-8",
                    "Plural-Forms": rule}
    template.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    template.append(polib.POEntry(msgctxt="dosage", msgid="{count} set", msgstr="",
                                  msgid_plural="{count} sets", msgstr_plural={0: "", 1: ""},
                                  flags=["python-brace-format"]))
    (tmp_path / "old.po").write_text(render_catalog(old), encoding="utf-8")
    (tmp_path / "t.pot").write_text(render_catalog(template), encoding="utf-8")
    assert_agree(tmp_path / "old.po", tmp_path / "t.pot", tmp_path)
    (entry,) = _read(tmp_path / "ours.po")
    assert entry.msgstr_plural == {index: "" for index in range(count)}


def _catalog(path: Path, entries: list[polib.POEntry], template: bool = False) -> Path:
    catalog = polib.POFile()
    catalog.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    if not template:
        catalog.metadata.update({"Language": "fr", "Plural-Forms": "nplurals=2; plural=(n > 1);"})
    for entry in entries:
        catalog.append(entry)
    path.write_text(render_catalog(catalog), encoding="utf-8")
    return path


def _plural(msgid: str, plural: str, texts: tuple[str, str] = ("", "")) -> polib.POEntry:
    return polib.POEntry(msgctxt="dosage", msgid=msgid, msgstr="", msgid_plural=plural,
                         msgstr_plural=dict(enumerate(texts)), flags=["python-brace-format"])


def _singular(msgid: str, text: str = "") -> polib.POEntry:
    return polib.POEntry(msgctxt="dosage", msgid=msgid, msgstr=text,
                         flags=["python-brace-format"])


def test_a_close_match_never_crosses_between_plural_and_singular(tmp_path: Path) -> None:
    """The one deliberate difference: msgmerge offers a close singular translation to a
    plural entry (copied into every form) and a plural one's first form to a singular entry;
    our merge offers neither, and keeps the old translation as obsolete."""
    old = _catalog(tmp_path / "old.po", [
        _singular("Rest {count} minutes", "Repos {count} minutes"),
        _plural("{count} repetitions", "{count} repetitions",
                ("{count} répétition", "{count} répétitions"))])
    template = _catalog(tmp_path / "t.pot", [
        _plural("Rest {count} minute", "Rest {count} minutes"),
        _singular("{count} repetitions in all")], template=True)
    theirs = {e.msgid: e for e in gnu(old, template, tmp_path / "gnu.po")}
    assert theirs["Rest {count} minute"].msgstr_plural == {0: "Repos {count} minutes",
                                                           1: "Repos {count} minutes"}
    assert "fuzzy" in theirs["Rest {count} minute"].flags
    assert theirs["{count} repetitions in all"].msgstr == "{count} répétition"
    mine = {(e.msgid, bool(e.obsolete)): e for e in ours(old, template, tmp_path / "ours.po")}
    assert state_of(mine[("Rest {count} minute", False)]) == "untranslated"
    assert mine[("Rest {count} minute", False)].msgstr_plural == {0: "", 1: ""}
    assert state_of(mine[("{count} repetitions in all", False)]) == "untranslated"
    # Nothing is lost: both old translations stay, as obsolete.
    assert mine[("Rest {count} minutes", True)].msgstr == "Repos {count} minutes"
    assert forms(mine[("{count} repetitions", True)]) == ["{count} répétition",
                                                          "{count} répétitions"]
    assert_msgfmt_ok(tmp_path / "ours.po")


def test_a_compendium_plural_with_another_english_plural_arrives_fuzzy(tmp_path: Path) -> None:
    """The memory (another document's catalog) as msgmerge's compendium: the same msgid
    with another English plural is offered as fuzzy, both previous strings kept."""
    compendium = _catalog(tmp_path / "other.po", [
        _plural("{count} hour", "{count} hrs", ("{count} heure", "{count} heures"))])
    old = _catalog(tmp_path / "old.po", [])
    template = _catalog(tmp_path / "t.pot", [_plural("{count} hour", "{count} hours")],
                        template=True)
    memory = Memory()
    memory.add(_read(compendium))
    (mine,) = ours(old, template, tmp_path / "ours.po", memory)
    (theirs,) = gnu(old, template, tmp_path / "gnu.po", compendium)
    for entry in (mine, theirs):
        assert "fuzzy" in entry.flags
        assert forms(entry) == ["{count} heure", "{count} heures"]
        assert (entry.previous_msgid, entry.previous_msgid_plural) == ("{count} hour",
                                                                       "{count} hrs")
