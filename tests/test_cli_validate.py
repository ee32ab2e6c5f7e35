"""`pipeline validate` from the command line: output formats, exit status, project settings,
hostile input, and the shipped content."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.report import to_json
from pipeline.stages.validate import validate_project

from build_helpers import cli_config
from conftest import FIXTURES, REPO_ROOT, Project, where

EX = "source/exercises/glute-bridge.yaml"
GUIDE = "source/guides/hip-pain.yaml"
STEP1 = "  - Hold for a moment, then lower your hips slowly.\n"
FRENCH = "  - Allongez-vous sur le dos, les genoux pliés et les pieds à plat sur le sol.\n"


def break_project(project: Project) -> None:
    """Three errors (E101 and E102 in one file, E202 in another) and one warning (W304)."""
    project.edit(EX, "name: Glute bridge", "nmae: Glute bridge")
    project.edit(GUIDE, "  - wall-sit", "  - wall-sitt")
    project.edit("source/exercises/wall-sit.yaml", "slide back up.", "slide back up")


@pytest.fixture(autouse=True)
def plain_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Text output as CI sees it, whatever the terminal running the tests asks for."""
    monkeypatch.setenv("NO_COLOR", "1")
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(name, raising=False)


# --- Output formats ---------------------------------------------------------------------------

def test_text_format(project: Project) -> None:
    break_project(project)
    result = project.run("validate")
    assert (result.code, result.err) == (1, "")
    assert result.out.splitlines() == [
        "source/exercises/glute-bridge.yaml:2:1: E101 missing-field: name: required field "
        "'name' is missing",
        "source/exercises/glute-bridge.yaml:4:1: E102 unknown-field: nmae: unknown field "
        "'nmae'; did you mean 'name'?",
        "source/exercises/wall-sit.yaml:13:5: W304 end-punctuation: steps[1]: should end with "
        "'.', '!' or '?': …', then slide back up'",
        "source/guides/hip-pain.yaml:10:5: E202 unknown-exercise: exercises[1]: no exercise "
        "has the id 'wall-sitt'",
        "3 errors, 1 warning in 3 of 5 files.",
    ]
    assert "\x1b[" not in result.out


def test_text_format_quiet_hides_warnings(project: Project) -> None:
    break_project(project)
    result = project.run("validate", "--quiet")
    assert result.code == 1
    assert "W304" not in result.out
    assert "E102" in result.out
    assert result.out.splitlines()[-1] == "3 errors, 1 warning in 3 of 5 files."


def test_text_format_does_not_read_messages_as_markup(project: Project) -> None:
    project.edit(EX, STEP1, "  - Hold [bold]for a moment[/bold]\n")
    result = project.run("validate")
    assert "should end with '.', '!' or '?': …']for a moment[/bold]'\n" in result.out


def test_github_format(project: Project) -> None:
    break_project(project)
    result = project.run("validate", "--format", "github")
    assert (result.code, result.err) == (1, "")
    lines = result.out.splitlines()
    assert lines[1] == ("::error file=source/exercises/glute-bridge.yaml,line=4,col=1,"
                        "title=E102 unknown-field::nmae: unknown field 'nmae'; did you mean "
                        "'name'?")
    assert lines[2].startswith("::warning file=source/exercises/wall-sit.yaml,line=13,col=5,"
                               "title=W304 end-punctuation::steps[1]: ")
    assert lines[-1] == "3 errors, 1 warning in 3 of 5 files."
    for line in lines[:-1]:
        assert re.fullmatch(r"::(error|warning) file=[^,:]+(,line=\d+)?(,col=\d+)?,"
                            r"title=[EW]\d{3} [a-z-]+::.+", line), line


def test_github_format_without_a_line(project: Project) -> None:
    project.write("source/glossary.yaml", None)
    result = project.run("validate", "--format", "github")
    assert result.out.splitlines()[0] == (
        "::error file=source,title=E206 missing-glossary::no glossary document "
        "(kind: glossary, id: glossary) was found")


