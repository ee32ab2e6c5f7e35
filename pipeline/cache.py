"""A keyed on-disk store of per-file results, so a run redoes only the work whose inputs changed.

Entries live in `.pipeline-cache/<fingerprint>/<namespace>/` at the project root, one pickle
per file the result belongs to, holding the file's name, the hash of its inputs and the result.
The fingerprint covers the pipeline's own code, the libraries it uses and the configuration,
so a result made by other code or settings is never read. A missing, unreadable or foreign
entry is a miss, never an error, and deleting the folder is always safe. Only files this
module wrote into its own folder are ever unpickled. `PIPELINE_NO_CACHE=1` turns it off.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from . import __version__
from .config import Config

FOLDER = ".pipeline-cache"
ENV_OFF = "PIPELINE_NO_CACHE"
LIBRARIES = ("pydantic", "pydantic-core", "polib", "babel", "lingua-language-detector",
             "markdown-it-py", "ruamel.yaml", "rapidfuzz")


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
    package = Path(__file__).parent
    files = sorted([*package.glob("*.py"), *package.glob("templates/*")])
    return sha(*(p.relative_to(package).as_posix().encode() + b"\0" + p.read_bytes()
                 for p in files if p.is_file()))


@functools.cache
def library_versions() -> str:
    versions = [sys.version, __version__]
    for package in LIBRARIES:
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(package)
    return "\0".join(versions)


def _write(path: Path, data: bytes) -> None:
    """Atomic (a temporary file renamed over the entry) but not synced to disk like
    `fsutil.write_atomic`: thousands of entries would each wait for the disk, and an entry a
    crash leaves incomplete only reads as a miss."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def disabled() -> bool:
    return os.environ.get(ENV_OFF, "").strip() not in ("", "0")


@dataclass
class Stats:
    """Hits and misses by namespace: what a run reused and what it redid."""

    hits: Counter[str] = field(default_factory=Counter)
    misses: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        names = sorted(set(self.hits) | set(self.misses))
        return ", ".join(f"{n} {self.hits[n]} hit/{self.misses[n]} miss" for n in names)


class Cache:
    """Per-file results of one project, for one version of the code and configuration."""

    def __init__(self, config: Config, *, enabled: bool | None = None) -> None:
        self.enabled = not disabled() if enabled is None else enabled
        self.base = config.root / FOLDER
        self.folder = self.base / sha(code_fingerprint(), library_versions(), repr(config))[:32]
        self._root = os.fspath(self.folder)
        self.stats = Stats()
        self._used: dict[str, set[str]] = {}
        self._cleaned = False

    def _entry(self, namespace: str, name: str) -> tuple[str, str]:
        """(file name, full path) of a result: plain strings, as a run asks for thousands."""
        file = hashlib.sha256(name.encode("utf-8")).hexdigest()[:40] + ".pkl"
        return file, os.path.join(self._root, namespace, file)

    def get(self, namespace: str, name: str, key: str) -> Any | None:
        """The stored result for `name` if it was made from inputs hashing to `key`."""
        file, path = self._entry(namespace, name)
        self._used.setdefault(namespace, set()).add(file)
        if not self.enabled:
            return None
        try:
            with open(path, "rb") as fh:
                stored = pickle.loads(fh.read())
        except Exception:  # missing, truncated or foreign: recomputed, never trusted
            stored = None
        if (isinstance(stored, tuple) and len(stored) == 3 and stored[0] == name
                and stored[1] == key and stored[2] is not None):
            self.stats.hits[namespace] += 1
            return stored[2]
        self.stats.misses[namespace] += 1
        return None

    def put(self, namespace: str, name: str, key: str, value: Any) -> None:
        """Store a result (None is not stored: it reads back as a miss)."""
        file, path = self._entry(namespace, name)
        self._used.setdefault(namespace, set()).add(file)
        if not self.enabled or value is None:
            return
        self._drop_other_versions()
        try:
            data = pickle.dumps((name, key, value), protocol=pickle.HIGHEST_PROTOCOL)
            _write(Path(path), data)
        except (OSError, pickle.PicklingError, TypeError, AttributeError):
            pass  # an unwritable cache only makes the next run slower

    def prune(self, namespace: str, keep: Iterable[str] = ()) -> None:
        """Drop the entries of a namespace not asked for in this run (files that are gone)."""
        if not self.enabled:
            return
        used = self._used.get(namespace, set()) | {self._entry(namespace, n)[0] for n in keep}
        folder = self.folder / namespace
        try:
            entries = list(folder.iterdir())
        except OSError:
            return
        for entry in entries:
            if entry.name not in used:
                entry.unlink(missing_ok=True)

    def _drop_other_versions(self) -> None:
        """Results of other code or settings are never read again: remove them (bounded)."""
        if self._cleaned:
            return
        self._cleaned = True
        try:
            others = [p for p in self.base.iterdir() if p != self.folder]
        except OSError:
            return
        for other in others:
            if other.is_dir() and not other.is_symlink():
                shutil.rmtree(other, ignore_errors=True)
            else:
                other.unlink(missing_ok=True)
