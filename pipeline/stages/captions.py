"""The captions of a locale, checked as translations are: each cue against the English cue
at the same time, by the same checks as a catalog entry, and the whole file for its language.

Run by the gate for every locale it checks; the bytes of each file that passed are kept for
the build, which ships those bytes and no others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from pipeline.content import language
from pipeline.content.captions import captions_display, read_captions, timing_mismatches, video_of
from pipeline.content.library import Library
from pipeline.core.codes import CODES
from pipeline.core.config import Config
from pipeline.core.diagnostics import Diagnostic, diag
from pipeline.core.text import printable
from pipeline.gettext import checks
from pipeline.gettext.checkbase import CheckContext, Pair, UnitInfo


@dataclass
class CaptionsResult:
    problems: list[Diagnostic] = field(default_factory=list)
    # The bytes of each captions file that may ship (no error among its findings), by the
    # video's captions id.
    ready: dict[str, bytes] = field(default_factory=dict)


def check_captions(config: Config, library: Library, locale: str,
                   context: Callable[[str], CheckContext]) -> CaptionsResult:
    """Every video's captions in `locale` (the English for the source locale): there (E424),
    valid (E420–E422), cue for cue the English's (E423), each cue's text checked as a
    translation of the English cue, and the whole in the locale's language (E513).
    `context(doc_id)`: the checks' context of the document's catalog."""
    result = CaptionsResult()
    source = locale == config.source_locale
    for doc in library:
        video = video_of(doc.model)
        if video is None:
            continue
        english, english_bytes, _ = read_captions(config, None, video)
        assert video.captions is not None
        if source:
            if english_bytes is not None:  # validation reported what is wrong with it
                result.ready[video.captions] = english_bytes
            continue
        mine, data, problems = read_captions(config, locale, video)
        display = captions_display(config, video, locale)
        if mine is None and not problems:
            problems.append(diag(display, 0, 0, "E424", f"{doc.id}'s video has no captions "
                                 f"in {locale!r}: translate {captions_display(config, video)} "
                                 "cue by cue"))
        if mine is not None and english is not None:
            problems += [diag(display, p.line, 0, p.code, p.message)
                         for p in timing_mismatches(english, mine)]
            ctx = context(doc.id)
            english_display = captions_display(config, video)
            if len(english.cues) == len(mine.cues):
                for theirs, cue in zip(english.cues, mine.cues):
                    info = UnitInfo(None, False, f"{english_display}:{theirs.text_line}")
                    problems += [diag(display, cue.text_line, 0, code, printable(message),
                                      source_ref=info.source_ref)
                                 for code, message in checks.check_pair(
                                     Pair(theirs.text, cue.text, info), ctx)]
            whole = " ".join(cue.text.replace("\n", " ") for cue in mine.cues)
            foreign = language.foreign_sentence(whole, locale) if whole else None
            if foreign is not None:
                problems.append(diag(display, mine.cues[0].line, 0, "E513",
                                     f"{foreign[0]!r} reads as {foreign[1]!r}, not "
                                     f"{ctx.language!r}"))
        result.problems += problems
        if data is not None and not any(CODES[d.code].default_severity == "error"
                                        for d in problems):
            result.ready[video.captions] = data
    return result
