"""`pipeline validate`: one broken fixture per diagnostic code, each pinned to its file, line
and column, plus the passing counterparts and whole-project behaviour.

Every case starts from the minimal valid project in tests/fixtures/validate/project/ and
changes one thing. Line numbers below refer to these files; for orientation:

    source/exercises/glute-bridge.yaml        source/guides/hip-pain.yaml
     2 kind   3 id   4 name                     7 intro[0]   9-10 exercises[0-1]
     7-9 target_muscles   12 position           16 sections[0].items[0].text
    15-16 steps[0-1]   18 tips[0]               18 reviewers[0]   19 reviewed_on
    20 cautions[0]   22 dosage.sets             26 references[0].doi   27 ….url
    26 quote.reviewer   28 related[0]
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest

from pipeline.core.codes import CODES

from conftest import FileContent, Project, where

EX = "source/exercises/glute-bridge.yaml"
WALL = "source/exercises/wall-sit.yaml"
GUIDE = "source/guides/hip-pain.yaml"
GLOSSARY = "source/glossary.yaml"
REVIEWER = "source/reviewers/ann-lee.yaml"
NEW = "source/exercises/new-one.yaml"  # a file no other document refers to

EX_SCHEMA = "# yaml-language-server: $schema=../../schema/exercise.json\n"
STEP0 = "  - Squeeze your buttocks and lift your hips off the floor.\n"
STEP1 = "  - Hold for a moment, then lower your hips slowly.\n"

Expected = tuple[str, int, int, str]


@dataclass(frozen=True)
class Case:
    """One change to the minimal project and exactly what validate must report for it."""

    id: str
    expected: list[Expected]
    edits: tuple[tuple[str, str, str], ...] = ()  # (file, old text, new text)
    files: Mapping[str, FileContent] = field(default_factory=dict)
    settings: Mapping[str, Any] = field(default_factory=dict)
    setup: Callable[[Project], object] | None = None
    message: str = ""  # a part of the message of the diagnostic in `expected[-1]`

    def apply(self, project: Project) -> None:
        if self.settings:
            project.configure(**self.settings)
        for rel, old, new in self.edits:
            project.edit(rel, old, new)
        for rel, content in self.files.items():
            project.write(rel, content)
        if self.setup:
            self.setup(project)


def edit(rel: str, old: str, new: str) -> tuple[tuple[str, str, str], ...]:
    return ((rel, old, new),)


def step(text: str, index: int = 0) -> tuple[tuple[str, str, str], ...]:
    """Replace one of glute-bridge's two steps with `text` (a YAML scalar as written)."""
    return edit(EX, STEP0 if index == 0 else STEP1, f"  - {text}\n")


def _make_directory(project: Project) -> None:
    project.path("source/exercises/folder.yaml").mkdir()


def _link_outside(project: Project) -> None:
    outside = project.root / "elsewhere.yaml"
    outside.write_text(EX_SCHEMA + project.read(WALL).split("\n", 1)[1], encoding="utf-8")
    os.symlink(outside, project.path("source/exercises/linked.yaml"))


