"""The language judge: lingua's models in a process of their own, and its verdicts kept
between runs in the per-file cache.

The rules of what reads as another language are `content.language`'s; this module only
decides where they run. A run that may judge forks the judge first (`start`), while it is
small; `prefetch` then judges every new sentence that is not plainly in its language in one
batch there (most runs have none, and the models never load), and stores the verdicts so
that an edit never pays for loading the models again for sentences it did not change.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable
from contextlib import suppress
from multiprocessing.connection import Connection

from pipeline.content import language
from pipeline.infra import parallel
from pipeline.infra.cache import Cache

_NAMESPACE = "language"


def _serve(conn: Connection) -> None:
    """The judge process: answer batches until the run ends (the models load with the
    first, or when the run asks for them ahead, with no sentences and no answer)."""
    while True:
        try:
            sentences, wanted = conn.recv()
        except (EOFError, OSError):
            return
        if sentences is None:
            language.load(wanted)
        else:
            conn.send(language.judge_here(sentences, wanted))


class _Judge:
    """A process of its own that holds lingua's models and judges sentences on request.

    The models (about 200 MB, a second to load) stay out of the run itself and so out of
    every worker it forks, and a worker forked from a run holding lingua's thread pool
    would inherit a pool without its threads."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("fork")
        self.conn, theirs = context.Pipe()
        self.owner = os.getpid()
        self.process = context.Process(target=self._main, args=(theirs, self.owner),
                                       name="language-judge", daemon=True)
        with parallel.interrupts_held():
            self.process.start()
        theirs.close()

    @staticmethod
    def _main(conn: Connection, parent: int) -> None:
        # Ctrl-C is the run's to report: the judge ends with it, without a traceback.
        parallel.ignore_interrupts()
        parallel.die_with_parent(parent)
        # Inherited descriptors (the run's lock among them) are not the judge's to hold.
        keep = conn.fileno()
        os.closerange(3, keep)
        os.closerange(keep + 1, os.sysconf("SC_OPEN_MAX"))
        _serve(conn)

    def load(self, base: str) -> None:
        """Have the models loaded now; a later `ask` is answered after them, in order."""
        if os.getpid() == self.owner and self.process.is_alive():
            with suppress(OSError):
                self.conn.send((None, base))

    def ask(self, sentences: list[str], base: str) -> list[str | None] | None:
        """Verdicts, or None when the judge cannot answer (gone, or asked from a worker
        that inherited it: only the process that started it may use the pipe)."""
        if os.getpid() != self.owner or not self.process.is_alive():
            return None
        try:
            self.conn.send((sentences, base))
            answer = self.conn.recv()
        except (EOFError, OSError):
            return None
        return answer if isinstance(answer, list) and len(answer) == len(sentences) else None


# One judge serves every language: the candidates, and so the models, are the same.
_judges: list[_Judge] = []


def _judge_for(workers: int | None) -> _Judge | None:
    """The judge this process started, starting it if need be; None to judge here. A worker
    process judges on its own (judges started from every worker would load the models once
    per core), and so does a run held to one CPU (`workers`, `Environment.workers`) or
    unable to fork."""
    if parallel.workers(workers) < 2 or language.loaded_here():
        return None  # held to one CPU, or the models are here already (no fork after them)
    if _judges and _judges[0].owner == os.getpid():
        return _judges[0]
    if (multiprocessing.parent_process() is not None
            or "fork" not in multiprocessing.get_all_start_methods()):
        return None
    try:
        _judges[:] = [_Judge()]
    except OSError:  # no process to spare: the models load here instead
        return None
    return _judges[0]


def start(workers: int | None = None) -> None:
    """Fork the judge now, while the run is small. It idles until it is asked about a
    sentence, and its models load then. A judge forked later, from a run holding a whole
    library, would start as a copy of it: counted in its memory, and copied page by page as
    the run goes on changing what it holds."""
    _judge_for(workers)


def _known(base: str, cache: Cache | None) -> dict[str, str | None]:
    """This process's verdicts for a language, with those an earlier run kept added once."""
    known = language.known_verdicts(base)
    if cache is not None and not known:
        stored = cache.get(_NAMESPACE, base, _NAMESPACE)
        if isinstance(stored, dict):
            known.update(stored)
    return known


def load_ahead(expected: str, cache: Cache, workers: int | None = None) -> None:
    """Have the judge load the models for `expected` while the run reads a library: loading
    them takes ten times as long as judging a library's sentences, and a run that keeps no
    verdicts yet (`prefetch`) is bound to need them. The run goes on at once."""
    base = language.base_of(expected)
    if base is None or _known(base, cache):
        return
    judge = _judge_for(workers)
    if judge is not None:
        judge.load(base)


def verdicts(sentences: list[str], base: str, workers: int | None = None
             ) -> list[str | None]:
    """Verdicts from the judge process, or judged here when there is none."""
    judge = _judge_for(workers)
    answer = judge.ask(sentences, base) if judge is not None else None
    return answer if answer is not None else language.judge_here(sentences, base)


def prefetch(sentences: Iterable[str], expected: str, cache: Cache | None = None,
             workers: int | None = None) -> None:
    """`language.prefetch` of sentences (`language.to_judge`) through the judge process,
    with the verdicts an earlier run kept in the cache (and the new ones kept for the
    next)."""
    base = language.base_of(expected)
    if base is None:
        return
    known = _known(base, cache)

    def judge(todo: list[str], wanted: str) -> list[str | None]:
        return verdicts(todo, wanted, workers)

    judged = language.prefetch(sentences, expected, judge)
    if judged and cache is not None:
        cache.put(_NAMESPACE, base, _NAMESPACE, known)
        cache.save()
