"""The run locks live in the tool's own folder, `.pipeline-cache/`, which ignores itself.

`build`/`preview` hold `.pipeline-cache/build.lock` and `extract`/`init`/`update` hold
`.pipeline-cache/catalogs.lock` (older versions left `.build.lock` next to build/ and
`locales/.pipeline.lock`, both untracked files in a content repository). Every test runs the
real command line in separate processes on a fresh git repository made from a content
project:

* after `extract`, `update`, `build` and `preview`, with the cache on and off, git sees
  nothing new, though the repository's .gitignore names only `/build/`;
* two runs at once still exclude each other: a child process holds a lock (it prints a line
  once it has it, and waits for a line on its input before going on), and the second run
  stops at once with E411 naming the lock in `.pipeline-cache/`;
* pruning the cache (results of another version of the code) while another run holds a
  lock removes neither lock file, so the lock still excludes a third run;
* a project on a read-only file system that builds into a folder elsewhere still builds, as
  it did when the lock was next to the build folder;
* a `locales/.pipeline.lock` left by an older version is ignored.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from build_helpers import tiny_template

REPO_ROOT = Path(__file__).resolve().parents[1]
EPOCH = "1700000000"
TIMEOUT = 120  # seconds: a run that hangs fails its test instead of the whole suite
CACHE = ".pipeline-cache"
BUILD_LOCK = f"{CACHE}/build.lock"
CATALOGS_LOCK = f"{CACHE}/catalogs.lock"
LOCK_OF = {"build": BUILD_LOCK, "preview": BUILD_LOCK,
           "extract": CATALOGS_LOCK, "update": CATALOGS_LOCK}

# A real run of the command line that, once it holds its lock, prints `holding <lock>` and
# waits for a line on its input before it goes on: the test knows the lock is held, with
# no sleep. Only the announcement is added (to `fsutil.exclusive`, which every lock is
# taken with, before any module imports it); the command runs as it always does.
HOLDER = """
import contextlib, sys
from pipeline.infra import fsutil

taken = fsutil.exclusive

@contextlib.contextmanager
def announced(path, doing="", shown=None):
    with taken(path, doing, shown):
        print("holding", shown, flush=True)
        sys.stdin.readline()
        yield

fsutil.exclusive = announced
from pipeline.cli import main
sys.exit(main(sys.argv[1:]))
"""


# --------------------------------------------------------------------------------------------
# A content repository and the runs in it


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """The runs' environment: the cache on, a signing key of the test's own, git without the
    user's configuration."""
    found = {k: v for k, v in os.environ.items()
             if k != "PIPELINE_NO_CACHE" and not k.startswith("GIT_")}
    found.update(XDG_CACHE_HOME=str(tmp_path / "xdg-cache"), SOURCE_DATE_EPOCH=EPOCH,
                 NO_COLOR="1", GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1",
                 GIT_AUTHOR_NAME="Writer", GIT_AUTHOR_EMAIL="writer@example.org",
                 GIT_COMMITTER_NAME="Writer", GIT_COMMITTER_EMAIL="writer@example.org")
    return found


def git(repo: Path, env: dict[str, str], *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True,
                          timeout=TIMEOUT, check=False)
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout


def status(repo: Path, env: dict[str, str]) -> str:
    return git(repo, env, "status", "--porcelain", "--untracked-files=all")


def make_repo(template: Path, root: Path, env: dict[str, str]) -> Path:
    """A git repository holding a content project (source/, locales/, schema/,
    pyproject.toml) as committed, with a .gitignore naming only the build folder: any other
    file a run leaves in the project shows in `git status`."""
    def written_by_runs(folder: str, names: list[str]) -> set[str]:
        skip = {name for name in names if name.endswith(".lock")}
        return skip | ({CACHE, "build"} & set(names) if Path(folder) == template else set())

    shutil.copytree(template, root, symlinks=True, ignore=written_by_runs)
    (root / ".gitignore").write_text("/build/\n", encoding="utf-8")
    git(root, env, "init", "-q")
    git(root, env, "add", "-A")
    git(root, env, "commit", "-q", "-m", "content")
    assert status(root, env) == ""
    return root


@pytest.fixture
def repo(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path,
         env: dict[str, str]) -> Path:
    """The tiny project (French required and complete) as a fresh git repository."""
    return make_repo(tiny_template(tmp_path_factory), tmp_path / "content", env)


def pipeline(root: Path, env: dict[str, str], *args: str, quiet: bool = True
             ) -> subprocess.CompletedProcess[str]:
    """`python -m pipeline <args> --root <root> -q`, a process of its own."""
    return subprocess.run([sys.executable, "-m", "pipeline", *args, "--root", str(root),
                           *(["-q"] if quiet else [])],
                          cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                          timeout=TIMEOUT, check=False)


