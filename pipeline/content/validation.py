"""One document's data against its model: pydantic's errors as located diagnostics with
stable codes and a writer's wording (the field's place, a "did you mean"), and characters a
reader would not see."""

from __future__ import annotations

import difflib
import types
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from pipeline.content.library import LoadedDocument
from pipeline.content.loader import SourceFile
from pipeline.content.models import DOCUMENT_MODELS
from pipeline.content.textunits import DataPath, format_path
from pipeline.core.diagnostics import Diagnostic, diag
from pipeline.core.text import hidden_characters, printable

# pydantic's error types, as this project's codes.
_TYPE_CODES = {
    "missing": "E101",
    "extra_forbidden": "E102",
    "string_too_long": "E104",
    "too_long": "E104",
    "string_too_short": "E105",
    "too_short": "E105",
    "bad_id": "E106",
    "bad_doi": "E107",
    "bad_url": "E108",
    "literal_error": "E109",
    "greater_than_equal": "E109",
    "less_than_equal": "E109",
    "greater_than": "E109",
    "less_than": "E109",
    "enum": "E109",
}


def validate_data(src: SourceFile) -> tuple[LoadedDocument | None, list[Diagnostic]]:
    """Validate one file's data against the model its `kind` names."""
    data = src.data
    if not isinstance(data, dict):
        line, col = src.where(())
        return None, [diag(src.display, line, col, "E010",
                           f"the document must be a mapping of fields, not {_kind_of(data)}")]
    kind = data.get("kind")
    model = DOCUMENT_MODELS.get(kind) if isinstance(kind, str) else None
    if model is None:
        line, col = src.where(("kind",))
        hint = _did_you_mean(str(kind), DOCUMENT_MODELS)
        what = "missing" if kind is None else f"{kind!r} is not a document kind"
        return None, [diag(src.display, line, col, "E008",
                           f"kind {what}; use one of {', '.join(DOCUMENT_MODELS)}{hint}")]
    try:
        doc = model.model_validate(data)
    except ValidationError as exc:
        return None, [_from_pydantic(src, model, err) for err in exc.errors()]
    problems = _hidden_characters(src, data)
    stem = src.path.stem
    if doc.id != stem:
        line, col = src.where(("id",))
        problems.append(diag(src.display, line, col, "E009",
                             f"id {doc.id!r} differs from the file name {stem!r}; "
                             f"rename the file to {doc.id}.yaml or fix the id"))
    return LoadedDocument(src, doc), problems


def _hidden_characters(src: SourceFile, data: Any, path: DataPath = ()) -> list[Diagnostic]:
    """E110 for every text holding characters a reader cannot see (or that reorder what they
    see, or that break gettext catalogs): refused before anything is extracted."""
    if isinstance(data, str):
        found = hidden_characters(data)
        if not found:
            return []
        line, col = src.where(path)
        return [diag(src.display, line, col, "E110",
                     f"{format_path(path)}: {', '.join(found)}; remove it")]
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(
        data, list) else []
    return [d for key, value in items for d in _hidden_characters(src, value, path + (key,))]


def _from_pydantic(src: SourceFile, model: type[BaseModel], err: ErrorDetails) -> Diagnostic:
    loc = tuple(err["loc"])
    is_key = "[key]" in loc
    path: DataPath = tuple(p for p in loc if p != "[key]")
    kind = err["type"]
    code = _TYPE_CODES.get(kind)
    ctx = err.get("ctx") or {}
    if kind.startswith("markup_"):
        code = str(ctx.get("code", "E310"))
    elif code is None:
        code = "E103" if kind.endswith(("_type", "_parsing")) or "type" in kind else "E110"
    if kind == "string_too_short" and isinstance(err.get("input"), str) and not err["input"].strip():
        code = "E302"
    message = err["msg"]
    if kind == "missing":
        message = f"required field {str(path[-1])!r} is missing"
    elif kind == "extra_forbidden":
        allowed = _fields_at(model, path[:-1])
        message = f"unknown field {str(path[-1])!r}{_did_you_mean(str(path[-1]), allowed)}"
    elif kind.endswith(("too_long", "too_short")) and isinstance(err.get("input"), str):
        message = f"{message} (it has {len(err['input'])})"
    line, col = src.where(path, key=is_key or kind == "extra_forbidden")
    return diag(src.display, line, col, code, printable(f"{format_path(path)}: {message}"))


def _fields_at(model: type[BaseModel], path: DataPath) -> list[str]:
    """Field names of the model found at a data path (for 'did you mean' hints)."""
    current: Any = model
    for part in path:
        current = _step(current, part)
        if current is None:
            return []
    current = _strip(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _strip(annotation: Any) -> Any:
    """Remove Annotated and Optional wrappers."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            options = [a for a in get_args(annotation) if a is not type(None)]
            if len(options) != 1:
                return annotation
            annotation = options[0]
        else:
            return annotation


def _step(annotation: Any, part: str | int) -> Any:
    annotation = _strip(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(part) if isinstance(part, str) else None
        return field.annotation if field else None
    origin = get_origin(annotation)
    if origin is list:
        return get_args(annotation)[0]
    if origin is dict:
        return get_args(annotation)[1]
    return None


def _did_you_mean(word: str, options: Any) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _kind_of(value: Any) -> str:
    return {list: "a list", str: "text", type(None): "empty"}.get(type(value), type(value).__name__)
