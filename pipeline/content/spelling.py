"""Spelling of translated text, with Hunspell and the dictionaries the system installs.

chunspell wraps the Hunspell library, built into its wheels, and reads the dictionaries
Debian installs under /usr/share/hunspell (hunspell-en-us, hunspell-fr). Nothing else is
read (no personal word list, no user configuration, no environment variable), so every
machine with the same dictionaries gives the same answers.

The dictionaries judge words; what a word is, is this module's job. Addresses, link targets,
placeholders, entities and code are not prose, numbers and acronyms are not in any dictionary,
and apostrophes and hyphens join words differently in English and French.

A Speller is made once per process and language (`speller` keeps them): checking processes
fork from a parent that may hold one, and a Speller is pickled as its language and extra
words, so a process receiving one makes (or reuses) its own.
"""

from __future__ import annotations

import os
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pipeline.core.languages import language_of
from pipeline.core.text import CITATION, EMAIL, HTML_ENTITY, link_targets

MAX_SUGGESTIONS = 3
# How many texts' verdicts a Speller keeps (a library repeats its sentences; memory stays
# bounded whatever a catalog holds).
_KEPT_TEXTS = 100_000

# ---------------------------------------------------------------------------------------------
# What is not prose: blanked out (each character becomes a space, so offsets stay true).

# An address ends before the punctuation that closes the sentence or a bracket around it.
_ADDRESS_END = r"[^\s<>()\[\]{}\"'’.,;:!?»]"
_URL = re.compile(r"(?:(?:https?|ftp)://|www\.|mailto:)[^\s<>()\[\]{}\"]*" + _ADDRESS_END,
                  re.IGNORECASE)
_DOI = re.compile(r"\b(?:doi:\s*)?10\.\d{4,9}/[^\s<>\"]*" + _ADDRESS_END + r"|\bdoi:",
                  re.IGNORECASE)
# `{count}`, `{0}`, `{name!r}`, and Python's `%(name)s`.
PLACEHOLDER = re.compile(r"\{[^{}\s]*\}|%\([^()\s]*\)[a-z]")
# Inline code and HTML tags or autolinks (`<br>`, `<https://…>`).
_CODE = re.compile(r"`[^`\n]*`|</?[A-Za-z][^<>\n]*>")


def _blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def blank_non_prose(text: str) -> str:
    """The text with what a reader does not read as words replaced by spaces: link targets
    (the link text stays), URLs, e-mail addresses, DOIs, placeholders, HTML entities and
    tags, inline code, citation markers. Offsets into the result are offsets into the text."""
    spans: list[tuple[int, int]] = []
    if "](" in text:
        spans += (m.span(1) for m in link_targets(text))
    if "`" in text or "<" in text:
        spans += (m.span() for m in _CODE.finditer(text))
    if "//" in text or "www." in text or "mailto:" in text:
        spans += (m.span() for m in _URL.finditer(text))
    if "@" in text:
        spans += (m.span() for m in EMAIL.finditer(text))
    if "10." in text or "doi:" in text.lower():
        spans += (m.span() for m in _DOI.finditer(text))
    if "{" in text or "%(" in text:
        spans += (m.span() for m in PLACEHOLDER.finditer(text))
    if "&" in text:
        spans += (m.span() for m in HTML_ENTITY.finditer(text))
    if "[@" in text:
        spans += (m.span() for m in CITATION.finditer(text))
    return _blank(text, spans) if spans else text


# ---------------------------------------------------------------------------------------------
# Words

# A run of letters and digits (with combining accents), joined by inner apostrophes and
# hyphens: `l'articulation`, `don't`, `ischio-jambiers`. `_` is not a letter: `_word_` is
# Markdown emphasis.
_LETTER = r"(?:[^\W_]|[\u0300-\u036f])"
_TOKEN = re.compile(f"{_LETTER}+(?:[-\u2010\u2011'’\u02bc]{_LETTER}+)*")
_NORMAL = str.maketrans({"’": "'", "\u02bc": "'", "\u2010": "-", "\u2011": "-"})
_SEGMENTS = re.compile(r"[-']")
# An elided French word before one the dictionary does not know (`l'` and a word from the
# extra list: `l'iliopsoas`): the elision is correct, the rest is judged alone.
_ELISION = {
    "fr": re.compile(r"(?i)(?:[cdjlmnst]|[a-z]*qu)'(.+)"),
}
# English possessives: `glute's`.
_POSSESSIVE = {
    "en": re.compile(r"(?i)(.+)'s"),
}


