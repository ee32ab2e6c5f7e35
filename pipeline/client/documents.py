"""The documents as apps receive them, derived from the content models.

Each client model is its content model with every text that may carry markup (a
`Translatable(markup=True)` field) turned into `RichText`; nothing else changes, so the
content models stay the single definition of what a document holds. Every field is
required in the client's JSON Schema: a bundle always writes every key (null where a
value is absent), so a typed client never has to guess whether a key is there.
"""

from __future__ import annotations

import copy
import types
from collections.abc import Iterable
from functools import cache
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    PlainValidator,
    WrapValidator,
    create_model,
)
from pydantic.fields import FieldInfo

from pipeline.client.richtext import Resolve, RichText, rich_data
from pipeline.content.citations import reference_ids
from pipeline.content.fields import Internal, Translatable
from pipeline.content.models import DOCUMENT_MODELS
from pipeline.content.textunits import DataPath, TextUnit, iter_texts

CLIENT_CONFIG = ConfigDict(extra="forbid", frozen=True,
                           json_schema_serialization_defaults_required=True)


def _is_rich(metadata: list[Any] | tuple[Any, ...]) -> bool:
    return any(isinstance(m, Translatable) and m.markup for m in metadata)


_ANY: dict[Any, Any] = {Annotated: Annotated, Union: Union}
_VALIDATORS = (AfterValidator, BeforeValidator, PlainValidator, WrapValidator)


def _structural(metadata: list[Any] | tuple[Any, ...]) -> list[Any]:
    """The metadata without validator functions: the content model has run them on the same
    text already; the client model checks the shape (and keeps limits for its schema)."""
    return [m for m in metadata if not isinstance(m, _VALIDATORS)]


def _rewrite(annotation: Any) -> Any:
    """The annotation with markup texts turned into RichText and models into client models."""
    origin = get_origin(annotation)
    if origin is Annotated:
        bare, *metadata = get_args(annotation)
        if _is_rich(metadata):
            return RichText
        kept = _structural(metadata)
        # Types built at run time: the type checker sees them as values, hence `_ANY`.
        return _ANY[Annotated][(_rewrite(bare), *kept)] if kept else _rewrite(bare)
    if origin in (Union, types.UnionType):
        return _ANY[Union][tuple(_rewrite(a) for a in get_args(annotation))]
    if origin is list:
        return types.GenericAlias(list, (_rewrite(get_args(annotation)[0]),))
    if origin is dict:
        key, value = get_args(annotation)
        return types.GenericAlias(dict, (key, _rewrite(value)))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return client_model(annotation)
    return annotation


@cache
def internal_fields(model: type[BaseModel]) -> frozenset[str]:
    """Fields marked `Internal`: the pipeline's own, never sent to clients."""
    return frozenset(name for name, info in model.model_fields.items()
                     if any(isinstance(m, Internal) for m in info.metadata)
                     or any(isinstance(m, Internal) for m in _metadata(info.annotation)))


def _metadata(annotation: Any) -> tuple[Any, ...]:
    return get_args(annotation)[1:] if get_origin(annotation) is Annotated else ()


@cache
def client_model(model: type[BaseModel]) -> type[BaseModel]:
    """The client's version of a content model (same name, same fields, rich text)."""
    fields: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name in internal_fields(model):
            continue
        if _is_rich(info.metadata):
            # The text's limits are the content model's business: checked before this.
            fields[name] = (RichText, FieldInfo(default=info.default,
                                                description=info.description))
        else:
            plain = copy.copy(info)
            plain.metadata = _structural(info.metadata)
            fields[name] = (_rewrite(info.annotation), plain)
    made: type[BaseModel] = create_model(
        model.__name__, __config__=CLIENT_CONFIG, __doc__=model.__doc__,
        __module__=__name__, **fields)
    return made


CLIENT_MODELS: dict[str, type[BaseModel]] = {
    kind: client_model(model) for kind, model in DOCUMENT_MODELS.items()}


def markup_paths(document: BaseModel, units: Iterable[TextUnit] | None = None
                 ) -> list[DataPath]:
    """Where a document's texts that may carry markup are, internal fields left out. A
    localized copy has them at the same places (only texts differ), so a document's paths
    serve each of its locales. `units`: the document's `iter_texts`, when already listed."""
    internal = internal_fields(type(document))
    return [unit.path for unit in (iter_texts(document) if units is None else units)
            if unit.markup and unit.path[0] not in internal]


def client_data(document: BaseModel, resolve: Resolve,
                markup: list[DataPath] | None = None) -> dict[str, Any]:
    """A validated (localized) document as its client model's data: every markup text
    replaced by its rich text, its citation markers numbered as its references are.
    `markup` is `markup_paths` of the document, or of the document it is a localized copy
    of."""
    data: dict[str, Any] = document.model_dump(mode="json",
                                               exclude=set(internal_fields(type(document))))
    numbers = {ref_id: at for at, ref_id in enumerate(reference_ids(document), 1)}
    for path in markup_paths(document) if markup is None else markup:
        target: Any = data
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = rich_data(target[path[-1]], resolve, numbers)
    return data


def pick(model: type[BaseModel], name: str, keep: tuple[str, ...], doc: str,
         **more: Any) -> type[BaseModel]:
    """A card: some fields of a client model (and `more` of its own), as a model."""
    fields = {field: (model.model_fields[field].annotation, model.model_fields[field])
              for field in keep}
    fields.update(more)
    made: type[BaseModel] = create_model(  # type: ignore[call-overload]
        name, __config__=CLIENT_CONFIG, __doc__=doc, __module__=__name__, **fields)
    return made

