"""Inputs for the fuzz targets: real files mutated, documents and catalogs generated, noise.

Mutating the project's own content and catalogs reaches deep into the readers (most inputs
are nearly valid); generated documents and catalogs put arbitrary text in every place; raw
bytes cover what no editor would write. Every strategy shrinks, so a crash is reported as a
small input.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import polib
from hypothesis import strategies as st
from pydantic import BaseModel
from ruamel.yaml import YAML

from pipeline.content import models
from pipeline.gettext.pofiles import render_catalog

ROOT = Path(__file__).resolve().parents[1]
REGRESSIONS = ROOT / "tests" / "fixtures" / "fuzz"

HOSTILE_TEXT = [
    # What renderers turn into live links or spoofed display (tests/test_unsafe_text.py).
    b"[x](&#106;avascript:alert(1))", b"javascript&colon;", b"java&Tab;script:", b"&#0000106",
    b"%6a", b"<javascript:alert(1)>", b"www.evil.example", b"a@evil.example", b"evil.com",
    b"//evil.example", b"[1]: https://evil.example", b"[x][1]", b"\n# ", b"\n- ", b"\n> ",
    b"\n    ", b"~x~", b' "title")', b"<svg/onload=alert(1)>", b"&lt;img src=x onerror=1&gt;",
    b"\xe2\x80\x8b", b"\xe2\x80\x8f", b"\xe2\x81\xa0", b"\xc2\xad", b"\xf3\xa0\x81\xb0",
    b"\xe2\x80\x8d", b"\xcc\x81" * 8, b"\xef\xb8\x80" * 3,
]
YAML_TOKENS = [
    b"&a ", b"*a", b"!!python/object/apply:os.system ", b"!!binary ", b"!local ", b"<<: ",
    b"? ", b"---\n", b"...\n", b"\t", b"\x00", b"\xef\xbb\xbf", b"%YAML 1.1\n",
    b"%TAG !e! tag:example.com,2000:\n", b"{", b"}", b"[", b"]", b"'", b'"', b"|", b">-",
    b"- ", b": ", b"#", b"\n", b"\r", b"\r\n", b"\xe2\x80\xa8", b"\xc2\x85", b"!!int ",
    b"!!str ", b"!!float ", b"!!timestamp ", b"0x", b"0o7", b"1e999", b".inf", b".nan",
    b"2024-02-30", b"2024-05-01T25:61:00", b"2024-05-01 10:00:00 +05:00", b"~", b"null",
    b"kind: exercise\n", b"kind: guide\n", b"kind: glossary\n", b"id: ", b"\\", b'"\\ud800"',
    b'"\\x00"', b'"\\u202e"', b"\xe2\x80\xae", b"9" * 5000, b"-" * 3, b"[" * 80, b"{a: " * 80,
    b"\xff", b"\xc3", b"name: ", b"steps:\n  - ", b"- [x](javascript:alert(1))",
    b"<script>alert(1)</script>", b"**", b"[link](../../etc/passwd)", b"\xf0\x9f\x92\xaa",
    *HOSTILE_TEXT,
]
PO_TOKENS = [
    b'msgid "', b'msgstr "', b'msgctxt "', b'msgid_plural "', b'msgstr[0] "', b'msgstr[1] "',
    b'msgstr[4999] "', b"#, fuzzy\n", b"#, fuzzy, python-format\n", b"#~ ", b'#| msgid "',
    b'#~| msgid "', b'#| msgctxt "', b"#: source/x.yaml:1\n", b"#. comment\n", b"# \n",
    b'"\\n"', b"\\", b'\\"', b"\\x41", b"\\101", b"\\u00e9", b'"', b"\n", b"\r\n", b"\r",
    b'"Content-Type: text/plain; charset=UTF-8\\n"\n', b'"Content-Type: text/plain; '
    b'charset=ISO-8859-1\\n"\n', b'"Plural-Forms: nplurals=5000; plural=n;\\n"\n',
    b'"Language: ../../etc\\n"\n', b"\x00", b"\xef\xbb\xbf", b"\xe2\x80\xa8", b"\xe2\x80\xa9",
    b"\xc2\x85", b"\x1c", b"\x0b", b"\x0c", b"\xe2\x80\xae", b"<script>", b"\xff",
    b"msgstr[\xd9\xa3] ", b"9" * 5000, b"\t", b"\xc2\xa0", b"\xe3\x80\x80", b"#~ msgid ",
    *HOSTILE_TEXT,
]


def _read_all(paths: Sequence[Path]) -> list[bytes]:
    return [p.read_bytes() for p in paths if p.is_file()]


@cache
def yaml_seeds() -> tuple[bytes, ...]:
    """Real content of every kind, the hostile fixtures, and saved regressions."""
    source = ROOT / "source"
    picked = sorted(source.glob("exercises/*.yaml"))[:4] + sorted(source.glob("guides/*.yaml"))[:1]
    picked += sorted(source.glob("reviewers/*.yaml"))[:1] + [source / "glossary.yaml"]
    picked += sorted((ROOT / "tests" / "fixtures" / "validate" / "hostile").glob("*.yaml"))
    picked += sorted((REGRESSIONS / "yaml").glob("*"))
    return tuple(_read_all(picked)) or (b"kind: exercise\nid: doc\n",)


@cache
def po_seeds() -> tuple[bytes, ...]:
    """Real catalogs and templates, the tiny project's catalogs, and saved regressions."""
    locales = ROOT / "locales"
    picked = sorted(locales.glob("fr/LC_MESSAGES/*.po"))[:3]
    picked += sorted(locales.glob("templates/*.pot"))[:2]
    picked += sorted((ROOT / "tests" / "fixtures" / "build" / "tiny").rglob("*.po"))
    picked += sorted((REGRESSIONS / "po").glob("*"))
    return tuple(_read_all(picked)) or (b'msgid ""\nmsgstr ""\n',)


