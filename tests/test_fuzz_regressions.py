"""Inputs that once crashed a reader (or broke its contract), and nasty seeds, replayed.

Each file under tests/fixtures/fuzz/{yaml,po}/ goes through the fuzz target's contract
(`fuzz.targets`: a clean error or a valid result that survives writing and reading back) and
must end as its name says: `ok-…` reads with no diagnostic, `E401-…` is reported with that
code. A crash saved by `python -m fuzz` is renamed this way when it becomes a fixture.
The catalog inputs end in `.po-input`, not `.po`: most are broken on purpose, and no tool
that gathers a project's catalogs should take them for real ones.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from pipeline.content.loader import read_source
from pipeline.content.validation import validate_data
from pipeline.gettext.pofiles import PoReadError, read_catalog

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # the fuzz package sits next to pipeline/ and is not installed
    sys.path.insert(0, str(ROOT))

from fuzz.targets import PO_NAME, YAML_NAME, run_loader, run_po  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures" / "fuzz"
YAML_CASES = sorted((FIXTURES / "yaml").iterdir())
PO_CASES = sorted((FIXTURES / "po").iterdir())
_NAME = re.compile(r"^(ok|[EW]\d{3})-[a-z0-9-]+\.(yaml|po-input)$")


def expected(path: Path) -> str | None:
    """The code a fixture's name announces, or None for `ok-…`."""
    match = _NAME.match(path.name)
    assert match, f"{path.name}: name it ok-<what>.<ext> or <code>-<what>.<ext>"
    return None if match.group(1) == "ok" else match.group(1)


def test_there_are_fixtures_of_both_kinds() -> None:
    assert len(YAML_CASES) >= 5 and len(PO_CASES) >= 5


@pytest.mark.parametrize("path", YAML_CASES, ids=lambda p: p.name)
def test_yaml_input(path: Path, tmp_path: Path) -> None:
    run_loader(path.read_bytes(), tmp_path)  # raises on a crash or a broken contract
    copy = tmp_path / YAML_NAME
    src, found = read_source(copy, YAML_NAME, max_bytes=1_000_000, root=tmp_path / "source")
    if not found:
        _, found = validate_data(src)
    code = expected(path)
    codes = [d.code for d in found]
    assert (code in codes) if code else codes == [], codes


@pytest.mark.parametrize("path", PO_CASES, ids=lambda p: p.name)
def test_po_input(path: Path, tmp_path: Path) -> None:
    run_po(path.read_bytes(), tmp_path)  # raises on a crash or a broken contract
    try:
        read_catalog(tmp_path / PO_NAME, PO_NAME)
        found = None
    except PoReadError as exc:
        found = exc.diagnostic.code
    assert found == expected(path)
