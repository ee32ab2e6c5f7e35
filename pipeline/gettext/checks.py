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
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from decimal import Decimal
from functools import lru_cache

import polib

from pipeline.content import language, markup, spelling
from pipeline.content.fields import placeholders
from pipeline.content.readability import reading_message
from pipeline.core import suppressions
from pipeline.core.config import UsageError
from pipeline.core.diagnostics import Diagnostic, diag
from pipeline.core.text import EMAIL, hidden_characters, printable, without_link_targets
from pipeline.gettext import prose, quantities
from pipeline.gettext.checkbase import (
    DOI,
    MARKUP_CHARS,
    NBSP,
    TRAILING_PUNCT,
    URL,
    addresses,
    mask,
    mask_addresses,
    snippet,
)
from pipeline.gettext.checkbase import CheckContext as CheckContext
from pipeline.gettext.checkbase import CheckFn as CheckFn
from pipeline.gettext.checkbase import Finding as Finding
from pipeline.gettext.checkbase import HeaderCheckFn as HeaderCheckFn
from pipeline.gettext.checkbase import Pair as Pair
from pipeline.gettext.checkbase import UnitInfo as UnitInfo
from pipeline.gettext.locales import cldr_plural_forms, header_mismatch, plural_forms
from pipeline.gettext.locales import parse as parse_locale
from pipeline.gettext.pofiles import (
    BRACE_FORMAT,
    entry_status,
    forms,
    key_of,
    sources_of,
    translation_line,
)
from pipeline.gettext.stats import reading_of

# ---------------------------------------------------------------------------------------------
# Checks for every locale


def check_markup_parity(pair: Pair, ctx: CheckContext) -> Iterator[Finding]:
    """E505: the same emphasis/strong/link structure, the same link targets and the same
    citation markers as the source.

    Token types are compared as counts, not order: a translation may need to move an
    emphasized word. A target that is not in the source at all is a security matter (E515)."""
    src = markup.analyze(pair.source)
    tr = markup.analyze(pair.translation)
    if src is tr is markup.NOTHING:
        return  # two plain texts (most): no markup to compare
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
    src_cites, tr_cites = Counter(src.citations), Counter(tr.citations)
    for key in sorted(src_cites.keys() | tr_cites.keys()):
        if src_cites[key] != tr_cites[key]:
            yield Finding("E505", f"citation [@{key}]: {src_cites[key]} in the source, "
                                  f"{tr_cites[key]} in the translation; keep each marker as "
                                  "written, after the statement it backs")


def check_numbers(pair: Pair, ctx: CheckContext) -> Iterator[Finding]:
    """E506 and E519: every number of the source says the same amount in the translation.

    Numbers are compared as values (`quantities`): in any formatting the locale allows
    (`1,000` → `1 000`, `2.5` → `2,5`), as a number word (`three` → `trois`), and a dose in
    an equivalent unit (`30 seconds` → `30 s`, `10 lb` → `4,5 kg`). A number that is nowhere
    is E506; one whose unit was dropped or changed, or whose dose was converted to another
    amount, is E519 (a changed dose is what a patient would act on)."""
    masked = mask_addresses(pair.source)
    source = quantities.quantities(masked, ctx.source_locale, source=True)
    wanted = quantities.periods(pair.source, ctx.source_locale)
    written_as_is = dict.fromkeys(quantities.identifiers(masked))
    if not source and not wanted and not written_as_is:
        return  # nothing to compare: most texts hold no number
    translated = quantities.quantities(mask_addresses(pair.translation), ctx.locale)
    values = frozenset().union(*(q.values for q in translated))
    reported: set[tuple[frozenset[Decimal], str | None]] = set()
    for quantity in source:
        if (quantity.values, quantity.unit) in reported:
            continue
        reported.add((quantity.values, quantity.unit))
        finding = _dose_finding(quantity, translated, values)
        if finding is not None:
            yield finding
    given = quantities.periods(pair.translation, ctx.locale) if wanted else set()
    if wanted and given and not wanted & given:
        yield Finding("E519", f"how often changed: per {' and '.join(sorted(wanted))} in the "
                              f"English, per {' and '.join(sorted(given))} in the translation")
    for identifier in written_as_is:
        if identifier not in pair.translation:
            yield Finding("E506", f"{identifier!r} is missing from the translation "
                                  "(written as is, like the English)")


