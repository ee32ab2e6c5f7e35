"""The one way tests run the command line in-process: `pipeline <args> --root <root>`, with
the exit status and what it printed on each stream."""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from pathlib import Path

from pipeline.cli import main


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


def run_cli(root: Path, *args: str) -> Run:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([*args, "--root", str(root)])
    return Run(code, out.getvalue(), err.getvalue())
