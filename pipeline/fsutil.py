"""Atomic file writes and run locks: a reader or a crash never sees half a file."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write to a temporary file in the same folder, fsync, then rename over the target."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_text_or_none(path: Path) -> str | None:
    """A file's UTF-8 text, or None when it is missing or unreadable (compared as 'changed')."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def write_if_changed(path: Path, data: bytes | str) -> bool:
    """Write only when the content differs, so unchanged files keep their timestamps."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        if path.read_bytes() == payload:
            return False
    except OSError:
        pass
    write_atomic(path, payload)
    return True


class LockBusy(Exception):
    """Another run holds the lock; the caller turns this into a message naming what it guards."""


@contextmanager
def exclusive(lock_path: Path) -> Iterator[None]:
    """Hold an OS-level lock for the duration; fail at once rather than queue behind a run.

    The lock is released by the kernel when the process dies, so a killed run never leaves
    a stale lock behind.
    """
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(lock_path), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise LockBusy(str(lock_path)) from None
    try:
        yield
    finally:
        lock.release()
