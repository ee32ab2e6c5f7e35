"""Translation memory of one locale: every translation in every catalog, obsolete included.

`update` asks it for new or changed English, so a sentence moved to another document or a
standard step reused in a new exercise keeps its translation. Exact matches come back as
translated (like `msgmerge --compendium`); close matches as fuzzy.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import polib
from rapidfuzz import fuzz, process

from .pofiles import EntryKey, key_of

# GNU msgmerge's threshold: similarity of at least 0.6 makes a fuzzy match.
FUZZY_THRESHOLD = 60.0
# msgmerge's penalty for a match from a different msgctxt.
CONTEXT_PENALTY = 0.99


@dataclass(frozen=True)
class Match:
    msgid: str
    msgctxt: str | None
    msgstr: str
    fuzzy: bool
    score: float


class Memory:
    def __init__(self) -> None:
        self._exact: dict[EntryKey, Counter[tuple[str, bool]]] = defaultdict(Counter)
        self._candidates: list[EntryKey] = []
        self._texts: list[str] = []
        self._best: dict[EntryKey, tuple[str, bool]] = {}

    def add(self, entries: Iterable[polib.POEntry]) -> None:
        for entry in entries:
            if not entry.msgstr.strip() or not entry.msgid:
                continue
            key = key_of(entry)
            self._exact[key][(entry.msgstr, "fuzzy" in entry.flags)] += 1
        self._best.clear()

    def _finish(self) -> None:
        if self._best or not self._exact:
            return
        for key, counts in self._exact.items():
            # Prefer reviewed translations, then the most frequent, then a stable order.
            self._best[key] = min(counts, key=lambda item: (item[1], -counts[item], item[0]))
        self._candidates = sorted(k for k, (_, fz) in self._best.items() if not fz)
        self._texts = [k.msgid for k in self._candidates]

    def exact(self, key: EntryKey) -> Match | None:
        self._finish()
        best = self._best.get(key)
        if best is None:
            return None
        return Match(key.msgid, key.context, best[0], best[1], 100.0)

    def fuzzy(self, key: EntryKey, exclude: EntryKey | None = None) -> Match | None:
        """The closest reviewed translation of similar English, if similar enough."""
        self._finish()
        if not self._texts:
            return None
        query = key.msgid
        lower, upper = len(query) * 0.42, len(query) / 0.42 + 1
        best: Match | None = None
        for text, score, index in process.extract(
            query, self._texts, scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD, limit=8,
            processor=None,
        ):
            candidate = self._candidates[index]
            if candidate == key or candidate == exclude or not lower <= len(text) <= upper:
                continue
            if candidate.context != key.context:
                score *= CONTEXT_PENALTY
            if score < FUZZY_THRESHOLD:
                continue
            if best is None or (score, candidate.msgid) > (best.score, best.msgid):
                msgstr, _ = self._best[candidate]
                best = Match(candidate.msgid, candidate.context, msgstr, True, score)
        return best
