"""A catalog saved by a translator's tool is the same catalog: `check` passes, `update` changes
no byte, and the bundles are the same.

Each tool is run for real on real catalogs: GNU `msgcat` (default, `-w 50`, `--no-wrap`,
`--sort-output`), `msgattrib --no-obsolete`, `msgmerge` against the catalog's own template,
translate-toolkit's PO storage (what Weblate saves with), polib's default save, a Poedit-style
header rewrite, a UTF-8 byte order mark and CRLF line ends. Line wrapping, entry order and
the header fields these tools manage are layout, not meaning (`pofiles.meaning`).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import polib
import pytest

from build_helpers import (
    bundle_file,
    cli,
    clone,
    configure,
    edit_text,
    po_path,
    real_template,
    tree_hashes,
)
from catalog_helpers import EPOCH, dosage_project, env, ok
from runner import run_cli

Transform = Callable[[Path, Path], None]  # (catalog, its template)


def _gnu(*args: str) -> Transform:
    def run(po: Path, pot: Path) -> None:
        tool = shutil.which(args[0])
        assert tool is not None, f"{args[0]} is missing: apt-get install gettext"
        subprocess.run([tool, *args[1:], str(po), "-o", str(po)], check=True,
                       capture_output=True)
    return run


def _msgmerge(po: Path, pot: Path) -> None:
    tool = shutil.which("msgmerge")
    assert tool is not None, "msgmerge is missing: apt-get install gettext"
    subprocess.run([tool, "--previous", "-q", str(po), str(pot), "-o", str(po)], check=True,
                   capture_output=True)


def _translate_toolkit(po: Path, pot: Path) -> None:
    from translate.storage import pypo  # what Weblate reads and writes catalogs with

    store = pypo.pofile.parsefile(str(po))
    store.savefile(str(po))


def _polib(po: Path, pot: Path) -> None:
    polib.pofile(str(po)).save()  # polib's own layout: wrapped at 78 columns


def _poedit_header(po: Path, pot: Path) -> None:
    """What Poedit changes on save besides wrapping: who translated, when, with what (each
    field replaced, or added at the end of the header when the catalog had none)."""
    text = po.read_text("utf-8")
    header, rest = text.split("\n\n", 1)
    for name, value in (("Last-Translator", "Marie Dupont <marie@example.org>"),
                        ("Language-Team", "French <fr@example.org>"),
                        ("PO-Revision-Date", "2026-11-20 09:41+0100"),
                        ("X-Generator", "Poedit 3.4.2")):
        lines = [line for line in header.split("\n") if not line.startswith(f'"{name}: ')]
        header = "\n".join([*lines, f'"{name}: {value}\\n"'])
    po.write_text(header + "\n\n" + rest, "utf-8")


def _bom(po: Path, pot: Path) -> None:
    po.write_bytes(b"\xef\xbb\xbf" + po.read_bytes())


def _crlf(po: Path, pot: Path) -> None:
    po.write_bytes(po.read_bytes().replace(b"\n", b"\r\n"))


TOOLS: dict[str, Transform] = {
    "msgcat": _gnu("msgcat"),
    "msgcat -w 50": _gnu("msgcat", "-w", "50"),
    "msgcat --no-wrap": _gnu("msgcat", "--no-wrap"),
    "msgcat --sort-output": _gnu("msgcat", "--sort-output"),
    "msgattrib --no-obsolete": _gnu("msgattrib", "--no-obsolete"),
    "msgmerge": _msgmerge,
    "translate-toolkit": _translate_toolkit,
    "polib": _polib,
    "poedit header": _poedit_header,
    "bom": _bom,
    "crlf": _crlf,
}


def _french(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted((root / "locales" / "fr").rglob("*.po"))}


def _resave(root: Path, tool: Transform) -> dict[Path, bytes]:
    """Every French catalog saved by the tool: what a translator would commit."""
    for po in _french(root):
        tool(po, root / "locales" / "templates" / f"{po.stem}.pot")
    return _french(root)


@pytest.mark.parametrize("name", sorted(TOOLS))
def test_a_catalog_saved_by_a_translators_tool_is_not_stale(
        name: str, tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """French is required in the tiny project: any staleness would fail `check`."""
    built = tree_hashes(tiny / "build" / "site")
    assert "fr/glute-bridge.json" in built and "offline/fr.json" in built
    saved = _resave(tiny, TOOLS[name])
    run = cli(capsys, tiny, "check")
    assert run.code == 0, run.text
    assert cli(capsys, tiny, "update").code == 0
    assert _french(tiny) == saved  # no churn: the tool's layout is kept
    assert cli(capsys, tiny, "build").code == 0
    assert tree_hashes(tiny / "build" / "site") == built


# The tools that write GNU's layout: on a catalog this tool wrote they change no byte.
GNU_LAYOUT = frozenset({"msgcat", "msgmerge", "msgattrib --no-obsolete", "translate-toolkit"})


def test_the_tools_do_change_the_bytes_or_none(tmp_path: Path,
                                               tmp_path_factory: pytest.TempPathFactory) -> None:
    """The cases above are not vacuous, and this tool writes as GNU gettext does: on the
    shipped French, every tool with another layout or header rewrites bytes, and those
    that write GNU's layout (translate-toolkit's too, so Weblate's plain save) none."""
    shipped = real_template(tmp_path_factory)
    original = _french(shipped)
    for name, tool in TOOLS.items():
        root = clone(shipped, tmp_path / name.replace(" ", "_"))
        saved = _resave(root, tool)
        changed = sorted(p.name for p in original
                         if saved[root / p.relative_to(shipped)] != original[p])
        if name in GNU_LAYOUT:
            assert changed == [], name
        else:
            assert changed, name


