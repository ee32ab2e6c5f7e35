"""Which language a text is written in, for source purity and translation checks.

lingua ships its language models inside the package, so detection works offline. Candidates
are limited to a few languages; short texts are never judged (too little evidence).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from pipeline.core.languages import language_of
from pipeline.core.text import without_link_targets

if TYPE_CHECKING:  # lingua loads its models on use; a run with nothing to judge never does
    from lingua import ConfidenceValue, Language, LanguageDetector

_CANDIDATES = ("en", "fr", "es", "de", "it", "pt", "nl")
_WORD = re.compile(r"[^\W\d_]{2,}")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
MIN_WORDS = 4
# A sentence is judged foreign when another language is clearly ahead and the expected one
# is clearly behind; measured on the shipped English and French, no sentence comes close.
MIN_CONFIDENCE = 0.6
MAX_EXPECTED = 0.2
# Verdicts of many sentences at once: (sentences, base language) → a verdict for each.
Judge = Callable[[list[str], str], list[str | None]]


@lru_cache(maxsize=64)
def _language(code: str) -> Language | None:
    from lingua import IsoCode639_1, Language

    iso = getattr(IsoCode639_1, code.upper(), None)
    return Language.from_iso_code_639_1(iso) if iso is not None else None


@lru_cache(maxsize=16)
def _detector(expected: str, quick: bool = False) -> LanguageDetector:
    """lingua for the candidates; `quick`: its low-accuracy mode, which reads trigrams only
    and loads in a twentieth of the time of the full models."""
    from lingua import LanguageDetectorBuilder

    languages = {lang for code in (*_CANDIDATES, expected) if (lang := _language(code))}
    builder = LanguageDetectorBuilder.from_languages(*sorted(languages, key=str))
    return (builder.with_low_accuracy_mode() if quick else builder).build()


def loaded_here() -> bool:
    """Whether lingua's models (and its threads) are loaded in this process: a process
    forked from it then would inherit a thread pool whose threads it does not have."""
    return _detector.cache_info().currsize > 0


def load(base: str) -> None:
    """Load the models `judge_here` reads (lingua loads them on first use): the quick ones,
    and the full ones, which a library's thousands of sentences always end up needing
    (the quick reading takes a few plain English sentences for Dutch or German)."""
    for quick in (True, False):
        _detector(base, quick=quick).compute_language_confidence_values(_SAMPLE)


# Any sentence: reading one loads the models of every candidate.
_SAMPLE = "Lift both arms slowly and breathe out."


def judge_here(sentences: list[str], base: str) -> list[str | None]:
    """Verdicts of many sentences in one batch, in this process (lingua spreads it over
    every core, and loads its models here on first use).

    The low-accuracy mode reads every sentence first; only those it takes for another
    language are read again with the full models, whose verdict stands. The quick reading
    flags more than the full one (most shipped sentences it flags are English after all),
    never less: on every sentence of the shipped library and the bench's, and on mixed and
    foreign ones, the two readings give exactly the full models' verdicts
    (`tests/test_shortcuts.py`). Most runs so never load the full models."""
    batch = _detector(base, quick=True).compute_language_confidence_values_in_parallel(
        sentences)
    flagged = [s for s, values in zip(sentences, batch) if _verdict(values, base)]
    if not flagged:
        return [None] * len(sentences)
    full = _detector(base).compute_language_confidence_values_in_parallel(flagged)
    verdicts = dict(zip(flagged, (_verdict(values, base) for values in full)))
    return [verdicts.get(s) for s in sentences]


# Words found in one candidate language and in none of the others: articles, pronouns,
# prepositions and auxiliaries. A sentence with at least MIN_OWN of its base language's, making
# up at least OWN_SHARE of its words, reads as that language to lingua too (measured on every
# sentence of the shipped library and of the bench's medium one: none so cleared is ever
# judged foreign), so it is not sent to lingua, whose models take a second to load.
_OWN_WORDS = {
    "en": frozenset("the your yours you and with of to for this that these those it its from "
                    "while then each they them their should can will would not be been at by "
                    "if into until when which what how does without through both after before "
                    "than there here are was were has have had up out off onto toward towards "
                    "between about again we our us some any every other too very just only "
                    "more who whose".split()),
    "fr": frozenset("vous votre vos les une dans avec pour sur est pendant puis sans chaque "
                    "leur leurs cette ces aux au et pas très nous sont être avoir jusqu lorsque "
                    "quand vers entre tout toute tous toutes fois deux trois quatre cinq dix "
                    "bien ainsi aussi encore sous chez".split()),
}
MIN_OWN = 2
OWN_SHARE = 0.25


def plainly_in(sentence: str, base: str) -> bool:
    """Whether a sentence is so plainly in its base language that no judge need read it."""
    own_words = _OWN_WORDS.get(base)
    if own_words is None:
        return False
    words = _WORD.findall(sentence.lower())
    own = sum(word in own_words for word in words)
    return own >= MIN_OWN and own >= OWN_SHARE * len(words)


def _sentences(text: str) -> list[str]:
    """The sentences long enough to judge, link targets and emphasis markers removed."""
    cleaned = without_link_targets(text).replace("*", "")
    return [s for s in _SENTENCE_END.split(cleaned) if len(_WORD.findall(s)) >= MIN_WORDS]


# Verdicts by language and sentence: the foreign language's code, or None. Texts repeat a
# lot (standard steps, the same sentence in several documents), and every verdict is reused.
_VERDICTS: dict[str, dict[str, str | None]] = {}


def _verdict(values: list[ConfidenceValue], base: str) -> str | None:
    if not values:
        return None
    top = values[0]
    code = top.language.iso_code_639_1.name.lower()
    expected_value = next((v.value for v in values
                           if v.language.iso_code_639_1.name.lower() == base), 0.0)
    if code != base and top.value >= MIN_CONFIDENCE and expected_value <= MAX_EXPECTED:
        return code
    return None


def base_of(expected: str) -> str | None:
    """The language a locale is judged as (`fr_CA` → `fr`), or None when lingua has no
    model for it."""
    base = language_of(expected)
    return base if _language(base) is not None else None


def to_judge(texts: Iterable[str], expected: str) -> list[str]:
    """The sentences of the texts a judge has to read: those long enough and not plainly
    in the expected language (in a worker, so the run judges only what is left)."""
    base = base_of(expected)
    if base is None:
        return []
    return sorted({s for text in texts for s in _unclear(text, base)})


@lru_cache(maxsize=1 << 15)
def _unclear(text: str, base: str) -> tuple[str, ...]:
    """A text's sentences that are not plainly in `base`, kept per text: a library repeats
    its standard sentences from document to document."""
    return tuple(s for s in _sentences(text) if not plainly_in(s, base))


def prefetch(sentences: Iterable[str], expected: str, judge: Judge = judge_here) -> bool:
    """Judge many sentences (`to_judge`) at once, with `judge` (lingua's batch call is
    several times faster than one call per sentence; `infra.judge` answers from a process
    of its own). Later `foreign_sentence` calls on texts made of them are dictionary
    lookups. Returns whether any sentence was new, so a caller keeping verdicts knows to
    save them."""
    sentences = set(sentences)
    if not sentences or (base := base_of(expected)) is None:
        return False
    known = _VERDICTS.setdefault(base, {})
    todo = sorted(s for s in sentences if s not in known and not plainly_in(s, base))
    if todo:
        known.update(zip(todo, judge(todo, base)))
    return bool(todo)


def known_verdicts(base: str) -> dict[str, str | None]:
    """The verdicts of this process for a language (filled by `prefetch`), to keep or to
    add verdicts kept from an earlier run to."""
    return _VERDICTS.setdefault(base, {})


def any_foreign(sentences: Iterable[str], expected: str) -> bool:
    """Whether any of these judged sentences (`prefetch`) reads as another
    language."""
    base = base_of(expected)
    known = _VERDICTS.get(base, {}) if base is not None else {}
    return any(known.get(s) for s in sentences)


def foreign_sentence(text: str, expected: str) -> tuple[str, str] | None:
    """The first sentence that clearly reads as another language: (sentence, iso code)."""
    sentences = _sentences(text)
    if not sentences or (base := base_of(expected)) is None:
        return None
    known = _VERDICTS.setdefault(base, {})
    for sentence in sentences:
        if plainly_in(sentence, base):
            continue
        if sentence not in known:
            known[sentence] = judge_here([sentence], base)[0]
        code = known[sentence]
        if code is not None:
            return sentence.strip(), code
    return None
