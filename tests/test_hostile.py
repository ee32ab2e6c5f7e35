"""Hostile input: everything under locales/ may come from outside the team, and the source
may hold mistakes that look like attacks. Each case ends in a clear diagnostic (or usage
error), quickly, with nothing read from or written outside the project.

Covered elsewhere and not repeated here: YAML alias bombs and deep nesting
(test_loader.py, test_cli_validate.py), a source file that is a link leading outside
source/ (test_loader.py), the hostile YAML fixtures (test_cli_validate.py).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.content.loader import read_source
from pipeline.core.config import UsageError

from build_helpers import (
    Run,
    bundle_file,
    cli,
    cli_config,
    clone,
    edit_entry,
    po_path,
    tiny_template,
)

EXERCISE = "glute-bridge"
NAME = "Glute bridge"  # msgid of a plain-text field (the exercise's name)
STEP = "Squeeze your buttocks and lift your hips off the floor."  # a Markdown sentence
MB = 1024 * 1024


@pytest.fixture
def tiny(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny project (French required and complete; `check` passes) in `tmp/project`,
    with `tmp/outside/` next to it for what links point at."""
    (tmp_path / "outside").mkdir()
    return clone(tiny_template(tmp_path_factory), tmp_path / "project")


def files(folder: Path) -> dict[str, bytes]:
    """Every file under a folder (links followed as files), to show nothing changed (the
    per-file result cache, `.pipeline-cache/`, is the tool's own state, not output)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.endswith(".lock")
            and ".pipeline-cache" not in p.relative_to(folder).parts}


def diagnostics(run: Run) -> list[tuple[str, int, str]]:
    """(path, line, code) of each diagnostic of a `--format json` run."""
    return [(d["path"], d["line"], d["code"]) for d in json.loads(run.out)["diagnostics"]]


def codes_at(run: Run, path: str, line: int) -> set[str]:
    return {code for p, n, code in diagnostics(run) if (p, n) == (path, line)}


def line_with(path: Path, text: str) -> int:
    """The line of a catalog holding `text` (exactly one does)."""
    lines = [n for n, line in enumerate(path.read_text("utf-8").split("\n"), 1) if text in line]
    assert len(lines) == 1, lines
    return lines[0]


FR_PO = f"locales/fr/LC_MESSAGES/{EXERCISE}.po"


# --- Size limits: refused before parsing --------------------------------------------------------


def _big(path: Path, head: bytes, line: bytes, size: int) -> None:
    with path.open("wb") as fh:
        fh.write(head)
        fh.write(line * (size // len(line) + 1))


def test_a_50_mb_source_file_is_refused_without_being_parsed(
        tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tiny / "source" / "exercises" / "huge.yaml"
    _big(path, b"kind: exercise\nid: huge\nsteps:\n", b"  - Lift your hips off the floor.\n",
         50 * MB)
    start = time.monotonic()
    run = cli(capsys, tiny, "validate", "--format", "json")
    assert time.monotonic() - start < 5  # parsing 50 MB of YAML would take minutes
    assert run.code == 1
    assert diagnostics(run) == [("source/exercises/huge.yaml", 0, "E007")]
    assert "the limit is 1,000,000" in run.out


def test_a_50_mb_catalog_is_refused_without_being_parsed(
        tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tiny / FR_PO
    _big(path, path.read_bytes(), b'\n#~ msgid "x"\n#~ msgstr "y"\n', 50 * MB)
    start = time.monotonic()
    check = cli(capsys, tiny, "check", "--format", "json")
    update = cli(capsys, tiny, "update", "--format", "json")
    assert time.monotonic() - start < 10
    assert check.code == 1 and (FR_PO, 0, "E007") in diagnostics(check)
    assert update.code == 1 and diagnostics(update) == [(FR_PO, 0, "E007")]
    assert path.stat().st_size > 50 * MB  # left as it was


# --- Links leading out of source/ and locales/ ------------------------------------------------


def test_a_source_folder_that_links_outside_is_refused(tiny: Path) -> None:
    outside = tiny.parent / "outside"
    (outside / "evil.yaml").write_text("kind: reviewer\nid: evil\n", encoding="utf-8")
    os.symlink(outside, tiny / "source" / "linked")
    src, found = read_source(tiny / "source" / "linked" / "evil.yaml", "evil.yaml",
                             max_bytes=1000, root=tiny / "source")
    assert [(d.code, d.line) for d in found] == [("E011", 0)]
    assert str(outside / "evil.yaml") in found[0].message
    assert src.data is None


def test_a_catalog_that_links_outside_locales_is_refused(
        tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outside = tiny.parent / "outside" / "stolen.po"
    catalog = tiny / FR_PO
    outside.write_bytes(catalog.read_bytes())
    catalog.unlink()
    catalog.symlink_to(outside)
    before = files(tiny.parent)

    check = cli(capsys, tiny, "check", "--format", "json")
    assert check.code == 1
    assert diagnostics(check) == [(FR_PO, 0, "E011")]  # the link's place, not its target's
    assert "links outside locales/" in check.out
    update = cli(capsys, tiny, "update", "--format", "json")
    assert (update.code, diagnostics(update)) == (1, [(FR_PO, 0, "E011")])
    build = cli(capsys, tiny, "build")
    assert build.code == 1 and not (tiny / "build").exists()
    assert files(tiny.parent) == before and catalog.is_symlink()


def test_a_template_that_links_outside_locales_is_refused(
        tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outside = tiny.parent / "outside" / "template.pot"
    template = tiny / "locales" / "templates" / f"{EXERCISE}.pot"
    outside.write_bytes(template.read_bytes())
    template.unlink()
    template.symlink_to(outside)
    before = outside.read_bytes()
    update = cli(capsys, tiny, "update", "--format", "json")
    assert update.code == 1
    assert diagnostics(update) == [(f"locales/templates/{EXERCISE}.pot", 0, "E011")]
    # `extract` replaces the link by a file of its own; the target is never written.
    (tiny / "source" / "exercises" / f"{EXERCISE}.yaml").write_text(
        (tiny / "source" / "exercises" / f"{EXERCISE}.yaml").read_text("utf-8")
        .replace("name: Glute bridge", "name: Glute bridge hold"), encoding="utf-8")
    assert cli(capsys, tiny, "extract").code == 0
    assert not template.is_symlink() and outside.read_bytes() == before


@pytest.mark.parametrize(("linked", "commands"), [
    # A locale outside the configuration: only `update` (every locale folder) looks at it.
    ("locales/de", ("update",)),
    ("locales/fr/LC_MESSAGES", ("update", "check", "build", "stats")),
])
def test_a_locale_folder_that_links_outside_is_refused(
        tiny: Path, capsys: pytest.CaptureFixture[str], linked: str,
        commands: tuple[str, ...]) -> None:
    outside = tiny.parent / "outside" / "folder"
    if linked == "locales/de":
        (outside / "LC_MESSAGES").mkdir(parents=True)
    else:
        (tiny / linked).rename(outside)  # the French catalogs now live outside
    os.symlink(outside, tiny / linked)
    before = files(tiny.parent)
    for command in commands:
        run = cli(capsys, tiny, command)
        assert run.code == 2, (command, run.text)
        assert f"E011 unsafe-path: '{linked}" in run.err
        assert "is a link leading outside locales/; refused" in run.err
    assert files(tiny.parent) == before


# --- Path traversal in locale codes, locale folders and ids ------------------------------------


@pytest.mark.parametrize("args", [
    ("update", "--locale", "../../etc"),
    ("update", "--locale", "fr/../../x"),
    ("stats", "--locale", ".."),
    ("check", "--locale", "/etc"),
    ("init", "../../etc"),
    ("init", "fr/../../../tmp/x"),
], ids=" ".join)
def test_a_locale_code_that_is_a_path_is_refused(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory,
        capsys: pytest.CaptureFixture[str], args: tuple[str, ...]) -> None:
    # Deep enough that every path above lands inside tmp_path, where a write would be seen.
    project = clone(tiny_template(tmp_path_factory), tmp_path / "above" / "project")
    before = files(tmp_path)
    run = cli(capsys, project, *args)
    assert run.code == 2
    assert "E409 unknown-locale" in run.err and "is not a locale code" in run.err
    assert files(tmp_path) == before


@pytest.mark.parametrize("name", ["x..y", "fr_FR..", "..."])
def test_a_locale_folder_whose_name_is_no_locale_is_refused(
        tiny: Path, capsys: pytest.CaptureFixture[str], name: str) -> None:
    (tiny / "locales" / name / "LC_MESSAGES").mkdir(parents=True)
    before = files(tiny.parent)
    run = cli(capsys, tiny, "update")
    assert run.code == 2 and "E409" in run.err and repr(name) in run.err
    assert files(tiny.parent) == before


@pytest.mark.parametrize("folder", ["..", ".", "", "a/b", "../x"])
def test_catalog_folders_are_always_under_locales(tiny: Path, folder: str) -> None:
    config = cli_config(tiny)
    with pytest.raises(UsageError) as caught:
        config.catalog_dir(folder)
    assert caught.value.code == "E409"


def test_a_document_id_that_is_a_path_writes_nothing(
        tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tiny / "source" / "exercises" / "evil.yaml").write_text(
        (tiny / "source" / "exercises" / f"{EXERCISE}.yaml").read_text("utf-8")
        .replace(f"id: {EXERCISE}", "id: ../../evil"), encoding="utf-8")
    before = files(tiny.parent)
    run = cli(capsys, tiny, "extract", "--format", "json")
    assert run.code == 1
    assert ("source/exercises/evil.yaml", 3, "E106") in diagnostics(run)
    assert files(tiny.parent) == before


def test_a_language_header_that_is_a_path_is_reported(
        tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tiny / FR_PO
    path.write_text(path.read_text("utf-8").replace('"Language: fr\\n"',
                                                    '"Language: ../../etc\\n"'), "utf-8")
    check = cli(capsys, tiny, "check", "--format", "json")
    assert check.code == 1 and codes_at(check, FR_PO, 1) == {"E404"}
    # One rule, reported once: not by the freshness check and by the header check both.
    assert [d for d in diagnostics(check) if d[0] == FR_PO] == [(FR_PO, 1, "E404")]
    update = cli(capsys, tiny, "update", "--format", "json")
    assert update.code == 1 and diagnostics(update) == [(FR_PO, 1, "E404")]


# --- Plural forms: clean errors, quickly ---------------------------------------------------------

PLURAL_CASES = {
    "nplurals=5000": ('"Plural-Forms: nplurals=2; plural=(n > 1);\\n"',
                      '"Plural-Forms: nplurals=5000; plural=(n > 1);\\n"', 1, "E405"),
    "huge-expression": ('"Plural-Forms: nplurals=2; plural=(n > 1);\\n"',
                        '"Plural-Forms: nplurals=2; plural=' + "(" * 5000 + "n" + ")" * 5000
                        + ';\\n"', 1, "E405"),
    "msgstr[4999]": ('msgstr "Pont fessier"', 'msgstr[4999] "Pont fessier"', 0, "E401"),
    "5000-forms": ('msgstr "Pont fessier"', "msgid_plural \"Glute bridges\"\n" + "\n".join(
        f'msgstr[{i}] "Ponts {i}"' for i in range(5000)), 0, "E401"),
}


@pytest.mark.parametrize("case", PLURAL_CASES, ids=str)
def test_thousands_of_plural_forms_are_a_clean_error(
        tiny: Path, capsys: pytest.CaptureFixture[str], case: str) -> None:
    old, new, line, code = PLURAL_CASES[case]
    path = tiny / FR_PO
    line = line or line_with(path, old)  # the plural entry's first line
    text = path.read_text("utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), "utf-8")
    before = files(tiny)
    start = time.monotonic()
    check = cli(capsys, tiny, "check", "--format", "json")
    update = cli(capsys, tiny, "update", "--format", "json")
    assert time.monotonic() - start < 5
    assert check.code == 1 and (FR_PO, line, code) in diagnostics(check)
    assert (update.code, diagnostics(update)) == (1, [(FR_PO, line, code)])
    assert files(tiny) == before


@pytest.mark.parametrize("char", ["\x00", "\x04"], ids=["NUL", "EOT"])
def test_a_catalog_with_a_gettext_separator_is_a_clean_error(
        tiny: Path, capsys: pytest.CaptureFixture[str], char: str) -> None:
    path = tiny / FR_PO
    line = line_with(path, '"Pont fessier"')
    path.write_text(path.read_text("utf-8").replace("Pont fessier", f"Pont{char}fessier"),
                    "utf-8")
    check = cli(capsys, tiny, "check", "--format", "json")
    assert (check.code, diagnostics(check)) == (1, [(FR_PO, line, "E401")])


# --- Translations: invisible characters and markup injection ----------------------------------


@pytest.mark.parametrize("char", [
    "\u202e",  # RIGHT-TO-LEFT OVERRIDE: "Pont‮reissef" shows reversed
    "\u2067",  # RIGHT-TO-LEFT ISOLATE
    "\u202a",  # LEFT-TO-RIGHT EMBEDDING
    "\x07",  # BELL
    "\x1b",  # ESCAPE (terminal sequences)
    "\x85",  # NEXT LINE
    "\u2028",  # LINE SEPARATOR
], ids=lambda c: f"U+{ord(c):04X}")
def test_invisible_characters_in_a_translation_fail_the_check(
        tiny: Path, capsys: pytest.CaptureFixture[str], char: str) -> None:
    line = edit_entry(po_path(tiny, EXERCISE), NAME, msgstr=f"Pont{char}fessier")
    run = cli(capsys, tiny, "check", "--format", "json")
    assert run.code == 1
    assert "E516" in codes_at(run, FR_PO, line)
    assert f"U+{ord(char):04X}" in run.out


@pytest.mark.parametrize(("msgid", "msgstr"), [
    (NAME, "Pont <script>alert(1)</script>"),
    (NAME, "Pont <img src=x onerror=alert(1)>"),
    (NAME, "Pont <svg/onload=alert(1)>"),  # text to Markdown, a tag to a browser
    (NAME, "Pont </p><p>fessier"),
    (NAME, "Pont <!-- fessier -->"),
    (STEP, "Serrez les fesses et [soulevez](javascript:alert(1)) les hanches du sol."),
    (STEP, "Serrez les fesses et soulevez les hanches du sol <a href=//evil.example>ici</a>."),
], ids=["script", "img-onerror", "svg-onload", "closing-tag", "comment", "javascript-link",
        "anchor"])
def test_markup_injection_in_a_translation_fails_the_check(
        tiny: Path, capsys: pytest.CaptureFixture[str], msgid: str, msgstr: str) -> None:
    line = edit_entry(po_path(tiny, EXERCISE), msgid, msgstr=msgstr)
    run = cli(capsys, tiny, "check", "--format", "json")
    assert run.code == 1
    assert "E515" in codes_at(run, FR_PO, line)
    build = cli(capsys, tiny, "build")
    assert build.code == 1 and not (tiny / "build").exists()


def test_a_less_than_sign_in_prose_is_no_tag(
        tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = edit_entry(po_path(tiny, EXERCISE), NAME, msgstr="Pont fessier < 5 min")
    run = cli(capsys, tiny, "check", "--format", "json")
    assert "E515" not in codes_at(run, FR_PO, line)


def test_bundles_escape_what_html_and_javascript_would_read(
        tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A translation that passes every check still never puts a raw `<`, `&` or U+2028 into a
    bundle: an app inlining it in a page cannot have its `<script>` element closed early.
    The name also reaches the guide's card of the exercise, the index and the offline pack:
    every file that carries translations is held to the same (the schemas carry none)."""
    name = "Pont fessier < 5 & plus"
    edit_entry(po_path(tiny, EXERCISE), NAME, msgstr=name)
    assert cli(capsys, tiny, "build").code == 0
    build = tiny / "build"
    raw = bundle_file(build, f"fr/{EXERCISE}.json").read_text("utf-8")
    assert "<" not in raw and "&" not in raw and ">" not in raw
    assert "Pont fessier \\u003c 5 \\u0026 plus" in raw
    assert json.loads(raw)["document"]["name"] == name
    guide = json.loads(bundle_file(build, "fr/hip-pain.json").read_text("utf-8"))
    assert guide["cards"]["exercises"][EXERCISE]["name"] == name
    index = json.loads((build / "site" / "fr" / "index.json").read_text("utf-8"))
    assert {d["id"]: d["title"] for d in index["documents"]}[EXERCISE] == name
    offline = json.loads((build / "site" / "offline" / "fr.json").read_text("utf-8"))
    assert offline["bundles"][EXERCISE]["document"]["name"] == name
    shipped = [p for p in sorted((build / "site").rglob("*.json"))
               if p.parent.name != "schema"]
    assert len(shipped) == 2 * (4 + 1) + 2 + 1  # en, fr: bundles, index; offline; manifest
    for path in shipped:
        text = path.read_text("utf-8")
        assert "<" not in text and "&" not in text and ">" not in text, path


