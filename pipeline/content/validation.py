"""One document's data against its model: pydantic's errors as located diagnostics with
stable codes and a writer's wording (the field's place, a "did you mean"), and characters a
reader would not see."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import types
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from pipeline.content.library import LoadedDocument
from pipeline.content.loader import SourceFile, in_quotes
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
    "bad_media": "E211",
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
    if kind.startswith("date_"):
        message = _date_hint(err.get("input"), message)
    elif kind == "list_type" and isinstance(err.get("input"), str):
        message += "; write each item on a line of its own, starting with '- '"
        if re.search(r"\s-\s", err["input"]):
            message += (" (the first item has none, so YAML reads the lines below it as more "
                        "of its text)")
    elif kind == "string_type":
        colon = _colon_in_text(src, path, err.get("input"))
        if colon is not None:
            (line, col), message = colon
        elif isinstance(value := err.get("input"), (bool, int, float, dt.date)):
            what = ("a yes/no value" if isinstance(value, bool) else "a date"
                    if isinstance(value, dt.date) else "a number")
            message += f"; YAML reads this as {what}: put it in quotes to make it text"
        elif isinstance(err.get("input"), list):
            message += "; write the text after the key, not as a list item ('- ')"
    return diag(src.display, line, col, code, printable(f"{format_path(path)}: {message}"))


def _colon_in_text(src: SourceFile, path: DataPath, value: Any
                   ) -> tuple[tuple[int, int], str] | None:
    """Where a text was expected and YAML read 'key: value' on one line: a text holding ': '
    (a colon and a space), such as "- Hold for 10 seconds: then relax". At the colon, with
    the text in quotes."""
    if not isinstance(value, dict) or len(value) != 1:
        return None
    key, rest = next(iter(value.items()))
    where_key = src.keys.get(path + (key,))
    where_rest = src.values.get(path + (key,))
    if where_key is None or where_rest is None or where_key[0] != where_rest[0] or not (
            rest is None or isinstance(rest, (str, int, float))):
        return None
    text = f"{key}:" if rest is None else f"{key}: {rest}"
    prefix = "" if not path else "- " if isinstance(path[-1], int) else f"{path[-1]}: "
    example = f": {prefix}{in_quotes(text)}" if len(text) <= 200 else ""
    return ((where_key[0], where_key[1] + len(str(key))),
            "this text holds ': ' (a colon and a space), which YAML reads as 'key: value'; "
            f"put the whole text in quotes{example}")


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def _date_hint(value: Any, message: str) -> str:
    """A date written another way than YYYY-MM-DD (14/10/2026, 14.10.2026, 10/14/2026,
    2026/10/14, 2026-10-4, 20261014) or with a time: the same date as YAML reads it, or
    both when the order of day and month cannot tell."""
    if isinstance(value, dt.datetime):
        return (f"{value.isoformat(' ')} is a date and a time; write the date alone: "
                f"{value.date().isoformat()}")
    text = str(value).strip() if isinstance(value, (str, int)) else ""
    found: list[dt.date] = []
    if match := re.fullmatch(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})", text):
        first, second, year = (int(part) for part in match.groups())
        found = [d for d in (_date(year, second, first), _date(year, first, second)) if d]
    elif match := re.fullmatch(r"(\d{4})[./-](\d{1,2})[./-](\d{1,2})|(\d{4})(\d{2})(\d{2})",
                               text):
        year, month, day = (int(part) for part in match.groups() if part is not None)
        found = [d for d in (_date(year, month, day),) if d]
    found = list(dict.fromkeys(found))
    if not found:
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return f"{text} is not a date of the calendar (month 01 to 12, then its days)"
        return f"{message}; write the date as YYYY-MM-DD (year, month, day), such as 2026-10-14"
    shown = " or ".join(f"{d.isoformat()} ({d.day} {_MONTHS[d.month - 1]})" if len(found) > 1
                        else d.isoformat() for d in found)
    written = repr(value) if isinstance(value, str) else str(value)
    return (f"{written} is not a date YAML reads: write it as YYYY-MM-DD (year, month, day), "
            f"here {shown}" + (", whichever you mean" if len(found) > 1 else ""))


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


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
