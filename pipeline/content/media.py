"""Media files: each image and video an exercise names under media/ is there, is a regular
file inside that folder, and holds what its name says.

The type is read from the file's first bytes, not its name: a renamed file (an SVG, which
can carry script, saved as `.png`) would otherwise reach apps as an image. The six types
clients show have fixed signatures, so a table of them is the whole test; a general
detection library would answer for hundreds of types and still need this allow-list.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

from pydantic import BaseModel

from pipeline.content.library import LoadedDocument
from pipeline.content.textunits import DataPath, format_path
from pipeline.core.config import Config
from pipeline.core.diagnostics import Diagnostic, diag
from pipeline.core.files import FileTooLarge, open_regular, read_regular


class MediaError(ValueError):
    """A media file that cannot ship: missing, outside media/, too large, or mistyped."""


# The major brands of an ISO media file that is an AVIF image, not an MP4 video.
_AVIF = (b"avif", b"avis")
# What the first bytes of each type are.
_SIGNATURES: dict[str, Callable[[bytes], bool]] = {
    "png": lambda head: head.startswith(b"\x89PNG\r\n\x1a\n"),
    "jpg": lambda head: head.startswith(b"\xff\xd8\xff"),
    "jpeg": lambda head: head.startswith(b"\xff\xd8\xff"),
    "webp": lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP",
    "avif": lambda head: head[4:8] == b"ftyp" and head[8:12] in _AVIF,
    "mp4": lambda head: head[4:8] == b"ftyp" and head[8:12] not in _AVIF,
    "webm": lambda head: head.startswith(b"\x1a\x45\xdf\xa3") and b"webm" in head[:64],
}
_HEAD = 64


def local_media(document: BaseModel) -> Iterator[tuple[DataPath, str]]:
    """(place, path under media/) of each media file a document names that ships with the
    build (an https:// address is the web's)."""
    media = getattr(document, "media", None)
    if media is None:
        return
    for at, image in enumerate(media.images):
        yield ("media", "images", at, "src"), image.src
    video = media.video
    if video is not None:
        yield ("media", "video", "src"), video.src
        if video.poster is not None:
            yield ("media", "video", "poster"), video.poster


def read_media(config: Config, name: str, *, whole: bool = True) -> bytes:
    """The bytes of a media file, checked: MediaError says why it cannot ship. `whole`
    False reads only what the checks need (its size is still held to the limit)."""
    if name.startswith("https://"):
        raise MediaError(f"{name!r} is on the web, not under {config.media_folder}/")
    folder = config.media_dir
    path = folder / name
    try:
        if not os.path.realpath(path).startswith(os.path.realpath(folder) + os.sep):
            raise MediaError(f"{config.media_folder}/{name} leads outside "
                             f"{config.media_folder}/")
        if whole:
            data = read_regular(path, config.max_media_bytes)
        else:
            with open_regular(path) as (fd, status):
                if status.st_size > config.max_media_bytes:
                    raise FileTooLarge(path, status.st_size, config.max_media_bytes)
                data = os.read(fd, _HEAD)
    except FileTooLarge as exc:
        raise MediaError(f"{config.media_folder}/{name} is {exc.size:,} bytes; the limit "
                         f"(max_media_bytes) is {exc.limit:,}") from None
    except FileNotFoundError:
        raise MediaError(f"{config.media_folder}/{name} does not exist") from None
    except (OSError, RuntimeError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise MediaError(f"{config.media_folder}/{name} cannot be read: {reason}") from None
    kind = name.rpartition(".")[2]
    if not _SIGNATURES[kind](data[:_HEAD]):
        raise MediaError(f"{config.media_folder}/{name} does not hold a .{kind} file "
                         "(its first bytes say otherwise)")
    return data


def media_problems(doc: LoadedDocument, config: Config) -> list[Diagnostic]:
    """E211 for each media file of the document that cannot ship."""
    problems: list[Diagnostic] = []
    for path, name in local_media(doc.model):
        try:
            read_media(config, name, whole=False)
        except MediaError as exc:
            line, col = doc.source.where(path)
            problems.append(diag(doc.source.display, line, col, "E211",
                                 f"{format_path(path)}: {exc}"))
    return problems
