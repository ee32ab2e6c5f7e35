"""`pipeline extract`: one template per document, what translators see in it, and stable bytes."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.content.textunits import iter_texts
from pipeline.gettext.pofiles import EntryKey
from pipeline.stages.validate import validate_project

from build_helpers import cli_config
from catalog_helpers import (
    DOSAGE,
    EPOCH,
    EPOCH_STAMP,
    PLURALS,
    all_catalogs,
    assert_all_msgfmt_ok,
    assert_msgfmt_ok,
    base_project,
    by_key,
    clone,
    copy_project,
    creation_date,
    dosage_project,
    edit,
    entry,
    env,
    ok,
    read_po,
    run_cli,
    templates_dir,
    tree,
)

WALL_SIT = "source/exercises/wall-sit.yaml"


@pytest.fixture
def content(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    """A fresh copy of the real content with its current templates."""
    return clone(base_project(tmp_path_factory), tmp_path / "project")


@pytest.fixture
def fresh(tmp_path: Path) -> Path:
    """The real content without any templates yet."""
    return copy_project(tmp_path / "fresh", templates=False)


def _line_of(path: Path, text: str) -> list[int]:
    return [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if text in line]


def test_one_template_per_document_with_the_english_as_msgid(fresh: Path) -> None:
    with env(SOURCE_DATE_EPOCH=EPOCH):
        result = ok(fresh, "extract")
    library, _ = validate_project(cli_config(fresh))
    ids = {doc.id for doc in library}
    assert len(ids) == 21
    assert {p.stem for p in templates_dir(fresh).glob("*.pot")} == ids
    assert f"{len(ids)} templates, {len(ids)} written, 0 removed." in result.out
    for doc in library:
        template = read_po(templates_dir(fresh) / f"{doc.id}.pot")
        assert set(by_key(template)) == {EntryKey(u.context, u.text)
                                         for u in iter_texts(doc.model)}, doc.id
        assert all(e.msgstr == "" and not e.obsolete for e in template)
        assert template.metadata["Content-Type"] == "text/plain; charset=UTF-8"
        assert template.metadata["POT-Creation-Date"] == EPOCH_STAMP
        assert doc.source.display in template.header
    assert_all_msgfmt_ok(fresh)


def test_identical_text_in_one_document_is_one_entry_with_every_reference(content: Path) -> None:
    step = "Slide back up the wall to stand."
    edit(content / WALL_SIT, "  - Breathe normally throughout.\n",
         f"  - Breathe normally throughout.\n  - {step}\n")
    ok(content, "extract", "-q")
    template = read_po(templates_dir(content) / "wall-sit.pot")
    assert sum(1 for e in template if e.msgid == step) == 1
    found = entry(template, step)
    lines = _line_of(content / WALL_SIT, step)
    assert len(lines) == 2
    assert found.occurrences == [(WALL_SIT, str(n)) for n in lines]
    notes = found.comment.splitlines()
    assert "steps[3] (4 of 5) of exercise 'Wall sit'" in notes
    assert "tips[2] (3 of 3) of exercise 'Wall sit'" in notes
    # Each note appears once even though the text is used twice.
    assert len(notes) == len(set(notes))
    assert_all_msgfmt_ok(content)


def test_glossary_terms_carry_their_vocabulary_as_msgctxt(content: Path) -> None:
    glossary = read_po(templates_dir(content) / "glossary.pot")
    contexts = {e.msgctxt for e in glossary}
    # The phrases doses are written with (if the glossary has them) are the "dosage" ones.
    assert {"muscle", "equipment", "position"} <= contexts <= {"muscle", "equipment",
                                                                "position", "dosage"}
    term = entry(glossary, "Gluteus maximus", context="muscle")
    assert "muscles.gluteus-maximus.name of glossary" in term.comment
    assert "Kind: term. Max 50 characters." in term.comment
    # Texts of other documents have no context.
    assert all(e.msgctxt is None for e in read_po(templates_dir(content) / "wall-sit.pot"))


def test_comments_say_where_what_kind_how_long_and_about_markup(content: Path) -> None:
    template = read_po(templates_dir(content) / "wall-sit.pot")
    step = entry(template, "Hold for 20 seconds.")
    assert step.comment.splitlines() == [
        "steps[2] (3 of 5) of exercise 'Wall sit'",
        "One instruction the reader follows, in order.",
        "Kind: sentence. Max 320 characters.",
    ]
    assert step.occurrences == [(WALL_SIT, str(_line_of(content / WALL_SIT,
                                                          "Hold for 20 seconds.")[0]))]
    caution = entry(template, "**Stop** if you feel sharp pain in or around your kneecap.")
    assert caution.comment.splitlines()[0] == "cautions[0] (1 of 1) of exercise 'Wall sit'"
    assert "Kind: sentence. Max 320 characters." in caution.comment
    assert "Keep the Markdown markup" in caution.comment
    name = entry(template, "Wall sit")
    assert "Kind: name. Max 60 characters." in name.comment
    assert "Markdown" not in name.comment
    # A sentence without markup gets no markup note.
    assert "Markdown" not in step.comment


def test_extract_twice_changes_no_byte(content: Path) -> None:
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in all_catalogs(content)}
    result = ok(content, "extract")
    assert "21 templates, 0 written, 0 removed." in result.out
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in all_catalogs(content)} == before


def test_source_date_epoch_makes_separate_runs_identical(tmp_path: Path) -> None:
    first = copy_project(tmp_path / "a", templates=False)
    second = copy_project(tmp_path / "b", templates=False)
    with env(SOURCE_DATE_EPOCH=EPOCH):
        ok(first, "extract", "-q")
        ok(second, "extract", "-q")
    names = sorted(p.name for p in templates_dir(first).iterdir())
    assert names == sorted(p.name for p in templates_dir(second).iterdir())
    for name in names:
        one = (templates_dir(first) / name).read_bytes()
        assert one == (templates_dir(second) / name).read_bytes(), name
        assert creation_date(one.decode()) == EPOCH_STAMP


def test_unchanged_template_keeps_its_creation_date(tmp_path: Path) -> None:
    content = copy_project(tmp_path / "project", templates=False)
    with env(SOURCE_DATE_EPOCH=EPOCH):
        ok(content, "extract", "-q")
    wall_sit = templates_dir(content) / "wall-sit.pot"
    pelvic = templates_dir(content) / "pelvic-tilt.pot"
    old_pelvic = pelvic.read_bytes()
    old_date = creation_date(wall_sit.read_text())
    edit(content / WALL_SIT, "Hold for 20 seconds.", "Hold for 25 seconds.")
    with env(SOURCE_DATE_EPOCH=None):
        result = ok(content, "extract")
    assert "1 written" in result.out
    assert pelvic.read_bytes() == old_pelvic
    assert creation_date(pelvic.read_text()) == EPOCH_STAMP
    changed = wall_sit.read_text()
    assert creation_date(changed) not in (old_date, EPOCH_STAMP)
    assert 'msgid "Hold for 25 seconds."' in changed
    # And the new date sticks while nothing changes.
    with env(SOURCE_DATE_EPOCH=None):
        ok(content, "extract", "-q")
    assert wall_sit.read_text() == changed


def test_invalid_source_exits_1_and_writes_no_template(fresh: Path, content: Path) -> None:
    for root in (fresh, content):
        edit(root / WALL_SIT, "name: Wall sit\n", "name: Wall sit\nnmae: typo\n")
    before = tree(fresh)
    result = run_cli(fresh, "extract")
    assert result.code == 1
    assert f"{WALL_SIT}:" in result.out
    assert tree(fresh) == before
    assert not templates_dir(fresh).exists()
    # Existing templates are left exactly as they were.
    snapshot = {p: p.read_bytes() for p in all_catalogs(content)}
    assert run_cli(content, "extract").code == 1
    assert {p: p.read_bytes() for p in all_catalogs(content)} == snapshot


def test_template_of_a_deleted_document_is_removed(content: Path) -> None:
    (content / "source/guides/knee-pain.yaml").unlink()
    result = ok(content, "extract")
    assert "removed locales/templates/knee-pain.pot" in result.out
    assert not (templates_dir(content) / "knee-pain.pot").exists()
    assert len(list(templates_dir(content).glob("*.pot"))) == 20


# --------------------------------------------------------------------------------------------
# Plural phrases and placeholders


@pytest.fixture
def dosage(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    """The tiny project whose glossary writes doses out (plural phrases, placeholders)."""
    return clone(dosage_project(tmp_path_factory), tmp_path / "dosage")


def _blocks(text: str) -> dict[str, str]:
    """An entry's lines from its flags on (no `#.` notes or `#:` places), by msgid."""
    found: dict[str, str] = {}
    for block in text.split("\n\n")[1:]:
        lines = [line for line in block.strip("\n").split("\n")
                 if not line.startswith(("#.", "#:"))]
        msgid = next(line for line in lines if line.startswith("msgid "))
        found[msgid[len('msgid "'):-1]] = "\n".join(lines)
    return found


