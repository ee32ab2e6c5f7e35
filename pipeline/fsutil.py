"""Atomic file writes and run locks: a reader or a crash never sees half a file."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from .config import UsageError
from .diagnostics import Diagnostic, diag
from .textunits import printable


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


@contextmanager
def exclusive(lock_path: Path, doing: str = "using this folder", shown: str | None = None
              ) -> Iterator[None]:
    """Hold an OS-level lock for the duration; fail at once rather than queue behind a run.

    The kernel releases the lock when the process dies, so a killed run never leaves a stale
    lock behind. A lock file that is a link is refused: locking would follow it.
    """
    name = shown or str(lock_path)
    if lock_path.is_symlink():
        raise UsageError(f"{name} is a link; remove it and run again", "E011")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(lock_path), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise UsageError(f"another pipeline run is {doing} ({name}); wait for it to finish",
                         "E411") from None
    except OSError as exc:
        raise UsageError(f"cannot lock {name}: {exc.strerror or exc}", "E011") from None
    try:
        yield
    finally:
        lock.release()


class FileSystemError(Exception):
    """A file or folder the run needs cannot be read, written or locked (disk full, a
    read-only file system, permission denied, not a regular file): a located E013 with exit
    status 1, never a traceback. The state is left as it was, so the run can be repeated."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.format())
        self.diagnostic = diagnostic


def fs_error(shown: str, exc: OSError, doing: str) -> FileSystemError:
    """The E013 for an OSError met while `doing` something to the file shown as `shown`."""
    reason = exc.strerror or type(exc).__name__
    return FileSystemError(diag(shown, 0, 0, "E013", printable(f"cannot {doing}: {reason}")))
