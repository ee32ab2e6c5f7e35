"""Per-place suppressions (`ignore-<code or name>`), through the command line on the tiny
project: what they silence, what they never silence, what is reported about them, and that
they survive `update` and the re-saves of the tools translators use (GNU gettext, polib,
translate-toolkit)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import polib
import pytest

from pipeline.core import suppressions
from pipeline.gettext.pofiles import render_catalog

from build_helpers import clone, line_of, must, po_path, tiny_template
from catalog_helpers import run_cli

HALF_HOW = "Lift your hips only halfway off the floor."
HALF = "Half bridge"
REVIEWER = "source/reviewers/ann-lee.yaml"


@pytest.fixture
def project(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    return clone(tiny_template(tmp_path_factory), tmp_path / "project")


def translate(root: Path, msgid: str, msgstr: str, *, comment: str = "",
              flags: tuple[str, ...] = ()) -> None:
    """A translator's edit, saved as a PO editor saves it (polib)."""
    path = po_path(root, "glute-bridge")
    catalog = polib.pofile(str(path), wrapwidth=79)
    (entry,) = [e for e in catalog if e.msgid == msgid and not e.obsolete]
    entry.msgstr, entry.tcomment = msgstr, comment
    entry.flags = [f for f in entry.flags if not f.startswith("ignore-")] + list(flags)
    path.write_text(render_catalog(catalog), encoding="utf-8")


def check(root: Path, *args: str) -> tuple[int, dict[str, object]]:
    run = run_cli(root, "check", "--format", "json", "--show-suppressed", *args)
    return run.code, json.loads(run.out)


def codes_at(report: dict[str, object], path: Path, line: int) -> list[str]:
    found = report["diagnostics"]
    assert isinstance(found, list)
    rel = path.relative_to(path.parents[3]).as_posix()
    return sorted(d["code"] for d in found if d["path"] == rel and d["line"] == line)


def silenced(report: dict[str, object]) -> list[tuple[str, str]]:
    found = report.get("suppressions", [])
    assert isinstance(found, list)
    return [(d["code"], d["reason"]) for d in found]


def test_a_translator_comment_silences_one_check_on_one_entry(project: Path) -> None:
    translate(project, HALF_HOW, HALF_HOW,
              comment="ignore-same-as-source: shown in English on purpose in this test")
    code, report = check(project, "--locale", "fr")
    line = line_of(po_path(project, "glute-bridge"), HALF_HOW)
    # W509 is silenced; the English sentence is still found by the language check (E513).
    assert codes_at(report, po_path(project, "glute-bridge"), line) == ["E513"]
    assert silenced(report) == [("W509", "shown in English on purpose in this test")]
    assert report["suppressed"] == 1 and code == 1


def test_a_flag_with_a_reason_comment_silences_and_by_code(project: Path) -> None:
    translate(project, HALF, "Demi-pont  fessier", comment="Spacing asked for by the layout.",
              flags=("ignore-W525",))
    code, report = check(project)
    assert code == 0
    assert silenced(report) == [("W525", "Spacing asked for by the layout.")]


def test_a_suppression_without_reason_silences_but_is_reported(project: Path) -> None:
    translate(project, HALF, "Demi-pont  fessier", flags=("ignore-double-space",))
    code, report = check(project)
    path = po_path(project, "glute-bridge")
    assert codes_at(report, path, line_of(path, HALF)) == ["W530"]
    assert silenced(report) == [("W525", "(no reason given)")]
    assert code == 0  # a warning


@pytest.mark.parametrize(("written", "expected"), [
    ("ignore-W509: nothing to silence", "suppresses nothing here"),
    ("ignore-no-such-check: a typo", "names no check"),
    ("ignore-W530: silence the silencer", "cannot be suppressed"),
])
def test_a_suppression_that_cannot_act_is_reported(project: Path, written: str,
                                                    expected: str) -> None:
    translate(project, HALF, "Demi-pont", comment=written)
    _, report = check(project)
    found = report["diagnostics"]
    assert isinstance(found, list)
    assert [d["code"] for d in found] == ["W530"]
    assert expected in found[0]["message"]


def test_safety_checks_cannot_be_suppressed(project: Path) -> None:
    """A translator cannot ship a script by silencing the check that finds it."""
    translate(project, HALF, "Demi-pont<script>alert(1)</script>",
              comment="ignore-E515: trust me", flags=("ignore-unsafe-translation",))
    code, report = check(project)
    path = po_path(project, "glute-bridge")
    assert "E515" in codes_at(report, path, line_of(path, HALF))
    assert silenced(report) == [] and code == 1
    found = report["diagnostics"]
    assert isinstance(found, list)
    assert any(d["code"] == "W530" and "cannot be suppressed" in d["message"] for d in found)