@st.composite
def mutated(draw: st.DrawFn, seeds: Sequence[bytes], tokens: Sequence[bytes]) -> bytes:
    """A seed with a few edits: tokens inserted, text typed, bytes flipped, runs deleted,
    duplicated or spliced from another seed."""
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.sampled_from(["token", "text", "bytes", "delete", "repeat", "splice",
                                   "flip"]))
        pos = draw(st.integers(0, len(data)))
        if op == "token":
            data[pos:pos] = draw(st.sampled_from(tokens))
        elif op == "text":
            data[pos:pos] = draw(st.text(max_size=12)).encode("utf-8")
        elif op == "bytes":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=6))
        elif op == "delete":
            del data[pos:pos + draw(st.integers(1, 80))]
        elif op == "repeat":
            run = bytes(data[pos:pos + draw(st.integers(1, 40))])
            data[pos:pos] = run * draw(st.integers(1, 60))
        elif op == "splice":
            other = draw(st.sampled_from(seeds))
            data[pos:] = other[draw(st.integers(0, len(other))):]
        elif data:
            at = min(pos, len(data) - 1)
            data[at] ^= 1 << draw(st.integers(0, 7))
    return bytes(data)


# --- YAML documents ---------------------------------------------------------------------------


def _model_fields() -> list[str]:
    names: set[str] = set()
    for value in vars(models).values():
        if isinstance(value, type) and issubclass(value, BaseModel) and value is not BaseModel:
            names |= set(value.model_fields)
    return sorted(names)


FIELDS = _model_fields()
IDS = ["bird-dog", "glossary", "doc", "Bad Id", "../../evil", "a--b", ""]

# Text a writer could type: every plane and category but surrogates (not encodable in UTF-8).
writer_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)


def _scalars() -> st.SearchStrategy[Any]:
    return st.one_of(
        writer_text, st.sampled_from(IDS), st.integers(), st.floats(), st.booleans(), st.none(),
        st.dates(min_value=dt.date(1, 1, 1)),
    )


