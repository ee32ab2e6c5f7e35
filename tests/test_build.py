"""`pipeline build`: gate, export localized bundles, manifest and schemas, swap in atomically.

Every test works on a copy of a project in a tmp folder (see build_helpers) and runs the real
command, in-process through `pipeline.cli.main` or as a `python -m pipeline` subprocess.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polib
import pytest
from babel.dates import format_date
from jsonschema import Draft202012Validator

import pipeline
from pipeline.content.library import Library
from pipeline.content.models import Exercise, Guide
from pipeline.content.textunits import format_path, iter_texts
from pipeline.gettext.stats import progress
from pipeline.infra import outdir
from pipeline.stages.build import run_build
from pipeline.stages.export import BUNDLE_MODELS
from pipeline.stages.validate import validate_project

from build_helpers import (
    NBSP,
    PYTHON,
    REPO_ROOT,
    big_template,
    built,
    bundles,
    cli,
    cli_config,
    clone,
    configure,
    edit_entry,
    edit_text,
    get_path,
    leftovers,
    po_path,
    real_template,
    refresh,
    translations,
    tree_hashes,
)

LOCALES = ("en", "fr", "en-XA")
DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"


@pytest.fixture(scope="module")
def real_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real project (French optional), built once; tests only read it."""
    return built(tmp_path_factory, "real", real_template(tmp_path_factory))


def library_of(root: Path) -> Library:
    library, problems = validate_project(cli_config(root))
    assert not [d for d in problems if d.severity == "error"]
    return library


def schema_validator(build: Path, kind: str) -> Draft202012Validator:
    schema = json.loads((build / "schema" / f"{kind}.json").read_text(encoding="utf-8"))
    assert schema["$schema"] == DRAFT_2020_12
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def schema_errors(validator: Draft202012Validator, data: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(data)]


# ---------------------------------------------------------------------------------------------
# 1. End to end


def test_build_writes_a_valid_bundle_per_locale_and_document(real_built: Path) -> None:
    build = real_built / "build"
    library = library_of(real_built)
    found = bundles(build)
    assert set(found) == {f"{loc}/{doc.id}.json" for loc in LOCALES for doc in library}
    validators = {kind: schema_validator(build, kind) for kind in BUNDLE_MODELS}
    assert sorted(p.name for p in (build / "schema").iterdir()) == sorted(
        f"{kind}.json" for kind in BUNDLE_MODELS)
    for rel, data in found.items():
        locale, doc_id = rel.removesuffix(".json").split("/")
        assert (data["locale"], data["id"], data["kind"]) == (
            locale, doc_id, library.documents[doc_id].kind), rel
        BUNDLE_MODELS[data["kind"]].model_validate(data)  # the pydantic model accepts it
        assert schema_errors(validators[data["kind"]], data) == [], rel  # and so does the schema


def test_json_schema_alone_rejects_a_broken_bundle(real_built: Path) -> None:
    build = real_built / "build"
    validator = schema_validator(build, "exercise")
    exercise = next(d for d in bundles(build).values() if d["kind"] == "exercise")
    assert schema_errors(validator, exercise) == []
    too_long = json.loads(json.dumps(exercise))
    too_long["document"]["name"] = "x" * 61
    assert schema_errors(validator, too_long)
    unknown = json.loads(json.dumps(exercise))
    unknown["document"]["colour"] = "red"
    assert schema_errors(validator, unknown)
    no_terms_shape = json.loads(json.dumps(exercise))
    no_terms_shape["terms"] = {"muscles": {"x": {"label": "X"}}}
    assert schema_errors(validator, no_terms_shape)


def test_english_bundles_are_the_source_with_nothing_falling_back(real_built: Path) -> None:
    library = library_of(real_built)
    for doc in library:
        data = json.loads((real_built / "build" / "en" / f"{doc.id}.json").read_text("utf-8"))
        assert data["document"] == doc.model.model_dump(mode="json")
        assert data["fallbacks"] == [], doc.id


