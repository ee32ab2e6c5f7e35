"""The content model: the single definition of every document kind.

JSON Schema, extraction, cross-document checks and export all read these classes; there is
no second list of fields anywhere. Text types come from `fields`, which marks what is
translatable and its limits.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, StrictInt
from pydantic_core import PydanticCustomError

from pipeline.content.fields import (
    AltText,
    Critical,
    CriticalWhenSet,
    Doi,
    EachSidePhrase,
    HoldingPhrase,
    HoldPhrase,
    HttpsUrl,
    Id,
    ImageSource,
    Internal,
    Name,
    Paragraph,
    PluralText,
    Sentence,
    SetsOfPhrase,
    Summary,
    Term,
    Title,
    Verbatim,
    VideoSource,
)


@dataclass(frozen=True)
class Ref:
    """Marks an id that must name something else: a document kind or a glossary vocabulary."""

    target: Literal["exercise", "reviewer", "muscles", "equipment", "positions"]


@dataclass(frozen=True)
class MsgContext:
    """The gettext msgctxt for every text below this field (telling apart equal English)."""

    context: str


ExerciseRef = Annotated[Id, Ref("exercise")]
ReviewerRef = Annotated[Id, Ref("reviewer")]
MuscleRef = Annotated[Id, Ref("muscles")]
EquipmentRef = Annotated[Id, Ref("equipment")]
PositionRef = Annotated[Id, Ref("positions")]


def _shown(value: object) -> str:
    """A wrong value as the writer would recognise it."""
    if isinstance(value, bool):
        return f"{str(value).lower()} is a yes/no value"
    if isinstance(value, str):
        return f"{value if len(value) <= 40 else value[:40] + '…'!r} is text"
    if isinstance(value, (int, float)):
        return f"{value} is a number"
    if value is None:
        return "the value is empty"
    kind = {list: "a list", dict: "a mapping", dt.date: "a date", dt.datetime: "a date and time"}
    return f"the value is {kind.get(type(value), type(value).__name__)}"


def _whole_number(value: object) -> object:
    """Counts must be YAML integers. pydantic's lax mode would read `true` as 1 and `3.0` as
    3, hiding the slip; the message says what to write instead."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    what = _shown(value)
    if isinstance(value, float):
        what = (f"write {int(value)} instead of {value}" if value.is_integer()
                else f"{value} is not a whole number")
    elif isinstance(value, str):
        what += (": remove the quotes" if re.fullmatch(r"\s*[+-]?\d+\s*", value)
                 else ": write the number in digits")
    raise PydanticCustomError(
        "whole_number_type",
        "must be a whole number, written in digits without quotes or a decimal point; {what}",
        {"what": what})


def _yes_no(value: object) -> object:
    """Flags must be YAML booleans: lax mode would read 1, "yes" or "off" as one."""
    if isinstance(value, bool):
        return value
    what = _shown(value)
    if isinstance(value, str):
        what += (": remove the quotes" if value.strip().lower() in ("true", "false")
                 else ": write true or false")
    raise PydanticCustomError("yes_no_type", "must be true or false, without quotes; {what}",
                              {"what": what})


# Strict in the annotation (not the whole model), so dates stay readable as the loader gives
# them. A count's limits go before WholeNumber, which wraps them: the JSON Schema then keeps
# its minimum and maximum.
WholeNumber = BeforeValidator(_whole_number)
YesNo = Annotated[StrictBool, BeforeValidator(_yes_no)]


class Strict(BaseModel):
    # A misspelled key is an error, never silently dropped.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Variation(Strict):
    name: Name = Field(description="Name of an easier or harder version of the exercise.")
    how: Sentence = Field(description="What to change compared with the main exercise.")


