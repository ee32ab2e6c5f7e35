"""Reusable field types. The annotation is the one place that says what is translatable.

`Translatable` metadata on a string type marks it for extraction, gives the translator its
kind and limit, adds `x-translatable` to the JSON Schema, and tells export what to localize.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from typing import Annotated, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    StringConstraints,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from pipeline.content import markup

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
DOI_PATTERN = r"^10\.\d{4,9}/[-._;()/:A-Za-z0-9]+$"
_ID_RE = re.compile(ID_PATTERN)
_DOI_RE = re.compile(DOI_PATTERN)


@dataclass(frozen=True)
class Translatable:
    """Marks a text field for translators: what it is, its limit, whether it carries markup."""

    kind: str
    markup: bool = False
    # A gettext format flag for the entry ("python-brace-format": `{name}` placeholders that
    # translators keep and msgfmt -c, Poedit and the checks verify).
    format: str | None = None

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        result = handler(schema)
        result["x-translatable"] = {"kind": self.kind, "markup": self.markup}
        return result


@dataclass(frozen=True)
class _SchemaFlag:
    """A marker that shows itself in the JSON Schema as `<schema_key>: true`, so editors
    and other tools see what the model says."""

    schema_key: ClassVar[str]

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        result = handler(schema)
        result[self.schema_key] = True
        return result


@dataclass(frozen=True)
class Critical(_SchemaFlag):
    """Marks safety-critical text (a caution, a red flag, the disclaimer): a reader must
    never see it in another language than the rest of the page, nor in an unreviewed
    translation. Applies to every text below the field."""

    schema_key = "x-critical"


@dataclass(frozen=True)
class CriticalWhenSet(_SchemaFlag):
    """Marks a yes/no field that, when true, makes every text of its model safety-critical
    (an image that shows a mistake to avoid: its alt text is a warning)."""

    schema_key = "x-critical-when-true"


@dataclass(frozen=True)
class Internal:
    """Marks a field the pipeline uses to write values for clients (the phrases a dose is
    written with) but does not send them."""


@dataclass(frozen=True)
class SchemaPattern:
    """Shows a validator's pattern in the JSON Schema, so editors flag bad ids as you type."""

    pattern: str

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        result = handler(schema)
        result["pattern"] = self.pattern
        return result


def _check_id(value: str) -> str:
    if not _ID_RE.match(value):
        raise PydanticCustomError(
            "bad_id",
            "'{value}' is not a valid id: use lowercase letters, digits and single hyphens "
            "(e.g. 'hip-thrust')",
            {"value": value},
        )
    return value


def _check_doi(value: str) -> str:
    if not _DOI_RE.match(value):
        raise PydanticCustomError(
            "bad_doi",
            "'{value}' is not a DOI: write it as '10.NNNN/suffix', without 'https://doi.org/'",
            {"value": value},
        )
    return value


def _check_https(value: str) -> str:
    if not re.match(r"^https://[^\s/$.?#][^\s]*$", value):
        raise PydanticCustomError(
            "bad_url", "'{value}' is not an https:// URL", {"value": value}
        )
    return value


def _check_markup(value: str) -> str:
    problems = markup.analyze(value).problems
    if problems:
        first = problems[0]
        raise PydanticCustomError(
            "markup_" + first.code, "{detail}", {"detail": first.message, "code": first.code}
        )
    return value


def _check_plain(value: str) -> str:
    found = markup.analyze(value)
    if found.problems or found.has_markup:
        raise PydanticCustomError(
            "markup_E311",
            "'{value}' is shown as plain text: remove Markdown or HTML markup",
            {"value": value, "code": "E311"},
        )
    return value


Id = Annotated[
    str, StringConstraints(max_length=64), AfterValidator(_check_id), SchemaPattern(ID_PATTERN)
]
Doi = Annotated[
    str, StringConstraints(max_length=200), AfterValidator(_check_doi), SchemaPattern(DOI_PATTERN)
]
HttpsUrl = Annotated[str, StringConstraints(max_length=500), AfterValidator(_check_https)]
# A media file: under the project's media/ folder, or on the web. Lowercase names only, no
# `..`, and an extension the clients can show; the file's own checks are `content.media`'s.
MEDIA_PATTERN = (r"^(https://[^\s/$.?#][^\s]*|[a-z0-9][a-z0-9_-]*(\.[a-z0-9_-]+)*"
                 r"(/[a-z0-9][a-z0-9_-]*(\.[a-z0-9_-]+)*)*)$")
