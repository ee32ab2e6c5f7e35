"""`watch`: run the gate again on every save under source/ and locales/, and say what changed.

A writer keeps this open beside the editor: after each save it prints only the problems that
appeared (`+`) or went away (`-`) since the previous run, and a one-line summary. The loop
takes any iterable of change batches, so it runs the same on watchfiles' events and on a
list a test hands it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.content.fields import IMAGE_TYPES, VIDEO_TYPES
from pipeline.core.config import Config, UsageError
from pipeline.core.diagnostics import Diagnostic
from pipeline.infra.cache import Cache
from pipeline.stages.gate import GateResult, run_gate

# Files whose saving changes what the gate says; everything else (editor swap and backup
# files, lock files, half-written `.name.tmp` files) is ignored.
CONTENT_SUFFIXES = (".yaml", ".yml", ".po", ".pot", ".vtt",
                    *(f".{kind}" for kind in (*IMAGE_TYPES, *VIDEO_TYPES)))


@dataclass(frozen=True)
class Delta:
    """What changed between two runs of the gate."""

    appeared: list[Diagnostic] = field(default_factory=list)
    fixed: list[Diagnostic] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.appeared or self.fixed)


def _identity(d: Diagnostic) -> tuple[str, str, str, str]:
    # Without line and column: a problem that only moved (a line was added above it) is
    # the same problem, not one fixed and one new.
    return (d.path, d.code, d.message, d.severity)


def _unmatched(these: Sequence[Diagnostic], others: Sequence[Diagnostic]) -> list[Diagnostic]:
    """The diagnostics of `these` with no counterpart in `others` (counted, so two equal
    problems where there was one reports one new)."""
    available = Counter(_identity(d) for d in others)
    result = []
    for d in these:
        key = _identity(d)
        if available[key]:
            available[key] -= 1
        else:
            result.append(d)
    return result


def diff_results(old: Sequence[Diagnostic], new: Sequence[Diagnostic]) -> Delta:
    """Problems that appeared in `new` and problems of `old` that are gone, each sorted."""
    return Delta(sorted(_unmatched(new, old)), sorted(_unmatched(old, new)))


@dataclass(frozen=True)
class WatchResult:
    runs: int  # runs that followed a change (the first run is not counted)
    last: GateResult


def is_relevant(config: Config, path: str | Path) -> bool:
    """Whether a changed path can change the gate's result."""
    p = Path(path).resolve()
    if p.name.startswith(".") or p.suffix not in CONTENT_SUFFIXES:
        return False
    try:
        p.relative_to(config.build_dir.resolve())
        return False
    except ValueError:
        pass
    for folder in (config.source_dir, config.locales_dir, config.media_dir):
        try:
            p.relative_to(folder.resolve())
            return True
        except ValueError:
            continue
    return False


def watched_folders(config: Config) -> list[Path]:
    folders = [f for f in (config.source_dir, config.locales_dir, config.media_dir)
               if f.is_dir()]
    if not folders:
        raise UsageError(f"nothing to watch: neither {config.rel(config.source_dir)}/ nor "
                         f"{config.rel(config.locales_dir)}/ exists")
    return folders


def folders_shown(config: Config) -> str:
    """The watched folders as `watch` names them."""
    return " and ".join(f"{config.rel(f)}/" for f in (config.source_dir, config.locales_dir))


def file_changes(config: Config, **options: Any) -> Iterator[set[str]]:
    """Batches of changed paths from the file system (watchfiles), noise filtered out."""
    from watchfiles import watch as watch_files

    def wanted(_change: Any, path: str) -> bool:
        return is_relevant(config, path)

    for batch in watch_files(*watched_folders(config), watch_filter=wanted, **options):
        yield {path for _, path in batch}


def _gate(config: Config, locales: Sequence[str] | None) -> GateResult:
    """The gate with its store switched off: watch writes nothing, and keeps the language
    verdicts in this process's memory, so a save re-judges only new sentences."""
    return run_gate(config, locales or None, cache=Cache(config, enabled=False))


@dataclass
class WatchRun:
    """One run of the gate: the first (nothing `changed`, no `delta`), or one after saves."""

    result: GateResult
    changed: list[str] = field(default_factory=list)
    delta: Delta | None = None


def runs(config: Config, changes: Iterable[Collection[str]], *,
         locales: Sequence[str] | None = None, max_runs: int | None = None
         ) -> Iterator[WatchRun]:
    """Run the gate once, then once per batch of relevant changes, each with what appeared
    and what was fixed since the run before (`report.watch` prints them).

    Stops when `changes` ends or after `max_runs` runs that followed a change. Only the
    latest result is kept, so a session left open all day does not grow. Nothing is
    written: not even the gate's cache."""
    result = _gate(config, locales)
    yield WatchRun(result)
    count = 0
    for batch in changes:
        changed = sorted(config.rel(Path(p)) for p in batch if is_relevant(config, p))
        if not changed:
            continue
        new = _gate(config, locales)
        yield WatchRun(new, changed, diff_results(result.diagnostics, new.diagnostics))
        result = new
        count += 1
        if max_runs is not None and count >= max_runs:
            break
