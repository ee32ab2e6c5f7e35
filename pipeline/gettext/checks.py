"""Translation checks: everything wrong with one locale's catalog, as diagnostics.

Each concern is one small function that looks at a source/translation pair and yields
findings (code, message). The functions sit in plain lists — `ENTRY_CHECKS` for every locale,
`LOCALE_RULES[language]` for one language's conventions (French typography) — so a locale adds
a rule by appending a function, and each rule can be tested alone. `check_catalog` runs them
all and turns findings into diagnostics placed at the entry's line in the .po file, with the
English source location as `source_ref`.

What counts as translated/fuzzy/untranslated/obsolete comes from `pofiles.entry_status`, and
what counts as markup from `markup.analyze`, so `check`, `stats` and `build` always agree.

A plural entry is checked form by form: msgstr[0] against the msgid, the other forms against
the msgid_plural (msgstr[0] too in a language with one form), each finding naming its form.
An entry with `{name}` placeholders (the `python-brace-format` flag, or the model's format)
must keep exactly the English's placeholders in every form (E518).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import NamedTuple

import polib
from babel.numbers import NumberFormatError, parse_decimal

from pipeline.content import language, markup
from pipeline.content.fields import placeholders
from pipeline.core.config import UsageError
from pipeline.core.diagnostics import Diagnostic, diag
from pipeline.core.text import hidden_characters, link_targets, printable, without_link_targets
from pipeline.gettext.locales import cldr_plural_forms, header_mismatch, plural_forms
from pipeline.gettext.locales import parse as parse_locale
from pipeline.gettext.pofiles import (
    BRACE_FORMAT,
    EntryKey,
    entry_status,
    forms,
    key_of,
    sources_of,
    translation_line,
)

# ---------------------------------------------------------------------------------------------
# Public data


@dataclass(frozen=True)
class UnitInfo:
    """What the model says about one English text: its limit, whether it may hold markup,
    and where it lives (for the `source:` part of a diagnostic)."""

    max_length: int | None
    markup: bool
    source_ref: str  # "source/exercises/hip-thrust.yaml:23"
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

    @property
    def language(self) -> str:
        """The language part of the locale, the key of `LOCALE_RULES`: `pt_BR` → `pt`."""
        return self.locale.replace("-", "_").split("_")[0].lower()


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

_URL = re.compile(r"https?://[^\s<>\"'\])]+", re.IGNORECASE)
_DOI = re.compile(r"\b10\.\d{4,9}/[^\s<>\"'\])]+")
_TRAILING_PUNCT = ".,;:!?…»”’"
_NBSP = "\u00a0\u202f"
_MARKUP_CHARS = "*_"


def _mask(text: str, matches: Iterable[re.Match[str]], group: int = 0) -> str:
    """Replace what matched (or its group) with the same number of 'x', keeping positions."""
    parts: list[str] = []
    last = 0
    for match in matches:
        start, end = match.span(group)
        parts += [text[last:start], "x" * (end - start)]
        last = end
    parts.append(text[last:])
    return "".join(parts)


def _mask_addresses(text: str) -> str:
    """Link targets, URLs and DOIs are checked by their own rules; hide them from the others."""
    masked = _mask(text, link_targets(text), 1)
    masked = _mask(masked, _URL.finditer(masked))
    return _mask(masked, _DOI.finditer(masked))


def _addresses(text: str) -> list[str]:
    """URLs and DOIs written in the visible text (link targets excluded: markup parity owns
    those), trailing sentence punctuation not included."""
    visible = _mask(text, link_targets(text), 1)
    found = [m.group(0).rstrip(_TRAILING_PUNCT) for m in _URL.finditer(visible)]
    without_urls = _mask(visible, _URL.finditer(visible))
    found += [m.group(0).rstrip(_TRAILING_PUNCT) for m in _DOI.finditer(without_urls)]
    return found


def _snippet(text: str, start: int, end: int) -> str:
    return text[max(start, 0): min(end, len(text))]


# ---------------------------------------------------------------------------------------------
# Checks for every locale


def check_markup_parity(pair: Pair, ctx: CheckContext) -> Iterator[Finding]:
    """E505: the same emphasis/strong/link structure and the same link targets as the source.

    Token types are compared as counts, not order: a translation may need to move an
    emphasized word. A target that is not in the source at all is a security matter (E515)."""
    src = markup.analyze(pair.source)
    tr = markup.analyze(pair.translation)
    names = {"em_open": "emphasis", "strong_open": "strong", "link_open": "link"}
    src_kinds = Counter(k for k in src.structure if k.endswith("_open"))
    tr_kinds = Counter(k for k in tr.structure if k.endswith("_open"))
    plain = pair.info is not None and not pair.info.markup
    for kind, label in names.items():
        if src_kinds[kind] != tr_kinds[kind]:
            where = " in a plain-text field" if plain and not src_kinds[kind] else ""
            yield Finding("E505", f"{label}: {src_kinds[kind]} in the source, "
                                  f"{tr_kinds[kind]} in the translation{where}")
    src_links, tr_links = Counter(src.links), Counter(tr.links)
    for target, count in sorted(src_links.items()):
        if tr_links[target] == 0:
            yield Finding("E505", f"link target {target!r} is missing from the translation")
        elif tr_links[target] != count:
            yield Finding("E505", f"link target {target!r} appears {tr_links[target]} times "
                                  f"(source: {count})")


_SOURCE_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
# Digits with any separator a locale might use: , . ' and the three spaces.
_TRANSLATED_NUMBER = re.compile(r"\d++(?:[.,'’][0-9]++|[ \u00a0\u202f]\d{3}(?!\d))*+")


def _source_numbers(text: str) -> list[tuple[str, Decimal]]:
    """English numbers: `1,000` is one thousand, `2.5` two and a half, `5–10` two numbers."""
    numbers = []
    for match in _SOURCE_NUMBER.finditer(_mask_addresses(text)):
        literal = match.group(0)
        numbers.append((literal, Decimal(literal.replace(",", "")).normalize()))
    return numbers


def _plain_readings(token: str) -> set[Decimal]:
    """`1.000,5` → every separator as grouping (10005), or the last one as decimal (1000.5)."""
    compact = re.sub(r"[ \u00a0\u202f'’]", "", token)
    readings = {re.sub(r"[.,]", "", compact)}
    last = max(compact.rfind("."), compact.rfind(","))
    if last >= 0:
        readings.add(re.sub(r"[.,]", "", compact[:last]) + "." + compact[last + 1:])
    return {Decimal(r).normalize() for r in readings if r}


def _readings(token: str, locale: str) -> set[Decimal]:
    """Every value a number written in the translation could mean: the locale's reading
    (Babel), each separator as grouping or decimal, and each space-separated part alone
    (`3 100` may be "3 100" or "3" then "100")."""
    values: set[Decimal] = set()
    try:
        values.add(Decimal(parse_decimal(token, locale=locale)).normalize())
    except (NumberFormatError, ValueError, InvalidOperation, LookupError):
        pass
    values |= _plain_readings(token)
    for part in re.split(r"[ \u00a0\u202f]", token):
        values |= _plain_readings(part)
    return values


def check_numbers(pair: Pair, ctx: CheckContext) -> Iterator[Finding]:
    """E506: every number of the source is in the translation, in digits, in any formatting
    the locale allows (`1,000` → `1 000`, `2.5` → `2,5`). Numbers spelled out do not count:
    a reader scanning for "10" must find it."""
    found: set[Decimal] = set()
    for match in _TRANSLATED_NUMBER.finditer(_mask_addresses(pair.translation)):
        found |= _readings(match.group(0), ctx.locale)
    reported: set[Decimal] = set()
    for literal, value in _source_numbers(pair.source):
        if value not in found and value not in reported:
            reported.add(value)
            yield Finding("E506", f"number {literal!r} is missing from the translation")


def _edges(text: str) -> tuple[str, str]:
    stripped = text.strip()
    if not stripped:
        return text, ""
    start = text.index(stripped)
    return text[:start], text[start + len(stripped):]


def check_whitespace(pair: Pair, ctx: CheckContext) -> Iterator[Finding]:
    """W507: leading/trailing white space and line breaks are layout; they must survive."""
    src_lead, src_trail = _edges(pair.source)
    tr_lead, tr_trail = _edges(pair.translation)
    if src_lead != tr_lead:
        yield Finding("W507", f"leading white space {tr_lead!r} differs from the source's "
                              f"{src_lead!r}")
    if src_trail != tr_trail:
        yield Finding("W507", f"trailing white space {tr_trail!r} differs from the source's "
                              f"{src_trail!r}")
    src_breaks, tr_breaks = pair.source.count("\n"), pair.translation.count("\n")
    if src_breaks != tr_breaks:
        yield Finding("W507", f"{tr_breaks} line break(s) where the source has {src_breaks}")


_CLOSERS = " \t\n\u00a0\u202f*_\"'”’»)]"
_END_CLASSES = {".": "'.'", "!": "'!'", "?": "'?'", ":": "':'", ";": "';'", "…": "'…'"}


def _ending(text: str) -> str | None:
    """The sentence punctuation a text ends with, ignoring closing markup, quotes, guillemets
    and link targets; `...` and `…` are the same ending."""
    core = without_link_targets(text).rstrip(_CLOSERS)
    if core.endswith("...") or core.endswith("…"):
        return "'…'"
    return _END_CLASSES.get(core[-1:]) if core else None


def check_end_punctuation(pair: Pair, ctx: CheckContext) -> Iterator[Finding]:
    """W508: a question stays a question, a sentence keeps its full stop, a name gains none."""
    src, tr = _ending(pair.source), _ending(pair.translation)
    if src == tr:
        return
    if src is None:
        yield Finding("W508", f"translation ends with {tr} but the source has no end punctuation")
    elif tr is None:
        yield Finding("W508", f"translation should end with {src} like the source")
    else:
        yield Finding("W508", f"translation ends with {tr} but the source ends with {src}")


_LETTER = re.compile(r"[^\W\d_]")
_TERM_WORD = re.compile(r"^[^\W\d_][\w'’-]*$")


def _is_short_term(text: str) -> bool:
    """A name often kept as is in other languages (`Quadriceps`, `Hip thrust`): one or two
    words of letters, hyphens or apostrophes, starting with a capital as names do here, with
    no digits or punctuation. Anything else is prose and should be translated."""
    words = text.split()
    return (1 <= len(words) <= 2 and text[:1].isupper()
            and all(_TERM_WORD.match(w) for w in words))


def check_same_as_source(pair: Pair, ctx: CheckContext) -> Iterator[Finding]:
    """W509: an identical translation is usually English pasted in to silence 'untranslated'."""
    if pair.translation != pair.source or pair.source in ctx.same_as_source_allow:
        return
    if not _LETTER.search(pair.source) or _is_short_term(pair.source):
        return
    yield Finding("W509", "translation is identical to the English")


# A text with no limit of its own (or not in the source at all) is held to this one: no
# field allows more. Up to twice its limit, a translation gets every check, so a translator
# sees all of a text's problems at once; beyond that, only that it is too long.
MAX_TEXT_LENGTH = 2400
_CHECKED_LENGTH_FACTOR = 2


def _limit(info: UnitInfo | None) -> int:
    return info.max_length if info is not None and info.max_length else MAX_TEXT_LENGTH


def check_max_length(pair: Pair, ctx: CheckContext) -> Iterator[Finding]:
    """E510: the model's limit applies to the translation too (the layout was built for it)."""
    limit = _limit(pair.info)
    if len(pair.translation) > limit:
        yield Finding("E510", f"translation has {len(pair.translation)} characters; "
                              f"the field allows {limit}")


