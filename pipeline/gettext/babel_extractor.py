"""A Babel extraction method, so `pybabel extract -F babel.cfg` reads the YAML source too.

It yields the same messages as `pipeline extract` (same walk of the model), for teams that
already drive their catalogs with Babel.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from pipeline.content.loader import read_source
from pipeline.content.validation import validate_data
from pipeline.gettext.templates import collect_messages

MAX_BYTES = 10_000_000


def extract_yaml(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[tuple[int, str, str | tuple[str, ...], list[str]]]:
    """Babel's extractor protocol: (line, function name, message, comments) per message, a
    phrase with a count as (n)(p)gettext's singular and plural. Invalid documents yield
    nothing; `pipeline validate` reports why."""
    name = getattr(fileobj, "name", None)
    if not isinstance(name, str):
        return
    src, problems = read_source(Path(name), name, max_bytes=MAX_BYTES)
    if problems or src.data is None:
        return
    doc, problems = validate_data(src)
    if doc is None:
        return
    for message in collect_messages(doc):
        line = int(message.occurrences[0][1])
        context, msgid, plural = message.key.context, message.key.msgid, message.plural
        if plural is not None and context is not None:
            yield line, "npgettext", (context, msgid, plural), message.comments
        elif plural is not None:
            yield line, "ngettext", (msgid, plural), message.comments
        elif context is not None:
            yield line, "pgettext", (context, msgid), message.comments
        else:
            yield line, "gettext", msgid, message.comments
