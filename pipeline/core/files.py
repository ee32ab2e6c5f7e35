"""Bounded reads of regular files, and file-system faults as diagnostics: a named pipe or a
device never stalls a run, a file never grows past its limit while read, and a fault (disk
full, read-only, permission denied) is a located E013, never a traceback."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.core.diagnostics import Diagnostic, diag
from pipeline.core.text import printable

# Above any file the tool compares with what it would write (a catalog is refused at 10 MB):
# a larger one is simply "changed", and is never read whole.
MAX_COMPARED_BYTES = 64 * 1024 * 1024
_CHUNK = 1 << 20
_KINDS = {stat.S_IFDIR: "a folder", stat.S_IFIFO: "a named pipe",
          stat.S_IFCHR: "a device", stat.S_IFBLK: "a device", stat.S_IFSOCK: "a socket"}


class NotRegularFile(OSError):
    """A path to read is a named pipe, a device, a socket or a folder: reading a pipe or a
    device could wait forever or never end, so only regular files are read."""

    def __init__(self, path: str | Path, mode: int) -> None:
        kind = _KINDS.get(stat.S_IFMT(mode), "not a file")
        super().__init__(errno.EINVAL, f"not a regular file ({kind})", os.fspath(path))


class FileTooLarge(OSError):
    """A file is larger than the limit its reader allows: refused from its size (or from
    what it held when read, should it have grown since), so memory stays bounded."""

    def __init__(self, path: str | Path, size: int, limit: int) -> None:
        super().__init__(errno.EFBIG, f"file is {size:,} bytes; the limit is {limit:,}",
                         os.fspath(path))
        self.size, self.limit = size, limit


@contextmanager
def open_regular(path: str | Path) -> Iterator[tuple[int, os.stat_result]]:
    """(descriptor, status) of a regular file opened for reading, or NotRegularFile.

    The file is opened without waiting (O_NONBLOCK: opening a named pipe with no writer
    would block) and the check is made on the open descriptor, so what is checked is what is
    read, even if the name is replaced in between."""
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # a socket, or a device with no driver
            raise NotRegularFile(path, os.stat(path).st_mode) from None
        raise
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise NotRegularFile(path, status.st_mode)
        yield fd, status
    finally:
        os.close(fd)


def read_regular(path: str | Path, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most `max_bytes`: NotRegularFile, FileTooLarge or
    the OSError of the read otherwise. Never reads more than `max_bytes` + 1 bytes."""
    with open_regular(path) as (fd, status):
        if status.st_size > max_bytes:
            raise FileTooLarge(path, status.st_size, max_bytes)
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(max_bytes + 1 - total, _CHUNK))
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:  # it grew since its size was read
                raise FileTooLarge(path, total, max_bytes)


def read_text_or_none(path: Path, max_bytes: int = MAX_COMPARED_BYTES) -> str | None:
    """A file's UTF-8 text, or None when it is missing, unreadable, not a regular file or
    larger than `max_bytes` (compared as 'changed')."""
    try:
        return read_regular(path, max_bytes).decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


class FileSystemError(Exception):
    """A file or folder the run needs cannot be read, written or locked (disk full, a
    read-only file system, permission denied, not a regular file): a located E013 with exit
    status 1, never a traceback. The state is left as it was, so the run can be repeated."""

    def __init__(self, diagnostic: Diagnostic, error_number: int | None = None) -> None:
        super().__init__(diagnostic.format())
        self.diagnostic = diagnostic
        # The system's error number (EROFS, ENOSPC, ...), for a caller that can do otherwise.
        self.errno = error_number


def fs_error(shown: str, exc: OSError, doing: str) -> FileSystemError:
    """The E013 for an OSError met while `doing` something to the file shown as `shown`."""
    reason = exc.strerror or type(exc).__name__
    return FileSystemError(diag(shown, 0, 0, "E013", printable(f"cannot {doing}: {reason}")),
                           exc.errno)


def digest(data: bytes) -> str:
    """The sha256 of bytes, in hex: how every file, output and catalog snapshot is known."""
    return hashlib.sha256(data).hexdigest()
