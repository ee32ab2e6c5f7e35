"""The per-file result cache: cached runs say and build exactly what uncached runs do, and an
edit redoes only the work of the files it touched.

Every test works on a copy of the tiny project (French optional here, so warnings never stop
a build) and observes the cache through what it really does: the hits and misses the gate
reports, the entry files under `.pipeline-cache/`, and the bytes of `build/`.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import polib
import pytest

from pipeline.core.environment import NO_CACHE as ENV_OFF
from pipeline.core.environment import Environment
from pipeline.gettext.stats import Progress
from pipeline.infra.cache import FOLDER, PACK, loads, secret_key, verified
from pipeline.stages.build import run_build
from pipeline.stages.gate import GateResult, run_gate
from pipeline.stages.update import run_update

from build_helpers import (
    PYTHON,
    REPO_ROOT,
    bundle_file,
    cli,
    cli_config,
    clone,
    configure,
    edit_entry,
    edit_text,
    must,
    plain,
    po_path,
    refresh,
    tree_hashes,
)
from catalog_helpers import edit_po

# U+202E (right-to-left override): E516 in a translation, a warning in an optional locale.
BIDI = "\u202e"
STEP = "Squeeze your buttocks and lift your hips off the floor."


@pytest.fixture
def project(tiny_built: Path, tmp_path: Path) -> Path:
    """The tiny project with French optional and a few problems in it: a warning in the
    source and an unsafe translation in a catalog."""
    root = clone(tiny_built, tmp_path / "project")
    shutil.rmtree(root / FOLDER, ignore_errors=True)
    configure(root, required=(), optional=("fr",))
    edit_entry(po_path(root, "glute-bridge"), STEP,
               msgstr=f"Serrez les fesses {BIDI}et soulevez les hanches du sol.")
    return root


def gate(root: Path, monkeypatch: pytest.MonkeyPatch, *, cached: bool = True) -> GateResult:
    with monkeypatch.context() as patch:
        if cached:
            patch.delenv(ENV_OFF, raising=False)
        else:
            patch.setenv(ENV_OFF, "1")
        return run_gate(cli_config(root))


def shown(result: GateResult) -> list[tuple[str, str]]:
    return [(d.format(), d.severity) for d in result.diagnostics]


def entries(root: Path, namespace: str) -> list[str]:
    """The names of the results stored for a namespace, read from its signed pack."""
    key = secret_key(Environment.read(os.environ))
    assert key is not None
    (pack,) = (root / FOLDER).glob(f"*/{namespace}{PACK}")
    data = verified(key, pack.read_bytes())
    assert data is not None
    return sorted(loads(data))


def test_cached_runs_report_what_uncached_runs_report(project: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    edit_text(project / "source" / "exercises" / "glute-bridge.yaml", "\nkind:", "\nkind: ")
    uncached = gate(project, monkeypatch, cached=False)
    assert any(d.code == "E516" for d in uncached.diagnostics)
    assert not (project / FOLDER).exists()  # PIPELINE_NO_CACHE=1 writes nothing either
    cold = gate(project, monkeypatch)
    warm = gate(project, monkeypatch)
    assert shown(cold) == shown(warm) == shown(uncached)
    assert sum(cold.cache.hits.values()) == 0
    assert sum(warm.cache.misses.values()) == 0
    assert warm.cache.hits["source"] == len(list((project / "source").rglob("*.yaml")))
    assert warm.cache.hits["check-fr"] == 4 and warm.reread["fr"] == []


def test_cached_build_is_byte_identical_to_an_uncached_build_of_a_fresh_clone(
        project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gate(project, monkeypatch)  # every result in the cache
    fresh = clone(project, tmp_path / "fresh")
    shutil.rmtree(fresh / FOLDER)
    assert run_build(cli_config(project), clean=True).ok
    monkeypatch.setenv(ENV_OFF, "1")
    assert run_build(cli_config(fresh), clean=True).ok
    assert tree_hashes(project / "build") == tree_hashes(fresh / "build")


def test_one_source_edit_revalidates_and_rechecks_only_that_document(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gate(project, monkeypatch)
    edit_text(project / "source" / "reviewers" / "ann-lee.yaml", "\nkind:", "\nkind: ")
    after = gate(project, monkeypatch)
    assert (after.cache.misses["source"], after.cache.hits["source"]) == (1, 3)
    # A trailing space after a key: its template is rendered again and found the same.
    assert after.cache.misses["templates"] == 1 and after.cache.misses["check-fr"] == 1
    assert not any(d.code == "E406" for d in after.diagnostics)
    assert shown(after) == shown(gate(project, monkeypatch, cached=False))


def test_one_catalog_edit_parses_and_checks_only_that_catalog(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gate(project, monkeypatch)
    edit_entry(po_path(project, "hip-pain"), "Exercises for hip pain",
               msgstr="Exercises for hip pain")
    after = gate(project, monkeypatch)
    assert after.reread["fr"] == [po_path(project, "hip-pain")]
    assert after.cache.misses["po-fr"] == 1 and after.cache.misses["check-fr"] == 1
    assert any(d.code == "W509" for d in after.diagnostics)
    assert shown(after) == shown(gate(project, monkeypatch, cached=False))


def test_check_after_extract_renders_no_template_again(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`extract` leaves its verdicts in the store: the next `check` compares no template it
    just wrote or found the same, and one edited by hand since is compared (and reported)."""
    documents = len(list((project / "source").rglob("*.yaml")))
    edit_text(project / "source" / "exercises" / "glute-bridge.yaml",
              "Squeeze your buttocks", "Tighten your buttocks")
    monkeypatch.delenv(ENV_OFF, raising=False)
    must(project, "extract")
    after = gate(project, monkeypatch)
    assert (after.cache.hits["templates"], after.cache.misses["templates"]) == (documents, 0)
    template = project / "locales" / "templates" / "hip-pain.pot"
    template.write_text(template.read_text(encoding="utf-8")
                        + '\nmsgid "Added by hand"\nmsgstr ""\n', encoding="utf-8")
    edited = gate(project, monkeypatch)
    assert edited.cache.misses["templates"] == 1
    assert [d.path for d in edited.diagnostics if d.code == "E406"] == [
        "locales/templates/hip-pain.pot"]