def test_french_bundles_hold_the_reviewed_french_of_the_catalogs(real_built: Path) -> None:
    library = library_of(real_built)
    glossary_fr = translations(po_path(real_built, "glossary"))
    checked = 0
    for doc in library:
        data = json.loads((real_built / "build" / "fr" / f"{doc.id}.json").read_text("utf-8"))
        table = translations(po_path(real_built, doc.id))
        expected_fallbacks = []
        for unit in iter_texts(doc.model):
            french = table.get((unit.context, unit.text))
            assert get_path(data["document"], unit.path) == (french or unit.text), (
                doc.id, unit.path)
            if french is None:
                expected_fallbacks.append(format_path(unit.path))
            checked += french is not None
        assert data["fallbacks"] == sorted(set(expected_fallbacks)), doc.id
        if isinstance(doc.model, Exercise):
            # ids stay as they are; `terms` gives their localized names
            assert data["document"]["target_muscles"] == doc.model.target_muscles
            assert data["document"]["position"] == doc.model.position
            glossary = library.glossary
            assert glossary is not None
            for muscle in doc.model.target_muscles:
                english = glossary.muscles[muscle].name
                assert data["terms"]["muscles"][muscle]["name"] == glossary_fr.get(
                    ("muscle", english), english)
            position = glossary.positions[doc.model.position].name
            assert data["terms"]["positions"][doc.model.position]["name"] == glossary_fr.get(
                ("position", position), position)
        if isinstance(doc.model, Guide):
            assert data["formatted"] == {
                "reviewed_on": format_date(doc.model.reviewed_on, "long", locale="fr")}
    assert checked, "the copied French catalogs hold no translation at all"


def test_tiny_project_with_french_required(tiny_built: Path) -> None:
    """Hand-written French that passes every check ships exactly as written."""
    build = tiny_built / "build"
    guide = json.loads((build / "fr" / "hip-pain.json").read_text("utf-8"))
    assert guide["formatted"] == {"reviewed_on": "14 octobre 2026"}
    assert guide["document"]["reviewed_on"] == "2026-10-14"
    assert guide["document"]["title"] == "Exercices contre la douleur à la hanche"
    assert guide["document"]["intro"] == [
        "Ces exercices renforcent les muscles autour de la hanche. Commencez par le "
        "[pont fessier](../exercises/glute-bridge.yaml) et faites-le 3 fois par semaine."]
    assert guide["document"]["references"][0]["title"] == "Hip strength and pain"  # verbatim
    assert guide["fallbacks"] == []
    english = json.loads((build / "en" / "hip-pain.json").read_text("utf-8"))
    assert english["formatted"] == {"reviewed_on": "October 14, 2026"}

    exercise = json.loads((build / "fr" / "glute-bridge.json").read_text("utf-8"))
    doc = exercise["document"]
    assert doc["name"] == "Pont fessier"
    assert doc["steps"][2] == (
        f"Répétez 10 fois{NBSP}: reposez-vous 30 secondes entre les séries.")
    assert doc["cautions"] == [
        "**Arrêtez** si vous ressentez une douleur vive dans le bas du dos\u202f!"]
    assert doc["target_muscles"] == ["gluteus-maximus", "hamstrings"]
    assert doc["quote"] == {"reviewer": "ann-lee", "text": "Je fais commencer presque tout le "
                            "monde par cet exercice, car il est *sûr* et simple."}
    assert exercise["terms"] == {
        "equipment": {"exercise-mat": {"name": "Tapis d’exercice", "description":
                                       "Un tapis rembourré pour s’allonger sur le sol."}},
        "muscles": {"gluteus-maximus": {"name": "Grand fessier",
                                        "description": "Le plus gros muscle de la fesse."},
                    "hamstrings": {"name": "Ischio-jambiers", "description": None}},
        "positions": {"lying-on-back": {"name": "Allongé sur le dos", "description": None}},
    }
    assert exercise["fallbacks"] == []
    glossary = json.loads((build / "fr" / "glossary.json").read_text("utf-8"))
    assert list(glossary["document"]["muscles"]) == ["gluteus-maximus", "hamstrings"]
    for data in bundles(build).values():
        BUNDLE_MODELS[data["kind"]].model_validate(data)
        assert schema_errors(schema_validator(build, data["kind"]), data) == []


# ---------------------------------------------------------------------------------------------
# 2. Manifest


