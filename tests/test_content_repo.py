"""A content repository (source/, locales/, schema/ and a pyproject.toml holding only
[tool.pipeline], no Python project) uses this tool exactly as the README's section
"pre-commit and GitHub Actions" says: the real pre-commit installs the hooks of
`.pre-commit-hooks.yaml` from a git repository holding this working tree, and the commands of
`docs/github-actions-example.yml` run with the tool installed the way that workflow installs it.

Installing the tool takes a virtualenv and its dependencies. So that this stays fast and works
offline, the dependencies come from a wheelhouse made once per run from the distributions
installed here (`_repack`), pip reads nothing else, and the hook environment is built once
(`PRE_COMMIT_HOME` shared by the file's tests and by pytest-xdist's workers).
"""

from __future__ import annotations

import base64
import csv
import functools
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from filelock import FileLock
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from ruamel.yaml import YAML

REPO_ROOT = Path(__file__).resolve().parents[1]
README = REPO_ROOT / "README.md"
WORKFLOW = REPO_ROOT / "docs" / "github-actions-example.yml"
SECTION = "### pre-commit and GitHub Actions"
TOOL = "exercise-content-pipeline"
CONTENT = ("source", "locales", "schema", "spelling", "media")
# A problem line as the tool prints it: path:line[:column]: CODE name: message
PROBLEM = re.compile(r"^(?P<path>[^\s:]+):\d+(?::\d+)?: (?P<code>[EW]\d{3}) ", re.MULTILINE)
# The workflow's install of the tool: pip's `name @ git+URL@REV`.
GIT_PIN = re.compile(rf"{TOOL} @ git\+(?P<url>[^\s\"'@]+)@(?P<rev>[^\s\"'@]+)")
TIMEOUT = 300  # seconds: a hung install fails its test instead of the whole run


# --- what the README and the workflow say ----------------------------------------------------

def readme_section() -> str:
    """The section's text, up to the next heading (a `#` line inside a code block is not one)."""
    lines = README.read_text(encoding="utf-8").splitlines(keepends=True)
    start = lines.index(SECTION + "\n")
    fenced = False
    for end in range(start + 1, len(lines)):
        fenced ^= lines[end].startswith("```")
        if not fenced and re.match(r"#{1,3} ", lines[end]):
            break
    else:
        end = len(lines)
    return "".join(lines[start:end])


def readme_block(first_line: str) -> str:
    """The section's code block whose first line starts with `first_line` (each block names
    the file of the content repository it is for)."""
    blocks = [b for b in re.findall(r"^```[^\n]*\n(.*?)^```", readme_section(),
                                    re.MULTILINE | re.DOTALL) if b.startswith(first_line)]
    assert len(blocks) == 1, f"the README section should hold one block for {first_line!r}"
    return str(blocks[0])


def load_yaml(text: str) -> Any:
    """YAML 1.2, as GitHub reads it (a YAML 1.1 reader takes the workflow's `on:` for True)."""
    return YAML(typ="safe").load(text)


def readme_pin() -> tuple[str, str]:
    """(repository URL, rev) of the README's .pre-commit-config.yaml."""
    config = load_yaml(readme_block("# .pre-commit-config.yaml"))
    (repo,) = config["repos"]
    return str(repo["repo"]), str(repo["rev"])


def workflow() -> dict[str, Any]:
    loaded: dict[str, Any] = load_yaml(WORKFLOW.read_text(encoding="utf-8"))
    return loaded


def workflow_steps() -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = workflow()["jobs"]["check"]["steps"]
    return steps


def install_step(steps: list[dict[str, Any]]) -> int:
    """Index of the step that installs the tool: the one naming it with a pinned git URL."""
    found = [i for i, s in enumerate(steps) if GIT_PIN.search(str(s.get("run", "")))]
    assert len(found) == 1, "the workflow should install the tool from one pinned git URL"
    return found[0]


def project() -> dict[str, Any]:
    with (REPO_ROOT / "pyproject.toml").open("rb") as fh:
        return tomllib.load(fh)


# --- a folder shared by the run, and the environment of a content repository's user ---------

