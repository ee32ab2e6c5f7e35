"""Run one pipeline stage as its own process and measure it: wall time and peak memory."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

# A fixed moment, so extraction dates (and so every catalog) are the same on every run.
EPOCH = "1700000000"


@dataclass(frozen=True)
class Timing:
    stage: str
    seconds: float
    peak_rss_mb: float
    exit_code: int

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["seconds"] = round(self.seconds, 3)
        data["peak_rss_mb"] = round(self.peak_rss_mb, 1)
        return data


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update(SOURCE_DATE_EPOCH=EPOCH, NO_COLOR="1", PYTHONHASHSEED="0")
    return env


def measure(stage: str, command: list[str], log: Path, cwd: Path | None = None) -> Timing:
    """Start the command, wait for it with wait4 (its own resource usage, whatever else runs)
    and return how long it took and its peak resident memory."""
    with log.open("ab") as out:
        out.write(f"$ {' '.join(command)}\n".encode())
        out.flush()
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=cwd,
                                   env=environment())
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    # Linux reports ru_maxrss in KiB: the largest of the process and its waited-for children.
    return Timing(stage, elapsed, usage.ru_maxrss / 1024, process.returncode)


def pipeline(stage: str, root: Path, args: list[str], log: Path) -> Timing:
    """`python -m pipeline <args> --root <root>` as a separate process."""
    return measure(stage, [sys.executable, "-m", "pipeline", *args, "--root", str(root)], log)
