"""What a client fetches: one bundle per document and locale, an index per locale, an offline
pack per locale and the manifest, each described by a model here (their JSON Schemas, and the
TypeScript declarations made from those, derive from these classes).

A page needs one fetch: a guide's bundle carries a card (what its page shows) of each
exercise and reviewer it names, an exercise's bundle the cards of its quote's reviewer and
its related exercises, and every bundle the localized glossary terms that it and its cards
use. Full documents are never copied into each other, only cards.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, Field, TypeAdapter, create_model

from pipeline.client.documents import CLIENT_CONFIG, CLIENT_MODELS, pick

BUNDLE_VERSION = 3
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


class _Client(BaseModel):
    model_config = CLIENT_CONFIG


class LocalizedTerm(_Client):
    """A glossary term's display name and definition in the bundle's locale."""

    name: str
    description: str | None


class Terms(_Client):
    """Localized glossary terms, by vocabulary and id."""

    muscles: dict[str, LocalizedTerm]
    equipment: dict[str, LocalizedTerm]
    positions: dict[str, LocalizedTerm]


class CaptionTrack(_Client):
    """A video's captions as a WebVTT file of the build (a `<track>` for web players)."""

    src: str = Field(pattern=r"^[a-zA-Z0-9-]+/captions/[a-z0-9-]+\.vtt$",
                     description="The file, from the site's root: <locale>/captions/<id>.vtt.")
    language: str = Field(description="The language of its text (BCP 47): the locale's, or "
                                      "the source's where the locale has no reviewed "
                                      "captions yet (then `media.video.captions` is among "
                                      "the bundle's fallbacks).")


class ExerciseFormatted(_Client):
    """Values written out for the locale."""

    dosage: str | None = Field(description="The dose as one phrase in the locale, e.g. "
                                           "'3 séries de 8 répétitions de chaque côté'; null "
                                           "without a dose (or without the glossary's "
                                           "dosage phrases).")
    captions: CaptionTrack | None = Field(description="The captions of the exercise's "
                                                      "video; null without a video or "
                                                      "captions.")


ExerciseCard = pick(CLIENT_MODELS["exercise"], "ExerciseCard",
                    ("id", "name", "summary", "position", "equipment", "dosage"),
                    "What a page shows of an exercise it lists or links to.",
                    formatted=(ExerciseFormatted, ...))
ReviewerCard = pick(CLIENT_MODELS["reviewer"], "ReviewerCard",
                    ("id", "name", "credentials", "role"),
                    "What a page shows of a reviewer it names.")
# Which cards a document's bundle carries: kind → the fields naming them, by card kind.
CARDS: dict[str, type[BaseModel]] = {"exercise": ExerciseCard, "reviewer": ReviewerCard}


class Cards(_Client):
    """Cards of the documents a bundle's page shows, by id."""

    exercises: dict[str, ExerciseCard]  # type: ignore[valid-type]
    reviewers: dict[str, ReviewerCard]  # type: ignore[valid-type]


class GuideFormatted(_Client):
    """Values written out for the locale."""

    reviewed_on: str = Field(description="The review date, as the locale writes dates.")


class NothingFormatted(_Client):
    """No value of this kind is formatted."""


FORMATTED: dict[str, type[_Client]] = {"guide": GuideFormatted, "exercise": ExerciseFormatted,
                                       "reviewer": NothingFormatted,
                                       "glossary": NothingFormatted}


# Literal types made at run time (the type checker sees a value, not a type).
_LITERAL: Any = Literal


def _bundle_model(kind: str) -> type[BaseModel]:
    name = kind.capitalize() + "Bundle"
    made: type[BaseModel] = create_model(
        name, __config__=CLIENT_CONFIG, __module__=__name__,
        __doc__=f"What a client receives for one {kind} in one locale.",
        bundle_version=(_LITERAL[BUNDLE_VERSION], Field(
            description="Changes when a client written for the previous version could "
                        "misread the bundle.")),
        locale=(str, Field(description="BCP 47 tag, e.g. 'fr'.")),
        kind=(_LITERAL[kind], ...),
        id=(str, ...),
        document=(CLIENT_MODELS[kind], ...),
        cards=(Cards, Field(description="What the page shows of the documents it names.")),
        terms=(Terms, Field(description="Localized glossary terms the document and its "
                                        "cards use.")),
        formatted=(FORMATTED[kind], ...),
        fallbacks=(list[str], Field(description="Fields shown in English because no "
                                                "reviewed translation exists.")),
    )
    return made


BUNDLE_MODELS: dict[str, type[BaseModel]] = {kind: _bundle_model(kind) for kind in CLIENT_MODELS}
AnyBundle: Any = Annotated[Union[tuple(BUNDLE_MODELS.values())],  # noqa: UP007
                           Field(discriminator="kind")]