@dataclass(frozen=True)
class Shared:
    """A folder every pytest-xdist worker of this run sees, and a way to make something in it
    once for all of them (a failure is kept, so the next test that needs it fails at once)."""

    root: Path

    def once(self, name: str, make: Callable[[Path], None]) -> Path:
        folder = self.root / name
        with FileLock(str(self.root / f"{name}.lock")):
            if (self.root / f"{name}.failed").exists():
                pytest.fail((self.root / f"{name}.failed").read_text(), pytrace=False)
            if not (self.root / f"{name}.done").exists():
                shutil.rmtree(folder, ignore_errors=True)
                folder.mkdir(parents=True)
                try:
                    make(folder)
                except BaseException as exc:
                    (self.root / f"{name}.failed").write_text(f"making {name} failed: {exc}")
                    raise
                (self.root / f"{name}.done").touch()
        return folder


@pytest.fixture(scope="session")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Shared:
    base = tmp_path_factory.getbasetemp()
    # Under xdist each worker's base folder is a child of the run's own.
    root = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "content-repo"
    root.mkdir(exist_ok=True)
    return Shared(root)


def run(args: list[str], cwd: Path, env: dict[str, str], check: bool = True
        ) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=TIMEOUT, check=False)
    if check and done.returncode != 0:
        pytest.fail(f"{' '.join(args)} exited {done.returncode}\n"
                    f"--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}", pytrace=False)
    return done


def git(repo: Path, env: dict[str, str], *args: str) -> str:
    return run(["git", *args], repo, env).stdout


@pytest.fixture(scope="session")
def base_env(shared: Shared) -> dict[str, str]:
    """No `pipeline` on PATH (the hooks and the workflow bring their own), nothing leading
    Python to this tree, git without the user's configuration, and the tool's signing key in
    a folder of the run."""
    here = Path(sys.prefix, "bin")
    path = [p for p in os.environ.get("PATH", "").split(os.pathsep)
            if p and Path(p) != here and not Path(p, "pipeline").exists()]
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PRE_COMMIT", "PIP_", "PYTHON", "GIT_", "VIRTUAL_ENV"))
           and k not in ("SKIP", "PIPELINE_NO_CACHE")}
    env.update(PATH=os.pathsep.join(path), XDG_CACHE_HOME=str(shared.root / "xdg-cache"),
               GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1",
               GIT_AUTHOR_NAME="Writer", GIT_AUTHOR_EMAIL="writer@example.org",
               GIT_COMMITTER_NAME="Writer", GIT_COMMITTER_EMAIL="writer@example.org",
               NO_COLOR="1")
    assert shutil.which("pipeline", path=env["PATH"]) is None
    return env


# --- the tool as a git repository, and its dependencies as wheels ----------------------------

@dataclass(frozen=True)
class ToolRepo:
    path: Path
    rev: str

    @property
    def url(self) -> str:
        return self.path.as_uri()


@pytest.fixture(scope="session")
def tool_repo(shared: Shared, base_env: dict[str, str]) -> ToolRepo:
    """A git repository holding this working tree as it is now (tracked files and new ones
    git does not ignore), tagged with the release the README pins: pre-commit and pip fetch
    the tool from it as they would from its real home."""
    if not (REPO_ROOT / ".git").exists():
        pytest.skip("the tool's source is not a git checkout")
    _, rev = readme_pin()

    def make(folder: Path) -> None:
        listed = run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                     REPO_ROOT, base_env).stdout.split("\0")
        repo = folder / TOOL
        for rel in filter(None, listed):
            source = REPO_ROOT / rel
            if source.is_file() and not source.is_symlink():
                (repo / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, repo / rel)
        git(repo, base_env, "init", "-q")
        git(repo, base_env, "add", "-A")
        git(repo, base_env, "commit", "-q", "-m", "snapshot")
        git(repo, base_env, "tag", rev)

    return ToolRepo(shared.once("tool", make) / TOOL, rev)


def _wheel_name(name: str, version: str, wheel_info: str) -> str:
    tags: list[set[str]] = [set(), set(), set()]
    for line in wheel_info.splitlines():
        if line.startswith("Tag:"):
            for part, found in zip(line.split(":", 1)[1].strip().split("-"), tags,
                                   strict=True):
                found.update(part.split("."))
    assert all(tags), f"{name} {version}: no Tag in its WHEEL file"
    return "-".join([re.sub(r"[-_.]+", "_", name), version,
                     *(".".join(sorted(t)) for t in tags)]) + ".whl"