class Dosage(Strict):
    sets: Annotated[StrictInt, Field(ge=1, le=10), WholeNumber] | None = Field(
        None, description="Number of sets.")
    reps: Annotated[StrictInt, Field(ge=1, le=100), WholeNumber] | None = Field(
        None, description="Repetitions per set.")
    hold_seconds: Annotated[StrictInt, Field(ge=1, le=300), WholeNumber] | None = Field(
        None, description="Seconds to hold.")
    per_side: YesNo = Field(False, description="Whether the dosage applies to each side.")


class Image(Strict):
    src: ImageSource = Field(description="A file under media/ (e.g. 'glute-bridge/start.webp') "
                                         "or an https:// URL.")
    alt: AltText = Field(description="What the image shows, for readers who cannot see it.")
    safety: Annotated[YesNo, CriticalWhenSet()] = Field(
        False, description="The image shows a safety point (a mistake to avoid, when to "
                           "stop): its alt text is safety-critical.")


class Video(Strict):
    src: VideoSource = Field(description="A .mp4 or .webm file under media/, or an https:// "
                                         "URL.")
    poster: ImageSource | None = Field(None, description="The image shown before it plays.")
    duration_seconds: Annotated[StrictInt, Field(ge=1, le=1800), WholeNumber] = Field(
        description="How long it runs, in seconds; no caption may run past it.")
    alt: AltText = Field(description="What the video shows, for readers who cannot see it.")
    captions: Id | None = Field(
        None, description="Its captions: source/captions/<id>.vtt in English, and "
                          "locales/<locale>/captions/<id>.vtt in each language.")
    safety: Annotated[YesNo, CriticalWhenSet()] = Field(
        False, description="The video demonstrates a safety point: its alt text and its "
                           "captions are safety-critical.")


class Media(Strict):
    images: list[Image] = Field(default=[], max_length=8, description="A still image.")
    video: Video | None = Field(None, description="A demonstration video.")


class Quote(Strict):
    text: Paragraph = Field(description="An expert's advice, quoted in the first person.")
    reviewer: ReviewerRef = Field(description="Id of the reviewer who said it.")


class Exercise(Strict):
    kind: Literal["exercise"]
    id: Id
    name: Name = Field(description="The exercise's name, as shown in headings and lists.")
    summary: Summary = Field(description="One line under the name saying what it is.")
    why_it_helps: Paragraph = Field(description="Why this exercise helps the condition.")
    target_muscles: list[MuscleRef] = Field(min_length=1, description="Muscles worked.")
    equipment: list[EquipmentRef] = Field(default=[], description="What is needed, if anything.")
    position: PositionRef = Field(description="The starting position, from the glossary.")
    starting_position: Sentence = Field(description="How to get into the starting position.")
    steps: list[Sentence] = Field(
        min_length=2, max_length=12, description="One instruction the reader follows, in order."
    )
    tips: list[Sentence] = Field(default=[], description="A tip for doing it well.")
    cautions: Annotated[list[Sentence], Critical()] = Field(
        default=[], description="A safety warning.")
    red_flags: Annotated[list[Sentence], Critical()] = Field(
        default=[], description="A sign to stop the exercise and see a doctor.")
    easier: list[Variation] = Field(default=[], description="An easier version.")
    harder: list[Variation] = Field(default=[], description="A harder version.")
    dosage: Dosage | None = Field(None, description="How much to do.")
    media: Media | None = Field(None, description="Images and a video of the exercise.")
    quote: Quote | None = Field(None, description="An expert quote about the exercise.")
    related: list[ExerciseRef] = Field(default=[], description="Other exercises to try.")


class HeadedParagraph(Strict):
    heading: Title = Field(description="A short heading over one paragraph.")
    text: Paragraph = Field(description="The paragraph under the heading.")


class Section(Strict):
    id: Id
    heading: Title = Field(description="The heading of a section of the guide.")
    intro: Paragraph | None = Field(None, description="Text before the section's items.")
    items: list[HeadedParagraph] = Field(min_length=1, description="A headed paragraph.")


