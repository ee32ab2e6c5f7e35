"""The Babel extraction method: `pybabel extract -F babel.cfg` finds what `pipeline extract`
finds."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.gettext.babel_extractor import extract_yaml
from pipeline.gettext.pofiles import EntryKey, key_of

from catalog_helpers import (
    assert_msgfmt_ok,
    base_project,
    clone,
    edit,
    ok,
    read_po,
    template_keys,
)


def pybabel() -> Path:
    path = Path(sys.executable).parent / "pybabel"
    if not path.exists():
        pytest.skip("pybabel is not installed in this environment")
    return path


def babel_extract(root: Path) -> set[EntryKey]:
    out = root / "messages.pot"
    done = subprocess.run([str(pybabel()), "extract", "-F", "babel.cfg", "-o", str(out), "."],
                          cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert_msgfmt_ok(out)
    return {key_of(e) for e in read_po(out)}


@pytest.fixture
def content(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    return clone(base_project(tmp_path_factory), tmp_path / "project")


def test_pybabel_finds_the_union_of_our_templates(content: Path) -> None:
    ours = set().union(*template_keys(content).values())
    assert babel_extract(content) == ours
    assert any(k.context == "muscle" for k in ours)


def test_pybabel_follows_source_changes_and_skips_invalid_documents(content: Path) -> None:
    exercises = content / "source" / "exercises"
    edit(exercises / "wall-sit.yaml", "Hold for 20 seconds.", "Hold for 25 seconds.")
    ok(content, "extract", "-q")
    found = babel_extract(content)
    assert found == set().union(*template_keys(content).values())
    assert EntryKey(None, "Hold for 25 seconds.") in found
    # An invalid document yields nothing (and `pipeline validate` says why).
    edit(exercises / "wall-sit.yaml", "name: Wall sit\n", "name: Wall sit\nnmae: typo\n")
    assert EntryKey(None, "Hold for 25 seconds.") not in babel_extract(content)


def test_extractor_yields_pgettext_for_terms_and_comments(content: Path) -> None:
    path = content / "source" / "glossary.yaml"
    with path.open("rb") as fh:
        found = list(extract_yaml(fh, {}, [], {}))
    assert found
    line, function, message, comments = found[0]
    assert function == "pgettext" and isinstance(message, tuple)
    assert message[0] in {"muscle", "equipment", "position"}
    assert any(c.startswith("Kind: term.") for c in comments)
    template = read_po(content / "locales" / "templates" / "glossary.pot")
    assert [(m[0], m[1]) if isinstance(m, tuple) else (None, m) for _, _, m, _ in found] == \
        [(e.msgctxt, e.msgid) for e in template]


def test_extractor_without_a_file_name_yields_nothing() -> None:
    assert list(extract_yaml(io.BytesIO(b"kind: glossary\n"), {}, [], {})) == []