def _repack(dist: metadata.Distribution, dest: Path) -> None:
    """The wheel an installed distribution came from, made again from the files its RECORD
    lists (scripts outside site-packages are left out, as pip writes them again from the entry
    points; so is byte code, which pip compiles again)."""
    files = dist.files or []
    info = next(f.parent for f in files
                if f.name == "METADATA" and f.parent.name.endswith(".dist-info"))
    skip = {info / n for n in ("RECORD", "INSTALLER", "REQUESTED", "direct_url.json")}
    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")
    name = _wheel_name(dist.metadata["Name"], dist.version, dist.read_text("WHEEL") or "")
    with zipfile.ZipFile(dest / name, "w", zipfile.ZIP_STORED) as wheel:
        for file in files:
            if (file.parts[0] == ".." or file in skip or "__pycache__" in file.parts
                    or file.suffix == ".pyc"):
                continue
            data = Path(str(dist.locate_file(file))).read_bytes()
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            writer.writerow([file.as_posix(), f"sha256={digest.decode()}", len(data)])
            wheel.writestr(file.as_posix(), data)
        writer.writerow([(info / "RECORD").as_posix(), "", ""])
        wheel.writestr((info / "RECORD").as_posix(), record.getvalue())


def _closure(requirements: list[str]) -> tuple[list[metadata.Distribution], list[str]]:
    """The installed distributions these requirements need, with their own requirements
    (markers and extras read as pip reads them), and the requirements nothing installed
    meets."""
    found: dict[str, metadata.Distribution] = {}
    extras: dict[str, set[str]] = {}
    missing: list[str] = []
    queue = [(Requirement(r), {""}) for r in requirements]
    while queue:
        req, asked = queue.pop()
        if req.marker is not None and not any(req.marker.evaluate({"extra": e}) for e in asked):
            continue
        key = canonicalize_name(req.name)
        try:
            dist = found.get(key) or metadata.distribution(req.name)
        except metadata.PackageNotFoundError:
            missing.append(str(req))
            continue
        if not req.specifier.contains(dist.version, prereleases=True):
            missing.append(str(req))
            continue
        wanted = set(req.extras) | {""}
        if key in found and wanted <= extras[key]:
            continue
        found[key] = dist
        extras[key] = extras.get(key, set()) | wanted
        queue += [(Requirement(r), extras[key]) for r in dist.requires or []]
    return list(found.values()), missing


@pytest.fixture(scope="session")
def pip_env(shared: Shared, base_env: dict[str, str]) -> dict[str, str]:
    """pip settings under which installing the tool reads a local wheelhouse only: the tool's
    dependencies as installed here, and for its build the setuptools wheel virtualenv carries.
    Should a dependency not be installed here, pip reads its index for it as well."""
    def embedded_wheel(name: str) -> Any:
        try:
            from virtualenv.seed.wheels.embed import get_embed_wheel
        except ImportError:
            return None
        return get_embed_wheel(name, f"{sys.version_info[0]}.{sys.version_info[1]}")

    def make(folder: Path) -> None:
        dists, missing = _closure(project()["project"]["dependencies"])
        for dist in dists:
            _repack(dist, folder)
        for text in project()["build-system"]["requires"]:
            req = Requirement(text)
            have, _ = _closure([text])
            embedded = embedded_wheel(req.name)
            if have:
                _repack(have[0], folder)
            elif embedded is not None and req.specifier.contains(embedded.version):
                shutil.copy2(embedded.path, folder)
            else:
                missing.append(text)
        (folder / "missing.txt").write_text("\n".join(missing), encoding="utf-8")

    wheelhouse = shared.once("wheelhouse", make)
    env = dict(base_env, PIP_FIND_LINKS=str(wheelhouse), PIP_CONFIG_FILE=os.devnull,
               PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_CACHE_DIR=str(shared.root / "pip-cache"))
    if not (wheelhouse / "missing.txt").read_text(encoding="utf-8").strip():
        env["PIP_NO_INDEX"] = "1"
    return env


# --- content repositories --------------------------------------------------------------------

