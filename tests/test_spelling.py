"""Spelling against the real Hunspell dictionaries Debian installs (hunspell-en-us,
hunspell-fr; `.ci/run` installs them)."""

from __future__ import annotations

import multiprocessing
import pickle
from dataclasses import FrozenInstanceError

import pytest

from pipeline.content import spelling
from pipeline.content.spelling import Misspelling, Speller, dictionary_tag, speller, words


def _installed(language: str) -> Speller:
    made = speller(language)
    assert made is not None, f"no Hunspell dictionary for {language}: apt-get install " \
                             "hunspell-en-us hunspell-fr"
    return made


@pytest.fixture(scope="module")
def en() -> Speller:
    return _installed("en")


@pytest.fixture(scope="module")
def fr() -> Speller:
    return _installed("fr")


def flagged(checker: Speller, text: str) -> list[str]:
    """The words `misspelled` reports, without asking for suggestions (slow)."""
    return [word for word, _ in words(text) if not checker.correct(word)]


# ---------------------------------------------------------------------------------------------
# Correct text, and misspellings with their suggestions

ENGLISH = [
    "Lie on your back with your knees bent and your feet flat on the floor.",
    "Squeeze your buttocks and lift your hips until your body forms a straight line.",
    "Keep your pelvis level; don't let your lower back arch.",
    "The hamstrings run down the back of the thigh and help bend the knee.",
    "The sacroiliac joint links the sacrum to the pelvis, and it's stiff in many people.",
    "Strong quadriceps and a steady gluteus medius protect the kneecap.",
    "Breathe out as you lift, hold for a moment, then lower slowly.",
    "A low-impact warm-up gets the hip's muscles ready; stop if the pain gets worse.",
    "Ask your physiotherapist whether sciatica is behind the ache in your calves.",
]
FRENCH = [
    "Allongez-vous sur le dos, genoux fléchis et pieds à plat sur le sol.",
    "Contractez les fessiers et soulevez le bassin jusqu’à former une ligne droite.",
    "Gardez le bassin à l'horizontale : le bas du dos ne doit pas se creuser.",
    "Le quadriceps et le moyen fessier protègent la rotule à chaque pas.",
    "Expirez en montant, tenez une seconde, puis redescendez lentement.",
    "Arrêtez l’exercice si la douleur lombaire augmente ou si elle descend dans la jambe.",
    "Aujourd’hui, c’est peut-être l'étirement qu'il faut à l’articulation de la hanche.",
    "Demandez à votre kinésithérapeute d’adapter le nombre de répétitions.",
    "«\u00a0Respirez calmement\u202f», rappelle-t-il pendant le gainage.",
]


@pytest.mark.parametrize("text", ENGLISH)
def test_correct_english_has_no_findings(en: Speller, text: str) -> None:
    assert en.misspelled(text) == []


@pytest.mark.parametrize("text", FRENCH)
def test_correct_french_has_no_findings(fr: Speller, text: str) -> None:
    assert fr.misspelled(text) == []


def test_a_misspelled_word_is_found_with_suggestions(en: Speller) -> None:
    text = "Stretch the hamstirng and the quadricpes gently."
    found = en.misspelled(text)
    assert [(m.word, m.offset) for m in found] == [("hamstirng", 12), ("quadricpes", 30)]
    assert found[0].suggestions[0] == "hamstring"
    assert "quadriceps" in found[1].suggestions
    assert all(len(m.suggestions) <= 3 for m in found)
    assert text[found[1].offset:].startswith(found[1].word)
    assert flagged(en, text) == [m.word for m in found]


def test_a_french_misspelled_word_is_found_with_suggestions(fr: Speller) -> None:
    [found] = fr.misspelled("Serrez les fesiers.")
    assert found == Misspelling("fesiers", 11, found.suggestions)
    assert found.suggestions[0] == "fessiers"


def test_a_misspelling_is_a_frozen_value() -> None:
    found = Misspelling("kneee", 0, ("knee",))
    with pytest.raises(FrozenInstanceError):
        found.word = "knee"  # type: ignore[misc]


# ---------------------------------------------------------------------------------------------
# What a word is: each rule read both ways, what it skips and what it still checks