IMAGE_TYPES = ("jpg", "jpeg", "png", "webp", "avif")
VIDEO_TYPES = ("mp4", "webm")
_MEDIA_RE = re.compile(MEDIA_PATTERN)


def _check_media(kinds: tuple[str, ...]) -> AfterValidator:
    def check(value: str) -> str:
        suffix = value.rsplit("/", 1)[-1].rpartition(".")[2].lower()
        if not _MEDIA_RE.match(value) or (suffix not in kinds and not value.startswith(
                "https://")):
            raise PydanticCustomError(
                "bad_media", "'{value}' is not a media file: write a path under media/ in "
                "lowercase (e.g. 'glute-bridge/start.webp') ending in {kinds}, or an https:// "
                "URL", {"value": value, "kinds": ", ".join("." + k for k in kinds)})
        return value
    return AfterValidator(check)


ImageSource = Annotated[str, StringConstraints(max_length=500), _check_media(IMAGE_TYPES),
                        SchemaPattern(MEDIA_PATTERN)]
VideoSource = Annotated[str, StringConstraints(max_length=500), _check_media(VIDEO_TYPES),
                        SchemaPattern(MEDIA_PATTERN)]
# Proper names, credentials, citation data: shown as written, never translated.
Verbatim = Annotated[str, StringConstraints(min_length=1, max_length=300)]

# Translatable text. StringConstraints enforces the limit on English and on every
# translation; extraction reads the same constraint to show it to translators.
_Plain = AfterValidator(_check_plain)
_Rich = AfterValidator(_check_markup)
Name = Annotated[str, StringConstraints(min_length=1, max_length=60), _Plain,
                 Translatable("name")]
Title = Annotated[str, StringConstraints(min_length=1, max_length=100), _Plain,
                  Translatable("title")]
Term = Annotated[str, StringConstraints(min_length=1, max_length=50), _Plain,
                 Translatable("term")]
Summary = Annotated[str, StringConstraints(min_length=1, max_length=240), _Plain,
                    Translatable("summary")]
Sentence = Annotated[str, StringConstraints(min_length=1, max_length=320), _Rich,
                     Translatable("sentence", markup=True)]
Paragraph = Annotated[str, StringConstraints(min_length=1, max_length=1200), _Rich,
                      Translatable("paragraph", markup=True)]
# What an image or a video shows, for readers who cannot see it (a screen reader reads it).
AltText = Annotated[str, StringConstraints(min_length=1, max_length=250), _Plain,
                    Translatable("alt")]


def placeholders(text: str) -> set[str] | None:
    """The `{name}` fields of a brace-format text, or None when it is not one (an unmatched
    brace): read as Python's str.format reads it."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return None


def _check_fields(*names: str) -> AfterValidator:
    def check(value: str) -> str:
        found = placeholders(value)
        if found != set(names):
            expected = ", ".join("{" + n + "}" for n in names)
            raise PydanticCustomError(
                "bad_placeholders", "write the text with exactly {expected} in it, each in "
                "braces (found {found})",
                {"expected": expected, "found": "an unmatched brace" if found is None
                 else ", ".join("{" + n + "}" for n in sorted(found)) or "none"})
        return value
    return AfterValidator(check)


BRACE = "python-brace-format"
_PhraseLimit = StringConstraints(min_length=1, max_length=120)
_Phrase = Translatable("phrase", format=BRACE)
# The phrases a dose is written with, each with the placeholders it must keep.
SetsOfPhrase = Annotated[str, _PhraseLimit, _Plain, _check_fields("sets", "repetitions"), _Phrase]
EachSidePhrase = Annotated[str, _PhraseLimit, _Plain, _check_fields("dose"), _Phrase]
HoldingPhrase = Annotated[str, _PhraseLimit, _Plain, _check_fields("dose", "seconds"), _Phrase]
HoldPhrase = Annotated[str, _PhraseLimit, _Plain, _check_fields("seconds"), _Phrase]

_CountForm = Annotated[str, StringConstraints(min_length=1, max_length=80), _Plain,
                       _check_fields("count")]


class PluralText(BaseModel):
    """A phrase with a count in it, in English's two forms: one gettext plural entry, so each
    language writes as many forms as its plural rules need ("{count} set", "{count} sets")."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    one: _CountForm = Field(description="The form for a count of one.")
    other: _CountForm = Field(description="The form for any other count.")


# How extraction marks a plural phrase.
PLURAL = Translatable("count", format=BRACE)
