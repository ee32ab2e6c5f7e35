"""Properties of the translation round trip, over text Hypothesis makes up.

* Any text a writer could type — quotes, backslashes, line breaks, tabs, emoji, right-to-left
  script, joiners and marks — that the model accepts survives the whole trip unchanged:
  YAML → `extract` → .pot → `update` → .po → a translator's edit → `build` → JSON bundle, in
  English and as the French translation. With a hidden character (a control character, a
  bidi control, a line separator) it is refused (E110) before anything is extracted.
* Any text at all survives a catalog written and read back, and a merge.
* `update` never loses a translation: after any edits of the English, no non-empty msgstr
  (translated, fuzzy or obsolete) is gone, and running it again changes no byte.

Everything runs the real commands on real files in temporary folders. Example counts are
small so the suite stays fast; `PIPELINE_PROPERTIES=thorough` runs twenty times as many.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polib
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError
from ruamel.yaml import YAML

from pipeline.cli import main
from pipeline.content.fields import Title
from pipeline.core.text import hidden_characters
from pipeline.gettext.catalogs import init_catalog, merge
from pipeline.gettext.memory import Memory
from pipeline.gettext.pofiles import (
    EntryKey,
    key_of,
    read_catalog,
    render_catalog,
)
from pipeline.infra.fsutil import write_if_changed

from build_helpers import TINY, bundle_file, configure
from catalog_helpers import assert_msgfmt_ok

settings.register_profile(
    "pipeline-properties", deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
SCALE = {"fast": 1, "thorough": 20}[os.environ.get("PIPELINE_PROPERTIES", "fast")]


def examples(count: int) -> settings:
    return settings(settings.get_profile("pipeline-properties"), max_examples=count * SCALE)


# --- Text a writer could type ------------------------------------------------------------------

PIECES = [
    '"', "'", "\\", "\\n", '\\"', "\n", "\t", "  ", "\u00a0", "\u202f", "« ", " »", "’", "😀",
    "👩‍👩‍👧", "🇫🇷", "💪🏽", "שלום", "مرحبا بك", "\u200f", "\u200d", "e\u0301", "ß", "İ", "\ufeff",
    "#", "#~ ", 'msgid "', "msgstr", ": ", "- ", "{", "}", "[", "]", "&", "%s", "{0}", "…", "!",
    "?", "---", "<", ">", "&amp;", "*", "_",
]
# What a reader cannot see or what reorders what they see: refused in English (E110) and
# reported in translations (E516).
HIDDEN = ["\r", "\x04", "\x1b[31m", "\x7f", "\x85", "\x0b", "\x0c", "\x1c", "\u202e", "\u2066",
          "\u2028", "\u2029"]
VISIBLE_CHARACTER = st.characters(exclude_categories=["Cs", "Cc"],
                                  exclude_characters="".join(HIDDEN))


def writer_text(pieces: list[str], characters: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.lists(st.one_of(st.sampled_from(pieces), st.text(characters, min_size=1,
                                                                max_size=6)),
                    min_size=1, max_size=14).map("".join)


# What a writer types in a text field (tab and line feed are fine).
VISIBLE_TEXT = writer_text(PIECES, VISIBLE_CHARACTER)
# Anything at all, hidden characters included (but NUL and EOT, which no catalog may hold:
# they separate the parts of a compiled message).
ANY_TEXT = writer_text(PIECES + [h for h in HIDDEN if "\x04" not in h],
                       st.characters(exclude_categories=["Cs"], exclude_characters="\x00\x04"))


def accepted(field: Any, text: str) -> bool:
    """Whether the model takes this text in a field of this type (limits, markup rules),
    and it is not blank (the lint rejects blank text as an error)."""
    try:
        TypeAdapter(field).validate_python(text)
    except ValidationError:
        return False
    return bool(text.strip())


def yaml_quoted(text: str) -> str:
    """The text as a YAML double-quoted scalar, escaping what YAML does not take raw (control
    characters, line breaks, non-characters) the way a writer would type it."""
    out = []
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif code < 0x20 or 0x7F <= code <= 0x9F or ch in "\u2028\u2029\ufeff\ufffe\uffff":
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


# --- Projects ---------------------------------------------------------------------------------


def quiet(root: Path, *args: str) -> int:
    """`pipeline <args> --root <root> -q`, its output discarded."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return main([*args, "--root", str(root), "-q"])


def ok(root: Path, *args: str) -> None:
    assert quiet(root, *args) == 0, f"pipeline {' '.join(args)} failed"


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny project with French complete but optional (the round trip is about bytes, not
    about what `check` thinks of a made-up translation), no pseudo-locale, and no judging of
    made-up English as another language."""
    root = tmp_path_factory.mktemp("properties") / "tiny"
    shutil.copytree(TINY, root)
    configure(root, required=(), optional=("fr",), pseudo="", severity={"E301": "off"})
    for command in ("schema", "extract", "update"):
        ok(root, command)
    return root


@contextlib.contextmanager
def copy_of(template: Path) -> Iterator[Path]:
    """A fresh copy of a prepared project for one example."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "project"
        shutil.copytree(template, root)
        yield root


