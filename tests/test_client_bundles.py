"""What an app fetches besides the bundles: each locale's index, its offline pack and the
manifest, held to their schemas and to the files they describe; and staging builds, which
ship a required locale with English standing in, loudly and marked."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import jsonschema
import polib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.gettext.pofiles import render_catalog
from pipeline.stages.export import render_json
from pipeline.stages.rebuild import offline_pack

from build_helpers import (
    bundles,
    edit_text,
    manifest_of,
    plain,
    po_path,
    refresh,
    tree_hashes,
)
from runner import run_cli


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _validator(site: Path, name: str) -> jsonschema.protocols.Validator:
    schema = _json(site / "schema" / f"{name}.json")
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def test_index_lists_every_bundle_of_its_locale_as_it_is(tiny: Path) -> None:
    """A list page needs only the index: kind, title and summary as the bundle has them, and
    the bundle's path and hash, for every document and nothing else."""
    site = tiny / "build" / "site"
    for tag in ("en", "fr"):
        index = _json(site / tag / "index.json")
        _validator(site, "index").validate(index)
        shipped = {rel: data for rel, data in bundles(tiny / "build").items()
                   if rel.startswith(f"{tag}/")}
        assert [entry["bundle"] for entry in index["documents"]] == sorted(shipped)
        for entry in index["documents"]:
            path = site / entry["bundle"]
            assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"]
            assert path.stat().st_size == entry["bytes"]
            data = shipped[entry["bundle"]]
            assert (entry["id"], entry["kind"]) == (data["id"], data["kind"])
            document = data["document"]
            assert entry["title"] == document.get("title", document.get("name"))
            assert entry["summary"] == document.get("summary")
            assert entry["fallbacks"] == [f for f in data["fallbacks"]
                                          if not f.startswith("cards.")]
            assert entry["translated_percent"] == 100.0
        assert {e["kind"] for e in index["documents"]} == {
            "exercise", "guide", "reviewer", "glossary"}
        assert next(e for e in index["documents"] if e["kind"] == "glossary")["title"] is None


def test_offline_pack_is_the_index_and_every_bundle_of_its_locale(tiny: Path) -> None:
    site = tiny / "build" / "site"
    for tag in ("en", "fr"):
        pack = _json(site / "offline" / f"{tag}.json")
        _validator(site, "offline").validate(pack)
        assert pack["locale"] == tag and pack["bundle_version"] == 3
        assert pack["index"] == _json(site / tag / "index.json")
        assert pack["bundles"] == {data["id"]: data for rel, data in
                                   bundles(tiny / "build").items() if rel.startswith(f"{tag}/")}
        # Made from the files' own bytes, it is what writing the whole pack would give.
        assert (site / "offline" / f"{tag}.json").read_text("utf-8") == render_json(pack)


def test_manifest_describes_every_file_of_the_site_and_nothing_else(tiny: Path) -> None:
    """The site folder is what gets deployed: the manifest names each file in it with its
    hash, and nothing internal (compiled catalogs, the pseudo-locale, markers) is in it."""
    site = tiny / "build" / "site"
    manifest = manifest_of(tiny / "build")
    _validator(site, "manifest").validate(manifest)
    files = tree_hashes(site)
    del files["manifest.json"]
    assert {rel: entry["sha256"] for rel, entry in manifest["files"].items()} == files
    assert all(entry["bytes"] == (site / rel).stat().st_size
               for rel, entry in manifest["files"].items())
    assert not any(rel.startswith(("mo/", "en-XA/", "preview/", ".")) for rel in files)
    assert set(manifest["locales"]) == {"en", "fr"}  # a locale picker offers these only
    for tag, info in manifest["locales"].items():
        assert info["index"] == f"{tag}/index.json" and info["offline"] == f"offline/{tag}.json"
        assert info["staging"] is False
    assert ".yaml" not in "".join(p.read_text(encoding="utf-8") for p in site.rglob("*.json"))
    assert (tiny / "build" / "pseudo" / "en-XA" / "index.json").is_file()


def _staged_edit(root: Path) -> str:
    """An English edit the French has not caught up with, catalogs updated: the entry is
    now fuzzy in the required locale."""
    old = "Lift your hips only halfway off the floor."
    new = "Lift your hips only a little way off the floor."
    edit_text(root / "source" / "exercises" / "glute-bridge.yaml", old, new)
    refresh(root)
    return new