@pytest.mark.parametrize(("text", "expected"), [
    # URLs, e-mail addresses and DOIs are not read; the words around them are.
    ("See https://example.org/hamstirng-guide or www.example.org/kneee.", []),
    ("See the hamstirng guide or https://example.org.", ["hamstirng"]),
    ("Write to hamstirng.team@example.org with questions.", []),
    ("Write to the hamstirng team at team@example.org.", ["hamstirng"]),
    ("Read doi:10.1234/hamstirng.2021 and 10.5555/kneee-study.", []),
    ("Read the kneee study (doi:10.5555/abc).", ["kneee"]),
    # A Markdown link: its text is read, its target is not.
    ("[Stretch your hamstrings](https://example.org/hamstirng-stretch).", []),
    ("[Stretch your hamstirng](https://example.org/hamstirng-stretch).", ["hamstirng"]),
    # Placeholders and HTML entities.
    ("Hold for {secnds} seconds, %(cuont)s times.", []),
    ("Hold for {count} secnds.", ["secnds"]),
    ("Rest&nbsp;between sets &mdash; then repeat&hellip;", []),
    ("Rest&nbsp;betwen sets.", ["betwen"]),
    # Numbers and words with digits.
    ("Do 3x10 reps at 90° on the 2nd day, 1.5 kg in each hand.", []),
    ("Do thre sets of 10.", ["thre"]),
    # ALL-CAPS acronyms; the same letters in lowercase are a word to check.
    ("Ask your PT about the SIJ and the ASIS; see the DOI.", []),
    ("Feel for the asis at the front of the pelvis.", ["asis"]),
    # Single letters.
    ("Lift leg A, then leg B; repeat x times.", []),
    ("Lift leg bb.", ["bb"]),
    # Apostrophes, straight and typographic.
    ("Don't rush: it's the hip's job, and the hips' strength grows. Don’t, it’s fine.", []),
    ("Relax the hamstirng’s tension.", ["hamstirng’s"]),
    # Hyphens: the whole word, or each part, is correct (an acronym part is skipped).
    ("A low-impact, knee-friendly, hip-width stance eases SI-joint pain.", []),
    ("A low-imapct stance.", ["low-imapct"]),
    # Markdown emphasis.
    ("*Slowly* **lower** _your_ __hips__.", []),
    ("**Slwoly** lower.", ["Slwoly"]),
    # A dictionary word capitalized is correct; a name lowercased is not.
    ("Hamstring stretches help. Quadriceps work too, on Monday.", []),
    ("Stretch on monday.", ["monday"]),
    # Words with capitals inside are names no dictionary has.
    ("Loop a TheraBand around your thighs, as in the McKenzie method.", []),
    ("Loop a Theraband around your thighs.", ["Theraband"]),
])
def test_english_words(en: Speller, text: str, expected: list[str]) -> None:
    assert flagged(en, text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # Elisions, with either apostrophe.
    ("L'articulation d'un genou qu'il plie jusqu'à aujourd'hui.", []),
    ("L’articulation d’un genou qu’il plie jusqu’à aujourd’hui.", []),
    ("Mobilisez l’artciulation.", ["l’artciulation"]),
    ("Qu'ill plie le genou.", ["Qu'ill"]),
    # Hyphens.
    ("Allongez-vous, peut-être à mi-cuisse, dos-à-dos.", []),
    ("Alongez-vous sur le dos.", ["Alongez-vous"]),
    # No-break spaces and guillemets.
    ("«\u00a0Allongez-vous\u202f» puis respirez\u00a0!", []),
    ("«\u202fAlongez\u202f» puis respirez\u00a0!", ["Alongez"]),
    # Acronyms, elided or not; the same letters in lowercase are checked.
    ("Palpez l'EIAS et l’ASI.", []),
    ("Palpez l'eias.", ["l'eias"]),
    # A name lowercased.
    ("Un exercice venu de France.", []),
    ("Un exercice venu de france.", ["france"]),
])
def test_french_words(fr: Speller, text: str, expected: list[str]) -> None:
    assert flagged(fr, text) == expected


def test_words_keep_their_offsets() -> None:
    text = "Lift **both** [arms](https://example.org/arms), {count} times, l’épaule 3x."
    assert list(words(text)) == [("Lift", 0), ("both", 7), ("arms", 15), ("times", 56),
                           ("l’épaule", 63)]


def test_suggestions_keep_the_kind_of_apostrophe(fr: Speller) -> None:
    [straight] = fr.misspelled("Pliez l'artciulation.")
    [curly] = fr.misspelled("Pliez l’artciulation.")
    assert straight.suggestions[0] == "l'articulation"
    assert curly.suggestions[0] == "l’articulation"


def test_a_hyphenated_word_with_one_wrong_part_gets_suggestions(fr: Speller) -> None:
    [found] = fr.misspelled("Alongez-vous.")
    assert found.suggestions
    assert all(s.endswith("-vous") for s in found.suggestions)


# ---------------------------------------------------------------------------------------------
# Domain words and extra words

@pytest.mark.parametrize(("language", "text"), [
    ("en", "sacroiliac quadriceps hamstrings gluteus medius minimus pelvis kneecap sciatica "
           "coccyx thoracic lumbar trochanter gastrocnemius"),
    ("fr", "fessier fessiers quadriceps bassin lombaire rotule sciatique coccyx iliaque "
           "kinésithérapeute gainage étirement ménisque"),
])
def test_the_dictionaries_know_common_anatomy(language: str, text: str) -> None:
    assert flagged(_installed(language), text) == []


