"""Checks of a translation's prose against its English: the slips of typing and editing that
the structural checks cannot see (a word typed twice, a sentence dropped, a bracket left
open, a lowercase start, an acronym lost, two spaces), and the locale's register.

Each check masks what other rules own first (addresses and link targets, HTML entities,
`{placeholders}`), so one slip is reported once, by the rule that explains it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from pipeline.core.text import HTML_ENTITY
from pipeline.gettext.checkbase import BRACE, CheckContext, Finding, Pair, mask, mask_addresses

# Identifiers written with a scheme (`doi:10.1000/x`, `mailto:a@b`): their colon is no
# punctuation.
_SCHEME_ID = re.compile(r"(?<![\w-])(?:doi|mailto|tel|urn|isbn|pmid|arxiv):(?=\S)", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


@lru_cache(maxsize=8192)
def visible(text: str) -> str:
    """The text as the checks of prose read it: addresses, link targets, HTML entities and
    `{placeholders}` replaced by as many 'x' (positions kept)."""
    masked = mask(mask_addresses(text), _SCHEME_ID.finditer(text))
    return mask(mask(masked, HTML_ENTITY.finditer(text)), BRACE.finditer(text))


# ---------------------------------------------------------------------------------------------
# W520 doubled words

# Words a language rightly writes twice in a row ("vous vous asseyez", "that that").
_REPEATABLE = {"fr": {"nous", "vous", "en"}, "en": {"that", "had", "is"},
               "de": {"die", "der", "das", "sie"}, "es": {"que"}, "it": {"che"},
               "pt": {"que"}}
_DOUBLED = re.compile(r"(?<![\w'’-])([^\W\d_]+)([ \u00a0\u202f]+)(\1)(?![\w'’-])",
                      re.IGNORECASE)


def _doubles(text: str) -> list[str]:
    return [m.group(1).lower() for m in _DOUBLED.finditer(visible(text))]


def check_doubled_words(pair: Pair, ctx: CheckContext) -> Iterator[Finding]:
    """W520: a word typed twice ("le le genou"), unless the language repeats it rightly or
    the English repeats it too."""
    allowed = _REPEATABLE.get(ctx.language, set()) | set(_doubles(pair.source))
    for word in dict.fromkeys(_doubles(pair.translation)):
        if word not in allowed:
            yield Finding("W520", f"{word!r} is written twice in a row")


# ---------------------------------------------------------------------------------------------
# W521 initial capital

_LEADING = re.compile(r"[\s*_\"'“”‘’«»„‚‹›(\[¿¡\u00a0\u202f-]*")


# Unit symbols, which keep their case wherever they stand.
_SYMBOLS = frozenset({"km", "kg", "cm", "mm", "m", "g", "mg", "ml", "l", "h", "min", "s",
                      "ms", "kcal", "bpm", "mmHg"})


def _first_letter(text: str) -> str:
    """The first letter of the text, past opening quotes and markup; "" when the text starts
    with a placeholder, an address or an entity (what follows is not the start)."""
    match = _LEADING.match(text)
    rest = text[match.end():] if match is not None else text
    if rest.startswith(("{", "&")) or re.match(r"\w+://|www\.", rest):
        return ""
    first = re.match(r"[^\W\d_]+", rest)
    if first is not None and first.group(0) in _SYMBOLS:
        return ""  # a unit symbol is written in lowercase: "km parcourus"
    return rest[:1]


def check_initial_capital(pair: Pair, ctx: CheckContext) -> Iterator[Finding]:
    """W521: a text that starts with a capital in English starts with one in a language
    that has capitals (a lowercase start is a sentence cut from its beginning, or a slip)."""
    src, tr = _first_letter(pair.source), _first_letter(pair.translation)
    if not src.isupper() or not tr.isalpha():
        return
    if tr.islower() and tr.upper() != tr:
        yield Finding("W521", f"starts with {tr!r} where the English starts with a capital")


# ---------------------------------------------------------------------------------------------
# W522 acronyms

_TOKEN = re.compile(r"(?<![\w-])(\w+?)(s?)(?![\w-])")
# Not acronyms to keep: words, Roman numerals, and the labels of addresses (E517 owns those).
_NOT_ACRONYMS = {"OK", "AM", "PM", "DOI", "URL", "II", "III", "IV", "VI", "VII", "VIII", "IX", "XI", "XII"}


def _is_acronym(token: str) -> bool:
    return token.isupper() and sum(ch.isalpha() for ch in token) >= 2


def _acronyms(text: str) -> list[str]:
    """The acronyms of a text (words of two capitals or more, a plural `s` aside), unless
    the text is written in capitals."""
    found = [m.group(1) for m in _TOKEN.finditer(visible(text)) if _is_acronym(m.group(1))]
    words = _WORD.findall(visible(text))
    capitals = [w for w in words if w.isupper() and len(w) > 1]
    if words and len(capitals) * 2 > len(words):
        return []  # text written in capitals: its words are not acronyms
    return [a for a in dict.fromkeys(found) if a not in _NOT_ACRONYMS]


def check_acronyms(pair: Pair, ctx: CheckContext) -> Iterator[Finding]:
    """W522: an acronym of the English is kept, or replaced by the language's own acronym
    (MRI → IRM) or by the glossary's translation; one spelled out or lost is reported."""
    src = _acronyms(pair.source)
    if not src:
        return
    tr = set(_acronyms(pair.translation))
    folded = pair.translation.lower()
    missing = [a for a in src if a not in tr
               and not (a.lower() in ctx.glossary and ctx.glossary[a.lower()].lower() in folded)]
    local = [a for a in tr if a not in src]
    for acronym in missing[len(local):]:
        yield Finding("W522", f"acronym {acronym!r} is missing from the translation")


