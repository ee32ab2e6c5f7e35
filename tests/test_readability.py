"""Reading levels: counts done by hand on short texts, and what must not move them."""

from __future__ import annotations

import pytest

from pipeline.content.readability import (
    FLESCH_KINCAID,
    KANDEL_MOLES,
    Reading,
    counts,
    grade_of_ease,
    reading_level,
    syllables,
)


def level(texts: list[str], language: str) -> Reading:
    found = reading_level(texts, language)
    assert found is not None
    return found


def test_english_by_hand() -> None:
    # Lie(1) on(1) your(1) back(1). Bend(1) your(1) knees(1).
    # 2 sentences, 7 words, 7 syllables.
    found = level(["Lie on your back. Bend your knees."], "en")
    assert (found.sentences, found.words, found.syllables) == (2, 7, 7)
    assert found.formula == FLESCH_KINCAID
    # 0.39 × 7/2 + 11.8 × 7/7 − 15.59 = 1.365 + 11.8 − 15.59
    assert found.grade == pytest.approx(-2.425)
    # 206.835 − 1.015 × 3.5 − 84.6 × 1
    assert found.ease == pytest.approx(118.6825)


def test_a_text_unit_ends_a_sentence_without_punctuation() -> None:
    # Slow-ly(2) lift(1) your(1) hips(1) to-ward(2) the(1) ceil-ing(2): 1 sentence, 7 words,
    # 10 syllables; Glute(1) bridge(1): a title, a sentence of its own.
    found = level(["Glute bridge", "Slowly lift your hips toward the ceiling"], "en")
    assert (found.sentences, found.words, found.syllables) == (2, 9, 12)
    # 0.39 × 9/2 + 11.8 × 12/9 − 15.59 = 1.755 + 15.7333 − 15.59
    assert found.grade == pytest.approx(1.898333, abs=1e-5)


def test_french_by_hand() -> None:
    # Al-lon-gez-vous(4) sur(1) le(1) dos(1). Po-sez(2) les(1) pieds(1) au(1) sol(1).
    # 2 sentences, 9 words, 13 syllables.
    found = level(["Allongez-vous sur le dos. Posez les pieds au sol."], "fr")
    assert (found.sentences, found.words, found.syllables) == (2, 9, 13)
    assert found.formula == KANDEL_MOLES
    # 207 − 1.015 × 9/2 − 73.6 × 13/9 = 207 − 4.5675 − 106.3111
    assert found.ease == pytest.approx(96.121389, abs=1e-5)
    # The English text of that ease at 4.5 words a sentence has (206.835 − 4.5675 −
    # 96.121389) / 84.6 = 1.254682 syllables a word: 0.39 × 4.5 + 11.8 × 1.254682 − 15.59.
    assert found.grade == pytest.approx(0.970253, abs=1e-5)


def test_an_english_ease_converts_to_its_flesch_kincaid_grade() -> None:
    for text in ["Lie on your back. Bend your knees.",
                 "Strengthening the gluteus medius stabilizes the pelvis during walking."]:
        found = level([text], "en")
        assert found.ease is not None
        assert grade_of_ease(found.ease, found.words / found.sentences) == \
            pytest.approx(found.grade)


@pytest.mark.parametrize(("word", "language", "expected"), [
    ("l'articulation", "fr", 5),  # l'(0) ar-ti-cu-la-tion(5)
    ("jusqu’à", "fr", 2),  # jus-qu'(1) à(1)
    ("qu'il", "fr", 1),
    ("don't", "en", 1),
    ("low-impact", "en", 3),  # low(1) im-pact(2)
    ("90", "en", 1),  # a number: one syllable
    ("Mr", "en", 1),  # at least one
])
def test_syllables(word: str, language: str, expected: int) -> None:
    assert syllables(word, language) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # Abbreviations do not end sentences; ?, ! and … do.
    ("Use a band, e.g. an elastic one. It helps.", (2, 9)),
    ("Does it hurt? Stop! Rest… Then go on.", (4, 8)),
    # A decimal number, a number with its unit and a placeholder are one word each.
    ("Lift 2.5 kg {count} times at 90°.", (1, 7)),
    # Punctuation alone is no sentence.
    ("— … —", (0, 0)),
])
def test_sentences_and_words(text: str, expected: tuple[int, int]) -> None:
    assert counts(text, "en")[:2] == expected


def test_simple_text_scores_lower_than_dense_text() -> None:
    simple_en = ["Lie on your back.", "Bend your knees.", "Lift your hips.", "Hold, then rest."]
    dense_en = ["Progressive strengthening of the posterior musculature, particularly the "
                "gluteus medius and the hamstrings, considerably improves lumbopelvic stability "
                "during functional activities."]
    simple_fr = ["Allongez-vous sur le dos.", "Pliez les genoux.", "Levez le bassin.",
                 "Tenez, puis posez."]
    dense_fr = ["Le renforcement progressif de la musculature postérieure, particulièrement du "
                "moyen fessier et des ischio-jambiers, améliore considérablement la stabilité "
                "lombo-pelvienne pendant les activités fonctionnelles quotidiennes."]
    for simple, dense, language in ((simple_en, dense_en, "en"), (simple_fr, dense_fr, "fr")):
        easy, hard = level(simple, language), level(dense, language)
        assert easy.grade < 4 < 12 < hard.grade
        assert easy.ease is not None and hard.ease is not None
        assert easy.ease > hard.ease


@pytest.mark.parametrize(("plain", "marked"), [
    ("Bend your knees. Keep your back flat.",
     "**Bend** your *knees*. Keep your _back_ __flat__."),
    ("Read the guide to the hamstrings.",
     "Read the [guide to the hamstrings](https://example.org/a-very-long/guide-to-the-"
     "hamstrings-and-the-sacroiliac-joint)."),
    ("Read more at. Then rest.",
     "Read more at https://example.org/exercises/knee-to-chest-stretch. Then rest."),
    ("Write to us at. Then rest.", "Write to us at clinic.team@example.org. Then rest."),
    ("Rest between sets, then repeat.", "Rest&nbsp;between sets&#44; then repeat."),
    ("Allongez-vous sur le dos.", "«\u00a0Allongez-vous\u202fsur le *dos*\u00a0»."),
])
def test_markup_and_addresses_do_not_change_the_score(plain: str, marked: str) -> None:
    for language in ("en", "fr"):
        assert reading_level([marked], language) == reading_level([plain], language)


def test_numbers_count_alike() -> None:
    assert level(["Hold for 5 seconds."], "en") == level(["Hold for 30 seconds."], "en") \
        == level(["Hold for {count} seconds."], "en")


@pytest.mark.parametrize("language", ["de", "es", "ja", "", "xx"])
def test_other_languages_have_no_reading_level(language: str) -> None:
    assert reading_level(["Lie on your back."], language) is None


def test_regional_codes_and_empty_documents() -> None:
    assert level(["Lie on your back."], "en-GB").formula == FLESCH_KINCAID
    assert level(["Allongez-vous."], "fr_CA").formula == KANDEL_MOLES
    assert reading_level([], "en") is None
    assert reading_level(["", "https://example.org"], "fr") is None


def test_a_run_of_letters_no_language_has_is_counted_by_its_vowel_groups() -> None:
    """Hyphenation patterns cost time in the square of a word's length: a "word" of half a
    million letters (a hostile or broken text) is counted a syllable per group of vowels,
    and a real long word is still hyphenated."""
    assert syllables("ba" * 250_000, "en") == 250_000
    assert syllables("quoi" * 20, "fr") == 20
    assert syllables("anticonstitutionnellement", "fr") == 9