def test_manifest(real_built: Path) -> None:
    build = real_built / "build"
    manifest = json.loads((build / "manifest.json").read_text("utf-8"))
    assert manifest["generator"] == f"exercise-content-pipeline {pipeline.__version__}"
    assert manifest["source_revision"] is None  # a tmp folder is no git checkout
    assert manifest["source_locale"] == "en"
    shipped = {rel for rel in tree_hashes(build)
               if rel not in ("manifest.json", ".pipeline-output")
               and not rel.startswith(("schema/", "mo/"))}
    assert set(manifest["bundles"]) == shipped
    for rel, entry in manifest["bundles"].items():
        data = (build / rel).read_bytes()
        assert entry == {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}, rel
    library = library_of(real_built)
    assert manifest["locales"]["en"] == {"policy": "source", "bundles": len(library)}
    assert manifest["locales"]["en-XA"] == {"policy": "pseudo", "bundles": len(library)}
    fr = manifest["locales"]["fr"]
    catalogs = [polib.pofile(str(po_path(real_built, doc.id))) for doc in library]
    counts = [progress(c).strings for c in catalogs]
    translated = sum(c["translated"] for c in counts)
    total = sum(c["translated"] + c["fuzzy"] + c["untranslated"] for c in counts)
    assert fr["policy"] == "optional" and fr["bundles"] == len(library)
    assert fr["complete_percent"] == round(100.0 * translated / total, 1)
    fallbacks = sum(len(json.loads((build / rel).read_text("utf-8"))["fallbacks"])
                    for rel in shipped if rel.startswith("fr/"))
    texts = sum(1 for doc in library for _ in iter_texts(doc.model))
    assert fr["fallback_percent"] == round(100.0 * fallbacks / texts, 1)


def test_manifest_of_complete_required_locale(tiny_built: Path) -> None:
    manifest = json.loads((tiny_built / "build" / "manifest.json").read_text("utf-8"))
    assert manifest["locales"]["fr"] == {"policy": "required", "bundles": 4,
                                         "complete_percent": 100.0, "fallback_percent": 0.0}


# ---------------------------------------------------------------------------------------------
# 3. Fuzzy never reaches a bundle


