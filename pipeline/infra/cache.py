"""A keyed on-disk store of per-file results, so a run redoes only the work whose inputs changed.

Results live in `.pipeline-cache/<fingerprint>/<namespace>.pack` at the project root: one
file per namespace (the source documents, the templates, a locale's catalogs…) holding, for
each file a result belongs to, the hash of its inputs and the result. A run reads a pack once
and writes it once (`save`), so a cold run of two thousand documents makes a handful of files,
not thousands. The fingerprint covers the pipeline's own code, the libraries it uses and the
configuration, so a result made by other code or settings is never read. A missing, unreadable
or foreign pack or entry is a miss, never an error, and deleting the folder is always safe.

The folder sits inside a project that others can write to (a commit, a pull request, a copied
checkout), so nothing in it is trusted: every pack is signed with a key that lives outside
the project, in the user's own cache folder (`secret_key`), and a pack whose signature does
not match is empty; a signed result is then decoded by an unpickler that builds only the
pipeline's own data classes and a few plain types, never a function or another module's
class (`_DataUnpickler`). `PIPELINE_NO_CACHE=1` turns the store off.

The same folder holds the locks of the commands that write (`run_lock`), so a content
repository gets no file it has to ignore; they are taken whether or not the store is on.
"""

from __future__ import annotations

import dataclasses
import errno
import functools
import hashlib
import hmac
import importlib
import io
import os
import pickle
import secrets
import shutil
import stat
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from pipeline import __version__
from pipeline.core.config import Config
from pipeline.core.environment import Environment
from pipeline.core.files import FileSystemError
from pipeline.infra.fsutil import exclusive, write_atomic

FOLDER = ".pipeline-cache"
KEY_BYTES = 32
# Tells git (and backup tools, by the CACHEDIR.TAG convention) that the folder is not content.
_IGNORE = {".gitignore": "# Local results of exercise-content-pipeline: never commit.\n*\n",
           "CACHEDIR.TAG": "Signature: 8a477f597d28d172789f06886806bc55\n"
                           "# Local results of exercise-content-pipeline; safe to delete.\n"}
LIBRARIES = ("pydantic", "pydantic-core", "polib", "babel", "lingua-language-detector",
             "markdown-it-py", "pyyaml", "rapidfuzz")


def sha(*parts: bytes | str) -> str:
    """One hash of several inputs (each length-prefixed, so no two lists collide)."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


@functools.cache
def code_fingerprint() -> str:
    """The pipeline's own code: a result made by different code is never reused, even when
    the version number was not bumped."""
    package = Path(__file__).parents[1]
    files = sorted([*package.rglob("*.py"), *package.glob("templates/*")])
    return sha(*(p.relative_to(package).as_posix().encode() + b"\0" + p.read_bytes()
                 for p in files if p.is_file()))


@functools.cache
def library_versions() -> str:
    """Python's version, the pipeline's and each library's (one look through the installed
    distributions: asking for each by name scans the path once per library)."""
    wanted = {_normal(name) for name in LIBRARIES}
    found: dict[str, str] = {}
    for dist in metadata.distributions():
        name = _normal(dist.name or "")
        if name in wanted and name not in found:
            found[name] = f"{name} {dist.version}"
    return "\0".join([sys.version, __version__,
                      *(found.get(_normal(name), name) for name in LIBRARIES)])


def _normal(name: str) -> str:
    """A distribution's name as packaging compares them (PEP 503)."""
    return name.lower().replace("_", "-").replace(".", "-")


def _write(path: Path, data: bytes) -> None:
    """An entry, written atomically but not synced (`fsutil.write_atomic`)."""
    write_atomic(path, data, sync=False)


def settings(config: Config) -> str:
    """The configuration results depend on, with folders relative to the project: a project
    moved or cloned elsewhere keeps its store (entries still name the files they are for)."""
    values = []
    for item in dataclasses.fields(config):
        if item.repr:
            value = getattr(config, item.name)
            if isinstance(value, Path):
                value = os.path.relpath(value, config.root)
            values.append((item.name, value))
    return repr(values)


def key_path(environment: Environment) -> Path:
    """Where the signing key lives: the user's cache folder, outside every project."""
    return environment.key_folder() / "signing-key"


@functools.cache
def secret_key(environment: Environment) -> bytes | None:
    """The user's signing key, made on first use (mode 0600). None when it cannot be read or
    made: nothing is then stored or read back, and runs simply redo their work. A key file
    that is a link, not a regular file, not the user's own or readable by others is not
    used."""
    path = key_path(environment)
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as fh:
                fh.write(secrets.token_bytes(KEY_BYTES))
                fh.flush()
                os.fsync(fh.fileno())
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as fh:
            info = os.fstat(fh.fileno())
            if (not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid()
                    or info.st_mode & 0o077):
                return None
            key = fh.read(KEY_BYTES + 1)
    except OSError:
        return None
    return key if len(key) == KEY_BYTES else None


