"""Memory and time stay bounded on any catalog or source file under the size limits.

Each command runs in its own process on files just under the limits, built to make a
backtracking regular expression, a quadratic parser or a Markdown parser blow up: very long
lines of quotes and backslashes (valid, and one never closed), a translation written as a
million continuation lines, a `Plural-Forms` header padded with white space, long runs of
digits and separators for the number checks, long runs of `*`, `_`, `[` and `](` for the
Markdown and link checks, and source files nested a million levels deep. The test asserts
that every run ends (the timeout only detects a hang) and that its peak memory, measured
by a wrapper process around it (`RUSAGE_CHILDREN`), stays under a generous bound.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from pipeline.gettext.pofiles import MAX_CATALOG_BYTES

from build_helpers import REPO_ROOT, configure, tiny_template

MAX_SOURCE_BYTES = 1_000_000  # the project's max_file_bytes (the default)
PEAK_MB = 400
HANG_SECONDS = 300
# Runs a command and reports its peak memory and whether it ended on its own.
MEASURE = r"""
import json, resource, subprocess, sys
try:
    done = subprocess.run(sys.argv[2:], capture_output=True, text=True, timeout=float(sys.argv[1]))
    code, out = done.returncode, done.stdout[-400:] + done.stderr[-400:]
except subprocess.TimeoutExpired:
    code, out = None, "timed out"
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
print(json.dumps({"code": code, "peak_mb": peak, "tail": out}))
"""


def _fill(unit: str, room: int) -> str:
    return unit * (room // len(unit.encode("utf-8")))


def _pathological_french(original: str) -> str:
    """The French catalog with its translations replaced by pathological ones, together
    just under the catalog size limit. The file stays valid: the translation checks see it."""
    catalog = polib.pofile(original)
    msgids = [e.msgid for e in catalog if not e.obsolete]
    header = original[:original.index("\n\n") + 2]
    lines = {
        # Long lines of quotes and backslashes (escaped), and of the characters the number,
        # link and Markdown checks scan.
        msgids[0]: '"' + _fill('\\"\\\\', 600_000) + '"',
        msgids[1]: '"' + _fill("1.", 900_000) + '"',
        msgids[2]: '"' + _fill("1 000,", 600_000) + '"',
        msgids[3]: '"' + _fill("](", 900_000) + '"',
        msgids[4]: '"' + _fill("_a", 600_000) + '"',
        msgids[5]: '"' + _fill("*", 600_000) + '"',
        msgids[6]: '"' + _fill("[**_", 600_000) + '"',
        msgids[7]: '"' + _fill("[", 600_000) + '"',
    }
    text = header + "".join(f'msgid "{polib.escape(msgid)}"\nmsgstr {body}\n\n'
                            for msgid, body in lines.items())
    # The rest as continuation lines: polib copies the string read so far for each one.
    last = f'msgid "{polib.escape(msgids[8])}"\nmsgstr ""\n'
    room = MAX_CATALOG_BYTES - 100 - len((text + last).encode("utf-8"))
    return text + last + _fill('"a"\n', room)


def _unterminated(original: str) -> str:
    header = original[:original.index("\n\n") + 2].replace("Language: fr", "Language: it")
    head = header + 'msgid "Glute bridge"\nmsgstr "'
    return head + _fill('\\"\\\\', MAX_CATALOG_BYTES - 100 - len(head.encode("utf-8"))) + "\n"


def _padded_plural_forms(original: str) -> str:
    header = original[:original.index("\n\n") + 2].replace("Language: fr", "Language: pt")
    assert header.count("plural=(n > 1);") == 1
    room = MAX_CATALOG_BYTES - 100 - len(header.encode("utf-8"))
    return header.replace("plural=(n > 1);", "plural=" + _fill(" ", room) + "x;")


@pytest.fixture(scope="module")
def catalogs_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """French (required) with one pathological but valid catalog; Italian and Portuguese
    (optional) each with one catalog that is refused: a string never closed, a padded
    Plural-Forms header."""
    root = tmp_path_factory.mktemp("bounded") / "catalogs"
    shutil.copytree(tiny_template(tmp_path_factory), root, symlinks=True,
                    ignore=shutil.ignore_patterns(".pipeline-cache"))
    configure(root, required=("fr",), optional=("it", "pt"))
    french = root / "locales" / "fr" / "LC_MESSAGES" / "glute-bridge.po"
    original = french.read_text(encoding="utf-8")
    for locale, text in (("fr", _pathological_french(original)), ("it", _unterminated(original)),
                         ("pt", _padded_plural_forms(original))):
        path = root / "locales" / locale / "LC_MESSAGES" / "glute-bridge.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        assert MAX_CATALOG_BYTES - 1000 < len(data) <= MAX_CATALOG_BYTES
        path.write_bytes(data)
    return root


@pytest.fixture(scope="module")
def sources_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Source files just under the size limit: nested a million levels deep (lists and
    mappings), and text fields holding long runs of Markdown, link and number characters."""
    root = tmp_path_factory.mktemp("bounded") / "sources"
    shutil.copytree(tiny_template(tmp_path_factory), root, symlinks=True,
                    ignore=shutil.ignore_patterns(".pipeline-cache"))
    exercises = root / "source" / "exercises"
    original = (exercises / "glute-bridge.yaml").read_text(encoding="utf-8")
    step = "  - Squeeze your buttocks and lift your hips off the floor.\n"
    assert original.count(step) == 1
    head = "# yaml-language-server: $schema=../../schema/exercise.json\nkind: exercise\n"
    room = MAX_SOURCE_BYTES - 200
    files = {
        "deep-lists": head + "id: deep-lists\nx: " + "[" * (room // 2) + "]" * (room // 2) + "\n",
        "deep-maps": head + "id: deep-maps\nx: " + _fill("{a: ", room) + "\n",
    }
    for name, unit in (("stars", "*a"), ("brackets", "[**_"), ("links", "]("),
                       ("digits", "1."), ("quotes", '\\"')):
        body = original.replace("id: glute-bridge", f"id: {name}")
        files[name] = body.replace(step, '  - "' + _fill(unit, room - len(body)) + '"\n')
    for name, text in files.items():
        data = text.encode("utf-8")
        assert MAX_SOURCE_BYTES - 1000 < len(data) <= MAX_SOURCE_BYTES, name
        (exercises / f"{name}.yaml").write_bytes(data)
    return root


def _measured(root: Path, command: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", MEASURE, str(HANG_SECONDS),
         sys.executable, "-m", "pipeline", command, "--root", str(root), "-q"],
        cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PIPELINE_NO_CACHE": "1"})


def test_every_command_ends_within_bounded_memory(catalogs_project: Path,
                                                  sources_project: Path) -> None:
    runs = {(root.name, command): _measured(root, command)
            for root, command in ((catalogs_project, "stats"), (catalogs_project, "update"),
                                  (catalogs_project, "check"), (sources_project, "check"))}
    results = {}
    for key, proc in runs.items():
        out, _ = proc.communicate(timeout=HANG_SECONDS + 60)
        results[key] = json.loads(out)
    problems = {key: found for key, found in results.items()
                if found["code"] is None or found["peak_mb"] > PEAK_MB}
    assert problems == {}, json.dumps({f"{k[0]} {k[1]}": v for k, v in problems.items()},
                                      indent=1)
    # Every run ended with its own verdict: the broken catalogs and sources are refused.
    assert {key: found["code"] for key, found in results.items()} == {
        ("catalogs", "stats"): 1, ("catalogs", "update"): 1, ("catalogs", "check"): 1,
        ("sources", "check"): 1}
