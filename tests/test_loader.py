"""`loader.read_source`: YAML in, plain data out, with the position of every key and value, and
a clean diagnostic (never an exception) for anything unsafe or unreadable."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import pytest
import yaml

from pipeline.content import loader
from pipeline.content.loader import MAX_DEPTH, SourceFile, iter_source_files, read_source
from pipeline.core.diagnostics import Diagnostic


@pytest.fixture(params=["libyaml", "pure-python"])
def reader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each test that asks for it runs with libyaml and with PyYAML's pure-Python reader
    (used where libyaml is missing): both must give the same results."""
    if request.param == "libyaml":
        if not yaml.__with_libyaml__:
            pytest.skip("PyYAML is built without libyaml here")
        assert loader._reader() is not loader._PyLoader
    else:
        monkeypatch.setattr(loader, "_reader", lambda: loader._PyLoader)
    return str(request.param)


def load(tmp_path: Path, content: str | bytes, *, max_bytes: int = 1_000_000,
         name: str = "doc.yaml") -> tuple[SourceFile, list[Diagnostic]]:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return read_source(path, name, max_bytes=max_bytes, root=tmp_path)


def only(found: list[Diagnostic]) -> tuple[int, int, str]:
    assert len(found) == 1, found
    return found[0].line, found[0].column, found[0].code


DOC = """\
# yaml-language-server: $schema=../../schema/exercise.json
kind: exercise
steps:
  - First step.
  - Second step.
dosage:
  sets: 2
"""


def test_data_and_positions(tmp_path: Path, reader: str) -> None:
    src, found = load(tmp_path, DOC)
    assert found == []
    assert src.data == {"kind": "exercise", "steps": ["First step.", "Second step."],
                        "dosage": {"sets": 2}}
    assert src.first_line == "# yaml-language-server: $schema=../../schema/exercise.json"
    assert src.values[()] == (2, 1)
    assert src.values[("kind",)] == (2, 7)
    assert src.values[("steps", 1)] == (5, 5)
    assert src.keys[("dosage", "sets")] == (7, 3)
    assert src.values[("dosage", "sets")] == (7, 9)


def test_where_falls_back_to_the_closest_known_place(tmp_path: Path) -> None:
    src, _ = load(tmp_path, DOC)
    assert src.where(("dosage", "reps")) == (7, 3)  # a missing field: where its parent starts
    assert src.where(("dosage", "sets"), key=True) == (7, 3)
    assert src.where(("steps", 7)) == (4, 3)  # the list itself
    assert src.where(("nothing", "here")) == (2, 1)  # the document itself


def test_crlf_line_endings_keep_positions(tmp_path: Path) -> None:
    src, found = load(tmp_path, DOC.replace("\n", "\r\n"))
    assert found == []
    assert src.data["steps"] == ["First step.", "Second step."]
    assert src.values[("steps", 1)] == (5, 5)


def test_byte_order_mark_is_ignored(tmp_path: Path) -> None:
    src, found = load(tmp_path, "\ufeff" + DOC)
    assert found == []
    assert src.first_line.startswith("# yaml-language-server:")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12", 12),
        ("-3", -3),
        ("1_000", 1000),
        ("0x1F", 31),
        ("0o17", 15),
        ("2.5", 2.5),
        ("true", True),
        ("False", False),
        ("yes", "yes"),  # YAML 1.2: only true/false are booleans
        ("No", "No"),
        ("on", "on"),
        ("off", "off"),
        ("010", 10),  # not octal 8 as YAML 1.1 would have it
        ("0b11", 3),
        ("1:30", "1:30"),  # not 90 (YAML 1.1 sexagesimal)
        ("1e3", 1000.0),
        (".5", 0.5),
        ("=", None),  # YAML's "value" key: refused below (E005)
        ("~", None),
        ("null", None),
        ("2024-05-01", dt.date(2024, 5, 1)),
        ("2024-05-01T10:30:00", dt.datetime(2024, 5, 1, 10, 30)),
        ("2024-13-45", "2024-13-45"),  # looks like a date, is not one: kept as text
        ('"2024-05-01"', "2024-05-01"),
        ("'12'", "12"),
        ("9" * 5000, "9" * 5000),  # beyond Python's int-from-text limit: kept as text
    ],
    ids=lambda v: repr(v)[:20],
)
def test_scalars(tmp_path: Path, reader: str, text: str, value: object) -> None:
    src, found = load(tmp_path, f"value: {text}\n")
    if text == "=":
        assert only(found) == (1, 8, "E005")
        return
    assert found == []
    assert src.data == {"value": value}
    assert type(src.data["value"]) is type(value)


