"""Safety-critical text (`fields.Critical`): which fields the model marks (cautions, red
flags, the disclaimer), that the mark reaches every text below a field, the editors' schema
and the translators' notes, and that a guide's red flags reach its bundle."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from pipeline.content.models import Exercise, Guide
from pipeline.content.schema import schema_files
from pipeline.content.textunits import format_path, iter_texts
from pipeline.gettext.pofiles import read_catalog

from build_helpers import (
    REPO_ROOT,
    bundles,
    clone,
    configure,
    edit_entry,
    must,
    po_path,
    real_template,
)
from runner import run_cli

GUIDE = "low-back-pain"  # a guide without red flags yet
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
    notes = {entry.msgid: entry.comment for entry in read_catalog(path)}
    critical = {msgid for msgid, note in notes.items() if "Safety-critical" in note}
    # Its cautions, and the alt text of the picture of the mistake (`safety: true`) but not
    # of the others.
    exercise = yaml.safe_load((REPO_ROOT / "source" / "exercises" / "glute-bridge.yaml")
                              .read_text(encoding="utf-8"))
    images = exercise["media"]["images"]
    assert any(image.get("safety") for image in images)
    assert any(not image.get("safety") for image in images)
    assert critical == {*exercise["cautions"],
                        *(image["alt"] for image in images if image.get("safety"))}


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
    # French is optional in this copy and these sentences are new: a red flag is never shown
    # in English on a French page, so the guide is left out of French until they are.
    assert f"fr/{GUIDE}.json" not in bundles(root / "build")
    manifest = json.loads((root / "build" / "site" / "manifest.json").read_text("utf-8"))
    assert manifest["locales"]["fr"]["withheld"] == {
        GUIDE: "safety-critical text without a reviewed translation: red_flags[0], red_flags[1]"}


# --- An optional locale leaves out what it cannot show safely --------------------------------

EXERCISE = "bird-dog"


def linked_ids(value: object) -> set[str]:
    """The documents a bundle's rich text links to."""
    if isinstance(value, dict):
        link = value.get("link")
        named = isinstance(link, dict) and link.get("kind") not in ("web", "citation")
        own = {link["id"]} if named else set()
        return own.union(*(linked_ids(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(linked_ids(v) for v in value))
    return set()


def optional_french(root: Path) -> None:
    configure(root, required=(), optional=("fr",))


def blank_caution(root: Path) -> str:
    """The exercise's first caution left untranslated in French; returns its English."""
    path = po_path(root, EXERCISE)
    catalog = read_catalog(path)
    (entry,) = [e for e in catalog if not e.obsolete and e.comment.startswith("cautions[0]")]
    edit_entry(path, entry.msgid, msgstr="")
    return entry.msgid


def test_an_exercise_with_an_untranslated_caution_is_left_out_of_an_optional_locale(
        tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> None:
    root = clone(real_template(tmp_path_factory), tmp_path / "project")
    optional_french(root)
    must(root, "build")
    site = root / "build" / "site"
    listing = [g for g, b in bundles(root / "build").items()
               if g.startswith("fr/") and EXERCISE in b["document"].get("exercises", [])]
    assert listing, "a guide lists the exercise"
    caution = blank_caution(root)
    run = run_cli(root, "build")
    assert run.code == 0
    assert f"W603 withheld: '{EXERCISE}' is left out of 'fr': safety-critical text without " \
           "a reviewed translation: cautions[0]" in run.out + run.err
    # No bundle, no index entry, no place in the offline pack, no card, no list entry.
    assert not (site / "fr" / f"{EXERCISE}.json").exists()
    index = json.loads((site / "fr" / "index.json").read_text("utf-8"))
    assert EXERCISE not in json.dumps(index)
    offline = json.loads((site / "offline" / "fr.json").read_text("utf-8"))
    assert f'"{EXERCISE}"' not in json.dumps(offline["bundles"]) or all(
        EXERCISE not in (b["document"].get("exercises", []) + b["document"].get("related", []))
        for b in offline["bundles"].values())
    linking = [name for name, bundle in bundles(root / "build").items()
               if name.startswith("en/") and EXERCISE in linked_ids(bundle)]
    assert linking, "some page links to the exercise"
    for name, bundle in bundles(root / "build").items():
        if name.startswith("fr/"):
            document = bundle["document"]
            assert EXERCISE not in document.get("exercises", []) + document.get("related", [])
            assert EXERCISE not in bundle.get("cards", {}).get("exercises", {})
            # Its links are text: nobody is sent to a page French does not have.
            assert EXERCISE not in linked_ids(bundle), name
    # English still shows it, and the manifest and stats say what French leaves out, and why.
    assert (site / "en" / f"{EXERCISE}.json").exists()
    manifest = json.loads((site / "manifest.json").read_text("utf-8"))
    french = manifest["locales"]["fr"]
    assert french["withheld"] == {
        EXERCISE: "safety-critical text without a reviewed translation: cautions[0]"}
    assert french["bundles"] == manifest["locales"]["en"]["bundles"] - 1
    stats = json.loads(run_cli(root, "stats", "--format", "json").out)
    assert set(stats["locales"]["fr"]["withheld"]) == {EXERCISE}
    # A fuzzy translation is not a reviewed one either.
    edit_entry(po_path(root, EXERCISE), caution, msgstr="Attention.", fuzzy=True)
    must(root, "build")
    assert not (site / "fr" / f"{EXERCISE}.json").exists()
    # Reviewed, it is back everywhere.
    edit_entry(po_path(root, EXERCISE), caution, msgstr="Attention, arrêtez en cas de douleur.",
               fuzzy=False)
    must(root, "build")
    assert (site / "fr" / f"{EXERCISE}.json").exists()
    assert all(EXERCISE in linked_ids(bundles(root / "build")[name.replace("en/", "fr/")])
               for name in linking)
    assert all(EXERCISE in bundles(root / "build")[name]["document"]["exercises"]
               for name in listing)


def test_a_required_locale_never_ships_a_critical_text_untranslated(
        tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> None:
    root = clone(real_template(tmp_path_factory), tmp_path / "project")
    configure(root, required=("fr",), optional=())
    blank_caution(root)
    run = run_cli(root, "build")
    assert run.code == 1 and "E501" in run.out
