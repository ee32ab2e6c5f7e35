"""Every diagnostic code in the registry fires: one table, one real case per code.

`CASES` maps each code of `pipeline.core.codes.CODES` to a minimal failing case: the tiny
project (tests/fixtures/build/tiny: French required and complete, `check` clean) copied into
a tmp folder, changed in one way (a source YAML edit, a catalog edit, a file deleted or made
a named pipe or a link, a lock held by a child process, a vendor's XLIFF file...), then run
through the public command line (`pipeline.cli.main`, in-process). The case names the file
and line the diagnostic must point at, and the test finds that code there in what the
command printed (codes the command line reports as usage errors, exit status 2, carry no
location: the file must be named in the message). Only one case stages timing rather than
files: E413 (a catalog saved while `update` merges it) saves the catalog from inside the
stage's `apply_writes`, the one moment a real save would have to land in.

A code that cannot be produced from files alone would go in `UNREACHABLE` with the reason;
`test_every_registered_code_has_a_case` keeps the table and the registry in step, so a new
code without a case fails the suite.

Other test modules prove each rule in depth; this one only proves that every code is still
emitted, where it says, by a real run.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import polib
import pytest

from pipeline.core.codes import CODES
from pipeline.core.config import Config
from pipeline.core.diagnostics import Diagnostic
from pipeline.exchange.units import unit_id
from pipeline.gettext.pofiles import render_catalog
from pipeline.stages import update as update_stage

from build_helpers import clone, configure, line_of, must, tiny_template
from catalog_helpers import DOSAGE_YAML, Run, run_cli

# --------------------------------------------------------------------------------------------
# The tiny project's files, as the tool shows them

EXERCISE = "source/exercises/glute-bridge.yaml"
GUIDE = "source/guides/hip-pain.yaml"
REVIEWER = "source/reviewers/ann-lee.yaml"
GLOSSARY = "source/glossary.yaml"
FR = "locales/fr/LC_MESSAGES"
BRIDGE_PO = f"{FR}/glute-bridge.po"
GLOSSARY_PO = f"{FR}/glossary.po"
GUIDE_PO = f"{FR}/hip-pain.po"
REVIEWER_PO = f"{FR}/ann-lee.po"
REVIEWER_POT = "locales/templates/ann-lee.pot"
CATALOGS_LOCK = ".pipeline-cache/catalogs.lock"
# A video with captions: its file (the first bytes a WebM file starts with), the exercise's
# media block naming it, and captions in English and French.
WEBM = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm" + bytes(48)
VIDEO = ("media:\n  video:\n    src: bridge.webm\n    duration_seconds: 10\n"
         "    alt: Someone lifts their hips off a mat and lowers them.\n    captions: bridge\n")
EN_VTT = "source/captions/bridge.vtt"
FR_VTT = "locales/fr/captions/bridge.vtt"
CUES = ("WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n{}\n\n"
        "00:00:05.000 --> 00:00:08.000\n{}\n")


def with_video(english: str = CUES.format("Lift your hips.", "Lower them slowly.")
               ) -> tuple[Mutation, ...]:
    return (write("media/bridge.webm", WEBM), append(EXERCISE, VIDEO), write(EN_VTT, english))
JOURNAL = ".pipeline-cache/update-journal"

# --------------------------------------------------------------------------------------------
# Cases


@dataclass
class Scene:
    """What a mutation may use: the project copy, a folder outside it, and ways to undo
    what must be undone (a child process, a monkeypatch) once the command has run."""

    root: Path
    outside: Path
    monkeypatch: pytest.MonkeyPatch
    cleanup: ExitStack

    def path(self, rel: str) -> Path:
        return self.root / rel


Mutation = Callable[[Scene], None]


@dataclass(frozen=True)
class MsgstrOf:
    """The line of the `msgstr` keyword of a live catalog entry, where diagnostics about a
    translation point (found after the mutation, so wrapping does not matter)."""

    msgid: str


Line = int | str | MsgstrOf


@dataclass(frozen=True)
class Case:
    """One way to make a code fire.

    `line` is the line the diagnostic must name: a number (0 for a whole-file problem), a
    text that occurs exactly once in `path` after the mutation, meaning "the line holding
    it", or the msgstr line of an entry. A code the command line reports as a usage error
    (exit status 2: `pipeline: error: CODE name: message`) has no location field; `path`
    must then appear in its message."""

    how: str
    mutate: tuple[Mutation, ...]
    command: tuple[str, ...]
    path: str
    line: Line = 0
    usage_error: bool = False


def case(how: str, *mutate: Mutation, run: str | tuple[str, ...], at: str,
         line: Line = 0, usage_error: bool = False) -> Case:
    command = tuple(run.split()) if isinstance(run, str) else run
    return Case(how, mutate, command, at, line, usage_error)


# Mutations -----------------------------------------------------------------------------------


def replace(rel: str, old: str, new: str) -> Mutation:
    """Replace text that occurs exactly once in a file (a fixture change cannot go unseen)."""
    def apply(scene: Scene) -> None:
        path = scene.path(rel)
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {rel}"
        path.write_text(text.replace(old, new), encoding="utf-8")
    return apply


def append(rel: str, text: str) -> Mutation:
    def apply(scene: Scene) -> None:
        with scene.path(rel).open("a", encoding="utf-8") as fh:
            fh.write(text)
    return apply


def write(rel: str, content: str | bytes) -> Mutation:
    def apply(scene: Scene) -> None:
        path = scene.path(rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return apply


def replace_bytes(rel: str, old: bytes, new: bytes) -> Mutation:
    def apply(scene: Scene) -> None:
        path = scene.path(rel)
        data = path.read_bytes()
        assert data.count(old) == 1, f"{old!r} occurs {data.count(old)} times in {rel}"
        path.write_bytes(data.replace(old, new))
    return apply


def delete(rel: str) -> Mutation:
    def apply(scene: Scene) -> None:
        scene.path(rel).unlink()
    return apply


def sparse(rel: str, size: int) -> Mutation:
    """A file of `size` bytes that takes no disk space: refused from its size, never read."""
    def apply(scene: Scene) -> None:
        path = scene.path(rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            fh.truncate(size)
    return apply


def named_pipe(rel: str) -> Mutation:
    """The file replaced by a named pipe with no writer: reading it would block forever."""
    def apply(scene: Scene) -> None:
        scene.path(rel).unlink()
        os.mkfifo(scene.path(rel))
    return apply


def link_outside(rel: str, content: str) -> Mutation:
    """A link inside the project to a file outside it."""
    def apply(scene: Scene) -> None:
        target = scene.outside / Path(rel).name
        target.write_text(content, encoding="utf-8")
        scene.path(rel).symlink_to(target)
    return apply


def settings(**values: object) -> Mutation:
    """The project's [tool.pipeline] tables rewritten (French required unless told)."""
    def apply(scene: Scene) -> None:
        options: dict[str, object] = {"required": ("fr",), "optional": ()}
        options.update(values)
        configure(scene.root, **options)
    return apply


