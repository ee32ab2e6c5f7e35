"""`pipeline build`: gate, export localized bundles, indexes, offline packs, manifest and
schemas, swap in atomically.

build/site/ is what clients fetch (bundles, indexes, offline packs, schemas, types and the
manifest); build/pseudo/ holds the pseudo-locale, kept apart; build/mo/ the compiled catalogs.

Every test works on a copy of a project in a tmp folder (see build_helpers) and runs the real
command, in-process through `pipeline.cli.main` or as a `python -m pipeline` subprocess.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polib
import pytest
from babel.dates import format_date
from jsonschema import Draft202012Validator

import pipeline
from pipeline.client.bundles import BUNDLE_MODELS
from pipeline.client.documents import internal_fields
from pipeline.content import markup
from pipeline.content.library import Library, LoadedDocument
from pipeline.content.models import Exercise, Guide
from pipeline.content.textunits import format_path, iter_refs, iter_texts
from pipeline.gettext.stats import progress
from pipeline.infra import outdir
from pipeline.stages.build import run_build
from pipeline.stages.validate import validate_project

from build_helpers import (
    NBSP,
    PYTHON,
    REPO_ROOT,
    big_template,
    built,
    bundle_file,
    bundles,
    cli,
    cli_config,
    clone,
    configure,
    edit_entry,
    edit_text,
    get_path,
    leftovers,
    links_of,
    manifest_of,
    plain,
    plain_of,
    po_path,
    real_template,
    refresh,
    sent_texts,
    translations,
    tree_hashes,
)

LOCALES = ("en", "fr", "en-XA")
SITE_LOCALES = ("en", "fr")  # the pseudo-locale is under pseudo/, outside the site
DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
SCHEMAS = ("bundle", "index", "manifest", "offline")
# What a card shows of the document it stands for, by the kind of that document.
CARD_FIELDS = {"exercise": ("id", "name", "summary", "position", "equipment", "dosage"),
               "reviewer": ("id", "name", "credentials", "role")}


@pytest.fixture(scope="module")
def real_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real project (French optional), built once; tests only read it."""
    return built(tmp_path_factory, "real", real_template(tmp_path_factory))


def library_of(root: Path) -> Library:
    library, problems = validate_project(cli_config(root))
    assert not [d for d in problems if d.severity == "error"]
    return library


def read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def bundle(build: Path, rel: str) -> dict[str, Any]:
    """One bundle, named as `bundles` names it ('fr/glute-bridge.json')."""
    data: dict[str, Any] = read(bundle_file(build, rel))
    return data


def schema_validator(build: Path, name: str) -> Draft202012Validator:
    """A validator of build/site/schema/<name>.json, itself checked as a 2020-12 schema."""
    schema = read(build / "site" / "schema" / f"{name}.json")
    assert schema["$schema"] == DRAFT_2020_12
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def schema_errors(validator: Draft202012Validator, data: Any) -> list[str]:
    """'path: message' of each error. A bundle failing the bundle schema's oneOf is reported
    by the errors of the branch its `kind` names (the schema's discriminator), so a test can
    tell what is wrong rather than only that no branch matched."""
    schema = validator.schema
    found: list[str] = []
    for error in validator.iter_errors(data):
        mapping = schema.get("discriminator", {}).get("mapping", {})
        if error.validator == "oneOf" and error.context and not error.absolute_path and (
                isinstance(data, dict) and data.get("kind") in mapping):
            branch = [b["$ref"] for b in schema["oneOf"]].index(mapping[data["kind"]])
            found += [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                      for e in error.context if e.relative_schema_path[0] == branch]
        else:
            found.append(f"{'/'.join(map(str, error.absolute_path))}: {error.message}")
    return found


def marks_opened(rich: dict[str, Any]) -> list[str]:
    """The marks a rich text opens, in order: a span's marks that the span before it in its
    paragraph did not have."""
    found: list[str] = []
    for block in rich["blocks"]:
        previous: list[str] = []
        for span in block["spans"]:
            found += [mark for mark in span["marks"] if mark not in previous]
            previous = span["marks"]
    return found


def expected_link(library: Library, doc: LoadedDocument, target: str) -> dict[str, Any]:
    """What a Markdown link target of a source text becomes in a bundle: a web link, or the
    document the relative path names (never the path itself)."""
    if target.startswith("https://"):
        return {"kind": "web", "url": target}
    path, _, fragment = target.partition("#")
    named = (doc.source.path.parent / path).resolve()
    (linked,) = [d for d in library if d.source.path.resolve() == named]
    return {"kind": linked.kind, "id": linked.id, "fragment": fragment or None}


def assert_rich_text(value: Any, where: Any) -> None:
    """A RichText object: paragraphs of spans whose texts make up its `plain`."""
    assert isinstance(value, dict) and set(value) == {"blocks", "plain"}, where
    assert value["blocks"], where
    for block in value["blocks"]:
        assert set(block) == {"type", "spans"} and block["type"] == "paragraph", where
        assert block["spans"], where
        for span in block["spans"]:
            assert set(span) == {"text", "marks", "link"} and span["text"], where
            assert set(span["marks"]) <= {"strong", "em"}, where
    assert value["plain"] == "\n\n".join(
        "".join(span["text"] for span in block["spans"]) for block in value["blocks"]), where


def own_fallbacks(data: dict[str, Any]) -> list[str]:
    """The bundle's fallbacks in its own document (not those of the cards it carries)."""
    return [f for f in data["fallbacks"] if not f.startswith("cards.")]


# ---------------------------------------------------------------------------------------------
# 1. End to end


def test_build_writes_a_valid_bundle_per_locale_and_document(real_built: Path) -> None:
    build = real_built / "build"
    library = library_of(real_built)
    found = bundles(build)
    assert set(found) == {f"{loc}/{doc.id}.json" for loc in LOCALES for doc in library}
    assert sorted(p.name for p in (build / "site" / "schema").iterdir()) == sorted(
        f"{name}.json" for name in SCHEMAS)  # one schema for every kind of bundle
    validator = schema_validator(build, "bundle")
    for rel, data in found.items():
        locale, doc_id = rel.removesuffix(".json").split("/")
        assert bundle_file(build, rel).is_file(), rel
        assert (data["bundle_version"], data["locale"], data["id"], data["kind"]) == (
            3, locale, doc_id, library.documents[doc_id].kind), rel
        assert list(data) == sorted(["bundle_version", "locale", "kind", "id", "document",
                                     "cards", "terms", "formatted", "fallbacks"]), rel
        BUNDLE_MODELS[data["kind"]].model_validate(data)  # the pydantic model accepts it
        assert schema_errors(validator, data) == [], rel  # and so does the schema