@functools.cache
def pyproject_of_content() -> str:
    """This repository's [tool.pipeline] tables, as text: all a content repository's
    pyproject.toml holds."""
    tables = re.split(r"(?m)^(?=\[)", (REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    kept = "".join(t for t in tables if re.match(r"\[\s*tool\s*\.\s*pipeline\s*[\].]", t))
    assert tomllib.loads(kept) == {"tool": {"pipeline": project()["tool"]["pipeline"]}}
    return kept


def make_content_repo(root: Path, env: dict[str, str], tool: ToolRepo,
                      files: dict[str, str]) -> Path:
    """A git repository holding this project's content (as the tool's repository holds it)
    and nothing else, committed."""
    root.mkdir(parents=True)
    for folder in CONTENT:
        shutil.copytree(tool.path / folder, root / folder)
    (root / "pyproject.toml").write_text(pyproject_of_content(), encoding="utf-8")
    for rel, text in files.items():
        (root / rel).write_text(text, encoding="utf-8")
    git(root, env, "init", "-q")
    git(root, env, "add", "-A")
    git(root, env, "commit", "-q", "-m", "content")
    return root


def precommit_config(tool: ToolRepo) -> str:
    """The README's .pre-commit-config.yaml with this run's repository in place of the URL."""
    text = readme_block("# .pre-commit-config.yaml")
    url, _ = readme_pin()
    assert text.count(url) == 1
    return text.replace(url, tool.url)


def pre_commit(repo: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-m", "pre_commit", "run", "--color", "never", *args], repo,
               env, check=False)


@pytest.fixture(scope="session")
def precommit_env(pip_env: dict[str, str], shared: Shared) -> dict[str, str]:
    """pre-commit with a home of this run, where the hook environment is built once."""
    return dict(pip_env, PRE_COMMIT_HOME=str(shared.root / "pre-commit-home"))


@dataclass(frozen=True)
class FirstRun:
    """A content repository set up as the README says, but without a .gitignore (whatever the
    hooks leave behind shows as untracked), after pre-commit built the hook environment and
    ran the hooks on every file of the good content; and what git saw then."""

    repo: Path
    result: subprocess.CompletedProcess[str]
    status: str  # `git status --porcelain --untracked-files=all`
    staged: str  # what `git add -A` staged


@pytest.fixture(scope="session")
def first_run(shared: Shared, precommit_env: dict[str, str], tool_repo: ToolRepo) -> FirstRun:
    names = ("returncode", "stdout", "stderr", "status", "staged")

    def make(folder: Path) -> None:
        env = precommit_env
        repo = make_content_repo(folder / "repo", env, tool_repo,
                                 {".pre-commit-config.yaml": precommit_config(tool_repo)})
        run([sys.executable, "-m", "pre_commit", "install-hooks"], repo, env)
        done = pre_commit(repo, env, "--all-files")
        status = git(repo, env, "status", "--porcelain", "--untracked-files=all")
        git(repo, env, "add", "-A")
        staged = git(repo, env, "diff", "--cached", "--name-only")
        for name, value in zip(names, (done.returncode, done.stdout, done.stderr, status,
                                       staged), strict=True):
            (folder / name).write_text(str(value), encoding="utf-8")

    folder = shared.once("first-run", make)
    code, out, err, status, staged = ((folder / n).read_text(encoding="utf-8") for n in names)
    return FirstRun(folder / "repo",
                    subprocess.CompletedProcess(["pre-commit", "run", "--all-files"],
                                                int(code), out, err), status, staged)


@pytest.fixture
def hooked_repo(tmp_path: Path, first_run: FirstRun) -> Path:
    """A working copy of the first run's repository: the hooks have run in it before."""
    return Path(shutil.copytree(first_run.repo, tmp_path / "content", symlinks=True))


def hook_outputs(output: str) -> dict[str, str]:
    """What each hook printed, by hook id (pre-commit shows it when the hook fails)."""
    parts = re.split(r"^- hook id: (\S+)\n", output, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def break_source(repo: Path) -> None:
    """A writer's typo: a field the model does not know."""
    path = repo / "source" / "exercises" / "bird-dog.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\nname: ", "\nnmae: Bird dog\nname: ", 1), encoding="utf-8")


def break_catalogs(repo: Path) -> tuple[str, str]:
    """A translator's unfinished work in the required locale: an entry marked fuzzy in one
    catalog, a translation emptied in another. Returns the two catalogs."""
    fuzzy = "locales/fr/LC_MESSAGES/cat-cow.po"
    empty = "locales/fr/LC_MESSAGES/clamshell.po"
    text = (repo / fuzzy).read_text(encoding="utf-8")
    at = text.index("\n#: source/")
    (repo / fuzzy).write_text(text[:at] + "\n#, fuzzy" + text[at:], encoding="utf-8")
    text = (repo / empty).read_text(encoding="utf-8")
    entry = re.compile(r'(\nmsgid "[^"\n]+"\nmsgstr )"[^"\n]+"\n')
    assert entry.search(text), f"{empty} has no one-line entry to empty"
    (repo / empty).write_text(entry.sub(r'\1""\n', text, count=1), encoding="utf-8")
    return fuzzy, empty


def lock_files(repo: Path) -> list[str]:
    """The lock files the tool made in a content repository (git's own aside; the
    `locales/.pipeline.lock` an older version left in the content is committed, not made)."""
    return sorted(rel for p in repo.rglob("*.lock")
                  if (rel := p.relative_to(repo).as_posix()) != "locales/.pipeline.lock"
                  and not rel.startswith(".git/"))


def problems(text: str) -> Counter[tuple[str, str]]:
    return Counter((m["path"], m["code"]) for m in PROBLEM.finditer(text))


def problem_lines(text: str) -> Counter[str]:
    return Counter(line for line in text.splitlines() if PROBLEM.match(line))


# --- tests (ordered so that pytest-xdist starts the workflow beside the hook environment) ----

def test_readme_and_workflow_pin_the_same_release() -> None:
    """One version of the tool for commits and for CI: the release tag of this tree, which
    the README tells content repositories to use."""
    _, rev = readme_pin()
    steps = workflow_steps()
    pin = GIT_PIN.search(steps[install_step(steps)]["run"])
    assert pin is not None and pin["rev"] == rev
    assert rev == f"v{project()['project']['version']}"
    assert pin["url"] == readme_pin()[0]
    assert f'`{steps[install_step(steps)]["run"]}`' in readme_section()


def test_hooks_pass_on_good_content_and_leave_nothing_behind(
        first_run: FirstRun, base_env: dict[str, str]) -> None:
    done = first_run.result
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"^validate exercise content\.+Passed$", done.stdout, re.MULTILINE)
    assert re.search(r"^check translations\.+Passed$", done.stdout, re.MULTILINE)
    # The hooks kept their results, in a folder git ignores by itself: nothing to commit.
    assert (first_run.repo / ".pipeline-cache").is_dir()
    assert first_run.status == ""
    assert first_run.staged == ""
    ignored = git(first_run.repo, base_env, "check-ignore", "-v", ".pipeline-cache/x")
    assert ignored.startswith(".pipeline-cache/.gitignore:")
    # The hooks only read: no lock was taken, so there is no lock file anywhere.
    assert lock_files(first_run.repo) == []


