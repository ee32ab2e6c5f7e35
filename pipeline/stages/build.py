"""`build`: the gate, then every (locale, document) exported, manifest and schemas, swapped in.

This module decides whether there is anything to do: the previous build's record (kept in
the per-project cache) says what every output was made from, and file stamps (`filestate`)
tell what changed without reading every file. A build whose inputs and outputs are as the
record left them is done before anything else is loaded. Otherwise `rebuild` runs the gate
and exports what changed, linking the rest from the previous build.
"""

from __future__ import annotations

import gc
import hashlib
import os
import subprocess
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.core.config import Config
from pipeline.core.diagnostics import Diagnostic
from pipeline.infra import filestate, outdir
from pipeline.infra.cache import BUILD_LOCK, Cache, code_fingerprint, library_versions, run_lock

if TYPE_CHECKING:
    from pipeline.stages.gate import GateResult

# The record entry describing the whole build (not a file of it).
META = "build"
# Where the per-project cache keeps the last build's record: what each output was made from
# and its hash, and the stamps of its inputs and outputs. It is kept there, signed, and not in
# build/, which anyone can replace: a build/ that does not match the record is made again.
_STATE = ("build", "state", "state")


@dataclass
class BuildResult:
    # The gate's result; None when the build was already up to date and no gate ran.
    gate: GateResult | None = None
    problems: list[Diagnostic] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    exported: int = 0
    reused: int = 0
    bundles: int = 0
    ok: bool = False
    # Each locale's summary, as the manifest gives it.
    locales: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Outputs identical to the previous build's: linked into the new build, not rewritten.
    carried: set[str] = field(default_factory=set, repr=False)


@dataclass
class Record:
    """What the previous build left in the cache, and this run's look at the inputs."""

    store: Cache
    state: dict[str, Any]
    fingerprint: str
    # Each input file's record (`filestate.digests`), and when it was taken.
    files: dict[str, list[Any]]
    recorded_ns: int

    @classmethod
    def read(cls, config: Config) -> Record:
        store = Cache(config)
        state = store.get(*_STATE)
        state = state if isinstance(state, dict) else {}
        recorded_ns = filestate.now_ns()
        fingerprint, files = inputs_fingerprint(config, state.get("files", {}),
                                                state.get("recorded_ns", 0))
        return cls(store, state, fingerprint, files, recorded_ns)

    @property
    def outputs(self) -> dict[str, Any]:
        """The previous build's record of each output (and META for the whole build)."""
        found = self.state.get("record")
        return found if isinstance(found, dict) else {}

    @property
    def stamps(self) -> dict[str, list[int]]:
        found = self.state.get("stamps")
        return found if isinstance(found, dict) else {}

    def save(self, outputs: dict[str, Any], stamps: dict[str, list[int]]) -> None:
        """Keep what the next build compares with before reading anything (machine-specific,
        so kept in the per-project cache, not in build/)."""
        self.store.put(*_STATE, {"files": self.files, "recorded_ns": self.recorded_ns,
                                 "record": outputs, "stamps": stamps})
        self.store.save()

    def keep_files(self) -> None:
        """An up-to-date build still keeps the inputs' new stamps (a file touched but not
        changed is then not read again next time)."""
        if self.files != self.state.get("files"):
            self.store.put(*_STATE, {**self.state, "files": self.files,
                                     "recorded_ns": self.recorded_ns})
            self.store.save()


def source_revision(root: Path) -> str | None:
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True,
                              text=True, timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "source", "locales"],
                               cwd=root, capture_output=True, text=True, timeout=10,
                               check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{head}+dirty" if dirty else head


def build_lock(config: Config) -> AbstractContextManager[None]:
    """The lock of everything that writes the build folder (`build`, `preview`), in
    `.pipeline-cache/` (`cache.run_lock`); where older versions kept it, next to the build
    folder, only when the project cannot be written."""
    beside = config.build_dir.parent / f".{config.build_dir.name}.lock"
    return run_lock(config, BUILD_LOCK, f"writing {config.rel(config.build_dir)}/", beside)


