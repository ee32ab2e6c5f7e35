"""Which language a text is written in, for source purity and translation checks.

lingua ships its language models inside the package, so detection works offline. Candidates
are limited to a few languages; short texts are never judged (too little evidence).
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # lingua loads its models on use; a run with nothing to judge never does
    from lingua import ConfidenceValue, Language, LanguageDetector

    from .cache import Cache

_CANDIDATES = ("en", "fr", "es", "de", "it", "pt", "nl")
_WORD = re.compile(r"[^\W\d_]{2,}")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
MIN_WORDS = 4
# A sentence is judged foreign when another language is clearly ahead and the expected one
# is clearly behind; measured on the shipped English and French, no sentence comes close.
MIN_CONFIDENCE = 0.6
MAX_EXPECTED = 0.2


@lru_cache(maxsize=64)
def _language(code: str) -> Language | None:
    from lingua import IsoCode639_1, Language

    iso = getattr(IsoCode639_1, code.upper(), None)
    return Language.from_iso_code_639_1(iso) if iso is not None else None


@lru_cache(maxsize=8)
def _detector(expected: str) -> LanguageDetector:
    from lingua import LanguageDetectorBuilder

    languages = {lang for code in (*_CANDIDATES, expected) if (lang := _language(code))}
    return LanguageDetectorBuilder.from_languages(*sorted(languages, key=str)).build()


# Loads the models every candidate language needs for a sentence of ordinary length.
_WARM_UP_TEXT = "Gardez le dos droit et respirez calmement pendant tout le mouvement."
_warming: threading.Thread | None = None


def warm_up(expected: str) -> None:
    """Start loading lingua's models in the background. Loading takes about a second, and
    lingua releases the GIL meanwhile: a run that has just found a changed file can validate
    and read on while the models it will probably need arrive."""
    global _warming
    if _warming is not None or (base := _base(expected)) is None:
        return
    _warming = threading.Thread(target=_detector(base).compute_language_confidence_values,
                                args=(_WARM_UP_TEXT,), name="language-models", daemon=True)
    _warming.start()


def _settle() -> None:
    """Wait for a warm-up to finish: lingua is never entered from two threads at once, and a
    process is never forked while it loads (the child would inherit a half-made state)."""
    if _warming is not None and _warming.is_alive():
        _warming.join()


os.register_at_fork(before=_settle)


def _sentences(text: str) -> list[str]:
    """The sentences long enough to judge, link targets and emphasis markers removed."""
    cleaned = _LINK_TARGET.sub("]", text).replace("*", "")
    return [s for s in _SENTENCE_END.split(cleaned) if len(_WORD.findall(s)) >= MIN_WORDS]


# Verdicts by language and sentence: the foreign language's code, or None. Texts repeat a
# lot (standard steps, the same sentence in several documents), and every verdict is reused.
_VERDICTS: dict[str, dict[str, str | None]] = {}
_NAMESPACE = "language"


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


def _base(expected: str) -> str | None:
    base = expected.split("_")[0].split("-")[0].lower()
    return base if _language(base) is not None else None


def prefetch(texts: Iterable[str], expected: str, cache: Cache | None = None) -> None:
    """Judge every sentence of many texts at once, on every core (lingua's batch call is
    several times faster than one call per sentence). Later `foreign_sentence` calls on
    these texts are dictionary lookups. lingua is loaded only when a sentence needs it.

    With a cache, verdicts persist between runs: an edited document's unchanged sentences
    are not judged again, so a small edit never pays for loading lingua's models."""
    sentences = {s for text in texts for s in _sentences(text)}
    if not sentences or (base := _base(expected)) is None:
        return
    known = _VERDICTS.setdefault(base, {})
    if cache is not None and not known:
        stored = cache.get(_NAMESPACE, base, _NAMESPACE)
        if isinstance(stored, dict):
            known.update(stored)
    todo = sorted(s for s in sentences if s not in known)
    if not todo:
        return
    _settle()
    batch = _detector(base).compute_language_confidence_values_in_parallel(todo)
    for sentence, values in zip(todo, batch):
        known[sentence] = _verdict(values, base)
    if cache is not None:
        cache.put(_NAMESPACE, base, _NAMESPACE, dict(sorted(known.items())))


def foreign_sentence(text: str, expected: str) -> tuple[str, str] | None:
    """The first sentence that clearly reads as another language: (sentence, iso code)."""
    sentences = _sentences(text)
    if not sentences or (base := _base(expected)) is None:
        return None
    known = _VERDICTS.setdefault(base, {})
    for sentence in sentences:
        if sentence not in known:
            _settle()
            known[sentence] = _verdict(
                _detector(base).compute_language_confidence_values(sentence), base)
        code = known[sentence]
        if code is not None:
            return sentence.strip(), code
    return None