def test_build_folder_keeps_the_site_apart_from_the_rest(real_built: Path) -> None:
    """site/ holds only what clients fetch; the pseudo-locale and the .mo files are beside
    it, so deploying site/ ships neither."""
    build = real_built / "build"
    assert sorted(p.name for p in build.iterdir() if p.is_dir()) == ["mo", "pseudo", "site"]
    assert sorted(p.name for p in (build / "site").iterdir()) == [
        "en", "fr", "manifest.json", "media", "offline", "schema", "types"]
    assert sorted(p.name for p in (build / "pseudo").iterdir()) == ["en-XA"]
    assert sorted(p.name for p in (build / "site" / "offline").iterdir()) == [
        "en.json", "fr.json"]
    assert (build / "site" / "types" / "bundles.d.ts").read_bytes() == (
        REPO_ROOT / "pipeline" / "client" / "bundles.d.ts").read_bytes()
    library = library_of(real_built)
    for folder in [build / "site" / tag for tag in SITE_LOCALES] + [build / "pseudo" / "en-XA"]:
        # A locale's captions beside its bundles (the pseudo-locale shows the English ones).
        captions = ["captions"] if folder.parent.name == "site" else []
        assert sorted(p.name for p in folder.iterdir()) == sorted(
            [f"{doc.id}.json" for doc in library] + ["index.json"] + captions), folder
    for path in [*(build / "site").rglob("*.json"), *(build / "pseudo").rglob("*.json")]:
        assert b".yaml" not in path.read_bytes(), path  # no source path reaches a client


def test_json_schema_alone_rejects_a_broken_bundle(real_built: Path) -> None:
    build = real_built / "build"
    validator = schema_validator(build, "bundle")
    exercise = next(d for d in bundles(build).values()
                    if d["kind"] == "exercise" and d["cards"]["exercises"])
    assert schema_errors(validator, exercise) == []

    def broken(change: Callable[[dict[str, Any]], None]) -> list[str]:
        data = json.loads(json.dumps(exercise))
        change(data)
        return schema_errors(validator, data)

    def set_(path: tuple[str | int, ...], value: Any) -> Callable[[dict[str, Any]], None]:
        return lambda data: get_path(data, path[:-1]).__setitem__(path[-1], value)

    span = ("document", "steps", 0, "blocks", 0, "spans", 0)
    card = next(iter(exercise["cards"]["exercises"]))
    for change, where, says in [
        (set_(("document", "name"), "x" * 61), "document/name", "is too long"),
        (set_(("document", "colour"), "red"), "document", "('colour' was unexpected)"),
        (set_(("terms",), {"muscles": {"x": {"label": "X"}}}), "terms",
         "'equipment' is a required property"),
        (set_(("document", "steps", 0), "Lie down."), "document/steps/0",
         "is not of type 'object'"),  # a Markdown text is rich text now
        (set_(span + ("link",), {"kind": "web", "url": "../exercises/bird-dog.yaml"}),
         f"{'/'.join(map(str, span))}/link", "is not valid under any of the given schemas"),
        (set_(span + ("link",), {"kind": "exercise", "id": "bird-dog"}),
         f"{'/'.join(map(str, span))}/link", "is not valid under any of the given schemas"),
        (set_(span + ("marks",), ["underline"]), f"{'/'.join(map(str, span))}/marks/0",
         "'underline' is not one of"),
        (lambda data: data["document"].pop("quote"), "document",
         "'quote' is a required property"),  # every key is written, null where absent
        (lambda data: data.pop("cards"), "", "'cards' is a required property"),
        (lambda data: data["cards"]["exercises"][card].pop("dosage"),
         f"cards/exercises/{card}", "'dosage' is a required property"),
        (set_(("cards", "exercises", card, "steps"), []), f"cards/exercises/{card}",
         "('steps' was unexpected)"),  # a card, not the whole document
        (set_(("bundle_version",), 2), "bundle_version", "3 was expected"),
    ]:
        errors = broken(change)
        assert any(e.startswith(f"{where}: ") and says in e for e in errors), (where, errors)
    # Read as a guide, as its `kind` now says, the exercise's document is no guide.
    assert "document/kind: 'guide' was expected" in broken(set_(("kind",), "guide"))


def test_english_bundles_are_the_source_with_nothing_falling_back(real_built: Path) -> None:
    """Markdown texts become rich text that reads as the source and links to documents, not
    to source files; everything else is the source document as it is."""
    library = library_of(real_built)
    links = marks = citations = 0
    for doc in library:
        data = bundle(real_built / "build", f"en/{doc.id}.json")
        assert data["fallbacks"] == [], doc.id
        source = json.loads(json.dumps(data["document"]))
        cited = [ref.id for ref in getattr(doc.model, "references", [])]
        for unit in sent_texts(doc.model):
            value = get_path(data["document"], unit.path)
            where = (doc.id, unit.path)
            if unit.markup:
                assert_rich_text(value, where)
                assert value["plain"] == plain_of(unit.text, cited), where
                analysis = markup.analyze(unit.text)
                found = links_of(value)
                assert [link for link in found if link["kind"] != "citation"] == [
                    expected_link(library, doc, target) for target in analysis.links], where
                # each marker: the reference's id and its number in the list, from 1
                assert [link for link in found if link["kind"] == "citation"] == [
                    {"kind": "citation", "reference": key, "number": cited.index(key) + 1}
                    for key in analysis.citations], where
                citations += len(analysis.citations)
                assert marks_opened(value) == [tok.removesuffix("_open") for tok in
                                               analysis.structure
                                               if tok in ("strong_open", "em_open")], where
                links += len(links_of(value))
                marks += len(marks_opened(value))
            else:
                assert value == unit.text, where
            get_path(source, unit.path[:-1])[unit.path[-1]] = unit.text
        # Every key, null too; the pipeline's own fields (the glossary's dose phrases) stay out.
        assert source == doc.model.model_dump(
            mode="json", exclude=set(internal_fields(type(doc.model)))), doc.id
    assert links and marks, "no link or no emphasis in the real project's texts"
    assert citations, "no citation marker in the real project's texts"


