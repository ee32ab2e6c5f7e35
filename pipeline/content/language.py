"""Which language a text is written in, for source purity and translation checks.

lingua ships its language models inside the package, so detection works offline. Candidates
are limited to a few languages; short texts are never judged (too little evidence).
"""

from __future__ import annotations

import multiprocessing
import os
import re
from collections.abc import Iterable
from functools import lru_cache
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING

from pipeline.core.text import without_link_targets
from pipeline.infra import parallel

if TYPE_CHECKING:  # lingua loads its models on use; a run with nothing to judge never does
    from lingua import ConfidenceValue, Language, LanguageDetector

    from pipeline.infra.cache import Cache

_CANDIDATES = ("en", "fr", "es", "de", "it", "pt", "nl")
_WORD = re.compile(r"[^\W\d_]{2,}")
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


def _judge(sentences: list[str], base: str) -> list[str | None]:
    """Verdicts of many sentences in one batch (lingua spreads it over every core)."""
    batch = _detector(base).compute_language_confidence_values_in_parallel(sentences)
    return [_verdict(values, base) for values in batch]


# Loads the models every candidate language needs for a sentence of ordinary length.
_WARM_UP_TEXT = "Gardez le dos droit et respirez calmement pendant tout le mouvement."


def _serve(conn: Connection, base: str) -> None:
    """The judge process: load the models, then answer batches until the run ends."""
    _detector(base).compute_language_confidence_values(_WARM_UP_TEXT)
    while True:
        try:
            sentences, wanted = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(_judge(sentences, wanted))


class _Judge:
    """A process of its own that holds lingua's models and judges sentences on request.

    Loading the models takes about a second and lingua holds the GIL while it loads, so a
    run that has just found a changed file starts the judge and reads on while the models
    arrive in the other process. The models (about 200 MB) also stay out of the run itself
    and so out of every worker it forks."""

    def __init__(self, base: str) -> None:
        context = multiprocessing.get_context("fork")
        self.conn, theirs = context.Pipe()
        self.owner = os.getpid()
        self.process = context.Process(target=self._main, args=(theirs, base, self.owner),
                                       name="language-judge", daemon=True)
        with parallel.interrupts_held():
            self.process.start()
        theirs.close()

    @staticmethod
    def _main(conn: Connection, base: str, parent: int) -> None:
        # Ctrl-C is the run's to report: the judge ends with it, without a traceback.
        parallel.ignore_interrupts()
        parallel.die_with_parent(parent)
        # Inherited descriptors (the run's lock among them) are not the judge's to hold.
        keep = conn.fileno()
        os.closerange(3, keep)
        os.closerange(keep + 1, os.sysconf("SC_OPEN_MAX"))
        _serve(conn, base)

    def ask(self, sentences: list[str], base: str) -> list[str | None] | None:
        """Verdicts, or None when the judge cannot answer (gone, or asked from a worker
        that inherited it: only the process that started it may use the pipe)."""
        if os.getpid() != self.owner or not self.process.is_alive():
            return None
        try:
            self.conn.send((sentences, base))
            answer = self.conn.recv()
        except (EOFError, OSError):
            return None
        return answer if isinstance(answer, list) and len(answer) == len(sentences) else None


# One judge serves every language: the candidates, and so the models, are the same.
_judges: list[_Judge] = []


def warm_up(expected: str) -> None:
    """Start the judge now, so its models load while the run goes on."""
    if (base := _base(expected)) is not None:
        _judge_for(base)


def _judge_for(base: str) -> _Judge | None:
    """The judge this process started, starting it if need be; None to judge here. A worker
    process judges on its own (judges started from every worker would load the models once
    per core), and so does a run held to one CPU (`PIPELINE_WORKERS=1`) or unable to fork."""
    if parallel.workers() < 2:
        return None
    if _judges and _judges[0].owner == os.getpid():
        return _judges[0]
    if (multiprocessing.parent_process() is not None
            or "fork" not in multiprocessing.get_all_start_methods()):
        return None
    try:
        _judges[:] = [_Judge(base)]
    except OSError:  # no process to spare: the models load here instead
        return None
    return _judges[0]


def _verdicts(sentences: list[str], base: str) -> list[str | None]:
    """Verdicts from the judge process, or judged here when there is none."""
    judge = _judge_for(base)
    answer = judge.ask(sentences, base) if judge is not None else None
    return answer if answer is not None else _judge(sentences, base)


def _sentences(text: str) -> list[str]:
    """The sentences long enough to judge, link targets and emphasis markers removed."""
    cleaned = without_link_targets(text).replace("*", "")
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
    these texts are dictionary lookups. lingua is loaded only when a sentence needs it,
    in the judge process.

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
    known.update(zip(todo, _verdicts(todo, base)))
    if cache is not None:
        cache.put(_NAMESPACE, base, _NAMESPACE, known)


def foreign_sentence(text: str, expected: str) -> tuple[str, str] | None:
    """The first sentence that clearly reads as another language: (sentence, iso code)."""
    sentences = _sentences(text)
    if not sentences or (base := _base(expected)) is None:
        return None
    known = _VERDICTS.setdefault(base, {})
    for sentence in sentences:
        if sentence not in known:
            known[sentence] = _verdicts([sentence], base)[0]
        code = known[sentence]
        if code is not None:
            return sentence.strip(), code
    return None