def sign(key: bytes, data: bytes) -> bytes:
    return hmac.new(key, data, hashlib.sha256).digest()


def signed(key: bytes, data: bytes) -> bytes:
    """The bytes to store: signature, then data."""
    return sign(key, data) + data


def verified(key: bytes, stored: bytes) -> bytes | None:
    """The data of stored bytes whose signature is this key's, else None."""
    mac, data = stored[:32], stored[32:]
    return data if len(mac) == 32 and hmac.compare_digest(mac, sign(key, data)) else None


_PLAIN = {("datetime", "date"), ("datetime", "datetime"), ("datetime", "timedelta"),
          ("datetime", "timezone"), ("pathlib", "PosixPath"), ("pathlib", "PurePosixPath"),
          ("collections", "Counter"), ("builtins", "set"), ("builtins", "frozenset"),
          # Rebuilds a Progress from plain numbers (its compact pickled form).
          ("pipeline.gettext.stats", "_progress")}


def _data_class(obj: Any) -> bool:
    """A class whose construction only stores values: a dataclass, a pydantic model (which
    validates what it is given) or a named tuple."""
    from pydantic import BaseModel

    return isinstance(obj, type) and (
        dataclasses.is_dataclass(obj) or issubclass(obj, BaseModel)
        or (issubclass(obj, tuple) and hasattr(obj, "_fields")))


@functools.cache
def _allowed(module: str, name: str) -> Any:
    """The class a stored result may name (looked up once per run), or UnpicklingError."""
    if (module, name) in _PLAIN:
        return getattr(importlib.import_module(module), name)
    if module.startswith("pipeline.") and "." not in name:
        found = getattr(importlib.import_module(module), name, None)
        if _data_class(found):
            return found
    raise pickle.UnpicklingError(f"{module}.{name} is not data")


class _DataUnpickler(pickle.Unpickler):
    """Builds plain values and the pipeline's own data classes only. A pickle names the
    callables it runs; refusing every other name means a forged entry can build data, never
    call a function (`os.system`, a pipeline writer) or construct another module's class."""

    def find_class(self, module: str, name: str) -> Any:
        return _allowed(module, name)


def loads(data: bytes) -> Any:
    """Decode bytes made by `dumps`, building only data (see `_DataUnpickler`)."""
    return _DataUnpickler(io.BytesIO(data)).load()


def dumps(value: Any) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


@dataclass
class Stats:
    """Hits and misses by namespace: what a run reused and what it redid."""

    hits: Counter[str] = field(default_factory=Counter)
    misses: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        names = sorted(set(self.hits) | set(self.misses))
        return ", ".join(f"{n} {self.hits[n]} hit/{self.misses[n]} miss" for n in names)


# A pack larger than this is not read (a store is a few megabytes at ten thousand files).
MAX_PACK_BYTES = 512 * 1024 * 1024
PACK = ".pack"
# A namespace's entries: file name → (hash of the inputs, pickled result).
_Pack = dict[str, tuple[str, bytes]]