def test_extra_words_are_accepted() -> None:
    text = "Squeeze your glutes and the glute's partner, the iliopsoas, and the tensor " \
           "fasciae latae. Iliopsoas tightness can pull on the glute-focused work. Priya agrees."
    assert flagged(_installed("en"), text) == [
        "glutes", "glute's", "iliopsoas", "fasciae", "latae", "Iliopsoas", "glute-focused",
        "Priya"]
    extra = speller("en", ["glute", "glutes", "iliopsoas", "Tensor fasciae latae",
                           "Priya Natarajan"])
    assert extra is not None
    assert flagged(extra, text) == []
    assert flagged(extra, "The glutes and the iliopsaos.") == ["iliopsaos"]


def test_french_extra_words_work_with_elisions_and_hyphens() -> None:
    text = "Étirez les ischio-jambiers, puis l’ischio-jambier gauche et l'iliopsoas."
    assert flagged(_installed("fr"), text) == [
        "ischio-jambiers", "l’ischio-jambier", "l'iliopsoas"]
    extra = speller("fr", ["ischio-jambiers", "iliopsoas"])
    assert extra is not None
    assert flagged(extra, text) == []


# ---------------------------------------------------------------------------------------------
# Dictionaries, caches, processes

@pytest.mark.parametrize(("language", "tag"), [
    ("en", "en_US"), ("EN", "en_US"), ("en_US", "en_US"), ("en-US", "en_US"),
    ("en_GB", "en_US"),  # no en_GB dictionary: the language's main one
    ("fr", "fr_FR"), ("fr_FR", "fr_FR"), ("fr-CA", "fr_CA"),
    ("ja", None), ("xx", None), ("", None), ("en-XA", None),  # en-XA: a pseudo-locale
])
def test_the_dictionary_of_a_language_code(language: str, tag: str | None) -> None:
    assert dictionary_tag(language) == tag
    made = speller(language)
    assert (made.tag if made is not None else None) == tag


def test_a_speller_is_made_once_per_language_and_extra_words() -> None:
    assert speller("fr") is speller("fr")
    assert speller("fr", ["iliopsoas"]) is speller("fr", iter(["iliopsoas"]))
    assert speller("fr", ["iliopsoas"]) is not speller("fr")


def test_verdicts_and_suggestions_are_kept(fr: Speller) -> None:
    """A French suggestion takes some 60 ms: each word's are looked up once per process."""
    [first] = fr.misspelled("Contractez les fesiers doucement.")
    [second] = fr.misspelled("Les fesiers travaillent.")
    assert first.suggestions[0] == "fessiers"
    assert second.suggestions is first.suggestions


def test_a_speller_pickles_as_its_language_and_extra_words() -> None:
    extra = speller("en", ["glute"])
    assert extra is not None
    assert pickle.loads(pickle.dumps(extra)) is extra  # this process's own


def _check_in_child(texts: list[str]) -> list[list[str]]:
    made = speller("en", ["glute"])
    assert made is not None
    return [flagged(made, text) for text in texts]


def test_a_speller_works_in_forked_processes() -> None:
    texts = ["Squeeze the glute.", "Stretch the hamstirng."]
    here = _check_in_child(texts)
    assert here == [[], ["hamstirng"]]
    with multiprocessing.get_context("fork").Pool(1) as pool:
        assert pool.apply(_check_in_child, (texts,)) == here
        # A pickled speller arrives as its language and extra words.
        assert pool.apply(flagged, (speller("en", ["glute"]), texts[1])) == ["hamstirng"]



def test_a_text_mostly_unknown_is_one_finding_without_suggestions(fr: Speller) -> None:
    """English left in a French catalog is the language check's finding; spelling says it
    once, and spends nothing on suggestions for it."""
    messages = spelling.spelling_messages(fr, "Lift your hips slowly off the floor.")
    assert len(messages) == 1
    assert "of its 7 words are not in the fr dictionary" in messages[0]
    assert "did you mean" not in messages[0]


def test_suggestions_are_bounded_per_file_and_do_not_depend_on_the_cache(fr: Speller) -> None:
    """A catalog full of noise costs at most MAX_SUGGESTED_WORDS suggestion lookups, and the
    same catalog gets the same messages whatever the process looked up before."""
    noise = [f"Soulevez {word} les hanches." for word in
             ("hanchs", "genouxx", "lentemen", "dooucement", "pieds") * 3]
    def messages() -> list[str]:
        budget = spelling.SuggestionBudget(2)
        return [m for text in noise
                for m in spelling.spelling_messages(fr, text, budget=budget)]

    first, again = messages(), messages()
    assert first == again
    assert sum("did you mean" in m for m in first) == 2
    assert len(first) == 12  # four unknown words, three times each
