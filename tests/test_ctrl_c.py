"""Ctrl-C as a terminal sends it: SIGINT to the whole process group, so to the language judge
and the worker processes as well as to the run. Only the run speaks (its one-line message);
no child prints a traceback.

Each test starts a real process group and waits for a real event before interrupting it: the
judge process exists and watch has printed that it is watching; every worker has started
its task.
"""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import textwrap
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from build_helpers import PYTHON, clone, tiny_template

REPO_ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists() or not hasattr(os, "killpg"),
                                reason="needs Linux /proc and process groups")


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (from /proc, as `ps` reads it)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        # The command name may hold spaces and parentheses: fields resume after the last ')'.
        if int(stat[stat.rindex(")") + 2:].split()[1]) == pid:
            found.append(int(entry.name))
    return found


class Output:
    """A process's stdout, line by line in the background, waited on with a deadline."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        assert proc.stdout is not None
        stream = proc.stdout

        def pump() -> None:
            for line in stream:
                self.lines.put(line.rstrip("\n"))
            self.lines.put(None)

        threading.Thread(target=pump, daemon=True).start()

    def wait_for(self, text: str, count: int = 1, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while sum(text in line for line in self.seen) < count:
            line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            assert line is not None, f"{text!r} never printed; got {self.seen!r}"
            self.seen.append(line)

    def rest(self, timeout: float = 60) -> str:
        """What else was printed, up to the end of the stream."""
        lines = []
        while (line := self.lines.get(timeout=timeout)) is not None:
            lines.append(line)
        return "\n".join(lines)


def until(condition: Callable[[], object], proc: subprocess.Popen[str],
          timeout: float = 60) -> None:
    """Poll until `condition()` holds (the event itself, not a guess at its time)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert proc.poll() is None, "the run ended before the event"
        assert time.monotonic() < deadline, "the event never happened"
        time.sleep(0.005)


def interrupt(proc: subprocess.Popen[str], output: Output) -> tuple[int, str, str]:
    """SIGINT to the process group, as Ctrl-C at a terminal; (status, rest of stdout, stderr)."""
    os.killpg(proc.pid, signal.SIGINT)
    assert proc.stderr is not None
    # A run that missed the interrupt fails here (the caller kills the group) instead of
    # blocking the suite on a pipe its children keep open.
    status = proc.wait(timeout=60)
    err = proc.stderr.read()  # to its end: when every process of the group has closed it
    return status, output.rest(), err


def start(args: list[str], cwd: Path, **env: str) -> subprocess.Popen[str]:
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("PIPELINE_WORKERS", "FORCE_COLOR", "NO_COLOR")}
    return subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**environment, **env}, start_new_session=True)


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="one CPU: no judge process")
def test_ctrl_c_in_watch_prints_one_line_and_no_traceback_from_the_judge(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    tiny = clone(tiny_template(tmp_path_factory), tmp_path / "tiny")
    shutil.rmtree(tiny / ".pipeline-cache", ignore_errors=True)
    # No stored verdicts: the first check has sentences to judge, so the judge starts.
    proc = start([PYTHON, "-m", "pipeline", "watch", "--root", str(tiny)], tiny,
                 PIPELINE_NO_CACHE="1")
    try:
        output = Output(proc)
        output.wait_for("Watching")
        until(lambda: children(proc.pid), proc)  # the judge, holding lingua's models
        status, out, err = interrupt(proc, output)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert status == 0, err
    assert "Stopped watching." in out
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err


WORKERS = textwrap.dedent("""
    import os, sys, threading
    from pipeline.infra import parallel

    def task(item):
        # One write call: two workers printing at once must not interleave their lines.
        os.write(1, f"started {item}\\n".encode())
        threading.Event().wait()  # busy until the run stops it

    try:
        parallel.run(task, [1, 2], min_items=2)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
""")


def test_ctrl_c_during_parallel_work_prints_no_traceback_from_the_workers(
        tmp_path: Path) -> None:
    proc = start([PYTHON, "-c", WORKERS], REPO_ROOT, PIPELINE_WORKERS="2")
    try:
        output = Output(proc)
        output.wait_for("started", count=2)  # both workers are inside their task
        status, _, err = interrupt(proc, output)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert status == 0
    assert err == "interrupted\n", err
