"""Interrupted and concurrent runs never leave a catalog half-written.

Real `python -m pipeline update` and `extract` processes are killed with SIGKILL at chosen
moments while they write; every catalog and template is then, byte for byte, either what it
was or what an uninterrupted run writes, and running the command again gives exactly the
uninterrupted result. Two `update` runs at once: the second stops with E411 (exit 2) while
the first holds the lock, and the catalogs come out as after one run.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipeline.infra.fsutil import write_atomic
from pipeline.stages import update

from catalog_helpers import env, ok, run_cli

REPO_ROOT = Path(__file__).resolve().parents[1]
EPOCH = "1700000000"
# Locales updated together: sixty-three catalogs to write, enough to be caught half-way.
EXTRA_LOCALES = ("de", "es")
FIRST_WRITTEN = "locales/de/LC_MESSAGES"  # update writes in path order
PROC_LOCKS = Path("/proc/locks")


def catalog_bytes(root: Path) -> dict[str, bytes]:
    """Every catalog and template of a project (temporary files aside)."""
    locales = root / "locales"
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted([*locales.rglob("*.po"), *locales.rglob("*.pot")])}


def revise_english(root: Path) -> None:
    """Change one text in every document, so every template and catalog has to change."""
    pattern = re.compile(r"^((?:summary|role): [^\"'>|\n].*?|    description: [^\"'>|\n].*?)"
                         r"(\.?)$", re.MULTILINE)
    for path in sorted((root / "source").rglob("*.yaml")):
        text, count = pattern.subn(r"\1 today\2", path.read_text("utf-8"), count=1)
        assert count == 1, path
        path.write_text(text, encoding="utf-8")


def copy_project(dest: Path) -> Path:
    for folder in ("source", "schema", "locales", "spelling", "media"):
        shutil.copytree(REPO_ROOT / folder, dest / folder,
                        ignore=shutil.ignore_patterns("*.lock", ".*.tmp"))
    shutil.copy2(REPO_ROOT / "pyproject.toml", dest / "pyproject.toml")
    return dest


@dataclass(frozen=True)
class Case:
    """A project about to run `command`: its catalogs before, and after a clean run."""

    root: Path
    command: str
    before: dict[str, bytes]
    after: dict[str, bytes]

    def clone(self, dest: Path) -> Path:
        shutil.copytree(self.root, dest)
        return dest


def _prepare(factory: pytest.TempPathFactory, command: str) -> Case:
    with env(SOURCE_DATE_EPOCH=EPOCH):
        root = copy_project(factory.mktemp(f"interrupt-{command}") / "project")
        for locale in EXTRA_LOCALES:
            ok(root, "init", locale, "-q")
        if command == "update":
            revise_english(root)
            ok(root, "extract", "-q")
        before = catalog_bytes(root)
        reference = factory.mktemp(f"reference-{command}") / "project"
        shutil.copytree(root, reference)
        if command == "extract":
            revise_english(root)
            revise_english(reference)
        ok(reference, command, "-q")
    after = catalog_bytes(reference)
    changed = [p for p in after if before.get(p) != after[p]]
    assert len(changed) >= 20, "the run must have many files to write"
    return Case(root, command, before, after)


@pytest.fixture(scope="module")
def update_case(tmp_path_factory: pytest.TempPathFactory) -> Case:
    return _prepare(tmp_path_factory, "update")


@pytest.fixture(scope="module")
def extract_case(tmp_path_factory: pytest.TempPathFactory) -> Case:
    return _prepare(tmp_path_factory, "extract")


def start(root: Path, command: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", command, "--root", str(root), "-q"],
        cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH})


def wait_for(condition: Callable[[], bool], proc: subprocess.Popen[str],
             timeout: float = 30.0) -> bool:
    """Spin until `condition` holds (True) or the process ends first (False)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if proc.poll() is not None:
            return False
        assert time.monotonic() < deadline, "the process never got there"
        time.sleep(0.0002)
    return True


def kill_while_writing(case: Case, root: Path, delay: float) -> int:
    """Start the command, SIGKILL it `delay` seconds after its first write; its status."""
    watched = root / (FIRST_WRITTEN if case.command == "update" else "locales/templates")
    first = watched.stat().st_mtime_ns
    proc = start(root, case.command)
    try:
        if wait_for(lambda: watched.stat().st_mtime_ns != first, proc):
            time.sleep(delay)
            proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    return proc.returncode


def assert_old_or_new(case: Case, root: Path) -> tuple[int, int]:
    """Every file is exactly its old or its new content; (old count, new count) of those
    that change."""
    found = catalog_bytes(root)
    assert set(found) == set(case.after), "a catalog appeared or vanished"
    old = new = 0
    for path, data in found.items():
        if case.before.get(path) == case.after[path]:
            assert data == case.after[path], path
        elif data == case.after[path]:
            new += 1
        else:
            assert data == case.before.get(path), f"{path} is neither old nor new"
            old += 1
    return old, new