def test_french_bundles_hold_the_reviewed_french_of_the_catalogs(real_built: Path) -> None:
    library = library_of(real_built)
    glossary_fr = translations(po_path(real_built, "glossary"))
    checked = 0
    for doc in library:
        data = bundle(real_built / "build", f"fr/{doc.id}.json")
        english = bundle(real_built / "build", f"en/{doc.id}.json")
        table = translations(po_path(real_built, doc.id))
        expected_fallbacks = []
        cited = [ref.id for ref in getattr(doc.model, "references", [])]
        for unit in sent_texts(doc.model):
            french = table.get((unit.context, unit.text))
            value = get_path(data["document"], unit.path)
            if unit.markup:
                assert_rich_text(value, (doc.id, unit.path))
                assert value["plain"] == plain_of(french or unit.text, cited), (doc.id, unit.path)
                # the same links as the English, resolved the same way
                assert links_of(value) == links_of(get_path(english["document"], unit.path))
            else:
                assert value == (french or unit.text), (doc.id, unit.path)
            if french is None:
                expected_fallbacks.append(format_path(unit.path))
            checked += french is not None
        assert own_fallbacks(data) == sorted(set(expected_fallbacks)), doc.id
        if isinstance(doc.model, Exercise):
            # ids stay as they are; `terms` gives their localized names
            assert data["document"]["target_muscles"] == doc.model.target_muscles
            assert data["document"]["position"] == doc.model.position
            glossary = library.glossary
            assert glossary is not None
            for muscle in doc.model.target_muscles:
                english_name = glossary.muscles[muscle].name
                assert data["terms"]["muscles"][muscle]["name"] == glossary_fr.get(
                    ("muscle", english_name), english_name)
            position = glossary.positions[doc.model.position].name
            assert data["terms"]["positions"][doc.model.position]["name"] == glossary_fr.get(
                ("position", position), position)
        if isinstance(doc.model, Guide):
            assert data["formatted"] == {
                "reviewed_on": format_date(doc.model.reviewed_on, "long", locale="fr")}
    assert checked, "the copied French catalogs hold no translation at all"


def test_bundles_carry_cards_and_terms_of_what_their_page_names(real_built: Path) -> None:
    """A page needs one fetch: each bundle carries a card of every exercise and reviewer its
    document names (as that document's own bundle in the locale shows it) and the localized
    glossary terms that it and its exercise cards use."""
    build = real_built / "build"
    library = library_of(real_built)
    found = bundles(build)
    cards = 0
    for rel, data in found.items():
        locale = rel.split("/")[0]
        doc = library.documents[data["id"]]
        named: dict[str, set[str]] = {"exercise": set(), "reviewer": set()}
        used: dict[str, set[str]] = {"muscles": set(), "equipment": set(), "positions": set()}
        for ref in iter_refs(doc.model):
            if ref.target in named:
                named[ref.target].add(ref.value)
            elif ref.target in used:
                used[ref.target].add(ref.value)
        fallbacks = set(own_fallbacks(data))
        assert set(data["cards"]) == {"exercises", "reviewers"}, rel
        for kind, fields in CARD_FIELDS.items():
            shown = data["cards"][f"{kind}s"]
            assert set(shown) == named[kind], rel
            for card_id, card in shown.items():
                other = found[f"{locale}/{card_id}.json"]
                expected = {f: other["document"][f] for f in fields}
                if kind == "exercise":  # the dose as the exercise's own bundle writes it
                    expected["formatted"] = other["formatted"]
                assert card == expected, (rel, card_id)
                fallbacks |= {f"cards.{kind}s.{card_id}.{f}" for f in own_fallbacks(other)
                              if f.split(".")[0].split("[")[0] in fields}
                if kind == "exercise":
                    used["equipment"] |= set(card["equipment"])
                    used["positions"].add(card["position"])
                cards += 1
        assert data["fallbacks"] == sorted(fallbacks), rel
        glossary = found[f"{locale}/glossary.json"]["document"]
        assert data["terms"] == {vocabulary: {term: glossary[vocabulary][term]
                                              for term in sorted(ids)}
                                 for vocabulary, ids in used.items()}, rel
    assert cards > 50


