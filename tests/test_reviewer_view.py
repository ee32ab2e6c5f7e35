"""What a translator or reviewer reads of `pipeline check`.

* An optional locale's untranslated (E501) and fuzzy (E502) entries are counted, one warning
  per catalog, in the terminal, in GitHub annotations and in JSON; `--verbose` lists each.
  A required locale's are still one error per entry, at the entry's line.
* `check --locale xx` for a locale the configuration does not list is a usage error (exit 2)
  that shows the lines to write in pyproject.toml, in the words `init` uses.
* `check PATH` counts, in its summary line, its table and its JSON, only what was checked
  under PATH.

Every test runs the real command (in-process through `pipeline.cli.main`, or as a
`python -m pipeline` process) on the tiny project copied into a tmp folder: French required
and complete, German started with `pipeline init de` (nothing translated) and optional.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import polib
import pytest

from build_helpers import (
    PYTHON,
    Run,
    cli,
    clone,
    configure,
    edit_entry,
    line_of,
    msgstr_line,
    must,
    po_path,
    tiny_template,
)

DOCUMENTS = ("ann-lee", "glossary", "glute-bridge", "hip-pain")
DE = "locales/de/LC_MESSAGES"
UNTRANSLATED = "{n} of {total} entries untranslated (English is shown); run with --verbose for each"


@pytest.fixture(scope="module")
def german_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny project with German started (0 %) and optional; made once per module."""
    root = clone(tiny_template(tmp_path_factory), tmp_path_factory.mktemp("german") / "tiny")
    must(root, "init", "de")
    configure(root, required=("fr",), optional=("de",))
    return root


@pytest.fixture
def tiny(german_template: Path, tmp_path: Path) -> Path:
    return clone(german_template, tmp_path / "tiny")


@pytest.fixture(autouse=True)
def plain_output(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "COLUMNS", "GITHUB_ACTIONS"):
        monkeypatch.delenv(name, raising=False)


def live(path: Path) -> list[polib.POEntry]:
    return [e for e in polib.pofile(str(path)) if not e.obsolete]


def expected_summaries(root: Path) -> dict[str, tuple[int, str]]:
    """For each German catalog (all untranslated): (line of its first entry, message)."""
    found = {}
    for doc in DOCUMENTS:
        path = po_path(root, doc, "de")
        entries = live(path)
        found[f"{DE}/{doc}.po"] = (msgstr_line(path, entries[0]),
                                   UNTRANSLATED.format(n=len(entries), total=len(entries)))
    return found


def entry_count(root: Path) -> int:
    return sum(len(live(po_path(root, doc, "de"))) for doc in DOCUMENTS)


def problem_lines(run: Run) -> list[str]:
    return [line for line in run.out.splitlines() if re.match(r"^\S+\.(po|pot|yaml)\b", line)]


def table_rows(run: Run) -> dict[str, list[str]]:
    """The check table's body: scope → [policy, errors, warnings]."""
    rows = {}
    for line in run.out.splitlines():
        cells = [c.strip() for c in line.strip("│").split("│")]
        if line.startswith("│") and len(cells) == 4:
            rows[cells[0]] = cells[1:]
    return rows


# --- An optional locale: one line per document -----------------------------------------------


