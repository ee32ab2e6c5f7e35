"""Shared fixtures: a small, valid content project in a temporary folder, and a way to run
`pipeline validate` on it in-process and read back what it reported.

The project's source files live in tests/fixtures/validate/project/ so they can be read as
they are; the editor schemas are written by `pipeline schema`, once per test session.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pipeline.cli import main

from build_helpers import built, clone, tiny_template
from runner import Run, run_cli

FIXTURES = Path(__file__).parent / "fixtures" / "validate"
PROJECT_SOURCE = FIXTURES / "project" / "source"
REPO_ROOT = Path(__file__).resolve().parents[1]

# The keys of the real [tool.pipeline] table, with no required locales.
DEFAULT_SETTINGS: dict[str, Any] = {
    "source": "source",
    "locales": "locales",
    "build": "build",
    "source_locale": "en",
    "required_locales": [],
    "optional_locales": [],
    "pseudo_locale": "en-XA",
    "max_file_bytes": 1_000_000,
    # The fixture's review date stays where it is while the clock moves on (W314 is tested
    # at fixed dates).
    "review_max_age_months": 600,
}

Diagnostics = list[dict[str, Any]]
FileContent = str | bytes | None  # None deletes the file


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a valid TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} as TOML")


def pyproject_text(severity: Mapping[str, str] | None = None, **settings: Any) -> str:
    """A pyproject.toml with a [tool.pipeline] table; `settings` override the defaults."""
    merged = {**DEFAULT_SETTINGS, **settings}
    lines = ['[project]', 'name = "test-content"', "", "[tool.pipeline]"]
    lines += [f"{key} = {_toml_value(value)}" for key, value in merged.items()]
    lines += ["", "[tool.pipeline.severity]"]
    lines += [f"{json.dumps(code)} = {json.dumps(sev)}" for code, sev in (severity or {}).items()]
    return "\n".join(lines) + "\n"


@dataclass
class Project:
    """A content project in a temporary folder, and the CLI run against it."""

    root: Path
    capsys: pytest.CaptureFixture[str]

    def path(self, rel: str) -> Path:
        return self.root / rel

    def read(self, rel: str) -> str:
        return self.path(rel).read_text(encoding="utf-8")

    def write(self, rel: str, content: FileContent) -> None:
        """Create, overwrite (text or bytes) or, with None, delete one file."""
        path = self.path(rel)
        if content is None:
            path.unlink()
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")

    def edit(self, rel: str, old: str, new: str) -> None:
        """Replace text that must occur exactly once, so a fixture change cannot go unnoticed."""
        text = self.read(rel)
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {rel}"
        self.write(rel, text.replace(old, new))

    def configure(self, severity: Mapping[str, str] | None = None, **settings: Any) -> None:
        self.write("pyproject.toml", pyproject_text(severity, **settings))

    def run(self, *args: str) -> Run:
        """`pipeline <args> --root <project>` in-process, with what it printed."""
        return run_cli(self.root, *args)

    def validate(self, files: Mapping[str, FileContent] | None = None) -> tuple[int, Diagnostics]:
        """Write `files` (path → content), run `validate --format json`; (exit code, diagnostics)."""
        for rel, content in (files or {}).items():
            self.write(rel, content)
        result = self.run("validate", "--format", "json")
        assert result.err == "", result.err
        return result.code, json.loads(result.out)["diagnostics"]


@pytest.fixture(scope="session")
def project_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal project, built once: pyproject.toml, schema/ (by `pipeline schema`), source/."""
    root = tmp_path_factory.mktemp("template")
    (root / "pyproject.toml").write_text(pyproject_text(), encoding="utf-8")
    shutil.copytree(PROJECT_SOURCE, root / "source")
    shutil.copytree(PROJECT_SOURCE.parent / "spelling", root / "spelling")
    assert main(["schema", "--root", str(root)]) == 0
    assert sorted(p.name for p in (root / "schema").iterdir()) == [
        "exercise.json", "glossary.json", "guide.json", "reviewer.json"]
    return root


@pytest.fixture
def project(project_template: Path, tmp_path: Path,
            capsys: pytest.CaptureFixture[str]) -> Iterator[Project]:
    """A fresh copy of the minimal valid project for one test."""
    root = tmp_path / "project"
    shutil.copytree(project_template, root, symlinks=True)
    yield Project(root, capsys)


def where(diagnostics: Diagnostics) -> list[tuple[str, int, int, str]]:
    """(path, line, column, code) of each diagnostic, in reported order."""
    return [(d["path"], d["line"], d["column"], d["code"]) for d in diagnostics]


@pytest.fixture(scope="session")
def tiny_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny project (French required and complete), built once; clone before changing."""
    return built(tmp_path_factory, "tiny", tiny_template(tmp_path_factory))


@pytest.fixture
def tiny(tiny_built: Path, tmp_path: Path) -> Path:
    """A fresh copy of the built tiny project, with its build/ in place. (Some modules define
    a `tiny` of their own, unbuilt or placed otherwise.)"""
    return clone(tiny_built, tmp_path / "tiny")


# The modules whose tests take seconds each (they install the tool, kill runs, or start
# browsers). Handed out first, they run beside the many short tests instead of after them,
# so the workers finish together.
_LONG_FIRST = ("test_content_repo.py", "test_interrupt.py", "test_lock_files.py",
               "test_bounded.py", "test_reference_client.py", "test_translator_tools.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.path.name not in _LONG_FIRST)
