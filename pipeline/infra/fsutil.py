"""Atomic file writes, bounded reads of regular files, and run locks: a reader or a crash
never sees half a file, a named pipe or a device never stalls a run, and a file-system fault
(disk full, read-only, permission denied) is a located E013, never a traceback."""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from pipeline.content.textunits import printable
from pipeline.core.config import UsageError
from pipeline.core.diagnostics import Diagnostic, diag

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


def write_atomic(path: Path, data: bytes | str, shown: str | None = None) -> None:
    """Write to a temporary file in the same folder, fsync, then rename over the target: a
    reader or a crash sees the old file or the new one, never half of one.

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
