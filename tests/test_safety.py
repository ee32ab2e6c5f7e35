"""Nothing lost, nothing unsafe shipped: output folders the tool owns, what ships is what was
checked, a store that cannot run code, optional locales that never fail.

Every case is one a careless or hostile user could reach with the public commands.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
from pathlib import Path

import polib
import pytest

from pipeline.core.environment import Environment
from pipeline.infra import cache, outdir
from pipeline.stages import rebuild as build_module

from build_helpers import (
    PYTHON,
    bundle_file,
    cli,
    configure,
    edit_entry,
    plain,
    plain_of,
    po_path,
    tree_hashes,
)

SCRIPT = "<script>alert(1)</script>"


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*"))
            if p.is_file() and not {".git", cache.FOLDER} & set(p.relative_to(folder).parts)}


# --- output folders: the tool replaces only what it made ---------------------------------------


def test_preview_refuses_to_replace_a_folder_it_did_not_make(
        tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs = tiny / "docs"
    docs.mkdir()
    (docs / "guide.md").write_text("the team's own docs", encoding="utf-8")
    run = cli(capsys, tiny, "preview", "--out", str(docs))
    assert run.code == 2
    assert "E602 unsafe-output" in run.err and "docs/" in run.err
    assert files_of(docs) == {"guide.md": b"the team's own docs"}


@pytest.mark.parametrize("out", [".", "source", "locales", "source/exercises", "locales/fr",
                                 "schema", "source/.."])
def test_no_output_folder_inside_or_around_the_content(
        tiny: Path, out: str, capsys: pytest.CaptureFixture[str]) -> None:
    (tiny / ".git").mkdir()
    (tiny / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    before = files_of(tiny)
    run = cli(capsys, tiny, "preview", "--out", str(tiny / out))
    assert run.code == 2, run.text
    assert "E602" in run.err
    assert files_of(tiny) == before


def test_a_build_folder_configured_inside_the_source_is_refused(
        tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (tiny / "pyproject.toml").read_text("utf-8").replace(
        'build = "build"', 'build = "source"')
    (tiny / "pyproject.toml").write_text(text, encoding="utf-8")
    before = files_of(tiny / "source")
    run = cli(capsys, tiny, "build")
    assert run.code == 2 and "E602" in run.err
    assert files_of(tiny / "source") == before


def test_preview_takes_a_new_or_empty_folder_and_replaces_only_its_own(
        tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tiny / "site"
    empty.mkdir()
    assert cli(capsys, tiny, "preview", "--out", str(empty)).code == 0
    assert outdir.owned(empty, "preview") and (empty / "index.html").is_file()
    assert cli(capsys, tiny, "preview", "--out", str(empty)).code == 0
    fresh = tiny / "deep" / "new" / "site"
    assert cli(capsys, tiny, "preview", "--out", str(fresh)).code == 0
    assert outdir.owned(fresh, "preview")
    # A preview folder is not a build, and a build is not a preview.
    assert cli(capsys, tiny, "preview", "--out", str(tiny / "build")).code == 2


def test_a_linked_build_folder_stays_a_link(tiny: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """A deploy target reached through a link is replaced where the link leads."""
    target = tmp_path / "www" / "site"
    target.parent.mkdir()
    shutil.move(str(tiny / "build"), target)
    (tiny / "build").symlink_to(target)
    before = tree_hashes(target)
    edit_entry(po_path(tiny, "glute-bridge"), "Glute bridge", msgstr="Pont fessier au sol")
    run = cli(capsys, tiny, "build")
    assert run.code == 0, run.text
    assert (tiny / "build").is_symlink() and (tiny / "build").resolve() == target
    after = tree_hashes(target)
    assert after != before
    assert after["site/fr/glute-bridge.json"] != before["site/fr/glute-bridge.json"]
    assert [p.name for p in target.parent.iterdir()] == ["site"]  # no staging left


def test_preview_after_a_crash_mid_swap_puts_the_build_back_first(
        tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A crash between the two renames of a swap (where exchange is not possible) leaves the
    previous build aside; a preview then must not create an empty build/ that hides it, and
    a later failing build must not delete it."""
    before = tree_hashes(tiny / "build")
    os.replace(tiny / "build", tiny / ".build.old-4242-cafe")
    assert cli(capsys, tiny, "preview").code == 0
    preview = tree_hashes(tiny / "build" / "preview")
    edit_entry(po_path(tiny, "glute-bridge"), "Glute bridge", msgstr="")  # fails the gate
    run = cli(capsys, tiny, "build")
    assert run.code == 1 and "build/ was not changed" in run.err
    now = tree_hashes(tiny / "build")
    assert {k: v for k, v in now.items() if not k.startswith("preview/")} == before
    assert tree_hashes(tiny / "build" / "preview") == preview
    assert not list(tiny.glob(".build.old-*"))


