"""Rich text for apps: the allowed Markdown subset, parsed once here, reaches clients as
blocks of spans, so no app needs a Markdown library or sanitizer.

The shape follows Portable Text's flat spans rather than Contentful's nested node tree: the
subset has only emphasis, strong and links inside paragraphs, so a paragraph is a list of
spans, each carrying its marks and its link. A client renders a span by wrapping its text in
the marks' elements and, when it has a link, in an anchor; adjacent spans with the same link
make one anchor. Text is plain text (never HTML): a client sets it as text, so nothing in a
translation can become markup. A newline in a span's text is a line break.

Internal links are resolved here from source paths (`../exercises/bird-dog.yaml`) to the
document they name (`{"kind": "exercise", "id": "bird-dog"}`); no source path reaches a
bundle.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Annotated, Any, Literal

from markdown_it.token import Token
from pydantic import BaseModel, ConfigDict, Field

from pipeline.content.markup import browser_target, is_plain, parser
from pipeline.core.text import CITATION, citation_keys

Mark = Literal["strong", "em"]
_MARK_OF = {"strong_open": "strong", "em_open": "em"}
_CLOSE_OF = {"strong_close": "strong", "em_close": "em"}


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True,
                              json_schema_serialization_defaults_required=True)


class DocumentLink(_Frozen):
    """A link to another document of the library, in the same locale."""

    kind: Literal["exercise", "guide", "reviewer", "glossary"] = Field(
        description="The kind of the linked document.")
    id: str = Field(description="The linked document's id: its bundle is <locale>/<id>.json.")
    fragment: str | None = Field(description="A place inside the linked document, if any.")


class WebLink(_Frozen):
    """A link to a page outside the library; always https."""

    kind: Literal["web"]
    url: str = Field(pattern=r"^https://", description="An https:// URL.")


class CitationLink(_Frozen):
    """A citation marker: the span's text is the reference's number (`[3]`), and the
    reference is the guide's `references` entry with this id, number `number` in its list."""

    kind: Literal["citation"]
    reference: str = Field(description="The id of the cited entry of the guide's references.")
    number: int = Field(ge=1, description="Its place in the references list, from 1.")


Link = Annotated[DocumentLink | WebLink | CitationLink, Field(discriminator="kind")]


class Span(_Frozen):
    """A run of text with the same marks and link."""

    text: str = Field(description="Plain text, never HTML; a newline is a line break.")
    marks: list[Mark] = Field(description="Emphasis to apply, outermost first.")
    link: Link | None = Field(description="Where the span links to, if it is (part of) a "
                                          "link; adjacent spans with an equal link are one.")


class Block(_Frozen):
    type: Literal["paragraph"]
    spans: list[Span] = Field(min_length=1)


class RichText(_Frozen):
    """A text that may carry emphasis and links, as blocks of spans."""

    blocks: list[Block] = Field(min_length=1)
    plain: str = Field(description="The same text without marks or links, for search, "
                                   "previews and accessibility labels.")


# Resolves a relative link target (as written in the text) to (kind, id, fragment).
Resolve = Callable[[str], tuple[str, str, str | None]]
# The number readers see for each reference id a document's citation markers may name.
Numbers = Mapping[str, int]


class CitationError(ValueError):
    """A citation marker that names no reference of the document."""


# A rich text as its model's JSON data (`RichText.model_dump(mode="json")`): what a bundle
# holds. Made as plain data, not as models dumped one by one: each bundle is validated whole
# by its client model (RichText included) before it is written.
RichData = dict[str, Any]


def _link(target: str, resolve: Resolve) -> dict[str, Any]:
    followed = browser_target(target)
    if followed.lower().startswith("https://"):
        return WebLink(kind="web", url=followed).model_dump(mode="json")
    kind, doc_id, fragment = resolve(followed)
    return DocumentLink.model_validate({"kind": kind, "id": doc_id, "fragment": fragment}
                                       ).model_dump(mode="json")


def _span(text: str, marks: list[Mark] | None = None,
          link: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"text": text, "marks": list(marks or []), "link": link}


def _paragraph(spans: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "paragraph", "spans": spans}


def _citation(key: str, numbers: Numbers | None) -> dict[str, Any]:
    if numbers is None:
        raise _NamesDocument(key)
    if key not in numbers:
        raise CitationError(f"citation [@{key}] names no reference of the document")
    return {"kind": "citation", "reference": key, "number": numbers[key]}