def fr_catalog(root: Path, doc_id: str) -> Path:
    return root / "locales" / "fr" / "LC_MESSAGES" / f"{doc_id}.po"


# --- 1. YAML → .pot → .po → bundle ------------------------------------------------------------

REVIEWER = "source/reviewers/ann-lee.yaml"


def set_role(root: Path, text: str) -> None:
    path = root / REVIEWER
    source = path.read_text(encoding="utf-8")
    assert source.count("role: Physical therapist\n") == 1
    path.write_text(source.replace("role: Physical therapist", f"role: {yaml_quoted(text)}"),
                    encoding="utf-8")


@examples(6)
@given(text=VISIBLE_TEXT)
def test_any_text_survives_extract_update_and_build(tiny: Path, text: str) -> None:
    assume(accepted(Title, text) and not hidden_characters(text))
    with copy_of(tiny) as root:
        set_role(root, text)
        ok(root, "extract")
        template = read_catalog(root / "locales" / "templates" / "ann-lee.pot")
        assert EntryKey(None, text) in {key_of(e) for e in template}
        ok(root, "update")
        # A translator's editor puts the text itself in as the French.
        po = fr_catalog(root, "ann-lee")
        catalog = read_catalog(po)
        (entry,) = [e for e in catalog if e.msgid == text and not e.obsolete]
        entry.msgstr, entry.flags = text, []
        write_if_changed(po, render_catalog(catalog))
        assert read_catalog(po).find(text).msgstr == text
        ok(root, "build")
        for locale in ("en", "fr"):
            bundle = json.loads(bundle_file(root / "build", f"{locale}/ann-lee.json")
                                .read_text("utf-8"))
            assert bundle["document"]["role"] == text, locale
            # The exercise's page shows the reviewer's card, role included.
            quoting = json.loads(bundle_file(root / "build", f"{locale}/glute-bridge.json")
                                 .read_text("utf-8"))
            assert quoting["cards"]["reviewers"]["ann-lee"]["role"] == text, locale


@examples(4)
@given(text=VISIBLE_TEXT, hidden=st.sampled_from(HIDDEN), at=st.integers(0, 40))
def test_text_with_hidden_characters_is_refused_before_extraction(
        tiny: Path, text: str, hidden: str, at: int) -> None:
    text = text[:at] + hidden + text[at:]
    assume(accepted(Title, text))
    assert hidden_characters(text)
    with copy_of(tiny) as root:
        template = root / "locales" / "templates" / "ann-lee.pot"
        before = template.read_bytes()
        set_role(root, text)
        with contextlib.redirect_stdout(io.StringIO()) as out:
            assert main(["validate", "--root", str(root), "--format", "json"]) == 1
        found = json.loads(out.getvalue())["diagnostics"]
        errors = [(d["path"], d["line"], d["code"]) for d in found if d["severity"] == "error"]
        assert errors == [(REVIEWER, 6, "E110")]
        assert quiet(root, "extract") == 1
        assert template.read_bytes() == before


# --- 2. Catalogs written and read back, merged --------------------------------------------------


@examples(40)
@given(texts=st.lists(st.tuples(st.none() | st.sampled_from(["muscle", "equipment"]),
                                ANY_TEXT),
                      min_size=1, max_size=6, unique=True))
