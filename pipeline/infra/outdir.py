"""Output folders the tool owns (`build/`, the preview site): assembled aside, swapped in whole.

The tool replaces or deletes only a folder it can prove it created: every output folder holds
a marker file the tool wrote when it made the folder, and a folder without one is refused
(E602), as is a folder inside the source or locales folders or one that holds them. The new
folder is exchanged with the old one in a single `renameat2(RENAME_EXCHANGE)`, so there is no
moment without the folder, whatever kills the run; where the file system cannot exchange, two
renames are used and `recover` puts the previous folder back. An output folder reached
through a link (a deploy target) is replaced where the link leads, and the link is kept.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import secrets
import shutil
from pathlib import Path
from typing import Any

from pipeline.core.config import Config, UsageError
from pipeline.core.files import fs_error
from pipeline.core.text import printable

MARKER = ".pipeline-output"
GENERATOR = "exercise-content-pipeline"
_AT_FDCWD = -100
_RENAME_NOREPLACE = 1
_RENAME_EXCHANGE = 2


def _renameat2() -> Any:
    try:
        func = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return None
    func.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    func.restype = ctypes.c_int
    return func


_RENAME2 = _renameat2()


def _rename2(src: Path, dst: Path, flags: int) -> bool:
    """One atomic rename with Linux's flags; False where the system or file system cannot."""
    if _RENAME2 is None:
        return False
    if _RENAME2(_AT_FDCWD, os.fsencode(src), _AT_FDCWD, os.fsencode(dst), flags) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), os.fspath(dst))


def marker_text(kind: str) -> str:
    return json.dumps({"generator": GENERATOR, "kind": kind}) + "\n"


def owned(folder: Path, kind: str) -> bool:
    """Whether `folder` is an output folder of this kind that the tool made (its marker)."""
    try:
        with open(folder / MARKER, encoding="utf-8") as fh:
            data = json.loads(fh.read(4096))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("generator") == GENERATOR and (
        data.get("kind") == kind)


