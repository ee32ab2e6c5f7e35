"""Extraction: one gettext template per source document, with context for translators.

What is translatable, its kind and its limit come from the model (via `textunits`); this
module only decides how an entry reads in a `.pot` file. A phrase with a count is a plural
entry as xgettext writes one (msgid, msgid_plural, `msgstr[0] ""` and `msgstr[1] ""`), and a
phrase with `{name}` placeholders carries its format flag (`#, python-brace-format`), which
msgfmt -c, translators' tools and the checks hold translations to.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import polib

from pipeline import __version__
from pipeline.content import markup
from pipeline.content.fields import placeholders
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
    # The English plural (msgid_plural) of a phrase with a count.
    plural: str | None = None
    # The gettext format flag ("python-brace-format"), if the text has placeholders.
    format: str | None = None


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
    found = markup.analyze(unit.text) if unit.markup else None
    if found is not None and found.structure:
        notes.append("Keep the Markdown markup: **strong**, *emphasis*, and link targets "
                     "in [text](target) unchanged.")
    if found is not None and found.citations:
        notes.append("Keep each citation marker such as [@" + found.citations[0] + "] as "
                     "written, after the statement it backs; readers see it as a numbered "
                     "reference.")
    names = placeholders(unit.text) if unit.format is not None else None
    if names:
        shown = ", ".join("{" + name + "}" for name in sorted(names))
        notes.append(f"Keep the placeholders {shown} as they are, braces included; move them "
                     "where your language needs them." if len(names) > 1 else
                     f"Keep the placeholder {shown} as it is, braces included.")
    if unit.plural is not None:
        notes.append("Write one form for each plural form of your language (msgstr[0], "
                     "msgstr[1]…), in the order of the catalog's Plural-Forms.")
    if unit.critical:
        notes.append("Safety-critical (a warning, a sign to see a doctor, the disclaimer): "
                     "translate it exactly, with nothing left out or softened.")
    return notes


def collect_messages(doc: LoadedDocument) -> list[Message]:
    """The document's translatable texts; identical text (and context) is one message."""
    messages: dict[EntryKey, Message] = {}
    for unit in iter_texts(doc.model):
        key = EntryKey(unit.context, unit.text)
        message = messages.setdefault(key, Message(key, plural=unit.plural,
                                                   format=unit.format))
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
        template.append(template_entry(message))
    return template


def template_entry(message: Message) -> polib.POEntry:
    """One message as a template entry: untranslated, with the format flag; a plural one
    with the two empty forms xgettext writes (English has two)."""
    entry = polib.POEntry(msgctxt=message.key.context, msgid=message.key.msgid, msgstr="",
                          occurrences=message.occurrences, comment="\n".join(message.comments),
                          flags=[message.format] if message.format else [])
    if message.plural is not None:
        entry.msgid_plural = message.plural
        entry.msgstr_plural = {0: "", 1: ""}
    return entry


def stamp(moment: dt.datetime) -> str:
    """A moment as gettext headers write it (`POT-Creation-Date`, `PO-Revision-Date`)."""
    return moment.strftime("%Y-%m-%d %H:%M%z")


def template_path(config: Config, document_id: str) -> Path:
    return config.templates_dir / f"{document_id}.pot"


def existing_templates(config: Config) -> Iterable[Path]:
    if not config.templates_dir.is_dir():
        return []
    return sorted(config.templates_dir.glob("*.pot"))
