"""Which files changed since a build recorded them, mostly without reading them.

A build records each file's size, modification time and inode next to its sha256. A file
whose record still matches is taken as unchanged, as git's index does; it is read and hashed
again only when its record differs, or when it was recorded so soon after its last change
that a second change within the same clock tick could hide (a "racily clean" file).
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from pipeline.core.files import open_regular

# Some filesystems keep modification times to the second, or two: a file changed this close
# to when it was recorded is never trusted by its record.
RACY_NS = 2_000_000_000
_CHUNK = 1 << 20


def now_ns() -> int:
    return time.time_ns()


def walk(folder: Path, skip: frozenset[str] = frozenset()) -> Iterator[tuple[str, str]]:
    """(path relative to `folder` in POSIX form, full path) of every file under it, in a
    stable order (a folder's files, then each of its folders), links to files included and
    links to folders not followed. Folders and files named in `skip` are left out. Read with
    scandir, whose entries know their type: a build with nothing to do looks at thousands of
    files, and a second stat of each, or pathlib, would cost more than the kernel's work."""
    yield from _walk(os.fspath(folder), "", skip)


def _walk(top: str, prefix: str, skip: frozenset[str]) -> Iterator[tuple[str, str]]:
    try:
        with os.scandir(top) as listing:
            entries = sorted((e for e in listing if e.name not in skip), key=lambda e: e.name)
    except OSError:  # a folder that vanished or cannot be read has no files to give
        return
    folders = []
    for entry in entries:
        try:
            if entry.is_dir():
                if not entry.is_symlink():
                    folders.append(entry)
            elif entry.is_file():
                yield prefix + entry.name, entry.path
        except OSError:
            continue
    for entry in folders:
        yield from _walk(entry.path, prefix + entry.name + "/", skip)


def stamp(path: str | Path, *, changes: bool = True) -> list[int]:
    """What is compared: size, modification time, inode, and (for inputs) the change time,
    which no tool can set back. Outputs leave it out: linking a file into the next build
    updates it."""
    st = os.stat(path)
    found = [st.st_size, st.st_mtime_ns, st.st_ino]
    return [*found, st.st_ctime_ns] if changes else found


def sha_of(path: str | Path) -> str:
    """The sha256 of a regular file's bytes, read in pieces (memory stays bounded whatever its
    size); a named pipe or a device is refused (fsutil.NotRegularFile), never waited on."""
    digest = hashlib.sha256()
    with open_regular(path) as (fd, _):
        while chunk := os.read(fd, _CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def digests(files: Iterable[tuple[str, str | Path]], known: Mapping[str, Any], recorded_ns: int
            ) -> dict[str, list[Any]]:
    """[*stamp, sha256] of each input file by name, reusing `known` (the previous record,
    made at `recorded_ns`) for files whose stamp has not changed since."""
    found: dict[str, list[Any]] = {}
    for name, path in files:
        current = stamp(path)
        old = known.get(name)
        if (isinstance(old, list) and old[:-1] == current
                and max(current[1], current[3]) < recorded_ns - RACY_NS):
            found[name] = old
        else:
            found[name] = [*current, sha_of(path)]
    return found


def unchanged_output(path: str | Path, recorded: Any) -> bool:
    """Whether an output still has the stamp it was recorded with."""
    try:
        return isinstance(recorded, list) and stamp(path, changes=False) == recorded
    except OSError:
        return False


def intact(path: str | Path, recorded: Any, sha256: Any) -> bool:
    """Whether an output is as a build left it: by its stamp, or else by its bytes (a file
    copied or touched since keeps its content)."""
    try:
        return unchanged_output(path, recorded) or sha_of(path) == sha256
    except OSError:
        return False
