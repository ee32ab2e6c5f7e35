"""The shortcuts that let common text skip the slow, exact analyses must give exactly what
the analyses give: each is held to the full computation on generated text."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import polib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.content import language, markup
from pipeline.content.loader import read_source
from pipeline.content.textunits import iter_texts
from pipeline.content.validation import validate_data
from pipeline.core import text

SETTINGS = settings(max_examples=400, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.from_regex(markup._PLAIN, fullmatch=True))
def test_text_taken_as_plain_has_nothing_a_renderer_would_make_of_it(sample: str) -> None:
    assert markup.parse(sample) == markup.Markup()
    assert markup.analyze(sample) == markup.Markup()


# Near misses: one character from the plain alphabet's neighbours put into plain text.
_TRICKY = list("[]()<>&%\\:@/*_`~|#.=+-!\n\t") + ["www.", "e.com", "1. ", "\u200b"]


@SETTINGS
@given(st.from_regex(markup._PLAIN, fullmatch=True), st.sampled_from(_TRICKY),
       st.integers(min_value=0))
def test_text_with_anything_more_is_parsed(sample: str, extra: str, where: int) -> None:
    changed = sample[: where % (len(sample) + 1)] + extra + sample[where % (len(sample) + 1):]
    assert markup.analyze(changed) == markup.parse(changed)


def test_plain_steps_are_plain_and_marked_up_ones_are_not() -> None:
    assert markup.is_plain("Lie on your back and bend your knees (feet flat).")
    assert markup.is_plain("Allongez-vous sur le dos\u00a0; gardez le dos plat\u00a0!")
    for marked in ("See clinic.com", "Read *slowly*", "3. Lie down", "Tip: relax",
                   "Call [us](https://example.org)", "A\nB", "a & b", "x <b>"):
        assert not markup.is_plain(marked), marked


def _stacks_one_by_one(sample: str) -> list[tuple[int, int, int]]:
    """Every character looked at: what `_stacks` finds without skipping ASCII."""
    found = []
    start = selectors = 0
    for index in range(len(sample) + 1):
        mark = index < len(sample) and unicodedata.category(sample[index]) in ("Mn", "Me")
        if mark:
            selectors += sample[index] in text._VARIATION_SELECTORS
            continue
        if index - start > text.MAX_MARKS or selectors > 1:
            found.append((start, index, selectors))
        start, selectors = index + 1, 0
    return found


_MARKS = "\u0301\u0300\u0308\u20dd\ufe0f\ufe0e\U000e0101"
_MIXED = st.text(st.sampled_from(list("ab é\u00a0\t\n\u200b\u200d\u202e\u2028\u00ad\x00")
                                 + list(_MARKS) + ["\u0627", "\u094d", "\u0915"]),
                 max_size=30)


@SETTINGS
@given(_MIXED)
def test_stacks_skip_only_what_cannot_be_a_stack(sample: str) -> None:
    assert list(text._stacks(sample)) == _stacks_one_by_one(sample)


@SETTINGS
@given(_MIXED | st.text(max_size=30))
def test_hidden_characters_are_found_whatever_surrounds_them(sample: str) -> None:
    found = text.hidden_characters(sample)
    for ch in set(sample):
        category = unicodedata.category(ch)
        if ch not in "\n\t" and (category in ("Cc", "Zl", "Zp") or ch == "\u202e"):
            assert any(f"U+{ord(ch):04X}" in line for line in found), (sample, found)
    if sample.isprintable() and not _stacks_one_by_one(sample):
        assert found == []


REPO = Path(__file__).resolve().parents[1]
# Sentences where words of two languages meet, as in a half-finished translation.
MIXED = [
    "Gardez the dos droit pendant that vous respirez calmement.",
    "Place vos mains sur les hanches and breathe out slowly through your mouth.",
    "Keep your dos bien droit pendant the whole exercice avec les genoux pliés.",
    "Lie on your back avec les genoux fléchis et les pieds à plat sur le sol.",
    "Allongez-vous sur le dos and keep your knees bent with your feet flat on the floor.",
    "Hold la position pendant trente secondes, then relax and repeat the movement.",
    "Tenez la position for thirty seconds avant de relâcher doucement les épaules.",
]


def _shipped_sentences(base: str) -> list[str]:
    if base == "en":
        texts = [unit.text for path in sorted((REPO / "source").rglob("*.yaml"))
                 for unit in iter_texts(_model(path))]
    else:
        texts = [entry.msgstr for path in sorted((REPO / "locales" / base).rglob("*.po"))
                 for entry in polib.pofile(str(path)) if entry.msgstr]
    return sorted({s for text in texts + MIXED for s in language._sentences(text)})


def _model(path: Path) -> Any:
    source, _ = read_source(path, path.name, max_bytes=1 << 20)
    doc, problems = validate_data(source)
    assert doc is not None, problems
    return doc.model


@pytest.mark.parametrize("base", ["en", "fr"])
def test_sentences_taken_as_plainly_in_their_language_are_never_judged_foreign(base: str
                                                                               ) -> None:
    sentences = _shipped_sentences(base)
    cleared = [s for s in sentences if language.plainly_in(s, base)]
    assert len(cleared) > len(sentences) / 4  # the shortcut serves much of the library
    verdicts = language.judge_here(cleared, base)
    assert [s for s, verdict in zip(cleared, verdicts) if verdict] == []


def test_english_left_in_french_is_still_judged() -> None:
    english = "Keep your back straight and breathe calmly during the whole exercise."
    assert not language.plainly_in(english, "fr")
    assert language.foreign_sentence(english, "fr") == (english, "en")


OTHER_LANGUAGES = [
    "Mantenga la espalda recta durante todo el ejercicio y respire con calma.",
    "Tenga las rodillas dobladas y los pies apoyados en el suelo de la sala.",
    "Tenete la schiena dritta durante tutto l'esercizio e respirate con calma.",
    "Halten Sie den Rücken während der ganzen Übung gerade und atmen Sie ruhig.",
    "Mantenha as costas retas durante todo o exercício e respire com calma.",
    "Houd je rug recht tijdens de hele oefening en adem rustig door je neus.",
]


@pytest.mark.parametrize("sentence", OTHER_LANGUAGES)
def test_other_languages_are_never_taken_for_english_or_french(sentence: str) -> None:
    assert not language.plainly_in(sentence, "en")
    assert not language.plainly_in(sentence, "fr")


@pytest.mark.parametrize("base", ["en", "fr"])
def test_the_quick_reading_then_the_full_one_gives_the_full_models_verdicts(base: str
                                                                            ) -> None:
    """Every sentence the word shortcut leaves, plus foreign and mixed ones: the verdicts of
    `judge_here` (lingua's low-accuracy mode, then its full models on what that flags) are
    those of lingua's full models alone."""
    from lingua import LanguageDetectorBuilder

    sentences = sorted(
        {s for s in _shipped_sentences(base) if not language.plainly_in(s, base)}
        | {s for text in OTHER_LANGUAGES + MIXED for s in language._sentences(text)})
    languages = {lang for code in language._CANDIDATES if (lang := language._language(code))}
    full = LanguageDetectorBuilder.from_languages(*languages).build()
    expected = [language._verdict(values, base)
                for values in full.compute_language_confidence_values_in_parallel(sentences)]
    assert language.judge_here(sentences, base) == expected
    assert sum(1 for verdict in expected if verdict) >= len(OTHER_LANGUAGES)
