"""The checks for patient-facing text that work on whole documents and the whole library:
reading level (W313) in English and in each translation, the age of a guide's review (W314),
and one approved translation per English string across catalogs (W526); each through the
command line on the tiny project, with the settings that tune them."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from build_helpers import clone, configure, edit_entry, line_of, must, po_path, tiny_template
from catalog_helpers import env, run_cli

GUIDE = "source/guides/hip-pain.yaml"
EXERCISE = "source/exercises/glute-bridge.yaml"
HALF_HOW = "Lift your hips only halfway off the floor."
# One long, dense sentence: Flesch–Kincaid puts it at university level.
DENSE_EN = ("Progressive neuromuscular strengthening considerably ameliorates biomechanical "
            "compensation during functional weight-bearing activities, consequently "
            "diminishing intra-articular loading.")
DENSE_FR = ("Le renforcement neuromusculaire progressif améliore considérablement la "
            "compensation biomécanique pendant les activités fonctionnelles en charge, "
            "diminuant consécutivement les contraintes intra-articulaires.")


@pytest.fixture
def project(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    return clone(tiny_template(tmp_path_factory), tmp_path / "project")


def findings(root: Path, *args: str) -> list[dict[str, object]]:
    run = run_cli(root, "check", "--format", "json", *args)
    found = json.loads(run.out)["diagnostics"]
    assert isinstance(found, list)
    return found


def of(found: list[dict[str, object]], code: str) -> list[dict[str, object]]:
    return [d for d in found if d["code"] == code]


def set_setting(root: Path, line: str) -> None:
    """Set a key of the project's [tool.pipeline] table (replacing its line, if any)."""
    path = root / "pyproject.toml"
    text = path.read_text(encoding="utf-8")
    key = line.split(" = ")[0]
    text = re.sub(rf"(?m)^{key} = .*\n", "", text)
    path.write_text(text.replace("[tool.pipeline]\n", f"[tool.pipeline]\n{line}\n", 1),
                    encoding="utf-8")


# --- W313 reading level ------------------------------------------------------------------------


def make_dense(root: Path) -> None:
    """The exercise's summary made dense in English, and translated as densely."""
    path = root / EXERCISE
    text = path.read_text(encoding="utf-8")
    summary = re.search(r"(?m)^summary: (.*)$", text)
    assert summary is not None
    path.write_text(text.replace(summary.group(0), f"summary: {DENSE_EN}"), encoding="utf-8")
    must(root, "extract")
    must(root, "update")
    edit_entry(po_path(root, "glute-bridge"), DENSE_EN, msgstr=DENSE_FR, fuzzy=False)


def test_a_dense_document_is_reported_in_english_and_in_french(project: Path) -> None:
    """The tiny exercise reads at about grade 3 to 4; one dense summary lifts it over 5."""
    set_setting(project, "reading_grade = 5")
    assert of(findings(project), "W313") == []
    make_dense(project)
    found = of(findings(project), "W313")
    assert [(d["path"], d["severity"]) for d in found] == [
        ("locales/fr/LC_MESSAGES/glute-bridge.po", "warning"), (EXERCISE, "warning")]
    french, english = (str(d["message"]) for d in found)
    assert "Flesch–Kincaid" in english and "target grade 5" in english
    assert "Kandel–Moles" in french
    assert found[1]["line"] == 4  # the exercise's name
    # The target is the project's to set.
    set_setting(project, "reading_grade = 20")
    assert of(findings(project), "W313") == []


def test_plain_text_reads_under_the_default_target(project: Path) -> None:
    assert of(findings(project), "W313") == []
    assert "target grade 8" not in run_cli(project, "check").out