def test_workflow_runs_in_a_content_repository(
        tmp_path: Path, pip_env: dict[str, str], tool_repo: ToolRepo) -> None:
    """The workflow's own `run:` lines, from the install on, in a content repository that
    ignores what the README says to ignore; only the tool's URL is this run's repository."""
    settings = workflow()
    assert not {"env", "defaults"} & (set(settings) | set(settings["jobs"]["check"])), \
        "this test runs the steps without workflow or job settings"
    steps = workflow_steps()
    first = install_step(steps)
    assert all("run" not in s for s in steps[:first])
    repo = make_content_repo(tmp_path / "content", pip_env, tool_repo,
                             {".gitignore": readme_block("# .gitignore")})
    venv = tmp_path / "python"  # the Python setup-python provides
    run([sys.executable, "-m", "virtualenv", "-q", str(venv)], tmp_path, pip_env)
    env = dict(pip_env, PATH=os.pathsep.join([str(venv / "bin"), pip_env["PATH"]]),
               GITHUB_ACTIONS="true", CI="true")
    for step in steps[first:]:
        if "run" not in step:
            continue
        # Every step is to succeed here, so `if: always()` changes nothing; other keys would.
        assert set(step) <= {"run", "name", "if"} and step.get("if", "always()") == "always()", \
            f"this test does not know how to run {step}"
        line = step["run"]
        pin = GIT_PIN.search(line)
        if pin is not None:
            line = line.replace(f"git+{pin['url']}@", f"git+{tool_repo.url}@")
        # The shell GitHub runs a `run:` line with on Linux.
        done = run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", line], repo, env,
                   check=False)
        assert done.returncode == 0, f"{line}\n{done.stdout}\n{done.stderr}"
        assert "::error" not in done.stdout
    # The tool came from the pinned repository, into the workflow's Python.
    assert (venv / "bin" / "pipeline").exists()
    # What the artifact steps upload is there.
    for step in steps:
        if str(step.get("uses", "")).startswith("actions/upload-artifact@"):
            for path in str(step["with"]["path"]).split():
                if not path.startswith("!"):
                    assert any((repo / path).iterdir()), path
    # A translator's next step writes the catalogs. With the README's .gitignore nothing the
    # tool wrote is left to commit, and the cache needs no line of its own.
    run([str(venv / "bin" / "pipeline"), "update"], repo, env)
    assert git(repo, env, "status", "--porcelain", "--untracked-files=all") == ""
    assert ".pipeline-cache" not in readme_block("# .gitignore")
    assert (repo / ".pipeline-cache").is_dir()
    # What git ignores is the build and the tool's own folder, which holds the locks of
    # `build`/`preview` and of `update`: no lock file next to build/ or in locales/.
    ignored = git(repo, env, "ls-files", "--others", "--ignored", "--exclude-standard",
                  "--directory")
    assert sorted({line.split("/")[0] for line in ignored.splitlines()}) == [
        ".pipeline-cache", "build"], ignored
    assert lock_files(repo) == [".pipeline-cache/build.lock", ".pipeline-cache/catalogs.lock"]
    shutil.rmtree(venv)  # a few hundred megabytes, of no use once the test passed