def _dose_finding(quantity: quantities.Quantity, translated: Sequence[quantities.Quantity],
                  values: frozenset[Decimal]) -> Finding | None:
    if quantity.unit is None:
        if quantity.values & values:
            return None
        return Finding("E506", f"number {quantity.text!r} is missing from the translation")
    if any(quantities.same_amount(quantity, other) for other in translated):
        return None
    same_value = [q for q in translated if q.values & quantity.values]
    if same_value:
        other = next((q for q in same_value if q.unit is not None), same_value[0])
        if other.unit is None and quantity.dimension in quantities.COUNTED:
            return None  # "10 times" → "10×": the count is there
        if other.unit is None:
            return Finding("E519", f"{quantity.shown!r}: the unit is missing after "
                                   f"{other.text!r} in the translation")
        return Finding("E519", f"{quantity.shown!r} became {other.shown!r}: "
                               "a different unit")
    similar = [q for q in translated if q.dimension == quantity.dimension]
    if similar:
        return Finding("E519", f"{quantity.shown!r} became {similar[0].shown!r}: "
                               "a different amount")
    return Finding("E506", f"number {quantity.text!r} is missing from the translation")


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


_CLOSERS = " \t\n\u00a0\u202f*_\"'”’»)]」』"
# Full-width and other scripts' marks read as the ASCII mark they stand for.
_MARK_FORMS = str.maketrans({"？": "?", "！": "!", "。": ".", "．": ".", "：": ":", "；": ";",
                             "؟": "?", "\u037e": "?", "।": ".", "‼": "!", "⁇": "?",
                             "⁈": "?!", "⁉": "!?"})
_END_MARKS = ".!?:;…"


def _ending(text: str) -> str | None:
    """The sentence punctuation a text ends with, ignoring closing markup, quotes, guillemets
    and link targets: `...` and `…` are the same ending, a run of `!` and `?` is read as the
    marks it holds (`?!` and `!?` are one ending, `!!` is `!`), and full-width marks as
    their ASCII forms."""
    core = without_link_targets(text).translate(_MARK_FORMS).rstrip(_CLOSERS)
    run = core[len(core.rstrip(_END_MARKS)):]
    if not run:
        return None
    if run.endswith("...") or run.endswith("…"):
        return "'…'"
    if "!" in run or "?" in run:
        return "'" + "".join(m for m in "?!" if m in run) + "'"
    return f"'{run[-1]}'"


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


# What any language writes as the English does: e-mail addresses, identifiers (snake_case,
# camelCase, dotted or with digits), file names, versions, and a copyright line's names.
_IDENTIFIER = re.compile(r"(?<!\w)(?:[A-Za-z]+[_./:#@-]?[A-Za-z0-9_./:#@-]*\d[\w./:#@-]*"
                         r"|\w+_\w+|[a-z]+[A-Z]\w*|[\w-]+\.[a-z]{2,4}|v?\d+(?:\.\d+)+)(?!\w)")
_COPYRIGHT = re.compile(r"^\s*(?:©|\(c\)|copyright\b)", re.IGNORECASE)


def _without_names(text: str) -> str:
    """The text without what is never translated: addresses, e-mails and identifiers; a
    copyright line (names and years) counts as nothing at all."""
    if _COPYRIGHT.match(text):
        return ""
    masked = mask(mask_addresses(text), EMAIL.finditer(text))
    return _IDENTIFIER.sub(" ", re.sub("x{3,}", " ", masked))


def check_same_as_source(pair: Pair, ctx: CheckContext) -> Iterator[Finding]:
    """W509: an identical translation is usually English pasted in to silence 'untranslated'."""
    if pair.translation != pair.source or pair.source in ctx.same_as_source_allow:
        return
    if _is_short_term(pair.source) or not _LETTER.search(_without_names(pair.source)):
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
SHORT_FACTOR, SHORT_SLACK = 3, 20