def test_keys_are_always_text(tmp_path: Path) -> None:
    src, found = load(tmp_path, "1: a\nnull: b\ntrue: c\n")
    assert found == []
    assert src.data == {"1": "a", "null": "b", "true": "c"}


@pytest.mark.parametrize(
    ("content", "where", "message"),
    [
        pytest.param(b"a: 1\nb: caf\xe9\n", (2, 7, "E001"), "byte 0xe9", id="E001-latin-1"),
        pytest.param(b"\xff\xfe", (1, 1, "E001"), "byte 0xff", id="E001-utf16-bom"),
        pytest.param("a: [1, 2\n", (1, 4, "E002"), "expected ',' or ']': this [ is never closed",
                     id="E002-unclosed"),
        pytest.param("a: 1\n---\nb: 2\n", (2, 1, "E002"), "only one YAML document",
                     id="E002-two-documents"),
        pytest.param("a: 1\nb: '\x00'\n", (2, 5, "E001"), "U+0000", id="E001-nul-byte"),
        pytest.param("a: 1\nb:\n  c: 1\n  c: 2\n", (4, 3, "E003"), "'c' appears twice (first "
                     "at line 3)", id="E003-nested"),
        pytest.param("a: 1\nb:\n\t- x\n", (3, 1, "E004"), "tab", id="E004"),
        pytest.param("a:\n  b: 1\n \tc: 2\n", (3, 2, "E004"), "tab", id="E004-after-a-space"),
        pytest.param("a: &x 1\nb: *x\n", (1, 4, "E005"), "anchors and aliases", id="E005-anchor"),
        pytest.param("a: 1\nb: &x 2\n", (2, 4, "E005"), "anchors and aliases",
                     id="E005-unused-anchor"),
        pytest.param("a: &x 1\nb: &x 2\n", (1, 4, "E005"), "anchors and aliases",
                     id="E005-reused-anchor"),
        pytest.param("&k a: 1\n", (1, 1, "E005"), "write the key out", id="E005-anchored-key"),
        pytest.param("a: !!binary aGVsbG8=\n", (1, 4, "E005"), "tag", id="E005-binary"),
        pytest.param("a: !!set {x, y}\n", (1, 4, "E005"), "tag", id="E005-set"),
        pytest.param("a: !!omap [x: 1]\n", (1, 4, "E005"), "tag", id="E005-omap"),
        pytest.param("a: !local 1\n", (1, 4, "E005"), "'!local'", id="E005-local-tag"),
        pytest.param("a: !!python/name:os.system\n", (1, 4, "E005"), "python", id="E005-python"),
        pytest.param("? [a, b]\n: c\n", (1, 3, "E005"), "plain text keys", id="E005-complex-key"),
        pytest.param("a: 1\n<<: {b: 2}\n", (2, 1, "E005"), "merge keys", id="E005-merge-key"),
        pytest.param("", (1, 1, "E006"), "no document", id="E006-empty"),
        pytest.param("\n  \n", (1, 1, "E006"), "no document", id="E006-blank-lines"),
        pytest.param("# only a comment\n", (1, 1, "E006"), "no document", id="E006-comment"),
        pytest.param("[" * (MAX_DEPTH + 2) + "]" * (MAX_DEPTH + 2), (1, MAX_DEPTH + 2, "E010"),
                     "nesting deeper than 64", id="E010-depth"),
    ],
)
def test_problems(tmp_path: Path, reader: str, content: str | bytes,
                  where: tuple[int, int, str], message: str) -> None:
    src, found = load(tmp_path, content)
    assert only(found) == where
    assert message in found[0].message
    assert found[0].path == "doc.yaml"
    assert src.data is None


def test_tabs_inside_values_are_fine(tmp_path: Path) -> None:
    src, found = load(tmp_path, 'a: "x\ty"\nb: |\n  x\ty\n')
    assert found == []
    assert src.data == {"a": "x\ty", "b": "x\ty\n"}


def test_line_separators_stay_in_the_text(tmp_path: Path, reader: str) -> None:
    """YAML 1.1 (libyaml) breaks lines at NEL, LS and PS; editors and YAML 1.2 do not. A
    pasted one stays in its text, where validation reports it, and lines stay as shown."""
    src, found = load(tmp_path, "a: x\u2028y\nb: 'x\x85 y'\nc: x \u2029\nd: 1\n")
    assert found == []
    assert src.data == {"a": "x\u2028y", "b": "x\x85 y", "c": "x \u2029", "d": 1}
    assert src.values[("d",)] == (4, 4)