def test_a_staging_build_ships_a_required_locale_with_english_standing_in(tiny: Path) -> None:
    new = _staged_edit(tiny)
    before = tree_hashes(tiny / "build")
    strict = run_cli(tiny, "build")
    assert strict.code == 1 and "E502" in strict.out + strict.err
    assert tree_hashes(tiny / "build") == before  # the strict build changed nothing

    staged = run_cli(tiny, "build", "--allow-incomplete")
    assert staged.code == 0, staged.err
    assert "STAGING BUILD" in staged.err and "fr" in staged.err
    assert "E502" in staged.out  # the fuzzy entry is reported, as a warning
    manifest = manifest_of(tiny / "build")
    assert manifest["locales"]["fr"]["policy"] == "required"
    assert manifest["locales"]["fr"]["staging"] is True
    assert manifest["locales"]["fr"]["fallback_percent"] > 0
    exercise = bundles(tiny / "build")["fr/glute-bridge.json"]
    assert plain(exercise["document"]["easier"][0]["how"]) == new
    assert exercise["fallbacks"] == ["easier[0].how"]
    index = _json(tiny / "build" / "site" / "fr" / "index.json")
    entry = next(e for e in index["documents"] if e["id"] == "glute-bridge")
    assert entry["fallbacks"] == ["easier[0].how"] and entry["translated_percent"] < 100

    # Quiet still says it: a staging build must not pass unnoticed in a deploy script.
    assert "STAGING BUILD" in run_cli(tiny, "build", "--allow-incomplete", "--quiet").err

    # The strict build is not fooled by the staging one's record: it fails again, and
    # leaves the staging build as it was.
    staged_tree = tree_hashes(tiny / "build")
    again = run_cli(tiny, "build")
    assert again.code == 1 and "E502" in again.out + again.err
    assert tree_hashes(tiny / "build") == staged_tree

    # Once the French is reviewed, the production build marks nothing as staging.
    # As Poedit does on review: the translation, no fuzzy flag, no previous English.
    catalog = polib.pofile(str(po_path(tiny, "glute-bridge")))
    entry = catalog.find(new)
    assert entry is not None
    entry.msgstr, entry.previous_msgid = "Soulevez les hanches juste un peu du sol.", None
    entry.flags.remove("fuzzy")
    po_path(tiny, "glute-bridge").write_text(render_catalog(catalog), encoding="utf-8")
    final = run_cli(tiny, "build")
    assert final.code == 0, final.out + final.err
    assert "STAGING" not in final.err
    assert manifest_of(tiny / "build")["locales"]["fr"]["staging"] is False
    assert bundles(tiny / "build")["fr/glute-bridge.json"]["fallbacks"] == []


@pytest.mark.parametrize("fmt", ["json", "github"])
def test_staging_is_said_in_every_output_format(tiny: Path, fmt: str) -> None:
    _staged_edit(tiny)
    run = run_cli(tiny, "build", "--allow-incomplete", "--format", fmt)
    assert run.code == 0 and "STAGING BUILD" in run.err


# What bundles, indexes and the manifest hold: text, whole numbers and percentages with one
# decimal. (The two writers differ on other floats: 6.1e-05 against 0.000061.)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53)
    | st.integers(0, 1000).map(lambda n: n / 10) | st.text(),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5),
    max_leaves=30)


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.from_regex(r"[a-z0-9]+(-[a-z0-9]+)*", fullmatch=True), _JSON,
                       max_size=4), _JSON)
def test_an_offline_pack_made_from_bytes_is_the_pack_written_whole(
        found: dict[str, Any], index: Any) -> None:
    texts = {doc_id: render_json(data).encode() for doc_id, data in found.items()}
    made = offline_pack("fr", render_json(index), texts)
    assert made.decode() == render_json({"bundle_version": 3, "locale": "fr", "index": index,
                                         "bundles": found})


@settings(max_examples=120, deadline=None)
@given(_JSON)
def test_bundles_are_written_as_json_dumps_writes_them(data: Any) -> None:
    """orjson writes the bundles for speed; for what bundles hold, the bytes are the standard
    library's (sorted keys, two-space indent, UTF-8 text), HTML-sensitive characters
    escaped."""
    expected = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        expected = expected.replace(char, escaped)
    assert render_json(data) == expected
    assert json.loads(render_json(data)) == data