# ---------------------------------------------------------------------------------------------
# W523 brackets and quotation marks

_PAIRS = {"(": ")", "[": "]"}
# Full-width brackets (Chinese, Japanese) are the same brackets.
_WIDE_BRACKETS = str.maketrans({"（": "(", "）": ")", "［": "[", "］": "]", "【": "[", "】": "]"})
# A Markdown link's brackets are markup (E505 compares links): only its text counts.
# (a destination may hold balanced parentheses, as CommonMark reads it).
_LINK = re.compile(r"\[([^\]]*)\]\((?:[^()\s]|\([^()\s]*\))*\)")
_DOUBLE_QUOTES = "\"“”«»„「」『』"


def _quote_pairs(text: str) -> tuple[int, bool]:
    """How many quotations the text holds (double quotation marks of any style, counted in
    pairs: apostrophes and single quotes are too alike to count), and whether one is left
    open."""
    marks = sum(text.count(ch) for ch in _DOUBLE_QUOTES)
    opened = {"«": "»", "“": "”", "「": "」", "『": "』"}
    unbalanced = marks % 2 == 1 or any(
        text.count(o) != text.count(c) for o, c in opened.items()
        if o != "“" or "„" not in text)
    return marks // 2, unbalanced


# Any character `check_brackets` counts: a text pair with none has nothing to compare.
_BRACKETISH = re.compile("[][()（）［］【】" + _DOUBLE_QUOTES + "]")


def check_brackets(pair: Pair, ctx: CheckContext) -> Iterator[Finding]:
    """W523: every bracket closes, and a parenthesis or quotation of the English is not
    dropped (a translation may add one, to explain a term)."""
    if not _BRACKETISH.search(pair.source) and not _BRACKETISH.search(pair.translation):
        return
    src = visible(_LINK.sub(r"\1", pair.source)).translate(_WIDE_BRACKETS)
    tr = visible(_LINK.sub(r"\1", pair.translation)).translate(_WIDE_BRACKETS)
    if pair.format == "python-brace-format":
        src, tr = src.replace("{{", "").replace("}}", ""), tr.replace("{{", "").replace("}}", "")
    for opening, closing in _PAIRS.items():
        src_open, tr_open, tr_close = src.count(opening), tr.count(opening), tr.count(closing)
        if tr_open != tr_close and src_open == src.count(closing):
            yield Finding("W523", f"{tr_open} {opening!r} but {tr_close} {closing!r}")
        elif tr_open < src_open:
            yield Finding("W523", f"{opening}…{closing}: {src_open} in the English, {tr_open} "
                                  "in the translation")
    src_quotes, src_unbalanced = _quote_pairs(src)
    tr_quotes, tr_unbalanced = _quote_pairs(tr)
    if tr_unbalanced and not src_unbalanced:
        yield Finding("W523", "a quotation mark is not closed")
    elif tr_quotes < src_quotes:
        yield Finding("W523", f"quotations: {src_quotes} in the English, {tr_quotes} in the "
                              "translation")


# ---------------------------------------------------------------------------------------------
# W524 sentence count

# Abbreviations that end with a full stop inside a sentence, by language (lowercase, no dot).
_ABBREVIATIONS = {
    "en": {"e.g", "i.e", "etc", "dr", "mr", "mrs", "ms", "vs", "approx", "min", "sec", "no",
           "fig", "st", "prof", "al", "cf", "ca"},
    "fr": {"p. ex", "ex", "etc", "m", "mme", "mlle", "dr", "pr", "env", "cf", "min", "s",
           "n°", "no", "fig", "c.-à-d", "av", "apr", "j.-c", "vol", "éd", "coll"},
    "de": {"z. b", "z.b", "bzw", "ca", "usw", "nr", "dr", "vgl", "d. h", "evtl", "ggf",
           "min", "sek", "std"},
    "es": {"p. ej", "etc", "sr", "sra", "dr", "dra", "aprox", "núm", "pág", "min", "seg"},
    "it": {"ad es", "ecc", "sig", "dott", "pag", "min", "sec"},
    "pt": {"p. ex", "ex", "etc", "sr", "sra", "dr", "dra", "pág", "min", "seg"},
}
# An end of sentence: its marks, closing quotes or markup, then white space (a full-width
# mark needs none).
_TERMINATOR = re.compile(r"([.!?…]+|[。！？]+)([\"'”’»)\]*_]*)(\s+|(?<=[。！？]))")
_OPENERS = "\"'“‘«„(¿¡*_ \u00a0\u202f"