def test_tiny_project_with_french_required(tiny_built: Path) -> None:
    """Hand-written French that passes every check ships exactly as written."""
    build = tiny_built / "build"
    guide = bundle(build, "fr/hip-pain.json")
    assert guide["formatted"] == {"reviewed_on": "14 octobre 2026"}
    assert guide["document"]["reviewed_on"] == "2026-10-14"
    assert guide["document"]["title"] == "Exercices contre la douleur à la hanche"
    assert guide["document"]["intro"] == [{
        "blocks": [{"type": "paragraph", "spans": [
            {"text": "Ces exercices renforcent les muscles autour de la hanche ", "marks": [],
             "link": None},
            {"text": "[1]", "marks": [],
             "link": {"kind": "citation", "reference": "lee-2020", "number": 1}},
            {"text": ". Commencez par le ", "marks": [], "link": None},
            {"text": "pont fessier", "marks": [],
             "link": {"kind": "exercise", "id": "glute-bridge", "fragment": None}},
            {"text": " et faites-le 3\u00a0fois par semaine.", "marks": [], "link": None}]}],
        "plain": "Ces exercices renforcent les muscles autour de la hanche [1]. Commencez par "
                 "le pont fessier et faites-le 3\u00a0fois par semaine."}]
    item = guide["document"]["sections"][0]["items"][0]
    assert item["heading"] == "Douleur vive"
    assert item["text"]["blocks"][0]["spans"][1] == {
        "text": "ces conseils", "marks": [],
        "link": {"kind": "web", "url": "https://example.org/pain"}}
    assert guide["document"]["sections"][0]["intro"] is None  # absent, yet present as null
    assert guide["document"]["references"][0]["title"] == "Hip strength and pain"  # verbatim
    assert plain(guide["document"]["disclaimer"]) == (
        "Ce guide ne remplace pas les conseils de votre médecin ou de votre kinésithérapeute.")
    assert guide["cards"] == {
        "exercises": {"glute-bridge": {
            "id": "glute-bridge", "name": "Pont fessier",
            "summary": "Soulevez les hanches du sol pour travailler les muscles fessiers.",
            "position": "lying-on-back", "equipment": ["exercise-mat"],
            "dosage": {"sets": 2, "reps": 10, "hold_seconds": 5, "per_side": False},
            # the tiny glossary has no dose phrases, and the exercise no video
            "formatted": {"dosage": None, "captions": None}}},
        "reviewers": {"ann-lee": {"id": "ann-lee", "name": "Ann Lee",
                                  "credentials": "PT, DPT", "role": "Kinésithérapeute"}}}
    assert guide["terms"] == {  # what its exercise card shows
        "equipment": {"exercise-mat": {"name": "Tapis d’exercice", "description":
                                       "Un tapis rembourré pour s’allonger sur le sol."}},
        "muscles": {},
        "positions": {"lying-on-back": {"name": "Allongé sur le dos", "description": None}},
    }
    assert guide["fallbacks"] == []
    english = bundle(build, "en/hip-pain.json")
    assert english["formatted"] == {"reviewed_on": "October 14, 2026"}
    assert english["document"]["intro"][0]["blocks"][0]["spans"][3]["link"] == {
        "kind": "exercise", "id": "glute-bridge", "fragment": None}

    exercise = bundle(build, "fr/glute-bridge.json")
    doc = exercise["document"]
    assert doc["name"] == "Pont fessier"
    assert plain(doc["steps"][2]) == (
        f"Répétez 10{NBSP}fois{NBSP}: reposez-vous 30{NBSP}secondes entre les séries.")
    assert doc["cautions"] == [{"blocks": [{"type": "paragraph", "spans": [
        {"text": "Arrêtez", "marks": ["strong"], "link": None},
        {"text": " si vous ressentez une douleur vive dans le bas du dos\u202f!", "marks": [],
         "link": None}]}],
        "plain": "Arrêtez si vous ressentez une douleur vive dans le bas du dos\u202f!"}]
    assert doc["target_muscles"] == ["gluteus-maximus", "hamstrings"]
    assert doc["quote"]["reviewer"] == "ann-lee"
    assert doc["quote"]["text"] == {"blocks": [{"type": "paragraph", "spans": [
        {"text": "Je fais commencer presque tout le monde par cet exercice, car il est ",
         "marks": [], "link": None},
        {"text": "sûr", "marks": ["em"], "link": None},
        {"text": " et simple.", "marks": [], "link": None}]}],
        "plain": "Je fais commencer presque tout le monde par cet exercice, car il est sûr "
                 "et simple."}
    assert doc["easier"][0]["name"] == "Demi-pont"
    assert plain(doc["easier"][0]["how"]) == "Soulevez les hanches seulement à mi-hauteur."
    assert doc["harder"] == [] and doc["related"] == []
    assert exercise["cards"] == {"exercises": {}, "reviewers": {"ann-lee": {
        "id": "ann-lee", "name": "Ann Lee", "credentials": "PT, DPT",
        "role": "Kinésithérapeute"}}}
    assert exercise["terms"] == {
        "equipment": {"exercise-mat": {"name": "Tapis d’exercice", "description":
                                       "Un tapis rembourré pour s’allonger sur le sol."}},
        "muscles": {"gluteus-maximus": {"name": "Grand fessier",
                                        "description": "Le plus gros muscle de la fesse."},
                    "hamstrings": {"name": "Ischio-jambiers", "description": None}},
        "positions": {"lying-on-back": {"name": "Allongé sur le dos", "description": None}},
    }
    assert exercise["fallbacks"] == []
    # the tiny glossary has no dose phrases, and the exercise no video
    assert exercise["formatted"] == {"dosage": None, "captions": None}
    glossary = bundle(build, "fr/glossary.json")
    assert list(glossary["document"]["muscles"]) == ["gluteus-maximus", "hamstrings"]
    validator = schema_validator(build, "bundle")
    for data in bundles(build).values():
        BUNDLE_MODELS[data["kind"]].model_validate(data)
        assert schema_errors(validator, data) == []


# ---------------------------------------------------------------------------------------------
# 2. Manifest, indexes and offline packs


def test_manifest(real_built: Path) -> None:
    build = real_built / "build"
    manifest = manifest_of(build)
    assert schema_errors(schema_validator(build, "manifest"), manifest) == []
    assert manifest["bundle_version"] == 3
    assert manifest["generator"] == f"exercise-content-pipeline {pipeline.__version__}"
    assert manifest["source_revision"] is None  # a tmp folder is no git checkout
    assert manifest["source_locale"] == "en"
    site = tree_hashes(build / "site")
    assert set(manifest["files"]) == set(site) - {"manifest.json"}  # every file beside it
    for rel, entry in manifest["files"].items():
        data = (build / "site" / rel).read_bytes()
        assert entry == {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}, rel
    library = library_of(real_built)
    assert set(manifest["locales"]) == {"en", "fr"}  # never the pseudo-locale
    assert manifest["locales"]["en"] == {
        "policy": "source", "staging": False, "bundles": len(library),
        "complete_percent": 100.0, "fallback_percent": 0.0,
        "index": "en/index.json", "offline": "offline/en.json", "withheld": {}}
    fr = manifest["locales"]["fr"]
    catalogs = [polib.pofile(str(po_path(real_built, doc.id))) for doc in library]
    counts = [progress(c).strings for c in catalogs]
    translated = sum(c["translated"] for c in counts)
    total = sum(c["translated"] + c["fuzzy"] + c["untranslated"] for c in counts)
    assert (fr["policy"], fr["staging"], fr["bundles"]) == ("optional", False, len(library))
    assert (fr["index"], fr["offline"]) == ("fr/index.json", "offline/fr.json")
    assert fr["complete_percent"] == round(100.0 * translated / total, 1)
    fallbacks = sum(len(own_fallbacks(bundle(build, f"fr/{doc.id}.json"))) for doc in library)
    texts = sum(1 for doc in library for _ in iter_texts(doc.model))
    assert fr["fallback_percent"] == round(100.0 * fallbacks / texts, 1)


def test_manifest_of_complete_required_locale(tiny_built: Path) -> None:
    manifest = manifest_of(tiny_built / "build")
    assert manifest["locales"]["fr"] == {"policy": "required", "staging": False, "bundles": 4,
                                         "complete_percent": 100.0, "fallback_percent": 0.0,
                                         "index": "fr/index.json", "offline": "offline/fr.json",
                                         "withheld": {}}