FAILING = [
    # --- Reading source files -------------------------------------------------------------
    Case("E001-not-utf8", [(NEW, 3, 10, "E001")],
         files={NEW: EX_SCHEMA.encode() + b"kind: exercise\nname: caf\xe9 bridge\n"},
         message="not valid UTF-8 (byte 0xe9)"),
    Case("E001-a-folder", [("source/exercises/folder.yaml", 0, 0, "E001")],
         setup=_make_directory, message="cannot read file"),
    Case("E002-bad-indent", [(NEW, 4, 3, "E002")],
         files={NEW: EX_SCHEMA + "kind: exercise\nid: new-one\n  name: Wrong indent\n"},
         message="'name' is indented more than the key above it ('id', line 3)"),
    Case("E002-mismatched-bracket", [(NEW, 3, 17, "E002")],
         files={NEW: EX_SCHEMA + "kind: exercise\nsteps: [one, two}\n"},
         message="expected ',' or ']', but found '}'"),
    Case("E002-two-documents", [(NEW, 3, 1, "E002")],
         files={NEW: EX_SCHEMA + "kind: exercise\n---\nkind: guide\n"},
         message="only one YAML document per file"),
    Case("E003-duplicate-key", [(EX, 29, 1, "E003")],
         edits=edit(EX, "  - wall-sit\n", "  - wall-sit\nname: Bridge\n"),
         message="key 'name' appears twice (first at line 4)"),
    Case("E003-duplicate-nested-key", [(EX, 24, 3, "E003")],
         edits=edit(EX, "  reps: 10\n", "  reps: 10\n  sets: 3\n"),
         message="first at line 22"),
    Case("E004-tab-indent", [(EX, 9, 1, "E004")],
         edits=edit(EX, "  - hamstrings\n", "\t- hamstrings\n")),
    Case("E004-tab-after-spaces", [(EX, 9, 3, "E004")],
         edits=edit(EX, "  - hamstrings\n", "  \t- hamstrings\n")),
    Case("E005-anchor-and-alias", [(EX, 12, 11, "E005")],
         edits=edit(EX, "position: lying-on-back\n",
                    "position: &where lying-on-back\nstarting: *where\n"),
         message="anchors and aliases"),
    Case("E005-custom-tag", [(EX, 4, 7, "E005")],
         edits=edit(EX, "name: Glute bridge", "name: !shout Glute bridge"),
         message="tag '!shout' is not allowed"),
    Case("E005-python-tag", [(NEW, 2, 1, "E005")],
         files={NEW: EX_SCHEMA + "!!python/object/apply:os.system ['true']\n"}),
    Case("E005-merge-key", [(NEW, 4, 1, "E005")],
         files={NEW: EX_SCHEMA + "kind: exercise\nid: new-one\n<<: {name: x}\n"},
         message="merge keys"),
    Case("E006-empty-file", [(NEW, 1, 1, "E006")], files={NEW: ""}),
    Case("E006-only-a-comment", [(NEW, 1, 1, "E006")], files={NEW: EX_SCHEMA}),
    Case("E007-too-large", [(NEW, 0, 0, "E007")],
         settings={"max_file_bytes": 1000},
         files={NEW: EX_SCHEMA + "# " + "x" * 1000 + "\n"},
         message="file is 1,062 bytes; the limit is 1,000"),
    Case("E008-misspelled-kind", [(EX, 2, 7, "E008")],
         edits=edit(EX, "kind: exercise", "kind: exercice"),
         message="'exercice' is not a document kind; use one of exercise, guide, reviewer, "
                 "glossary; did you mean 'exercise'?"),
    Case("E008-missing-kind", [(EX, 2, 1, "E008")],
         edits=edit(EX, "kind: exercise\n", ""), message="kind missing"),
    Case("E008-kind-not-text", [(EX, 2, 7, "E008")],
         edits=edit(EX, "kind: exercise", "kind: [exercise]")),
    Case("E009-id-differs-from-file-name", [(EX, 3, 5, "E009"), (GUIDE, 9, 5, "E202")],
         edits=edit(EX, "id: glute-bridge", "id: glute-bridges"),
         # The document is valid under its id, so the guide's 'glute-bridge' names nothing.
         message="no exercise has the id 'glute-bridge'"),
    Case("E010-list-document", [(NEW, 2, 1, "E010")],
         files={NEW: EX_SCHEMA + "- kind: exercise\n- id: new-one\n"},
         message="must be a mapping of fields, not a list"),
    Case("E010-text-document", [(NEW, 2, 1, "E010")],
         files={NEW: EX_SCHEMA + "just some words\n"}, message="not text"),
    Case("E010-null-document", [(NEW, 2, 1, "E010")],
         files={NEW: EX_SCHEMA + "~\n"}, message="not empty"),
    Case("E010-too-deep", [(NEW, 2, 66, "E010")],
         files={NEW: EX_SCHEMA + "[" * 70 + "]" * 70 + "\n"}, message="deeper than 64"),
    Case("E011-link-outside-source", [("source/exercises/linked.yaml", 0, 0, "E011")],
         setup=_link_outside, message="links outside the source folder"),
    Case("W012-no-schema-comment", [(EX, 1, 1, "W012")],
         edits=edit(EX, EX_SCHEMA, ""),
         message="first line should be '# yaml-language-server: "
                 "$schema=../../schema/exercise.json'"),
    Case("W012-schema-of-another-kind", [(EX, 1, 1, "W012")],
         edits=edit(EX, "schema/exercise.json", "schema/guide.json")),
    Case("W012-wrong-relative-path", [(GLOSSARY, 1, 1, "W012")],
         edits=edit(GLOSSARY, "=../schema/", "=../../schema/")),
    # --- Model validation ----------------------------------------------------------------
    Case("E101-missing-field", [(EX, 2, 1, "E101")],
         edits=edit(EX, "position: lying-on-back\n", ""),
         message="position: required field 'position' is missing"),
    Case("E101-missing-nested-field", [(EX, 25, 3, "E101")],
         edits=edit(EX, "  reviewer: ann-lee\n", ""),
         message="quote.reviewer: required field 'reviewer' is missing"),
    Case("E102-typo", [(EX, 2, 1, "E101"), (EX, 4, 1, "E102")],
         edits=edit(EX, "name: Glute bridge", "nmae: Glute bridge"),
         message="nmae: unknown field 'nmae'; did you mean 'name'?"),
    Case("E102-nested-typo", [(EX, 22, 3, "E102")],
         edits=edit(EX, "  sets: 2", "  setz: 2"),
         message="dosage.setz: unknown field 'setz'; did you mean 'sets'?"),
    Case("E103-text-instead-of-list", [(EX, 14, 8, "E103")],
         edits=edit(EX, "steps:\n" + STEP0 + STEP1, "steps: Just lift your hips.\n")),
    Case("E103-list-instead-of-text", [(EX, 12, 11, "E103")],
         edits=edit(EX, "position: lying-on-back", "position: [lying-on-back]")),
    Case("E103-not-a-date", [(GUIDE, 19, 14, "E103")],
         edits=edit(GUIDE, "reviewed_on: 2024-05-01", "reviewed_on: last spring")),
    Case("E103-list-instead-of-mapping", [(EX, 21, 9, "E103")],
         edits=edit(EX, "dosage:\n  sets: 2\n  reps: 10\n", "dosage: [2, 10]\n")),
    Case("E104-name-too-long", [(EX, 4, 7, "E104")],
         edits=edit(EX, "name: Glute bridge", "name: " + "x" * 61),
         message="at most 60 characters (it has 61)"),
    Case("E104-too-many-steps", [(EX, 15, 3, "E104")],
         edits=edit(EX, STEP0, "".join(f"  - Do part {n} of the lift.\n" for n in range(12)))),
    Case("E105-too-few-steps", [(EX, 15, 3, "E105")],
         edits=edit(EX, STEP1, "")),
    Case("E105-empty-muscle-list", [(EX, 7, 17, "E105")],
         edits=edit(EX, "target_muscles:\n  - gluteus-maximus\n  - hamstrings\n",
                    "target_muscles: []\n")),
    Case("E106-bad-id", [(EX, 3, 5, "E106")],
         edits=edit(EX, "id: glute-bridge", "id: Glute_Bridge"), message="is not a valid id"),
    Case("E106-bad-reference-id", [(EX, 28, 5, "E106")],
         edits=edit(EX, "  - wall-sit", "  - wall--sit")),
    Case("E106-bad-glossary-key", [(GLOSSARY, 8, 3, "E106")],
         edits=edit(GLOSSARY, "  hamstrings:", "  Hamstrings:")),
    Case("E107-doi-as-url", [(GUIDE, 26, 10, "E107")],
         edits=edit(GUIDE, "doi: 10.1234/jr.2020.1", "doi: https://doi.org/10.1/x"),
         message="is not a DOI"),
    Case("E108-http-url", [(GUIDE, 27, 10, "E108")],
         edits=edit(GUIDE, "url: https://example.org/hip", "url: http://example.org/hip")),
    Case("E109-too-many-sets", [(EX, 22, 9, "E109")],
         edits=edit(EX, "  sets: 2", "  sets: 11"), message="less than or equal to 10"),
    Case("E109-year-out-of-range", [(GUIDE, 23, 11, "E109")],
         edits=edit(GUIDE, "year: 2020", "year: 1850")),
    Case("E109-glossary-id", [(GLOSSARY, 3, 5, "E109")],
         edits=edit(GLOSSARY, "id: glossary", "id: words")),
    Case("E110-date-with-time", [(GUIDE, 19, 14, "E110")],
         edits=edit(GUIDE, "reviewed_on: 2024-05-01", "reviewed_on: 2024-05-01T10:30:00")),
    # --- Cross-document rules ------------------------------------------------------------
    Case("E201-duplicate-id", [("source/guides/wall-sit.yaml", 3, 5, "E201")],
         setup=lambda p: p.write("source/guides/wall-sit.yaml",
                                 p.read(GUIDE).replace("id: hip-pain", "id: wall-sit")),
         message="id 'wall-sit' is already used by source/exercises/wall-sit.yaml"),
    Case("E202-guide-names-missing-exercise", [(GUIDE, 10, 5, "E202")],
         edits=edit(GUIDE, "  - wall-sit", "  - wall-sitt"),
         message="exercises[1]: no exercise has the id 'wall-sitt'"),
    Case("E202-related-missing-exercise", [(EX, 28, 5, "E202")],
         edits=edit(EX, "  - wall-sit", "  - plank")),
    Case("E203-guide-reviewer", [(GUIDE, 18, 5, "E203")],
         edits=edit(GUIDE, "  - ann-lee", "  - bob-smith"),
         message="reviewers[0]: no reviewer has the id 'bob-smith'"),
    Case("E203-quote-reviewer", [(EX, 26, 13, "E203")],
         edits=edit(EX, "reviewer: ann-lee", "reviewer: bob-smith")),
    Case("E204-unknown-muscle", [(EX, 9, 5, "E204")],
         edits=edit(EX, "  - hamstrings", "  - hamstring"),
         message="target_muscles[1]: no glossary muscles term has the id 'hamstring'"),
    Case("E204-unknown-equipment", [(EX, 11, 5, "E204")],
         edits=edit(EX, "  - exercise-mat", "  - yoga-mat")),
    Case("E204-unknown-position", [(EX, 12, 11, "E204")],
         edits=edit(EX, "position: lying-on-back", "position: lying-on-front")),
    Case("E205-related-to-itself", [(EX, 28, 5, "E205")],
         edits=edit(EX, "  - wall-sit", "  - glute-bridge"),
         message="related[0]: an exercise cannot be related to itself"),
    Case("E206-no-glossary", [("source", 0, 0, "E206")], files={GLOSSARY: None}),
    Case("E207-broken-relative-link", [(EX, 18, 5, "E207")],
         edits=edit(EX, "your *heels*.", "your [heels](nope.yaml)."),
         message="tips[0]: link 'nope.yaml' does not point to a content file"),
    Case("E207-broken-link-in-guide", [(GUIDE, 7, 5, "E207")],
         edits=edit(GUIDE, "(../exercises/glute-bridge.yaml)", "(glute-bridge.yaml)")),
    Case("E208-reserved-id", [("source/reviewers/index.yaml", 3, 5, "E208")],
         files={"source/reviewers/index.yaml":
                "kind: reviewer\nname: Sam Index\nid: index\ncredentials: PT\n"
                "role: Physical therapist\n"},
         message="id 'index' names a file the build writes beside the bundles"),
    Case("E209-unknown-citation", [(GUIDE, 7, 5, "E209")],
         edits=edit(GUIDE, "[@lee-2020]", "[@lee-2020; @lee-2021]"),
         message="intro[0]: no reference has the id 'lee-2021' (references: lee-2020)"),
    Case("E209-citation-in-exercise", [(EX, 18, 5, "E209")],
         edits=edit(EX, "your *heels*.", "your *heels* [@lee-2020]."),
         message="only a guide lists references; cite it in the guide that lists it"),
    Case("E210-uncited-reference", [(GUIDE, 21, 5, "E210")],
         edits=edit(GUIDE, " [@lee-2020]", ""),
         message="references[0] ('lee-2020') backs no statement: write [@lee-2020] after"),
    Case("E211-missing-media-file", [(EX, 29, 12, "E211")],
         edits=edit(EX, "related:\n", "media:\n  images:\n    - src: gone.png\n"
                                       "      alt: A bridge.\nrelated:\n"),
         message="media.images[0].src: media/gone.png does not exist"),
    # --- Content lint --------------------------------------------------------------------
    Case("E301-french-step", [(EX, 15, 5, "E301")],
         edits=step("Allongez-vous sur le dos, les genoux pliés et les pieds à plat sur le sol."),
         message="reads as 'fr', not 'en'"),
    Case("E301-french-sentence-in-english-paragraph", [(GUIDE, 7, 5, "E301")],
         edits=edit(GUIDE, "around the hip [@lee-2020].",
                    "around the hip [@lee-2020]. Allongez-vous sur le dos, les genoux pliés et les pieds "
                    "à plat sur le sol.")),
    Case("E302-blank-step", [(EX, 16, 5, "E302")], edits=step('"   "', 1),
         message="steps[1]: text is empty"),
    Case("E302-empty-step", [(EX, 16, 5, "E302")], edits=step('""', 1)),
    Case("W303-double-space", [(EX, 16, 5, "W303")],
         edits=step('"Hold for a moment,  then lower your hips slowly."', 1),
         message="double space"),
    Case("W303-trailing-space", [(EX, 16, 5, "W303")],
         edits=step('"Hold for a moment, then lower your hips slowly. "', 1),
         message="leading or trailing white space"),
    Case("W304-no-end-punctuation", [(EX, 16, 5, "W304")],
         edits=step("Hold for a moment, then lower your hips slowly", 1),
         message="should end with '.', '!' or '?'"),
    Case("W304-paragraph", [(GUIDE, 16, 15, "W304")],
         edits=edit(GUIDE, "(https://example.org/pain).", "(https://example.org/pain)")),
    Case("E305-duplicate-step", [(EX, 16, 5, "E305")],
         edits=step("squeeze your buttocks and lift your hips off the FLOOR.", 1),
         message="steps[1]: same text as steps[0]"),
    Case("W306-numbered-step", [(EX, 15, 5, "W306")], edits=step("1. Lie down."),
         message="starts with a number"),
    Case("W306-step-n-prefix", [(EX, 16, 5, "W306")], edits=step("'Step 2: Lower your hips.'", 1)),
    Case("E307-raw-html", [(EX, 15, 5, "E307")],
         edits=step("Squeeze your <b>buttocks</b> and lift."), message="raw HTML '<b>'"),
    Case("E308-image", [(EX, 15, 5, "E308")],
         edits=step("Squeeze like this ![x](https://a/b.png) and lift."),
         message="image 'https://a/b.png' is not allowed"),
    Case("E309-javascript-link", [(EX, 15, 5, "E309")],
         edits=step("Squeeze your [x](javascript:alert(1)) buttocks."), message="javascript"),
    Case("E309-http-link", [(EX, 15, 5, "E309")],
         edits=step("Read [this](http://example.org/bridge) first."),
         message="must be https:// or a relative path"),
    Case("E310-citation-inside-a-link", [(GUIDE, 7, 5, "E310")],
         edits=edit(GUIDE, "[glute bridge]", "[glute bridge [@lee-2020]]"),
         message="citation '[@lee-2020]' inside a link's text; put it after the link"),
    Case("E310-inline-code", [(EX, 15, 5, "E310")],
         edits=step("Squeeze your `buttocks` and lift."), message="code inline"),
    Case("E311-bold-in-name", [(EX, 4, 7, "E311")],
         edits=edit(EX, "name: Glute bridge", "name: Glute **bridge**")),
    Case("E311-link-in-summary", [(WALL, 5, 10, "E311")],
         edits=edit(WALL, "Slide down a wall", "Slide down a [wall](https://example.org)")),
    Case("W312-misspelled-step", [(EX, 15, 5, "W312")],
         edits=step("Squeeze your buttocks and lift your hipps off the floor."),
         message="'hipps' is not in the en dictionary; did you mean 'hips'"),
    Case("W312-word-the-word-list-lacks", [(EX, 15, 5, "W312")],
         edits=step("Loop the Theraband around your feet and lift your hips off the floor."),
         setup=lambda p: p.write("spelling/en.txt", p.read("spelling/en.txt") + "thera\n"),
         message="'Theraband' is not in the en"),
    Case("W313-above-the-target-grade", [(EX, 4, 7, "W313"), (WALL, 4, 7, "W313"),
                                         (GUIDE, 4, 8, "W313")],
         settings={"reading_grade": 1}, message="above the target grade 1"),
    Case("W314-review-too-old", [(GUIDE, 19, 14, "W314")],
         settings={"review_max_age_months": 1},
         message="reviewed_on 2024-05-01 is more than 1 months before"),
]