def resave_gnu(path: Path) -> None:
    done = subprocess.run(["msgcat", "--no-wrap", str(path), "-o", str(path)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def resave_toolkit(path: Path) -> None:
    from translate.storage import pypo  # what Weblate reads and writes catalogs with
    store = pypo.pofile.parsefile(str(path))
    path.write_bytes(bytes(store))


@pytest.mark.skipif(shutil.which("msgcat") is None, reason="GNU gettext is installed by CI")
def test_suppressions_survive_update_and_tool_resaves(project: Path) -> None:
    """The comment form survives every tool; the flag form survives `update`, polib and
    translate-toolkit, and GNU msgcat drops it (so it is the comment form the README
    recommends), leaving the finding back in view."""
    translate(project, HALF_HOW, HALF_HOW, comment="ignore-same-as-source: on purpose")
    path = po_path(project, "glute-bridge")
    must(project, "update")
    assert silenced(check(project)[1]) == [("W509", "on purpose")]
    resave_gnu(path)
    resave_toolkit(path)
    must(project, "update")
    assert silenced(check(project)[1]) == [("W509", "on purpose")]

    translate(project, HALF, "Demi-pont  fessier", comment="Layout.", flags=("ignore-W525",))
    must(project, "update")
    resave_toolkit(path)
    assert ("W525", "Layout.") in silenced(check(project)[1])
    resave_gnu(path)
    _, report = check(project)
    assert ("W525", "Layout.") not in silenced(report)
    assert "W525" in codes_at(report, path, line_of(path, HALF))


def source_findings(report: dict[str, object]) -> list[tuple[str, int]]:
    """The findings about the source files (the French entry of an edited English is
    fuzzy meanwhile, as it should be)."""
    found = report["diagnostics"]
    assert isinstance(found, list)
    return [(d["code"], d["line"]) for d in found if d["path"].startswith("source/")]


def test_a_writer_silences_a_source_check_with_a_yaml_comment(project: Path) -> None:
    reviewer = project / REVIEWER
    text = reviewer.read_text(encoding="utf-8")
    assert text.count("helps people") == 1
    reviewer.write_text(text.replace("helps people", "helps  people"), encoding="utf-8")
    _, report = check(project)
    assert [code for code, _ in source_findings(report)] == ["W303"]
    lines = reviewer.read_text(encoding="utf-8").split("\n")
    (index,) = [i for i, line in enumerate(lines) if "helps  people" in line]
    lines.insert(index, "# ignore-spacing: the double space is quoted from a form")
    reviewer.write_text("\n".join(lines), encoding="utf-8")
    _, report = check(project)
    assert silenced(report) == [("W303", "the double space is quoted from a form")]
    assert source_findings(report) == []
    # Once the text is fixed, the comment silences nothing and says so, at the line it
    # stands above.
    reviewer.write_text(reviewer.read_text(encoding="utf-8").replace("helps  people",
                                                                     "helps people"),
                        encoding="utf-8")
    _, report = check(project)
    assert source_findings(report) == [("W530", index + 2)]
    assert silenced(report) == []


def test_show_suppressed_prints_each_with_its_reason(project: Path) -> None:
    translate(project, HALF, "Demi-pont  fessier", comment="ignore-W525: layout")
    plain = run_cli(project, "check")
    assert "1 finding suppressed" in plain.out and "layout" not in plain.out
    shown = run_cli(project, "check", "--show-suppressed")
    assert "W525 double-space" in shown.out and "suppressed: layout" in shown.out


@pytest.mark.parametrize(("comment", "line", "applies_to"), [
    ("title: Foo  # ignore-W303: quoted", 1, 1),
    ("# ignore-spacing: quoted\n\ntitle: Foo", 1, 3),
    ("# a note\n# ignore-W303\n  - step", 1, 3),
])
def test_yaml_comments_apply_to_their_line_or_the_next(comment: str, line: int,
                                                       applies_to: int) -> None:
    found = suppressions.of_yaml(comment)
    assert list(found) == [applies_to]
    assert found[applies_to][0].code == "W303"


def test_names_and_codes_resolve_to_the_same_check() -> None:
    assert suppressions.code_of("w509") == suppressions.code_of("same-as-source") == "W509"
    assert suppressions.code_of("nonsense") is None
    assert suppressions.suppressible("W509") and suppressions.suppressible("E513")
    assert not suppressions.suppressible("E515") and not suppressions.suppressible("E519")