# Characters of the scripts that write a word in one or two (Han, kana, Hangul) say about as
# much as this many Latin letters.
_DENSE_WEIGHT = 3
_DENSE = re.compile(r"[\u1100-\u11ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
                    r"\uf900-\ufaff]")


def _weighted_length(text: str) -> int:
    return len(text) + (_DENSE_WEIGHT - 1) * len(_DENSE.findall(text))


def check_length_ratio(pair: Pair, ctx: CheckContext) -> Iterator[Finding]:
    """W511: a far shorter or longer text often means a dropped or duplicated sentence.
    A short source varies too much for a ratio; it is only held to an absurd length (a
    label of two words that became a sentence: `SHORT_SLACK` characters more than
    `SHORT_FACTOR` times its length)."""
    src_len, tr_len = len(pair.source), _weighted_length(pair.translation)
    if src_len < RATIO_MIN_SOURCE:
        if tr_len > SHORT_FACTOR * src_len + SHORT_SLACK:
            yield Finding("W511", f"a short text became {tr_len} characters "
                                  f"(the English has {src_len})")
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


@lru_cache(maxsize=4096)
def _english_term(term: str) -> re.Pattern[str]:
    """A glossary term in the English, singular or plural (`shoulder blade` and
    `shoulder blades`)."""
    words = _fold(term).split()
    return re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words) + r"(?:s|es)?(?!\w)")