def _normal(word: str) -> str:
    """One spelling for apostrophes and hyphens (both dictionaries map ’ to ' themselves)."""
    word = word.translate(_NORMAL)
    return word if word.isascii() else unicodedata.normalize("NFC", word)


_DIGIT = re.compile(r"\d")


@lru_cache(maxsize=8192)
def words(text: str) -> tuple[tuple[str, int], ...]:
    """The words of a text a spelling check reads, with their offsets: not those inside
    addresses, link targets, placeholders, entities or code, nor numbers and words with
    digits (`3x`, `2e`)."""
    prose = blank_non_prose(text)
    return tuple((word, m.start()) for m in _TOKEN.finditer(prose)
                 if not _DIGIT.search(word := m.group()))


def not_judged(word: str) -> bool:
    """Words no dictionary is asked about: single letters, ALL-CAPS acronyms (`SI`, `DOI`),
    words with digits (`3x`), and words with capitals inside (`TheraBand`, `McKenzie`),
    names a dictionary lacks."""
    if sum(ch.isalpha() for ch in word) <= 1 or not any(ch.islower() for ch in word):
        return True
    if any(ch.isdigit() for ch in word):
        return True
    return any(any(ch.isupper() for ch in segment[1:]) and any(ch.islower() for ch in segment)
               for segment in _SEGMENTS.split(word))


# ---------------------------------------------------------------------------------------------
# Dictionaries

# The region a language's dictionary is installed under when none is asked for.
_MAIN_REGION = {"en": "US", "fr": "FR", "de": "DE", "es": "ES", "it": "IT", "pt": "PT",
                "nl": "NL"}
# Private-use regions (ISO 3166: AA, QM–QZ, XA–XZ, ZZ): pseudo-locales such as `en-XA`,
# whose text no dictionary reads.
_PRIVATE_REGION = re.compile(r"AA|Q[M-Z]|X[A-Z]|ZZ")

# Where dictionaries are looked for, in order: Debian's hunspell-* packages, then the older
# myspell ones.
DICTIONARY_DIRS = (Path("/usr/share/hunspell"), Path("/usr/share/myspell"),
                   Path("/usr/share/myspell/dicts"))

# Hunspell is not known to be safe across threads; every call goes through this lock (they
# are few: results are kept). A forked child gets a fresh one.
_LOCK = threading.Lock()


def _fresh_lock() -> None:
    global _LOCK
    _LOCK = threading.Lock()


os.register_at_fork(after_in_child=_fresh_lock)


@lru_cache(maxsize=1)
def _installed() -> dict[str, Path]:
    """The installed dictionaries (a .dic with its .aff) by tag (`en_US`, `fr`, `fr_CA`…),
    each from the first directory that has it."""
    found: dict[str, Path] = {}
    for directory in DICTIONARY_DIRS:
        if directory.is_dir():
            for dic in sorted(directory.glob("*.dic")):
                if dic.with_suffix(".aff").is_file():
                    found.setdefault(dic.stem, directory)
    return found


Check = Callable[[str], bool]
Suggest = Callable[[str], Sequence[str]]


@lru_cache(maxsize=None)
def _dictionary(tag: str) -> tuple[Check, Suggest]:
    """The spell and suggest functions of an installed dictionary, loaded once per process."""
    from hunspell import Hunspell

    loaded = Hunspell(tag, hunspell_data_dir=str(_installed()[tag]))
    return loaded.spell, loaded.suggest


def dictionary_tag(language: str) -> str | None:
    """The installed dictionary for a language code (`en`, `en_US`, `fr-CA`): the region's
    own, else the language's main one, else any of the language. None when there is none,
    or for a private-use region (a pseudo-locale)."""
    base, _, region = language.replace("-", "_").partition("_")
    base, region = base.lower(), region.split("_")[0].upper()
    if not base.isalpha() or _PRIVATE_REGION.fullmatch(region):
        return None
    installed = _installed()
    candidates = [f"{base}_{region}"] if region else []
    candidates += [f"{base}_{_MAIN_REGION.get(base, base.upper())}", base]
    candidates += sorted(tag for tag in installed if tag.startswith(f"{base}_"))
    return next((tag for tag in candidates if tag in installed), None)


