"""The words a spelling check accepts besides its dictionary: the project's word list for the
language, the glossary's terms and the reviewers' names. One list for the English source and
one per locale, so a muscle named in the glossary is never a misspelling, in any language."""

from __future__ import annotations

from collections.abc import Iterable

from pipeline.content.library import Library
from pipeline.content.models import Reviewer

MAX_WORD_LIST_BYTES = 1_000_000


def parse_word_list(text: str) -> frozenset[str]:
    """One word (or phrase) per line; `#` starts a comment; blank lines are ignored."""
    words = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return frozenset(word for word in words if word)


def library_words(library: Library, translations: Iterable[str] = ()) -> frozenset[str]:
    """The glossary's English terms (and, for a locale, their translations) and every
    reviewer's name: words the project itself defines."""
    found: set[str] = set(translations)
    glossary = library.glossary
    if glossary is not None:
        for vocabulary in (glossary.muscles, glossary.equipment, glossary.positions):
            found.update(term.name for term in vocabulary.values())
    found.update(doc.model.name for doc in library if isinstance(doc.model, Reviewer))
    return frozenset(found)
