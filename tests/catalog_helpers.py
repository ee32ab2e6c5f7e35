"""Shared helpers for the catalog tests (extract, init, update, stats, msgmerge, Babel).

Every test works on a copy of the real content project (source/, schema/, pyproject.toml and
locales/templates/ of this repository) in a temporary folder, and runs the real CLI on it with
`--root`. The repository's own locales/ are never touched.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import warnings
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import polib
import pytest

from pipeline.gettext.pofiles import EntryKey, key_of, render_catalog

from runner import Run, run_cli

REPO_ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "catalogs"
# 2023-11-14 22:13:20 UTC: any fixed moment makes extraction reproducible.
EPOCH = "1700000000"
EPOCH_STAMP = "2023-11-14 22:13+0000"
# The catalogs' lock, as a run names it (E411, E011, E013).
LOCK_SHOWN = ".pipeline-cache/catalogs.lock"


def ok(root: Path, *args: str) -> Run:
    """Run a command that must succeed."""
    result = run_cli(root, *args)
    assert result.code == 0, f"pipeline {' '.join(args)} exited {result.code}:\n" \
                             f"{result.out}\n{result.err}"
    return result


def copy_project(dest: Path, templates: bool = True, babel_cfg: bool = False) -> Path:
    """A copy of the content project: source/, schema/, pyproject.toml (and the templates)."""
    dest.mkdir(parents=True, exist_ok=True)
    for folder in ("source", "schema", "spelling", "media"):
        shutil.copytree(REPO_ROOT / folder, dest / folder)
    # The tests start their own locales: the shipped optional ones are not configured here.
    settings = (REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    (dest / "pyproject.toml").write_text(
        re.sub(r"(?m)^optional_locales = .*$", "optional_locales = []", settings),
        encoding="utf-8")
    if babel_cfg:
        shutil.copy2(REPO_ROOT / "babel.cfg", dest / "babel.cfg")
    if templates and (REPO_ROOT / "locales" / "templates").is_dir():
        shutil.copytree(REPO_ROOT / "locales" / "templates", dest / "locales" / "templates")
    return dest


def clone(project: Path, dest: Path) -> Path:
    """A copy of a prepared tmp project, keeping timestamps."""
    shutil.copytree(project, dest, symlinks=True)
    return dest


def templates_dir(root: Path) -> Path:
    return root / "locales" / "templates"


def catalog_dir(root: Path, locale: str) -> Path:
    return root / "locales" / locale / "LC_MESSAGES"


def read_po(path: Path) -> polib.POFile:
    return polib.pofile(str(path), wrapwidth=79)


def by_key(catalog: Iterable[polib.POEntry],
           obsolete: bool = False) -> dict[EntryKey, polib.POEntry]:
    """Live (or, with obsolete=True, obsolete) entries by (msgctxt, msgid)."""
    return {key_of(e): e for e in catalog if bool(e.obsolete) == obsolete}


def entry(catalog: polib.POFile, msgid: str, context: str | None = None,
          obsolete: bool = False) -> polib.POEntry:
    found = by_key(catalog, obsolete).get(EntryKey(context, msgid))
    assert found is not None, f"no {'obsolete ' if obsolete else ''}entry {msgid!r}"
    return found


def template_keys(root: Path) -> dict[str, set[EntryKey]]:
    """Document id → the (msgctxt, msgid) of its template."""
    return {p.stem: {key_of(e) for e in read_po(p)}
            for p in sorted(templates_dir(root).glob("*.pot"))}


def fill(root: Path, locale: str,
         translate: Callable[[polib.POEntry], str | None] = lambda e: "FR: " + e.msgid) -> None:
    """Translate every live entry of a locale (as a translator's script would), keeping the
    tool's own layout so later diffs show only real changes. A plural entry gets the text
    in every form."""
    for path in sorted(catalog_dir(root, locale).glob("*.po")):
        catalog = read_po(path)
        for e in catalog:
            if e.obsolete:
                continue
            text = translate(e)
            if text is not None and e.msgid_plural:
                e.msgstr_plural = {index: text for index in e.msgstr_plural}
            elif text is not None:
                e.msgstr = text
                if "fuzzy" in e.flags:
                    e.flags.remove("fuzzy")
                e.previous_msgid = e.previous_msgctxt = None
        path.write_text(render_catalog(catalog), encoding="utf-8")


def edit(path: Path, old: str, new: str) -> None:
    """Replace text that occurs exactly once, so a fixture change cannot go unnoticed."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def edit_po(path: Path, change: Callable[[polib.POFile], None]) -> None:
    catalog = read_po(path)
    change(catalog)
    path.write_text(render_catalog(catalog), encoding="utf-8")


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Bytes and mtime of every file under locales/ (which holds no lock file: the catalogs'
    lock is in .pipeline-cache/)."""
    found: dict[str, tuple[bytes, int]] = {}
    locales = root / "locales"
    for path in sorted(locales.rglob("*")) if locales.is_dir() else []:
        if path.is_file():
            found[path.relative_to(root).as_posix()] = (path.read_bytes(),
                                                         path.stat().st_mtime_ns)
    return found


def tree(root: Path) -> list[str]:
    """Every file and folder under root, for 'nothing was created' checks (the per-file
    result cache, `.pipeline-cache/`, is the tool's own state, not output)."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                  if ".pipeline-cache" not in p.relative_to(root).parts)


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def require_tool(name: str) -> str:
    """The tool's path; skip without it, except in CI, where its absence is a failure."""
    found = shutil.which(name)
    if found is None:
        message = f"GNU gettext's {name!r} is not installed (apt-get install gettext)"
        if in_ci():
            pytest.fail(message + "; CI=true requires it")
        pytest.skip(message)
    return found


def assert_msgfmt_ok(*paths: Path) -> None:
    """Every file passes `msgfmt -c` (GNU gettext's own validity check).

    Without msgfmt the rest of a test still runs, with a warning (a failure when CI=true)."""
    assert paths, "no catalogs to check"
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        if in_ci():
            pytest.fail("GNU gettext's 'msgfmt' is not installed; CI=true requires it")
        warnings.warn("msgfmt is not installed: catalogs not checked with msgfmt -c",
                      stacklevel=2)
        return
    for path in paths:
        done = subprocess.run([msgfmt, "-c", "-o", os.devnull, str(path)],
                              capture_output=True, text=True)
        assert done.returncode == 0, f"msgfmt -c {path}:\n{done.stderr}"


def all_catalogs(root: Path) -> list[Path]:
    """Every .pot and .po under locales/."""
    locales = root / "locales"
    return sorted([*locales.rglob("*.pot"), *locales.rglob("*.po")])


def assert_all_msgfmt_ok(root: Path) -> None:
    assert_msgfmt_ok(*all_catalogs(root))


@contextlib.contextmanager
def env(**values: str | None) -> Iterator[None]:
    """Set (or, with None, unset) environment variables for a block."""
    saved = {k: os.environ.get(k) for k in values}
    try:
        for key, value in values.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def creation_date(text: str) -> str:
    match = re.search(r'^"POT-Creation-Date: ([^"\\]*)\\n"$', text, re.MULTILINE)
    assert match, "no POT-Creation-Date header"
    return match.group(1)


def _cached(factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]) -> Path:
    """Build a project once per test session (shared by every test module)."""
    root = factory.getbasetemp() / f"catalogs-{name}"
    if not root.exists():
        partial = factory.getbasetemp() / f".catalogs-{name}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        make(partial)
        partial.rename(root)
    return root


def _make_base(root: Path) -> None:
    copy_project(root, babel_cfg=True)
    with env(SOURCE_DATE_EPOCH=EPOCH):
        ok(root, "extract", "-q")


def base_project(factory: pytest.TempPathFactory) -> Path:
    """The real content with current templates (extracted at EPOCH), no locale yet."""
    return _cached(factory, "base", _make_base)


def translated_project(factory: pytest.TempPathFactory) -> Path:
    """The base project with a French locale whose every entry is translated."""
    def make(root: Path) -> None:
        clone(base_project(factory), root)
        with env(SOURCE_DATE_EPOCH=EPOCH):
            ok(root, "init", "fr", "-q")
        fill(root, "fr")
    return _cached(factory, "translated", make)


# --------------------------------------------------------------------------------------------
# A project with plural phrases: the tiny project (tests/fixtures/build/tiny) whose glossary
# writes doses out, French required and complete.

TINY = Path(__file__).parent / "fixtures" / "build" / "tiny"
DOSAGE_YAML = """dosage:
  sets:
    one: "{count} set"
    other: "{count} sets"
  repetitions:
    one: "{count} repetition"
    other: "{count} repetitions"
  seconds:
    one: "{count} second"
    other: "{count} seconds"
  sets_of_repetitions: "{sets} of {repetitions}"
  each_side: "{dose} on each side"
  holding: "{dose}, holding each for {seconds}"
  hold: "Hold for {seconds}"
"""
DOSAGE = "dosage"
# The plural phrases (msgid → msgid_plural) and the plain ones, with their French.
PLURALS = {"{count} set": "{count} sets", "{count} repetition": "{count} repetitions",
           "{count} second": "{count} seconds"}
FRENCH_PLURALS = {"{count} set": ["{count}\u00a0série", "{count}\u00a0séries"],
                  "{count} repetition": ["{count}\u00a0répétition", "{count}\u00a0répétitions"],
                  "{count} second": ["{count}\u00a0seconde", "{count}\u00a0secondes"]}
FRENCH_PHRASES = {"{sets} of {repetitions}": "{sets} de {repetitions}",
                  "{dose} on each side": "{dose} de chaque côté",
                  "{dose}, holding each for {seconds}": "{dose}, en tenant chaque fois {seconds}",
                  "Hold for {seconds}": "Tenez la position {seconds}"}
DOSAGE_PYPROJECT = """[project]
name = "dosage-test"

[tool.pipeline]
source = "source"
locales = "locales"
build = "build"
source_locale = "en"
required_locales = ["fr"]
optional_locales = []
pseudo_locale = "en-XA"
"""


def translate_dosage(path: Path, plurals: dict[str, list[str]] | None = None,
                     phrases: dict[str, str] | None = None) -> None:
    """Give the dosage entries of a glossary catalog their translations (French by
    default), reviewed, in the tool's layout."""
    plurals = FRENCH_PLURALS if plurals is None else plurals
    phrases = FRENCH_PHRASES if phrases is None else phrases
    catalog = read_po(path)
    for e in catalog:
        if e.obsolete or e.msgctxt != DOSAGE:
            continue
        if e.msgid in plurals and e.msgid_plural:
            e.msgstr_plural = dict(enumerate(plurals[e.msgid]))
        elif e.msgid in phrases:
            e.msgstr = phrases[e.msgid]
        else:
            continue
        e.flags = [f for f in e.flags if f != "fuzzy"]
        e.previous_msgid = e.previous_msgctxt = e.previous_msgid_plural = None
    path.write_text(render_catalog(catalog), encoding="utf-8")


def _make_dosage(root: Path) -> None:
    shutil.copytree(TINY, root, dirs_exist_ok=True)
    (root / "pyproject.toml").write_text(DOSAGE_PYPROJECT, encoding="utf-8")
    with (root / "source" / "glossary.yaml").open("a", encoding="utf-8") as fh:
        fh.write(DOSAGE_YAML)
    with env(SOURCE_DATE_EPOCH=EPOCH):
        for command in ("schema", "extract", "update"):
            ok(root, command, "-q")
    translate_dosage(catalog_dir(root, "fr") / "glossary.po")


def dosage_project(factory: pytest.TempPathFactory) -> Path:
    """The tiny project with dosage phrases in its glossary (three plural entries, four
    brace-format phrases), French required, complete and passing `check`."""
    return _cached(factory, "dosage", _make_dosage)