def test_stats_reports_each_documents_grade_per_language(project: Path) -> None:
    run = run_cli(project, "stats", "--format", "json")
    reading = json.loads(run.out)["reading"]
    assert reading["target_grade"] == 8
    levels = reading["levels"]
    assert set(levels) == {"en", "fr"}
    bridge = levels["en"]["glute-bridge"], levels["fr"]["glute-bridge"]
    assert bridge[0]["formula"] == "Flesch–Kincaid" and bridge[1]["formula"] == "Kandel–Moles"
    assert all(0 < level["grade"] < 8 for level in bridge)
    text = run_cli(project, "stats").out
    assert "Reading level (school grade; target 8)" in text and "glute-bridge" in text
    make_dense(project)
    dense = json.loads(run_cli(project, "stats", "--format", "json").out)["reading"]["levels"]
    assert dense["en"]["glute-bridge"]["grade"] > bridge[0]["grade"] + 1
    assert dense["fr"]["glute-bridge"]["grade"] > bridge[1]["grade"] + 1


def test_the_reading_grade_must_be_a_sensible_number(project: Path) -> None:
    set_setting(project, 'reading_grade = "eight"')
    run = run_cli(project, "check")
    assert run.code == 2 and "reading_grade must be a number" in run.err


# --- W314 review age ---------------------------------------------------------------------------


def epoch(day: dt.date) -> str:
    return str(int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)
                   .timestamp()))


@pytest.mark.parametrize(("today", "months", "overdue"), [
    (dt.date(2028, 10, 14), 24, False),   # exactly 24 months: still in date
    (dt.date(2028, 10, 15), 24, True),
    (dt.date(2027, 4, 15), 6, True),
    (dt.date(2026, 10, 20), 24, False),
])
def test_a_guide_reviewed_too_long_ago_warns(project: Path, today: dt.date, months: int,
                                            overdue: bool) -> None:
    set_setting(project, f"review_max_age_months = {months}")
    with env(SOURCE_DATE_EPOCH=epoch(today)):
        found = of(findings(project), "W314")
    if not overdue:
        assert found == []
        return
    assert [(d["path"], d["line"]) for d in found] == [(GUIDE, 18)]
    assert "2026-10-14" in str(found[0]["message"]) and f"{months} months" in str(
        found[0]["message"])


# --- W526 one translation per English string ---------------------------------------------------


def same_english_in_guide(root: Path) -> None:
    """The guide's section heading becomes the exercise's easier version's name."""
    path = root / GUIDE
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("heading: When to stop", "heading: Half bridge"),
                    encoding="utf-8")
    must(root, "extract")
    must(root, "update")


def test_the_same_english_translated_two_ways_names_both_places(project: Path) -> None:
    same_english_in_guide(project)
    guide_po, bridge_po = po_path(project, "hip-pain"), po_path(project, "glute-bridge")
    edit_entry(guide_po, "Half bridge", msgstr="Pont partiel", fuzzy=False)
    found = of(findings(project), "W526")
    assert [(d["path"], d["line"]) for d in found] == [
        ("locales/fr/LC_MESSAGES/hip-pain.po", line_of(guide_po, "Half bridge"))]
    message = str(found[0]["message"])
    assert "'Pont partiel'" in message and "'Demi-pont'" in message
    assert f"locales/fr/LC_MESSAGES/glute-bridge.po:{line_of(bridge_po, 'Half bridge')}" \
        in message
    # The same answer from the cache, and none once the two agree.
    assert of(findings(project), "W526") == found
    edit_entry(guide_po, "Half bridge", msgstr="Demi-pont")
    assert of(findings(project), "W526") == []


def test_no_break_space_kinds_are_one_translation(project: Path) -> None:
    same_english_in_guide(project)
    edit_entry(po_path(project, "glute-bridge"), HALF_HOW,
               msgstr="Soulevez les hanches\u00a0: à mi-hauteur.")
    # A different English entirely: the guide's own text is not compared with it.
    edit_entry(po_path(project, "hip-pain"), "Half bridge", msgstr="Demi-pont")
    assert of(findings(project), "W526") == []


def test_optional_locales_are_compared_too(project: Path) -> None:
    configure(project, required=(), optional=("fr",))
    same_english_in_guide(project)
    edit_entry(po_path(project, "hip-pain"), "Half bridge", msgstr="Pont partiel", fuzzy=False)
    assert [d["severity"] for d in of(findings(project), "W526")] == ["warning"]