def test_fuzzy_translation_falls_back_to_english(tiny: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    configure(tiny, required=(), optional=("fr",))
    edit_entry(po_path(tiny, "glute-bridge"), "Glute bridge", fuzzy=True)
    edit_entry(po_path(tiny, "glossary"), "Gluteus maximus", msgctxt="muscle", fuzzy=True)
    run = cli(capsys, tiny, "build")
    assert run.code == 0, run.text
    exercise = json.loads((tiny / "build" / "fr" / "glute-bridge.json").read_text("utf-8"))
    assert exercise["document"]["name"] == "Glute bridge"
    assert exercise["fallbacks"] == ["name"]
    assert exercise["document"]["summary"] == ("Soulevez les hanches du sol pour travailler "
                                               "les muscles fessiers.")
    assert exercise["terms"]["muscles"]["gluteus-maximus"]["name"] == "Gluteus maximus"
    assert exercise["terms"]["muscles"]["hamstrings"]["name"] == "Ischio-jambiers"
    glossary = json.loads((tiny / "build" / "fr" / "glossary.json").read_text("utf-8"))
    assert glossary["fallbacks"] == ["muscles.gluteus-maximus.name"]
    fr = json.loads((tiny / "build" / "manifest.json").read_text("utf-8"))["locales"]["fr"]
    assert fr["policy"] == "optional"
    assert fr["fallback_percent"] > 0
    assert fr["complete_percent"] < 100
    for path in (tiny / "build").rglob("*"):  # the fuzzy French is nowhere in build/
        assert not path.is_file() or "Pont fessier".encode() not in path.read_bytes(), path


# ---------------------------------------------------------------------------------------------
# 5. A required locale that fails `check` stops the build


def _untranslated(root: Path) -> str:
    edit_entry(po_path(root, "glute-bridge"), "Half bridge", msgstr="")
    return "E501"


def _fuzzy(root: Path) -> str:
    edit_entry(po_path(root, "glute-bridge"), "Half bridge", fuzzy=True)
    return "E502"


def _typography(root: Path) -> str:
    edit_entry(po_path(root, "glute-bridge"), "Repeat 10 times: rest for 30 seconds between sets.",
               msgstr="Répétez 10 fois : reposez-vous 30 secondes entre les séries.")
    return "E514"


def _broken_catalog(root: Path) -> str:
    path = po_path(root, "glute-bridge")
    path.write_text(path.read_text("utf-8") + '\nmsgid "unterminated\n', encoding="utf-8")
    return "E401"


def _stale_template(root: Path) -> str:
    edit_text(root / "source" / "exercises" / "glute-bridge.yaml", "name: Glute bridge",
              "name: Glute bridge on the floor")
    return "E406"


@pytest.mark.parametrize("breakage", [_untranslated, _fuzzy, _typography, _broken_catalog,
                                      _stale_template], ids=lambda f: f.__name__.strip("_"))
def test_failing_check_stops_the_build_and_keeps_build(
        tiny: Path, capsys: pytest.CaptureFixture[str], breakage: Callable[[Path], str]) -> None:
    before = tree_hashes(tiny / "build")
    code = breakage(tiny)
    run = cli(capsys, tiny, "build")
    assert run.code == 1, run.text
    assert code in run.out
    if code != "E406":
        assert "locales/fr/LC_MESSAGES/glute-bridge.po:" in run.out
    assert "build stopped by the check above" in run.err
    assert tree_hashes(tiny / "build") == before
    assert leftovers(tiny) == []


def test_usage_error_exits_2(tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    configure(tiny, required=("fr",), optional=(), severity={"E999": "error"})
    before = tree_hashes(tiny / "build")
    run = cli(capsys, tiny, "build")
    assert run.code == 2 and "E999" in run.err
    assert tree_hashes(tiny / "build") == before


# ---------------------------------------------------------------------------------------------
# 6. A translation that breaks the model


LONG_NAME = "Pont fessier au sol, pieds à plat et bras le long du corps, sur tapis"


def test_translation_breaking_the_model_stops_the_build_of_a_required_locale(
        tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert len(LONG_NAME) > 60
    configure(tiny, required=("fr",), optional=(), severity={"E510": "off"})
    before = tree_hashes(tiny / "build")
    line = edit_entry(po_path(tiny, "glute-bridge"), "Glute bridge", msgstr=LONG_NAME)
    check = cli(capsys, tiny, "check")
    assert check.code == 0, check.text  # `check` lets it through; the model does not
    run = cli(capsys, tiny, "build")
    assert run.code == 1, run.text
    assert f"locales/fr/LC_MESSAGES/glute-bridge.po:{line}: E601" in run.out
    lines = po_path(tiny, "glute-bridge").read_text("utf-8").split("\n")
    assert lines[line - 1].startswith("msgstr ")  # the translation's line, in that entry:
    start = max(i for i in range(line) if lines[i] == "")
    assert 'msgid "Glute bridge"' in lines[start:line]
    assert "at most 60 characters" in run.out
    assert "source/exercises/glute-bridge.yaml:4" in run.out
    assert "build stopped" in run.err and "build/ was not changed" in run.err
    assert tree_hashes(tiny / "build") == before
    assert leftovers(tiny) == []


@pytest.mark.parametrize("msgstr, message", [
    (LONG_NAME, "at most 60 characters"),
    ("**Pont** fessier", "remove Markdown"),
], ids=["too-long", "markup-in-plain-text"])
def test_optional_locale_falls_back_to_english_for_a_translation_breaking_the_model(
        tiny: Path, capsys: pytest.CaptureFixture[str], msgstr: str, message: str) -> None:
    configure(tiny, required=(), optional=("fr",), severity={})
    line = edit_entry(po_path(tiny, "glute-bridge"), "Glute bridge", msgstr=msgstr)
    run = cli(capsys, tiny, "build")
    assert run.code == 0, run.text
    assert f"locales/fr/LC_MESSAGES/glute-bridge.po:{line}: E601" in run.out
    assert message in run.out and "English used instead" in run.out
    bundle = json.loads((tiny / "build" / "fr" / "glute-bridge.json").read_text("utf-8"))
    assert bundle["document"]["name"] == "Glute bridge"
    assert "name" in bundle["fallbacks"]
    assert msgstr not in (tiny / "build" / "fr" / "glute-bridge.json").read_text("utf-8")
    assert leftovers(tiny) == []


# ---------------------------------------------------------------------------------------------
# 7. Atomic: a build killed half-way leaves the previous build/ as it was


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About a hundred documents, built once: a build long enough to interrupt."""
    root = clone(big_template(tmp_path_factory), tmp_path_factory.mktemp("kill") / "big")
    assert run_build(cli_config(root)).ok
    return root


Ready = Callable[[Path], bool]


@dataclass(frozen=True)
class Interrupted:
    status: int
    err: str
    pid: int
    staged: int  # files in the stage when SIGKILL hit it (-1: no stage)


def _stage_of(root: Path, pid: int) -> Path | None:
    return next(iter(root.glob(f".build.tmp-{pid}-*")), None)


def _interrupt(root: Path, ready: Ready, sig: signal.Signals, delay: float = 0.0
               ) -> Interrupted | None:
    """Start `python -m pipeline build --clean` and send `sig` once `ready(stage)` holds;
    None when the build finished before that point.

    A SIGKILL is preceded by SIGSTOP so the stage can be looked at exactly as the kill finds
    it."""
    proc = subprocess.Popen([PYTHON, "-m", "pipeline", "build", "--clean", "--quiet",
                             "--root", str(root)], cwd=root,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    try:
        while (stage := _stage_of(root, proc.pid)) is None or not ready(stage):
            if proc.poll() is not None:
                out, err = proc.communicate()
                assert proc.returncode == 0, out + err
                return None
            assert time.monotonic() < deadline, "kill point never reached"
            time.sleep(0.0005)
        time.sleep(delay)
        staged = -1
        if sig == signal.SIGKILL:
            os.kill(proc.pid, signal.SIGSTOP)
            if proc.poll() is not None:  # it ended before the stop: stopped, it cannot end
                assert proc.returncode == 0, proc.communicate()[1]
                return None
            found = _stage_of(root, proc.pid)
            staged = sum(1 for p in found.rglob("*") if p.is_file()) if found else -1
        os.kill(proc.pid, sig)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return Interrupted(proc.returncode, err, proc.pid, staged)


def test_killed_build_leaves_previous_build_intact(
        big: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Killed at any point, the build leaves build/ exactly as it was or exactly as the new
    build: the new folder is exchanged with the old in one system call, so there is no
    moment without build/."""
    before = tree_hashes(big / "build")
    assert len(before) > 100
    backup = shutil.copytree(big / "build", tmp_path / "previous-build")
    # New inputs, so a build that got through would be told apart from the previous one.
    guide = sorted((big / "source" / "guides").glob("*.yaml"))[0]
    text = guide.read_text("utf-8")
    old_date = next(ln for ln in text.splitlines() if ln.startswith("reviewed_on:"))
    guide.write_text(text.replace(old_date, "reviewed_on: 2027-01-02"), encoding="utf-8")

    def exporting(stage: Path) -> bool:
        return True

    def writing(stage: Path) -> bool:  # the stage folder gets its first bundle
        return (stage / "en").is_dir()

    def attempt(ready: Ready, sig: signal.Signals, delay: float) -> Interrupted:
        for _ in range(5):  # a busy machine may let the build finish before the kill point
            hit = _interrupt(big, ready, sig, delay)
            if hit is not None:
                return hit
            shutil.rmtree(big / "build")
            shutil.copytree(backup, big / "build")
        pytest.fail("the build always finished before the kill point")

    # Later: once a random share of the English bundles is written (an event, not a delay,
    # which a fast build would outrun).
    bundles = len(list((big / "build" / "en").iterdir()))
    written = random.Random("kill-build").randint(2, bundles // 2)

    def later(stage: Path) -> bool:
        try:
            return len(os.listdir(stage / "en")) >= written
        except OSError:
            return False

    stages_left = 0  # the next run removes what a kill left, so count them as they are left
    for name, ready in [("export-start", exporting), ("writing", writing), ("later", later)]:
        hit = attempt(ready, signal.SIGKILL, 0.0)
        assert hit.status == -signal.SIGKILL, hit.err
        stages_left += any(p.startswith(".build.tmp-") for p in leftovers(big))
        now = tree_hashes(big / "build")
        if now != before:  # the kill came after the exchange: the new build is whole
            manifest = json.loads((big / "build" / "manifest.json").read_text("utf-8"))
            assert {rel: now[rel] for rel in manifest["bundles"]} == {
                rel: entry["sha256"] for rel, entry in manifest["bundles"].items()}, name
            shutil.rmtree(big / "build")
            shutil.copytree(backup, big / "build")
    assert stages_left > 0  # a kill left its stage, for the runs below to remove

    hit = attempt(exporting, signal.SIGINT, 0.05)
    if hit.status == 0:  # the signal came after the build had finished
        assert tree_hashes(big / "build") != before
        shutil.rmtree(big / "build")
        shutil.copytree(backup, big / "build")
    else:
        assert hit.status == 130, hit.err
        assert "interrupted" in hit.err and "Traceback" not in hit.err
        assert tree_hashes(big / "build") == before
        assert leftovers(big) == []  # its own stage removed, and what the kills left too

    done = cli(capsys, big, "build", "--clean")
    assert done.code == 0, done.text
    assert leftovers(big) == []
    after = tree_hashes(big / "build")
    changed = {rel for rel in after if after[rel] != before.get(rel)}
    assert set(after) == set(before)
    assert changed == {f"{loc}/{guide.stem}.json" for loc in ("en", "en-XA")} | {
        "manifest.json"}


def _marked(folder: Path) -> Path:
    """A folder as the build makes it: with the marker that says the tool owns it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / outdir.MARKER).write_text(outdir.marker_text("build"), encoding="utf-8")
    return folder


def test_interrupted_swap_is_repaired_by_the_next_build(
        tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Where the file system cannot exchange two folders, a crash between setting build/
    aside and moving the new one in leaves no build/; the next run puts the previous build
    back even when its own gate fails, and removes the half-made stage."""
    before = tree_hashes(tiny / "build")
    os.replace(tiny / "build", tiny / ".build.old-99999-abcd")
    half = _marked(tiny / ".build.tmp-99999-abcd")
    (half / "en").mkdir()
    (half / "en" / "half.json").write_text("{", encoding="utf-8")
    _untranslated(tiny)
    run = cli(capsys, tiny, "build")
    assert run.code == 1
    assert tree_hashes(tiny / "build") == before
    assert leftovers(tiny) == []


def test_folders_beside_build_that_the_tool_did_not_make_are_left_alone(
        tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Only folders carrying the tool's marker are ever removed or put back."""
    theirs = tiny / ".build.tmp-12345-user"
    (theirs / "notes").mkdir(parents=True)
    (theirs / "notes" / "keep.txt").write_text("mine", encoding="utf-8")
    other = tiny / ".build.old-12345-user"
    other.mkdir()
    (other / "keep.txt").write_text("mine too", encoding="utf-8")
    shutil.rmtree(tiny / "build")
    assert cli(capsys, tiny, "build").code == 0
    assert (theirs / "notes" / "keep.txt").read_text("utf-8") == "mine"
    assert (other / "keep.txt").read_text("utf-8") == "mine too"
    assert outdir.owned(tiny / "build", "build")


# ---------------------------------------------------------------------------------------------
# 8. Deterministic


def test_clean_builds_are_byte_identical(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    template = real_template(tmp_path_factory)
    first = clone(template, tmp_path / "first")
    second = clone(template, tmp_path / "elsewhere" / "second")
    for root in (first, second):
        run = cli(capsys, root, "build", "--clean")
        assert run.code == 0, run.text
    hashes = tree_hashes(first / "build")
    assert hashes and tree_hashes(second / "build") == hashes
    run = cli(capsys, first, "build", "--clean")
    assert run.code == 0, run.text
    assert tree_hashes(first / "build") == hashes


# ---------------------------------------------------------------------------------------------
# 9. Incremental


def test_incremental_build_reexports_only_what_changed(
        real_built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = clone(real_built, tmp_path / "project")
    library = library_of(root)
    total = len(library) * len(LOCALES)
    run = cli(capsys, root, "build")
    assert run.code == 0, run.text
    assert f"Built {total} bundles" in run.out and f"(0 exported, {total} unchanged)" in run.out
    before = tree_hashes(root / "build")

    exercise = library.exercises()
    doc_id = sorted(exercise)[0]
    step = exercise[doc_id].steps[0]
    edit_text(root / "source" / "exercises" / f"{doc_id}.yaml", step,
              step.rstrip(".") + ", slowly.")
    refresh(root)  # new template; the French entry becomes fuzzy (French is optional here)
    result = run_build(cli_config(root))
    assert result.ok
    assert (result.exported, result.reused) == (len(LOCALES), total - len(LOCALES))
    after = tree_hashes(root / "build")
    changed = {rel for rel in after if after[rel] != before.get(rel)}
    assert set(after) == set(before)
    assert {rel for rel in changed if not rel.startswith("mo/")} == {
        f"{loc}/{doc_id}.json" for loc in LOCALES} | {"manifest.json"}
    assert {rel for rel in changed if rel.startswith("mo/")} <= {
        f"mo/fr/LC_MESSAGES/{doc_id}.mo"}
    en = json.loads((root / "build" / "en" / f"{doc_id}.json").read_text("utf-8"))
    assert en["document"]["steps"][0] == step.rstrip(".") + ", slowly."
    fr = json.loads((root / "build" / "fr" / f"{doc_id}.json").read_text("utf-8"))
    assert fr["document"]["steps"][0] == step.rstrip(".") + ", slowly."
    assert "steps[0]" in fr["fallbacks"]

    run = cli(capsys, root, "build", "--clean")
    assert run.code == 0 and f"({total} exported, 0 unchanged)" in run.out
    assert tree_hashes(root / "build") == after


def test_incremental_build_follows_catalog_edits_and_repairs_tampering(
        tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit_entry(po_path(tiny, "glute-bridge"), "Half bridge", msgstr="Pont à mi-hauteur")
    result = run_build(cli_config(tiny))
    assert result.ok and (result.exported, result.reused) == (1, 11)
    fr = json.loads((tiny / "build" / "fr" / "glute-bridge.json").read_text("utf-8"))
    assert fr["document"]["easier"][0]["name"] == "Pont à mi-hauteur"
    good = tree_hashes(tiny / "build")
    tampered = tiny / "build" / "en" / "hip-pain.json"
    tampered.write_text(tampered.read_text("utf-8").replace("hip pain", "hip gain"), "utf-8")
    result = run_build(cli_config(tiny))
    assert result.ok and (result.exported, result.reused) == (1, 11)
    assert tree_hashes(tiny / "build") == good


def test_bundles_made_by_other_code_are_not_reused(tiny: Path, tmp_path: Path) -> None:
    """The cache key covers the pipeline's code, not only its version number."""
    code = tmp_path / "code"
    shutil.copytree(REPO_ROOT / "pipeline", code / "pipeline",
                    ignore=shutil.ignore_patterns("__pycache__"))
    env = {**os.environ, "PYTHONPATH": str(code)}

    def build() -> str:
        done = subprocess.run([PYTHON, "-m", "pipeline", "build", "--root", str(tiny)],
                              cwd=tmp_path, env=env, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    assert "(0 exported, 12 unchanged)" in build()  # the same code, from another folder
    export = code / "pipeline" / "stages" / "export.py"
    export.write_text(export.read_text("utf-8") + "\n# a change in how bundles are made\n",
                      encoding="utf-8")
    assert "(12 exported, 0 unchanged)" in build()

def test_build_with_no_french_catalog_entries_translated_yet(
        tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An optional locale that nobody started: every bundle is English, all listed."""
    configure(tiny, required=(), optional=("fr",))
    for path in (tiny / "locales" / "fr" / "LC_MESSAGES").glob("*.po"):
        catalog = polib.pofile(str(path))
        for entry in catalog:
            entry.msgstr = ""
        catalog.save(str(path))
    refresh(tiny)
    run = cli(capsys, tiny, "build")
    assert run.code == 0, run.text
    manifest = json.loads((tiny / "build" / "manifest.json").read_text("utf-8"))
    assert manifest["locales"]["fr"]["complete_percent"] == 0.0
    assert manifest["locales"]["fr"]["fallback_percent"] == 100.0
    for doc_id in ("glute-bridge", "hip-pain", "ann-lee", "glossary"):
        en = json.loads((tiny / "build" / "en" / f"{doc_id}.json").read_text("utf-8"))
        fr = json.loads((tiny / "build" / "fr" / f"{doc_id}.json").read_text("utf-8"))
        assert fr["document"] == en["document"]
    guide = json.loads((tiny / "build" / "fr" / "hip-pain.json").read_text("utf-8"))
    assert guide["formatted"]["reviewed_on"] == format_date(dt.date(2026, 10, 14), "long",
                                                            locale="fr")



def test_second_build_while_one_runs_is_refused_with_e411(
        tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Two builds at once would swap each other's staging folders; the second stops cleanly."""
    from pipeline.stages.build import build_lock

    before = tree_hashes(tiny / "build")
    with build_lock(cli_config(tiny)):
        run = cli(capsys, tiny, "build", "--clean")
    assert run.code == 2, run.text
    assert "E411" in run.err and "(.pipeline-cache/build.lock)" in run.err
    assert tree_hashes(tiny / "build") == before
    assert cli(capsys, tiny, "build").code == 0