# --- what ships is what was checked -------------------------------------------------------------


def test_compiled_catalogs_hold_only_what_the_bundles_accepted(
        tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    configure(tiny, required=(), optional=("fr",))
    unsafe_step = "Lie on your back with your knees bent and your feet flat on the floor."
    edit_entry(po_path(tiny, "glute-bridge"), unsafe_step, msgstr=f"Allongez-vous. {SCRIPT}")
    too_long = "Glute bridge"
    edit_entry(po_path(tiny, "glute-bridge"), too_long, msgstr="Pont " * 20)
    run = cli(capsys, tiny, "build")
    assert run.code == 0, run.text
    mo = polib.mofile(str(tiny / "build" / "mo" / "fr" / "LC_MESSAGES" / "glute-bridge.mo"))
    shipped = {e.msgid: e.msgstr for e in mo}
    bundle = bundle_file(tiny / "build", "fr/glute-bridge.json").read_text("utf-8")
    assert unsafe_step not in shipped and "alert(1)" not in bundle
    assert too_long not in shipped and "Pont Pont" not in bundle
    # Everything else the bundle carries in French is in the compiled catalog too.
    steps = [plain(step) for step in json.loads(bundle)["document"]["steps"]]
    assert plain_of(shipped["Squeeze your buttocks and lift your hips off the floor."]) in steps
    catalog = polib.pofile(str(po_path(tiny, "glute-bridge")))
    assert len(shipped) == sum(1 for e in catalog if e.translated() and not e.obsolete) - 2


def test_a_catalog_replaced_after_the_check_is_not_exported(
        tiny: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """An editor's save or a `git pull` landing between the check and the export: the build
    stops (E413) instead of shipping bytes nobody checked."""
    before = tree_hashes(tiny / "build")
    path = po_path(tiny, "glute-bridge")
    edit_entry(path, "Glute bridge", msgstr="Pont fessier au sol")
    hostile = path.read_text("utf-8").replace("Pont fessier au sol", SCRIPT)
    export = build_module._export_rest

    def replaced_then_export(*args: object, **kwargs: object) -> object:
        path.write_text(hostile, encoding="utf-8")  # the other writer's save
        return export(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(build_module, "_export_rest", replaced_then_export)
    run = cli(capsys, tiny, "build")
    assert run.code == 1, run.text
    assert "E413 changed-during-run" in run.out
    assert tree_hashes(tiny / "build") == before
    monkeypatch.undo()
    run = cli(capsys, tiny, "build")  # the next run checks the new bytes, and refuses them
    assert run.code == 1 and "E515" in run.out
    assert tree_hashes(tiny / "build") == before


def test_a_planted_build_folder_is_rebuilt_not_trusted(
        tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """build/ is not where the build keeps its record: a build/ changed by hand, with an old
    style record claiming it is current, is made again."""
    good = tree_hashes(tiny / "build")
    bundle = bundle_file(tiny / "build", "fr/glute-bridge.json")
    bundle.write_text(bundle.read_text("utf-8").replace("Pont fessier", "Pont piégé"), "utf-8")
    (tiny / "build" / ".cache.json").write_text("{}", encoding="utf-8")
    assert cli(capsys, tiny, "build").code == 0
    assert tree_hashes(tiny / "build") == good


# --- the store: nothing read back can run code -------------------------------------------------


class _Payload:
    """Pickles as a call to `os.system`: what a planted cache entry would try."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.system, (f"touch {self.marker}",)


def _packs(root: Path) -> list[Path]:
    return sorted((root / cache.FOLDER).glob(f"*/*{cache.PACK}"))


@pytest.mark.parametrize("how", ["unsigned pack", "signed pack", "signed entries"])
def test_a_planted_cache_entry_never_runs(tiny: Path, tmp_path: Path, how: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """A pack at the path the tool would read (as a commit could plant it) is not trusted:
    unsigned, it is empty; even signed with the user's own key, the decoder builds data
    only and refuses the call, whether the pack itself or a result in it holds it."""
    assert cli(capsys, tiny, "check").code == 0
    packs = _packs(tiny)
    assert packs
    marker = tmp_path / "ran"
    payload = pickle.dumps(("x", "y", _Payload(marker)))
    key = cache.secret_key(Environment.read(os.environ))
    assert key is not None
    for pack in packs:
        if how == "signed entries":
            stored = cache.verified(key, pack.read_bytes())
            assert stored is not None
            names = cache.loads(stored)
            forged = {name: (inputs, payload) for name, (inputs, _) in names.items()}
            pack.write_bytes(cache.signed(key, pickle.dumps(forged)))
        else:
            pack.write_bytes(cache.signed(key, payload) if how == "signed pack" else payload)
    run = cli(capsys, tiny, "check")
    assert run.code == 0, run.text
    assert not marker.exists()
    with pytest.raises(pickle.UnpicklingError):
        cache.loads(payload)


def test_the_store_tells_git_to_ignore_it(tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(capsys, tiny, "check").code == 0
    subprocess.run(["git", "init", "-q", str(tiny)], check=True)
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"],
                            cwd=tiny, capture_output=True, text=True, check=True).stdout
    assert cache.FOLDER not in status
    assert "source/" in status


def test_a_store_copied_from_another_user_is_not_read(
        tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Another key (another user, another machine) signs differently: every entry misses."""
    assert cli(capsys, tiny, "check").code == 0
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "other-user")}
    done = subprocess.run([PYTHON, "-m", "pipeline", "check", "--root", str(tiny), "-v"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "other-user" / "exercise-content-pipeline" / "signing-key").is_file()
    mode = (tmp_path / "other-user" / "exercise-content-pipeline" / "signing-key").stat().st_mode
    assert mode & 0o077 == 0


# --- optional locales never fail ----------------------------------------------------------------


def test_a_broken_catalog_in_an_optional_locale_warns_and_withholds(
        tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    configure(tiny, required=(), optional=("fr",))
    broken = po_path(tiny, "hip-pain")
    broken.write_text(broken.read_text("utf-8") + '\nmsgid "unterminated\n', encoding="utf-8")
    edit_entry(po_path(tiny, "glute-bridge"), "Glute bridge", msgstr="Pont fessier au sol")
    check = cli(capsys, tiny, "check", "--format", "json")
    assert check.code == 0, check.text
    found = json.loads(check.out)["diagnostics"]
    assert any(d["code"] == "E401" and d["severity"] == "warning"
               and d["path"].endswith("hip-pain.po") for d in found)
    run = cli(capsys, tiny, "build")
    assert run.code == 0, run.text
    fr = tiny / "build" / "site" / "fr"
    # Its disclaimer has no French the build may use: the guide is left out of French
    # rather than shown with a warning in English.
    assert not (fr / "hip-pain.json").exists()
    manifest = json.loads((tiny / "build" / "site" / "manifest.json").read_text("utf-8"))
    assert list(manifest["locales"]["fr"]["withheld"]) == ["hip-pain"]
    # The exercise keeps its own, readable, catalog: it is French.
    exercise = json.loads((fr / "glute-bridge.json").read_text("utf-8"))
    assert exercise["document"]["name"] == "Pont fessier au sol"
    assert not (tiny / "build" / "mo" / "fr" / "LC_MESSAGES" / "hip-pain.mo").exists()