# ---------------------------------------------------------------------------------------------
# Speller


@dataclass(frozen=True)
class Misspelling:
    word: str  # as written in the text
    offset: int  # where in the text
    suggestions: tuple[str, ...]  # at most MAX_SUGGESTIONS, best first


class Speller:
    """Finds misspelled words in the texts of one language. Every verdict and every list of
    suggestions is kept: content repeats a small vocabulary, and Hunspell takes about a
    tenth of a second to suggest words for one (French: up to half a second)."""

    def __init__(self, language: str, tag: str, extra_words: frozenset[str]) -> None:
        self.language = language
        self.tag = tag
        self.extra_words = extra_words
        base = tag.split("_")[0]
        self._elision = _ELISION.get(base)
        self._possessive = _POSSESSIVE.get(base)
        self._check, self._suggest = _dictionary(tag)
        self._extra = frozenset(_extra_forms(extra_words))
        self._verdicts: dict[str, bool] = {}
        self._unknown: dict[str, tuple[str, ...]] = {}
        self._suggestions: dict[str, tuple[str, ...]] = {}

    def __reduce__(self) -> tuple[Callable[[str, frozenset[str]], Speller], tuple[Any, ...]]:
        return _unpickled, (self.language, self.extra_words)

    def __repr__(self) -> str:
        return f"Speller({self.language!r}, {self.tag!r}, {len(self.extra_words)} extra words)"

    def misspelled(self, text: str, *, suggest: bool = True) -> list[Misspelling]:
        """The misspelled words of a text, in order (with Hunspell's suggestions unless
        `suggest` is false: they cost far more than the verdicts)."""
        return [Misspelling(word, offset, self.suggestions(word) if suggest else ())
                for word, offset in words(text) if not self.correct(word)]

    def unknown(self, text: str) -> tuple[str, ...]:
        """The distinct misspelled words of a text, in order; kept per text, as content
        repeats its standard sentences."""
        found = self._unknown.get(text)
        if found is None:
            if len(self._unknown) >= _KEPT_TEXTS:
                self._unknown.clear()
            found = self._unknown[text] = tuple(dict.fromkeys(
                word for word, _ in words(text) if not self.correct(word)))
        return found

    def correct(self, word: str) -> bool:
        """Whether one word (as `words` finds them) is spelled correctly: known as a whole,
        or each word of it known (`ischio-jambiers`, `low-impact`; `l'` + an extra word).
        A capitalized dictionary or extra word is correct too."""
        verdict = self._verdicts.get(word)
        if verdict is None:
            verdict = self._verdicts[word] = self._judge(_normal(word))
        return verdict

    def _judge(self, word: str) -> bool:
        if not_judged(word) or self._is_extra(word):
            return True
        with _LOCK, suppress(UnicodeError):  # a word the dictionary cannot encode
            if self._check(word):
                return True
        for affix in (self._elision, self._possessive):
            match = affix.fullmatch(word) if affix is not None else None
            if match is not None and self.correct(match.group(1)):
                return True
        return "-" in word and all(self.correct(part) for part in word.split("-") if part)

    def suggestions(self, word: str) -> tuple[str, ...]:
        """Hunspell's best suggestions for a word, written with its kind of apostrophe."""
        normal = _normal(word)
        kept = self._suggestions.get(normal)
        if kept is None:
            offered: list[str] = []
            with _LOCK, suppress(UnicodeError):
                offered = [_normal(s) for s in self._suggest(normal) if _normal(s) != normal]
            if not offered and "-" in normal:
                offered = self._part_suggestions(normal)
            kept = self._suggestions[normal] = tuple(dict.fromkeys(offered))[:MAX_SUGGESTIONS]
        if "’" in word:  # as written; the dictionaries answer with either kind
            return tuple(s.replace("'", "’") for s in kept)
        return kept

    def _part_suggestions(self, word: str) -> list[str]:
        """Suggestions for a hyphenated word with one wrong part, which Hunspell often has
        none for as a whole (`Alongez-vous`): the word with that part corrected."""
        parts = word.split("-")
        wrong = [i for i, part in enumerate(parts) if not self.correct(part)]
        if len(wrong) != 1:
            return []
        i = wrong[0]
        return ["-".join([*parts[:i], s, *parts[i + 1:]]) for s in self.suggestions(parts[i])]

    def _is_extra(self, word: str) -> bool:
        return word.lower() in self._extra