def test_each_problem_is_printed_once_by_the_hook_that_owns_it(
        hooked_repo: Path, precommit_env: dict[str, str]) -> None:
    """With both hooks on every file, the source problem comes from pipeline-validate and
    the catalog problems from pipeline-check, each once."""
    break_source(hooked_repo)
    fuzzy, empty = break_catalogs(hooked_repo)
    done = pre_commit(hooked_repo, precommit_env, "--all-files")
    assert done.returncode == 1, done.stdout + done.stderr
    by_hook = hook_outputs(done.stdout)
    assert problems(by_hook["pipeline-validate"]) == {
        ("source/exercises/bird-dog.yaml", "E102"): 1}
    assert problems(by_hook["pipeline-check"]) == {(fuzzy, "E502"): 1, (empty, "E501"): 1}
    lines = problem_lines(done.stdout + done.stderr)
    assert len(lines) == 3 and set(lines.values()) == {1}, lines
    assert "'nmae'" in next(line for line in lines if " E102 " in line)
    status = git(hooked_repo, precommit_env, "status", "--porcelain", "--untracked-files=all")
    assert sorted(status.splitlines()) == sorted(
        [f" M {fuzzy}", f" M {empty}", " M source/exercises/bird-dog.yaml"])


def test_commit_of_broken_catalogs_is_refused(
        hooked_repo: Path, precommit_env: dict[str, str]) -> None:
    """A real `git commit` through the installed hook: only what the commit holds is looked
    at, each problem is printed once, and the commit does not happen."""
    run([sys.executable, "-m", "pre_commit", "install"], hooked_repo, precommit_env)
    head = git(hooked_repo, precommit_env, "rev-parse", "HEAD")
    fuzzy, empty = break_catalogs(hooked_repo)
    break_source(hooked_repo)  # changed but not staged: not part of the commit
    git(hooked_repo, precommit_env, "add", fuzzy, empty)
    done = run(["git", "commit", "-m", "French"], hooked_repo, precommit_env, check=False)
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert git(hooked_repo, precommit_env, "rev-parse", "HEAD") == head
    assert re.search(r"^validate exercise content\.+\(no files to check\)Skipped$", output,
                     re.MULTILINE), output
    assert problems(output) == {(fuzzy, "E502"): 1, (empty, "E501"): 1}
    assert set(problem_lines(output).values()) == {1}
    # pre-commit put the unstaged change back, and nothing new appeared.
    status = git(hooked_repo, precommit_env, "status", "--porcelain", "--untracked-files=all")
    assert sorted(status.splitlines()) == sorted(
        [f"M  {fuzzy}", f"M  {empty}", " M source/exercises/bird-dog.yaml"])


def test_workflow_matches_the_github_workflow_schema(tmp_path: Path) -> None:
    """SchemaStore's schema for workflows, as check-jsonschema carries it (offline); the same
    file with a misspelt key is refused, so the check is not vacuous."""
    broken = tmp_path / "content.yml"
    broken.write_text(WORKFLOW.read_text(encoding="utf-8").replace("runs-on:", "run-on:"),
                      encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema",
                           "vendor.github-workflows", "--output-format", "json",
                           str(WORKFLOW), str(broken)],
                          capture_output=True, text=True, timeout=TIMEOUT, check=False)
    report = json.loads(done.stdout)
    assert not report["parse_errors"], report
    assert {e["filename"] for e in report["errors"]} == {str(broken)}, report