def test_json_format(project: Project) -> None:
    break_project(project)
    result = project.run("validate", "--format", "json")
    assert (result.code, result.err) == (1, "")
    payload = json.loads(result.out)
    assert set(payload) == {"version", "diagnostics", "summary"}
    assert payload["version"] == 1
    assert payload["summary"] == {"checked": 5, "errors": 3, "warnings": 1}
    assert payload["diagnostics"][1] == {
        "path": "source/exercises/glute-bridge.yaml", "line": 4, "column": 1, "code": "E102",
        "name": "unknown-field", "severity": "error",
        "message": "nmae: unknown field 'nmae'; did you mean 'name'?", "source": None,
    }
    # Exactly what report.to_json gives for the same run.
    _, problems = validate_project(cli_config(project.root))
    assert result.out == to_json(problems, 5) + "\n"


def test_json_format_clean(project: Project) -> None:
    result = project.run("validate", "--format", "json")
    assert result.code == 0
    assert json.loads(result.out) == {
        "version": 1, "diagnostics": [], "summary": {"checked": 5, "errors": 0, "warnings": 0}}


def test_warnings_alone_exit_zero(project: Project) -> None:
    project.edit(EX, STEP1, "  - Hold for a moment, then lower your hips slowly\n")
    result = project.run("validate")
    assert result.code == 0
    assert result.out.splitlines()[-1] == "0 errors, 1 warning in 1 of 5 files."


# --- Severity overrides and usage errors -----------------------------------------------------

@pytest.mark.parametrize(
    ("severity", "change", "expected"),
    [
        pytest.param({}, (EX, STEP1, STEP1.replace(".\n", "\n")), (0, "warning"), id="default"),
        pytest.param({"W304": "error"}, (EX, STEP1, STEP1.replace(".\n", "\n")), (1, "error"),
                     id="W304-error"),
        pytest.param({"end-punctuation": "error"}, (EX, STEP1, STEP1.replace(".\n", "\n")),
                     (1, "error"), id="by-name"),
        pytest.param({"W304": "off"}, (EX, STEP1, STEP1.replace(".\n", "\n")), (0, None),
                     id="W304-off"),
        pytest.param({}, (EX, STEP1, FRENCH), (1, "error"), id="E301-default"),
        pytest.param({"E301": "off"}, (EX, STEP1, FRENCH), (0, None), id="E301-off"),
        pytest.param({"E301": "warning"}, (EX, STEP1, FRENCH), (0, "warning"),
                     id="E301-warning"),
        pytest.param({"E202": "warning"}, (GUIDE, "  - wall-sit", "  - plank"), (0, "warning"),
                     id="E202-warning"),
    ],
)
def test_severity_overrides(project: Project, severity: dict[str, str],
                            change: tuple[str, str, str], expected: tuple[int, str | None]) -> None:
    project.configure(severity=severity)
    project.edit(*change)
    code, diagnostics = project.validate()
    assert (code, diagnostics[0]["severity"] if diagnostics else None) == expected
    assert len(diagnostics) == (0 if expected[1] is None else 1)


@pytest.mark.parametrize(
    ("pyproject", "message"),
    [
        pytest.param('[tool.pipeline]\n[tool.pipeline.severity]\nX999 = "error"\n',
                     "names unknown code 'X999'", id="unknown-code"),
        pytest.param('[tool.pipeline]\n[tool.pipeline.severity]\nW304 = "fatal"\n',
                     "use 'error', 'warning' or 'off'", id="unknown-severity"),
        pytest.param('[tool.other]\nx = 1\n', "has no [tool.pipeline] table", id="no-table"),
        pytest.param('[tool.pipeline]\nsorce = "source"\n', "unknown [tool.pipeline] keys: sorce",
                     id="unknown-key"),
        pytest.param('[tool.pipeline\n', "pyproject.toml", id="bad-toml"),
    ],
)
def test_usage_errors_exit_2(project: Project, pyproject: str, message: str) -> None:
    project.write("pyproject.toml", pyproject)
    result = project.run("validate")
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith("pipeline: error: ")
    assert message in result.err


def test_missing_pyproject_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--root", str(tmp_path)]) == 2
    assert "pyproject.toml" in capsys.readouterr().err


def test_max_file_bytes_from_the_project(project: Project) -> None:
    size = project.path(GUIDE).stat().st_size
    project.configure(max_file_bytes=size)
    assert project.validate() == (0, [])
    project.configure(max_file_bytes=size - 1)
    code, diagnostics = project.validate()
    assert (code, where(diagnostics)) == (1, [(GUIDE, 0, 0, "E007")])


