"""Progress bars for work that takes more than a moment, shown only to a person at a terminal.

Stages call `track()` around their per-document loops; the command line decides once whether
bars are wanted (`configure`). Piped output, `--quiet`, `--format json|github` and short loops
get no bar, so logs and machine-readable output stay clean.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sized
from typing import TypeVar

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

T = TypeVar("T")

MIN_ITEMS = 40
_enabled = False


def configure(enabled: bool) -> None:
    global _enabled
    _enabled = enabled


def track(items: Iterable[T], description: str, *, total: int | None = None,
          min_items: int = MIN_ITEMS) -> Iterator[T]:
    """Yield the items, with a transient bar on stderr when it is worth showing."""
    if total is None:
        total = len(items) if isinstance(items, Sized) else 0
    if not (_enabled and total >= min_items and (console := Console(stderr=True)).is_terminal):
        yield from items
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(description, total=total)
        for item in items:
            yield item
            bar.advance(task)
