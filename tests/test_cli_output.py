"""What each command prints for a person: a summary at the end, nothing extra with --quiet,
colour on a terminal only, and plain text when piped or when NO_COLOR is set.
"""

from __future__ import annotations

import os
import pty
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from build_helpers import PYTHON, Run, cli, clone, tiny_template

BOX = set("┃│┏┡└━─")


@pytest.fixture
def tiny(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    """The tiny project (French required, complete) in a fresh tmp folder."""
    return clone(tiny_template(tmp_path_factory), tmp_path / "tiny")


@pytest.fixture(autouse=True)
def no_colour_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever the terminal running the tests asks for, start from no colour settings."""
    for name in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)


def last_lines(run: Run, count: int) -> list[str]:
    return [line for line in run.out.splitlines() if line.strip()][-count:]


# Each command, run on a clean project: (arguments, table title and a cell of the table,
# the line it ends with).
SUMMARIES: list[tuple[tuple[str, ...], tuple[str, str] | None, str]] = [
    (("validate",), None, "No problems in 4 files."),
    (("schema",), None, "4 schemas in schema/, 0 written."),
    (("extract",), None, "4 templates, 0 written, 0 removed."),
    (("init", "de"), None, "de: 4 catalogs created, 0 already there."),
    (("update",), None, "0 catalogs written; entries: 28 translated, 0 fuzzy, 0 untranslated, "
                        "0 obsolete, 0 from memory."),
    (("stats",), ("Translation progress: fr", "total"), "└"),
    (("check",), ("Check summary", "source and catalogs"), "└"),
    (("build",), ("Build summary", "en-XA"),
     "Built 12 bundles in build/ (12 exported, 0 unchanged)."),
    (("preview",), ("Preview", "100.0 %"), "Wrote 4 documents in 1 locale to build/preview/; "
                                           "open build/preview/index.html in a browser."),
]


@pytest.mark.parametrize("args,table,last", SUMMARIES, ids=[s[0][0] for s in SUMMARIES])
def test_every_command_ends_with_a_summary(tiny: Path, capsys: pytest.CaptureFixture[str],
                                           args: tuple[str, ...], table: tuple[str, str] | None,
                                           last: str) -> None:
    run = cli(capsys, tiny, *args)
    assert run.code == 0, run.text
    assert last_lines(run, 1)[0].startswith(last), run.out
    if table:
        title, cell = table
        below = run.out.split(title, 1)[1]
        assert "┃" in below and cell in below, run.out  # a rich table under its title


@pytest.mark.parametrize("args", [("schema",), ("extract",), ("init", "de"), ("update",),
                                  ("build",), ("preview",)], ids=lambda a: a[0])
def test_quiet_prints_nothing_when_all_is_well(tiny: Path, capsys: pytest.CaptureFixture[str],
                                               args: tuple[str, ...]) -> None:
    run = cli(capsys, tiny, *args, "--quiet")
    assert (run.code, run.out, run.err) == (0, "", "")


def test_check_quiet_keeps_the_count_but_drops_the_table(
        tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = cli(capsys, tiny, "check", "--quiet")
    assert run.out == "No problems in 8 files.\n"
    assert not BOX & set(run.out)


def run_stats(root: Path, *, terminal: bool, **env: str) -> str:
    """`python -m pipeline stats` (quick, and a table full of styles) with stdout on a pipe
    or on a pseudo-terminal; what it printed."""
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "COLUMNS")}
    environment.update(TERM="xterm-256color", **env)
    command = [PYTHON, "-m", "pipeline", "stats", "--root", str(root)]
    if not terminal:
        done = subprocess.run(command, capture_output=True, text=True, env=environment,
                              timeout=60)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout
    leader, follower = pty.openpty()
    proc = subprocess.Popen(command, stdout=follower, stderr=subprocess.PIPE, env=environment)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the process is done
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert proc.wait(timeout=60) == 0
    return b"".join(chunks).decode("utf-8")


def test_colour_on_a_terminal_plain_when_piped_or_with_no_color(tiny: Path) -> None:
    with ThreadPoolExecutor(3) as pool:  # three processes at once: seconds, not three times
        terminal = pool.submit(run_stats, tiny, terminal=True)
        piped = pool.submit(run_stats, tiny, terminal=False)
        no_color = pool.submit(run_stats, tiny, terminal=True, NO_COLOR="1")
    assert "Translation progress" in terminal.result() and "\x1b[" in terminal.result()
    assert "Translation progress" in piped.result() and "\x1b[" not in piped.result()
    assert "Translation progress" in no_color.result() and "\x1b[" not in no_color.result()