def test_plural_phrases_and_placeholders_are_written_as_xgettext_writes_them(
        dosage: Path, tmp_path: Path) -> None:
    """A phrase with a count is one entry with msgid_plural and two empty forms, a phrase
    with `{name}` placeholders carries python-brace-format: byte for byte what xgettext
    writes for the same strings in Python (npgettext/pgettext calls), and msgfmt -c takes
    the template."""
    xgettext = shutil.which("xgettext")
    if xgettext is None:
        pytest.skip("GNU xgettext is not installed")
    template = templates_dir(dosage) / "glossary.pot"
    ours = _blocks(template.read_text(encoding="utf-8"))
    phrases = [msgid for msgid, entry in ours.items() if f'msgctxt "{DOSAGE}"' in entry]
    calls = []
    for msgid in phrases:
        if msgid in PLURALS:
            calls.append(f"npgettext({DOSAGE!r}, {msgid!r}, {PLURALS[msgid]!r}, n)")
        else:
            calls.append(f"pgettext({DOSAGE!r}, {msgid!r})")
    source = tmp_path / "phrases.py"
    source.write_text("\n".join(calls) + "\n", encoding="utf-8")
    out = tmp_path / "xgettext.pot"
    subprocess.run([xgettext, "--from-code=UTF-8", "--no-location", "--keyword=pgettext:1c,2",
                    "--keyword=npgettext:1c,2,3", "-o", str(out), str(source)], check=True,
                   capture_output=True)
    theirs = _blocks(out.read_text(encoding="utf-8"))
    assert len(phrases) == 7 and {ours[m] for m in phrases} == {theirs[m] for m in phrases}
    assert 'msgid_plural "{count} sets"\nmsgstr[0] ""\nmsgstr[1] ""' in ours["{count} set"]
    assert ours["Hold for {seconds}"].startswith("#, python-brace-format\n")
    # Plain texts carry no flag.
    assert not any(entry.startswith("#,") for msgid, entry in ours.items()
                   if msgid not in phrases)
    assert_msgfmt_ok(template, *sorted((dosage / "locales").rglob("*.po")))