def _extra_forms(extra_words: Iterable[str]) -> Iterable[str]:
    """Each word of the extra words and phrases (`Tensor fasciae latae`), lowercased (an
    extra word is accepted in any case), and each part of a hyphenated one."""
    for phrase in extra_words:
        for match in _TOKEN.finditer(phrase):
            word = _normal(match.group()).lower()
            yield word
            if "-" in word:
                yield from (part for part in word.split("-") if len(part) > 1)


# One Speller per language and extra words, per process.
_SPELLERS: dict[tuple[str, frozenset[str]], Speller | None] = {}


def speller(language: str, extra_words: Iterable[str] = ()) -> Speller | None:
    """The Speller of a language code (`en`, `fr`, `en_US`, `fr-CA`), made on first use in a
    process and kept; None when no Hunspell dictionary is installed for it. `extra_words`
    are accepted too: a project word list, glossary terms (each word of a phrase), names."""
    key = (language, frozenset(extra_words))
    if key not in _SPELLERS:
        tag = dictionary_tag(language)
        _SPELLERS[key] = Speller(language, tag, key[1]) if tag is not None else None
    return _SPELLERS[key]


def _unpickled(language: str, extra_words: frozenset[str]) -> Speller:
    made = speller(language, extra_words)
    if made is None:
        raise LookupError(f"no Hunspell dictionary for {language!r} here")
    return made


# More unknown words than this in one text, making up more than this share of its words: the
# text is not in the language (another check says so), and no word is suggested for.
MAX_MISSPELLED, MAX_MISSPELLED_SHARE = 3, 0.3
# Words of one catalog or document that get suggestions; later ones are reported without.
MAX_SUGGESTED_WORDS = 40


class SuggestionBudget:
    """How many words of one catalog or document may still get suggestions. Counted for
    every word, whether its suggestions were already known or not, so what is reported
    depends on the file alone, never on what a process happened to look up before."""

    def __init__(self, words: int = MAX_SUGGESTED_WORDS) -> None:
        self.left = words

    def take(self) -> bool:
        self.left -= 1
        return self.left >= 0


def spelling_messages(speller: Speller, text: str, accepted: frozenset[str] = frozenset(),
                      budget: SuggestionBudget | None = None) -> list[str]:
    """W312's messages for one text: one per unknown word with suggestions, or, for a text
    most of whose words are unknown (another language, or noise), one message naming the
    first few. Suggestions are slow (0.1 s a word and more), so a text never costs more
    than `MAX_MISSPELLED` of them, and a file no more than its `budget`. `accepted` words
    (lowercase) are never reported."""
    unique = [word for word in speller.unknown(text) if word.lower() not in accepted]
    total = len(words(text))
    if len(unique) > MAX_MISSPELLED and len(unique) > MAX_MISSPELLED_SHARE * total:
        shown = ", ".join(repr(w) for w in unique[:MAX_MISSPELLED])
        return [f"{len(unique)} of its {total} words are not in the {speller.language} "
                f"dictionary ({shown}…): is the text in this language?"]
    return [misspelling_message(Misspelling(
                w, 0, speller.suggestions(w) if budget is None or budget.take() else ()),
                speller.language) for w in unique]


def misspelling_message(found: Misspelling, language: str) -> str:
    """W312's words, the same for the English and each translation."""
    hint = (f"; did you mean {' or '.join(repr(s) for s in found.suggestions)}?"
            if found.suggestions else "")
    return (f"{found.word!r} is not in the {language} dictionary{hint} (if it is right, add "
            "it to the project's word list)")


def missing_dictionary_message(language: str) -> str:
    base = language_of(language)
    package = _DEBIAN_PACKAGES.get(base, f"hunspell-{base}")
    return (f"no Hunspell dictionary for {language!r} is installed (Debian: {package}); "
            "its spelling was not checked")


_DEBIAN_PACKAGES = {"en": "hunspell-en-us", "pt": "hunspell-pt-br"}
