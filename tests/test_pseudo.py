"""Pseudo-localization: English made visibly foreign and longer, for layout testing.

Unit tests of `pseudo_text`, then the en-XA bundles of a real build: every link target and
every number of the English survives, texts are accented, bracketed and longer, and the
model's limits hold. The pseudo-locale can be switched off or renamed in the config.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.content import markup
from pipeline.content.textunits import iter_texts
from pipeline.gettext.pseudo import pseudo_text
from pipeline.stages.export import BUNDLE_MODELS
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
    real_template,
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


def test_pseudo_bundles_of_the_real_project(real_built: Path) -> None:
    config = cli_config(real_built)
    library, _ = validate_project(config)
    build = real_built / "build"
    found = bundles(build)
    units = 0
    for doc in library:
        pseudo = found[f"en-XA/{doc.id}.json"]
        english = found[f"en/{doc.id}.json"]
        assert pseudo["locale"] == "en-XA" and pseudo["fallbacks"] == []
        BUNDLE_MODELS[doc.kind].model_validate(pseudo)
        for unit in iter_texts(doc.model):
            text = get_path(pseudo["document"], unit.path)
            source = unit.text
            where = (doc.id, unit.path)
            assert markup.analyze(text).links == markup.analyze(source).links, where
            assert digit_runs(text) == digit_runs(source), where
            assert visible_letters(text) == "", where
            assert text != source, where
            if unit.max_length is not None:
                assert len(text) <= unit.max_length, where
            if unit.max_length is None or len(source) + 4 <= unit.max_length:
                assert text.startswith(OPEN) and text.endswith(CLOSE), where
                assert len(text) > len(source), where
            units += 1
        # Only translatable texts change: ids, numbers and citations stay as in English.
        unchanged = json.loads(json.dumps(pseudo["document"]))
        for unit in iter_texts(doc.model):
            target = unchanged
            for part in unit.path[:-1]:
                target = target[part]
            target[unit.path[-1]] = unit.text
        assert unchanged == english["document"], doc.id
        for vocabulary in pseudo["terms"].values():
            for term in vocabulary.values():
                assert term["name"].startswith(OPEN), doc.id
        assert pseudo["formatted"] == english["formatted"]
    assert units > 100


# ---------------------------------------------------------------------------------------------
# Configuration


@pytest.fixture
def tiny(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    return clone(built(tmp_path_factory, "tiny", tiny_template(tmp_path_factory)),
                 tmp_path / "tiny")


def test_pseudo_locale_can_be_switched_off(tiny: Path, capsys: pytest.CaptureFixture[str]
                                           ) -> None:
    assert (tiny / "build" / "en-XA").is_dir()
    configure(tiny, required=("fr",), optional=(), pseudo="")
    run = cli(capsys, tiny, "build")
    assert run.code == 0, run.text
    assert sorted(p.name for p in (tiny / "build").iterdir() if p.is_dir() and p.name != "mo"
                  ) == ["en", "fr", "schema"]
    manifest = json.loads((tiny / "build" / "manifest.json").read_text("utf-8"))
    assert set(manifest["locales"]) == {"en", "fr"}
    assert not any(rel.startswith("en-XA/") for rel in manifest["bundles"])
    assert not any(rel.startswith("en-XA/") for rel in tree_hashes(tiny / "build"))
    assert leftovers(tiny) == []


def test_pseudo_locale_can_have_another_tag(tiny: Path, capsys: pytest.CaptureFixture[str]
                                            ) -> None:
    """A tag CLDR does not know (en-XB) still builds; its dates read as English."""
    configure(tiny, required=("fr",), optional=(), pseudo="en-XB")
    run = cli(capsys, tiny, "build")
    assert run.code == 0, run.text
    assert not (tiny / "build" / "en-XA").exists()
    guide = json.loads((tiny / "build" / "en-XB" / "hip-pain.json").read_text("utf-8"))
    assert guide["locale"] == "en-XB"
    assert guide["formatted"] == {"reviewed_on": "October 14, 2026"}
    assert guide["document"]["title"].startswith(OPEN)
    manifest = json.loads((tiny / "build" / "manifest.json").read_text("utf-8"))
    assert manifest["locales"]["en-XB"] == {"policy": "pseudo", "bundles": 4}