def test_any_text_survives_a_catalog_written_read_and_merged(
        texts: list[tuple[str | None, str]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        locales = Path(tmp) / "locales"
        template = polib.POFile()
        template.metadata = {"Project-Id-Version": "test", "MIME-Version": "1.0",
                             "Content-Type": "text/plain; charset=UTF-8",
                             "Content-Transfer-Encoding": "8bit"}
        for context, text in texts:
            template.append(polib.POEntry(msgctxt=context, msgid=text, msgstr=""))
        pot = locales / "templates" / "doc.pot"
        write_if_changed(pot, render_catalog(template))
        read_template = read_catalog(pot)
        assert [key_of(e) for e in read_template] == [EntryKey(c, t) for c, t in texts]

        catalog = init_catalog(read_template, "fr")
        for entry in catalog:
            entry.msgstr = entry.msgid
        po = locales / "fr" / "LC_MESSAGES" / "doc.po"
        write_if_changed(po, render_catalog(catalog))
        back = read_catalog(po)
        assert [(key_of(e), e.msgstr) for e in back] == [(EntryKey(c, t), t) for c, t in texts]
        assert_msgfmt_ok(pot, po)  # GNU gettext reads the same files

        merged = merge(read_template, back, Memory())
        assert [(key_of(e), e.msgstr, e.flags) for e in merged] == [
            (EntryKey(c, t), t, []) for c, t in texts]
        assert render_catalog(merged) == po.read_text(encoding="utf-8")


# --- 3. `update` keeps every translation and is idempotent ------------------------------------

EXERCISE = "source/exercises/glute-bridge.yaml"
WORDS = ["lift", "your", "hips", "slowly", "hold", "the", "band", "knees", "back", "floor",
         "breathe", "out", "keep", "feet", "flat", "rest", "again", "gently"]
SENTENCE = st.lists(st.sampled_from(WORDS), min_size=2, max_size=9).map(
    lambda words: " ".join(words).capitalize() + ".")

# Places of the exercise's texts (a path into the YAML data); all but the summary take
# Markdown, so a text may be copied between them.
RICH_PATHS: list[tuple[str | int, ...]] = [
    ("starting_position",), ("steps", 0), ("steps", 1), ("steps", 2), ("tips", 0), ("tips", 1),
    ("cautions", 0), ("easier", 0, "how"),
]
TEXT_PATHS = [("summary",), ("why_it_helps",), *RICH_PATHS]
EDIT = st.one_of(
    st.tuples(st.just("replace"), st.sampled_from(TEXT_PATHS), SENTENCE),
    st.tuples(st.just("tweak"), st.sampled_from(TEXT_PATHS), st.sampled_from(WORDS)),
    st.tuples(st.just("copy"), st.sampled_from(RICH_PATHS), st.sampled_from(RICH_PATHS)),
    st.tuples(st.just("restore"), st.sampled_from(TEXT_PATHS), st.none()),
    st.tuples(st.just("drop-step"), st.sampled_from([0, 1, 2]), st.none()),
    st.tuples(st.just("drop-tips"), st.none(), st.none()),
)


def _get(data: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        if isinstance(part, int):
            data = data[part] if isinstance(data, list) and part < len(data) else None
        else:
            data = data.get(part) if isinstance(data, dict) else None
        if data is None:
            return None
    return data


def _set(data: Any, path: tuple[str | int, ...], value: str) -> None:
    if _get(data, path) is None:
        return
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def apply_edit(data: dict[str, Any], original: dict[str, Any],
               edit: tuple[str, Any, Any]) -> None:
    kind, where, what = edit
    if kind == "replace":
        _set(data, where, what)
    elif kind == "tweak" and isinstance(_get(data, where), str):
        _set(data, where, _get(data, where).rstrip(".") + f" {what}.")
    elif kind == "copy" and isinstance(_get(data, where), str):
        _set(data, what, _get(data, where))
    elif kind == "restore" and isinstance(_get(original, where), str):
        _set(data, where, _get(original, where))
    elif kind == "drop-step" and len(data["steps"]) > 2 and where < len(data["steps"]):
        del data["steps"][where]
    elif kind == "drop-tips":
        data.pop("tips", None)


def write_yaml(path: Path, data: dict[str, Any]) -> None:
    stream = io.StringIO()
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.width = 4096
    yaml.allow_unicode = True
    yaml.dump(data, stream)
    path.write_text("# yaml-language-server: $schema=../../schema/exercise.json\n"
                    + stream.getvalue(), encoding="utf-8")


def msgstrs(root: Path) -> Counter[str]:
    """Every non-empty msgstr of the French catalogs, in any state (translated, fuzzy,
    obsolete), counted."""
    found: Counter[str] = Counter()
    for path in sorted((root / "locales" / "fr" / "LC_MESSAGES").glob("*.po")):
        found.update(e.msgstr for e in read_catalog(path) if e.msgstr.strip())
    return found


def locale_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted((root / "locales").rglob("*.po*"))}


@examples(8)
@given(rounds=st.lists(st.lists(EDIT, min_size=1, max_size=4), min_size=1, max_size=3))
def test_update_never_loses_a_translation_and_is_idempotent(
        tiny: Path, rounds: list[list[tuple[str, Any, Any]]]) -> None:
    with copy_of(tiny) as root:
        path = root / EXERCISE
        original = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
        data = json.loads(json.dumps(original))
        before = msgstrs(root)
        assert sum(before.values()) > 20  # the French is there to lose
        for edits in rounds:
            for edit in edits:
                apply_edit(data, original, edit)
            write_yaml(path, data)
            assume(quiet(root, "validate") == 0)  # edits that break the model are not the point
            ok(root, "extract")
            ok(root, "update")
            after = msgstrs(root)
            assert sum(after.values()) >= sum(before.values())
            lost = set(before) - set(after)
            assert not lost, f"translations lost: {sorted(lost)}"
            written = locale_bytes(root)
            ok(root, "update")
            assert locale_bytes(root) == written, "a second update changed the catalogs"
            before = after
