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

# GNU msgmerge's threshold: similarity above 0.6 makes a fuzzy match.
FUZZY_THRESHOLD = 60.0
# msgmerge's small bonus for a candidate with the same msgctxt or none (0.00001 of 1.0).
CONTEXT_BONUS = 0.001


@dataclass(frozen=True)
class Match:
    msgid: str
    msgctxt: str | None
    msgstr: str
    fuzzy: bool
    score: float


class Memory:
    """`reviewed_only=False` also offers fuzzy translations as close matches, as msgmerge
    does with the old catalog's own entries."""

    def __init__(self, reviewed_only: bool = True) -> None:
        self.reviewed_only = reviewed_only
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
        # In the order first seen (catalogs are read in a fixed order), so that among equally
        # close matches the earlier one wins, as in msgmerge.
        self._candidates = [k for k, (_, fz) in self._best.items()
                            if not (fz and self.reviewed_only)]
        self._texts = [k.msgid for k in self._candidates]

    def exact(self, key: EntryKey) -> Match | None:
        self._finish()
        best = self._best.get(key)
        if best is None:
            return None
        return Match(key.msgid, key.context, best[0], best[1], 100.0)

    def fuzzy(self, key: EntryKey, exclude: EntryKey | None = None) -> Match | None:
        """The closest translation of similar English, if similar enough: msgmerge's
        similarity (`fstrcmp`) above 0.6, a tiny bonus for the same or no msgctxt."""
        self._finish()
        if not self._texts:
            return None
        query = key.msgid
        lower, upper = len(query) * 0.42, len(query) / 0.42 + 1
        grams = _grams(query)
        best: Match | None = None
        best_rank: tuple[float, int, int] | None = None
        for text, score, index in process.extract(
            query, self._texts, scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD, limit=20,
            processor=None,
        ):
            candidate = self._candidates[index]
            if candidate == key or candidate == exclude or not lower <= len(text) <= upper:
                continue
            # msgmerge only looks at texts sharing a 4-gram with the query, best sharers first.
            theirs = set(_grams(text))
            shared = sum(1 for gram in grams if gram in theirs)
            if grams and not shared:
                continue
            if candidate.context is None or candidate.context == key.context:
                score += CONTEXT_BONUS
            if score <= FUZZY_THRESHOLD:
                continue
            rank = (score, shared, -index)
            if best_rank is None or rank > best_rank:
                msgstr, fuzzy = self._best[candidate]
                best = Match(candidate.msgid, candidate.context, msgstr, fuzzy, score)
                best_rank = rank
        return best


def _grams(text: str) -> list[str]:
    """The text's 4-character n-grams, msgmerge's index for fuzzy search."""
    return [text[i:i + 4] for i in range(len(text) - 3)]