def test_each_locale_has_an_index_of_its_bundles(real_built: Path) -> None:
    """A list page or a search reads one file per locale: every document with its title,
    summary, bundle (hashed) and how much of it is translated. Paths are relative to the
    index's top folder (site/, or pseudo/ for the pseudo-locale)."""
    build = real_built / "build"
    library = library_of(real_built)
    validator = schema_validator(build, "index")
    for tag in LOCALES:
        pseudo = tag == "en-XA"
        base = build if pseudo else build / "site"
        folder = f"pseudo/{tag}" if pseudo else tag
        index = read(base / folder / "index.json")
        assert schema_errors(validator, index) == [], tag
        assert (index["bundle_version"], index["locale"]) == (3, tag)
        assert [entry["id"] for entry in index["documents"]] == sorted(library.documents)
        for entry in index["documents"]:
            doc = library.documents[entry["id"]]
            assert entry["bundle"] == f"{tag}/{doc.id}.json"  # from the index's top folder
            raw = (base / folder / ".." / entry["bundle"]).read_bytes()
            assert (entry["sha256"], entry["bytes"]) == (hashlib.sha256(raw).hexdigest(),
                                                         len(raw)), entry["bundle"]
            data = json.loads(raw)
            document = data["document"]
            assert entry["kind"] == doc.kind
            assert entry["title"] == document.get("title", document.get("name"))
            assert entry["summary"] == document.get("summary")
            assert entry["fallbacks"] == own_fallbacks(data)
            texts = sum(1 for _ in iter_texts(doc.model))
            assert entry["translated_percent"] == (
                round(100.0 * (texts - len(entry["fallbacks"])) / texts, 1) if texts
                else 100.0)
            if doc.kind == "glossary":
                assert (entry["title"], entry["summary"]) == (None, None)
            else:
                assert isinstance(entry["title"], str)


def test_offline_pack_holds_the_index_and_every_bundle_of_a_locale(real_built: Path) -> None:
    build = real_built / "build"
    library = library_of(real_built)
    validator = schema_validator(build, "offline")
    for tag in SITE_LOCALES:
        pack = read(build / "site" / "offline" / f"{tag}.json")
        assert schema_errors(validator, pack) == [], tag
        assert pack == {
            "bundle_version": 3, "locale": tag,
            "index": read(build / "site" / tag / "index.json"),
            "bundles": {doc.id: bundle(build, f"{tag}/{doc.id}.json") for doc in library}}
    assert not (build / "site" / "offline" / "en-XA.json").exists()  # no pack for en-XA


# ---------------------------------------------------------------------------------------------
# 3. Fuzzy never reaches a bundle