def test_notes_tell_translators_what_to_keep_and_how_many_forms(dosage: Path) -> None:
    template = read_po(templates_dir(dosage) / "glossary.pot")
    counted = entry(template, "{count} set", DOSAGE)
    assert counted.msgid_plural == "{count} sets"
    assert "Keep the placeholder {count} as it is, braces included." in counted.comment
    assert "one form for each plural form of your language" in counted.comment
    holding = entry(template, "{dose}, holding each for {seconds}", DOSAGE)
    assert "Keep the placeholders {dose}, {seconds} as they are" in holding.comment
    assert "plural form" not in holding.comment


def test_a_changed_english_plural_is_a_changed_template(dosage: Path) -> None:
    """The English plural is part of what a template says: changing only it rewrites the
    template (and `check` calls the old one stale until then)."""
    edit(dosage / "source" / "glossary.yaml", 'other: "{count} sets"', 'other: "{count} series"')
    check = run_cli(dosage, "check")
    assert check.code == 1 and "E406" in check.out
    with env(SOURCE_DATE_EPOCH=EPOCH):
        result = ok(dosage, "extract")
    assert "glossary.pot" in result.out
    template = read_po(templates_dir(dosage) / "glossary.pot")
    assert entry(template, "{count} set", DOSAGE).msgid_plural == "{count} series"
    with env(SOURCE_DATE_EPOCH=EPOCH):
        again = ok(dosage, "extract")
    assert "0 written" in again.out


def test_pybabels_extraction_method_gives_plural_phrases_as_ngettext(dosage: Path) -> None:
    """The Babel method yields a phrase with a count as npgettext's context, singular and
    plural, the way Babel's own extractors do, so `pybabel extract` writes msgid_plural."""
    from pipeline.gettext.babel_extractor import extract_yaml

    path = dosage / "source" / "glossary.yaml"
    with path.open("rb") as fh:
        found = {message: function for _, function, message, _ in
                 extract_yaml(fh, {}, (), {})}
    assert found[(DOSAGE, "{count} set", "{count} sets")] == "npgettext"
    assert found[(DOSAGE, "Hold for {seconds}")] == "pgettext"
    assert found[("muscle", "Gluteus maximus")] == "pgettext"