def setting(line: str) -> Mutation:
    """One more line in the project's [tool.pipeline] table."""
    def apply(scene: Scene) -> None:
        path = scene.path("pyproject.toml")
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("[tool.pipeline]\n", f"[tool.pipeline]\n{line}\n", 1),
                        encoding="utf-8")
    return apply


def command(*args: str) -> Mutation:
    """A setup step through the command line that must succeed (extract, update)."""
    def apply(scene: Scene) -> None:
        must(scene.root, *args)
    return apply


_HOLDER = """
import fcntl, sys
fh = open(sys.argv[1], "a")
fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
print("held", flush=True)
sys.stdin.read()
"""


def lock_held(rel: str) -> Mutation:
    """Another process holds the lock (as a running `update` does) until the case ends."""
    def apply(scene: Scene) -> None:
        path = scene.path(rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        child = subprocess.Popen([sys.executable, "-c", _HOLDER, str(path)],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

        def release() -> None:
            assert child.stdin is not None and child.stdout is not None
            child.stdin.close()  # the holder reads to the end of its input, then exits
            child.wait(timeout=10)
            child.stdout.close()

        scene.cleanup.callback(release)
        assert child.stdout is not None and child.stdout.readline() == "held\n"
    return apply


def saved_during_update(rel: str) -> Mutation:
    """A translator's save lands after `update` planned its writes and before it writes
    them. The timing is the only thing staged: the save itself is a real write to the
    catalog, made at the start of the stage's `apply_writes`."""
    def apply(scene: Scene) -> None:
        original = update_stage.apply_writes
        path = scene.path(rel)

        def save_then_apply(config: Config, writes: dict[Path, update_stage.Write]
                            ) -> list[Diagnostic]:
            path.write_text(path.read_text(encoding="utf-8") + "\n# Saved by Poedit.\n",
                            encoding="utf-8")
            return original(config, writes)

        scene.monkeypatch.setattr(update_stage, "apply_writes", save_then_apply)
    return apply


# XLIFF 2.0 files as a vendor's CAT tool returns them ---------------------------------------


XLIFF_ROOT = ('<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" '
              'srcLang="en" trgLang="fr">\n')


def xliff(units: str, original: str = BRIDGE_PO) -> str:
    """An XLIFF 2.0 document, one element per line (so lines are easy to name)."""
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f"{XLIFF_ROOT}"
            f'<file id="f1" original="{original}">\n'
            f"{units}"
            "</file>\n"
            "</xliff>\n")


def unit(msgid: str, target: str, *, doc: str = "glute-bridge", source: str | None = None,
         data: str = "") -> str:
    ident = unit_id(doc, None, msgid)
    return (f'<unit id="{ident}">\n'
            f"{data}"
            '<segment state="final">\n'
            f"<source>{source if source is not None else msgid}</source>\n"
            f"<target>{target}</target>\n"
            "</segment>\n"
            "</unit>\n")


HALF = "Lift your hips only halfway off the floor."
HEELS = "Keep your weight on your *heels*."
HEELS_DATA = '<originalData>\n<data id="d1">*</data>\n</originalData>\n'
HEELS_SOURCE = ('Keep your weight on your <pc id="1" dataRefStart="d1" dataRefEnd="d1">heels'
                "</pc>.")
IMPORT = ("xliff", "import", "vendor.xlf")  # relative to the project: see `run_case`


def vendor(text: str | bytes) -> Mutation:
    return write("vendor.xlf", text)


# Catalog entries ----------------------------------------------------------------------------

NAME = "Glute bridge"
ROLE = "Physical therapist"
BIO = "Ann is a physical therapist who helps people recover from hip pain."
BIO_FR = ("Ann est kinésithérapeute et aide les personnes à se remettre de leurs douleurs à "
          "la hanche.")
HEADING = "When to stop"
HOLD = "Hold for 5 seconds, then lower your hips slowly."
STOP = "**Stop** if you feel sharp pain in your lower back!"
LONG_NAME = "Pont fessier au sol, pieds à plat et bras le long du corps, sur tapis"
SUMMARY_WITH_TERM = "Lift your hips off the floor to work the buttocks and the hamstrings."
BIO_WITH_DOI = BIO[:-1] + " (see 10.1234/hip.2020)."
BIO_WITH_ACRONYM = BIO[:-1] + ", often after an ACL injury."
HALF_NAME = "Half bridge"


def translate(rel: str, msgid: str, msgstr: str, fuzzy: bool = False,
              comment: str | None = None) -> Mutation:
    """A translator's edit of one entry, saved as a PO editor saves it (polib, the tool's
    layout): the translation set (and the translator comment), and the entry marked fuzzy
    or reviewed (no fuzzy flag and no previous English)."""
    def apply(scene: Scene) -> None:
        path = scene.path(rel)
        catalog = polib.pofile(str(path), wrapwidth=79)
        (entry,) = [e for e in catalog if e.msgid == msgid and not e.obsolete]
        entry.msgstr = msgstr
        if comment is not None:
            entry.tcomment = comment
        entry.flags = [f for f in entry.flags if f != "fuzzy"] + (["fuzzy"] if fuzzy else [])
        if not fuzzy:
            entry.previous_msgid = entry.previous_msgctxt = None
        path.write_text(render_catalog(catalog), encoding="utf-8")
    return apply


# The table -----------------------------------------------------------------------------------

CASES: dict[str, Case] = {
    # Reading source files
    "E001": case("a byte that is not UTF-8 in a name",
                 replace_bytes(EXERCISE, b"name: Glute bridge", b"name: Glute \xff bridge"),
                 run="validate", at=EXERCISE, line=4),
    "E002": case("a second ': ' in a plain value",
                 replace(REVIEWER, "credentials: PT, DPT", "credentials: PT: DPT"),
                 run="validate", at=REVIEWER, line="credentials: PT: DPT"),
    "E003": case("a key given twice",
                 append(REVIEWER, "name: Annie Lee\n"),
                 run="validate", at=REVIEWER, line="name: Annie Lee"),
    "E004": case("a tab indenting a list item",
                 replace(EXERCISE, "  - hamstrings", "\t- hamstrings"),
                 run="validate", at=EXERCISE, line="\t- hamstrings"),
    "E005": case("an anchor on a value",
                 replace(REVIEWER, "name: Ann Lee", "name: &who Ann Lee"),
                 run="validate", at=REVIEWER, line="name: &who Ann Lee"),
    "E006": case("a file with only a comment",
                 write("source/reviewers/nobody.yaml", "# Nothing here yet.\n"),
                 run="validate", at="source/reviewers/nobody.yaml", line=1),
    "E007": case("a source file one byte over max_file_bytes (sparse)",
                 sparse("source/reviewers/huge.yaml", 1_000_001),
                 run="validate", at="source/reviewers/huge.yaml"),
    "E008": case("a misspelt kind",
                 replace(REVIEWER, "kind: reviewer", "kind: reviewr"),
                 run="validate", at=REVIEWER, line="kind: reviewr"),
    "E009": case("a new reviewer whose id is not its file name",
                 write("source/reviewers/bob.yaml",
                       "# yaml-language-server: $schema=../../schema/reviewer.json\n"
                       "kind: reviewer\nid: bob-smith\nname: Bob Smith\ncredentials: PT\n"
                       "role: Physical therapist\n"),
                 run="validate", at="source/reviewers/bob.yaml", line="id: bob-smith"),
    "E010": case("a document that is a list",
                 write("source/reviewers/list.yaml", "- Ann Lee\n- Bob Smith\n"),
                 run="validate", at="source/reviewers/list.yaml", line=1),
    "E011": case("a source file that is a link to a file outside the project",
                 link_outside("source/reviewers/guest.yaml",
                              "kind: reviewer\nid: guest\nname: Guest\n"),
                 run="validate", at="source/reviewers/guest.yaml"),
    "W012": case("the schema comment removed",
                 replace(REVIEWER, "# yaml-language-server: $schema=../../schema/reviewer.json\n",
                         ""),
                 run="validate", at=REVIEWER, line=1),
    "E013": case("a catalog replaced by a named pipe",
                 named_pipe(REVIEWER_PO),
                 run="check", at=REVIEWER_PO),
    # Model validation
    "E101": case("a required field removed",
                 replace(REVIEWER, "role: Physical therapist\n", ""),
                 run="validate", at=REVIEWER, line="kind: reviewer"),  # the mapping's start
    "E102": case("a misspelt field",
                 append(REVIEWER, "nmae: Ann\n"),
                 run="validate", at=REVIEWER, line="nmae: Ann"),
    "E103": case("a number written as a word",
                 replace(EXERCISE, "sets: 2", "sets: two"),
                 run="validate", at=EXERCISE, line="sets: two"),
    "E104": case("a name over 60 characters",
                 replace(EXERCISE, "name: Glute bridge", "name: " + "Glute bridge " * 5),
                 run="validate", at=EXERCISE, line="name: Glute bridge Glute"),
    "E105": case("one step where two are the least",
                 replace(EXERCISE, "  - Hold for 5 seconds, then lower your hips slowly.\n"
                         '  - "Repeat 10 times: rest for 30 seconds between sets."\n', ""),
                 run="validate", at=EXERCISE, line="  - Squeeze your"),
    "E106": case("a section id in snake case",
                 replace(GUIDE, "id: when-to-stop", "id: when_to_stop"),
                 run="validate", at=GUIDE, line="id: when_to_stop"),
    "E107": case("a DOI without its 10. prefix",
                 replace(GUIDE, "doi: 10.1234/jr.2020.1", "doi: jr.2020.1"),
                 run="validate", at=GUIDE, line="doi: jr.2020.1"),
    "E108": case("an http:// URL",
                 replace(GUIDE, "url: https://example.org/hip", "url: http://example.org/hip"),
                 run="validate", at=GUIDE, line="url: http://example.org/hip"),
    "E109": case("zero sets",
                 replace(EXERCISE, "sets: 2", "sets: 0"),
                 run="validate", at=EXERCISE, line="sets: 0"),
    "E110": case("a right-to-left override in a bio",
                 replace(REVIEWER, "helps people", "helps \u202epeople"),
                 run="validate", at=REVIEWER, line="bio: "),
    # Cross-document rules
    "E201": case("a second document with the id ann-lee",
                 write("source/guides/ann-lee.yaml",
                       "# yaml-language-server: $schema=../../schema/reviewer.json\n"
                       "kind: reviewer\nid: ann-lee\nname: Ann Lee\ncredentials: PT\n"
                       "role: Physical therapist\n"),
                 run="validate", at=REVIEWER, line="id: ann-lee"),
    "E202": case("a guide naming a missing exercise",
                 replace(GUIDE, "  - glute-bridge\n", "  - glute-bridges\n"),
                 run="validate", at=GUIDE, line="  - glute-bridges"),
    "E203": case("a quote by a missing reviewer",
                 replace(EXERCISE, "reviewer: ann-lee", "reviewer: ann-le"),
                 run="validate", at=EXERCISE, line="reviewer: ann-le"),
    "E204": case("a muscle the glossary lacks",
                 replace(EXERCISE, "  - hamstrings", "  - quadriceps"),
                 run="validate", at=EXERCISE, line="  - quadriceps"),
    "E205": case("an exercise related to itself",
                 append(EXERCISE, "related:\n  - glute-bridge\n"),
                 run="validate", at=EXERCISE, line="  - glute-bridge\n"),
    "E206": case("the glossary deleted",
                 delete(GLOSSARY),
                 run="validate", at="source"),
    "E207": case("a link to a content file that does not exist",
                 replace(GUIDE, "(../exercises/glute-bridge.yaml)",
                         "(../exercises/glute-bridges.yaml)"),
                 run="validate", at=GUIDE, line="glute-bridges.yaml"),
    "E208": case("a document whose id is the name of the locale's index",
                 replace(REVIEWER, "id: ann-lee", "id: index"),
                 run="validate", at=REVIEWER, line="id: index"),
    "E209": case("a citation marker naming no reference of the guide",
                 replace(GUIDE, "[@lee-2020]", "[@lee-2019]"),
                 run="validate", at=GUIDE, line="[@lee-2019]"),
    "E210": case("a reference no statement cites",
                 replace(GUIDE, " [@lee-2020]", ""),
                 run="validate", at=GUIDE, line="  - authors:"),
    "E211": case("an image whose file is not under media/",
                 append(EXERCISE, "media:\n  images:\n    - src: bridge/start.png\n"
                                  "      alt: Someone lies on a mat.\n"),
                 run="validate", at=EXERCISE, line="src: bridge/start.png"),
    # Captions
    "E420": case("a cue with settings",
                 *with_video(CUES.format("Lift your hips.", "Lower them.").replace(
                     "00:00:04.000\n", "00:00:04.000 align:start\n")),
                 run="validate", at=EN_VTT, line="align:start"),
    "E421": case("a cue running past the video's end",
                 *with_video(CUES.format("Lift your hips.", "Lower them.").replace(
                     "00:00:08.000", "00:00:12.000")),
                 run="validate", at=EN_VTT, line="00:00:12.000"),
    "E422": case("a cue with no text",
                 *with_video(CUES.format("Lift your hips.", "").rstrip("\n") + "\n"),
                 run="validate", at=EN_VTT, line="00:00:05.000"),
    "E423": case("French captions with a cue fewer than the English",
                 *with_video(), write(FR_VTT, "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n"
                                              "Soulevez les hanches.\n"),
                 run="check", at=FR_VTT, line=1),
    "E424": case("a required locale without the video's captions",
                 *with_video(),
                 run="check", at=FR_VTT),
    # Content lint
    "E301": case("a French tip in the English",
                 replace(EXERCISE, 'Think "heels down" each time you lift your hips.',
                         "Gardez le dos bien droit et respirez calmement pendant tout le "
                         "mouvement."),
                 run="validate", at=EXERCISE, line="Gardez le dos"),
    "E302": case("an empty bio",
                 replace(REVIEWER, f"bio: {BIO}", 'bio: ""'),
                 run="validate", at=REVIEWER, line='bio: ""'),
    "W303": case("a double space",
                 replace(REVIEWER, "helps people", "helps  people"),
                 run="validate", at=REVIEWER, line="helps  people"),
    "W304": case("a tip with no full stop",
                 replace(EXERCISE, HEELS, "Keep your weight on your *heels*"),
                 run="validate", at=EXERCISE, line="  - Keep your weight"),
    "E305": case("a step given twice",
                 replace(EXERCISE, "Hold for 5 seconds, then lower your hips slowly.",
                         "Squeeze your buttocks and lift your hips off the floor."),
                 run="validate", at=EXERCISE, line=16),  # the second of the two
    "W306": case("a step with its own number",
                 replace(EXERCISE, "  - Squeeze your", "  - Step 1 - Squeeze your"),
                 run="validate", at=EXERCISE, line="Step 1 - "),
    "E307": case("raw HTML in a tip",
                 replace(EXERCISE, "on your *heels*.", "on your <b>heels</b>."),
                 run="validate", at=EXERCISE, line="<b>heels</b>"),
    "E308": case("an image in a tip",
                 replace(EXERCISE, "on your *heels*.",
                         "on your heels ![heels](https://example.org/heels.png)."),
                 run="validate", at=EXERCISE, line="![heels]"),
    "E309": case("a javascript: link in a tip",
                 replace(EXERCISE, "on your *heels*.", "on your [heels](javascript:alert(1))."),
                 run="validate", at=EXERCISE, line="javascript:"),
    "E310": case("inline code in a tip",
                 replace(EXERCISE, "on your *heels*.", "on your `heels`."),
                 run="validate", at=EXERCISE, line="`heels`"),
    "E311": case("emphasis in a name",
                 replace(EXERCISE, "name: Glute bridge", "name: Glute *bridge*"),
                 run="validate", at=EXERCISE, line="name: Glute *bridge*"),
    "W312": case("a misspelled word in a translation",
                 translate(BRIDGE_PO, HALF, "Soulevez les hanches seulemnt à mi-hauteur."),
                 run="check", at=BRIDGE_PO, line=MsgstrOf(HALF)),
    "W313": case("a guide above a reading grade of 2",
                 setting("reading_grade = 2"),
                 run="check", at=GUIDE, line="title: Exercises for hip pain"),
    "W314": case("a guide last reviewed in 1970",
                 replace(GUIDE, "reviewed_on: 2026-10-14", "reviewed_on: 1970-01-01"),
                 run="check", at=GUIDE, line="reviewed_on: 1970-01-01"),
    # Catalogs
    "E401": case("an unterminated msgstr",
                 replace(REVIEWER_PO, 'msgstr "Kinésithérapeute"\n',
                         'msgstr "Kinésithérapeute\n'),
                 run="check", at=REVIEWER_PO, line='msgstr "Kinésithérapeute'),
    "E402": case("a catalog declared ISO-8859-1",
                 replace(REVIEWER_PO, "charset=UTF-8", "charset=ISO-8859-1"),
                 run="check", at=REVIEWER_PO, line=1),
    "E403": case("an entry given twice",
                 append(REVIEWER_PO, '\nmsgid "Physical therapist"\nmsgstr "Physio"\n'),
                 run="check", at=REVIEWER_PO, line='msgid "Physical therapist"\nmsgstr "Physio"'),
    "E404": case("a Language header for German in the French folder",
                 replace(REVIEWER_PO, '"Language: fr\\n"', '"Language: de\\n"'),
                 run="check", at=REVIEWER_PO, line=1),
    "E405": case("one plural form for French",
                 replace(REVIEWER_PO, "nplurals=2; plural=(n > 1);", "nplurals=1; plural=0;"),
                 run="check", at=REVIEWER_PO, line=1),
    "E406": case("a template edited by hand",
                 replace(REVIEWER_POT, "#. The reviewer's job title.",
                         "#. The reviewer's job title, edited."),
                 run="check", at=REVIEWER_POT),
    "E407": case("a catalog's extracted comment edited by hand",
                 replace(REVIEWER_PO, "#. The reviewer's job title.",
                         "#. The reviewer's job title, edited."),
                 run="check", at=REVIEWER_PO),
    "E408": case("a catalog deleted",
                 delete(REVIEWER_PO),
                 run="check", at=REVIEWER_PO),
    "E409": case("a locale CLDR does not know in the configuration",
                 settings(required=("fr", "xx")),
                 run="update", at="'xx'", usage_error=True),
    "E410": case("an editor schema edited by hand",
                 replace("schema/reviewer.json", '"title": "Bio"', '"title": "Biography"'),
                 run="check", at="schema/reviewer.json"),
    "E411": case("the catalogs' lock held by another process",
                 lock_held(CATALOGS_LOCK),
                 run="update", at=CATALOGS_LOCK, usage_error=True),
    "W412": case("an interrupted update's journal not signed by this user",
                 write(JOURNAL, b'{"version": 2, "writes": []}'),
                 run="update", at=JOURNAL),
    "E413": case("a catalog saved while update was merging it",
                 replace(REVIEWER, "role: Physical therapist", "role: Physiotherapist"),
                 command("extract"), saved_during_update(REVIEWER_PO),
                 run="update", at=REVIEWER_PO),
    # Translation checks
    "E501": case("a translation blanked",
                 translate(REVIEWER_PO, ROLE, ""),
                 run="check", at=REVIEWER_PO, line=MsgstrOf(ROLE)),
    "E502": case("an entry marked fuzzy",
                 translate(REVIEWER_PO, ROLE, "Kinésithérapeute", fuzzy=True),
                 run="check", at=REVIEWER_PO, line=MsgstrOf(ROLE)),
    "W503": case("an obsolete entry kept",
                 append(REVIEWER_PO, '\n#~ msgid "Physiotherapist"\n#~ msgstr "Physio"\n'),
                 run="check", at=REVIEWER_PO, line='#~ msgstr "Physio"'),
    "E504": case("a translation of only white space",
                 translate(REVIEWER_PO, ROLE, " "),
                 run="check", at=REVIEWER_PO, line=MsgstrOf(ROLE)),
    "E505": case("emphasis dropped from a translation",
                 translate(BRIDGE_PO, HEELS, "Gardez le poids du corps sur vos talons."),
                 run="check", at=BRIDGE_PO, line=MsgstrOf(HEELS)),
    "E506": case("a number dropped from a translation",
                 translate(BRIDGE_PO, HOLD, "Tenez la position quelques secondes, puis "
                           "redescendez lentement les hanches."),
                 run="check", at=BRIDGE_PO, line=MsgstrOf(HOLD)),
    "W507": case("a translation with a trailing space",
                 translate(BRIDGE_PO, NAME, "Pont fessier "),
                 run="check", at=BRIDGE_PO, line=MsgstrOf(NAME)),
    "W508": case("a translation's full stop dropped",
                 translate(BRIDGE_PO, HOLD, "Tenez la position 5\u00a0secondes, puis redescendez "
                           "lentement les hanches"),
                 run="check", at=BRIDGE_PO, line=MsgstrOf(HOLD)),
    "W509": case("a heading left in English (too short for E513 to judge its language)",
                 translate(GUIDE_PO, HEADING, HEADING),
                 run="check", at=GUIDE_PO, line=MsgstrOf(HEADING)),
    "E510": case("a translated name over 60 characters",
                 translate(BRIDGE_PO, NAME, LONG_NAME),
                 run="check", at=BRIDGE_PO, line=MsgstrOf(NAME)),
    "W511": case("a translation far shorter than its English",
                 translate(REVIEWER_PO, BIO, "Ann soigne."),
                 run="check", at=REVIEWER_PO, line=MsgstrOf(BIO)),
    "W512": case("a glossary term in new English, translated otherwise",
                 replace(EXERCISE, "to work the buttock muscles.",
                         "to work the buttocks and the hamstrings."),
                 command("extract"), command("update"),
                 translate(BRIDGE_PO, SUMMARY_WITH_TERM, "Soulevez les hanches du sol pour "
                           "travailler les fesses et l’arrière des cuisses."),
                 run="check", at=BRIDGE_PO, line=MsgstrOf(SUMMARY_WITH_TERM)),
    "E513": case("a translation in English",
                 translate(REVIEWER_PO, BIO, "Ann helps people who have pain in their hips to "
                           "get better again."),
                 run="check", at=REVIEWER_PO, line=MsgstrOf(BIO)),
    "E514": case("no no-break space before '!'",
                 translate(BRIDGE_PO, STOP, "**Arrêtez** si vous ressentez une douleur vive "
                           "dans le bas du dos!"),
                 run="check", at=BRIDGE_PO, line=MsgstrOf(STOP)),
    "E515": case("a script in a translation",
                 translate(REVIEWER_PO, ROLE, "Kinésithérapeute<script>alert(1)</script>"),
                 run="check", at=REVIEWER_PO, line=MsgstrOf(ROLE)),
    "E516": case("a right-to-left override in a translation",
                 translate(REVIEWER_PO, ROLE, "Kinési\u202ethérapeute"),
                 run="check", at=REVIEWER_PO, line=MsgstrOf(ROLE)),
    "E517": case("a DOI in new English, altered in its translation",
                 replace(REVIEWER, BIO, BIO_WITH_DOI),
                 command("extract"), command("update"),
                 translate(REVIEWER_PO, BIO_WITH_DOI, BIO_FR[:-1] + " (voir 10.1234/hip.2002)."),
                 run="check", at=REVIEWER_PO, line=MsgstrOf(BIO_WITH_DOI)),
    "E518": case("a dose phrase's placeholder dropped from its translation",
                 append(GLOSSARY, DOSAGE_YAML), command("extract"), command("update"),
                 translate(GLOSSARY_PO, "Hold for {seconds}", "Tenez la position"),
                 run="check", at=GLOSSARY_PO, line='msgstr "Tenez la position"'),
    "E519": case("a dose's unit changed in a translation",
                 translate(BRIDGE_PO, HOLD, "Tenez la position 5\u00a0minutes, puis redescendez "
                           "lentement les hanches."),
                 run="check", at=BRIDGE_PO, line=MsgstrOf(HOLD)),
    "W520": case("a word typed twice",
                 translate(BRIDGE_PO, HALF, "Soulevez les les hanches seulement à mi-hauteur."),
                 run="check", at=BRIDGE_PO, line=MsgstrOf(HALF)),
    "W521": case("a name translated with a lowercase start",
                 translate(BRIDGE_PO, NAME, "pont fessier"),
                 run="check", at=BRIDGE_PO, line=MsgstrOf(NAME)),
    "W522": case("an acronym in new English, dropped from its translation",
                 replace(REVIEWER, BIO, BIO_WITH_ACRONYM),
                 command("extract"), command("update"),
                 translate(REVIEWER_PO, BIO_WITH_ACRONYM,
                           BIO_FR[:-1] + ", notamment après une blessure du genou."),
                 run="check", at=REVIEWER_PO, line=MsgstrOf(BIO_WITH_ACRONYM)),
    "W523": case("a parenthesis left open",
                 translate(BRIDGE_PO, HALF, "Soulevez les hanches (seulement à mi-hauteur."),
                 run="check", at=BRIDGE_PO, line=MsgstrOf(HALF)),
    "W524": case("one sentence translated as two",
                 translate(BRIDGE_PO, HOLD, "Tenez la position 5\u00a0secondes. Redescendez "
                           "ensuite lentement les hanches."),
                 run="check", at=BRIDGE_PO, line=MsgstrOf(HOLD)),
    "W525": case("two spaces inside a translation",
                 translate(BRIDGE_PO, HALF, "Soulevez les hanches  seulement à mi-hauteur."),
                 run="check", at=BRIDGE_PO, line=MsgstrOf(HALF)),
    "W526": case("a guide heading made the same English as an exercise's name, translated "
                 "otherwise",
                 replace(GUIDE, f"heading: {HEADING}", f"heading: {HALF_NAME}"),
                 command("extract"), command("update"),
                 translate(GUIDE_PO, HALF_NAME, "Pont partiel"),
                 run="check", at=GUIDE_PO, line=MsgstrOf(HALF_NAME)),
    "W527": case("the reader addressed as « tu »",
                 translate(BRIDGE_PO, HALF, "Soulève tes hanches seulement à mi-hauteur."),
                 run="check", at=BRIDGE_PO, line=MsgstrOf(HALF)),
    "W530": case("a suppression of a check that finds nothing there",
                 translate(REVIEWER_PO, ROLE, "Kinésithérapeute",
                           comment="ignore-same-as-source: kept in English"),
                 run="check", at=REVIEWER_PO, line=MsgstrOf(ROLE)),
    # Build
    "E601": case("a translated name over the model's 60 characters, E510 turned off",
                 settings(severity={"E510": "off"}),
                 translate(BRIDGE_PO, NAME, LONG_NAME),
                 run="build", at=BRIDGE_PO, line=MsgstrOf(NAME)),
    "W603": case("an optional locale's caution left untranslated",
                 settings(required=(), optional=("fr",)),
                 translate(BRIDGE_PO, STOP, ""),
                 run="build", at=BRIDGE_PO),
    "E602": case("a build/ folder the tool did not create",
                 write("build/notes.txt", "mine\n"),
                 run="build", at="'build/'", usage_error=True),
    # Exchange with vendors
    "E701": case("an XLIFF file that is not well-formed",
                 vendor(xliff(unit(HALF, "Soulevez les hanches à mi-hauteur.</targt>"))),
                 run=IMPORT, at="vendor.xlf", line="</targt>"),
    "E702": case("an XLIFF file declaring an entity",
                 vendor('<?xml version="1.0"?>\n<!DOCTYPE xliff [<!ENTITY e "x">]>\n'
                        f'{XLIFF_ROOT}<file id="f1" original="{BRIDGE_PO}"/>\n</xliff>\n'),
                 run=IMPORT, at="vendor.xlf", line="<!DOCTYPE"),
    "E703": case("an XLIFF file over 20 MB (sparse)",
                 sparse("vendor.xlf", 20_000_001),
                 run=IMPORT, at="vendor.xlf"),
    "E704": case("a TMX file given as XLIFF",
                 vendor('<?xml version="1.0"?>\n<tmx version="1.4"><body/></tmx>\n'),
                 run=IMPORT, at="vendor.xlf", line="<tmx"),
    "W705": case("a unit whose English is no longer in the catalog",
                 vendor(xliff(unit("Lift your hips halfway off the floor.",
                                   "Soulevez les hanches à mi-hauteur."))),
                 run=IMPORT, at="vendor.xlf", line="<unit "),
    "W706": case("units of a document with no catalog",
                 vendor(xliff(unit(HALF, "Soulevez les hanches à mi-hauteur.", doc="half-bridge"),
                              original=f"{FR}/half-bridge.po")),
                 run=IMPORT, at="vendor.xlf", line="<unit "),
    "E707": case("the same unit twice in one file",
                 vendor(xliff(unit(HALF, "Soulevez les hanches à mi-hauteur.") * 2)),
                 run=IMPORT, at="vendor.xlf", line=4),  # the first of the two units
    "E708": case("a target with an inline code its source does not have",
                 vendor(xliff(unit(HEELS, 'Gardez le poids sur vos <pc id="2">talons</pc>.',
                                   source=HEELS_SOURCE, data=HEELS_DATA))),
                 run=IMPORT, at="vendor.xlf", line="<target>"),
    "E709": case("a target with a script",
                 vendor(xliff(unit(HALF, "Soulevez les hanches &lt;script&gt;alert(1)"
                                         "&lt;/script&gt; à mi-hauteur."))),
                 run=IMPORT, at="vendor.xlf", line="<target>"),
}

# Codes no file can make the tool emit, each with the reason (none so far: prefer a real case,
# even one that needs a mount or a child process, to an entry here).
UNREACHABLE: dict[str, str] = {}


# --------------------------------------------------------------------------------------------
# What the command printed


@dataclass(frozen=True)
class Found:
    code: str
    path: str  # "" for a usage error, which has no location
    line: int
    message: str


_LOCATED = re.compile(r"^(?P<path>[^\s:][^:]*?)(?::(?P<line>\d+)(?::\d+)?)?: "
                      r"(?P<code>[EW]\d{3}) (?P<name>[a-z-]+): (?P<message>.*)$")
_USAGE = re.compile(r"^pipeline: error: (?P<code>[EW]\d{3}) (?P<name>[a-z-]+): "
                    r"(?P<message>.*)$")


def found_in(run: Run) -> list[Found]:
    """Every diagnostic a run printed (text format), with its name checked against the code."""
    found: list[Found] = []
    for text in (run.out + run.err).splitlines():
        if (match := _USAGE.match(text)) is not None:
            found.append(Found(match["code"], "", 0, match["message"]))
        elif (match := _LOCATED.match(text)) is not None:
            found.append(Found(match["code"], match["path"], int(match["line"] or 0),
                               match["message"]))
        else:
            continue
        known = CODES.get(match["code"])
        assert known is not None and known.name == match["name"], text
    return found


def expected_line(root: Path, rel: str, line: Line) -> int:
    if isinstance(line, int):
        return line
    if isinstance(line, MsgstrOf):
        return line_of(root / rel, line.msgid)
    text = (root / rel).read_text(encoding="utf-8")
    assert text.count(line) == 1, f"{line!r} occurs {text.count(line)} times in {rel}"
    return text[:text.index(line)].count("\n") + 1


# --------------------------------------------------------------------------------------------
# Tests


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_template(tmp_path_factory)


@pytest.fixture
def scene(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Scene]:
    outside = tmp_path / "outside"
    outside.mkdir()
    with ExitStack() as cleanup:
        yield Scene(clone(template, tmp_path / "project"), outside, monkeypatch, cleanup)


def test_every_registered_code_has_a_case() -> None:
    assert not set(CASES) & set(UNREACHABLE), "a code is both tested and called unreachable"
    missing = sorted(set(CODES) - set(CASES) - set(UNREACHABLE))
    unknown = sorted((set(CASES) | set(UNREACHABLE)) - set(CODES))
    assert not missing, f"codes with no failing case (add one to CASES): {missing}"
    assert not unknown, f"cases for codes the registry does not have: {unknown}"


def run_case(scene: Scene, this: Case) -> Run:
    for mutate in this.mutate:
        mutate(scene)
    # Paths given on the command line are relative to the project (as a vendor's file is
    # given in a shell opened there), so the tool shows them as they are written.
    scene.monkeypatch.chdir(scene.root)
    return run_cli(scene.root, *this.command)


@pytest.mark.parametrize("code", sorted(CASES))
def test_code_has_a_failing_case(code: str, scene: Scene) -> None:
    this = CASES[code]
    run = run_case(scene, this)
    printed = f"pipeline {' '.join(this.command)} → exit {run.code}\n{run.out}{run.err}"
    found = found_in(run)
    mine = [f for f in found if f.code == code]
    assert mine, f"{code} ({this.how}) not reported:\n{printed}"
    if this.usage_error:
        assert run.code == 2, printed
        assert any(this.path in f.message for f in mine), \
            f"{code} does not name {this.path!r}:\n{printed}"
        return
    if code.startswith("E"):
        assert run.code == 1, printed
    want = (this.path, expected_line(scene.root, this.path, this.line))
    assert want in {(f.path, f.line) for f in mine}, \
        f"{code} expected at {want[0]}:{want[1]}, found at " \
        f"{sorted((f.path, f.line) for f in mine)}:\n{printed}"
