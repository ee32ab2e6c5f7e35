"""Pseudo-localization: English made visibly foreign and longer, for layout testing.

Unit tests of `pseudo_text`, then the en-XA bundles of a real build (under build/pseudo/,
outside the site clients fetch): every link, mark and number of the English survives, texts
are accented, bracketed and longer, and the model's limits hold. The pseudo-locale can be
switched off or renamed in the config.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.client.bundles import BUNDLE_MODELS
from pipeline.content import markup
from pipeline.gettext.pseudo import pseudo_text
from pipeline.stages.validate import validate_project

from build_helpers import (
    built,
    bundles,
    cli,
    cli_config,
    clone,
    configure,
    get_path,
    leftovers,
    links_of,
    manifest_of,
    plain_of,
    real_template,
    sent_texts,
    tiny_template,
    tree_hashes,
)

OPEN, CLOSE = "⟦", "⟧"
_DIGITS = re.compile(r"\d+")
_ASCII_LETTER = re.compile(r"[A-Za-z]")


def digit_runs(text: str) -> list[str]:
    return _DIGITS.findall(text)


def visible_letters(text: str) -> str:
    """The ASCII letters a reader sees: not inside link targets or URLs."""
    text = re.sub(r"\]\([^)]*\)", "]", text)
    text = re.sub(r"https://\S+", "", text)
    return "".join(_ASCII_LETTER.findall(text))


# ---------------------------------------------------------------------------------------------
# pseudo_text


def test_text_is_accented_bracketed_and_longer() -> None:
    text = "Hold for 5 seconds, then lower your hips slowly."
    result = pseudo_text(text)
    assert result.startswith(OPEN) and result.endswith(CLOSE)
    assert len(result) > len(text) * 1.25
    assert visible_letters(result) == ""
    assert "5" in result
    assert pseudo_text(text) == result  # deterministic


def test_markup_links_urls_and_numbers_survive() -> None:
    text = ("**Stop** if it hurts, read [this advice](https://example.org/pain?a=1) or "
            "[the bridge](../exercises/glute-bridge.yaml#steps), hold 2.5 s at 10:30 for "
            "1,000 reps (5-10), see https://example.org/x_y and *rest*.")
    result = pseudo_text(text)
    before, after = markup.analyze(text), markup.analyze(result)
    assert after.links == before.links
    assert after.structure == before.structure
    assert after.problems == ()
    for kept in ("](https://example.org/pain?a=1)", "](../exercises/glute-bridge.yaml#steps)",
                 "2.5", "10:30", "1,000", "5-10", "https://example.org/x_y", "**", "*"):
        assert kept in result
    assert digit_runs(result) == digit_runs(text)
    assert visible_letters(result) == ""


@pytest.mark.parametrize("limit", [1, 2, 3, 5, 12, 50, 60, 100])
def test_max_length_is_respected_for_every_text_that_fits(limit: int) -> None:
    for size in range(1, limit + 1):
        text = ("Lift your hips " * 20)[:size].rstrip() or "L"
        result = pseudo_text(text, limit)
        assert len(result) <= limit, (size, result)
        if len(text) + 4 <= limit:  # room for both brackets and some padding
            assert result.startswith(OPEN) and result.endswith(CLOSE)
            assert len(result) > len(text)


def test_text_without_room_keeps_its_length_and_stays_accented() -> None:
    text = "Glute bridge with both feet flat on the floor and arms down"
    assert len(text) == 59
    result = pseudo_text(text, 60)
    assert len(result) <= 60
    assert visible_letters(result) == ""


_WORD = st.text(alphabet=st.characters(min_codepoint=ord("a"), max_codepoint=ord("z")),
                min_size=1, max_size=8)
_NUMBER = st.integers(min_value=0, max_value=10_000).map(str) | st.sampled_from(
    ["2.5", "1,000", "10:30", "5-10", "3/4"])
_LINK = st.builds(lambda w, t: f"[{w}]({t})", _WORD, st.sampled_from(
    ["https://example.org/a-b", "../exercises/hip-thrust.yaml", "https://x.org/p?q=1#f",
     "other.yaml#steps"]))
_PIECE = _WORD | _NUMBER | _LINK | _WORD.map(lambda w: f"*{w}*") | _WORD.map(
    lambda w: f"**{w}**")


@settings(max_examples=150, deadline=None)
@given(pieces=st.lists(_PIECE, min_size=1, max_size=12), room=st.integers(0, 40),
       end=st.sampled_from(["", ".", "!", "?"]))
def test_properties(pieces: list[str], room: int, end: str) -> None:
    text = " ".join(pieces) + end
    limit = len(text) + room
    result = pseudo_text(text, limit)
    assert len(result) <= limit
    assert digit_runs(result) == digit_runs(text)
    assert markup.analyze(result).links == markup.analyze(text).links
    assert markup.analyze(result).structure == markup.analyze(text).structure
    assert visible_letters(result) == ""
    if room >= 4:
        assert result.startswith(OPEN) and result.endswith(CLOSE) and len(result) > len(text)


# ---------------------------------------------------------------------------------------------
# en-XA bundles of a real build


@pytest.fixture(scope="module")
def real_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built(tmp_path_factory, "real", real_template(tmp_path_factory))


def styled(rich: dict[str, Any]) -> list[list[tuple[tuple[str, ...], Any]]]:
    """The marks and links of a rich text's spans that have any, block by block: what
    pseudo-localization must keep (its brackets and padding are unmarked text)."""
    return [[(tuple(span["marks"]), span["link"]) for span in block["spans"]
             if span["marks"] or span["link"]] for block in rich["blocks"]]


def test_pseudo_bundles_of_the_real_project(real_built: Path) -> None:
    config = cli_config(real_built)
    library, _ = validate_project(config)
    build = real_built / "build"
    found = bundles(build)
    assert not (build / "site" / "en-XA").exists()
    units = rich = 0
    for doc in library:
        pseudo = found[f"en-XA/{doc.id}.json"]
        english = found[f"en/{doc.id}.json"]
        assert (build / "pseudo" / "en-XA" / f"{doc.id}.json").is_file()  # beside the site
        assert pseudo["locale"] == "en-XA" and pseudo["fallbacks"] == []
        BUNDLE_MODELS[doc.kind].model_validate(pseudo)
        cited = [ref.id for ref in getattr(doc.model, "references", [])]
        for unit in sent_texts(doc.model):
            value = get_path(pseudo["document"], unit.path)
            source = get_path(english["document"], unit.path)
            where = (doc.id, unit.path)
            if unit.markup:
                # The Markdown the model checked (its limit included) is the pseudo text of
                # the English; the bundle holds it as rich text, with the English's links,
                # marks and paragraphs.
                written = pseudo_text(unit.text, unit.max_length)
                assert value["plain"] == plain_of(written, cited), where
                assert links_of(value) == links_of(source), where
                assert styled(value) == styled(source), where
                if unit.max_length is not None:
                    assert len(written) <= unit.max_length, where
                text, source = value["plain"], source["plain"]
                rich += 1
            else:
                text = value
                if unit.max_length is not None:
                    assert len(text) <= unit.max_length, where
            assert isinstance(text, str) and isinstance(source, str), where
            assert digit_runs(text) == digit_runs(source), where
            assert visible_letters(text) == "", where
            assert text != source, where
            if unit.max_length is None or len(unit.text) + 4 <= unit.max_length:
                assert text.startswith(OPEN) and text.endswith(CLOSE), where
                assert len(text) > len(source), where
            units += 1
        # Only translatable texts change: ids, numbers and citations stay as in English.
        unchanged = json.loads(json.dumps(pseudo["document"]))
        for unit in sent_texts(doc.model):
            target = unchanged
            for part in unit.path[:-1]:
                target = target[part]
            target[unit.path[-1]] = get_path(english["document"], unit.path)
        assert unchanged == english["document"], doc.id
        for vocabulary in pseudo["terms"].values():
            for term in vocabulary.values():
                assert term["name"].startswith(OPEN), doc.id
        assert pseudo["terms"].keys() == english["terms"].keys()
        for vocabulary, terms in pseudo["terms"].items():
            assert terms.keys() == english["terms"][vocabulary].keys(), doc.id
        # Cards: the translatable texts pseudo-localized, the rest as in English.
        assert pseudo["cards"].keys() == english["cards"].keys()
        for kind, texts in (("exercises", ("name", "summary")), ("reviewers", ("role",))):
            assert pseudo["cards"][kind].keys() == english["cards"][kind].keys(), doc.id
            for card_id, card in pseudo["cards"][kind].items():
                source_card = english["cards"][kind][card_id]
                for field in texts:
                    assert card[field].startswith(OPEN), (doc.id, card_id, field)
                    assert card[field] == found[f"en-XA/{card_id}.json"]["document"][field]
                assert {k: v for k, v in card.items() if k not in (*texts, "formatted")} == {
                    k: v for k, v in source_card.items() if k not in (*texts, "formatted")
                }, (doc.id, card_id)
                if kind == "exercises":  # the dose as the exercise's own bundle writes it
                    assert card["formatted"] == found[f"en-XA/{card_id}.json"]["formatted"]
        # Dates read as English (CLDR has no pseudo-locale); a dose is written with the
        # glossary's phrases, pseudo-localized like any text, around English numbers.
        assert pseudo["formatted"].keys() == english["formatted"].keys()
        if "reviewed_on" in english["formatted"]:
            assert pseudo["formatted"]["reviewed_on"] == english["formatted"]["reviewed_on"]
        if english["formatted"].get("dosage"):
            dose = pseudo["formatted"]["dosage"]
            assert dose.startswith(OPEN) and dose != english["formatted"]["dosage"]
            assert re.findall(r"\d+", dose) == re.findall(r"\d+", english["formatted"]["dosage"])
    assert units > 100 and rich > 50


def test_pseudo_locale_has_an_index_of_its_own(real_built: Path) -> None:
    """The pseudo-locale's index lists its bundles under pseudo/; it has no offline pack
    and no place in the manifest, so no client offers it."""
    build = real_built / "build"
    library, _ = validate_project(cli_config(real_built))
    index = json.loads((build / "pseudo" / "en-XA" / "index.json").read_text("utf-8"))
    assert (index["bundle_version"], index["locale"]) == (3, "en-XA")
    assert [e["id"] for e in index["documents"]] == sorted(library.documents)
    for entry in index["documents"]:
        assert entry["bundle"] == f"en-XA/{entry['id']}.json"  # relative to pseudo/
        assert (build / "pseudo" / entry["bundle"]).is_file()
        assert entry["fallbacks"] == [] and entry["translated_percent"] == 100.0
        if entry["kind"] in ("exercise", "guide"):
            assert entry["title"].startswith(OPEN) and entry["summary"].startswith(OPEN)
    manifest = manifest_of(build)
    assert "en-XA" not in manifest["locales"]
    assert not any("en-XA" in rel for rel in manifest["files"])
    assert not any("en-XA" in rel for rel in tree_hashes(build / "site"))


# ---------------------------------------------------------------------------------------------
# Configuration


@pytest.fixture
def tiny(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    return clone(built(tmp_path_factory, "tiny", tiny_template(tmp_path_factory)),
                 tmp_path / "tiny")


def test_pseudo_locale_can_be_switched_off(tiny: Path, capsys: pytest.CaptureFixture[str]
                                           ) -> None:
    assert (tiny / "build" / "pseudo" / "en-XA").is_dir()
    site = tree_hashes(tiny / "build" / "site")
    configure(tiny, required=("fr",), optional=(), pseudo="")
    run = cli(capsys, tiny, "build")
    assert run.code == 0, run.text
    assert sorted(p.name for p in (tiny / "build").iterdir() if p.is_dir()) == ["mo", "site"]
    assert sorted(p.name for p in (tiny / "build" / "site").iterdir() if p.is_dir()) == [
        "en", "fr", "offline", "schema", "types"]
    assert set(manifest_of(tiny / "build")["locales"]) == {"en", "fr"}
    assert not any("en-XA" in rel for rel in tree_hashes(tiny / "build"))
    assert tree_hashes(tiny / "build" / "site") == site  # the site never held it
    assert leftovers(tiny) == []


def test_pseudo_locale_can_have_another_tag(tiny: Path, capsys: pytest.CaptureFixture[str]
                                            ) -> None:
    """A tag CLDR does not know (en-XB) still builds; its dates read as English."""
    configure(tiny, required=("fr",), optional=(), pseudo="en-XB")
    run = cli(capsys, tiny, "build")
    assert run.code == 0, run.text
    assert sorted(p.name for p in (tiny / "build" / "pseudo").iterdir()) == ["en-XB"]
    pseudo = tiny / "build" / "pseudo" / "en-XB"
    guide = json.loads((pseudo / "hip-pain.json").read_text("utf-8"))
    assert guide["locale"] == "en-XB"
    assert guide["formatted"] == {"reviewed_on": "October 14, 2026"}
    assert guide["document"]["title"].startswith(OPEN)
    assert guide["cards"]["exercises"]["glute-bridge"]["name"].startswith(OPEN)
    index = json.loads((pseudo / "index.json").read_text("utf-8"))
    assert index["locale"] == "en-XB"
    assert [e["bundle"] for e in index["documents"]] == [
        f"en-XB/{doc_id}.json" for doc_id in ("ann-lee", "glossary", "glute-bridge",
                                                     "hip-pain")]
    assert set(manifest_of(tiny / "build")["locales"]) == {"en", "fr"}
    assert not (tiny / "build" / "site" / "offline" / "en-XB.json").exists()
