"""`update` decides like GNU `msgmerge --previous`: the same entries end up translated, fuzzy,
untranslated or obsolete, with the same translation, previous msgid and translator comment.

Our merge runs with an empty translation memory, so only the old catalog itself is used, as
with msgmerge without a compendium.
"""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

import polib
import pytest

from bench.agreement import state_of
from pipeline.gettext.catalogs import merge
from pipeline.gettext.memory import Memory
from pipeline.gettext.pofiles import parse_catalog, render_catalog

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


def outcomes(catalog: polib.POFile) -> dict[tuple[str | None, str, bool], Outcome]:
    """(msgctxt, msgid, obsolete) → (state, msgstr, previous msgid, previous msgctxt, comment).

    Translator comments are compared word by word: polib wraps a `# ` line longer than the
    page width, msgmerge leaves it long; the words are the same."""
    return {(e.msgctxt, e.msgid, bool(e.obsolete)):
            (state_of(e), e.msgstr, e.previous_msgid, e.previous_msgctxt,
             " ".join(e.tcomment.split()))
            for e in catalog}


def ours(old: Path, template: Path, out: Path) -> polib.POFile:
    merged = merge(parse_catalog(template.read_text(encoding="utf-8"), template.name),
                   parse_catalog(old.read_text(encoding="utf-8"), old.name), Memory())
    out.write_text(render_catalog(merged), encoding="utf-8")
    return read_po(out)


def gnu(old: Path, template: Path, out: Path) -> polib.POFile:
    msgmerge = require_tool("msgmerge")
    subprocess.run([msgmerge, "--previous", "-q", str(old), str(template), "-o", str(out)],
                   check=True, capture_output=True)
    return read_po(out)


def assert_agree(old: Path, template: Path, work: Path) -> dict[tuple[str | None, str, bool],
                                                                Outcome]:
    mine = outcomes(ours(old, template, work / "ours.po"))
    theirs = outcomes(gnu(old, template, work / "gnu.po"))
    differences = {k: {"ours": mine.get(k), "msgmerge": theirs.get(k)}
                   for k in sorted(set(mine) | set(theirs), key=repr)
                   if mine.get(k) != theirs.get(k)}
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