PASSING = [
    Case("latin-muscle-name-is-not-foreign", [],
         edits=edit(EX, "name: Glute bridge", "name: Gluteus maximus")),
    Case("latin-words-in-an-english-step", [],
         edits=step("Squeeze the gluteus maximus and lift your hips off the floor.")),
    Case("markdown-subset-in-a-step", [],
         edits=step("Squeeze your **buttocks** and *slowly* lift, as [shown](https://example.org).")),
    Case("relative-link-to-another-exercise", [],
         edits=edit(EX, "your *heels*.", "your heels, as in the [wall sit](wall-sit.yaml#steps).")),
    Case("ending-inside-emphasis-or-quotes", [],
         edits=step("'Say \"lift.\"'", 0) + step("Lower your hips **slowly!**", 1)),
    Case("numbers-inside-a-step", [], edits=step("Hold for 10 seconds, 2-3 times.")),
    Case("same-step-in-another-exercise", [],
         edits=edit(WALL, "  - Slide down the wall until your knees are bent.", STEP0.rstrip())),
    Case("doi-without-resolver", [],
         edits=edit(GUIDE, "doi: 10.1234/jr.2020.1", "doi: 10.1186/s12891-021-04567-8")),
    Case("yml-extension", [],
         setup=lambda p: p.path(WALL).rename(p.path("source/exercises/wall-sit.yml"))),
    Case("byte-order-mark", [],
         setup=lambda p: p.write(REVIEWER, "\ufeff" + p.read(REVIEWER))),
    Case("optional-fields-omitted", [],
         edits=edit(EX, "dosage:\n  sets: 2\n  reps: 10\n", "")),
    # Words no dictionary knows, which the project's word list accepts (W312 otherwise).
    Case("words-of-the-project-word-list", [],
         edits=step("Loop the Theraband around your feet and lift your hips off the floor."),
         setup=lambda p: p.write("spelling/en.txt", p.read("spelling/en.txt") + "theraband\n")),
]