def test_the_real_french_saved_by_every_tool_needs_no_update(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """The shipped French, wrapped long strings and all, through every tool in turn."""
    root = clone(real_template(tmp_path_factory), tmp_path / "real")
    for name, tool in TOOLS.items():
        saved = _resave(root, tool)
        with env(SOURCE_DATE_EPOCH=EPOCH):
            ok(root, "update", "-q")
        assert _french(root) == saved, f"update rewrote catalogs saved by {name}"


def _msgcat_leaves_alone(path: Path, *options: str) -> bool:
    """Whether `msgcat [options] path` writes the file's own bytes."""
    out = path.with_name(path.name + ".msgcat")
    subprocess.run([shutil.which("msgcat") or "msgcat", *options, str(path), "-o", str(out)],
                   check=True, capture_output=True)
    return out.read_bytes() == path.read_bytes()


@pytest.mark.parametrize("options", [(), ("-w", "50"), ("--no-wrap",)],
                         ids=["default", "w50", "no-wrap"])
def test_update_keeps_a_catalogs_own_wrapping(
        options: tuple[str, ...], tmp_path: Path,
        tmp_path_factory: pytest.TempPathFactory) -> None:
    """When the English changes, `update` rewrites the catalog in the wrapping its
    translator's tool chose, so the next save by that tool changes only what it must."""
    root = clone(real_template(tmp_path_factory), tmp_path / "real")
    _resave(root, _gnu("msgcat", *options))
    edit_text(root / "source" / "exercises" / "bird-dog.yaml",
              "takes strain off the SI joints", "eases the strain on the SI joints")
    with env(SOURCE_DATE_EPOCH=EPOCH):
        ok(root, "extract", "-q")
        ok(root, "update", "-q")
    changed = po_path(root, "bird-dog")
    assert "#| msgid" in changed.read_text("utf-8")  # rewritten: the entry is now fuzzy
    for path in _french(root):
        assert _msgcat_leaves_alone(path, *options), path.name
    for template in (root / "locales" / "templates").glob("*.pot"):
        assert _msgcat_leaves_alone(template), template.name


def test_a_new_locales_catalogs_are_written_as_gnu_writes_them(
        tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """What `init` creates for a translator is already in GNU's layout."""
    assert cli(capsys, tiny, "init", "de").code == 0
    created = sorted((tiny / "locales" / "de").rglob("*.po"))
    assert created
    for path in created:
        assert _msgcat_leaves_alone(path), path.name
        assert "Translate each msgstr" in path.read_text("utf-8")


def test_a_scripted_edit_of_one_translation_is_only_that_edit(
        tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A script that changes one msgstr with polib and saves: the catalog is not stale, and
    the bundle carries the new translation."""
    path = po_path(tiny, "glute-bridge")
    catalog = polib.pofile(str(path))
    entry = catalog.find("Glute bridge")
    assert entry is not None
    entry.msgstr = "Pont des fessiers"
    catalog.save()
    assert cli(capsys, tiny, "check").code == 0
    assert cli(capsys, tiny, "build").code == 0
    bundle = json.loads(bundle_file(tiny / "build", "fr/glute-bridge.json").read_text("utf-8"))
    assert bundle["document"]["name"] == "Pont des fessiers"


def test_check_on_a_path_that_does_not_exist_is_a_usage_error(
        tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A typo in a path must not read as "no problems"."""
    run = cli(capsys, tiny, "check", str(tiny / "locales" / "fr" / "LC_MESSAGES" / "nope.po"))
    assert run.code == 2
    assert "no such file or folder" in run.err and "nope.po" in run.err


def test_init_says_a_new_locale_must_be_configured(
        tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = cli(capsys, tiny, "init", "de")
    assert run.code == 0
    assert "Add 'de' to required_locales or optional_locales" in run.out
    assert "Add 'fr'" not in cli(capsys, tiny, "init", "fr").out  # configured already


@pytest.mark.parametrize("command", ["check", "build", "update"])
def test_a_configured_locale_cldr_does_not_know_is_a_usage_error(
        command: str, tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`update` said so before; `check` and `build` reported four missing catalogs."""
    configure(tiny, required=("fr", "xx"), optional=())
    run = cli(capsys, tiny, command)
    assert run.code == 2
    assert "E409" in run.err and "'xx'" in run.err


# --------------------------------------------------------------------------------------------
# Plural entries (a glossary that writes doses out: `{count} set` / `{count} sets`)


@pytest.mark.parametrize("name", sorted(TOOLS))
def test_plural_entries_saved_by_a_translators_tool_are_not_stale(
        name: str, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """A catalog with plural entries and brace-format phrases, re-saved by each tool (GNU
    msgcat and msgmerge among them): `check` passes (French is required, so a stale catalog
    would fail it) and `update` keeps the tool's bytes."""
    root = clone(dosage_project(tmp_path_factory), tmp_path / "dosage")
    assert "msgstr[1]" in po_path(root, "glossary").read_text("utf-8")
    saved = _resave(root, TOOLS[name])
    assert "msgid_plural" in po_path(root, "glossary").read_bytes().decode("utf-8-sig")
    run = run_cli(root, "check")
    assert run.code == 0, run.out + run.err
    with env(SOURCE_DATE_EPOCH=EPOCH):
        ok(root, "update", "-q")
    assert _french(root) == saved


def test_gnu_tools_change_no_byte_of_plural_entries(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Plural entries, their forms and their flags are written as GNU gettext writes them:
    msgcat, msgmerge, msgattrib (and translate-toolkit) change no byte of the glossary's
    catalog's entries, which the tool wrote, or of its template. (msgmerge adds the
    template's Report-Msgid-Bugs-To to the hand-written header of the tiny project.)"""
    shipped = dosage_project(tmp_path_factory)

    def entries(root: Path) -> str:
        return po_path(root, "glossary").read_text("utf-8").split("\n\n", 1)[1]

    original = entries(shipped)
    assert "msgstr[1]" in original and "#, python-brace-format" in original
    for name in sorted(GNU_LAYOUT):
        root = clone(shipped, tmp_path / name.replace(" ", "_"))
        _resave(root, TOOLS[name])
        assert entries(root) == original, name
    template = shipped / "locales" / "templates" / "glossary.pot"
    assert "msgid_plural" in template.read_text("utf-8")
    assert _msgcat_leaves_alone(template)