@pytest.mark.parametrize("command", ["update", "extract"])
def test_a_killed_run_leaves_every_file_old_or_new_and_a_rerun_finishes(
        command: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    case: Case = request.getfixturevalue(f"{command}_case")
    rng = random.Random(f"interrupt-{command}")
    # Right at the first write, then at random moments through the writes; on a busy machine
    # a run may finish before the kill, so a few more tries right at the first write.
    delays = [0.0] + [rng.uniform(0.0, 0.03) for _ in range(2 if command == "update" else 1)]
    outcomes: list[tuple[float, int, int, int]] = []
    for attempt in range(len(delays) + 4):
        if attempt >= len(delays) and any(old for _, _, old, _ in outcomes):
            break
        delay = delays[attempt] if attempt < len(delays) else 0.0
        root = case.clone(tmp_path / f"{command}-{attempt}")
        status = kill_while_writing(case, root, delay)
        old, new = assert_old_or_new(case, root)
        outcomes.append((delay, status, old, new))
        with env(SOURCE_DATE_EPOCH=EPOCH):
            ok(root, command, "-q")
        differs = sorted(p for p, data in catalog_bytes(root).items() if case.after[p] != data)
        assert not differs, f"delay {delay:.4f}: the rerun differs in {differs}"
    # (delay, exit status, files still old, files new) of each try
    assert any(status == -signal.SIGKILL and old for _, status, old, _ in outcomes), outcomes


def test_an_update_stopped_after_any_write_is_finished_by_the_next_as_one_run(
        update_case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Half the catalogs merged change the memory the rest would be merged with: merging
    them afresh could decide otherwise than one uninterrupted run (it did, for a French
    catalog whose summary is a close match of others'). The next run finishes the stopped
    one's saved writes first, whatever write it stopped at. French, written last, is the
    locale with translations to carry: stops before its first write, every third one and
    its last are tried."""
    changed = [p for p, data in update_case.after.items() if update_case.before.get(p) != data]
    french = sum(1 for p in changed if p.startswith("locales/fr/"))
    assert french >= 10, "French needs writes enough to stop among"
    stops = [*range(len(changed) - french, len(changed), 3), len(changed) - 1]
    for stop_at in sorted(set(stops)):
        root = update_case.clone(tmp_path / f"stop-{stop_at}")
        written = 0

        def write(path: Path, data: bytes | str) -> None:
            nonlocal written
            if path.suffix == ".po":  # the journal, written before any catalog, is not one
                if written == stop_at:
                    raise KeyboardInterrupt
                written += 1
            write_atomic(path, data)

        with monkeypatch.context() as patch, env(SOURCE_DATE_EPOCH=EPOCH):
            patch.setattr(update, "write_atomic", write)
            assert run_cli(root, "update", "-q").code == 130
        assert assert_old_or_new(update_case, root) == (len(changed) - stop_at, stop_at)
        with env(SOURCE_DATE_EPOCH=EPOCH):
            ok(root, "update", "-q")
        assert catalog_bytes(root) == update_case.after, f"stopped after {stop_at} writes"


# --- Two runs at once --------------------------------------------------------------------------


def holds_a_lock(pid: int) -> bool:
    return any(line.split()[4] == str(pid) for line in PROC_LOCKS.read_text().splitlines()
               if len(line.split()) > 4)


@pytest.mark.skipif(not PROC_LOCKS.exists(), reason="needs Linux /proc/locks to see the lock")
def test_a_second_update_stops_with_e411_while_the_first_holds_the_lock(
        update_case: Case, tmp_path: Path) -> None:
    for attempt in range(3):  # a fast machine may let the first run finish before it is seen
        root = update_case.clone(tmp_path / f"try-{attempt}")
        first = start(root, "update")
        try:
            if not wait_for(lambda: holds_a_lock(first.pid), first):
                first.communicate()
                continue
            first.send_signal(signal.SIGSTOP)
            if not holds_a_lock(first.pid):
                first.send_signal(signal.SIGCONT)
                first.communicate()
                continue
            second = start(root, "update")
            out, err = second.communicate(timeout=60)
            assert second.returncode == 2, out + err
            assert "E411 locked: another pipeline run is updating the catalogs" in err
            assert catalog_bytes(root) == update_case.before  # the second wrote nothing
            first.send_signal(signal.SIGCONT)
            out, err = first.communicate(timeout=60)
            assert first.returncode == 0, out + err
            assert catalog_bytes(root) == update_case.after
            return
        finally:
            if first.poll() is None:
                first.send_signal(signal.SIGCONT)
                first.kill()
                first.communicate()
    pytest.fail("the first update never held the lock long enough to be seen")


def test_two_updates_started_together_write_each_catalog_once(
        update_case: Case, tmp_path: Path) -> None:
    root = update_case.clone(tmp_path / "project")
    runs = [start(root, "update") for _ in range(2)]
    outputs = [proc.communicate(timeout=60) for proc in runs]
    results = [(proc.returncode, out, err) for proc, (out, err) in zip(runs, outputs)]
    assert any(code == 0 for code, _, _ in results), results
    for code, out, err in results:
        assert code == 0 or (code == 2 and "E411" in err), (code, out, err)
    assert catalog_bytes(root) == update_case.after