@pytest.mark.parametrize("case", FAILING, ids=lambda c: c.id)
def test_failing(project: Project, case: Case) -> None:
    case.apply(project)
    code, diagnostics = project.validate()
    assert where(diagnostics) == case.expected, diagnostics
    assert case.message in diagnostics[-1]["message"]
    errors = [d for d in diagnostics if d["severity"] == "error"]
    assert code == (1 if errors else 0)
    assert all(d["severity"] == ("error" if d["code"][0] == "E" else "warning")
               for d in diagnostics)


@pytest.mark.parametrize("case", PASSING, ids=lambda c: c.id)
def test_passing(project: Project, case: Case) -> None:
    case.apply(project)
    assert project.validate() == (0, [])


# Codes of the source range that validation never emits: E013 is a file-system fault met
# while writing or locking (its cases live in test_fs_faults.py).
NOT_FROM_VALIDATION = {"E013"}


def test_every_source_code_has_a_failing_case() -> None:
    source_codes = {c for c in CODES if c[1] in "0123"} - NOT_FROM_VALIDATION
    covered = {code for case in FAILING for (_, _, _, code) in case.expected}
    assert source_codes - covered == set()


def test_minimal_project_is_clean(project: Project) -> None:
    assert project.validate() == (0, [])
    result = project.run("validate")
    assert (result.code, result.out, result.err) == (0, "No problems in 5 files.\n", "")