def ok(root: Path, env: dict[str, str], *args: str, quiet: bool = True) -> str:
    done = pipeline(root, env, *args, quiet=quiet)
    assert done.returncode == 0, f"pipeline {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def refused(root: Path, env: dict[str, str], lock: str, *args: str) -> None:
    """The run stops at once with E411 (exit status 2), naming the lock another run holds."""
    done = pipeline(root, env, *args)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "E411 locked: another pipeline run is" in done.stderr, done.stderr
    assert f"({lock})" in done.stderr, done.stderr


@contextmanager
def holding(root: Path, env: dict[str, str], *args: str) -> Iterator[str]:
    """A run of `pipeline <args>` paused while it holds its lock (the lock's name, as the run
    shows it, is given); it goes on, and has to succeed, when the block ends."""
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, *args, "--root", str(root), "-q"],
                            cwd=REPO_ROOT, env=env, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watchdog = threading.Timer(TIMEOUT, proc.kill)
    watchdog.start()
    try:
        assert proc.stdout is not None and proc.stdin is not None
        line = proc.stdout.readline()
        if not line.startswith("holding "):
            proc.kill()
            out, err = proc.communicate()
            pytest.fail(f"pipeline {' '.join(args)} never held its lock: {line}{out}\n{err}")
        yield line.split(" ", 1)[1].strip()
        out, err = proc.communicate("\n")
        assert proc.returncode == 0, f"pipeline {' '.join(args)}:\n{line}{out}\n{err}"
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def lock_files(root: Path) -> list[str]:
    """Every lock file in the project (git's own aside)."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.lock")
                  if ".git" not in p.relative_to(root).parts)


# --------------------------------------------------------------------------------------------
# Nothing for git


@pytest.mark.parametrize("cache_off", [False, True], ids=["cache", "no-cache"])
def test_runs_leave_nothing_git_would_show(repo: Path, env: dict[str, str],
                                           cache_off: bool) -> None:
    """After every command that takes a lock, `git status` is as after the commit: the locks
    are in `.pipeline-cache/`, which its own .gitignore hides, also with the cache off."""
    if cache_off:
        env["PIPELINE_NO_CACHE"] = "1"
    for command in ("build", "extract", "update", "preview", "build"):
        ok(repo, env, command)
        assert status(repo, env) == "", f"after {command}"
    assert lock_files(repo) == [BUILD_LOCK, CATALOGS_LOCK]
    assert git(repo, env, "check-ignore", "-v", BUILD_LOCK, CATALOGS_LOCK).splitlines() == [
        f"{CACHE}/.gitignore:2:*\t{BUILD_LOCK}", f"{CACHE}/.gitignore:2:*\t{CATALOGS_LOCK}"]
    kept = sorted(p.name for p in (repo / CACHE).iterdir())
    results = [name for name in kept
               if name not in {".gitignore", "CACHEDIR.TAG", "build.lock", "catalogs.lock"}]
    # With the cache off only the locks (and the files that hide them) are written.
    assert bool(results) != cache_off, kept
    assert (repo / "build" / "site" / "manifest.json").is_file()


def test_the_commands_that_only_read_take_no_lock(repo: Path, env: dict[str, str]) -> None:
    for command in ("validate", "check", "stats"):
        ok(repo, env, command)
    assert lock_files(repo) == []
    assert status(repo, env) == ""


# --------------------------------------------------------------------------------------------
# Two runs at once


# Each command that locks, holding its lock and refused another's of the same kind, with
# the cache on and off among them: the lock does not depend on the cache.
@pytest.mark.parametrize(("first", "seconds", "cache_off"), [
    ("build", ("build", "preview"), False), ("preview", ("build",), True),
    ("update", ("update", "extract"), True), ("extract", ("update",), False),
], ids=["build", "preview", "update", "extract"])
def test_a_second_run_stops_while_the_first_holds_the_lock(
        repo: Path, env: dict[str, str], first: str, seconds: tuple[str, ...],
        cache_off: bool) -> None:
    if cache_off:
        env["PIPELINE_NO_CACHE"] = "1"
    with holding(repo, env, first) as lock:
        for second in seconds:
            assert lock == LOCK_OF[first] == LOCK_OF[second]
            refused(repo, env, lock, second)
        assert (repo / lock).is_file()
    ok(repo, env, seconds[0])  # once the first is done
    assert status(repo, env) == ""


def test_the_build_and_the_catalogs_have_locks_of_their_own(
        repo: Path, env: dict[str, str]) -> None:
    """As before: a translator's `update` may run while CI builds, and the other way round."""
    with holding(repo, env, "build"):
        ok(repo, env, "update")
    with holding(repo, env, "update"):
        ok(repo, env, "build")


