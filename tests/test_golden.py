"""Golden files: what the tool writes, pinned byte for byte.

One small fixed project (the tiny fixture, tests/fixtures/build/tiny) goes through the usual
life of a translation at a fixed moment (SOURCE_DATE_EPOCH): `schema`, `extract`, `init fr`,
every entry translated as the fixture's hand-written French catalogs say (saved as a PO
editor saves, in the tool's own layout); then an English edit (a step reworded, a tip
removed), `extract` and `update`, so the catalog holds a fuzzy entry with its previous
English (`#| msgid`) and an obsolete entry (`#~`); then `build`, with French optional so
the fuzzy step falls back to English in the bundle. Three files are compared with
tests/golden/:

* glute-bridge.pot      the template (`extract`)
* glute-bridge.fr.po    the French catalog after that `update`
* glute-bridge.fr.json  the French bundle (`build`, build/site/fr/glute-bridge.json)

A difference fails with a unified diff. When the change is intended, rewrite the golden
files and review them like any other change:

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py

Every golden catalog and template must also pass GNU gettext's `msgfmt -c`.
"""

from __future__ import annotations

import difflib
import json
import os
import shutil
from pathlib import Path

import polib
import pytest

from pipeline.gettext.pofiles import EntryKey, key_of

from build_helpers import TINY, configure
from catalog_helpers import EPOCH, assert_msgfmt_ok, edit, env, fill, ok, require_tool

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
REGENERATE = "UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py"

EXERCISE = Path("source") / "exercises" / "glute-bridge.yaml"
REWORDED = ("Hold for 5 seconds, then lower your hips slowly.",
            "Hold for 5 seconds, then lower your hips slowly to the floor.")
REMOVED = '  - Think "heels down" each time you lift your hips.\n'

# golden file name → the project file it pins
FILES = {
    "glute-bridge.pot": "locales/templates/glute-bridge.pot",
    "glute-bridge.fr.po": "locales/fr/LC_MESSAGES/glute-bridge.po",
    "glute-bridge.fr.json": "build/site/fr/glute-bridge.json",
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny project after an English edit, merged and built at a fixed moment."""
    root = tmp_path_factory.mktemp("golden") / "project"
    shutil.copytree(TINY / "source", root / "source")
    configure(root, required=(), optional=("fr",))
    french: dict[EntryKey, str] = {
        key_of(e): e.msgstr
        for path in sorted((TINY / "locales" / "fr" / "LC_MESSAGES").glob("*.po"))
        for e in polib.pofile(str(path)) if e.msgid}

    def reviewed(entry: polib.POEntry) -> str:
        return french[EntryKey(entry.msgctxt, entry.msgid)]

    with env(SOURCE_DATE_EPOCH=EPOCH):
        for setup in (["schema"], ["extract"], ["init", "fr"]):
            ok(root, *setup, "-q")
        fill(root, "fr", reviewed)
        edit(root / EXERCISE, *REWORDED)  # the step's entry becomes fuzzy
        edit(root / EXERCISE, REMOVED, "")  # the tip's entry becomes obsolete
        for step in ("extract", "update", "build"):
            ok(root, step, "-q")
    return root


def mismatch(name: str, golden: bytes, actual: bytes) -> str:
    """What differs, as a unified diff, and how to accept the change."""
    before = golden.decode("utf-8", errors="replace").splitlines(keepends=True)
    after = actual.decode("utf-8", errors="replace").splitlines(keepends=True)
    diff = "".join(difflib.unified_diff(before, after, f"tests/golden/{name}",
                                        f"{FILES[name]} (written now)"))
    if not diff:  # the bytes differ where the text does not show it (BOM, encoding)
        diff = f"golden: {golden[:200]!r}…\nnow:    {actual[:200]!r}…\n"
    return (f"tests/golden/{name} differs from what the tool writes now:\n{diff}\n"
            f"If the change is intended, rewrite the golden files with\n    {REGENERATE}\n"
            "and review the difference (git diff tests/golden/) before committing it.")


@pytest.fixture(scope="module")
def golden(project: Path) -> Path:
    """tests/golden/, first rewritten from the project when UPDATE_GOLDEN=1 (only files
    whose bytes changed are written)."""
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        for name, rel in FILES.items():
            actual = (project / rel).read_bytes()
            path = GOLDEN / name
            if not path.exists() or path.read_bytes() != actual:
                # Whole or not at all: test workers (xdist) may each rewrite the same file.
                partial = path.with_name(f".{name}.{os.getpid()}.tmp")
                partial.write_bytes(actual)
                os.replace(partial, path)
    return GOLDEN


@pytest.mark.parametrize("name", sorted(FILES))
def test_output_matches_its_golden_file(project: Path, golden: Path, name: str) -> None:
    path = golden / name
    assert path.exists(), f"tests/golden/{name} is missing; write it with\n    {REGENERATE}"
    expected, actual = path.read_bytes(), (project / FILES[name]).read_bytes()
    if expected != actual:
        pytest.fail(mismatch(name, expected, actual), pytrace=False)


def test_golden_catalog_pins_fuzzy_and_obsolete_entries(golden: Path) -> None:
    """The golden catalog holds what this case exists for: the reworded step as fuzzy with
    its previous English, and the removed tip as obsolete."""
    text = (golden / "glute-bridge.fr.po").read_text(encoding="utf-8")
    old, new = REWORDED
    assert f'#, fuzzy\n#| msgid "{old}"\nmsgid "{new}"\n' in text
    assert '#~ msgid "Think \\"heels down\\" each time you lift your hips."\n' in text


def test_golden_bundle_pins_the_fuzzy_step_falling_back(golden: Path) -> None:
    """The golden bundle shows the reworded step in English (its French is fuzzy), as rich
    text, and lists it as fallen back; the removed tip is gone."""
    bundle = json.loads((golden / "glute-bridge.fr.json").read_text(encoding="utf-8"))
    assert (bundle["bundle_version"], bundle["locale"], bundle["id"]) == (3, "fr",
                                                                           "glute-bridge")
    assert bundle["fallbacks"] == ["steps[1]"]
    assert bundle["document"]["steps"][1] == {
        "blocks": [{"type": "paragraph", "spans": [
            {"text": REWORDED[1], "marks": [], "link": None}]}],
        "plain": REWORDED[1]}
    assert len(bundle["document"]["tips"]) == 1


@pytest.mark.parametrize("name", sorted(n for n in FILES if n.endswith((".po", ".pot"))))
def test_golden_catalogs_pass_msgfmt(golden: Path, name: str) -> None:
    require_tool("msgfmt")
    assert_msgfmt_ok(golden / name)