def test_every_error_at_once_sorted_by_file_then_line(project: Project) -> None:
    project.write("source/exercises/a-typo.yaml",
                  EX_SCHEMA + "kind: exercise\nid: a-typo\nnmae: A\n")
    project.write("source/exercises/b-tab.yaml", EX_SCHEMA + "kind: exercise\n\tid: b-tab\n")
    project.write("source/reviewers/c-list.yaml", "- not a mapping\n")
    project.edit(GUIDE, "  - wall-sit", "  - wall-sitt")
    project.edit(GUIDE, "doi: 10.1234/jr.2020.1", "doi: https://doi.org/10.1/x")
    project.edit(EX, "  - hamstrings", "  - hamstring")
    project.edit(EX, STEP1, "  - Hold for a moment, then lower your hips slowly\n")
    code, diagnostics = project.validate()
    assert code == 1
    assert where(diagnostics) == [
        # One per missing required field (name, summary, why_it_helps, target_muscles,
        # position, starting_position, steps), at the start of the document.
        *[("source/exercises/a-typo.yaml", 2, 1, "E101")] * 7,
        ("source/exercises/a-typo.yaml", 4, 1, "E102"),
        ("source/exercises/b-tab.yaml", 3, 1, "E004"),
        (EX, 9, 5, "E204"),
        (EX, 16, 5, "W304"),
        (GUIDE, 26, 10, "E107"),
        ("source/reviewers/c-list.yaml", 1, 1, "E010"),
    ]
    # Sorted by file, then line, then column, then code.
    keys = [(d["path"], d["line"], d["column"], d["code"]) for d in diagnostics]
    assert keys == sorted(keys)