def test_fuzzy_translation_falls_back_to_english(tiny: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    configure(tiny, required=(), optional=("fr",))
    edit_entry(po_path(tiny, "glute-bridge"), "Glute bridge", fuzzy=True)
    edit_entry(po_path(tiny, "glossary"), "Gluteus maximus", msgctxt="muscle", fuzzy=True)
    run = cli(capsys, tiny, "build")
    assert run.code == 0, run.text
    build = tiny / "build"
    exercise = bundle(build, "fr/glute-bridge.json")
    assert exercise["document"]["name"] == "Glute bridge"
    assert exercise["fallbacks"] == ["name"]
    assert exercise["document"]["summary"] == ("Soulevez les hanches du sol pour travailler "
                                               "les muscles fessiers.")
    assert exercise["terms"]["muscles"]["gluteus-maximus"]["name"] == "Gluteus maximus"
    assert exercise["terms"]["muscles"]["hamstrings"]["name"] == "Ischio-jambiers"
    # The guide's card of the exercise falls back too, and says so.
    guide = bundle(build, "fr/hip-pain.json")
    assert guide["cards"]["exercises"]["glute-bridge"]["name"] == "Glute bridge"
    assert guide["cards"]["exercises"]["glute-bridge"]["summary"] == (
        exercise["document"]["summary"])
    assert guide["fallbacks"] == ["cards.exercises.glute-bridge.name"]
    glossary = bundle(build, "fr/glossary.json")
    assert glossary["fallbacks"] == ["muscles.gluteus-maximus.name"]
    index = {entry["id"]: entry for entry in read(build / "site" / "fr" / "index.json")[
        "documents"]}
    assert index["glute-bridge"]["title"] == "Glute bridge"
    assert index["glute-bridge"]["fallbacks"] == ["name"]
    texts = sum(1 for _ in iter_texts(library_of(tiny).documents["glute-bridge"].model))
    assert index["glute-bridge"]["translated_percent"] == round(100.0 * (texts - 1) / texts, 1)
    assert (index["hip-pain"]["fallbacks"], index["hip-pain"]["translated_percent"]) == (
        [], 100.0)  # its own texts are all French
    fr = manifest_of(build)["locales"]["fr"]
    assert fr["policy"] == "optional"
    assert fr["fallback_percent"] > 0
    assert fr["complete_percent"] < 100
    for path in build.rglob("*"):  # the fuzzy French is nowhere in build/
        assert not path.is_file() or "Pont fessier".encode() not in path.read_bytes(), path


# 5. A required locale that fails `check` stops the build


def _untranslated(root: Path) -> str:
    edit_entry(po_path(root, "glute-bridge"), "Half bridge", msgstr="")
    return "E501"


def _fuzzy(root: Path) -> str:
    edit_entry(po_path(root, "glute-bridge"), "Half bridge", fuzzy=True)
    return "E502"


def _typography(root: Path) -> str:
    edit_entry(po_path(root, "glute-bridge"), "Repeat 10 times: rest for 30 seconds between sets.",
               msgstr=f"Répétez 10{NBSP}fois : reposez-vous 30{NBSP}secondes entre les séries.")
    return "E514"


def _broken_catalog(root: Path) -> str:
    path = po_path(root, "glute-bridge")
    path.write_text(path.read_text("utf-8") + '\nmsgid "unterminated\n', encoding="utf-8")
    return "E401"


def _stale_template(root: Path) -> str:
    edit_text(root / "source" / "exercises" / "glute-bridge.yaml", "name: Glute bridge",
              "name: Glute bridge on the floor")
    return "E406"


@pytest.mark.parametrize("breakage", [_untranslated, _fuzzy, _typography, _broken_catalog,
                                      _stale_template], ids=lambda f: f.__name__.strip("_"))
def test_failing_check_stops_the_build_and_keeps_build(
        tiny: Path, capsys: pytest.CaptureFixture[str], breakage: Callable[[Path], str]) -> None:
    before = tree_hashes(tiny / "build")
    code = breakage(tiny)
    run = cli(capsys, tiny, "build")
    assert run.code == 1, run.text
    assert code in run.out
    if code != "E406":
        assert "locales/fr/LC_MESSAGES/glute-bridge.po:" in run.out
    assert "build stopped by the check above" in run.err
    assert tree_hashes(tiny / "build") == before
    assert leftovers(tiny) == []


def test_usage_error_exits_2(tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    configure(tiny, required=("fr",), optional=(), severity={"E999": "error"})
    before = tree_hashes(tiny / "build")
    run = cli(capsys, tiny, "build")
    assert run.code == 2 and "E999" in run.err
    assert tree_hashes(tiny / "build") == before


# ---------------------------------------------------------------------------------------------
# 6. A translation that breaks the model


LONG_NAME = "Pont fessier au sol, pieds à plat et bras le long du corps, sur tapis"


def test_translation_breaking_the_model_stops_the_build_of_a_required_locale(
        tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert len(LONG_NAME) > 60
    configure(tiny, required=("fr",), optional=(), severity={"E510": "off"})
    before = tree_hashes(tiny / "build")
    line = edit_entry(po_path(tiny, "glute-bridge"), "Glute bridge", msgstr=LONG_NAME)
    check = cli(capsys, tiny, "check")
    assert check.code == 0, check.text  # `check` lets it through; the model does not
    run = cli(capsys, tiny, "build")
    assert run.code == 1, run.text
    assert f"locales/fr/LC_MESSAGES/glute-bridge.po:{line}: E601" in run.out
    lines = po_path(tiny, "glute-bridge").read_text("utf-8").split("\n")
    assert lines[line - 1].startswith("msgstr ")  # the translation's line, in that entry:
    start = max(i for i in range(line) if lines[i] == "")
    assert 'msgid "Glute bridge"' in lines[start:line]
    assert "at most 60 characters" in run.out
    assert "source/exercises/glute-bridge.yaml:4" in run.out
    assert "build stopped" in run.err and "build/ was not changed" in run.err
    assert tree_hashes(tiny / "build") == before
    assert leftovers(tiny) == []


@pytest.mark.parametrize("msgstr, message", [
    (LONG_NAME, "at most 60 characters"),
    ("**Pont** fessier", "remove Markdown"),
], ids=["too-long", "markup-in-plain-text"])
def test_optional_locale_falls_back_to_english_for_a_translation_breaking_the_model(
        tiny: Path, capsys: pytest.CaptureFixture[str], msgstr: str, message: str) -> None:
    configure(tiny, required=(), optional=("fr",), severity={})
    line = edit_entry(po_path(tiny, "glute-bridge"), "Glute bridge", msgstr=msgstr)
    run = cli(capsys, tiny, "build")
    assert run.code == 0, run.text
    assert f"locales/fr/LC_MESSAGES/glute-bridge.po:{line}: E601" in run.out
    assert message in run.out and "English used instead" in run.out
    path = bundle_file(tiny / "build", "fr/glute-bridge.json")
    exercise = read(path)
    assert exercise["document"]["name"] == "Glute bridge"
    assert "name" in exercise["fallbacks"]
    guide = bundle(tiny / "build", "fr/hip-pain.json")  # its card of the exercise too
    assert guide["cards"]["exercises"]["glute-bridge"]["name"] == "Glute bridge"
    assert "cards.exercises.glute-bridge.name" in guide["fallbacks"]
    for shipped in (tiny / "build").rglob("*.json"):
        assert msgstr not in shipped.read_text("utf-8"), shipped
    assert leftovers(tiny) == []


# ---------------------------------------------------------------------------------------------
# 7. Atomic: a build killed half-way leaves the previous build/ as it was


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About a hundred documents, built once: a build long enough to interrupt."""
    root = clone(big_template(tmp_path_factory), tmp_path_factory.mktemp("kill") / "big")
    assert run_build(cli_config(root)).ok
    return root


Ready = Callable[[Path], bool]


@dataclass(frozen=True)
class Interrupted:
    status: int
    err: str
    pid: int
    staged: int  # files in the stage when SIGKILL hit it (-1: no stage)


def _stage_of(root: Path, pid: int) -> Path | None:
    return next(iter(root.glob(f".build.tmp-{pid}-*")), None)


def _interrupt(root: Path, ready: Ready, sig: signal.Signals, delay: float = 0.0
               ) -> Interrupted | None:
    """Start `python -m pipeline build --clean` and send `sig` once `ready(stage)` holds;
    None when the build finished before that point.

    A SIGKILL is preceded by SIGSTOP so the stage can be looked at exactly as the kill finds
    it."""
    proc = subprocess.Popen([PYTHON, "-m", "pipeline", "build", "--clean", "--quiet",
                             "--root", str(root)], cwd=root,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    try:
        while (stage := _stage_of(root, proc.pid)) is None or not ready(stage):
            if proc.poll() is not None:
                out, err = proc.communicate()
                assert proc.returncode == 0, out + err
                return None
            assert time.monotonic() < deadline, "kill point never reached"
            time.sleep(0.0005)
        time.sleep(delay)
        staged = -1
        if sig == signal.SIGKILL:
            os.kill(proc.pid, signal.SIGSTOP)
            if proc.poll() is not None:  # it ended before the stop: stopped, it cannot end
                assert proc.returncode == 0, proc.communicate()[1]
                return None
            found = _stage_of(root, proc.pid)
            staged = sum(1 for p in found.rglob("*") if p.is_file()) if found else -1
        os.kill(proc.pid, sig)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return Interrupted(proc.returncode, err, proc.pid, staged)


def test_killed_build_leaves_previous_build_intact(
        big: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Killed at any point, the build leaves build/ exactly as it was or exactly as the new
    build: the new folder is exchanged with the old in one system call, so there is no
    moment without build/."""
    before = tree_hashes(big / "build")
    assert len(before) > 100
    backup = shutil.copytree(big / "build", tmp_path / "previous-build")
    # New inputs, so a build that got through would be told apart from the previous one.
    guide = sorted((big / "source" / "guides").glob("*.yaml"))[0]
    text = guide.read_text("utf-8")
    old_date = next(ln for ln in text.splitlines() if ln.startswith("reviewed_on:"))
    guide.write_text(text.replace(old_date, "reviewed_on: 2027-01-02"), encoding="utf-8")

    def exporting(stage: Path) -> bool:
        return True

    def writing(stage: Path) -> bool:  # the stage folder gets its first bundle
        return (stage / "site" / "en").is_dir()

    def attempt(ready: Ready, sig: signal.Signals, delay: float) -> Interrupted:
        for _ in range(5):  # a busy machine may let the build finish before the kill point
            hit = _interrupt(big, ready, sig, delay)
            if hit is not None:
                return hit
            shutil.rmtree(big / "build")
            shutil.copytree(backup, big / "build")
        pytest.fail("the build always finished before the kill point")

    # Later: once a random share of the English bundles is written (an event, not a delay,
    # which a fast build would outrun).
    bundles = len(list((big / "build" / "site" / "en").glob("*.json"))) - 1  # not index.json
    written = random.Random("kill-build").randint(2, bundles // 2)

    def later(stage: Path) -> bool:
        try:
            return len(os.listdir(stage / "site" / "en")) >= written
        except OSError:
            return False

    stages_left = 0  # the next run removes what a kill left, so count them as they are left
    for name, ready in [("export-start", exporting), ("writing", writing), ("later", later)]:
        hit = attempt(ready, signal.SIGKILL, 0.0)
        assert hit.status == -signal.SIGKILL, hit.err
        stages_left += any(p.startswith(".build.tmp-") for p in leftovers(big))
        now = tree_hashes(big / "build")
        if now != before:  # the kill came after the exchange: the new build is whole
            manifest = manifest_of(big / "build")
            assert {rel: now[f"site/{rel}"] for rel in manifest["files"]} == {
                rel: entry["sha256"] for rel, entry in manifest["files"].items()}, name
            shutil.rmtree(big / "build")
            shutil.copytree(backup, big / "build")
    assert stages_left > 0  # a kill left its stage, for the runs below to remove

    hit = attempt(exporting, signal.SIGINT, 0.05)
    if hit.status == 0:  # the signal came after the build had finished
        assert tree_hashes(big / "build") != before
        shutil.rmtree(big / "build")
        shutil.copytree(backup, big / "build")
    else:
        assert hit.status == 130, hit.err
        assert "interrupted" in hit.err and "Traceback" not in hit.err
        assert tree_hashes(big / "build") == before
        assert leftovers(big) == []  # its own stage removed, and what the kills left too

    done = cli(capsys, big, "build", "--clean")
    assert done.code == 0, done.text
    assert leftovers(big) == []
    after = tree_hashes(big / "build")
    changed = {rel for rel in after if after[rel] != before.get(rel)}
    assert set(after) == set(before)
    # The guide's bundles, and what lists them: the indexes, the offline pack, the manifest.
    assert changed == {f"site/en/{guide.stem}.json", f"pseudo/en-XA/{guide.stem}.json",
                       "site/en/index.json", "pseudo/en-XA/index.json",
                       "site/offline/en.json", "site/manifest.json"}


def _marked(folder: Path) -> Path:
    """A folder as the build makes it: with the marker that says the tool owns it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / outdir.MARKER).write_text(outdir.marker_text("build"), encoding="utf-8")
    return folder


def test_interrupted_swap_is_repaired_by_the_next_build(
        tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Where the file system cannot exchange two folders, a crash between setting build/
    aside and moving the new one in leaves no build/; the next run puts the previous build
    back even when its own gate fails, and removes the half-made stage."""
    before = tree_hashes(tiny / "build")
    os.replace(tiny / "build", tiny / ".build.old-99999-abcd")
    half = _marked(tiny / ".build.tmp-99999-abcd")
    (half / "site" / "en").mkdir(parents=True)
    (half / "site" / "en" / "half.json").write_text("{", encoding="utf-8")
    _untranslated(tiny)
    run = cli(capsys, tiny, "build")
    assert run.code == 1
    assert tree_hashes(tiny / "build") == before
    assert leftovers(tiny) == []


def test_folders_beside_build_that_the_tool_did_not_make_are_left_alone(
        tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Only folders carrying the tool's marker are ever removed or put back."""
    theirs = tiny / ".build.tmp-12345-user"
    (theirs / "notes").mkdir(parents=True)
    (theirs / "notes" / "keep.txt").write_text("mine", encoding="utf-8")
    other = tiny / ".build.old-12345-user"
    other.mkdir()
    (other / "keep.txt").write_text("mine too", encoding="utf-8")
    shutil.rmtree(tiny / "build")
    assert cli(capsys, tiny, "build").code == 0
    assert (theirs / "notes" / "keep.txt").read_text("utf-8") == "mine"
    assert (other / "keep.txt").read_text("utf-8") == "mine too"
    assert outdir.owned(tiny / "build", "build")


# ---------------------------------------------------------------------------------------------
# 8. Deterministic


def test_clean_builds_are_byte_identical(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    template = real_template(tmp_path_factory)
    first = clone(template, tmp_path / "first")
    second = clone(template, tmp_path / "elsewhere" / "second")
    for root in (first, second):
        run = cli(capsys, root, "build", "--clean")
        assert run.code == 0, run.text
    hashes = tree_hashes(first / "build")
    assert hashes and tree_hashes(second / "build") == hashes
    run = cli(capsys, first, "build", "--clean")
    assert run.code == 0, run.text
    assert tree_hashes(first / "build") == hashes


# ---------------------------------------------------------------------------------------------
# 9. Incremental


def test_incremental_build_reexports_only_what_changed(
        real_built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = clone(real_built, tmp_path / "project")
    library = library_of(root)
    total = len(library) * len(LOCALES)
    run = cli(capsys, root, "build")
    assert run.code == 0, run.text
    assert f"Built {total} bundles" in run.out and f"(0 exported, {total} unchanged)" in run.out
    before = tree_hashes(root / "build")

    exercise = library.exercises()
    doc_id = sorted(exercise)[0]
    step = exercise[doc_id].steps[0]
    edit_text(root / "source" / "exercises" / f"{doc_id}.yaml", step,
              step.rstrip(".") + ", slowly.")
    refresh(root)  # new template; the French entry becomes fuzzy (French is optional here)
    result = run_build(cli_config(root))
    assert result.ok
    # Made again: the exercise's bundles, and those of the documents showing its card (a
    # bundle is keyed on the documents it names); their bytes do not change, as a step is
    # not on the card.
    namers = {doc.id for doc in library
              if any(ref.target == "exercise" and ref.value == doc_id
                     for ref in iter_refs(doc.model))}
    assert namers
    remade = len(LOCALES) * (1 + len(namers))
    assert (result.exported, result.reused) == (remade, total - remade)
    after = tree_hashes(root / "build")
    changed = {rel for rel in after if after[rel] != before.get(rel)}
    assert set(after) == set(before)
    assert {rel for rel in changed if not rel.startswith("mo/")} == {
        f"site/en/{doc_id}.json", f"site/fr/{doc_id}.json", f"pseudo/en-XA/{doc_id}.json",
        "site/en/index.json", "site/fr/index.json", "pseudo/en-XA/index.json",
        "site/offline/en.json", "site/offline/fr.json", "site/manifest.json"}
    assert {rel for rel in changed if rel.startswith("mo/")} <= {
        f"mo/fr/LC_MESSAGES/{doc_id}.mo"}
    en = bundle(root / "build", f"en/{doc_id}.json")
    assert plain(en["document"]["steps"][0]) == plain_of(step.rstrip(".") + ", slowly.")
    fr = bundle(root / "build", f"fr/{doc_id}.json")
    assert fr["document"]["steps"][0] == en["document"]["steps"][0]
    assert "steps[0]" in fr["fallbacks"]
    fr_index = {e["id"]: e for e in read(root / "build" / "site" / "fr" / "index.json")[
        "documents"]}
    assert "steps[0]" in fr_index[doc_id]["fallbacks"]

    run = cli(capsys, root, "build", "--clean")
    assert run.code == 0 and f"({total} exported, 0 unchanged)" in run.out
    assert tree_hashes(root / "build") == after


def test_incremental_build_follows_catalog_edits_and_repairs_tampering(
        tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = tree_hashes(tiny / "build")
    edit_entry(po_path(tiny, "glute-bridge"), "Half bridge", msgstr="Pont à mi-hauteur")
    result = run_build(cli_config(tiny))
    # fr/glute-bridge.json, and fr/hip-pain.json, which shows the exercise's card
    assert result.ok and (result.exported, result.reused) == (2, 10)
    fr = bundle(tiny / "build", "fr/glute-bridge.json")
    assert fr["document"]["easier"][0]["name"] == "Pont à mi-hauteur"
    good = tree_hashes(tiny / "build")
    assert {rel for rel in good if good[rel] != before[rel]} == {
        "site/fr/glute-bridge.json", "site/fr/index.json", "site/offline/fr.json",
        "site/manifest.json", "mo/fr/LC_MESSAGES/glute-bridge.mo"}
    tampered = tiny / "build" / "site" / "en" / "hip-pain.json"
    tampered.write_text(tampered.read_text("utf-8").replace("hip pain", "hip gain"), "utf-8")
    result = run_build(cli_config(tiny))
    assert result.ok and (result.exported, result.reused) == (1, 11)
    assert tree_hashes(tiny / "build") == good


def test_bundles_made_by_other_code_are_not_reused(tiny: Path, tmp_path: Path) -> None:
    """The cache key covers the pipeline's code, not only its version number."""
    code = tmp_path / "code"
    shutil.copytree(REPO_ROOT / "pipeline", code / "pipeline",
                    ignore=shutil.ignore_patterns("__pycache__"))
    env = {**os.environ, "PYTHONPATH": str(code)}

    def build() -> str:
        done = subprocess.run([PYTHON, "-m", "pipeline", "build", "--root", str(tiny)],
                              cwd=tmp_path, env=env, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    assert "(0 exported, 12 unchanged)" in build()  # the same code, from another folder
    export = code / "pipeline" / "stages" / "export.py"
    export.write_text(export.read_text("utf-8") + "\n# a change in how bundles are made\n",
                      encoding="utf-8")
    assert "(12 exported, 0 unchanged)" in build()

def test_build_with_no_french_catalog_entries_translated_yet(
        tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An optional locale that nobody started: a document with no safety-critical text is
    shown in English, listed as such; one with a caution or a disclaimer is left out."""
    configure(tiny, required=(), optional=("fr",))
    for path in (tiny / "locales" / "fr" / "LC_MESSAGES").glob("*.po"):
        catalog = polib.pofile(str(path))
        for entry in catalog:
            entry.msgstr = ""
        catalog.save(str(path))
    refresh(tiny)
    run = cli(capsys, tiny, "build")
    assert run.code == 0, run.text
    build = tiny / "build"
    manifest = manifest_of(build)
    assert manifest["locales"]["fr"]["complete_percent"] == 0.0
    assert manifest["locales"]["fr"]["fallback_percent"] == 100.0
    # The exercise has a caution, the guide a disclaimer.
    assert sorted(manifest["locales"]["fr"]["withheld"]) == ["glute-bridge", "hip-pain"]
    index = {e["id"]: e for e in read(build / "site" / "fr" / "index.json")["documents"]}
    assert set(index) == {"ann-lee", "glossary"}
    for doc_id in ("ann-lee", "glossary"):
        en = bundle(build, f"en/{doc_id}.json")
        fr = bundle(build, f"fr/{doc_id}.json")
        assert fr["document"] == en["document"]
        assert fr["cards"] == en["cards"] and fr["terms"] == en["terms"]
        assert own_fallbacks(fr) == index[doc_id]["fallbacks"] != []
        assert index[doc_id]["translated_percent"] == 0.0
    assert not (build / "site" / "fr" / "hip-pain.json").exists()


def test_second_build_while_one_runs_is_refused_with_e411(
        tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Two builds at once would swap each other's staging folders; the second stops cleanly."""
    from pipeline.stages.build import build_lock

    before = tree_hashes(tiny / "build")
    with build_lock(cli_config(tiny)):
        run = cli(capsys, tiny, "build", "--clean")
    assert run.code == 2, run.text
    assert "E411" in run.err and "(.pipeline-cache/build.lock)" in run.err
    assert tree_hashes(tiny / "build") == before
    assert cli(capsys, tiny, "build").code == 0