# --------------------------------------------------------------------------------------------
# Pruning the cache


def _other_version(repo: Path) -> Path:
    """Results of another version of the code: the next run that stores a result removes
    them."""
    other = repo / CACHE / ("0" * 32)
    (other / "gate").mkdir(parents=True)
    (other / "gate" / "entry.pkl").write_bytes(b"old")
    return other


@pytest.mark.parametrize(("holder", "pruner"), [
    ("update", "build"),  # `build` stores its record and the gate's results
    ("build", "check"),  # `check` stores the gate's results
])
def test_a_prune_of_the_cache_keeps_a_lock_another_run_holds(
        repo: Path, env: dict[str, str], holder: str, pruner: str) -> None:
    """The pruning run stores results (the project has none yet), so it first removes those
    of other versions of the code; the lock files are not among them."""
    other = _other_version(repo)
    with holding(repo, env, holder) as lock:
        assert lock == LOCK_OF[holder]
        inode = (repo / lock).stat().st_ino
        ok(repo, env, pruner)
        assert not other.exists(), "the run removed no other version: no prune was tested"
        assert (repo / lock).stat().st_ino == inode
        # Still the lock the holder has: a third run is refused.
        refused(repo, env, lock, holder)
    assert lock in lock_files(repo)
    assert status(repo, env) == ""


# --------------------------------------------------------------------------------------------
# A read-only project


@pytest.fixture
def mounts() -> Iterator[list[Path]]:
    made: list[Path] = []
    try:
        yield made
    finally:
        for where in reversed(made):
            if subprocess.run(["umount", str(where)], capture_output=True).returncode:
                subprocess.run(["umount", "-l", str(where)], capture_output=True)


def read_only(source: Path, where: Path, mounts: list[Path]) -> Path:
    """`source` seen again at `where`, on a read-only bind mount (Linux, as root)."""
    if shutil.which("mount") is None:
        pytest.skip("no mount command here")
    where.mkdir(parents=True)
    for args in (["--bind", str(source), str(where)], ["-o", "remount,bind,ro", str(where)]):
        done = subprocess.run(["mount", *args], capture_output=True, text=True)
        if done.returncode != 0:
            if os.geteuid() != 0 or not sys.platform.startswith("linux") or any(
                    s in done.stderr.lower() for s in ("permission denied", "not permitted")):
                pytest.skip(f"mount is not permitted here: {done.stderr.strip()}")
            raise AssertionError(f"mount {' '.join(args)}: {done.stderr}")
        if where not in mounts:
            mounts.append(where)
    return where


def test_a_read_only_project_still_builds_into_a_folder_elsewhere(
        repo: Path, tmp_path: Path, env: dict[str, str], mounts: list[Path]) -> None:
    """A checkout mounted read-only that builds into a writable folder outside it: the build
    lock cannot be made in `.pipeline-cache/`, so it is taken next to the build folder, where
    it always was for such a project, and still excludes a second build. What needs the
    project itself stops with E013 at the lock in `.pipeline-cache/`."""
    text = (repo / "pyproject.toml").read_text(encoding="utf-8")
    (repo / "pyproject.toml").write_text(text.replace('build = "build"', 'build = "../out"'),
                                         encoding="utf-8")
    seen = read_only(repo, tmp_path / "read-only", mounts)
    beside = tmp_path / ".out.lock"
    ok(seen, env, "build")
    assert (tmp_path / "out" / "site" / "manifest.json").is_file()
    assert beside.is_file() and lock_files(repo) == []
    with holding(seen, env, "build") as lock:
        assert Path(lock).resolve() == beside.resolve()
        refused(seen, env, lock, "build")
    done = pipeline(seen, env, "update")
    assert done.returncode == 1, done.stdout + done.stderr
    assert (f"{CATALOGS_LOCK}: E013 file-system: cannot create the lock's folder: "
            "Read-only file system") in done.stdout


# --------------------------------------------------------------------------------------------
# A lock file an older version left


def test_an_old_lock_file_in_the_locales_folder_is_ignored(
        repo: Path, env: dict[str, str]) -> None:
    """`locales/.pipeline.lock` from an older version: not an input of the build (adding or
    deleting it rebuilds nothing), reported by no command, and left alone."""
    assert " (0 exported, " not in ok(repo, env, "build", quiet=False)
    old = repo / "locales" / ".pipeline.lock"
    old.touch()
    for command in ("check", "extract", "update"):
        done = pipeline(repo, env, command, quiet=False)
        assert done.returncode == 0, done.stdout + done.stderr
        assert ".pipeline.lock" not in done.stdout + done.stderr
    assert old.is_file()
    assert " (0 exported, " in ok(repo, env, "build", quiet=False)
    old.unlink()
    assert " (0 exported, " in ok(repo, env, "build", quiet=False)