def test_a_broken_document_is_reported_once(project: Project) -> None:
    """A file that fails its model is not reported again where others name it or link to it."""
    project.edit(EX, "name: Glute bridge", "nmae: Glute bridge")  # named by the guide and a link
    project.edit(GLOSSARY, "  hamstrings:", "  Hamstrings:")  # the glossary fails its model
    code, diagnostics = project.validate()
    assert code == 1
    assert where(diagnostics) == [(EX, 2, 1, "E101"), (EX, 4, 1, "E102"),
                                  (GLOSSARY, 8, 3, "E106")]


def test_a_reference_to_a_missing_file_is_still_reported(project: Project) -> None:
    project.write(WALL, None)
    code, diagnostics = project.validate()
    assert (code, where(diagnostics)) == (1, [(EX, 28, 5, "E202"), (GUIDE, 10, 5, "E202")])


def test_a_link_inside_the_source_folder_is_read_as_its_own_file(project: Project) -> None:
    os.symlink("glute-bridge.yaml", project.path("source/exercises/bridge.yaml"))
    code, diagnostics = project.validate()
    assert code == 1
    # The link is reported under its own name, not its target's.
    assert where(diagnostics) == [("source/exercises/bridge.yaml", 3, 5, "E009"),
                                  (EX, 3, 5, "E201")]