def test_an_optional_locale_at_zero_percent_prints_one_line_per_document(
        tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = cli(capsys, tiny, "check")
    assert run.code == 0, run.text
    expected = [f"{path}:{line}: E501 untranslated: {message}"
                for path, (line, message) in expected_summaries(tiny).items()]
    assert problem_lines(run) == expected
    assert entry_count(tiny) > len(DOCUMENTS)  # so one line per entry would be more lines
    assert "0 errors, 4 warnings in 4 of 12 files." in run.out
    assert table_rows(run) == {"source and catalogs": ["required", "0", "0"],
                               "fr": ["required", "0", "0"], "de": ["optional", "0", "4"]}


def test_verbose_lists_every_untranslated_entry_at_its_line(
        tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = cli(capsys, tiny, "check", "--verbose")
    assert run.code == 0, run.text
    lines = problem_lines(run)
    expected = [f"{DE}/{doc}.po:{msgstr_line(po_path(tiny, doc, 'de'), e)}: E501 untranslated: "
                "not translated (source: " for doc in DOCUMENTS
                for e in live(po_path(tiny, doc, "de"))]
    assert len(lines) == len(expected) == entry_count(tiny)
    assert all(line.startswith(start) for line, start in zip(lines, expected)), lines
    assert f"0 errors, {len(expected)} warnings in 4 of 12 files." in run.out
    assert table_rows(run)["de"] == ["optional", "0", str(len(expected))]


def test_a_half_done_catalog_counts_untranslated_and_fuzzy_entries_apart(
        tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = po_path(tiny, "glute-bridge", "de")
    entries = live(path)
    total = len(entries)
    edit_entry(path, entries[0].msgid, msgstr="Gesäßbrücke", msgctxt=entries[0].msgctxt)
    edit_entry(path, entries[1].msgid, msgstr="Ein Entwurf.", fuzzy=True,
               msgctxt=entries[1].msgctxt)
    fuzzy_line = line_of(path, entries[1].msgid, entries[1].msgctxt)
    first_untranslated = line_of(path, entries[2].msgid, entries[2].msgctxt)
    run = cli(capsys, tiny, "check", f"{tiny}/{DE}/glute-bridge.po")
    assert run.code == 0, run.text
    assert problem_lines(run) == [
        f"{DE}/glute-bridge.po:{fuzzy_line}: E502 fuzzy: 1 of {total} entries fuzzy (English "
        "is shown until reviewed); run with --verbose for each",
        f"{DE}/glute-bridge.po:{first_untranslated}: E501 untranslated: "
        + UNTRANSLATED.format(n=total - 2, total=total),
    ]
    verbose = cli(capsys, tiny, "check", "--verbose", f"{tiny}/{DE}/glute-bridge.po")
    assert sum(" E502 fuzzy: marked fuzzy" in line for line in problem_lines(verbose)) == 1
    assert sum(" E501 untranslated: not translated" in line
               for line in problem_lines(verbose)) == total - 2


def test_a_required_locale_still_reports_each_entry_as_an_error(
        tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = po_path(tiny, "glute-bridge", "fr")
    entries = live(path)
    untranslated = edit_entry(path, entries[0].msgid, msgstr="", msgctxt=entries[0].msgctxt)
    also = edit_entry(path, entries[1].msgid, msgstr="", msgctxt=entries[1].msgctxt)
    fuzzy = edit_entry(path, entries[2].msgid, fuzzy=True, msgctxt=entries[2].msgctxt)
    run = cli(capsys, tiny, "check")
    assert run.code == 1, run.text
    french = [line for line in problem_lines(run) if line.startswith("locales/fr/")]
    assert [line.split(" (source:")[0] for line in french] == [
        f"locales/fr/LC_MESSAGES/glute-bridge.po:{untranslated}: E501 untranslated: "
        "not translated",
        f"locales/fr/LC_MESSAGES/glute-bridge.po:{also}: E501 untranslated: not translated",
        f"locales/fr/LC_MESSAGES/glute-bridge.po:{fuzzy}: E502 fuzzy: marked fuzzy; review "
        "the translation and remove the flag",
    ]
    assert len([line for line in problem_lines(run) if line.startswith(f"{DE}/")]) == 4
    assert table_rows(run)["fr"] == ["required", "3", "0"]
    assert table_rows(run)["de"] == ["optional", "0", "4"]


def github_check(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m pipeline check --format github` as the example workflow runs it."""
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env.update(GITHUB_ACTIONS="true", CI="true")
    return subprocess.run([PYTHON, "-m", "pipeline", "check", "--format", "github", *args],
                          cwd=root, env=env, capture_output=True, text=True, timeout=120)


def test_github_annotations_are_one_per_document_for_an_optional_locale(tiny: Path) -> None:
    done = github_check(tiny)
    assert done.returncode == 0, done.stdout + done.stderr
    annotations = [line for line in done.stdout.splitlines() if line.startswith("::")]
    assert annotations == [
        f"::warning file={path},line={line},title=E501 untranslated::{message}"
        for path, (line, message) in expected_summaries(tiny).items()]
    assert done.stdout.splitlines()[-1] == "0 errors, 4 warnings in 4 of 12 files."
    verbose = github_check(tiny, "--verbose")
    each = [line for line in verbose.stdout.splitlines() if line.startswith("::warning ")]
    assert len(each) == entry_count(tiny)


def test_json_counts_per_document_unless_verbose(
        tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = json.loads(cli(capsys, tiny, "check", "--format", "json").out)
    assert [(d["path"], d["code"], d["severity"]) for d in report["diagnostics"]] == [
        (f"{DE}/{doc}.po", "E501", "warning") for doc in DOCUMENTS]
    assert report["summary"] == {"checked": 12, "errors": 0, "warnings": 4}
    assert report["locales"]["de"] == {"errors": 0, "warnings": 4, "required": False}
    verbose = json.loads(cli(capsys, tiny, "check", "--format", "json", "--verbose").out)
    assert len(verbose["diagnostics"]) == verbose["summary"]["warnings"] == entry_count(tiny)


def test_build_lists_no_untranslated_entries_even_with_verbose(
        tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The build says how much fell back to English in its table; entries are check's."""
    for args in (("build",), ("build", "--verbose")):
        run = cli(capsys, tiny, *args)
        assert run.code == 0, run.text
        assert "E501" not in run.text and "not translated" not in run.text


# --- A locale that is not configured ---------------------------------------------------------

HINT = ("Add {names} to required_locales or optional_locales under [tool.pipeline] in "
        "pyproject.toml: check and build only handle configured locales. Change (or add) one "
        "of these lines there:\n"
        "    optional_locales = {optional}  # reported, never fails a run\n"
        "    required_locales = {required}  # must be complete and pass every check")


def test_check_of_a_locale_that_is_not_configured_shows_the_line_to_add(
        tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    configure(tiny, required=("fr",), optional=())  # German catalogs are there, unlisted
    run = cli(capsys, tiny, "check", "--locale", "de")
    assert (run.code, run.out) == (2, "")
    hint = HINT.format(names="'de'", optional='["de"]      ', required='["fr", "de"]')
    assert run.err == f"pipeline: error: 'de' is not a configured locale. {hint}\n"
    assert "pipeline update" not in run.err and "E408" not in run.err
    # `init` says it in the same words: one hint, wherever it is given.
    init = cli(capsys, tiny, "init", "de")
    assert init.code == 0 and hint in init.out
    # Written as shown, the line makes the check go through.
    line = re.search(r"^    (optional_locales = .*?)  #", run.err, re.MULTILINE)
    assert line is not None
    pyproject = tiny / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8").replace(
        "optional_locales = []", line.group(1)), encoding="utf-8")
    done = cli(capsys, tiny, "check", "--locale", "de")
    assert done.code == 0, done.text
    assert len(problem_lines(done)) == len(DOCUMENTS)


def test_several_unconfigured_locales_are_named_together_and_codes_cldr_lacks_are_e409(
        tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = cli(capsys, tiny, "check", "--locale", "it", "--locale", "fr", "--locale", "es")
    assert run.code == 2 and run.out == ""
    assert run.err.startswith("pipeline: error: 'it' and 'es' are not configured locales. "
                              "Add 'it' and 'es' to required_locales")
    assert '    optional_locales = ["de", "it", "es"]  # reported' in run.err
    assert '    required_locales = ["fr", "it", "es"]  # must be complete' in run.err
    unknown = cli(capsys, tiny, "check", "--locale", "xx")
    assert unknown.code == 2
    assert "E409 unknown-locale: unknown locale 'xx'" in unknown.err
    assert "required_locales" not in unknown.err


def test_configured_locales_check_as_before(
        tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = cli(capsys, tiny, "check", "--locale", "fr")
    assert run.code == 0, run.text
    assert "No problems in 8 files." in run.out
    assert set(table_rows(run)) == {"source and catalogs", "fr"}


# --- check PATH counts only what is under PATH -----------------------------------------------


def test_a_path_restricts_the_count_and_the_table(
        tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A French error outside the path: neither shown nor counted.
    french = po_path(tiny, "glute-bridge", "fr")
    entry = live(french)[0]
    edit_entry(french, entry.msgid, msgstr="", msgctxt=entry.msgctxt)
    one = cli(capsys, tiny, "check", f"{tiny}/{DE}/glute-bridge.po")
    assert one.code == 0, one.text
    assert "0 errors, 1 warning in 1 of 1 file." in one.out
    assert table_rows(one) == {"de": ["optional", "0", "1"]}
    folder = cli(capsys, tiny, "check", f"{tiny}/{DE}")
    assert "0 errors, 4 warnings in 4 of 4 files." in folder.out
    assert set(table_rows(folder)) == {"de"}
    source = cli(capsys, tiny, "check", f"{tiny}/source")
    assert source.code == 0 and "No problems in 4 files." in source.out
    assert table_rows(source) == {"source and catalogs": ["required", "0", "0"]}
    report = json.loads(cli(capsys, tiny, "check", "--format", "json", f"{tiny}/{DE}").out)
    assert report["summary"] == {"checked": 4, "errors": 0, "warnings": 4}
    assert report["locales"] == {"de": {"errors": 0, "warnings": 4, "required": False}}
    # The whole project, named as a path, is the whole project.
    everything = cli(capsys, tiny, "check", str(tiny))
    whole = cli(capsys, tiny, "check")
    assert everything.out == whole.out and everything.code == whole.code == 1
    assert "1 error, 4 warnings in 5 of 12 files." in whole.out
