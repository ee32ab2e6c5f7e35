"""Helpers for the build tests: content projects in temporary folders, CLI runs, catalog
edits and byte-for-byte snapshots of build/.

Nothing here writes into the repository: every project is a copy under a pytest tmp folder,
and every pipeline command runs with `--root` pointing at that copy.

Two projects are used:

* a copy of the real project (source/, schema/, locales/, pyproject.toml) with French made
  an optional locale — translators may be half-way through it, so whatever `check` rejects
  in the copied French catalogs is cleared first (untranslated is fine for an optional
  locale, a translation that breaks the model is not what these tests are about);
* a tiny project (tests/fixtures/build/tiny: glossary, one reviewer, one exercise, one guide)
  with hand-written French catalogs that pass every check, for the required-locale tests.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import struct
import sys
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from itertools import accumulate
from pathlib import Path
from typing import Any

import polib
import pytest

from pipeline.cli import main
from pipeline.core.codes import CODES
from pipeline.core.config import Config, load_config
from pipeline.core.environment import Environment
from pipeline.gettext.pofiles import PoReadError, read_catalog, render_catalog
from pipeline.stages.build import run_build
from pipeline.stages.gate import run_gate

from runner import Run, run_cli

REPO_ROOT = Path(__file__).resolve().parents[1]
TINY = Path(__file__).parent / "fixtures" / "build" / "tiny"
PYTHON = sys.executable
NBSP = "\u00a0"


# --------------------------------------------------------------------------------------------
# Configuration



def cli_config(root: Path) -> Config:
    """The configuration as the command line loads it: with what the environment says
    (the test's SOURCE_DATE_EPOCH, PIPELINE_NO_CACHE, XDG_CACHE_HOME...)."""
    return load_config(root, Environment.read(os.environ))

def _toml(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(value)  # a JSON string is a valid TOML basic string


def pipeline_table(required: Iterable[str] = (), optional: Iterable[str] = ("fr",),
                   pseudo: str = "en-XA", severity: Mapping[str, str] | None = None) -> str:
    lines = [
        "[tool.pipeline]",
        'source = "source"',
        'locales = "locales"',
        'build = "build"',
        'source_locale = "en"',
        f"required_locales = {_toml(list(required))}",
        f"optional_locales = {_toml(list(optional))}",
        f"pseudo_locale = {_toml(pseudo)}",
        # The fixtures' review dates stay where they are while the clock moves on; the age
        # rule (W314) is tested at fixed dates.
        "review_max_age_months = 600",
        "",
        "[tool.pipeline.severity]",
    ]
    lines += [f"{code} = {_toml(level)}" for code, level in (severity or {}).items()]
    return "\n".join(lines) + "\n"


def configure(root: Path, **settings: Any) -> None:
    """Replace the [tool.pipeline] tables of root/pyproject.toml, keeping what comes before."""
    path = root / "pyproject.toml"
    text = (path.read_text(encoding="utf-8") if path.exists()
            else '[project]\nname = "build-test"\n')
    head = re.split(r"(?m)^(?:# .*\n)*\[tool\.pipeline[\].]", text, maxsplit=1)[0]
    path.write_text(head.rstrip("\n") + "\n\n" + pipeline_table(**settings), encoding="utf-8")


# --------------------------------------------------------------------------------------------
# Running the CLI


def cli(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> Run:
    """`runner.run_cli`, for tests that hold pytest's capture fixture."""
    return run_cli(root, *args)


def must(root: Path, *args: str) -> None:
    """Run a command that has to succeed (setup steps: schema, extract, update)."""
    code = main([*args, "--root", str(root), "--quiet"])
    assert code == 0, f"pipeline {' '.join(args)} failed in {root}"


def refresh(root: Path) -> None:
    """Bring generated inputs up to date after editing source: schemas, templates, catalogs."""
    for command in ("schema", "extract", "update"):
        must(root, command)


# --------------------------------------------------------------------------------------------
# Projects

_CACHE: dict[str, Path] = {}


def _cached(name: str, factory: pytest.TempPathFactory, make: Callable[[Path], None]) -> Path:
    """One prepared template per test session, whichever test module asks first."""
    key = f"{factory.getbasetemp()}:{name}"
    if key not in _CACHE:
        root = factory.mktemp(name)
        make(root)
        _CACHE[key] = root
    return _CACHE[key]


def clone(template: Path, dst: Path) -> Path:
    shutil.copytree(template, dst, symlinks=True)
    return dst


def _copy_real_project(root: Path) -> None:
    for name in ("source", "schema", "locales", "spelling", "media"):
        shutil.copytree(REPO_ROOT / name, root / name, symlinks=True,
                        ignore=shutil.ignore_patterns(".pipeline.lock", "*.tmp"))
    shutil.copy2(REPO_ROOT / "pyproject.toml", root / "pyproject.toml")


def _make_real(root: Path) -> None:
    _copy_real_project(root)
    configure(root, required=(), optional=("fr",))
    # A catalog caught half-saved by a translator's editor is dropped; `update` recreates it.
    for path in sorted((root / "locales" / "fr" / "LC_MESSAGES").glob("*.po")):
        try:
            read_catalog(path)
        except PoReadError:
            path.unlink()
    refresh(root)
    config = cli_config(root)
    rejected: dict[str, set[int]] = {}
    for d in run_gate(config).diagnostics:
        if "/fr/" in f"/{d.path}" and d.line and CODES[d.code].default_severity == "error":
            rejected.setdefault(d.path, set()).add(d.line)
    for rel, lines in rejected.items():
        catalog = polib.pofile(str(root / rel), wrapwidth=79)
        for entry in catalog:
            if msgstr_line(root / rel, entry) in lines and not entry.obsolete:
                entry.msgstr = ""
                entry.flags = [f for f in entry.flags if f != "fuzzy"]
        (root / rel).write_text(render_catalog(catalog), encoding="utf-8")
    refresh(root)


def real_template(factory: pytest.TempPathFactory) -> Path:
    """A prepared copy of the real project (French optional), not built yet."""
    return _cached("real", factory, _make_real)


def _make_tiny(root: Path) -> None:
    shutil.copytree(TINY, root, dirs_exist_ok=True)
    configure(root, required=("fr",), optional=())
    refresh(root)  # the hand-written catalogs get their headers merged with the templates


def tiny_template(factory: pytest.TempPathFactory) -> Path:
    """The tiny project with French required and complete; `check` passes with no warning."""
    return _cached("tiny", factory, _make_tiny)


def _make_big(root: Path, copies: int) -> None:
    """The real English library with every exercise copied under new ids: a build slow
    enough to be interrupted half-way. English only (plus the pseudo-locale)."""
    for name in ("source", "schema", "spelling", "media"):
        shutil.copytree(REPO_ROOT / name, root / name)
    shutil.copy2(REPO_ROOT / "pyproject.toml", root / "pyproject.toml")
    configure(root, required=(), optional=())
    exercises = root / "source" / "exercises"
    originals = sorted(exercises.glob("*.yaml"))
    for n in range(1, copies + 1):
        for path in originals:
            new_id = f"{path.stem}-copy-{n}"
            text = re.sub(r"(?m)^id: .*$", f"id: {new_id}", path.read_text(encoding="utf-8"),
                          count=1)
            (exercises / f"{new_id}.yaml").write_text(text, encoding="utf-8")
    refresh(root)


def big_template(factory: pytest.TempPathFactory, copies: int = 3) -> Path:
    return _cached(f"big{copies}", factory, lambda root: _make_big(root, copies))


def built(factory: pytest.TempPathFactory, name: str, template: Path) -> Path:
    """A template project with a finished build/ in it (clone it before changing anything)."""
    def make(root: Path) -> None:
        shutil.copytree(template, root, dirs_exist_ok=True, symlinks=True)
        result = run_build(cli_config(root))
        found = result.gate.diagnostics if result.gate is not None else []
        assert result.ok, [d.format() for d in [*found, *result.problems]]
    return _cached(f"{name}-built", factory, make)


# --------------------------------------------------------------------------------------------
# Catalog edits


def po_path(root: Path, doc_id: str, locale: str = "fr") -> Path:
    return root / "locales" / locale / "LC_MESSAGES" / f"{doc_id}.po"


def edit_entry(path: Path, msgid: str, *, msgstr: str | None = None,
               fuzzy: bool | None = None, msgctxt: str | None = None) -> int:
    """Change one entry of a catalog in place (as a translator would); returns its line."""
    catalog = polib.pofile(str(path), wrapwidth=79)
    matches = [e for e in catalog
               if e.msgid == msgid and e.msgctxt == msgctxt and not e.obsolete]
    assert len(matches) == 1, f"{msgid!r} is not one entry of {path}"
    entry = matches[0]
    if msgstr is not None:
        entry.msgstr = msgstr
    if fuzzy is True and "fuzzy" not in entry.flags:
        entry.flags.insert(0, "fuzzy")
    elif fuzzy is False:
        entry.flags = [f for f in entry.flags if f != "fuzzy"]
    path.write_text(render_catalog(catalog), encoding="utf-8")
    return line_of(path, msgid, msgctxt)


def msgstr_line(path: Path, entry: polib.POEntry) -> int:
    """The line of an entry's `msgstr` keyword, read off the file itself: where diagnostics
    about a translation point (polib's `linenum` is the entry's first comment line)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    for number in range(int(entry.linenum), len(lines) + 1):
        if lines[number - 1].lstrip("#~ \t").startswith("msgstr"):
            return number
    raise AssertionError(f"no msgstr after line {entry.linenum} of {path}")


def line_of(path: Path, msgid: str, msgctxt: str | None = None) -> int:
    """The msgstr line of a live entry."""
    for entry in polib.pofile(str(path)):
        if entry.msgid == msgid and entry.msgctxt == msgctxt and not entry.obsolete:
            return msgstr_line(path, entry)
    raise AssertionError(f"{msgid!r} not in {path}")


def translations(path: Path) -> dict[tuple[str | None, str], str]:
    """(msgctxt, msgid) → msgstr of the reviewed entries (what a bundle may use)."""
    return {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(str(path))
            if not e.obsolete and "fuzzy" not in e.flags and e.msgstr.strip()}


def edit_text(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


# --------------------------------------------------------------------------------------------
# Looking at build/


def tree_hashes(folder: Path) -> dict[str, str]:
    """Every file under a folder (hidden ones too) → sha256 of its bytes."""
    if not folder.exists():
        return {}
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(root: Path, build: str = "build") -> list[str]:
    """Staging or set-aside folders a build leaves next to build/ (there should be none).
    The build's lock is not here either: it is in .pipeline-cache/."""
    return sorted(p.name for p in root.glob(f".{build}.*"))


def bundle_file(build: Path, rel: str) -> Path:
    """Where a bundle named 'fr/hip-thrust.json' is: under site/, or under pseudo/ for the
    pseudo-locale (whose tag ends in -XA, -XB…)."""
    tag = rel.split("/")[0]
    return build / ("pseudo" if re.search(r"-X[A-Z]$", tag) else "site") / rel


def bundles(build: Path) -> dict[str, dict[str, Any]]:
    """'fr/hip-thrust.json' → parsed bundle, for every locale folder (site/ and pseudo/);
    not the locales' index.json."""
    found = sorted(build.glob("site/*/*.json")) + sorted(build.glob("pseudo/*/*.json"))
    return {p.relative_to(p.parents[1]).as_posix(): json.loads(p.read_text(encoding="utf-8"))
            for p in found if p.parent.name not in ("schema", "offline", "types")
            and p.name != "index.json"}


def manifest_of(build: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((build / "site" / "manifest.json").read_text("utf-8"))
    return data


def sent_texts(model: Any) -> list[Any]:
    """The translatable texts of a document that its bundle carries (not the pipeline's own
    fields, such as the glossary's dose phrases)."""
    from pipeline.client.documents import internal_fields
    from pipeline.content.textunits import iter_texts
    hidden = internal_fields(type(model))
    return [unit for unit in iter_texts(model) if unit.path[0] not in hidden]


def links_of(rich: dict[str, Any]) -> list[dict[str, Any]]:
    """The links of a rich text, in order: adjacent spans with an equal link are one."""
    found: list[dict[str, Any]] = []
    for block in rich["blocks"]:
        previous = None
        for span in block["spans"]:
            if span["link"] is not None and span["link"] != previous:
                found.append(span["link"])
            previous = span["link"]
    return found


def plain(value: Any) -> Any:
    """A bundle's text as plain text: a rich text's `plain`, a string as it is."""
    if isinstance(value, dict) and "blocks" in value and "plain" in value:
        return value["plain"]
    return value


def plain_of(markdown: str, references: Iterable[str] = ()) -> str:
    """What the rich text of a Markdown text reads as (marks and links taken away, each
    citation marker shown as its reference's number among `references`, from 1)."""
    from pipeline.client.richtext import rich_text
    numbers = {ref: at for at, ref in enumerate(references, 1)}
    return rich_text(markdown, lambda target: ("exercise", "x", None), numbers).plain


def get_path(data: Any, path: Iterable[str | int]) -> Any:
    for part in path:
        data = data[part]
    return data


# --------------------------------------------------------------------------------------------
# Screenshots of built pages


def png_rows(data: bytes) -> tuple[int, list[bytes]]:
    """(bytes per pixel, unfiltered rows) of an 8-bit, non-interlaced RGB(A) PNG: what
    Chromium writes. Whole-row arithmetic where the filter allows it, to stay fast."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    width = height = bpp = 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and interlace == 0 and colour in (2, 6), (depth, colour)
            bpp = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
    raw, stride = zlib.decompress(idat), width * bpp
    low = int.from_bytes(b"\x7f" * stride, "big")
    high = int.from_bytes(b"\x80" * stride, "big")

    def add(x: bytes, y: bytes) -> bytes:  # bytewise (x + y) % 256 of two rows at once
        a, b = int.from_bytes(x, "big"), int.from_bytes(y, "big")
        return (((a & low) + (b & low)) ^ ((a ^ b) & high)).to_bytes(stride, "big")

    rows, previous = [], bytes(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], raw[start + 1:start + 1 + stride]
        if kind == 1:  # Sub: a running sum along each channel
            out = bytearray(stride)
            for c in range(bpp):
                summed: list[int] = list(accumulate(line[c::bpp], _add_byte))
                out[c::bpp] = bytes(summed)
            line = bytes(out)
        elif kind == 2:  # Up
            line = add(line, previous)
        elif kind in (3, 4):  # Average, Paeth: byte by byte
            out = bytearray(line)
            for x in range(stride):
                a = out[x - bpp] if x >= bpp else 0
                b = previous[x]
                if kind == 3:
                    out[x] = (out[x] + ((a + b) >> 1)) & 255
                    continue
                c = previous[x - bpp] if x >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                out[x] = (out[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            line = bytes(out)
        rows.append(line)
        previous = line
    return bpp, rows


def _add_byte(total: int, value: int) -> int:
    return (total + value) & 255


def png_colours(data: bytes) -> Counter[bytes]:
    """RGB colour → number of pixels."""
    bpp, rows = png_rows(data)
    return Counter(row[x:x + 3] for row in rows for x in range(0, len(row), bpp))
