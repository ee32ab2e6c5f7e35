"""Content lint: text rules the model's types cannot express (language, spacing, punctuation,
steps). Works on every translatable text the model declares. The language rule needs a
judge's verdicts, so it is run apart (`foreign_lint`), once a run has judged the sentences.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable

from pipeline.content import spelling
from pipeline.content.citations import citation_problems
from pipeline.content.language import foreign_sentence
from pipeline.content.library import LoadedDocument
from pipeline.content.readability import reading_level, reading_message
from pipeline.content.spelling import Speller, SuggestionBudget, spelling_messages
from pipeline.content.textunits import TextUnit, format_path, iter_texts
from pipeline.core.config import Config
from pipeline.core.diagnostics import Diagnostic, diag

_SENTENCE_KINDS = {"sentence", "paragraph"}
# The documents a patient reads from top to bottom: their reading level is held to a target.
PATIENT_FACING = frozenset({"exercise", "guide"})
_ENDS_SENTENCE = re.compile(r"""[.!?…](\*{1,3}|_{1,3}|["'”»)\]])*$""")
_NUMBERED = re.compile(r"^\s*(step\s+)?\d+\s*[.):-]\s+", re.IGNORECASE)


def lint_document(doc: LoadedDocument, config: Config,
                  units: list[TextUnit] | None = None) -> list[Diagnostic]:
    """Every lint problem of a document but its language (`foreign_lint`, which needs the
    verdicts of a judge)."""
    src = doc.source
    schema_ref = f"$schema={_schema_path(doc, config)}"
    problems: list[Diagnostic] = []
    if not src.first_line.startswith("# yaml-language-server:") or schema_ref not in src.first_line:
        problems.append(diag(src.display, 1, 1, "W012",
                             f"first line should be '# yaml-language-server: {schema_ref}'"))
    seen_steps: dict[str, int] = {}
    units = list(iter_texts(doc.model)) if units is None else units
    problems += citation_problems(doc, units)
    if doc.kind in PATIENT_FACING:
        reading = reading_level([unit.text for unit in units], config.source_locale)
        if reading is not None and reading.grade > config.reading_grade:
            line, col = src.where(("name",) if doc.kind == "exercise" else ("title",))
            problems.append(diag(src.display, line, col, "W313",
                                 reading_message(reading, config.reading_grade)))
    for unit in units:
        line, col = src.where(unit.path)
        where = format_path(unit.path)
        for code, message in lint_text(unit, config.source_locale):
            problems.append(diag(src.display, line, col, code, f"{where}: {message}"))
        if unit.path[0] == "steps":
            key = " ".join(unit.text.lower().split())
            if key in seen_steps:
                problems.append(diag(src.display, line, col, "E305",
                                     f"{where}: same text as steps[{seen_steps[key]}]"))
            else:
                seen_steps[key] = int(unit.path[1])
    return problems


def lint_text(unit: TextUnit, locale: str) -> list[tuple[str, str]]:
    """Problems in one text, as (code, message)."""
    text = unit.text
    if not text.strip():
        return [("E302", "text is empty")]
    found: list[tuple[str, str]] = []
    if text != text.strip():
        found.append(("W303", "leading or trailing white space"))
    if "  " in text.strip():
        found.append(("W303", "double space"))
    if unit.kind in _SENTENCE_KINDS and not _ENDS_SENTENCE.search(text.strip()):
        found.append(("W304", f"should end with '.', '!' or '?': …{text.strip()[-20:]!r}"))
    if unit.path and unit.path[0] == "steps" and _NUMBERED.match(text):
        found.append(("W306", "starts with a number; the list is numbered already"))
    return found


def foreign_lint(doc: LoadedDocument, config: Config) -> list[Diagnostic]:
    """E301: a text with a sentence in another language than the source's, once its
    sentences are judged (`language.prefetch`)."""
    locale = config.source_locale
    problems: list[Diagnostic] = []
    for unit in iter_texts(doc.model):
        foreign = foreign_sentence(unit.text, locale)
        if foreign:
            sentence, lang = foreign
            line, col = doc.source.where(unit.path)
            problems.append(diag(doc.source.display, line, col, "E301",
                                 f"{format_path(unit.path)}: reads as {lang!r}, not "
                                 f"{locale!r}: {sentence[:60]!r}"))
    return problems


def _schema_path(doc: LoadedDocument, config: Config) -> str:
    schema = config.schema_dir / f"{doc.kind}.json"
    return os.path.relpath(schema, doc.source.path.parent).replace(os.sep, "/")


def review_overdue(doc: LoadedDocument, today: dt.date, months: int) -> list[Diagnostic]:
    """W314: a guide whose clinical review is older than `months`: advice ages, and a
    reader is told when it was last checked."""
    reviewed = getattr(doc.model, "reviewed_on", None)
    if not isinstance(reviewed, dt.date):
        return []
    limit = _months_before(today, months)
    if reviewed >= limit:
        return []
    line, col = doc.source.where(("reviewed_on",))
    return [diag(doc.source.display, line, col, "W314",
                 f"reviewed_on {reviewed.isoformat()} is more than {months} months before "
                 f"{today.isoformat()}; review the guide and update the date")]


def _months_before(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month + 1, min(candidate, day.day))
        except ValueError:
            continue
    return dt.date(year, month + 1, 28)


def unknown_words(units: Iterable[TextUnit], language: str) -> frozenset[str]:
    """The words of a document's texts that the language's dictionary alone does not know:
    found where the document is read (in a worker), so that spelling against the project's
    own words, which only the whole library gives, looks at these words and nothing else."""
    speller = spelling.speller(language)
    if speller is None:
        return frozenset()
    return frozenset(word for unit in units for text in (unit.text, unit.plural) if text
                     for word in speller.unknown(text))


def spelling_problems(doc: LoadedDocument, speller: Speller) -> list[Diagnostic]:
    """W312: each word of a document's English no dictionary, word list, glossary term or
    reviewer's name accepts, with Hunspell's suggestions (a format pattern's
    `{placeholders}` are not words)."""
    problems: list[Diagnostic] = []
    budget = SuggestionBudget()
    for unit in iter_texts(doc.model):
        found = list(dict.fromkeys(message for text in (unit.text, unit.plural) if text
                                   for message in spelling_messages(speller, text,
                                                                    budget=budget)))
        if not found:
            continue
        line, col = doc.source.where(unit.path)
        where = format_path(unit.path)
        problems += [diag(doc.source.display, line, col, "W312", f"{where}: {message}")
                     for message in found]
    return problems