def test_other_source_folder(project: Project) -> None:
    project.path("source").rename(project.path("content"))
    project.configure(source="content")
    # The schema comments still point at ../schema, which is where schema/ is.
    assert project.validate() == (0, [])


# --- Hostile input: a diagnostic, never a traceback --------------------------------------------

HOSTILE = FIXTURES / "hostile"


def _nested_mappings(levels: int) -> bytes:
    return "".join("  " * i + "a:\n" for i in range(levels)).encode() + b"  " * levels + b"x\n"


def _billion_laughs(aliases: int) -> bytes:
    lines = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, aliases // 10 + 1)]
    return ("\n".join(lines) + "\n").encode()


GENERATED: dict[str, Callable[[], bytes]] = {
    "nested-mappings-200": lambda: _nested_mappings(200),
    "nested-lists-1500": lambda: b"[" * 1500 + b"]" * 1500,  # deeper than Python recursion
    "nested-mappings-flow-3000": lambda: b"{a: " * 3000 + b"x" + b"}" * 3000,
    "billion-laughs-5000-aliases": lambda: _billion_laughs(5000),
    "long-line": lambda: b"kind: exercise\nid: hostile\nname: " + b"x" * 500_000 + b"\n",
    "many-unknown-keys": lambda: b"kind: exercise\n" + b"".join(b"k%d: v\n" % i
                                                                for i in range(2_000)),
}
HOSTILE_FILES = [pytest.param(path.read_bytes, id=path.stem)
                 for path in sorted(HOSTILE.glob("*.yaml"))]
HOSTILE_CASES = HOSTILE_FILES + [pytest.param(make, id=name) for name, make in GENERATED.items()]


@pytest.mark.parametrize("make", HOSTILE_CASES)
def test_hostile_input_is_a_diagnostic(project: Project, make: Callable[[], bytes]) -> None:
    hostile = "source/exercises/hostile.yaml"
    project.write(hostile, make())
    result = project.run("validate", "--format", "json")
    assert (result.code, result.err) == (1, "")
    assert "pwned" not in result.out
    diagnostics = json.loads(result.out)["diagnostics"]
    assert diagnostics, "a hostile file must be reported"
    assert {d["path"] for d in diagnostics} == {hostile}  # and nothing else is
    assert all(re.fullmatch(r"E(0\d\d|1\d\d)", d["code"]) for d in diagnostics), diagnostics


@pytest.mark.parametrize("fmt", ["text", "github"])
@pytest.mark.parametrize("make", HOSTILE_FILES)
def test_hostile_input_in_every_format(project: Project, make: Callable[[], bytes],
                                       fmt: str) -> None:
    project.write("source/exercises/hostile.yaml", make())
    result = project.run("validate", "--format", fmt)
    assert (result.code, result.err) == (1, "")
    assert result.out.endswith(" in 1 of 6 files.\n")


def test_python_tags_are_never_constructed(project: Project, tmp_path: Path) -> None:
    marker = tmp_path / "constructed"
    project.write("source/exercises/hostile.yaml",
                  f"!!python/object/apply:pathlib.Path.touch [!!python/object/apply:pathlib.Path "
                  f"[{str(marker)!r}]]\n")
    code, diagnostics = project.validate()
    assert (code, [d["code"] for d in diagnostics]) == (1, ["E005"])
    assert not marker.exists()


def test_the_command_line_exit_status(project: Project) -> None:
    project.write("source/exercises/hostile.yaml", (HOSTILE / "binary-junk.yaml").read_bytes())
    done = subprocess.run([sys.executable, "-m", "pipeline", "validate", "--root",
                           str(project.root)], capture_output=True, text=True, cwd=REPO_ROOT,
                          timeout=60)
    assert (done.returncode, done.stderr) == (1, "")
    assert done.stdout.startswith("source/exercises/hostile.yaml:")


# --- The shipped content ---------------------------------------------------------------------

def test_shipped_project_validates(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["validate", "--root", str(REPO_ROOT)])
    assert code == 0, capsys.readouterr().out