def _all_links(root: Path) -> Iterator[Path]:
    return (p for p in root.rglob("*") if p.is_symlink())


def test_the_project_itself_holds_no_links() -> None:
    """The shipped source and locales are plain files: a link there would be refused."""
    root = Path(__file__).resolve().parents[1]
    assert [p for folder in ("source", "locales") for p in _all_links(root / folder)] == []


# --- What a diagnostic shows -------------------------------------------------------------------

ESCAPE = "\x1b]0;pwned\x07\x1b[2J"  # set the terminal title, clear the screen


def test_terminal_escapes_in_a_source_value_are_shown_escaped(
        tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tiny / "source" / "reviewers" / "ann-lee.yaml"
    path.write_text(path.read_text("utf-8").replace(
        "id: ann-lee", 'id: "ann\\e]0;pwned\\a\\e[2J\\u202e-lee\\n"'), "utf-8")
    for fmt in ("text", "github", "json"):
        run = cli(capsys, tiny, "validate", "--format", fmt)
        assert run.code == 1
        assert "\x1b" not in run.text and "\u202e" not in run.text and "\x07" not in run.text
        assert "E106" in run.text and "pwned" in run.text


def test_terminal_escapes_in_a_catalog_name_are_shown_escaped(
        tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tiny / "locales" / "fr" / "LC_MESSAGES" / f"{ESCAPE}.po").write_text('msgid "x\n', "utf-8")
    run = cli(capsys, tiny, "check")
    assert run.code == 1 and "E401" in run.out
    assert "\x1b" not in run.text and "\x07" not in run.text
    assert "\\x1b]0;pwned\\x07\\x1b[2J.po" in run.out
