"""WebVTT captions: read strictly, cue by cue, with the line of each.

Captions are plain text at times: a `WEBVTT` line, then cues (an optional identifier, a
timing line `00:00:01.000 --> 00:00:04.000`, one or more lines of text) and `NOTE` comments,
separated by blank lines. Cue settings, cue tags (`<b>`, `<v Name>`), STYLE and REGION
blocks are refused (E420): where and how captions show is the player's business, and text a
player could read as markup is where a translation could carry some. A lenient reader
(webvtt-py, browsers) skips a block it cannot read and plays the rest; this one reports it,
so every file that ships plays every cue it holds.
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass

from pipeline.content.language import foreign_sentence
from pipeline.content.library import LoadedDocument
from pipeline.content.models import Video
from pipeline.core.config import Config
from pipeline.core.diagnostics import Diagnostic, diag
from pipeline.core.files import FileTooLarge, read_regular
from pipeline.core.text import hidden_characters, printable

# hh:mm:ss.ttt with the hours optional (and as many digits as needed), as WebVTT writes them.
_TIME = r"(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})"
_TIMING = re.compile(rf"^{_TIME}[ \t]+-->[ \t]+{_TIME}(.*)$")
_HEADER = re.compile(r"^\ufeff?WEBVTT(?:[ \t].*)?$")
# The character references WebVTT decodes in cue text.
_ENTITY = re.compile(r"&(?:amp|lt|gt|lrm|rlm|nbsp);")


@dataclass(frozen=True)
class Cue:
    line: int  # of its timing line, from 1
    start: float  # seconds
    end: float
    text: str  # its lines joined by "\n", character references decoded
    text_line: int  # the line its text starts on


@dataclass(frozen=True)
class Problem:
    line: int
    code: str
    message: str


@dataclass(frozen=True)
class Captions:
    cues: tuple[Cue, ...]
    problems: tuple[Problem, ...]


def _seconds(hours: str | None, minutes: str, seconds: str, millis: str) -> float:
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis) / 1000


def _shown(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}." \
           f"{round((seconds - whole) * 1000):03d}"


def _cue_text(lines: list[str], first: int, problems: list[Problem]) -> str:
    for at, line in enumerate(lines):
        if "<" in line:
            problems.append(Problem(first + at, "E420", f"cue tag in {printable(line)!r}: "
                                    "captions are plain text (write '<' as '&lt;')"))
        for amp in re.finditer("&", line):
            if not _ENTITY.match(line, amp.start()):
                problems.append(Problem(first + at, "E420", "write '&' as '&amp;' in a cue"))
                break
    return "\n".join(html.unescape(line) for line in lines)


def parse(text: str, duration: float | None = None) -> Captions:
    """The cues of a WebVTT text and every problem in it (E420 syntax, E421 timing, E422
    an empty cue). `duration`: the video's length in seconds; no cue may run past it."""
    problems: list[Problem] = []
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not lines or not _HEADER.match(lines[0]):
        return Captions((), (Problem(1, "E420", "the first line must be 'WEBVTT'"),))
    # Blocks: (line of their first line, their lines), split at blank lines.
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    for number, line in enumerate(lines[1:], 2):
        if line.strip():
            if not current:
                blocks.append((number, current))
            current.append(line)
        else:
            current = []
    if blocks and blocks[0][0] == 2:  # header text on the lines under WEBVTT
        problems.append(Problem(2, "E420", "leave a blank line after 'WEBVTT'"))
        blocks = blocks[1:]
    cues: list[Cue] = []
    for first, block in blocks:
        head = block[0]
        if head.startswith("NOTE") and (len(head) == 4 or head[4] in " \t"):
            if any("-->" in line for line in block):
                problems.append(Problem(first, "E420", "a NOTE may not hold '-->'"))
            continue
        if head.startswith(("STYLE", "REGION")):
            problems.append(Problem(first, "E420", f"{head.split()[0]} blocks are not "
                                    "supported: captions are plain text"))
            continue
        at = 0 if "-->" in head else 1
        timing = _TIMING.match(block[at]) if at < len(block) else None
        if timing is None:
            where = first + at if at < len(block) and "-->" in block[at] else first
            problems.append(Problem(where, "E420", "not a cue: a cue starts with a timing "
                                    "line such as '00:00:01.000 --> 00:00:04.000'"))
            continue
        where = first + at
        groups = timing.groups()
        start, end = _seconds(*groups[0:4]), _seconds(*groups[4:8])
        if groups[8].strip():
            problems.append(Problem(where, "E420", f"cue settings {groups[8].strip()!r} are not "
                                    "supported: placing captions is the player's business"))
        body = block[at + 1:]
        if any("-->" in row for row in body):
            problems.append(Problem(where, "E420", "leave a blank line between two cues"))
            continue
        cue_text = _cue_text(body, where + 1, problems)
        if not cue_text.strip():
            problems.append(Problem(where, "E422", "the cue has no text"))
        if end <= start:
            problems.append(Problem(where, "E421", f"the cue ends ({_shown(end)}) before it "
                                    f"starts ({_shown(start)})"))
        elif cues and start < cues[-1].start:
            problems.append(Problem(where, "E421", f"the cue starts ({_shown(start)}) before "
                                    f"the cue above it ({_shown(cues[-1].start)})"))
        if duration is not None and end > duration:
            problems.append(Problem(where, "E421", f"the cue ends at {_shown(end)}, after the "
                                    f"video's {duration:g} seconds"))
        cues.append(Cue(where, start, end, cue_text, where + 1))
    if not cues and not problems:
        problems.append(Problem(1, "E422", "the file holds no cue"))
    return Captions(tuple(cues), tuple(problems))