MIN_RATIO, MAX_RATIO, RATIO_MIN_SOURCE = 0.4, 2.5, 20


def check_length_ratio(pair: Pair, ctx: CheckContext) -> Iterator[Finding]:
    """W511: a far shorter or longer text often means a dropped or duplicated sentence.
    Short sources vary too much to judge."""
    src_len, tr_len = len(pair.source), len(pair.translation)
    if src_len < RATIO_MIN_SOURCE:
        return
    ratio = tr_len / src_len
    if ratio < MIN_RATIO or ratio > MAX_RATIO:
        yield Finding("W511", f"translation is {ratio:.1f}× the source's length "
                              f"({tr_len} vs {src_len} characters)")


def _fold(text: str) -> str:
    return text.lower().replace("’", "'").replace("\u00a0", " ").replace("\u202f", " ")


def _glossary_eligible(term: str) -> bool:
    """Only distinctive terms: two words or more, or one word of six letters or more
    (`bench`, `wall` appear in ordinary prose and would only make noise)."""
    return len(term.split()) >= 2 or len(_LETTER.findall(term)) >= 6


def _stem(word: str) -> str:
    """Drop one French plural/feminine ending so every variant can be added back."""
    for ending in ("es", "s", "x", "e"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


@lru_cache(maxsize=4096)
def _term_pattern(term: str, inflect: bool) -> re.Pattern[str]:
    """A whole word/phrase pattern; with `inflect`, each word may take or lose a simple French
    plural/feminine ending (s, e, es, x): `grand fessier` matches `grands fessiers`, and
    `ischio-jambiers` matches `ischio-jambier`."""
    words = _fold(term).split()
    if inflect:
        parts = [re.escape(_stem(w)) + r"(?:es|s|x|e)?" for w in words]
    else:
        parts = [re.escape(w) for w in words]
    return re.compile(r"(?<!\w)" + r"\s+".join(parts) + r"(?!\w)")


def check_glossary(pair: Pair, ctx: CheckContext) -> Iterator[Finding]:
    """W512: a glossary term in the source is rendered with the glossary's translation, so a
    muscle has one name across all the content."""
    source, translation = _fold(pair.source), _fold(pair.translation)
    for term, rendering in sorted(ctx.glossary.items()):
        if not rendering.strip() or not _glossary_eligible(term):
            continue
        if not _term_pattern(term, False).search(source):
            continue
        if not _term_pattern(rendering, True).search(translation):
            yield Finding("W512", f"glossary term {term!r} should be translated as "
                                  f"{rendering!r}")


def check_language(pair: Pair, ctx: CheckContext) -> Iterator[Finding]:
    """E513: a sentence in another language (usually English left behind)."""
    found = language.foreign_sentence(pair.translation, ctx.locale)
    if found is not None:
        sentence, code = found
        shown = sentence if len(sentence) <= 60 else sentence[:57] + "…"
        yield Finding("E513", f"{shown!r} reads as {code!r}, not {ctx.language!r}")


def check_security(pair: Pair, ctx: CheckContext) -> Iterator[Finding]:
    """E515: translations are rendered like the source, so they get the same safety rules —
    judged by `markup.analyze` on what renderers and browsers make of the text (entities
    decoded, block structure, anything a browser would start a tag with) — and may not let
    a renderer link anywhere, or show a link title, that the English does not."""
    analysis = markup.analyze(pair.translation)
    for problem in analysis.problems:
        yield Finding("E515", problem.message)
    for message in markup.added_addresses(markup.analyze(pair.source), analysis):
        yield Finding("E515", message)


@lru_cache(maxsize=256)
def _right_to_left(locale: str) -> bool:
    """Whether CLDR writes the locale's language right to left (ar, he, fa, ur…)."""
    try:
        return bool(parse_locale(locale).character_order == "right-to-left")
    except UsageError:
        return False


def check_control_chars(pair: Pair, ctx: CheckContext) -> Iterator[Finding]:
    """E516: invisible characters that corrupt display or reorder text (bidi spoofing), and
    stacked combining marks. The bidi marks LRM, RLM and ALM are allowed in a catalog whose
    locale is written right to left, where they place numbers and punctuation correctly;
    embeddings, overrides and isolates never are (`hidden_characters` says which joiners
    are allowed)."""
    for description in hidden_characters(pair.translation,
                                          right_to_left=_right_to_left(ctx.locale)):
        yield Finding("E516", description)


def check_addresses(pair: Pair, ctx: CheckContext) -> Iterator[Finding]:
    """E517: a URL or DOI cited in the text must reach the reader unchanged. It is compared
    whole (a truncated or extended copy is altered), and may also appear as a link target."""
    present = {m.group(0).rstrip(_TRAILING_PUNCT)
               for pattern in (_URL, _DOI) for m in pattern.finditer(pair.translation)}
    for address in dict.fromkeys(_addresses(pair.source)):
        if address not in present:
            kind = "URL" if "://" in address else "DOI"
            yield Finding("E517", f"{kind} {address!r} is missing or altered in the translation")


def _shown_names(names: Iterable[str]) -> str:
    return ", ".join("{" + name + "}" for name in sorted(names))


def check_placeholders(pair: Pair, ctx: CheckContext) -> Iterator[Finding]:
    """E518: a brace-format text is filled in with values by name (`{count} sets`), so its
    translation keeps exactly the English's placeholders: one missing leaves a value out,
    one renamed or added cannot be filled (the app fails or shows English), and an unmatched
    brace breaks the whole text. A brace of the text itself is written doubled (`{{`)."""
    if pair.format != BRACE_FORMAT:
        return
    wanted = placeholders(pair.source)
    if wanted is None:
        return  # the English is not a brace-format text: nothing to hold the translation to
    found = placeholders(pair.translation)
    if found is None:
        yield Finding("E518", "an unmatched brace: keep each placeholder whole "
                              f"({_shown_names(wanted) or 'none here'}), and double a brace "
                              "that is part of the text ({{ or }})")
        return
    if found == wanted:
        return
    problems = []
    if wanted - found:
        problems.append(f"{_shown_names(wanted - found)} missing")
    if found - wanted:
        problems.append(f"{_shown_names(found - wanted)} not in the English")
    yield Finding("E518", f"placeholders differ from the English: {'; '.join(problems)} "
                          f"(write exactly {_shown_names(wanted) or 'no placeholder'})")


# ---------------------------------------------------------------------------------------------
# French typography

_HIGH_PUNCT = ";:!?"


def _look_back(text: str, index: int) -> int:
    """Index of the first character before `index` that is not emphasis/strong markup."""
    i = index - 1
    while i >= 0 and text[i] in _MARKUP_CHARS:
        i -= 1
    return i


def _look_ahead(text: str, index: int) -> int:
    i = index + 1
    while i < len(text) and text[i] in _MARKUP_CHARS:
        i += 1
    return i


def check_fr_typography(pair: Pair, ctx: CheckContext) -> Iterator[Finding]:
    """E514: French sets a no-break space (U+00A0 or U+202F) before ; : ! ? and inside « »,
    and uses guillemets rather than straight quotes. A plain space would let the line break
    leave the punctuation alone at the start of a line."""
    text = _mask_addresses(pair.translation)
    reported: set[str] = set()

    def finding(message: str) -> Iterator[Finding]:
        if message not in reported:
            reported.add(message)
            yield Finding("E514", message)

    for i, ch in enumerate(text):
        if ch in _HIGH_PUNCT:
            j = _look_back(text, i)
            if j < 0 or text[j] in "\n([" or text[j] in _HIGH_PUNCT or text[j] in _NBSP:
                continue
            if ch == ":" and text[j].isdigit() and text[i + 1: i + 2].isdigit():
                continue  # 10:30
            if ch == "!" and text[i + 1: i + 2] == "[":
                continue  # image syntax; E515 reports it
            yield from finding(f"no-break space needed before {ch!r} "
                               f"(found {_snippet(pair.translation, j, i + 1)!r})")
        elif ch == "«":
            j = _look_ahead(text, i)
            if j < len(text) and text[j] not in _NBSP:
                yield from finding(f"no-break space needed after '«' "
                                   f"(found {_snippet(pair.translation, i, j + 1)!r})")
        elif ch == "»":
            j = _look_back(text, i)
            if j >= 0 and text[j] not in _NBSP:
                yield from finding(f"no-break space needed before '»' "
                                   f"(found {_snippet(pair.translation, j, i + 1)!r})")
        elif ch == '"':
            yield from finding("straight quote '\"': use « » with no-break spaces")


# ---------------------------------------------------------------------------------------------
# Registries

ENTRY_CHECKS: list[CheckFn] = [
    check_markup_parity,
    check_numbers,
    check_whitespace,
    check_end_punctuation,
    check_same_as_source,
    check_max_length,
    check_length_ratio,
    check_glossary,
    check_language,
    check_security,
    check_control_chars,
    check_addresses,
    check_placeholders,
]

# Rules for one language, keyed by the language part of the locale ("fr" serves fr, fr_CA…).
LOCALE_RULES: dict[str, list[CheckFn]] = {
    "fr": [check_fr_typography],
}


def entry_checks(ctx: CheckContext) -> list[CheckFn]:
    """The checks that apply in this locale: the common ones, then the language's own."""
    if ctx.scope == "language":
        return [check_language]
    found = ENTRY_CHECKS + LOCALE_RULES.get(ctx.language, [])
    return [c for c in found if c is not check_language] if ctx.scope == "not-language" else found


# ---------------------------------------------------------------------------------------------
# Header checks


def check_language_header(catalog: polib.POFile, ctx: CheckContext) -> Iterator[Finding]:
    """E404: tools (and `build`) trust the Language header; it must match the folder."""
    problem = header_mismatch(catalog.metadata.get("Language", ""), ctx.locale)
    if problem is not None:
        yield Finding("E404", problem)


def _squash(value: str) -> str:
    return re.sub(r"\s+", "", value).rstrip(";")


def check_plural_forms(catalog: polib.POFile, ctx: CheckContext) -> Iterator[Finding]:
    """E405: a wrong Plural-Forms picks the wrong plural at run time. GNU gettext's rule
    and CLDR's (which some tools write) are both right."""
    try:
        expected = plural_forms(ctx.locale)
        also = cldr_plural_forms(ctx.locale)
    except UsageError:
        return  # an unknown locale is reported once, elsewhere (E409)
    found = catalog.metadata.get("Plural-Forms", "")
    if _squash(found) not in (_squash(expected), _squash(also)):
        yield Finding("E405", f"Plural-Forms is {found!r}; expected {expected!r}")


# The charset is the parser's (`pofiles`, E402): a catalog not in UTF-8 is never read.
HEADER_CHECKS: list[HeaderCheckFn] = [check_language_header, check_plural_forms]

# ---------------------------------------------------------------------------------------------
# Running everything


def _source_ref(entry: polib.POEntry, info: UnitInfo | None) -> str | None:
    if info is not None:
        return info.source_ref
    if entry.occurrences:  # written in the catalog: shown with hidden characters escaped
        path, line = entry.occurrences[0]
        return printable(f"{path}:{line}" if line else str(path))
    return None


def _is_blank(source: str, translation: str) -> bool:
    """A translation with nothing to read: only white space, invisible format characters or
    markup, while the source has words."""
    if re.search(r"\w", translation):
        return False
    if re.search(r"\w", source):
        return True
    return not any(not ch.isspace() and unicodedata.category(ch) not in ("Cf", "Cc")
                   for ch in translation)


def _format_of(entry: polib.POEntry, info: UnitInfo | None) -> str | None:
    """The entry's brace format: the model's, or the entry's own flag."""
    if (info is not None and info.format == BRACE_FORMAT) or BRACE_FORMAT in entry.flags:
        return BRACE_FORMAT
    return None


def check_entry(entry: polib.POEntry, ctx: CheckContext) -> list[Diagnostic]:
    """The problems of one (non-obsolete) entry; a plural entry's, form by form."""
    info = ctx.units.get(key_of(entry))
    ref = _source_ref(entry, info)
    plural = bool(entry.msgid_plural)

    def at(code: str, message: str, form: int | None = None) -> Diagnostic:
        # Messages quote the translation: hidden characters in it are shown as escapes.
        if plural and form is not None:
            message = f"msgstr[{form}]: {message}"
        return diag(ctx.display, translation_line(entry), 0, code, printable(message),
                    source_ref=ref)

    # An entry not to be checked further: what it is reported for instead (the checks of
    # the "language" scope leave that to the others).
    status = entry_status(entry)
    texts = forms(entry)
    pairs = [Pair(source, text, info, _format_of(entry, info))
             for source, text in zip(sources_of(entry), texts)]
    empty = [form for form, text in enumerate(texts) if not text]
    instead: list[Diagnostic] | None = None
    if status == "fuzzy":
        instead = [at("E502", "marked fuzzy; review the translation and remove the flag")]
    elif len(empty) == len(texts):
        instead = [at("E501", "not translated")]
    elif empty:
        missing = ", ".join(f"msgstr[{form}]" for form in empty)
        instead = [at("E501", f"{missing} not translated: every plural form needs its text")]
    elif blank := [form for form, pair in enumerate(pairs)
                   if _is_blank(pair.source, pair.translation)]:
        instead = [at("E504", f"translation {_shown(texts[form])} has nothing to read", form)
                   for form in blank]
    elif long := [form for form, pair in enumerate(pairs)
                  if len(pair.translation) > _CHECKED_LENGTH_FACTOR * _limit(info)]:
        # Far too long to ship: the other checks (a Markdown parser among them) would spend
        # time in proportion to text that can only be rejected.
        instead = [at(code, message, form) for form in long
                   for code, message in check_max_length(pairs[form], ctx)]
    if instead is not None:
        return [] if ctx.scope == "language" else instead
    return [at(code, message, form) for form, pair in enumerate(pairs)
            for check in entry_checks(ctx) for code, message in check(pair, ctx)]


def _shown(text: str) -> str:
    return repr(text) if len(text) <= 40 else f"{text[:40]!r}… ({len(text)} characters)"


def check_catalog(catalog: polib.POFile, ctx: CheckContext) -> list[Diagnostic]:
    """Every problem in one catalog: headers, each entry, obsolete count (each entry's
    checks alone with the "language" scope)."""
    whole = ctx.scope != "language"
    result = [diag(ctx.display, 1, 0, code, printable(message))
              for check in (HEADER_CHECKS if whole else []) for code, message in check(catalog, ctx)]
    obsolete: list[polib.POEntry] = []
    for entry in catalog:
        if entry.obsolete:
            obsolete.append(entry)
        elif entry.msgid or entry.msgctxt:  # msgid "" without context is the header
            result.extend(check_entry(entry, ctx))
    if obsolete and whole:
        result.append(diag(ctx.display, translation_line(obsolete[0]), 0, "W503",
                           f"{len(obsolete)} obsolete entr{'y' if len(obsolete) == 1 else 'ies'}"
                           "; remove them once no longer useful"))
    return sorted(result)