class Cache:
    """Per-file results of one project, for one version of the code and configuration.

    Results given to `put` are kept in memory and written by `save`, one pack per namespace
    changed; each stage that stores results saves before it returns."""

    def __init__(self, config: Config, *, enabled: bool | None = None) -> None:
        environment = config.environment
        self.enabled = not environment.cache_off if enabled is None else enabled
        self.key = secret_key(environment) if self.enabled else None
        self.enabled = self.key is not None
        self.base = config.root / FOLDER
        self.folder = self.base / sha(code_fingerprint(), library_versions(),
                                      settings(config))[:32]
        self.stats = Stats()
        self._used: dict[str, set[str]] = {}
        self._packs: dict[str, _Pack] = {}
        self._changed: set[str] = set()
        self._pruned: set[str] = set()
        self._cleaned = False

    def _pack(self, namespace: str) -> _Pack:
        """A namespace's entries as stored, read on first use: empty when missing, not a
        regular file, too large, unsigned by this user's key or not entries."""
        found = self._packs.get(namespace)
        if found is not None:
            return found
        pack: _Pack = {}
        if self.key is not None:
            try:
                fd = os.open(self.folder / (namespace + PACK),
                             os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
                with os.fdopen(fd, "rb") as fh:
                    info = os.fstat(fh.fileno())
                    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_PACK_BYTES:
                        raise OSError("not a regular file of a reasonable size")
                    data = verified(self.key, fh.read())
                stored = loads(data) if data is not None else None
            except Exception:  # missing, truncated, unsigned or foreign: nothing reused
                stored = None
            if isinstance(stored, dict):
                pack = {name: entry for name, entry in stored.items()
                        if isinstance(name, str) and isinstance(entry, tuple)
                        and len(entry) == 2 and isinstance(entry[0], str)
                        and isinstance(entry[1], bytes)}
        self._packs[namespace] = pack
        return pack

    def get(self, namespace: str, name: str, key: str) -> Any | None:
        """The stored result for `name` if it was made from inputs hashing to `key`."""
        self._used.setdefault(namespace, set()).add(name)
        entry = self._pack(namespace).get(name) if self.key is not None else None
        stored = None
        if entry is not None and entry[0] == key:
            try:
                stored = loads(entry[1])
            except Exception:  # written by a pipeline that is not this one: recomputed
                stored = None
        if stored is not None:
            self.stats.hits[namespace] += 1
            return stored
        self.stats.misses[namespace] += 1
        return None

    def put(self, namespace: str, name: str, key: str, value: Any) -> None:
        """Keep a result for `save` (None is not kept: it reads back as a miss)."""
        self._used.setdefault(namespace, set()).add(name)
        if self.key is None or value is None:
            return
        try:
            self._pack(namespace)[name] = (key, dumps(value))
        except (pickle.PicklingError, TypeError, AttributeError):
            return  # not data: the next run recomputes it
        self._changed.add(namespace)

    def prune(self, namespace: str, keep: Iterable[str] = ()) -> None:
        """Drop the entries of a namespace not asked for in this run (files that are gone),
        when it is saved."""
        self._used.setdefault(namespace, set()).update(keep)
        self._pruned.add(namespace)

    def save(self) -> None:
        """Write every namespace this run changed or pruned, each pack atomically (a run
        killed meanwhile leaves the old pack or the new one). A store that cannot be
        written only makes the next run slower."""
        if self.key is None:
            return
        for namespace in sorted(self._changed | self._pruned):
            pack = self._pack(namespace)
            if namespace in self._pruned:
                used = self._used.get(namespace, set())
                kept = {name: entry for name, entry in pack.items() if name in used}
                if len(kept) == len(pack) and namespace not in self._changed:
                    continue
                pack = self._packs[namespace] = kept
            self._drop_other_versions()
            try:
                _write(self.folder / (namespace + PACK), signed(self.key, dumps(pack)))
            except (OSError, FileSystemError):
                pass
        self._changed.clear()
        self._pruned.clear()

    def _drop_other_versions(self) -> None:
        """Results of other code or settings are never read again: remove them (bounded).
        The files that keep the folder out of version control are written here too."""
        if self._cleaned:
            return
        self._cleaned = True
        mark_local(self.base)
        try:
            others = [p for p in self.base.iterdir()
                      if p != self.folder and p.name not in _IGNORE and p.name not in KEEP]
        except OSError:
            return
        for other in others:
            if other.is_dir() and not other.is_symlink():
                shutil.rmtree(other, ignore_errors=True)
            else:
                other.unlink(missing_ok=True)


# The locks of `build`/`preview` and of `extract`/`init`/`update` (`run_lock`).
BUILD_LOCK = "build.lock"
CATALOGS_LOCK = "catalogs.lock"
# The catalogs an `update` is writing, saved before the first of them (`stages.update`).
JOURNAL = "update-journal"
# Files of the folder that are not results of one code version (the locks, the update
# journal). A lock is never removed: another run may hold it, and a run that found the file
# gone would lock a new one and go ahead beside the holder.
KEEP = frozenset({BUILD_LOCK, CATALOGS_LOCK, JOURNAL})
# A lock that cannot be made in the folder for these reasons is taken where older versions
# kept it, if that place can be written (see `run_lock`).
_UNWRITABLE = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})


def mark_local(base: Path) -> None:
    """Make the folder and its `.gitignore`/`CACHEDIR.TAG` (never fails a run)."""
    try:
        base.mkdir(parents=True, exist_ok=True)
        for name, text in _IGNORE.items():
            target = base / name
            if not target.is_file():
                _write(target, text.encode("utf-8"))
    except (OSError, FileSystemError):
        pass


@contextmanager
def run_lock(config: Config, name: str, doing: str, beside: Path) -> Iterator[None]:
    """Hold the project's lock `name` (`fsutil.exclusive`: E411 at once when another run
    holds it, E011 for a link, E013 for a file-system fault) in `.pipeline-cache/`, which
    ignores itself, so no lock file shows in `git status`. It is made whether or not the
    store is on (`PIPELINE_NO_CACHE` skips results, not locks).

    `beside` is where older versions kept this lock (next to the build folder, in the
    locales folder). It is used only when `.pipeline-cache/` cannot be written (a read-only
    file system, permission denied): a project mounted read-only that builds into a folder
    elsewhere still gets the lock it always got there. When neither place can be written,
    the E013 names the lock in `.pipeline-cache/`. (The one case this leaves open: two runs
    that disagree on whether the project can be written, such as two users of one checkout
    with different rights writing the same build folder, take different locks.)"""
    lock = config.root / FOLDER / name
    mark_local(lock.parent)
    with ExitStack() as held:
        try:
            held.enter_context(exclusive(lock, doing, config.rel(lock)))
        except FileSystemError as exc:
            if exc.errno not in _UNWRITABLE:
                raise
            try:
                held.enter_context(exclusive(beside, doing, config.rel(beside)))
            except FileSystemError:
                raise exc from None
        yield