def _values() -> st.SearchStrategy[Any]:
    return st.recursive(
        _scalars(),
        lambda inner: st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(FIELDS) | writer_text, inner, max_size=5),
        max_leaves=25,
    )


def dump_yaml(data: Any) -> bytes:
    stream = io.StringIO()
    YAML(typ="safe", pure=True).dump(data, stream)
    return stream.getvalue().encode("utf-8")


@st.composite
def generated_document(draw: st.DrawFn) -> bytes:
    """A document of a real kind with model field names holding arbitrary values."""
    data: dict[str, Any] = {
        "kind": draw(st.sampled_from(["exercise", "guide", "reviewer", "glossary", "other"])),
        "id": draw(st.sampled_from(IDS)),
    }
    data.update(draw(st.dictionaries(st.sampled_from(FIELDS), _values(), max_size=8)))
    return dump_yaml(data)


@cache
def _seed_documents() -> tuple[Any, ...]:
    found = []
    for raw in yaml_seeds()[:7]:
        try:
            found.append(YAML(typ="safe", pure=True).load(raw))
        except Exception:  # a seed is only a starting point; a broken one is skipped
            continue
    return tuple(d for d in found if isinstance(d, dict))


def _text_paths(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(data, str):
        return [path]
    if isinstance(data, dict):
        return [p for k, v in data.items() for p in _text_paths(v, path + (k,))]
    if isinstance(data, list):
        return [p for i, v in enumerate(data) for p in _text_paths(v, path + (i,))]
    return []


@st.composite
def retexted_document(draw: st.DrawFn) -> bytes:
    """A valid document with some of its texts replaced by arbitrary typed text."""
    data = copy.deepcopy(draw(st.sampled_from(_seed_documents())))
    paths = [p for p in _text_paths(data) if p[0] not in ("kind", "id")]
    for path in draw(st.lists(st.sampled_from(paths), max_size=3)) if paths else []:
        target = data
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = draw(writer_text)
    return dump_yaml(data)


def yaml_inputs() -> st.SearchStrategy[bytes]:
    seeds = yaml_seeds()
    return st.one_of(
        mutated(seeds, YAML_TOKENS),
        retexted_document(),
        generated_document(),
        generated_document().flatmap(lambda doc: mutated((doc,), YAML_TOKENS)),
        st.binary(max_size=200),
    )


# --- Catalogs ---------------------------------------------------------------------------------

_FLAGS = ["fuzzy", "python-format", "no-wrap", "c-format"]


@st.composite
def generated_catalog(draw: st.DrawFn) -> bytes:
    """A catalog written by polib with arbitrary text in every field."""
    catalog = polib.POFile()
    catalog.metadata = {
        "Language": draw(st.sampled_from(["fr", "de", "", "../../etc", "xx"])),
        "Content-Type": "text/plain; charset=UTF-8",
        "Plural-Forms": draw(st.sampled_from(["nplurals=2; plural=(n > 1);",
                                              "nplurals=5000; plural=n;", ""])),
    }
    for _ in range(draw(st.integers(0, 6))):
        entry = polib.POEntry(
            msgctxt=draw(st.none() | writer_text),
            msgid=draw(writer_text.filter(bool)),
            msgstr=draw(writer_text),
            flags=draw(st.lists(st.sampled_from(_FLAGS), unique=True, max_size=2)),
            tcomment=draw(st.sampled_from(["", "note"])),
        )
        entry.obsolete = draw(st.booleans())
        if draw(st.booleans()):
            entry.previous_msgid = draw(writer_text)
        catalog.append(entry)
    return render_catalog(catalog).encode("utf-8")


def po_inputs() -> st.SearchStrategy[bytes]:
    seeds = po_seeds()
    return st.one_of(
        mutated(seeds, PO_TOKENS),
        generated_catalog(),
        generated_catalog().flatmap(lambda cat: mutated((cat,), PO_TOKENS)),
        st.binary(max_size=200),
    )


INPUTS = {"loader": yaml_inputs, "po": po_inputs}