def check_glossary(pair: Pair, ctx: CheckContext) -> Iterator[Finding]:
    """W512: a glossary term in the source is rendered with the glossary's translation, so a
    muscle has one name across all the content."""
    source, translation = _fold(pair.source), _fold(pair.translation)
    for term, rendering in sorted(ctx.glossary.items()):
        if not rendering.strip() or not _glossary_eligible(term):
            continue
        if not _english_term(term).search(source):
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
    a renderer link anywhere, or show a link title, that the English does not. What the
    English has itself (a bare e-mail address, say) is the English's problem, reported once
    where it is written (E309), not again in every locale."""
    analysis = markup.analyze(pair.translation)
    source = markup.analyze(pair.source)
    for problem in analysis.problems:
        if problem not in source.problems:
            yield Finding("E515", problem.message)
    for message in markup.added_addresses(source, analysis):
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
    present = {m.group(0).rstrip(TRAILING_PUNCT)
               for pattern in (URL, DOI) for m in pattern.finditer(pair.translation)}
    for address in dict.fromkeys(addresses(pair.source)):
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


def check_spelling(pair: Pair, ctx: CheckContext) -> Iterator[Finding]:
    """W312: each word no dictionary, word list, glossary term or reviewer's name accepts
    (a word kept as the English writes it, a name, is accepted too). A locale without a
    dictionary is reported once, by the gate."""
    speller = spelling.speller(ctx.locale, ctx.spelling_words)
    if speller is None or not speller.unknown(pair.translation):
        return  # most translations: every word known, nothing more to look at
    kept = frozenset(word.lower() for word, _ in spelling.words(pair.source))
    for message in spelling.spelling_messages(speller, pair.translation, kept,
                                              ctx.spelling_budget):
        yield Finding("W312", message)


# ---------------------------------------------------------------------------------------------
# French typography

_HIGH_PUNCT = ";:!?"


def _look_back(text: str, index: int) -> int:
    """Index of the first character before `index` that is not emphasis/strong markup."""
    i = index - 1
    while i >= 0 and text[i] in MARKUP_CHARS:
        i -= 1
    return i


def _look_ahead(text: str, index: int) -> int:
    i = index + 1
    while i < len(text) and text[i] in MARKUP_CHARS:
        i += 1
    return i


# Units, and the nouns a dose counts: "3 séries" must not break after the 3 either.
_FR_UNITS = ("secondes?|s|sec|minutes?|min|heures?|h|jours?|semaines?|mois|ans?|kg|g|lb|"
             "livres?|kilos?|cm|mm|m|km|mètres?|centimètres?|%|°C|degrés?|pour cent|"
             "fois|séries?|répétitions?|respirations?|pas")
# A number in digits, or a placeholder a number fills in (`{count} séries`; after a
# placeholder, "pas" is as likely the negation: "{seconds}, pas plus").
_FR_UNIT_SPACE = re.compile(rf"(?:(?<![\d.,])\d[\d.,]* (?:{_FR_UNITS})"
                            rf"|\{{[A-Za-z_]\w*\}} (?!pas\b)(?:{_FR_UNITS}))(?![\w])")


# Symbols written right after the number with no space at all ("5kg", "35°C", "20%").
_FR_UNIT_GLUED = re.compile(r"(?<![\w.,])\d[\d.,]*(?:kg|g|cm|mm|km|m|min|h|s|%|°C)(?![\w])")


def check_fr_typography(pair: Pair, ctx: CheckContext) -> Iterator[Finding]:
    """E514: French sets a no-break space (U+00A0 or U+202F) before ; : ! ? and inside « »,
    and uses guillemets rather than straight quotes. A plain space would let the line break
    leave the punctuation alone at the start of a line. A number and its unit are held
    together the same way (`30 secondes`, `5 kg`, `20 %`). HTML entities (`&amp;`) and
    placeholders are not punctuation."""
    text = prose.visible(pair.translation)
    reported: set[str] = set()

    def finding(message: str) -> Iterator[Finding]:
        if message not in reported:
            reported.add(message)
            yield Finding("E514", message)

    for i, ch in enumerate(text):
        if ch in _HIGH_PUNCT:
            j = _look_back(text, i)
            if j < 0 or text[j] in "\n([" or text[j] in _HIGH_PUNCT or text[j] in NBSP:
                continue
            if ch == ":" and text[j].isdigit() and text[i + 1: i + 2].isdigit():
                continue  # 10:30
            if ch == "!" and text[i + 1: i + 2] == "[":
                continue  # image syntax; E515 reports it
            yield from finding(f"no-break space needed before {ch!r} "
                               f"(found {snippet(pair.translation, j, i + 1)!r})")
        elif ch == "«":
            j = _look_ahead(text, i)
            if j < len(text) and text[j] not in NBSP:
                yield from finding(f"no-break space needed after '«' "
                                   f"(found {snippet(pair.translation, i, j + 1)!r})")
        elif ch == "»":
            j = _look_back(text, i)
            if j >= 0 and text[j] not in NBSP:
                yield from finding(f"no-break space needed before '»' "
                                   f"(found {snippet(pair.translation, j, i + 1)!r})")
        elif ch == '"':
            yield from finding("straight quote '\"': use « » with no-break spaces")
        elif ch == "“" and "«" not in text:
            # “ ” only quote inside « » in French.
            yield from finding("English quotation marks '“ ”': use « » with no-break spaces")
    for match in (*_FR_UNIT_GLUED.finditer(text),
                  *_FR_UNIT_SPACE.finditer(mask_addresses(pair.translation))):
        yield from finding(f"no-break space needed between a number and its unit "
                           f"(found {snippet(pair.translation, match.start(), match.end())!r})")


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
    check_spelling,
    prose.check_doubled_words,
    prose.check_initial_capital,
    prose.check_acronyms,
    prose.check_brackets,
    prose.check_sentence_count,
    prose.check_double_space,
]

# Rules for one language, keyed by the language part of the locale ("fr" serves fr, fr_CA…).
LOCALE_RULES: dict[str, list[CheckFn]] = {
    "fr": [check_fr_typography, prose.check_formality_fr],
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
        return _with_suppressions(entry, ctx, [] if ctx.scope == "language" else instead,
                                  checked=False)
    return _with_suppressions(entry, ctx, [at(code, message, form)
                                           for form, code, message in _pair_findings(pairs, ctx)])


# The findings of the same pairs under the same context are the same: a library repeats its
# standard sentences, and they are judged once per process. Spelling is left out: its
# suggestions are rationed per catalog (`SuggestionBudget`), so it is asked every time.
_MEMO: dict[tuple[str, tuple[Pair, ...]], tuple[tuple[int, str, str], ...]] = {}
_MEMO_SIZE = 100_000


def _pair_findings(pairs: Sequence[Pair], ctx: CheckContext) -> list[tuple[int, str, str]]:
    applied = entry_checks(ctx)
    key = (ctx.fingerprint, tuple(pairs))  # UnitInfo leaves its place out of comparisons
    found = _MEMO.get(key)
    if found is None:
        found = tuple((form, code, message) for form, pair in enumerate(pairs)
                      for check in applied if check is not check_spelling
                      for code, message in check(pair, ctx))
        if len(_MEMO) >= _MEMO_SIZE:
            _MEMO.clear()
        _MEMO[key] = found
    if check_spelling not in applied:
        return list(found)
    return [*found, *((form, code, message) for form, pair in enumerate(pairs)
                      for code, message in check_spelling(pair, ctx))]


def check_pair(pair: Pair, ctx: CheckContext) -> list[Finding]:
    """The findings of one text outside a catalog (a caption cue), by the entry checks of
    `ctx.scope`."""
    return [Finding(code, message) for _, code, message in _pair_findings([pair], ctx)]


_LANGUAGE_CODE = "E513"


def _with_suppressions(entry: polib.POEntry, ctx: CheckContext, found: list[Diagnostic], *,
                       checked: bool = True) -> list[Diagnostic]:
    """The entry's findings with its `ignore-…` suppressions applied (`suppressions`). The
    language of a translation is judged in a pass of its own ("language" scope), which
    applies the suppressions of that check; the other pass applies the rest. An entry not
    checked (fuzzy, untranslated) cannot show that a suppression silences nothing."""
    written = suppressions.of_entry(entry.flags, entry.tcomment)
    if not written:
        return found
    if ctx.scope == "language":
        written = [s for s in written if s.code == _LANGUAGE_CODE]
    elif ctx.scope == "not-language":
        written = [s for s in written if s.code != _LANGUAGE_CODE]
    judged = None if checked else frozenset[str]()
    return suppressions.apply(found, written, path=ctx.display, line=translation_line(entry),
                              judged=judged)


def check_reading_level(catalog: polib.POFile, ctx: CheckContext) -> Iterator[Finding]:
    """W313: the document, as translated, reads above the target grade (a translation can
    make plain English hard again: longer sentences, rarer words)."""
    if ctx.reading_grade is None:
        return
    reading = reading_of(catalog, ctx.locale)
    if reading is not None and reading.grade > ctx.reading_grade:
        yield Finding("W313", reading_message(reading, ctx.reading_grade))


def _shown(text: str) -> str:
    return repr(text) if len(text) <= 40 else f"{text[:40]!r}… ({len(text)} characters)"


def check_catalog(catalog: polib.POFile, ctx: CheckContext) -> list[Diagnostic]:
    """Every problem in one catalog: headers, each entry, obsolete count (each entry's
    checks alone with the "language" scope)."""
    whole = ctx.scope != "language"
    if ctx.spelling_budget is None:  # each catalog rations its own suggestions
        ctx = replace(ctx, spelling_budget=spelling.SuggestionBudget())
    result = [diag(ctx.display, 1, 0, code, printable(message))
              for check in (HEADER_CHECKS if whole else []) for code, message in check(catalog, ctx)]
    obsolete: list[polib.POEntry] = []
    for entry in catalog:
        if entry.obsolete:
            obsolete.append(entry)
        elif entry.msgid or entry.msgctxt:  # msgid "" without context is the header
            result.extend(check_entry(entry, ctx))
    if whole and ctx.reading_grade is not None:
        result += [diag(ctx.display, 1, 0, code, message)
                   for code, message in check_reading_level(catalog, ctx)]
    if obsolete and whole:
        result.append(diag(ctx.display, translation_line(obsolete[0]), 0, "W503",
                           f"{len(obsolete)} obsolete entr{'y' if len(obsolete) == 1 else 'ies'}"
                           "; remove them once no longer useful"))
    return sorted(result)