class IndexEntry(_Client):
    """One document of a locale, as a list page or a search needs it."""

    id: str
    kind: Literal["guide", "exercise", "reviewer", "glossary"]
    title: str | None = Field(description="The localized title or name; null for the "
                                          "glossary.")
    summary: str | None = Field(description="The localized summary, as plain text.")
    bundle: str = Field(description="The bundle's path, relative to the manifest's folder.")
    sha256: str
    bytes: int
    translated_percent: float = Field(description="Share of the page's texts shown in the "
                                                  "locale (100 in the source locale).")
    fallbacks: list[str] = Field(description="Fields of the document shown in English (its "
                                             "bundle's `fallbacks` also lists its cards').")


class Index(_Client):
    """Every document of one locale."""

    bundle_version: Literal[3]
    locale: str
    documents: list[IndexEntry]


class OfflinePack(_Client):
    """Every bundle of one locale and its index in one file, for apps that work offline."""

    bundle_version: Literal[3]
    locale: str
    index: Index
    bundles: dict[str, AnyBundle]


class FileInfo(_Client):
    sha256: str
    bytes: int


class LocaleInfo(_Client):
    """What the build holds for one locale."""

    policy: Literal["source", "required", "optional"]
    staging: bool = Field(description="True when this required locale was built with English "
                                      "standing in for missing translations (a staging "
                                      "build); never true in a production build.")
    bundles: int
    complete_percent: float
    fallback_percent: float
    index: str = Field(description="The locale's index, relative to the manifest.")
    offline: str = Field(description="The locale's offline pack, relative to the manifest.")
    withheld: dict[str, str] = Field(
        description="Documents this (optional) locale leaves out, by id, with the reason: a "
                    "safety-critical text of theirs has no reviewed translation. They are in "
                    "no index, pack or card list of the locale.")


class Manifest(_Client):
    """The build: its locales (the ones to offer in a locale picker) and every file."""

    bundle_version: Literal[3]
    generator: str
    source_revision: str | None
    source_locale: str
    locales: dict[str, LocaleInfo]
    files: dict[str, FileInfo] = Field(description="Every file beside the manifest, by path.")


def _schema(adapter: TypeAdapter[Any], name: str) -> dict[str, Any]:
    schema = adapter.json_schema(mode="serialization")
    schema["$schema"] = SCHEMA_DIALECT
    schema["$id"] = f"{name}.json"
    schema.setdefault("title", name.capitalize())
    return schema


def client_schemas() -> dict[str, dict[str, Any]]:
    """File name → JSON Schema of each kind of file a client fetches."""
    return {
        "bundle": _schema(TypeAdapter(AnyBundle), "bundle"),
        "index": _schema(TypeAdapter(Index), "index"),
        "manifest": _schema(TypeAdapter(Manifest), "manifest"),
        "offline": _schema(TypeAdapter(OfflinePack), "offline"),
    }


class ClientFiles(_Client):
    """Every kind of file a client fetches, in one schema: the TypeScript declarations are
    made from it, so each type is declared once under one name."""

    bundle: AnyBundle
    index: Index
    manifest: Manifest
    offline: OfflinePack


def types_schema() -> dict[str, Any]:
    """The schema `bundles.d.ts` is generated from (`make types`)."""
    schema = ClientFiles.model_json_schema(mode="serialization")
    schema["$schema"] = SCHEMA_DIALECT
    # The union of bundle kinds gets a name of its own, for `switch (bundle.kind)`.
    union = schema["properties"]["bundle"]
    schema["$defs"]["Bundle"] = {key: value for key, value in union.items()
                                 if key != "discriminator"} | {"title": "Bundle"}
    schema["properties"]["bundle"] = {"$ref": "#/$defs/Bundle"}
    untitled: dict[str, Any] = _untitled(schema)
    return untitled


def _untitled(node: Any, keep_title: bool = True) -> Any:
    """The schema without the titles pydantic gives each field: a generator would declare a
    type per title (`Name1`, `Name2`…). Models keep theirs, and so their type names."""
    if isinstance(node, list):
        return [_untitled(item, False) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:  # a described reference would be declared as a copy of its type
        return {"$ref": node["$ref"]}
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "title" and not keep_title:
            continue
        if key == "$defs":
            out[key] = {name: _untitled(sub, True) for name, sub in value.items()}
        elif key == "properties":
            out[key] = {name: _untitled(sub, False) for name, sub in value.items()}
        else:
            out[key] = _untitled(value, False)
    return out


# The TypeScript declarations shipped in the build (`make types` writes them from
# `types_schema`; a test holds them to the models).
TYPES_FILE = Path(__file__).with_name("bundles.d.ts")


def schema_text(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
