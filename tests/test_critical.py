"""Safety-critical text (`fields.Critical`): which fields the model marks (cautions, red
flags, the disclaimer), that the mark reaches every text below a field, the editors' schema
and the translators' notes, and that a guide's red flags reach its bundle."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.content.models import Exercise, Guide
from pipeline.content.schema import schema_files
from pipeline.content.textunits import format_path, iter_texts
from pipeline.gettext.pofiles import read_catalog

from build_helpers import REPO_ROOT, bundles, clone, must, real_template

GUIDE = "si-joint-pain"
FLAGS = ["Pain spreads down your leg below the knee.",
         "Your leg feels numb or weak, or you cannot control your bladder or bowels."]


def critical_paths(model: Guide | Exercise) -> list[str]:
    return [format_path(unit.path) for unit in iter_texts(model) if unit.critical]


def test_cautions_red_flags_and_the_disclaimer_are_critical() -> None:
    exercise = Exercise.model_validate({
        "kind": "exercise", "id": "e", "name": "E", "summary": "S.", "why_it_helps": "W.",
        "target_muscles": ["m"], "position": "p", "starting_position": "Sit.",
        "steps": ["One.", "Two."], "tips": ["Tip."], "cautions": ["Careful."],
        "red_flags": ["Sharp pain."],
        "easier": [{"name": "Easy", "how": "Less."}]})
    assert critical_paths(exercise) == ["cautions[0]", "red_flags[0]"]
    guide = Guide.model_validate({
        "kind": "guide", "id": "g", "title": "T", "summary": "S.", "intro": ["I."],
        "red_flags": FLAGS, "exercises": ["e"], "reviewed_on": "2026-10-14",
        "sections": [{"id": "s", "heading": "H", "items": [{"heading": "H", "text": "T."}]}],
        "disclaimer": "Not advice."})
    assert critical_paths(guide) == ["red_flags[0]", "red_flags[1]", "disclaimer"]


def test_the_editor_schema_and_the_notes_say_which_text_is_critical(
        tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> None:
    schemas = {path.name: json.loads(text) for path, text in schema_files(tmp_path).items()}
    guide = schemas["guide.json"]["properties"]
    assert guide["red_flags"].get("x-critical") is True
    assert guide["disclaimer"].get("x-critical") is True
    assert "x-critical" not in guide["intro"]
    path = REPO_ROOT / "locales" / "templates" / "glute-bridge.pot"
    notes = {entry.comment.split("\n")[0]: entry.comment for entry in read_catalog(path)}
    critical = {where for where, note in notes.items() if "Safety-critical" in note}
    assert critical == {where for where in notes if where.startswith("cautions[")} != set()


def test_a_guides_red_flags_reach_its_bundles(tmp_path_factory: pytest.TempPathFactory,
                                             tmp_path: Path) -> None:
    root = clone(real_template(tmp_path_factory), tmp_path / "project")
    path = root / "source" / "guides" / f"{GUIDE}.yaml"
    text = path.read_text(encoding="utf-8")
    flags = "red_flags:\n" + "".join(f"  - {flag}\n" for flag in FLAGS)
    path.write_text(text.replace("exercises:\n", flags + "exercises:\n", 1), encoding="utf-8")
    must(root, "extract")
    must(root, "update")
    must(root, "build")
    english = bundles(root / "build")[f"en/{GUIDE}.json"]["document"]
    assert [flag["plain"] for flag in english["red_flags"]] == FLAGS
    french = bundles(root / "build")[f"fr/{GUIDE}.json"]
    # French is optional in this copy and these sentences are new: shown in English, and
    # listed as such, until translated.
    assert [flag["plain"] for flag in french["document"]["red_flags"]] == FLAGS
    assert "red_flags[0]" in french["fallbacks"]
