"""Text that comes from files or from the user is printed as it is: rich markup (`[bold red]`,
`[link=…]`) and emoji codes (`:x:`) in file and folder names, field names, values and catalog
names reach the terminal literally, through every command's lines, tables and summaries.
"""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.report import console

from build_helpers import cli, cli_config, clone, po_path, tiny_template
from conftest import Project
from watch_helpers import watch_and_print

# A path holding each kind of markup; `[/]` spans a folder boundary, as only a path can.
HOSTILE = "[bold red]x[/]:x:[link=mailto:a@b.c]y[/link]"
KEY = ":x: [bold red]k[/] [link=mailto:a@b.c]l[/link]"
EMOJI = "\u274c"  # what rich prints for :x:
EX = "source/exercises/glute-bridge.yaml"


def assert_literal(text: str, *expected: str) -> None:
    for part in expected:
        assert part in text, f"{part!r} not printed as written:\n{text}"
    assert EMOJI not in text


def test_validate_prints_hostile_file_names_and_field_names_literally(project: Project) -> None:
    rel = f"source/exercises/{HOSTILE}.yaml"
    content = project.read(EX) + f'"{KEY}": 1\n'
    project.write(rel, content)
    run = project.run("validate")
    assert run.code == 1
    lines = [line for line in run.out.splitlines() if line.startswith(rel + ":")]
    assert any(f"E102 unknown-field: {KEY}: unknown field '{KEY}'" in line for line in lines), \
        run.out
    assert_literal(run.out, rel, KEY)


def test_stats_table_shows_a_hostile_catalog_name_literally(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory,
        capsys: pytest.CaptureFixture[str]) -> None:
    tiny = clone(tiny_template(tmp_path_factory), tmp_path / "tiny")
    name = ":x:[bold red]z"  # a table cell is one line: no `[/]`, so no folder either
    shutil.copy(po_path(tiny, "ann-lee"), po_path(tiny, name))
    run = cli(capsys, tiny, "stats", "--locale", "fr")
    assert run.code == 0, run.text
    assert_literal(run.out, name)


def test_build_and_check_summaries_show_a_hostile_folder_literally(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory,
        capsys: pytest.CaptureFixture[str]) -> None:
    tiny = clone(tiny_template(tmp_path_factory), tmp_path / "tiny")
    pyproject = tiny / "pyproject.toml"
    text = pyproject.read_text("utf-8")
    assert text.count('build = "build"') == 1
    pyproject.write_text(text.replace('build = "build"', f'build = "out/{HOSTILE}"'), "utf-8")
    run = cli(capsys, tiny, "build")
    assert run.code == 0, run.text
    assert_literal(run.out, f"Built 12 bundles in out/{HOSTILE}/ (")
    run = cli(capsys, tiny, "preview", "--out", str(tiny / "site" / HOSTILE))
    assert run.code == 0, run.text
    assert_literal(run.out, f"to site/{HOSTILE}/; open site/{HOSTILE}/index.html")


def test_watch_lines_show_hostile_folders_and_files_literally(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    tiny = clone(tiny_template(tmp_path_factory), tmp_path / "tiny")
    source = f"content/{HOSTILE}"
    (tiny / source).parent.mkdir(parents=True)
    shutil.move(str(tiny / "source"), str(tiny / source))
    pyproject = tiny / "pyproject.toml"
    text = pyproject.read_text("utf-8")
    pyproject.write_text(text.replace('source = "source"', f'source = "{source}"'), "utf-8")
    bad = tiny / source / "exercises" / f"{HOSTILE}.yaml"

    def saves() -> Iterator[set[str]]:
        bad.parent.mkdir(parents=True, exist_ok=True)
        bad.write_text((tiny / source / "exercises" / "glute-bridge.yaml").read_text("utf-8")
                       + f'"{KEY}": 1\n', "utf-8")
        yield {str(bad)}
        bad.unlink()
        yield {str(bad)}

    buffer = io.StringIO()
    watch_and_print(cli_config(tiny), saves(), console(buffer))
    out = buffer.getvalue()
    rel = f"{source}/exercises/{HOSTILE}.yaml"
    assert f"Watching {source}/ and locales/ for changes" in out
    assert f"+ {rel}:" in out and f"- {rel}:" in out
    assert f" {rel} changed: " in out
    assert_literal(out, KEY)


def test_json_output_is_untouched(project: Project) -> None:
    project.write(f"source/exercises/{HOSTILE}.yaml", project.read(EX))
    run = project.run("validate", "--format", "json")
    paths = {d["path"] for d in json.loads(run.out)["diagnostics"]}
    assert f"source/exercises/{HOSTILE}.yaml" in paths