class Reference(Strict):
    """A cited publication. Citation data is shown as published, never translated. The
    guide's texts cite it as `[@id]` after the statement it supports."""

    id: Id = Field(description="How the guide's texts cite it: [@id] after the statement.")
    authors: list[Verbatim] = Field(min_length=1)
    year: Annotated[StrictInt, Field(ge=1900, le=2100), WholeNumber]
    title: Verbatim
    journal: Verbatim
    volume: Verbatim | None = None
    issue: Verbatim | None = None
    pages: Verbatim | None = None
    doi: Doi | None = None
    url: HttpsUrl | None = None


class Guide(Strict):
    kind: Literal["guide"]
    id: Id
    title: Title = Field(description="The guide's title.")
    summary: Summary = Field(description="One or two lines shown in lists and previews.")
    intro: list[Paragraph] = Field(min_length=1, description="An introductory paragraph.")
    red_flags: Annotated[list[Sentence], Critical()] = Field(
        default=[], description="When to stop and see a doctor, shown before anything else.")
    exercises: list[ExerciseRef] = Field(min_length=1, description="Exercises, in order.")
    sections: list[Section] = Field(default=[], description="A section after the exercises.")
    reviewers: list[ReviewerRef] = Field(default=[], description="Who reviewed the guide.")
    reviewed_on: dt.date = Field(description="When the guide was last reviewed.")
    references: list[Reference] = Field(default=[])
    disclaimer: Annotated[Paragraph, Critical()] = Field(
        description="The medical disclaimer at the end of the guide.")


class Reviewer(Strict):
    kind: Literal["reviewer"]
    id: Id
    name: Verbatim = Field(description="Full name, as the person writes it.")
    credentials: Verbatim = Field(description="Degrees and licences, e.g. 'PT, DPT'.")
    role: Title = Field(description="The reviewer's job title.")
    bio: Sentence | None = Field(None, description="One sentence about the reviewer.")


class GlossaryTerm(Strict):
    name: Term = Field(description="The display name of a controlled-vocabulary term.")
    description: Summary | None = Field(None, description="A plain-language definition.")


class DosagePhrases(Strict):
    """How a dose is written out for readers (`formatted.dosage` in exercise bundles):
    counts with their plural forms, and the patterns that join them."""

    sets: PluralText = Field(description="A number of sets, e.g. '{count} sets'.")
    repetitions: PluralText = Field(description="A number of repetitions.")
    seconds: PluralText = Field(description="A number of seconds.")
    sets_of_repetitions: SetsOfPhrase = Field(
        description="Sets and repetitions together, e.g. '{sets} of {repetitions}'.")
    each_side: EachSidePhrase = Field(description="A dose done on each side.")
    holding: HoldingPhrase = Field(description="A dose whose every repetition is held.")
    hold: HoldPhrase = Field(description="A hold alone, e.g. 'Hold for {seconds}'.")


class Glossary(Strict):
    kind: Literal["glossary"]
    id: Literal["glossary"]
    muscles: Annotated[dict[Id, GlossaryTerm], MsgContext("muscle")] = Field(
        description="Muscles, by id."
    )
    equipment: Annotated[dict[Id, GlossaryTerm], MsgContext("equipment")] = Field(
        description="Equipment, by id."
    )
    positions: Annotated[dict[Id, GlossaryTerm], MsgContext("position")] = Field(
        description="Starting positions, by id."
    )
    dosage: Annotated[DosagePhrases | None, MsgContext("dosage"), Internal()] = Field(
        None, description="How doses are written out; without it, bundles give the numbers "
                          "only.")


Document = Exercise | Guide | Reviewer | Glossary

DOCUMENT_MODELS: dict[str, type[Exercise] | type[Guide] | type[Reviewer] | type[Glossary]] = {
    "exercise": Exercise,
    "guide": Guide,
    "reviewer": Reviewer,
    "glossary": Glossary,
}
