"""Content lint: text rules the model's types cannot express (language, spacing, punctuation,
steps). Works on every translatable text the model declares. The language rule needs a
judge's verdicts, so it is run apart (`foreign_lint`), once a run has judged the sentences.
"""

from __future__ import annotations

import os
import re

from pipeline.content.language import foreign_sentence
from pipeline.content.library import LoadedDocument
from pipeline.content.textunits import TextUnit, format_path, iter_texts
from pipeline.core.config import Config
from pipeline.core.diagnostics import Diagnostic, diag

_SENTENCE_KINDS = {"sentence", "paragraph"}
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
    for unit in iter_texts(doc.model) if units is None else units:
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