def _starts_sentence(rest: str) -> bool:
    """A capital or a digit (or a letter of a script without case) starts a sentence."""
    first = rest.lstrip(_OPENERS)[:1]
    return first.isdigit() or first.isalpha() and not first.islower()
_LAST_WORD = re.compile(r"([^\s(«\"“]+)$")


def sentences(text: str, language: str) -> int:
    """How many sentences a text holds: ends of sentence followed by a new one (a capital or
    a digit; any character after a full-width mark), not counting the full stop of an
    abbreviation or an initial."""
    masked = visible(text).strip()
    if not masked:
        return 0
    abbreviations = _ABBREVIATIONS.get(language, set()) | _ABBREVIATIONS["en"]
    count = 1
    for match in _TERMINATOR.finditer(masked):
        rest = masked[match.end():]
        if not rest:
            continue
        if match.group(1)[0] not in "。！？" and not _starts_sentence(rest):
            continue
        if match.group(1) == ".":
            word = _LAST_WORD.search(masked[:match.start()])
            token = word.group(1).lower() if word else ""
            if token in abbreviations or len(token) == 1:
                continue
        count += 1
    return count


_WORDS_PER_SENTENCE = 15


def check_sentence_count(pair: Pair, ctx: CheckContext) -> Iterator[Finding]:
    """W524: a sentence of the English dropped, two run together, or one added. A translator
    rightly splits a long sentence, so more sentences are reported only where the English's
    are short (under `_WORDS_PER_SENTENCE` words on average): a sentence was added."""
    src = sentences(pair.source, "en")
    tr = sentences(pair.translation, ctx.language)
    if tr < src or tr > src and _WORDS_PER_SENTENCE * src > len(_WORD.findall(pair.source)):
        yield Finding("W524", f"{tr} sentence{'s' if tr != 1 else ''} where the English has "
                              f"{src}")


# ---------------------------------------------------------------------------------------------
# W525 double spaces

_DOUBLE_SPACE = re.compile(r"(?<=\S)[ \u00a0\u202f]{2,}(?=\S)")


def check_double_space(pair: Pair, ctx: CheckContext) -> Iterator[Finding]:
    """W525: two spaces in a row inside the text (one shows as a gap, and a no-break space
    beside a plain one breaks the line where it should not)."""
    if _DOUBLE_SPACE.search(pair.source):
        return
    match = _DOUBLE_SPACE.search(pair.translation)
    if match is not None:
        shown = pair.translation[max(match.start() - 12, 0): match.end() + 12]
        yield Finding("W525", f"two spaces in a row: {shown!r}")


# ---------------------------------------------------------------------------------------------
# W527 formality (French: vous)

_INFORMAL_FR = re.compile(
    r"(?<![\w'’])(?:(tu|toi|ta|tes|ton|te)(?![\w'’])|(t['’])(?=[aeiouyhéèêàâîôû]))",
    re.IGNORECASE)
_TON_NOUN = re.compile(r"(?<![\w'’])(?:le|un|du|au|ce|même|bon|de|d['’]un|mon|son|votre)\s+$",
                       re.IGNORECASE)


# Words quoted (« Tu as mal ? », a question to ask a child) do not address the reader.
_QUOTED = re.compile(r"«[^»]*»|“[^”]*”|\"[^\"]*\"")


def check_formality_fr(pair: Pair, ctx: CheckContext) -> Iterator[Finding]:
    """W527: the content addresses the reader as "vous"; a "tu" (or ton, ta, tes, toi, te)
    mixes registers, usually a sentence reused from an informal source. Quoted words are
    someone else's."""
    text = _QUOTED.sub(lambda m: " " * len(m.group(0)), visible(pair.translation))
    for match in _INFORMAL_FR.finditer(text):
        word = match.group(1) or match.group(2)
        if len(word) > 1 and word.isupper():
            continue  # an abbreviation: TA (tension artérielle)
        if word.lower() == "ton" and _TON_NOUN.search(text[:match.start()]):
            continue  # le ton de la voix
        yield Finding("W527", f"{word!r} is informal; address the reader as « vous »")
        return