def _legacy_build(folder: Path) -> bool:
    """A build written before folders carried a marker: its manifest names this tool and its
    build record sits beside it."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return ((folder / ".cache.json").is_file() and isinstance(manifest, dict)
            and str(manifest.get("generator", "")).startswith(GENERATOR))


def _empty(folder: Path) -> bool:
    try:
        return not any(os.scandir(folder))
    except OSError:
        return False


def _inside_build(real: Path) -> bool:
    """The preview's place in a build folder the tool made (`build/preview`), where older
    versions wrote it without a marker."""
    parent = real.parent
    return real.name == "preview" and (owned(parent, "build") or _legacy_build(parent))


def resolve_output(config: Config, folder: Path, kind: str) -> Path:
    """Where an output folder really is (through a link), after refusing what the tool must
    not replace: a folder inside the source, locales or schema folders, one that holds any
    of them (the project root, `source/..`), an existing folder the tool did not create
    (an empty one is taken), and anything that is not a folder."""
    shown = config.rel(folder)
    real = folder.resolve()
    protected = [config.source_dir, config.locales_dir, config.schema_dir,
                 config.root / "pyproject.toml"]
    for path in protected:
        kept = path.resolve()
        if real == kept or real.is_relative_to(kept) or kept.is_relative_to(real):
            raise UsageError(
                f"'{shown}/' cannot be an output folder: it "
                f"{'holds' if kept.is_relative_to(real) and real != kept else 'is inside'} "
                f"{config.rel(path)}; choose a folder of its own", "E602")
    if real.exists() or real.is_symlink():
        if not real.is_dir():
            raise UsageError(f"'{shown}' exists and is not a folder; refused", "E602")
        if not (owned(real, kind) or _empty(real) or (kind == "build" and _legacy_build(real))
                or _inside_build(real)):
            raise UsageError(
                f"'{shown}/' was not created by this tool (it has no {MARKER} marker), so it "
                "will not be replaced; choose another folder, or empty it yourself", "E602")
    return real


def stage(real: Path, kind: str) -> Path:
    """A new, marked folder next to `real`, to assemble the output in."""
    try:
        real.parent.mkdir(parents=True, exist_ok=True)
        staged = real.parent / f".{real.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}"
        staged.mkdir()
        try:
            (staged / MARKER).write_text(marker_text(kind), encoding="utf-8")
        except OSError:
            discard(staged, kind)  # just made, holding at most a cut-short marker
            raise
    except OSError as exc:
        raise fs_error(printable(str(real.parent)), exc, "create the output folder") from None
    return staged


def swap(staged: Path, real: Path, kind: str) -> None:
    """Put the assembled folder in place of the old one, then remove the old one. With an
    exchange there is no moment without the folder; otherwise `recover` finishes the job."""
    try:
        if real.exists():
            if not _rename2(staged, real, _RENAME_EXCHANGE):
                old = real.parent / f".{real.name}.old-{os.getpid()}-{secrets.token_hex(4)}"
                os.replace(real, old)
                try:
                    os.replace(staged, real)
                except BaseException:
                    os.replace(old, real)
                    raise
                staged = old
            remove(staged, kind)  # the previous folder, now at the staging name
        elif not _rename2(staged, real, _RENAME_NOREPLACE):
            os.rename(staged, real)
    except OSError as exc:
        raise fs_error(printable(str(real)), exc, "replace the output folder") from None


def discard(folder: Path, kind: str) -> None:
    """`remove` on the way out of a failed or interrupted run: what cannot be removed now is
    removed by the next run's `recover`, and the run's own error is the one reported."""
    try:
        remove(folder, kind)
    except OSError:
        pass


def ensure(real: Path, kind: str) -> None:
    """Create an output folder (marked as the tool's) that another output is written into,
    such as `build/` for the preview site, unless it exists."""
    if real.exists() or real.is_symlink():
        return
    try:
        real.mkdir(parents=True)
        (real / MARKER).write_text(marker_text(kind), encoding="utf-8")
    except OSError as exc:
        raise fs_error(printable(str(real)), exc, "create the output folder") from None


def remove(folder: Path, kind: str) -> None:
    """Delete an output folder the tool made: everything but the marker first, the marker
    last, so a deletion cut short is still recognised as the tool's and finished later. A
    folder without the marker is left alone unless it is empty."""
    if folder.is_symlink() or not folder.is_dir():
        return
    if not (owned(folder, kind) or (kind == "build" and _legacy_build(folder))):
        # Empty, or holding only a marker a kill cut short: a staging folder the tool had
        # just made (nothing else is written into one before its marker is complete).
        names = [entry.name for entry in os.scandir(folder)]
        if names == [MARKER] and (folder / MARKER).is_file():
            (folder / MARKER).unlink()
            names = []
        if not names:
            folder.rmdir()
        return
    for entry in os.scandir(folder):
        if entry.name == MARKER:
            continue
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path)
        else:
            os.unlink(entry.path)
    (folder / MARKER).unlink(missing_ok=True)
    folder.rmdir()


def recover(real: Path, kind: str) -> None:
    """Undo what an interrupted swap or assembly left next to `real` (under the output lock):
    a previous folder set aside with no folder in its place is put back; staging folders
    and old folders are removed, but only those the tool marked as its own."""
    parent = real.parent
    try:
        olds = sorted((p for p in parent.glob(f".{real.name}.old-*") if owned(p, kind)),
                      key=lambda p: p.stat().st_mtime_ns)
        if olds and not real.exists() and not real.is_symlink():
            os.replace(olds[-1], real)
            olds = olds[:-1]
        for leftover in [*olds, *parent.glob(f".{real.name}.tmp-*")]:
            remove(leftover, kind)
    except OSError as exc:
        raise fs_error(printable(str(parent)), exc, "clean up an interrupted run") from None