def test_an_empty_value_is_where_its_key_is(tmp_path: Path, reader: str) -> None:
    src, found = load(tmp_path, "a:\nb: 1\n")
    assert found == []
    assert src.data == {"a": None, "b": 1}
    assert src.values[("a",)][0] == 1


def test_deepest_allowed_nesting(tmp_path: Path) -> None:
    depth = MAX_DEPTH + 1  # the outermost list is level 0
    src, found = load(tmp_path, "[" * depth + "]" * depth)
    assert found == []
    assert src.data is not None


def test_file_size_limit_is_inclusive(tmp_path: Path) -> None:
    _, found = load(tmp_path, "a: " + "x" * 97, max_bytes=100)
    assert found == []
    _, found = load(tmp_path, "a: " + "x" * 98, max_bytes=100)
    assert only(found) == (0, 0, "E007")
    assert found[0].message == "file is 101 bytes; the limit is 100"


def test_missing_file_is_unreadable(tmp_path: Path) -> None:
    src, found = read_source(tmp_path / "gone.yaml", "gone.yaml", max_bytes=100)
    assert only(found) == (0, 0, "E001")
    assert "No such file" in found[0].message
    assert src.data is None


def test_links(tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    (tmp_path / "outside.yaml").write_text("a: 1\n")
    (source / "inside.yaml").write_text("a: 2\n")
    os.symlink(tmp_path / "outside.yaml", source / "out.yaml")
    os.symlink("inside.yaml", source / "in.yaml")
    os.symlink("in-loop.yaml", source / "in-loop.yaml")

    _, found = read_source(source / "out.yaml", "out.yaml", max_bytes=100, root=source)
    assert only(found) == (0, 0, "E011")
    assert str(tmp_path / "outside.yaml") in found[0].message
    # Without a root (a single file named on purpose) links are followed.
    src, found = read_source(source / "out.yaml", "out.yaml", max_bytes=100)
    assert (src.data, found) == ({"a": 1}, [])

    src, found = read_source(source / "in.yaml", "in.yaml", max_bytes=100, root=source)
    assert (src.data, found) == ({"a": 2}, [])

    _, found = read_source(source / "in-loop.yaml", "in-loop.yaml", max_bytes=100, root=source)
    assert only(found) == (0, 0, "E001")


@pytest.mark.parametrize("text", ["[" * 1_000_000 + "]" * 1_000_000,
                                  "- " * 400_000 + "x\n",
                                  "".join(" " * i + "a:\n" for i in range(1_500)) + "x\n"],
                         ids=["flow", "block-sequences", "block-mappings"])
def test_nesting_far_too_deep_is_refused_quickly(tmp_path: Path, reader: str,
                                                text: str) -> None:
    start = time.monotonic()
    src, found = load(tmp_path, text, max_bytes=10_000_000)
    assert found[0].code == "E010" and (found[0].line, found[0].column) != (0, 0)
    assert time.monotonic() - start < 10
    assert src.data is None


def test_a_mistake_after_long_lines_is_explained_quickly(tmp_path: Path) -> None:
    """Explaining a mistake reads the lines around it: a line of 400,000 dashes (text going
    on from the line above) costs no more than reading it once."""
    start = time.monotonic()
    _, found = load(tmp_path, "a: b\n  " + "- " * 400_000 + "\nc:\n  d: 1\n e: 2\n")
    assert only(found) == (5, 2, "E002")
    assert "'e' starts in column 2" in found[0].message
    assert time.monotonic() - start < 5


def test_billion_laughs_stops_at_the_first_anchor(tmp_path: Path) -> None:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 500)]
    _, found = load(tmp_path, "\n".join(lines) + "\n")  # 4,990 aliases
    assert only(found) == (1, 5, "E005")


def test_source_files_are_listed_in_a_stable_order(tmp_path: Path) -> None:
    for rel in ("b.yaml", "a/z.yml", "a/y.yaml", "notes.txt", "c.json", "a/deeper/x.yaml"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("")
    found = [p.relative_to(tmp_path).as_posix() for p in iter_source_files(tmp_path)]
    assert found == ["a/deeper/x.yaml", "a/y.yaml", "a/z.yml", "b.yaml"]
