"""The shipped project itself: documented codes, clean content, complete French."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.core.codes import CODES

ROOT = Path(__file__).resolve().parents[1]


def _readme_codes() -> dict[str, str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return dict(re.findall(r"^\| `([EW]\d{3})` \| ([a-z0-9-]+) \|", text, re.MULTILINE))


def test_every_code_in_the_readme_exists_in_the_code_and_vice_versa() -> None:
    documented = _readme_codes()
    assert documented, "README has no code table"
    assert set(documented) == set(CODES)
    for code, name in documented.items():
        assert CODES[code].name == name


def test_every_code_is_emitted_somewhere_in_the_package() -> None:
    source = "\n".join(p.read_text(encoding="utf-8")
                       for p in (ROOT / "pipeline").rglob("*.py") if p.name != "codes.py")
    missing = [code for code in CODES if f'"{code}"' not in source
               and f"'{code}'" not in source and f"markup_{code}" not in source]
    assert missing == []


def test_shipped_source_validates_clean(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--root", str(ROOT)]) == 0
    assert "No problems" in capsys.readouterr().out


def test_shipped_project_passes_check(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["check", "--root", str(ROOT), "--format", "json"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert '"errors": 0' in out


def test_shipped_french_is_complete(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--root", str(ROOT), "--locale", "fr", "--format", "json"]) == 0
    import json

    report = json.loads(capsys.readouterr().out)
    total = report["locales"]["fr"]["total"]
    assert total["strings"]["untranslated"] == 0
    assert total["strings"]["fuzzy"] == 0
    assert total["percent"] == 100.0
