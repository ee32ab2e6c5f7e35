"""Walk a document along its model's annotations: the texts to translate and the ids it names.

Extraction, cross-document checks and export all use this walk, so what is translatable is
decided by the model's types alone.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel

from pipeline.content.fields import PLURAL, Critical, CriticalWhenSet, PluralText, Translatable
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
    # A phrase with a count: its English plural form (`text` is the singular), one gettext
    # entry with msgid_plural.
    plural: str | None = None
    # The gettext format flag of the entry (e.g. "python-brace-format").
    format: str | None = None
    # Safety-critical text (`fields.Critical`): never shown untranslated or unreviewed.
    critical: bool = False


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


@dataclass(frozen=True)
class _Shape:
    """What an annotation (with the metadata and msgctxt above it) makes of a value: a
    model to walk field by field, a list or dict of `item`, or a leaf, with its markers.
    Worked out once per annotation, so a walk only follows values."""

    kind: str  # "model", "list", "dict" or "leaf"
    item: _Shape | None  # a list's or dict's items'
    context: str | None
    translatable: Translatable | None = None
    ref: Ref | None = None
    max_length: int | None = None
    critical: bool = False


@lru_cache(maxsize=None)
def _shape(annotation: Any, metadata: tuple[Any, ...], context: str | None,
           critical: bool = False) -> _Shape:
    annotation, more = _split(annotation)
    metadata = metadata + tuple(more)
    for item in metadata:
        if isinstance(item, MsgContext):
            context = item.context
        critical = critical or isinstance(item, Critical)
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        options = [a for a in get_args(annotation) if a is not type(None)]
        return _shape(options[0] if len(options) == 1 else Any, metadata, context, critical)
    if isinstance(annotation, type) and issubclass(annotation, PluralText):
        return _Shape("leaf", None, context, PLURAL, critical=critical)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _Shape("model", None, context, critical=critical)
    if origin is list:
        return _Shape("list", _shape(get_args(annotation)[0], (), context, critical), context,
                      critical=critical)
    if origin is dict:
        return _Shape("dict", _shape(get_args(annotation)[1], (), context, critical), context,
                      critical=critical)
    limit = next((m.max_length for m in metadata
                  if isinstance(getattr(m, "max_length", None), int)), None)
    return _Shape("leaf", None, context,
                  next((m for m in metadata if isinstance(m, Translatable)), None),
                  next((m for m in metadata if isinstance(m, Ref)), None), limit, critical)


@lru_cache(maxsize=None)
def _fields(model: type[BaseModel]) -> tuple[tuple[str, Any, tuple[Any, ...], str | None], ...]:
    return tuple((name, field.annotation, tuple(field.metadata), field.description)
                 for name, field in model.model_fields.items())


@lru_cache(maxsize=None)
def _field_shapes(model: type[BaseModel], context: str | None, critical: bool
                  ) -> tuple[tuple[str, _Shape, str | None], ...]:
    """Each field's name, shape and description, for a model met under `context`: worked
    out once, as hashing an annotation is slower than walking the value it describes."""
    return tuple((name, _shape(annotation, metadata, context, critical), own)
                 for name, annotation, metadata, own in _fields(model))


@lru_cache(maxsize=None)
def _switches(model: type[BaseModel]) -> tuple[str, ...]:
    """The model's `CriticalWhenSet` fields."""
    return tuple(name for name, field in model.model_fields.items()
                 if any(isinstance(m, CriticalWhenSet) for m in field.metadata)
                 or any(isinstance(m, CriticalWhenSet) for m in _split(field.annotation)[1]))


# A leaf: its value, shape, path, description and (index, count) in its list.
Visit = Callable[[Any, _Shape, DataPath, "str | None", "tuple[int, int] | None"], None]


def _walk(value: Any, shape: _Shape, path: DataPath, description: str | None,
          position: tuple[int, int] | None, visit: Visit) -> None:
    if value is None:
        return
    kind, context = shape.kind, shape.context
    if kind == "model":
        model: type[BaseModel] = type(value)
        critical = shape.critical or any(getattr(value, name) is True
                                         for name in _switches(model))
        for name, field_shape, own in _field_shapes(model, context, critical):
            _walk(getattr(value, name), field_shape, path + (name,), own or description, None,
                  visit)
    elif kind == "list":
        item = shape.item
        assert item is not None
        for index, element in enumerate(value):
            _walk(element, item, path + (index,), description, (index, len(value)), visit)
    elif kind == "dict":
        item = shape.item
        assert item is not None
        for key in value:
            _walk(value[key], item, path + (key,), description, None, visit)
    else:
        visit(value, shape, path, description, position)


def _walk_document(doc: BaseModel, visit: Visit) -> None:
    _walk(doc, _shape(type(doc), (), None), (), None, None, visit)


def iter_texts(doc: BaseModel) -> Iterator[TextUnit]:
    """Every translatable text of a document, in document order."""
    found: list[TextUnit] = []

    def visit(value: Any, shape: _Shape, path: DataPath, description: str | None,
              position: tuple[int, int] | None) -> None:
        marker = shape.translatable
        if marker is not None and isinstance(value, str):
            found.append(TextUnit(path, value, marker.kind, marker.markup, shape.max_length,
                                  shape.context, description, position, None, marker.format,
                                  shape.critical))
        elif marker is not None and isinstance(value, PluralText):
            found.append(TextUnit(path, value.one, marker.kind, False, None, shape.context,
                                  description, position, value.other, marker.format,
                                  shape.critical))

    _walk_document(doc, visit)
    return iter(found)


def iter_refs(doc: BaseModel) -> Iterator[IdRef]:
    """Every id in a document that must resolve to another document or a glossary term."""
    found: list[IdRef] = []

    def visit(value: Any, shape: _Shape, path: DataPath, *_: Any) -> None:
        if shape.ref is not None and isinstance(value, str):
            found.append(IdRef(path, shape.ref.target, value))

    _walk_document(doc, visit)
    return iter(found)


def localize(doc: BaseModel, translate: Callable[[TextUnit], str],
             forms: Callable[[TextUnit], list[str]] | None = None) -> dict[str, Any]:
    """The document as JSON data with every translatable text replaced by `translate(unit)`;
    a plural phrase by its first and last forms (`forms(unit)`, the locale's own; English
    when not given), which is what its model holds."""
    data: dict[str, Any] = doc.model_dump(mode="json")
    for unit in iter_texts(doc):
        target: Any = data
        for part in unit.path[:-1]:
            target = target[part]
        if unit.plural is None:
            target[unit.path[-1]] = translate(unit)
        else:
            found = forms(unit) if forms is not None else [unit.text, unit.plural]
            target[unit.path[-1]] = {"one": found[0], "other": found[-1]}
    return data
