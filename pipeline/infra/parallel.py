"""Per-document work on every core, when there is enough of it to gain from them.

Documents (and each document's catalogs) are independent, so reading, checking and exporting
them can run in worker processes. Starting workers costs about a tenth of a second and each
result is sent back pickled, so small libraries stay in one process. Workers are forked: they
see the caller's data without copying it, and results come back in input order, so the output
is the same as a sequential run, byte for byte.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import Any, TypeVar

from pipeline.infra.progress import track

T = TypeVar("T")
R = TypeVar("R")

# Below this many items a pool costs more than it saves.
MIN_ITEMS = 400
_PR_SET_PDEATHSIG = 1
# Set in each worker by the fork: what `run` was asked to apply.
_TASK: Callable[[Any], Any] | None = None


def workers(limit: int | None = None) -> int:
    """The CPUs this process may use (a container's limit, not the machine's count), or
    `limit` (`Environment.workers`)."""
    if limit is not None:
        return max(1, limit)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def die_with_parent(parent: int) -> None:
    """A worker ends when the run that started it is killed: otherwise it would wait for work
    forever, holding the run's inherited lock on the catalogs or the build."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the pool's own clean-up has to do
        return
    if os.getppid() != parent:  # killed before the line above took effect
        os._exit(1)


@contextmanager
def interrupts_held() -> Iterator[None]:
    """Hold Ctrl-C back while forking children: one arriving before a child ignores it
    would still reach the child. The run receives it as soon as the fork is done; the child
    starts with it held and drops it (`ignore_interrupts`)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def ignore_interrupts() -> None:
    """In a forked worker or judge: Ctrl-C goes to the whole process group, and a child that
    took it would print a traceback of its own. The run stops its children itself (a pool is
    terminated, the judge ends with the run), so they ignore it."""
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread: nothing to change here
        return
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _start_worker(parent: int) -> None:
    ignore_interrupts()
    die_with_parent(parent)


def _call(item: Any) -> Any:
    assert _TASK is not None
    return _TASK(item)


def run(task: Callable[[T], R], items: Sequence[T], *, limit: int | None = None,
        min_items: int = MIN_ITEMS, description: str | None = None) -> list[R]:
    """`[task(item) for item in items]`, in a pool of forked workers when it pays (at most
    `limit` of them, or one per CPU).

    With a description, a person at a terminal sees a progress bar for long runs."""
    global _TASK
    count = min(workers(limit), len(items) // max(min_items // 2, 1))
    if count < 2 or len(items) < min_items or "fork" not in multiprocessing.get_all_start_methods():
        return [task(item) for item in _shown(items, description, len(items))]
    _TASK = task
    # What the workers inherit is moved out of the collector's sight: a collection in a
    # worker would otherwise walk (and so copy, page by page) the whole inherited heap.
    gc.freeze()
    try:
        with ExitStack() as stack:
            with interrupts_held():  # entered before Ctrl-C can land: it terminates the pool
                # The pool's threads start here too and keep SIGINT held: it comes to this one.
                pool = stack.enter_context(multiprocessing.get_context("fork").Pool(
                    count, initializer=_start_worker, initargs=(os.getpid(),)))
            # imap keeps input order, like map, and lets the bar move as results arrive.
            results = pool.imap(_call, items, chunksize=max(1, len(items) // (count * 16)))
            return list(_shown(results, description, len(items)))
    finally:
        _TASK = None
        gc.unfreeze()


def _shown(items: Iterable[T], description: str | None, total: int) -> Iterable[T]:
    return items if description is None else track(items, description, total=total)