def run_build(config: Config, *, clean: bool = False,
              allow_incomplete: bool = False) -> BuildResult:
    """Build under a lock: two builds at once would each swap the other's staging folder.

    `allow_incomplete` makes a staging build: required locales fall back to English string
    by string, as optional ones do (`Config.staging`), and the manifest marks them."""
    if allow_incomplete:
        config = config.staging()
    with build_lock(config):
        real = outdir.resolve_output(config, config.build_dir, "build")
        # First, so a build/ left aside by an interrupted swap is back even if the gate fails.
        outdir.recover(real, "build")
        record = Record.read(config)
        if not clean and (same := _unchanged(config, record)) is not None:
            record.keep_files()
            return same
        # Only now are the gate, the models and the exporters loaded: a build with nothing to
        # do is over in the time it takes to look at the files.
        from pipeline.stages import rebuild

        with _no_full_collections():
            return rebuild.rebuild(config, real, record, clean=clean)


@contextmanager
def _no_full_collections() -> Iterator[None]:
    """No full garbage collection while a build runs. What a build loads (the library, the
    previous build's record, the catalogs) lives until it ends, so each full collection walks
    all of it and frees almost nothing: they took a third of a one-document rebuild. Young
    objects are still collected; full collections resume when the build is over."""
    young, middle, old = gc.get_threshold()
    gc.set_threshold(young, middle, _NEVER)
    try:
        yield
    finally:
        gc.set_threshold(young, middle, old)


# More collections of the middle generation than any build makes.
_NEVER = 1 << 30


# Not an input, though it may sit in the locales folder: the catalogs' lock where older
# versions kept it (and where a run still takes it when the project cannot be written,
# `cache.run_lock`). Ignored without a word rather than reported: a copy an older version
# left behind is harmless, deleting it must not change the build's fingerprint, and the
# writer has nothing to fix (the README says it can be deleted).
_LEGACY_LOCKS = frozenset({".pipeline.lock"})


def _input_files(config: Config) -> list[tuple[str, str]]:
    """Every file a build reads, by its path from the project root: settings, source,
    editor schemas, templates, catalogs, captions and media."""
    found = {"pyproject.toml": os.fspath(config.root / "pyproject.toml")}
    for folder in (config.source_dir, config.schema_dir, config.locales_dir, config.media_dir):
        if folder.is_dir():
            prefix = config.rel(folder) + "/"
            found.update((prefix + rel, full) for rel, full
                         in filestate.walk(folder, _LEGACY_LOCKS))
    return sorted(found.items())


def inputs_fingerprint(config: Config, known: dict[str, Any] | None = None,
                       recorded_ns: int = 0) -> tuple[str, dict[str, list[Any]]]:
    """One hash of everything a build depends on: the bytes of every input file (by path),
    the source revision the manifest records, and the code and libraries that do the work.
    Equal fingerprints give equal builds, so the gate and export need not run again.

    Also returns each file's record (`filestate.digests`): with the previous build's record
    as `known`, only the files that changed since are read."""
    combined = hashlib.sha256()
    versions = [library_versions(), code_fingerprint(), str(source_revision(config.root)),
                ",".join(config.staging_locales)]
    combined.update("\0".join(versions).encode())
    files = filestate.digests(_input_files(config), known or {}, recorded_ns)
    for rel, record in files.items():
        combined.update(rel.encode() + b"\0" + str(record[-1]).encode())
    return combined.hexdigest(), files


def _outputs(build_dir: Path) -> list[str]:
    """Every file a build wrote (its cache file aside; the preview has its own command)."""
    return sorted(rel for rel, _ in filestate.walk(build_dir,
                                                   frozenset({outdir.MARKER}))
                  if not rel.startswith("preview/"))


def _unchanged(config: Config, record: Record) -> BuildResult | None:
    """The previous build's result when neither its inputs nor its files have changed since
    (a tampered or half-deleted build/ is rebuilt). A file whose stamp changed is hashed."""
    meta, stamps = record.outputs.get(META), record.stamps
    if not isinstance(meta, dict) or meta.get("inputs") != record.fingerprint:
        return None
    tree = meta.get("tree")
    if not isinstance(tree, dict):
        return None
    outputs = _outputs(config.build_dir)
    if outputs != sorted(tree):
        return None
    base = os.fspath(config.build_dir)
    if not all(filestate.intact(os.path.join(base, rel), stamps.get(rel), tree[rel])
               for rel in outputs):
        return None
    result = BuildResult(ok=True)
    result.bundles = result.reused = int(meta.get("bundles", 0))
    result.warnings = [Diagnostic(**d) for d in meta.get("warnings", [])]
    locales = meta.get("locales")
    result.locales = locales if isinstance(locales, dict) else {}
    return result