def test_check_after_update_merges_no_catalog_update_left_as_it_was(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`update` leaves what it found for the next `check`: no catalog it left as it was is
    merged again; one a translator changed since (here, an entry deleted) is, and is
    reported stale, as a run without the store reports it."""
    monkeypatch.delenv(ENV_OFF, raising=False)
    must(project, "update")
    catalogs = sorted((project / "locales" / "fr" / "LC_MESSAGES").glob("*.po"))
    after = gate(project, monkeypatch)
    assert (after.cache.hits["fresh-fr"], after.cache.misses["fresh-fr"]) == (len(catalogs), 0)
    assert not any(d.code == "E407" for d in after.diagnostics)

    def drop_the_step(catalog: polib.POFile) -> None:
        catalog.remove(next(e for e in catalog if e.msgid == STEP))

    edit_po(po_path(project, "glute-bridge"), drop_the_step)
    edited = gate(project, monkeypatch)
    assert edited.cache.misses["fresh-fr"] == 1
    assert [d.path for d in edited.diagnostics if d.code == "E407"] == [
        "locales/fr/LC_MESSAGES/glute-bridge.po"]
    assert shown(edited) == shown(gate(project, monkeypatch, cached=False))


def test_corrupted_cache_entries_are_misses_not_errors(project: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    expected = shown(gate(project, monkeypatch))
    stored = list((project / FOLDER).rglob(f"*{PACK}"))
    assert stored
    for number, path in enumerate(stored):
        path.write_bytes(b"" if number % 2 else b"\x80\x05garbage")
    again = gate(project, monkeypatch)
    assert shown(again) == expected
    assert sum(again.cache.hits.values()) == 0
    assert sum(gate(project, monkeypatch).cache.misses.values()) == 0  # rewritten


def test_a_config_change_invalidates_everything(project: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    gate(project, monkeypatch)
    before = sorted(p.name for p in (project / FOLDER).iterdir() if p.is_dir())
    configure(project, required=(), optional=("fr",), severity={"E516": "off"})
    after = gate(project, monkeypatch)
    assert sum(after.cache.hits.values()) == 0
    assert not any(d.code == "E516" for d in after.diagnostics)
    now = sorted(p.name for p in (project / FOLDER).iterdir() if p.is_dir())
    assert len(before) == len(now) == 1 and before != now  # the old results are removed


def test_a_code_change_invalidates_everything(project: Path, tmp_path: Path) -> None:
    code = tmp_path / "code"
    shutil.copytree(REPO_ROOT / "pipeline", code / "pipeline",
                    ignore=shutil.ignore_patterns("__pycache__"))
    env = {**os.environ, "PYTHONPATH": str(code)}
    env.pop(ENV_OFF, None)

    def versions() -> list[str]:
        done = subprocess.run([PYTHON, "-m", "pipeline", "validate", "--root", str(project)],
                              cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        return sorted(p.name for p in (project / FOLDER).iterdir() if p.is_dir())

    first = versions()
    assert versions() == first
    lint = code / "pipeline" / "content" / "lint.py"
    lint.write_text(lint.read_text("utf-8") + "\n# a change in how text is linted\n", "utf-8")
    changed = versions()
    assert len(changed) == 1 and changed != first


def test_a_deleted_source_file_leaves_results_and_cache(project: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    extra = project / "source" / "reviewers" / "bo-extra.yaml"
    text = (project / "source" / "reviewers" / "ann-lee.yaml").read_text("utf-8")
    extra.write_text(text.replace("id: ann-lee", "id: bo-extra"), encoding="utf-8")
    first = gate(project, monkeypatch)
    assert "bo-extra" in first.library.documents
    assert len(entries(project, "source")) == 5
    extra.unlink()
    second = gate(project, monkeypatch)
    assert "bo-extra" not in second.library.documents
    assert not any("bo-extra" in d.path for d in second.diagnostics)
    assert len(entries(project, "source")) == 4
    assert shown(second) == shown(gate(project, monkeypatch, cached=False))


def test_unsafe_translation_of_an_optional_locale_falls_back_to_english(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    refresh(project)
    run = cli(capsys, project, "build")
    assert run.code == 0, run.text
    assert "E516" in run.out and "English used instead" in run.out
    path = bundle_file(project / "build", "fr/glute-bridge.json")
    bundle = json.loads(path.read_text("utf-8"))
    assert STEP in [plain(step) for step in bundle["document"]["steps"]]
    assert "steps[0]" in bundle["fallbacks"]
    for shipped in (project / "build").rglob("*.json"):  # nor in the index, the offline pack
        assert BIDI not in shipped.read_text("utf-8"), shipped
    again = cli(capsys, project, "build")  # the whole-build shortcut keeps the warning
    assert "English used instead" in again.out


def test_unsafe_check_silenced_by_the_project_is_exported(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    configure(project, required=(), optional=("fr",), severity={"E516": "off"})
    refresh(project)
    assert cli(capsys, project, "build").code == 0
    bundle = json.loads(bundle_file(project / "build", "fr/glute-bridge.json").read_text("utf-8"))
    assert plain(bundle["document"]["steps"][0]) == (
        f"Serrez les fesses {BIDI}et soulevez les hanches du sol.")
    assert "steps[0]" not in bundle["fallbacks"]


def test_outputs_an_edit_did_not_touch_are_carried_over_not_rewritten(
        project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """After a one-catalog edit the other bundles are the previous build's own files (linked
    into the new build), while the edited document's bundle is new. A bundle showing the
    edited document's card may be made again, but reads the same: a step is not on a card."""
    monkeypatch.delenv(ENV_OFF, raising=False)
    assert cli(capsys, project, "build").code == 0
    build = project / "build"
    before = {p.relative_to(build).as_posix(): p.stat().st_ino
              for p in build.rglob("*.json") if p.is_file()}
    hashes = tree_hashes(build)
    edit_entry(po_path(project, "glute-bridge"), STEP,
               msgstr="Serrez les fesses et soulevez doucement les hanches du sol.")
    assert cli(capsys, project, "build").code == 0
    after = {p.relative_to(build).as_posix(): p.stat().st_ino
             for p in build.rglob("*.json") if p.is_file()}
    assert after["site/fr/glute-bridge.json"] != before["site/fr/glute-bridge.json"]
    for untouched in ("site/en/glute-bridge.json", "site/en/hip-pain.json",
                      "site/fr/ann-lee.json", "site/fr/glossary.json",
                      "pseudo/en-XA/glute-bridge.json"):
        assert after[untouched] == before[untouched], untouched
    assert tree_hashes(build)["site/fr/hip-pain.json"] == hashes["site/fr/hip-pain.json"]
    assert "doucement" in bundle_file(build, "fr/glute-bridge.json").read_text("utf-8")