def timing_mismatches(english: Captions, translated: Captions) -> list[Problem]:
    """E423: a translation's cues must be the English's, cue for cue: the same number, at
    the same times (a translator re-times nothing; the video is the same)."""
    if len(english.cues) != len(translated.cues):
        return [Problem(1, "E423", f"{len(translated.cues)} cues, the English has "
                        f"{len(english.cues)}: translate each cue as it is")]
    return [Problem(mine.line, "E423", f"cue {at} is at {_shown(mine.start)} --> "
                    f"{_shown(mine.end)}; the English's is at {_shown(theirs.start)} --> "
                    f"{_shown(theirs.end)}")
            for at, (theirs, mine) in enumerate(zip(english.cues, translated.cues), 1)
            if (theirs.start, theirs.end) != (mine.start, mine.end)]


# A captions file is text of a few kilobytes; anything near this is not captions.
MAX_CAPTIONS_BYTES = 1_000_000


def video_of(document: object) -> Video | None:
    """The document's video, if it has one with captions."""
    media = getattr(document, "media", None)
    video = getattr(media, "video", None)
    return video if isinstance(video, Video) and video.captions is not None else None


def read_captions(config: Config, locale: str | None, video: Video
                  ) -> tuple[Captions | None, bytes | None, list[Diagnostic]]:
    """A video's captions in a locale (None: the English): the cues, the bytes they were
    read from, and the problems of the file. (None, None, []) when there is no file."""
    assert video.captions is not None
    path = config.captions_path(locale, video.captions)
    display = captions_display(config, video, locale)
    own = config.source_dir if locale is None or locale == config.source_locale \
        else config.locales_dir
    try:
        # A link leading out of its folder (the file or a folder above it) is refused, as
        # a source file's or a catalog's is.
        if not os.path.realpath(path).startswith(os.path.realpath(own) + os.sep):
            return None, None, [diag(display, 0, 0, "E011", "links outside "
                                     f"{config.rel(own)}/, to {os.path.realpath(path)!r}")]
        data = read_regular(path, MAX_CAPTIONS_BYTES)
    except FileNotFoundError:
        return None, None, []
    except FileTooLarge as exc:
        return None, None, [diag(display, 0, 0, "E007", f"file is {exc.size:,} bytes; the "
                                 f"limit for captions is {MAX_CAPTIONS_BYTES:,}")]
    except (OSError, RuntimeError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        return None, None, [diag(display, 0, 0, "E013", f"cannot read captions: {reason}")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        return None, None, [diag(display, line, 0, "E420", "not valid UTF-8")]
    found = parse(text, video.duration_seconds)
    problems = [diag(display, p.line, 0, p.code, p.message) for p in found.problems]
    for cue in found.cues:
        hidden = hidden_characters(cue.text)
        if hidden:
            problems.append(diag(display, cue.text_line, 0, "E420",
                                 f"{', '.join(hidden)} in a cue; remove it"))
    return found, data, problems


@dataclass(frozen=True)
class CaptionsText:
    """What a captions file says, all cues together, to be judged for its language once
    the run has judged every such text in one batch (`language.prefetch`)."""

    display: str
    line: int  # the first cue's
    text: str

    def language_problems(self, expected: str, code: str) -> list[Diagnostic]:
        """`code` (E301 for the English, E513 for a translation) when a sentence of the
        text clearly reads as another language than `expected`."""
        foreign = foreign_sentence(self.text, expected)
        if foreign is None:
            return []
        return [diag(self.display, self.line, 0, code,
                     f"{foreign[0]!r} reads as {foreign[1]!r}, not {expected!r}")]


def captions_text(display: str, captions: Captions) -> CaptionsText | None:
    if not captions.cues:
        return None
    return CaptionsText(display, captions.cues[0].line,
                        " ".join(c.text.replace("\n", " ") for c in captions.cues))


def english_captions(doc: LoadedDocument, config: Config
                     ) -> tuple[list[Diagnostic], CaptionsText | None]:
    """The English captions of the document's video: there (E424), valid WebVTT within the
    video's length (E420–E422); and their text, whose language (E301) is judged with every
    other's (`CaptionsText.language_problems`)."""
    video = video_of(doc.model)
    if video is None:
        return [], None
    found, _, problems = read_captions(config, None, video)
    if found is None and not problems:
        line, col = doc.source.where(("media", "video", "captions"))
        return [diag(doc.source.display, line, col, "E424",
                     f"media.video.captions: {captions_display(config, video)} does not "
                     "exist")], None
    return problems, (captions_text(captions_display(config, video), found)
                      if found is not None else None)


def captions_display(config: Config, video: Video, locale: str | None = None) -> str:
    assert video.captions is not None
    return config.rel(config.captions_path(locale, video.captions))
