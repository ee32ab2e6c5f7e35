"""Extraction: one gettext template per source document, with context for translators.

What is translatable, its kind and its limit come from the model (via `textunits`); this
module only decides how an entry reads in a `.pot` file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import polib

from pipeline import __version__
from pipeline.content import markup
from pipeline.content.library import LoadedDocument
from pipeline.content.textunits import TextUnit, format_path, iter_texts
from pipeline.core.config import Config
from pipeline.gettext.pofiles import (
    EntryKey,
)


@dataclass
class Message:
    key: EntryKey
    occurrences: list[tuple[str, str]] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)


def describe(doc: LoadedDocument, unit: TextUnit) -> str:
    """Where a text is used, in words: `steps[1] (2 of 4) of exercise 'Hip thrust'`."""
    where = format_path(unit.path)
    if unit.position:
        index, count = unit.position
        where += f" ({index + 1} of {count})"
    label = getattr(doc.model, "name", None) or getattr(doc.model, "title", None)
    owner = f"{doc.kind} {label!r}" if isinstance(label, str) else doc.kind
    return f"{where} of {owner}"


def _notes(unit: TextUnit) -> list[str]:
    notes = []
    if unit.description:
        notes.append(unit.description)
    parts = [f"Kind: {unit.kind}."]
    if unit.max_length:
        parts.append(f"Max {unit.max_length} characters.")
    notes.append(" ".join(parts))
    if unit.markup and markup.analyze(unit.text).has_markup:
        notes.append("Keep the Markdown markup: **strong**, *emphasis*, and link targets "
                     "in [text](target) unchanged.")
    return notes


def collect_messages(doc: LoadedDocument) -> list[Message]:
    """The document's translatable texts; identical text (and context) is one message."""
    messages: dict[EntryKey, Message] = {}
    for unit in iter_texts(doc.model):
        key = EntryKey(unit.context, unit.text)
        message = messages.setdefault(key, Message(key))
        line, _ = doc.source.where(unit.path)
        occurrence = (doc.source.display, str(line))
        if occurrence not in message.occurrences:
            message.occurrences.append(occurrence)
        for note in [describe(doc, unit), *_notes(unit)]:
            if note not in message.comments:
                message.comments.append(note)
    return list(messages.values())


def template_header(config: Config, document_id: str, created: str) -> dict[str, str]:
    return {
        "Project-Id-Version": f"{config.project_name} {document_id}",
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": created,
        "PO-Revision-Date": "YEAR-MO-DA HO:MI+ZONE",
        "Last-Translator": "FULL NAME <EMAIL@ADDRESS>",
        "Language-Team": "LANGUAGE <LL@li.org>",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "X-Generator": f"exercise-content-pipeline {__version__}",
    }


def build_template(config: Config, doc: LoadedDocument, created: str) -> polib.POFile:
    template = polib.POFile()
    template.header = (f"Translation template for {doc.source.display}.\n"
                       "Written by 'pipeline extract' from the English source: change the "
                       "English in the YAML, not here.")
    template.metadata = template_header(config, doc.id, created)
    for message in collect_messages(doc):
        template.append(polib.POEntry(
            msgctxt=message.key.context,
            msgid=message.key.msgid,
            msgstr="",
            occurrences=message.occurrences,
            comment="\n".join(message.comments),
        ))
    return template


def stamp(moment: dt.datetime) -> str:
    """A moment as gettext headers write it (`POT-Creation-Date`, `PO-Revision-Date`)."""
    return moment.strftime("%Y-%m-%d %H:%M%z")


def template_path(config: Config, document_id: str) -> Path:
    return config.templates_dir / f"{document_id}.pot"


def existing_templates(config: Config) -> Iterable[Path]:
    if not config.templates_dir.is_dir():
        return []
    return sorted(config.templates_dir.glob("*.pot"))
