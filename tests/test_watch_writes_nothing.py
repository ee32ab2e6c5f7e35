"""`watch` writes nothing (README, "Watch mode"): no `.pipeline-cache/`, no file changed or
added anywhere in the project, however many times it checks again."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.report import console

from build_helpers import cli_config, clone, edit_text, tiny_template
from watch_helpers import watch_and_print

EXERCISE = "source/exercises/glute-bridge.yaml"


def tree(root: Path) -> dict[str, bytes | None]:
    """Every file (with its bytes) and folder under root, hidden ones included."""
    return {p.relative_to(root).as_posix(): p.read_bytes() if p.is_file() else None
            for p in sorted(root.rglob("*"))}


def test_watch_leaves_the_project_exactly_as_it_was(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PIPELINE_NO_CACHE", raising=False)
    tiny = clone(tiny_template(tmp_path_factory), tmp_path / "tiny")
    shutil.rmtree(tiny / ".pipeline-cache", ignore_errors=True)
    before = tree(tiny)
    exercise = tiny / EXERCISE
    original = exercise.read_bytes()

    def saves() -> Iterator[set[str]]:
        edit_text(exercise, "name: Glute bridge", "nmae: Glute bridge")
        yield {str(exercise)}
        exercise.write_bytes(original)
        yield {str(exercise)}

    buffer = io.StringIO()
    result = watch_and_print(cli_config(tiny), saves(), console(buffer))
    assert result.runs == 2 and result.last.diagnostics == []
    assert "E102 unknown-field" in buffer.getvalue()  # it did check the broken save
    after = tree(tiny)
    assert sorted(set(after) - set(before)) == []
    assert after == before
