"""What every translation check works with: the pair of texts, what the model says about
the English, the locale's context, and the masking of addresses that each check leaves to
its own rule. Kept apart from the checks so each family of checks can live in its own module.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import NamedTuple

import polib

from pipeline.content.spelling import SuggestionBudget
from pipeline.core.languages import language_of
from pipeline.core.text import CITATION, link_targets
from pipeline.gettext.pofiles import EntryKey

# ---------------------------------------------------------------------------------------------
# Public data


@dataclass(frozen=True)
class UnitInfo:
    """What the model says about one English text: its limit, whether it may hold markup,
    and where it lives (for the `source:` part of a diagnostic)."""

    max_length: int | None
    markup: bool
    # "source/exercises/hip-thrust.yaml:23": where the text is, not what it is judged by, so
    # two units alike but for their place compare equal (the checks' memo is keyed by them).
    source_ref: str = field(compare=False)
    # The text's gettext format flag ("python-brace-format" for `{name}` placeholders).
    format: str | None = None


@dataclass(frozen=True)
class CheckContext:
    """Everything a check needs besides the entry itself."""

    locale: str  # "fr"
    display: str  # "locales/fr/LC_MESSAGES/hip-thrust.po"
    units: Mapping[EntryKey, UnitInfo]  # may lack keys (e.g. a catalog behind its template)
    glossary: Mapping[str, str]  # English term (lowercase) -> its translation in this locale
    same_as_source_allow: frozenset[str] = frozenset()
    # Which checks run: "all"; "not-language", every one but the language of each
    # translation (in a worker, before the run has judged the sentences in one batch); or
    # "language", that one alone.
    scope: str = "all"
    # The language the English source is written in (how its numbers read).
    source_locale: str = "en"
    # The school grade the document's translated text should read at (W313); None for a
    # document patients do not read as a whole (a reviewer, the glossary).
    reading_grade: float | None = None
    # Words the spelling check accepts besides the dictionary (word list, glossary, names).
    spelling_words: frozenset[str] = frozenset()
    # How many more misspelled words of this catalog get suggestions (set per catalog).
    spelling_budget: SuggestionBudget | None = None

    @cached_property
    def fingerprint(self) -> str:
        """What the findings of a pair depend on besides the pair: every field but the
        catalog's own (its display, units, reading target and spelling budget)."""
        return repr((self.locale, self.scope, self.source_locale,
                     sorted(self.glossary.items()), sorted(self.same_as_source_allow),
                     sorted(self.spelling_words)))

    @property
    def language(self) -> str:
        """The language part of the locale, the key of `LOCALE_RULES`: `pt_BR` → `pt`."""
        return language_of(self.locale)


@dataclass(frozen=True)
class Pair:
    """One translated entry (one form of a plural entry) as the checks see it: the English
    it renders and its translation."""

    source: str
    translation: str
    info: UnitInfo | None  # None when the model knows nothing about this msgid
    # The entry's format ("python-brace-format"), by its flag or the model.
    format: str | None = None


class Finding(NamedTuple):
    code: str
    message: str


CheckFn = Callable[[Pair, CheckContext], Iterable[Finding]]
HeaderCheckFn = Callable[[polib.POFile, CheckContext], Iterable[Finding]]

# ---------------------------------------------------------------------------------------------
# Shared text helpers

URL = re.compile(r"https?://[^\s<>\"'\])]+", re.IGNORECASE)
DOI = re.compile(r"\b10\.\d{4,9}/[^\s<>\"'\])]+")
TRAILING_PUNCT = ".,;:!?…»”’"
NBSP = "\u00a0\u202f"
MARKUP_CHARS = "*_"
# A `{name}` placeholder of a brace-format text, with its conversion and format spec
# (`{weight:.1f}`).
BRACE = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*(?:![rsa])?(?::[^{}]*)?\}")


def mask(text: str, matches: Iterable[re.Match[str]], group: int = 0) -> str:
    """Replace what matched (or its group) with the same number of 'x', keeping positions."""
    parts: list[str] = []
    last = 0
    for match in matches:
        start, end = match.span(group)
        parts += [text[last:start], "x" * (end - start)]
        last = end
    parts.append(text[last:])
    return "".join(parts)


@lru_cache(maxsize=8192)
def mask_addresses(text: str) -> str:
    """Link targets, URLs, DOIs and citation markers are checked by their own rules; hide
    them from the others."""
    masked = mask(text, link_targets(text), 1)
    if "[@" in masked:  # not as letters: two markers in a row are no doubled word
        masked = CITATION.sub(lambda m: "·" * len(m.group(0)), masked)
    masked = mask(masked, URL.finditer(masked))
    return mask(masked, DOI.finditer(masked))


def addresses(text: str) -> list[str]:
    """URLs and DOIs written in the visible text (link targets excluded: markup parity owns
    those), trailing sentence punctuation not included."""
    visible = mask(text, link_targets(text), 1)
    found = [m.group(0).rstrip(TRAILING_PUNCT) for m in URL.finditer(visible)]
    without_urls = mask(visible, URL.finditer(visible))
    found += [m.group(0).rstrip(TRAILING_PUNCT) for m in DOI.finditer(without_urls)]
    return found


def snippet(text: str, start: int, end: int) -> str:
    return text[max(start, 0): min(end, len(text))]


