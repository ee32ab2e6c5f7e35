"""The captions of a locale, checked as translations are: each cue against the English cue
at the same time, by the same checks as a catalog entry, and the whole file for its language.

Run by the gate for every locale it checks; the bytes of each file that passed are kept for
the build, which ships those bytes and no others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from pipeline.content import language
from pipeline.content.captions import (
    Captions,
    CaptionsText,
    captions_display,
    captions_text,
    read_captions,
    timing_mismatches,
    video_of,
)
from pipeline.content.library import Library
from pipeline.core.codes import CODES
from pipeline.core.config import Config
from pipeline.core.diagnostics import Diagnostic, diag
from pipeline.core.text import printable
from pipeline.gettext import checks
from pipeline.gettext.checkbase import CheckContext, Pair, UnitInfo
from pipeline.infra import judge
from pipeline.infra.cache import Cache


@dataclass
class CaptionsResult:
    problems: list[Diagnostic] = field(default_factory=list)
    # The bytes of each captions file that may ship (no error among its findings), by the
    # video's captions id.
    ready: dict[str, bytes] = field(default_factory=dict)


# Each video's English captions that could be read, by captions id: the cues and the bytes.
English = dict[str, tuple[Captions, bytes]]


def english_captions(config: Config, library: Library) -> English:
    """The English captions of every video, read once for all the locales checked against
    them (validation reports what is wrong with them)."""
    found: English = {}
    for doc in library:
        video = video_of(doc.model)
        if video is not None and video.captions is not None:
            cues, data, _ = read_captions(config, None, video)
            if cues is not None and data is not None:
                found[video.captions] = (cues, data)
    return found


def check_captions(config: Config, library: Library, locale: str, english: English,
                   context: Callable[[str], CheckContext], cache: Cache | None = None
                   ) -> CaptionsResult:
    """Every video's captions in a translated `locale`: there (E424), valid (E420–E422),
    cue for cue the English's (E423), each cue's text checked as a translation of the
    English cue, and the whole in the locale's language (E513). `context(doc_id)`: the
    checks' context of the document's catalog. The language of every file is judged in
    one batch, with the verdicts `cache` keeps (`judge.prefetch`)."""
    read: list[tuple[str, bytes | None, list[Diagnostic], CaptionsText | None, str]] = []
    for doc in library:
        video = video_of(doc.model)
        if video is None or video.captions is None:
            continue
        mine, data, problems = read_captions(config, locale, video)
        display = captions_display(config, video, locale)
        english_display = captions_display(config, video)
        if mine is None and not problems:
            problems.append(diag(display, 0, 0, "E424", f"{doc.id}'s video has no captions "
                                 f"in {locale!r}: translate {english_display} cue by cue"))
        theirs = english.get(video.captions)
        text, expected = None, locale
        if mine is not None and theirs is not None:
            original = theirs[0]
            problems += [diag(display, p.line, 0, p.code, p.message)
                         for p in timing_mismatches(original, mine)]
            ctx = context(doc.id)
            if len(original.cues) == len(mine.cues):
                for source, cue in zip(original.cues, mine.cues):
                    info = UnitInfo(None, False, f"{english_display}:{source.text_line}")
                    problems += [diag(display, cue.text_line, 0, code, printable(message),
                                      source_ref=info.source_ref)
                                 for code, message in checks.check_pair(
                                     Pair(source.text, cue.text, info), ctx)]
            text, expected = captions_text(display, mine), ctx.language
        read.append((video.captions, data, problems, text, expected))
    judge.prefetch(language.to_judge((text.text for *_, text, _ in read if text), locale),
                   locale, cache, config.environment.workers)
    result = CaptionsResult()
    for captions, data, problems, text, expected in read:
        if text is not None:
            problems += text.language_problems(expected, "E513")
        result.problems += problems
        if data is not None and not any(CODES[d.code].default_severity == "error"
                                        for d in problems):
            result.ready[captions] = data
    return result
