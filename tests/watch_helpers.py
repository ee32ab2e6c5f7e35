"""`watch` as the command runs it, on given batches of changes and a given console."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from rich.console import Console

from pipeline import report
from pipeline.core.config import Config
from pipeline.stages import watch
from pipeline.stages.watch import WatchResult


def watch_and_print(config: Config, changes: Iterable[Collection[str]], out: Console, *,
                    locales: Sequence[str] | None = None, max_runs: int | None = None,
                    quiet: bool = False) -> WatchResult:
    return report.watch(watch.runs(config, changes, locales=locales, max_runs=max_runs), out,
                        watch.folders_shown(config), quiet=quiet)
