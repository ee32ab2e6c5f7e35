"""Translation memory of one locale: every translation in every catalog, obsolete included.

`update` asks it for new or changed English, so a sentence moved to another document or a
standard step reused in a new exercise keeps its translation. Exact matches come back as they
were (like `msgmerge --compendium`); close matches are always offered as fuzzy, so a changed
number ("hold 10 seconds" → "hold 30 seconds") is never carried over silently.

Close matches are found the way GNU msgmerge finds them, only faster: an index of 4-character
n-grams picks the candidates sharing the most n-grams with the new English, and rapidfuzz
scores just those (msgmerge's similarity: 2 × common bytes / total length, over UTF-8 bytes
as msgmerge compares them, so "é" and "è" share their first byte).

A plural entry's translation (its forms) serves only a plural entry with as many forms, and a
translation without plural forms only an entry without them: msgmerge would copy a singular
translation into every form of a plural entry (or keep only the first form of a plural one),
which is never the right translation of a count. Close matches are scored on the msgid, as
msgmerge scores them, among translations of the right shape.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import polib
from rapidfuzz import fuzz

from pipeline.gettext.pofiles import EntryKey, forms, has_translation, key_of

# GNU msgmerge's threshold: similarity above 0.6 makes a fuzzy match.
FUZZY_THRESHOLD = 60.0
# msgmerge's small bonus for a candidate with the same msgctxt or none (0.00001 of 1.0).
CONTEXT_BONUS = 0.001
# Any two texts more similar than the threshold differ in length by less than this factor.
_LENGTH_FACTOR = 200.0 / FUZZY_THRESHOLD - 1.0
# Texts too short to have an n-gram are compared with every short text of a fitting length
# (in UTF-8 bytes, at most 3 characters of 4 bytes each, as in msgmerge).
GRAM = 4
_SHORT_MAX = int((GRAM - 1) * 4 * _LENGTH_FACTOR)
# How many n-gram occurrences a search counts at most (beyond half the query's n-grams).
COUNT_BUDGET = 10_000


# What a translation fits: None for an entry without plural forms, else its number of forms.
Shape = int | None


@dataclass(frozen=True)
class Match:
    msgid: str
    msgctxt: str | None
    msgstr: str
    fuzzy: bool
    score: float
    # What the translation was made for, when it is itself fuzzy (msgmerge's `#|` lines).
    previous_msgid: str | None = None
    previous_msgctxt: str | None = None
    tcomment: str = ""
    # A plural entry's: its English plural, its forms (msgstr is then empty), and the English
    # plural a fuzzy translation was made for.
    plural: str | None = None
    forms: tuple[str, ...] = ()
    previous_plural: str | None = None


@dataclass(frozen=True)
class Translation:
    """One translation as the memory counts it: msgstr, fuzzy, previous msgid and msgctxt
    (when fuzzy), translator comment; for a plural entry also its English plural, its forms
    and the previous English plural."""

    msgstr: str
    fuzzy: bool
    previous_msgid: str | None
    previous_msgctxt: str | None
    tcomment: str
    plural: str | None = None
    forms: tuple[str, ...] = ()
    previous_plural: str | None = None

    @property
    def shape(self) -> Shape:
        return None if self.plural is None else len(self.forms)

    def rank(self, count: int) -> tuple[object, ...]:
        """The order among translations of one English: reviewed first, then complete, the
        most frequent, then a stable order."""
        return (self.fuzzy, not all(self.forms), -count, self.msgstr, self.forms,
                self.tcomment)


def _grams(text: str) -> list[str]:
    """The text's 4-character n-grams in order, repeats included (msgmerge's index)."""
    return [text[i:i + GRAM] for i in range(len(text) - GRAM + 1)]


def entry_of(entry: polib.POEntry) -> tuple[EntryKey, Translation | None]:
    """What the memory keeps of a catalog entry: its key, and its translation if it has one
    (`pofiles.has_translation`: a plural entry's first form is not empty)."""
    if not has_translation(entry):
        return key_of(entry), None
    fuzzy = "fuzzy" in entry.flags
    plural = entry.msgid_plural or None
    return key_of(entry), Translation(
        entry.msgstr if plural is None else "", fuzzy,
        entry.previous_msgid if fuzzy else None, entry.previous_msgctxt if fuzzy else None,
        entry.tcomment or "", plural, tuple(forms(entry)) if plural is not None else (),
        entry.previous_msgid_plural if fuzzy and plural is not None else None)


class Memory:
    """Translations by (msgctxt, msgid), and an n-gram index over them for close matches.

    `exhaustive=True` scores every candidate sharing an n-gram (msgmerge's search in the old
    catalog itself); otherwise only the few that share the most (its compendium search)."""

    def __init__(self, exhaustive: bool = False) -> None:
        self.exhaustive = exhaustive
        self._found: dict[EntryKey, Counter[Translation]] = defaultdict(Counter)
        self._order: dict[EntryKey, int] = {}
        self._entries = 0
        # Each English's translations, best first (`Translation.rank`).
        self._best: dict[EntryKey, list[Translation]] | None = None
        self._keys: list[EntryKey] = []
        self._bytes: list[bytes] = []
        self._index: dict[str, list[int]] | None = None
        self._short: dict[int, list[int]] = {}

    def add(self, entries: Iterable[polib.POEntry]) -> None:
        for entry in entries:
            if entry.msgid:
                self.add_entry(*entry_of(entry))

    def add_entry(self, key: EntryKey, translation: Translation | None) -> None:
        """One entry of a catalog, and its translation (None when it has none)."""
        self._entries += 1
        if translation is not None:
            self._found[key][translation] += 1
            self._order.setdefault(key, len(self._order))
        self._best = None
        self._index = None

    def prepare(self) -> None:
        """Work out the best translations and the n-gram index now: workers forked after
        this share them instead of each building its own."""
        self._translations()
        self._build_index()

    def __len__(self) -> int:
        return len(self._found)

    def offers(self, key: EntryKey) -> bool:
        """Whether the memory has any translation of this English (reviewed or fuzzy, of
        any shape)."""
        return key in self._found

    def _translations(self) -> dict[EntryKey, list[Translation]]:
        if self._best is None:
            self._best = {}
            for key, counts in self._found.items():
                # sorted() keeps the first seen first among equals, as min() did.
                self._best[key] = sorted(counts, key=lambda t: t.rank(counts[t]))
        return self._best

    def _best_of(self, key: EntryKey, shape: Shape) -> Translation | None:
        """The best translation of an English that fits an entry of this shape."""
        ranked = self._translations().get(key)
        if not ranked:
            return None
        if ranked[0].shape == shape:  # nearly always: one shape per English
            return ranked[0]
        return next((t for t in ranked if t.shape == shape), None)

    def _match(self, key: EntryKey, score: float, shape: Shape) -> Match | None:
        found = self._best_of(key, shape)
        if found is None:
            return None
        return Match(key.msgid, key.context, found.msgstr, found.fuzzy, score,
                     found.previous_msgid, found.previous_msgctxt, found.tcomment,
                     found.plural, found.forms, found.previous_plural)

    def exact(self, key: EntryKey, reviewed: bool = False, shape: Shape = None
              ) -> Match | None:
        """The translation of the same English, if any, that fits an entry of this shape
        (with `reviewed`, only one that is not fuzzy)."""
        if key not in self._found:
            return None
        found = self._match(key, 100.0, shape)
        return None if found is None or (reviewed and found.fuzzy) else found

    def _build_index(self) -> dict[str, list[int]]:
        if self._index is None:
            # In the order first seen (catalogs are read in a fixed order), so that among
            # equally close matches the earlier one wins, as in msgmerge.
            self._keys = sorted(self._found, key=self._order.__getitem__)
            self._bytes = [key.msgid.encode() for key in self._keys]
            index: dict[str, list[int]] = defaultdict(list)
            self._short = defaultdict(list)
            for number, key in enumerate(self._keys):
                text = key.msgid
                # Each n-gram once; in any order, as numbers only grow along a posting list.
                for gram in {text[i:i + GRAM] for i in range(len(text) - GRAM + 1)}:
                    index[gram].append(number)
                if len(self._bytes[number]) <= _SHORT_MAX:
                    self._short[len(self._bytes[number])].append(number)
            self._index = dict(index)
        return self._index

    def _candidates(self, query: str, grams: list[str]) -> list[int]:
        """Candidates in msgmerge's order: most shared n-grams first, then first seen."""
        index = self._build_index()
        if not grams:
            size = len(query.encode())
            low = math.ceil(size / _LENGTH_FACTOR)
            high = int(size * _LENGTH_FACTOR)
            return [n for size in range(low, high + 1) for n in self._short.get(size, [])]
        shared: Counter[int] = Counter()
        postings = [p for p in map(index.get, grams) if p is not None]
        if not self.exhaustive:
            # The rarest n-grams first, the commonest ones only while within budget: a gram
            # most texts share barely changes the ranking, and counting it is most of the cost.
            postings.sort(key=len)
            spent = 0
            for cut, posting in enumerate(postings):
                spent += len(posting)
                if spent > COUNT_BUDGET and cut >= len(postings) // 2:
                    del postings[cut:]
                    break
        for posting in postings:
            shared.update(posting)
        if self.exhaustive:
            return sorted(shared, key=lambda n: (-shared[n], n))
        # msgmerge looks at the first few: the square root of the memory's size, at least 10
        # (among equal counts, the first seen). Counts are small numbers, so the few-th
        # highest is found from how many candidates have each count, not by a heap.
        few = max(10, int(math.sqrt(self._entries)))
        lowest = 0
        if len(shared) > few:
            tally, seen = Counter(shared.values()), 0
            for lowest in sorted(tally, reverse=True):
                seen += tally[lowest]
                if seen >= few:
                    break
        top = sorted((-count, n) for n, count in shared.items() if count >= lowest)
        return [n for _, n in top[:few]]

    def _before(self, number: int, other: int, grams: list[str]) -> bool:
        """Whether msgmerge would score candidate `number` before `other` (so keep it on a
        tie): more of the query's n-grams in it (counted in full here, as the search may have
        left the commonest n-grams out), or for a query without n-grams the shorter text;
        then the first seen."""
        def rank(n: int) -> tuple[int, int]:
            if not grams:
                return len(self._bytes[n]), n
            own = set(_grams(self._keys[n].msgid))
            return -sum(gram in own for gram in grams), n
        return rank(number) < rank(other)

    def fuzzy(self, key: EntryKey, lower_bound: float = FUZZY_THRESHOLD, shape: Shape = None
              ) -> Match | None:
        """The closest translation of similar English that fits an entry of this shape, if
        more similar than `lower_bound`: msgmerge's similarity, plus a tiny bonus for the
        same or no msgctxt."""
        if not self._found:
            return None
        query = key.msgid
        encoded, grams = query.encode(), _grams(query)
        best_score, best = lower_bound, -1
        for number in self._candidates(query, grams):
            candidate = self._keys[number]
            if candidate == key or self._best_of(candidate, shape) is None:
                continue
            bonus = CONTEXT_BONUS if candidate.context in (None, key.context) else 0.0
            score = fuzz.ratio(encoded, self._bytes[number],
                               score_cutoff=max(best_score - bonus * 1.01, 0.0)) + bonus
            if score - bonus <= 0:
                continue
            if score > best_score or (score == best_score and best >= 0
                                      and self._before(number, best, grams)):
                best_score, best = score, number
        return self._match(self._keys[best], best_score, shape) if best >= 0 else None