def test_a_symlink_loop_is_unreadable_not_a_crash(project: Project) -> None:
    os.symlink("loop.yaml", project.path("source/exercises/loop.yaml"))
    code, diagnostics = project.validate()
    assert (code, where(diagnostics)) == (1, [("source/exercises/loop.yaml", 0, 0, "E001")])


def test_every_problem_in_one_text_is_reported(project: Project) -> None:
    project.edit(EX, STEP0, '  - "1. Lift your hips  off the floor"\n')
    code, diagnostics = project.validate()
    assert code == 0
    assert sorted(d["code"] for d in diagnostics) == ["W303", "W304", "W306"]
    assert {(d["line"], d["column"]) for d in diagnostics} == {(15, 5)}


@pytest.mark.parametrize(
    ("change", "shown"),
    [
        pytest.param(edit(EX, "id: glute-bridge", "id: Glute_Bridge"), "'Glute_Bridge'",
                     id="E106"),
        pytest.param(edit(GUIDE, "doi: 10.1234/jr.2020.1", "doi: doi:10.1/x"), "'doi:10.1/x'",
                     id="E107"),
        pytest.param(edit(GUIDE, "url: https://example.org/hip", "url: ftp://x"), "'ftp://x'",
                     id="E108"),
        pytest.param(edit(EX, "name: Glute bridge", "name: Glute *bridge*"),
                     "'Glute *bridge*'", id="E311"),
    ],
)
def test_messages_name_the_bad_value(project: Project, change: tuple[tuple[str, str, str]],
                                     shown: str) -> None:
    project.edit(*change[0])
    _, diagnostics = project.validate()
    assert shown in diagnostics[-1]["message"]
    assert "{value" not in diagnostics[-1]["message"]