def test_progress_comes_back_from_the_cache_as_it_was() -> None:
    counted = Progress(Counter(translated=3, untranslated=1),
                       Counter(translated=12, untranslated=4), 2)
    assert pickle.loads(pickle.dumps(counted)) == counted
    assert pickle.loads(pickle.dumps(Progress())) == Progress()


def test_a_build_with_nothing_to_do_loads_no_models_readers_or_exporters(
        project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its time is the time to look at the files: in a fresh interpreter, the second build
    imports neither pydantic, the Markdown parser, the catalogs' reader nor the exporters."""
    monkeypatch.delenv(ENV_OFF, raising=False)
    assert cli(capsys, project, "build").code == 0
    heavy = ("pydantic", "markdown_it", "polib", "yaml", "pipeline.content.models",
             "pipeline.stages.rebuild", "pipeline.stages.gate", "pipeline.gettext.stats")
    script = ("import sys; from pipeline.cli import main; code = main(['build', '-q', "
              f"'--root', {str(project)!r}]); "
              f"print([m for m in {heavy!r} if m in sys.modules]); sys.exit(code)")
    env = {k: v for k, v in os.environ.items() if k != ENV_OFF}
    done = subprocess.run([PYTHON, "-c", script], cwd=project, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == "[]"
    edit_entry(po_path(project, "glute-bridge"), STEP,
               msgstr="Serrez les fesses et soulevez doucement les hanches du sol.")
    done = subprocess.run([PYTHON, "-c", script], cwd=project, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "pipeline.stages.rebuild" in done.stdout  # an edit does load them


def test_update_merges_again_only_what_could_change(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A second `update` merges no catalog the first left as it was, and counts the same;
    but one whose untranslated English another catalog has since translated is merged,
    and takes that translation, as a run without the store does."""
    monkeypatch.delenv(ENV_OFF, raising=False)
    config = cli_config(project)
    # A second exercise, and a new step in both that no translation resembles.
    exercises = project / "source" / "exercises"
    new_step = "Count slowly backwards from twenty before you start."
    text = (exercises / "glute-bridge.yaml").read_text(encoding="utf-8")
    (exercises / "bridge-twin.yaml").write_text(
        text.replace("id: glute-bridge", "id: bridge-twin"), encoding="utf-8")
    for name in ("glute-bridge", "bridge-twin"):
        edit_text(exercises / f"{name}.yaml", f"  - {STEP}\n", f"  - {STEP}\n  - {new_step}\n")
    must(project, "extract")
    first = run_update(config, ["fr"])
    assert first.ok and first.counts["untranslated"] == 2
    catalogs = len(list(po_path(project, "x").parent.glob("*.po")))
    again = run_update(config, ["fr"])  # merges the two catalogs the first one wrote
    assert (again.cache.hits["fresh-fr"], again.written) == (catalogs - 2, [])
    settled = run_update(config, ["fr"])
    assert (settled.cache.hits["fresh-fr"], settled.written) == (catalogs, [])
    with monkeypatch.context() as patch:
        patch.setenv(ENV_OFF, "1")
        merged_again = run_update(config, ["fr"])
    assert merged_again.written == [] and settled.counts == merged_again.counts
    edit_entry(po_path(project, "glute-bridge"), new_step,
               msgstr="Comptez lentement à rebours à partir de vingt avant de commencer.")
    twin = po_path(project, "bridge-twin")
    before = twin.read_bytes()
    third = run_update(config, ["fr"])
    assert third.written == [twin] and third.cache.misses["fresh-fr"] == 1  # the edited one
    translated = [e for e in polib.pofile(str(twin)) if e.msgid == new_step]
    assert [e.msgstr for e in translated] == [
        "Comptez lentement à rebours à partir de vingt avant de commencer."]
    after = twin.read_bytes()
    twin.write_bytes(before)  # as it was before the third run, and without the store:
    monkeypatch.setenv(ENV_OFF, "1")
    uncached = run_update(config, ["fr"])
    assert uncached.written == [twin] and twin.read_bytes() == after
