"""Which language a text is written in, for source purity and translation checks.

lingua ships its language models inside the package, so detection works offline. Candidates
are limited to a few languages; short texts are never judged (too little evidence).
"""

from __future__ import annotations

import re
from functools import lru_cache

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

_CANDIDATES = ("en", "fr", "es", "de", "it", "pt", "nl")
_WORD = re.compile(r"[^\W\d_]{2,}")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
MIN_WORDS = 4
# A sentence is judged foreign when another language is clearly ahead and the expected one
# is clearly behind; measured on the shipped English and French, no sentence comes close.
MIN_CONFIDENCE = 0.6
MAX_EXPECTED = 0.2


def _language(code: str) -> Language | None:
    iso = getattr(IsoCode639_1, code.upper(), None)
    return Language.from_iso_code_639_1(iso) if iso is not None else None


@lru_cache(maxsize=8)
def _detector(expected: str) -> LanguageDetector:
    languages = {lang for code in (*_CANDIDATES, expected) if (lang := _language(code))}
    return LanguageDetectorBuilder.from_languages(*sorted(languages, key=str)).build()


def foreign_sentence(text: str, expected: str) -> tuple[str, str] | None:
    """The first sentence that clearly reads as another language: (sentence, iso code)."""
    base = expected.split("_")[0].split("-")[0].lower()
    if _language(base) is None:
        return None
    detector = _detector(base)
    cleaned = _LINK_TARGET.sub("]", text).replace("*", "")
    for sentence in _SENTENCE_END.split(cleaned):
        if len(_WORD.findall(sentence)) < MIN_WORDS:
            continue
        values = detector.compute_language_confidence_values(sentence)
        if not values:
            continue
        top = values[0]
        code = top.language.iso_code_639_1.name.lower()
        expected_value = next((v.value for v in values
                               if v.language.iso_code_639_1.name.lower() == base), 0.0)
        if code != base and top.value >= MIN_CONFIDENCE and expected_value <= MAX_EXPECTED:
            return sentence.strip(), code
    return None
