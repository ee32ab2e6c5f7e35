"""Atomic file writes and run locks: a reader or a crash never sees half a file, and two runs
that would write the same files never run at once."""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from pipeline.core.config import UsageError
from pipeline.core.files import fs_error, read_regular
from pipeline.core.text import printable


def _umasked_or_kept(path: Path) -> os.stat_result | None:
    """The status of the regular file a write replaces (its mode and owner are kept), or None
    for a new file (or a link or anything else in the way), which follows the umask."""
    try:
        found = os.lstat(path)
    except OSError:
        return None
    return found if stat.S_ISREG(found.st_mode) else None


def _keep_owner_and_mode(fd: int, old: os.stat_result) -> None:
    """Give the new file the replaced file's owner and group (where this user may: root, or
    a group the user is in) and then its mode (a change of owner clears set-id bits)."""
    now = os.fstat(fd)
    uid = old.st_uid if os.geteuid() == 0 else -1
    if (uid != -1 and uid != now.st_uid) or old.st_gid != now.st_gid:
        try:
            os.fchown(fd, uid, old.st_gid)
        except OSError:
            pass  # not permitted: the file is this user's, as any new file would be
    os.fchmod(fd, stat.S_IMODE(old.st_mode))


def _temporary(path: Path, mode: int) -> tuple[int, Path]:
    """A new file next to `path`, named `.<name>.<random>.tmp` (never read as a catalog, and
    removed as debris under the catalogs' lock)."""
    for _ in range(100):
        tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
        try:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | os.O_NOFOLLOW
            return os.open(tmp, flags, mode), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary file name", os.fspath(path))


def write_atomic(path: Path, data: bytes | str, shown: str | None = None, *,
                 sync: bool = True) -> None:
    """Write to a temporary file in the same folder, fsync, then rename over the target: a
    reader or a crash sees the old file or the new one, never half of one. Without `sync`
    the data is not waited onto the disk first (for cache entries: thousands of them would
    each wait, and one a crash leaves incomplete only reads as a miss).

    A replaced file keeps its mode (and, where permitted, its owner and group); a new file
    gets the mode `open(path, "w")` would give it (0666 less the umask). Any OSError
    (disk full, read-only file system, an immutable file) is raised as FileSystemError
    located at `shown` (default: the path), with the temporary file removed and the
    target as it was."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    where = shown or printable(str(path))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise fs_error(where, exc, "create its folder") from None
    old = _umasked_or_kept(path)
    tmp: Path | None = None
    try:
        # A replaced file's mode is applied below; until then only its owner can read.
        fd, tmp = _temporary(path, 0o600 if old is not None else 0o666)
        try:
            if old is not None:
                _keep_owner_and_mode(fd, old)
            view = memoryview(payload)
            while view:
                view = view[os.write(fd, view):]
            if sync:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException as exc:
        if tmp is not None:
            try:
                tmp.unlink(missing_ok=True)
            except OSError:
                pass
        if isinstance(exc, OSError):
            raise fs_error(where, exc, "write") from None
        raise


def write_if_changed(path: Path, data: bytes | str, shown: str | None = None) -> bool:
    """Write only when the content differs, so unchanged files keep their timestamps."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        if read_regular(path, len(payload)) == payload:
            return False
    except OSError:
        pass  # missing, too large, not a regular file, unreadable: replaced
    write_atomic(path, payload, shown)
    return True


@contextmanager
def exclusive(lock_path: Path, doing: str = "using this folder", shown: str | None = None
              ) -> Iterator[None]:
    """Hold an OS-level lock for the duration; fail at once rather than queue behind a run.

    The kernel releases the lock when the process dies, so a killed run never leaves a stale
    lock behind. A lock file that is a link is refused (E011): locking would follow it. A
    lock that cannot be created or opened (read-only file system, permission denied, disk
    full) is a file-system fault (E013), not a question of trust.
    """
    name = shown or printable(str(lock_path))
    if lock_path.is_symlink():
        raise UsageError(f"{name} is a link; remove it and run again", "E011")
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise fs_error(name, exc, "create the lock's folder") from None
    lock = FileLock(str(lock_path), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise UsageError(f"another pipeline run is {doing} ({name}); wait for it to finish",
                         "E411") from None
    except OSError as exc:
        if lock_path.is_symlink():  # made a link since the check above
            raise UsageError(f"{name} is a link; remove it and run again", "E011") from None
        raise fs_error(name, exc, "lock") from None
    try:
        yield
    finally:
        lock.release()


