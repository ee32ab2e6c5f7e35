"""How hard patient-facing text is to read, as a school grade, in English and French.

English: the Flesch–Kincaid grade level (its ease, Flesch's Reading Ease from the same
counts, is given too). French: Kandel and Moles' adaptation of Flesch's ease,

    207 − 1.015 × words/sentence − 73.6 × syllables/word,

turned into the grade Flesch–Kincaid gives an English text of the same ease and sentence
length (`grade_of_ease`), so one grade target applies to both languages. Kandel and Moles
scaled their ease to read like Flesch's. (Flesch's own table of ease bands — 80–90: 6th
grade, 60–70: 8th and 9th… — rates easy text up to two grades above Flesch–Kincaid.)

What is counted is what a reader reads: Markdown emphasis markers, link targets (the link
text counts), URLs, e-mail addresses and entities are not words. A number (`10`, `1.5`,
`90°`, `3x`) is one word of one syllable, and so is a placeholder (`{count}`), which a number
replaces: spelling numbers out would make `30` two syllables and `1.5` four, a difference
too small to matter for texts whose numbers are repetitions and seconds. A hyphenated word
(`low-impact`, `Allongez-vous`) and a word with an apostrophe (`don't`, `l'articulation`) are
one word, as Flesch counted contractions.

Syllables are the parts Pyphen's hyphenation patterns (LibreOffice's, for en_US and fr) cut a
word into, counting only parts with a vowel (`jus-qu'à` is two, the `l` of `l'` none), and at
least one per word. Hyphenation cuts slightly fewer parts than a word has syllables (`every`,
`idea`, `épaule`): on the shipped English text, 96% of words get the syllables of the CMU
pronouncing dictionary, with 3% fewer syllables in all (grades about half a grade lower).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pipeline.content.spelling import PLACEHOLDER, blank_non_prose
from pipeline.core.languages import language_of

FLESCH_KINCAID = "Flesch–Kincaid"
KANDEL_MOLES = "Kandel–Moles"
_FORMULAS = {"en": FLESCH_KINCAID, "fr": KANDEL_MOLES}
_PATTERNS = {"en": "en_US", "fr": "fr"}

# A word: a number (with its unit or suffix: `90°` is `90`, `3x`, `1,5`), an abbreviation
# with inner periods (`e.g.`), or letters and digits joined by inner apostrophes and hyphens.
# `_` is Markdown emphasis, not a letter.
_LETTER = r"(?:[^\W_]|[\u0300-\u036f])"
_JOIN = r"[-\u2010\u2011'’\u02bc]"
_WORD = re.compile(rf"\d+(?:[.,:]\d+)*{_LETTER}*|[^\W\d_](?:\.[^\W\d_])+\.?"
                   rf"|{_LETTER}+(?:{_JOIN}{_LETTER}+)*")
_JOINS = re.compile(_JOIN)
# A sentence ends at ., !, ? or … followed (after closing quotes, brackets or emphasis) by
# white space; but not when the next word starts in lowercase (`e.g. your`, `approx. ten`).
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'’”»)\]*_]*\s+")
_VOWEL = re.compile(r"[aeiouyàâäéèêëîïôöùûüÿœæ]")
# Longer than any word of English or French ("anticonstitutionnellement" has 25 letters):
# such a run of letters is counted a syllable per group of vowels.
_LONGEST_WORD = 40
_VOWELS = re.compile(_VOWEL.pattern + "+")


@dataclass(frozen=True)
class Reading:
    grade: float  # Flesch–Kincaid's school grade, or that of the French ease
    ease: float | None  # Flesch's Reading Ease (English), Kandel–Moles' (French): 0–100+
    formula: str  # FLESCH_KINCAID or KANDEL_MOLES
    sentences: int
    words: int
    syllables: int


def _flesch_kincaid(words_per_sentence: float, syllables_per_word: float) -> float:
    return 0.39 * words_per_sentence + 11.8 * syllables_per_word - 15.59


def _flesch_ease(words_per_sentence: float, syllables_per_word: float) -> float:
    return 206.835 - 1.015 * words_per_sentence - 84.6 * syllables_per_word


def grade_of_ease(ease: float, words_per_sentence: float) -> float:
    """The school grade of an ease score: Flesch's ease and the Flesch–Kincaid grade weigh
    the same two ratios, so at a given sentence length an ease has one grade (13.26 + 0.248
    × words/sentence − 0.139 × ease). For English text this is its Flesch–Kincaid grade."""
    syllables_per_word = (206.835 - 1.015 * words_per_sentence - ease) / 84.6
    return _flesch_kincaid(words_per_sentence, syllables_per_word)


@lru_cache(maxsize=4)
def _hyphenator(language: str) -> Any:
    import pyphen

    return pyphen.Pyphen(lang=_PATTERNS[language])


@lru_cache(maxsize=1 << 16)
def syllables(word: str, language: str) -> int:
    """The syllables of one word (as `_WORD` finds them) in "en" or "fr"."""
    if any(ch.isdigit() for ch in word):
        return 1
    hyphenator = _hyphenator(language)
    count = 0
    for piece in _JOINS.split(word.lower()):
        if len(piece) > _LONGEST_WORD:  # no word of the language: hyphenating it costs
            count += len(_VOWELS.findall(piece.replace("qu", "q")))  # time in its square
            continue
        for part in hyphenator.inserted(piece, hyphen="-").split("-"):
            count += bool(_VOWEL.search(part.replace("qu", "q")))
    return max(count, 1)


@lru_cache(maxsize=1 << 15)
def counts(text: str, language: str) -> tuple[int, int, int]:
    """(sentences, words, syllables) of one text unit, which ends a sentence. Kept per
    text: a library repeats its standard sentences from document to document."""
    sentences = words = syllables_ = 0
    if "{" in text or "%(" in text:
        text = PLACEHOLDER.sub("0", text)
    pieces = _SENTENCE_END.split(blank_non_prose(text))
    for number, piece in enumerate(pieces):
        found = _WORD.findall(piece)
        if not found:
            continue
        words += len(found)
        syllables_ += sum(syllables(word, language) for word in found)
        # A piece starting in lowercase goes on the sentence before (an abbreviation).
        if number == 0 or not found[0][0].islower() or sentences == 0:
            sentences += 1
    return sentences, words, syllables_


def reading_level(texts: Sequence[str], language: str) -> Reading | None:
    """The reading level of one document made of several text units (title, summary, each
    step…), each ending a sentence even without final punctuation. None for a language
    other than English and French, or a document without words."""
    base = language_of(language)
    formula = _FORMULAS.get(base)
    if formula is None:
        return None
    sentences = words = syllables_ = 0
    for text in texts:
        s, w, y = counts(text, base)
        sentences, words, syllables_ = sentences + s, words + w, syllables_ + y
    if not words:
        return None
    per_sentence, per_word = words / sentences, syllables_ / words
    if formula == FLESCH_KINCAID:
        grade = _flesch_kincaid(per_sentence, per_word)
        ease = _flesch_ease(per_sentence, per_word)
    else:
        ease = 207.0 - 1.015 * per_sentence - 73.6 * per_word
        grade = grade_of_ease(ease, per_sentence)
    return Reading(grade, ease, formula, sentences, words, syllables_)


def reading_message(reading: Reading, target: float) -> str:
    """W313's words, the same for the English and each translation."""
    ease = f", ease {reading.ease:.0f}" if reading.ease is not None else ""
    return (f"reads at grade {reading.grade:.1f} ({reading.formula}{ease}; "
            f"{reading.words / reading.sentences:.1f} words a sentence), above the target "
            f"grade {target:g}: shorter sentences and plainer words help")