def _spans(children: list[Token], resolve: Resolve, prefix: str,
           numbers: Numbers | None) -> list[dict[str, Any]]:
    spans: list[dict[str, Any]] = []
    marks: list[Mark] = []
    link: dict[str, Any] | None = None

    def add(text: str, to: dict[str, Any] | None = None) -> None:
        to = link if to is None else to
        if not text:
            return
        if spans and spans[-1]["marks"] == marks and spans[-1]["link"] == to:
            spans[-1]["text"] += text
        else:
            spans.append(_span(text, marks, to))

    def add_text(text: str) -> None:
        """Text with its citation markers as spans of their own (outside links only: the
        markup rule refuses one inside a link's text)."""
        last = 0
        for marker in CITATION.finditer(text) if link is None and "[@" in text else ():
            add(text[last:marker.start()])
            for key in citation_keys(marker.group(0)):
                cite = _citation(key, numbers)
                add(f"[{cite['number']}]", cite)
            last = marker.end()
        add(text[last:])

    add(prefix)
    for tok in children:
        kind = tok.type
        if kind == "text":
            add_text(tok.content)
        elif kind == "softbreak":
            add(" ")
        elif kind == "hardbreak":
            add("\n")
        elif kind in _MARK_OF:
            marks.append(_MARK_OF[kind])  # type: ignore[arg-type]
        elif kind in _CLOSE_OF:
            # markdown-it closes marks in the order it opened them: the last one open.
            for at in range(len(marks) - 1, -1, -1):
                if marks[at] == _CLOSE_OF[kind]:
                    del marks[at]
                    break
        elif kind == "link_open":
            link = _link(str(tok.attrs.get("href", "")), resolve)
        elif kind == "link_close":
            link = None
        else:  # validation refuses anything else; shown as written rather than lost
            add(tok.content)
    return spans


def rich_text(text: str, resolve: Resolve, numbers: Numbers | None = None) -> RichText:
    """The text as blocks of spans. Only validated text reaches here (the model's markup
    rule), so every construct met is one of the subset. `numbers`: the document's reference
    numbers by id, for its citation markers."""
    return RichText.model_validate(rich_data(text, resolve, numbers))


def rich_data(text: str, resolve: Resolve, numbers: Numbers | None = None) -> RichData:
    """`rich_text` as the data its model dumps. A text that links to no document of the
    library and cites nothing does not depend on `resolve` or `numbers`: it is parsed once
    per process, however many bundles show it (the same data object each time, so it must
    not be changed)."""
    if is_plain(text):  # white space ending a paragraph shows nothing, as renderers drop it
        shown = text.rstrip()
        return {"blocks": [_paragraph([_span(shown)])], "plain": shown}
    found = _without_documents(text)
    return found if found is not None else _rich_data(text, resolve, numbers or {})


class _NamesDocument(Exception):
    """Raised by `_no_document` at a link to a document, and at a citation without the
    document's numbers: the text needs what only its document knows."""


def _no_document(target: str) -> tuple[str, str, str | None]:
    raise _NamesDocument(target)


@lru_cache(maxsize=1 << 16)
def _without_documents(text: str) -> RichData | None:
    """The data of a text with no link to a document (None for one with such a link)."""
    try:
        return _rich_data(text, _no_document, None)
    except _NamesDocument:
        return None


def _rich_data(text: str, resolve: Resolve, numbers: Numbers | None) -> RichData:
    blocks: list[dict[str, Any]] = []
    # Numbers of list items opened and not yet shown: a nested item opens inside one.
    items: list[str] = []

    def number_only(number: str) -> None:
        blocks.append(_paragraph([_span(number.rstrip())]))

    for tok in parser().parse(text, {}):
        if tok.type == "list_item_open":
            # A numbered line ("1. Lie down") is allowed where every renderer shows the
            # number as written; it stays part of the text.
            items.append(f"{tok.info}{tok.markup} " if tok.info else "")
        elif tok.type == "list_item_close" and items:  # numbers with nothing after them
            for number in items:
                if number:
                    number_only(number)
            items.clear()
        elif tok.type == "inline":
            for number in items[:-1]:
                if number:
                    number_only(number)
            spans = _spans(tok.children or [], resolve, items[-1] if items else "", numbers)
            items.clear()
            if spans:
                blocks.append(_paragraph(spans))
    if not blocks:
        blocks = [_paragraph([_span(text)])]
    plain = "\n\n".join("".join(span["text"] for span in block["spans"]) for block in blocks)
    return {"blocks": blocks, "plain": plain}
