"""Walk a document along its model's annotations: the texts to translate and the ids it names.

Extraction, cross-document checks and export all use this walk, so what is translatable is
decided by the model's types alone.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel

from pipeline.content.fields import Translatable
from pipeline.content.models import MsgContext, Ref

# Where a value sits in a document: field names and list indexes, from the top.
DataPath = tuple[str | int, ...]


@dataclass(frozen=True)
class TextUnit:
    path: DataPath
    text: str
    kind: str
    markup: bool
    max_length: int | None
    context: str | None
    description: str | None
    # (index, count) of this text in its list, e.g. step 2 of 4.
    position: tuple[int, int] | None = None


@dataclass(frozen=True)
class IdRef:
    path: DataPath
    target: str
    value: str


def format_path(path: DataPath) -> str:
    """`('steps', 2)` → `steps[2]`, the way writers see places in errors."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _split(annotation: Any) -> tuple[Any, list[Any]]:
    """Unwrap Annotated layers into the bare type and the collected metadata."""
    metadata: list[Any] = []
    while get_origin(annotation) is Annotated:
        bare, *extra = get_args(annotation)
        metadata = extra + metadata
        annotation = bare
    return annotation, metadata


def _max_length(metadata: list[Any]) -> int | None:
    for item in metadata:
        limit = getattr(item, "max_length", None)
        if isinstance(limit, int):
            return limit
    return None


def _walk(
    value: Any,
    annotation: Any,
    metadata: list[Any],
    path: DataPath,
    context: str | None,
    description: str | None,
    position: tuple[int, int] | None,
    visit: Callable[..., None],
) -> None:
    annotation, more = _split(annotation)
    metadata = metadata + more
    for item in metadata:
        if isinstance(item, MsgContext):
            context = item.context
    if value is None:
        return
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        options = [a for a in get_args(annotation) if a is not type(None)]
        annotation = options[0] if len(options) == 1 else Any
        _walk(value, annotation, metadata, path, context, description, position, visit)
        return
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        for name, field in type(value).model_fields.items():
            _walk(
                getattr(value, name),
                field.annotation,
                list(field.metadata),
                path + (name,),
                context,
                field.description or description,
                None,
                visit,
            )
        return
    if origin is list:
        (item_type,) = get_args(annotation)
        for index, item in enumerate(value):
            _walk(
                item, item_type, [], path + (index,), context, description,
                (index, len(value)), visit,
            )
        return
    if origin is dict:
        _, item_type = get_args(annotation)
        for key in value:
            _walk(value[key], item_type, [], path + (key,), context, description, None, visit)
        return
    visit(value, metadata, path, context, description, position)


T = TypeVar("T")


def _collect(doc: BaseModel, make: Callable[..., T | None]) -> list[T]:
    """Walk the document and keep what `make(value, metadata, path, context, description,
    position)` returns for each leaf value."""
    found: list[T] = []

    def visit(*leaf: Any) -> None:
        item = make(*leaf)
        if item is not None:
            found.append(item)

    _walk(doc, type(doc), [], (), None, None, None, visit)
    return found


def iter_texts(doc: BaseModel) -> Iterator[TextUnit]:
    """Every translatable text of a document, in document order."""

    def make(value: Any, metadata: list[Any], path: DataPath, context: str | None,
             description: str | None, position: tuple[int, int] | None) -> TextUnit | None:
        marker = next((m for m in metadata if isinstance(m, Translatable)), None)
        if marker is None or not isinstance(value, str):
            return None
        return TextUnit(path, value, marker.kind, marker.markup, _max_length(metadata),
                        context, description, position)

    return iter(_collect(doc, make))


def iter_refs(doc: BaseModel) -> Iterator[IdRef]:
    """Every id in a document that must resolve to another document or a glossary term."""

    def make(value: Any, metadata: list[Any], path: DataPath, *_: Any) -> IdRef | None:
        marker = next((m for m in metadata if isinstance(m, Ref)), None)
        if marker is None or not isinstance(value, str):
            return None
        return IdRef(path, marker.target, value)

    return iter(_collect(doc, make))


def localize(doc: BaseModel, translate: Callable[[TextUnit], str]) -> dict[str, Any]:
    """The document as JSON data with every translatable text replaced by `translate(unit)`."""
    data: dict[str, Any] = doc.model_dump(mode="json")
    for unit in iter_texts(doc):
        target: Any = data
        for part in unit.path[:-1]:
            target = target[part]
        target[unit.path[-1]] = translate(unit)
    return data
