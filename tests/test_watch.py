"""`pipeline watch`: the gate again after each save, printing only what changed.

The loop is driven in-process by a generator that edits real files and then reports them as
changed (as watchfiles would), and once end to end: `python -m pipeline watch` as a
subprocess that sees a real edit, and stops cleanly on Ctrl-C.
"""

from __future__ import annotations

import io
import os
import queue
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console

from pipeline.core.diagnostics import diag
from pipeline.stages.watch import diff_results, is_relevant

from build_helpers import PYTHON, cli_config, clone, edit_entry, edit_text, po_path, tiny_template
from watch_helpers import watch_and_print

EXERCISE = "source/exercises/glute-bridge.yaml"


@pytest.fixture
def tiny(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    """The tiny project, clean (check passes), in a fresh tmp folder."""
    return clone(tiny_template(tmp_path_factory), tmp_path / "tiny")


def test_diff_reports_what_appeared_and_what_went_away() -> None:
    typo = diag("source/a.yaml", 4, 1, "E102", "nmae: unknown field 'nmae'")
    fuzzy = diag("locales/fr/LC_MESSAGES/a.po", 20, 0, "E502", "entry is fuzzy")
    moved = diag("source/a.yaml", 9, 1, "E102", "nmae: unknown field 'nmae'")  # line added above
    spacing = diag("source/b.yaml", 3, 5, "W303", "name: doubled space")
    delta = diff_results([typo, fuzzy], [moved, spacing])
    assert (delta.appeared, delta.fixed) == ([spacing], [fuzzy])
    assert not diff_results([typo], [moved])  # a problem that only moved is not news
    # Counted: the same message twice where there was one is one new problem.
    second = diag("source/a.yaml", 12, 1, "E102", "nmae: unknown field 'nmae'")
    assert diff_results([typo], [moved, second]).appeared == [second]


def test_only_content_files_under_source_locales_and_media_trigger_a_run(tiny: Path) -> None:
    config = cli_config(tiny)
    assert is_relevant(config, tiny / EXERCISE)
    assert is_relevant(config, po_path(tiny, "glute-bridge"))
    assert is_relevant(config, tiny / "locales/templates/glute-bridge.pot")
    # Captions in any language, and the media files exercises show.
    for media in ("source/captions/bridge.vtt", "locales/fr/captions/bridge.vtt",
                  "media/bridge/start.webp", "media/bridge/demo.webm"):
        assert is_relevant(config, tiny / media), media
    for noise in ("media/notes.txt", "build/site/media/bridge/start.webp",
                  "build/site/fr/captions/bridge.vtt","locales/.pipeline.lock", "locales/fr/LC_MESSAGES/.glute-bridge.po.x1y2.tmp",
                  "source/exercises/.glute-bridge.yaml.swp", "source/exercises/4913",
                  "build/fr/glute-bridge.json", "build/preview/fr/glute-bridge.html",
                  "pyproject.toml", "source/exercises/glute-bridge.yaml~"):
        assert not is_relevant(config, tiny / noise), noise


def test_each_save_prints_new_and_fixed_problems_and_a_summary(tiny: Path) -> None:
    config = cli_config(tiny)
    po = po_path(tiny, "glute-bridge")

    lines: list[int] = []

    def saves() -> Iterator[set[str]]:
        lines.append(edit_entry(po, "Glute bridge", fuzzy=True))  # its msgstr line, then
        yield {str(po)}
        yield {str(tiny / "locales/.pipeline.lock")}  # noise: no run
        edit_entry(po, "Glute bridge", fuzzy=False)
        edit_text(tiny / EXERCISE, "name: Glute bridge", "nmae: Glute bridge")
        yield {str(po), str(tiny / EXERCISE)}
        edit_text(tiny / EXERCISE, "nmae: Glute bridge", "name: Glute bridge")
        yield {str(tiny / EXERCISE)}

    buffer = io.StringIO()
    out = Console(file=buffer, width=200, color_system=None)
    result = watch_and_print(config, saves(), out)
    out = buffer.getvalue().splitlines()
    assert result.runs == 3  # one per batch with content in it
    assert result.last.diagnostics == []
    assert out[0] == "No problems in 8 files."
    assert out[1].startswith("Watching source/ and locales/ for changes")
    assert out[2] == (f"+ locales/fr/LC_MESSAGES/glute-bridge.po:{lines[0]}: E502 fuzzy: "
                      "marked fuzzy; review the translation and remove the flag")
    assert out[3].endswith(" locales/fr/LC_MESSAGES/glute-bridge.po changed: 1 new, 0 fixed; "
                           "now 1 error, 0 warnings.")
    second = out[4:]
    assert second[0].startswith(f"+ {EXERCISE}:") and "E101 missing-field" in second[0]
    assert second[1].startswith(f"+ {EXERCISE}:") and "E102 unknown-field" in second[1]
    assert second[2].startswith("- locales/fr/LC_MESSAGES/glute-bridge.po:")
    assert second[2].endswith("(fixed)") and "E502 fuzzy" in second[2]
    assert second[3].endswith(" 2 files changed: 2 new, 1 fixed; now 2 errors, 0 warnings.")
    third = second[4:]
    assert [x[:2] for x in third[:2]] == ["- ", "- "]
    assert third[2].endswith(f" {EXERCISE} changed: 0 new, 2 fixed; now 0 errors, 0 warnings.")
    assert len(third) == 3


def test_max_runs_stops_after_that_many_runs(tiny: Path) -> None:
    config = cli_config(tiny)
    batches = iter([{str(tiny / EXERCISE)}] * 5)
    result = watch_and_print(config, batches, Console(file=io.StringIO()), max_runs=2)
    assert result.runs == 2
    assert len(list(batches)) == 3  # the rest was never waited for


# --------------------------------------------------------------------------------------------
# End to end, with the file system and a real process


class Lines:
    """A subprocess's stdout, read line by line in the background, waited on with a timeout."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.seen: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        assert proc.stdout is not None
        stream = proc.stdout

        def pump() -> None:
            for line in stream:
                self._queue.put(line.rstrip("\n"))
            self._queue.put(None)

        threading.Thread(target=pump, daemon=True).start()

    def wait_for(self, text: str, timeout: float, poke: Path | None = None) -> str:
        """The first line containing `text`; meanwhile `poke` (a file) is saved again every
        half second, in case the watcher was not listening yet when it was first saved."""
        deadline = time.monotonic() + timeout
        next_poke = time.monotonic() + 0.5
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=0.1)
            except queue.Empty:
                if poke is not None and time.monotonic() > next_poke:
                    poke.write_bytes(poke.read_bytes())
                    next_poke = time.monotonic() + 0.5
                continue
            if line is None:
                break
            self.seen.append(line)
            if text in line:
                return line
        raise AssertionError(f"{text!r} not printed; got {self.seen!r}")


def start_watch(root: Path, *args: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    return subprocess.Popen([PYTHON, "-m", "pipeline", "watch", "--root", str(root), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            cwd=root)


def test_watch_process_sees_a_save_and_prints_the_new_problem(tiny: Path) -> None:
    proc = start_watch(tiny, "--max-runs", "1")
    try:
        lines = Lines(proc)
        lines.wait_for("Watching source/ and locales/", timeout=20)
        edit_text(tiny / EXERCISE, "name: Glute bridge", "nmae: Glute bridge")
        new = lines.wait_for("E102 unknown-field", timeout=15, poke=tiny / EXERCISE)
        assert new.startswith(f"+ {EXERCISE}:")
        summary = lines.wait_for("changed:", timeout=5)
        assert summary.endswith("changed: 2 new, 0 fixed; now 2 errors, 0 warnings.")
        assert proc.wait(timeout=10) == 0
        assert "\x1b[" not in "\n".join(lines.seen)  # piped: plain text
    finally:
        proc.kill()
        proc.wait()


def test_ctrl_c_stops_watching_with_status_0(tiny: Path) -> None:
    proc = start_watch(tiny)
    try:
        lines = Lines(proc)
        lines.wait_for("Watching", timeout=20)
        proc.send_signal(signal.SIGINT)
        lines.wait_for("Stopped watching.", timeout=10)
        assert proc.wait(timeout=10) == 0
        assert proc.stderr is not None and "Traceback" not in proc.stderr.read()
    finally:
        proc.kill()
        proc.wait()
