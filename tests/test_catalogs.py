"""`init`, `update`, `stats` and the lock: real commands on a copy of the real content.

The promise to translators under test: no translation is ever lost, changed English arrives
fuzzy with the previous msgid, and a second `update` changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import polib
import pytest

from pipeline.core.environment import Environment
from pipeline.gettext.pofiles import EntryKey, entry_status, forms, key_of
from pipeline.infra import cache
from pipeline.infra.fsutil import write_atomic
from pipeline.stages import update
from pipeline.stages.gate import run_gate

from build_helpers import cli_config
from catalog_helpers import (
    DOSAGE,
    EPOCH,
    LOCK_SHOWN,
    Run,
    all_catalogs,
    assert_all_msgfmt_ok,
    assert_msgfmt_ok,
    base_project,
    by_key,
    catalog_dir,
    clone,
    copy_project,
    dosage_project,
    edit,
    edit_po,
    entry,
    env,
    ok,
    read_po,
    require_tool,
    run_cli,
    snapshot,
    template_keys,
    templates_dir,
    translated_project,
    tree,
)

WALL_SIT = "source/exercises/wall-sit.yaml"
FR = "locales/fr/LC_MESSAGES"

# The edits of the round trip, in English.
CHANGED_OLD = "Slide your back down the wall until your knees are bent to about 45 degrees."
CHANGED_NEW = "Slide your back down the wall until your knees are bent to about 60 degrees."
REMOVED_TIP = "Go only as low as you can without knee pain. You can go deeper over time."
NEW_STEP = "Count your breaths out loud while you hold."
MOVED_TIP = "Keep your chin tucked and look straight ahead, not up at the ceiling."
REUSED_STEP = "Return slowly to the starting position."
NUMBER_OLD = "Hold for 5 seconds."
NUMBER_NEW = "Hold for 30 seconds."
# Other exercises' English, closer to NUMBER_NEW than the catalog's own NUMBER_OLD.
NUMBER_CLOSER = "Hold for 3 seconds."


def fr(msgid: str) -> str:
    return "FR: " + msgid


@pytest.fixture
def content(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    """The real content with current templates, no locale yet."""
    return clone(base_project(tmp_path_factory), tmp_path / "project")


@pytest.fixture
def translated(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    """The real content with a fully translated French locale."""
    return clone(translated_project(tmp_path_factory), tmp_path / "project")


# --- init -------------------------------------------------------------------------------


def test_init_creates_a_catalog_per_template_with_cldr_headers(content: Path) -> None:
    result = ok(content, "init", "fr")
    keys = template_keys(content)
    assert f"fr: {len(keys)} catalogs created, 0 already there." in result.out
    created = sorted(catalog_dir(content, "fr").glob("*.po"))
    assert [p.stem for p in created] == sorted(keys)
    for path in created:
        catalog = read_po(path)
        meta = catalog.metadata
        assert meta["Language"] == "fr"
        assert meta["Plural-Forms"] == "nplurals=2; plural=(n > 1);"
        assert meta["Content-Type"] == "text/plain; charset=UTF-8"
        assert meta["Content-Transfer-Encoding"] == "8bit"
        assert meta["Language-Team"] == "French <fr@li.org>"
        template = read_po(templates_dir(content) / f"{path.stem}.pot")
        assert meta["POT-Creation-Date"] == template.metadata["POT-Creation-Date"]
        assert [key_of(e) for e in catalog] == [key_of(e) for e in template]
        # Untranslated, with the template's format flags; a plural entry with French's
        # two empty forms.
        assert all(not any(forms(e)) and len(forms(e)) == (2 if e.msgid_plural else 1)
                   for e in catalog)
        assert [e.flags for e in catalog] == [e.flags for e in template]
        assert [e.msgid_plural for e in catalog] == [e.msgid_plural for e in template]
        assert [e.comment for e in catalog] == [e.comment for e in template]
        assert [e.occurrences for e in catalog] == [e.occurrences for e in template]
        path.read_bytes().decode("utf-8")
    assert_all_msgfmt_ok(content)


@pytest.mark.parametrize("locale", ["ru", "fr", "pt_BR", "pl"])
def test_init_writes_the_plural_forms_gnu_msginit_writes(content: Path, tmp_path: Path,
                                                         locale: str) -> None:
    """Whatever CLDR release Babel carries (French gained a third form in one): the rule
    translators' tools expect, as GNU's own msginit writes it for the language."""
    template = next(templates_dir(content).glob("*.pot"))
    made = tmp_path / f"msginit-{locale}.po"
    subprocess.run([require_tool("msginit"), "--no-translator", "-l", locale, "-i",
                    str(template), "-o", str(made)], check=True, capture_output=True)
    expected = read_po(made).metadata["Plural-Forms"]
    ok(content, "init", locale, "-q")
    for path in catalog_dir(content, locale).glob("*.po"):
        meta = read_po(path).metadata
        assert meta["Language"] == locale
        assert meta["Plural-Forms"] == expected
    assert_all_msgfmt_ok(content)


def test_init_accepts_a_bcp47_spelling_and_uses_the_gettext_folder(content: Path) -> None:
    ok(content, "init", "pt-BR", "-q")
    catalog = read_po(catalog_dir(content, "pt_BR") / "wall-sit.po")
    assert catalog.metadata["Language"] == "pt_BR"
    assert not (content / "locales" / "pt-BR").exists()


@pytest.mark.parametrize("code", ["xx", "../etc", "fr/../../x", "FR!", ""])
def test_init_unknown_locale_exits_2_and_creates_nothing(content: Path, code: str) -> None:
    before = tree(content)
    outside = sorted(p.name for p in content.parent.iterdir())
    result = run_cli(content, "init", code)
    assert result.code == 2
    assert "pipeline: error:" in result.err
    assert tree(content) == before
    assert sorted(p.name for p in content.parent.iterdir()) == outside


def test_init_never_overwrites_an_existing_catalog(content: Path) -> None:
    ok(content, "init", "fr", "-q")
    folder = catalog_dir(content, "fr")
    edit_po(folder / "wall-sit.po", lambda c: setattr(entry(c, "Wall sit"), "msgstr", "Mur"))
    kept = snapshot(content)
    (folder / "bird-dog.po").unlink()
    result = ok(content, "init", "fr")
    documents = len(template_keys(content))
    assert f"fr: 1 catalogs created, {documents - 1} already there." in result.out
    after = snapshot(content)
    assert FR + "/bird-dog.po" in after
    assert {k: v for k, v in after.items() if not k.endswith("bird-dog.po")} == \
           {k: v for k, v in kept.items() if not k.endswith("bird-dog.po")}
    assert entry(read_po(folder / "wall-sit.po"), "Wall sit").msgstr == "Mur"


def test_init_without_templates_is_a_usage_error(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "bare", templates=False)
    result = run_cli(root, "init", "fr")
    assert result.code == 2
    assert "run 'pipeline extract' first" in result.err
    assert not (root / "locales" / "fr").exists()


# --- update: the round trip -------------------------------------------------------------


@dataclass
class RoundTrip:
    root: Path
    before: dict[str, polib.POFile]
    first: Run
    second: Run
    after_first: dict[str, tuple[bytes, int]]
    after_second: dict[str, tuple[bytes, int]]

    def catalog(self, doc: str) -> polib.POFile:
        return read_po(catalog_dir(self.root, "fr") / f"{doc}.po")


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory: pytest.TempPathFactory) -> RoundTrip:
    """extract → init fr → translate everything → edit the English → extract → update (twice)."""
    root = clone(translated_project(tmp_path_factory),
                 tmp_path_factory.mktemp("round-trip") / "project")
    folder = catalog_dir(root, "fr")

    def comment(catalog: polib.POFile) -> None:
        entry(catalog, "Wall sit").tcomment = "Name agreed with the physiotherapists."
        entry(catalog, CHANGED_OLD).tcomment = "Checked with Marie."

    edit_po(folder / "wall-sit.po", comment)
    before = {p.stem: read_po(p) for p in folder.glob("*.po")}

    source = root / "source" / "exercises"
    # Change one step slightly, remove a tip, add a new step, reuse another exercise's step.
    edit(source / "wall-sit.yaml", "about 45 degrees.", "about 60 degrees.")
    edit(source / "wall-sit.yaml", f"  - {REMOVED_TIP}\n", "")
    edit(source / "wall-sit.yaml", "  - Slide back up the wall to stand.\n",
         f"  - Slide back up the wall to stand.\n  - {REUSED_STEP}\n  - {NEW_STEP}\n")
    # Move a tip from one exercise to another.
    edit(source / "hip-thrust.yaml", f"  - {MOVED_TIP}\n", "")
    edit(source / "glute-bridge.yaml", "  - Breathe out as you lift.\n",
         f"  - Breathe out as you lift.\n  - {MOVED_TIP}\n")
    # Change a number.
    edit(source / "pelvic-tilt.yaml", f"  - {NUMBER_OLD}", f"  - {NUMBER_NEW}")

    with env(SOURCE_DATE_EPOCH=None):
        ok(root, "extract", "-q")
        first = ok(root, "update")
        after_first = snapshot(root)
        second = ok(root, "update")
    return RoundTrip(root, before, first, second, after_first, snapshot(root))


def test_update_rewrites_only_the_catalogs_whose_templates_changed(round_trip: RoundTrip) -> None:
    updated = re.findall(r"^updated (\S+)$", round_trip.first.out, re.MULTILINE)
    assert sorted(updated) == [f"{FR}/{d}.po" for d in
                               ("glute-bridge", "hip-thrust", "pelvic-tilt", "wall-sit")]
    assert "2 fuzzy, 1 untranslated, 3 obsolete, 2 from memory." in round_trip.first.out


def test_changed_english_is_fuzzy_with_previous_msgid_and_old_translation(
        round_trip: RoundTrip) -> None:
    changed = entry(round_trip.catalog("wall-sit"), CHANGED_NEW)
    assert "fuzzy" in changed.flags
    assert changed.previous_msgid == CHANGED_OLD
    assert changed.msgstr == fr(CHANGED_OLD)
    assert changed.tcomment == "Checked with Marie."
    # The old English is not also kept as obsolete: the fuzzy entry carries it.
    assert EntryKey(None, CHANGED_OLD) not in by_key(round_trip.catalog("wall-sit"), True)


def test_changed_number_arrives_fuzzy_never_translated(round_trip: RoundTrip) -> None:
    """Another document's English is strictly closer than the catalog's own old entry, so
    that translation is offered (as msgmerge --compendium does) and the old one is kept as
    obsolete."""
    changed = entry(round_trip.catalog("pelvic-tilt"), NUMBER_NEW)
    assert entry_status(changed) == "fuzzy"
    assert changed.previous_msgid == NUMBER_CLOSER
    assert changed.msgstr == fr(NUMBER_CLOSER)
    assert entry(round_trip.catalog("pelvic-tilt"), NUMBER_OLD, obsolete=True).msgstr == \
        fr(NUMBER_OLD)
    # The same English elsewhere is untouched.
    unchanged = entry(round_trip.catalog("bird-dog"), NUMBER_OLD)
    assert entry_status(unchanged) == "translated"


def test_removed_english_is_obsolete_with_its_translation(round_trip: RoundTrip) -> None:
    gone = entry(round_trip.catalog("wall-sit"), REMOVED_TIP, obsolete=True)
    assert gone.msgstr == fr(REMOVED_TIP)
    assert gone.occurrences == [] and gone.comment == ""
    assert EntryKey(None, REMOVED_TIP) not in by_key(round_trip.catalog("wall-sit"))
    assert "#~ msgid" in (round_trip.root / FR / "wall-sit.po").read_text()


def test_new_english_is_untranslated(round_trip: RoundTrip) -> None:
    new = entry(round_trip.catalog("wall-sit"), NEW_STEP)
    assert new.msgstr == "" and "fuzzy" not in new.flags and new.previous_msgid is None
    assert "steps[5] (6 of 7) of exercise 'Wall sit'" in new.comment


def test_a_broken_catalog_hides_no_other_problem_of_its_locale(
        round_trip: RoundTrip, tmp_path: Path) -> None:
    """One catalog that does not parse is reported, and so is a catalog of the same locale
    that lacks an entry of its template (stale whatever the others translate), and a
    translation check's finding in a third."""
    root = clone(round_trip.root, tmp_path / "project")
    folder = catalog_dir(root, "fr")
    (folder / "bird-dog.po").write_text('msgid "unclosed\n', encoding="utf-8")
    edit_po(folder / "wall-sit.po", lambda catalog: catalog.remove(entry(catalog, REUSED_STEP)))
    edit_po(folder / "glute-bridge.po",
            lambda catalog: setattr(entry(catalog, MOVED_TIP), "msgstr", "<script>x</script>"))
    found = {(d.path, d.code) for d in run_gate(cli_config(root)).diagnostics}
    assert (f"{FR}/bird-dog.po", "E401") in found
    assert (f"{FR}/wall-sit.po", "E407") in found
    assert (f"{FR}/glute-bridge.po", "E515") in found


def test_moved_and_reused_english_keep_their_translation(round_trip: RoundTrip) -> None:
    moved = entry(round_trip.catalog("glute-bridge"), MOVED_TIP)
    assert entry_status(moved) == "translated" and moved.msgstr == fr(MOVED_TIP)
    assert moved.previous_msgid is None
    # Its old home keeps the translation as obsolete.
    assert entry(round_trip.catalog("hip-thrust"), MOVED_TIP, obsolete=True).msgstr == \
        fr(MOVED_TIP)
    reused = entry(round_trip.catalog("wall-sit"), REUSED_STEP)
    assert entry_status(reused) == "translated" and reused.msgstr == fr(REUSED_STEP)


def test_check_calls_stale_exactly_what_update_would_write(round_trip: RoundTrip,
                                                           tmp_path: Path) -> None:
    """The gate judges freshness catalog by catalog from cached summaries; its verdict must
    be `update`'s, including a catalog stale only because another one translates its
    untranslated English (the locale's memory would fill it)."""
    root = clone(round_trip.root, tmp_path / "project")

    def stale() -> set[str]:
        found = run_gate(cli_config(root)).diagnostics
        return {d.path for d in found if d.code in ("E407", "E408")}

    assert stale() == set()
    edit_po(catalog_dir(root, "fr") / "wall-sit.po",
            lambda catalog: setattr(entry(catalog, REUSED_STEP), "msgstr", ""))
    config = cli_config(root)
    writes = update.plan_update(config, ["fr"]).writes
    assert stale() == {config.rel(path) for path in writes} == {f"{FR}/wall-sit.po"}


def test_every_other_translation_and_comment_is_intact(round_trip: RoundTrip) -> None:
    retired = {("wall-sit", REMOVED_TIP), ("hip-thrust", MOVED_TIP),
               ("pelvic-tilt", NUMBER_OLD)}
    reworded = {("wall-sit", CHANGED_OLD)}
    for doc, old in round_trip.before.items():
        new = round_trip.catalog(doc)
        live, obsolete = by_key(new), by_key(new, obsolete=True)
        for key, before in by_key(old).items():
            if (doc, key.msgid) in reworded:
                assert key not in live and key not in obsolete
            elif (doc, key.msgid) in retired:
                assert obsolete[key].msgstr == before.msgstr
            else:
                after = live[key]
                assert entry_status(after) == "translated", (doc, key)
                assert (after.msgstr, after.tcomment) == (before.msgstr, before.tcomment)
        assert {(doc, k.msgid) for k in obsolete} == {r for r in retired if r[0] == doc}
    assert entry(round_trip.catalog("wall-sit"), "Wall sit").tcomment == \
        "Name agreed with the physiotherapists."
    assert "# Name agreed with the physiotherapists.\n" in \
        (round_trip.root / FR / "wall-sit.po").read_text()


def test_live_entries_follow_the_templates(round_trip: RoundTrip) -> None:
    for doc, keys in template_keys(round_trip.root).items():
        catalog = round_trip.catalog(doc)
        template = read_po(templates_dir(round_trip.root) / f"{doc}.pot")
        assert [key_of(e) for e in catalog if not e.obsolete] == [key_of(e) for e in template]
        assert catalog.metadata["POT-Creation-Date"] == template.metadata["POT-Creation-Date"]
        for mine, theirs in zip([e for e in catalog if not e.obsolete], template):
            assert (mine.comment, mine.occurrences) == (theirs.comment, theirs.occurrences)


def test_second_update_changes_no_byte(round_trip: RoundTrip) -> None:
    assert round_trip.after_second == round_trip.after_first
    assert "0 catalogs written" in round_trip.second.out
    assert "updated" not in round_trip.second.out


def test_round_trip_catalogs_pass_msgfmt(round_trip: RoundTrip) -> None:
    assert_all_msgfmt_ok(round_trip.root)


# --- update: documents come and go ------------------------------------------------------


def test_deleted_and_new_documents(translated: Path) -> None:
    ok(translated, "init", "de", "-q")
    # A deleted guide and a new exercise sharing most of its text with another one.
    (translated / "source/guides/knee-pain.yaml").unlink()
    text = (translated / WALL_SIT).read_text()
    text = text.replace("id: wall-sit\n", "id: wall-sit-hold\n").replace(
        "name: Wall sit\n", "name: Long wall sit\n")
    (translated / "source/exercises/wall-sit-hold.yaml").write_text(text)
    old_guide = read_po(catalog_dir(translated, "fr") / "knee-pain.po")
    with env(SOURCE_DATE_EPOCH=EPOCH):
        ok(translated, "extract", "-q")
        result = ok(translated, "update")
    assert not (templates_dir(translated) / "knee-pain.pot").exists()

    # The deleted document's catalogs stay, every translation kept as obsolete.
    for locale in ("fr", "de"):
        assert (catalog_dir(translated, locale) / "knee-pain.po").is_file()
    guide = read_po(catalog_dir(translated, "fr") / "knee-pain.po")
    assert [e for e in guide if not e.obsolete] == []
    assert {key_of(e): e.msgstr for e in guide} == {key_of(e): e.msgstr for e in old_guide}
    assert [e for e in read_po(catalog_dir(translated, "de") / "knee-pain.po")] == []

    # The new document has a catalog in every locale.
    template = read_po(templates_dir(translated) / "wall-sit-hold.pot")
    for locale in ("fr", "de"):
        path = catalog_dir(translated, locale) / "wall-sit-hold.po"
        assert f"updated locales/{locale}/LC_MESSAGES/wall-sit-hold.po" in result.out
        catalog = read_po(path)
        assert catalog.metadata["Language"] == locale
        assert [key_of(e) for e in catalog] == [key_of(e) for e in template]
    french = read_po(catalog_dir(translated, "fr") / "wall-sit-hold.po")
    wall_sit = by_key(read_po(catalog_dir(translated, "fr") / "wall-sit.po"))
    for e in french:
        if e.msgid != "Long wall sit":
            assert entry_status(e) == "translated" and e.msgstr == wall_sit[key_of(e)].msgstr
    # New English gets a suggestion from the memory, marked fuzzy.
    name = entry(french, "Long wall sit")
    assert entry_status(name) == "fuzzy"
    assert (name.previous_msgid, name.msgstr) == ("Higher wall sit", fr("Higher wall sit"))
    assert all(e.msgstr == "" for e in read_po(catalog_dir(translated, "de") /
                                                 "wall-sit-hold.po"))
    assert_all_msgfmt_ok(translated)

    again = snapshot(translated)
    assert "0 catalogs written" in ok(translated, "update").out
    assert snapshot(translated) == again


def test_update_creates_catalogs_for_a_required_locale_without_folder(content: Path) -> None:
    # pyproject.toml requires fr; update alone brings it to life.
    assert "fr" in cli_config(content).required_locales
    ok(content, "update", "-q")
    assert sorted(p.stem for p in catalog_dir(content, "fr").glob("*.po")) == \
        sorted(template_keys(content))
    assert_all_msgfmt_ok(content)


# --- update: broken input changes nothing -----------------------------------------------


def _replace_line(path: Path, old: str, new: str) -> int:
    """Replace one whole line; return its 1-based number."""
    lines = path.read_text(encoding="utf-8").split("\n")
    number = lines.index(old)
    lines[number] = new
    path.write_text("\n".join(lines), encoding="utf-8")
    return number + 1


def _unterminated(root: Path) -> tuple[str, int | None]:
    path = root / FR / "wall-sit.po"
    return f"{FR}/wall-sit.po", _replace_line(path, f'msgstr "{fr("Wall sit")}"',
                                               f'msgstr "{fr("Wall sit")}')


def _iso_charset(root: Path) -> tuple[str, int | None]:
    path = root / FR / "wall-sit.po"
    _replace_line(path, '"Content-Type: text/plain; charset=UTF-8\\n"',
                  '"Content-Type: text/plain; charset=ISO-8859-1\\n"')
    return f"{FR}/wall-sit.po", 1


def _latin1_bytes(root: Path) -> tuple[str, int | None]:
    path = root / FR / "bird-dog.po"
    line = _replace_line(path, f'msgstr "{fr("Bird dog")}"', 'msgstr "Chien-oiseau, été"')
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1"))
    return f"{FR}/bird-dog.po", line


def _duplicate(root: Path) -> tuple[str, int | None]:
    path = root / FR / "clamshell.po"
    text = path.read_text(encoding="utf-8")
    line = text.count("\n") + 2
    path.write_text(text + '\n#: again\nmsgid "Clamshell"\nmsgstr "Coquillage"\n',
                    encoding="utf-8")
    return f"{FR}/clamshell.po", line


def _obsolete_duplicate(root: Path) -> tuple[str, int | None]:
    # msgfmt and msgmerge reject a live and an obsolete entry with the same msgid too.
    path = root / FR / "clamshell.po"
    text = path.read_text(encoding="utf-8")
    line = text.count("\n") + 2
    path.write_text(text + '\n#~ msgid "Clamshell"\n#~ msgstr "Coquillage"\n',
                    encoding="utf-8")
    return f"{FR}/clamshell.po", line


def _wrong_language(root: Path) -> tuple[str, int | None]:
    path = root / FR / "dead-bug.po"
    _replace_line(path, '"Language: fr\\n"', '"Language: de\\n"')
    return f"{FR}/dead-bug.po", 1


def _unreadable(root: Path) -> tuple[str, int | None]:
    # A folder where a catalog should be: unreadable even for root (chmod 000 is not).
    (root / FR / "zz-unreadable.po").mkdir()
    return f"{FR}/zz-unreadable.po", None


def _broken_template(root: Path) -> tuple[str, int | None]:
    path = templates_dir(root) / "wall-sit.pot"
    return "locales/templates/wall-sit.pot", _replace_line(path, 'msgid "Wall sit"',
                                                           'msgid "Wall sit')


def _broken_template_and_every_locale(root: Path) -> tuple[str, int | None]:
    """No locale is merged (each has a catalog that cannot be read): the template is still
    read, and its problem stops the update."""
    for locale in ("fr", "de"):
        (root / "locales" / locale / "LC_MESSAGES" / "zz-unreadable.po").mkdir()
    return _broken_template(root)


BREAKAGES = {
    "unterminated-string": (_unterminated, "E401"),
    "iso-8859-1-declared": (_iso_charset, "E402"),
    "latin-1-bytes": (_latin1_bytes, "E402"),
    "duplicate-entry": (_duplicate, "E403"),
    "live-and-obsolete-duplicate": (_obsolete_duplicate, "E403"),
    "language-header-mismatch": (_wrong_language, "E404"),
    "unreadable-catalog": (_unreadable, "E013"),
    "broken-template": (_broken_template, "E401"),
    "broken-template-no-locale-merged": (_broken_template_and_every_locale, "E401"),
}


@pytest.mark.parametrize("name", sorted(BREAKAGES))
def test_broken_input_exits_1_with_location_and_changes_nothing(translated: Path,
                                                               name: str) -> None:
    # Pending work, so that a careless update would write something.
    edit(translated / WALL_SIT, "Hold for 20 seconds.", "Hold for 25 seconds.")
    with env(SOURCE_DATE_EPOCH=EPOCH):
        ok(translated, "extract", "-q")
    ok(translated, "init", "de", "-q")
    breaker, code = BREAKAGES[name]
    shown, line = breaker(translated)
    before = snapshot(translated)
    files = tree(translated)
    result = run_cli(translated, "update")
    assert result.code == 1, result.out + result.err
    where = re.escape(shown) + (f":{line}" if line else "")
    assert re.search(rf"^{where}: {code} ", result.out, re.MULTILINE), result.out
    assert snapshot(translated) == before
    assert tree(translated) == files


def test_unreadable_file_by_permissions(translated: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads files whatever their mode; covered by a folder in its place")
    path = translated / FR / "wall-sit.po"
    path.chmod(0)
    try:
        before = snapshot_without(translated, path)
        result = run_cli(translated, "update")
        assert result.code == 1
        assert re.search(rf"^{re.escape(FR)}/wall-sit\.po(:\d+)?: E401 ", result.out,
                         re.MULTILINE)
        assert snapshot_without(translated, path) == before
    finally:
        path.chmod(0o644)


def snapshot_without(root: Path, unreadable: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in all_catalogs(root) if p != unreadable}


# --- stats ------------------------------------------------------------------------------


_WORD = re.compile(r"\w+")


def _expected(catalog: polib.POFile) -> dict[str, object]:
    strings = {"translated": 0, "fuzzy": 0, "untranslated": 0}
    words = dict(strings)
    obsolete = 0
    for e in catalog:
        state = entry_status(e)
        if state == "obsolete":
            obsolete += 1
            continue
        strings[state] += 1
        words[state] += len(_WORD.findall(e.msgid))
    total = sum(strings.values())
    percent = 100.0 if not total else round(100.0 * strings["translated"] / total, 1)
    return {"strings": strings, "words": words, "obsolete": obsolete, "total": total,
            "percent": percent}


@pytest.fixture
def progress(translated: Path) -> Path:
    """French partly done (fuzzy, untranslated and obsolete entries), German not started."""
    def wall_sit(catalog: polib.POFile) -> None:
        live = [e for e in catalog if not e.obsolete]
        for e in live[:2]:
            e.flags.append("fuzzy")
        for e in live[2:5]:
            e.msgstr = ""
        catalog.append(polib.POEntry(msgid="An old tip.", msgstr="Un vieux conseil.",
                                     obsolete=True))

    edit_po(translated / FR / "wall-sit.po", wall_sit)
    edit_po(translated / FR / "glossary.po",
            lambda c: setattr(next(iter(c)), "msgstr", ""))
    ok(translated, "init", "de", "-q")
    return translated


def test_stats_json_counts_agree_with_entry_status(progress: Path) -> None:
    result = ok(progress, "stats", "--format", "json")
    report = json.loads(result.out)
    assert report["version"] == 1
    assert sorted(report["locales"]) == ["de", "fr"]
    for locale, data in report["locales"].items():
        catalogs_ = {p.stem: read_po(p) for p in catalog_dir(progress, locale).glob("*.po")}
        assert sorted(data["documents"]) == sorted(catalogs_)
        totals = {"translated": 0, "fuzzy": 0, "untranslated": 0}
        words = dict(totals)
        for doc, catalog in catalogs_.items():
            expected = _expected(catalog)
            assert data["documents"][doc] == expected, (locale, doc)
            for state in totals:
                totals[state] += expected["strings"][state]  # type: ignore[index]
                words[state] += expected["words"][state]  # type: ignore[index]
        total = data["total"]
        assert total["strings"] == totals and total["words"] == words
        assert total["total"] == sum(totals.values())
        assert total["percent"] == round(100.0 * totals["translated"] / total["total"], 1)
    fr_wall = report["locales"]["fr"]["documents"]["wall-sit"]
    assert (fr_wall["strings"]["fuzzy"], fr_wall["strings"]["untranslated"],
            fr_wall["obsolete"]) == (2, 3, 1)
    assert report["locales"]["de"]["total"]["percent"] == 0.0
    assert report["locales"]["fr"]["documents"]["bird-dog"]["percent"] == 100.0


def test_stats_text_table(progress: Path) -> None:
    result = ok(progress, "stats", "--locale", "fr")
    assert "Translation progress: fr" in result.out
    assert "Translation progress: de" not in result.out
    expected = _expected(read_po(progress / FR / "wall-sit.po"))
    strings, words = expected["strings"], expected["words"]
    assert isinstance(strings, dict) and isinstance(words, dict)
    row = re.search(r"│ wall-sit\s*│\s*(\d+) │\s*(\d+) │\s*(\d+) │\s*(\d+)/(\d+) │\s*([\d.]+) %",
                    result.out)
    assert row, result.out
    assert [int(g) for g in row.groups()[:5]] == [
        strings["translated"], strings["fuzzy"], strings["untranslated"],
        words["translated"], sum(words.values())]
    assert float(row.group(6)) == expected["percent"]
    assert re.search(r"│ total\s*│", result.out)


def test_stats_on_a_broken_catalog_exits_1(progress: Path) -> None:
    _unterminated(progress)
    result = run_cli(progress, "stats", "--locale", "fr")
    assert result.code == 1
    assert f"{FR}/wall-sit.po:" in result.out and "E401" in result.out


# --- the lock ---------------------------------------------------------------------------


def test_update_while_another_run_holds_the_lock_exits_2(translated: Path) -> None:
    before = snapshot(translated)
    with update.locked(cli_config(translated)):
        result = run_cli(translated, "update")
        init = run_cli(translated, "init", "de")
    assert result.code == 2 and init.code == 2
    assert "another pipeline run" in result.err
    assert LOCK_SHOWN in result.err
    assert snapshot(translated) == before
    # Once released, update runs.
    ok(translated, "update", "-q")


def test_a_lock_file_that_is_a_link_is_refused_cleanly(tmp_path: Path) -> None:
    """Locking would follow the link; the run stops with a message, not a traceback."""
    from pipeline.core.config import UsageError
    from pipeline.infra.fsutil import exclusive

    outside = tmp_path / "elsewhere"
    outside.write_text("keep me")
    lock = tmp_path / LOCK_SHOWN
    lock.parent.mkdir()
    lock.symlink_to(outside)
    with pytest.raises(UsageError) as caught:
        with exclusive(lock, "updating the catalogs", LOCK_SHOWN):
            pass
    assert caught.value.code == "E011" and LOCK_SHOWN in str(caught.value)
    assert outside.read_text() == "keep me"


def test_update_removes_temporary_files_a_killed_write_left(translated: Path) -> None:
    debris = translated / "locales" / "fr" / "LC_MESSAGES" / ".wall-sit.po.abc123.tmp"
    debris.write_text("half a catalog")
    assert run_cli(translated, "update").code == 0
    assert not debris.exists()


# --- the update journal: an update killed halfway is finished by the next run -----------------


def _journal(root: Path) -> Path:
    return update.journal_path(cli_config(root))


def _stop_update_after(root: Path, writes: int, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Run `update`, stopped (as by Ctrl-C) after `writes` catalogs; the catalogs it wrote."""
    written: list[Path] = []

    def write(path: Path, data: bytes | str) -> None:
        if path.suffix == ".po":
            if len(written) == writes:
                raise KeyboardInterrupt
            written.append(path)
        write_atomic(path, data)

    with monkeypatch.context() as patch:
        patch.setattr(update, "write_atomic", write)
        assert run_cli(root, "update", "-q").code == 130
    return written


def _sign(data: object) -> bytes:
    key = cache.secret_key(Environment.read(os.environ))
    assert key is not None
    return cache.signed(key, json.dumps(data).encode("utf-8"))


def _change_english(root: Path) -> None:
    """Two documents' English edited, so `update` has two catalogs to write in French."""
    for doc, old, new in [("wall-sit", "Wall sit", "Wall squat hold"),
                          ("glute-bridge", "Glute bridge", "Hip bridge")]:
        path = root / "source" / "exercises" / f"{doc}.yaml"
        text = path.read_text(encoding="utf-8")
        assert f"name: {old}" in text
        path.write_text(text.replace(f"name: {old}", f"name: {new}"), encoding="utf-8")
    assert run_cli(root, "extract", "-q").code == 0


def test_a_finished_update_leaves_no_journal(round_trip: RoundTrip) -> None:
    assert round_trip.first.code == 0 and not _journal(round_trip.root).exists()


def test_the_next_run_completes_the_writes_a_stopped_update_saved(
        translated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _change_english(translated)
    assert _stop_update_after(translated, 0, monkeypatch) == []
    assert _journal(translated).exists()
    planned = {p.name: p.read_bytes() for p in catalog_dir(translated, "fr").glob("*.po")}
    assert run_cli(translated, "extract", "-q").code == 0  # finishes it under the lock
    assert not _journal(translated).exists()
    after = {p.name: p.read_bytes() for p in catalog_dir(translated, "fr").glob("*.po")}
    assert {n for n in after if after[n] != planned[n]} == {"wall-sit.po", "glute-bridge.po"}
    assert run_cli(translated, "update").code == 0
    assert {p.name: p.read_bytes() for p in catalog_dir(translated, "fr").glob("*.po")} == after


def test_a_translators_edit_after_an_interrupted_update_is_never_reverted(
        translated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The journal holds what the catalogs were when the update read them: a catalog edited
    since (a translator's save, a pulled commit) means the plan is out of date; nothing of
    it is written, W412 says so, and the next update merges what is on disk now."""
    _change_english(translated)
    written = _stop_update_after(translated, 1, monkeypatch)
    assert len(written) == 1 and _journal(translated).exists()
    pending = next(p for p in (catalog_dir(translated, "fr") / f"{d}.po"
                               for d in ("wall-sit", "glute-bridge")) if p not in written)
    edited = pending.read_text(encoding="utf-8").replace(
        "# Translations", "# Translations\n# Revised by the translator", 1)
    assert edited != pending.read_text(encoding="utf-8")
    pending.write_text(edited, encoding="utf-8")
    done = run_cli(translated, "update")
    assert done.code == 0, done.out + done.err
    assert "W412 journal-discarded" in done.out + done.err
    assert "changed since" in done.out + done.err
    assert not _journal(translated).exists()
    assert "# Revised by the translator" in pending.read_text(encoding="utf-8")
    assert run_cli(translated, "check", "--locale", "fr").code in (0, 1)
    assert run_cli(translated, "update").out.count("updated") == 0


@pytest.mark.parametrize("where", ["tool-folder", "locales"])
def test_a_committed_journal_is_never_obeyed(translated: Path, where: str) -> None:
    """A journal someone else wrote (committed, copied, planted) carries no instruction: the
    one in the tool's folder fails its signature and is discarded; one in locales/, where
    older versions kept it, is not even read."""
    glossary = catalog_dir(translated, "fr") / "glossary.po"
    blanked = re.sub(r'(?m)^msgstr "(?!")[^\n]*', 'msgstr ""', glossary.read_text("utf-8"))
    record = {"version": 2, "writes": [{"path": "fr/LC_MESSAGES/glossary.po",
                                        "before": hashlib.sha256(glossary.read_bytes())
                                        .hexdigest(), "after": blanked}]}
    planted = (_journal(translated) if where == "tool-folder"
               else translated / "locales" / ".pipeline.journal")
    planted.parent.mkdir(parents=True, exist_ok=True)
    planted.write_bytes(json.dumps(record).encode("utf-8"))
    before = snapshot(translated)
    done = run_cli(translated, "update")
    assert done.code == 0
    assert snapshot(translated) == before
    if where == "tool-folder":
        assert "W412" in done.out + done.err and "signature" in done.out + done.err
        assert not planted.exists()


@pytest.mark.parametrize("name", ["../../outside.po", "fr/LC_MESSAGES/../../../outside.po",
                                  "fr/LC_MESSAGES/wall-sit.pot", "../LC_MESSAGES/x.po",
                                  "fr/elsewhere/wall-sit.po"])
def test_a_signed_journal_naming_anything_but_a_catalog_is_discarded(translated: Path,
                                                                     name: str) -> None:
    before = snapshot(translated)
    _journal(translated).parent.mkdir(parents=True, exist_ok=True)
    _journal(translated).write_bytes(_sign(
        {"version": 2, "writes": [{"path": name, "before": None,
                                   "after": "msgid \"\"\nmsgstr \"\"\n"}]}))
    done = run_cli(translated, "update")
    assert done.code == 0
    assert "W412" in done.out + done.err
    assert not _journal(translated).exists()
    assert snapshot(translated) == before
    assert not (translated.parent / "outside.po").exists()
    assert not (translated / "outside.po").exists()


# --- plural entries (a glossary that writes doses out) -----------------------------------


@pytest.fixture
def dosage(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    """The tiny project with plural phrases in its glossary, French complete."""
    return clone(dosage_project(tmp_path_factory), tmp_path / "dosage")


def _glossary(root: Path, locale: str = "fr") -> polib.POFile:
    return read_po(catalog_dir(root, locale) / "glossary.po")


@pytest.mark.parametrize("locale, count", [("pl", 3), ("ja", 1), ("de", 2)])
def test_init_gives_a_plural_entry_a_form_per_plural_form_of_the_language(
        dosage: Path, locale: str, count: int) -> None:
    with env(SOURCE_DATE_EPOCH=EPOCH):
        ok(dosage, "init", locale, "-q")
    counted = entry(_glossary(dosage, locale), "{count} set", DOSAGE)
    assert counted.msgid_plural == "{count} sets"
    assert counted.msgstr_plural == {index: "" for index in range(count)}
    assert counted.flags == ["python-brace-format"]
    assert_msgfmt_ok(catalog_dir(dosage, locale) / "glossary.po")
    # Untranslated, counted once per entry, not per form.
    report = json.loads(ok(dosage, "stats", "--format", "json").out)
    strings = report["locales"][locale]["documents"]["glossary"]["strings"]
    assert strings["translated"] == 0
    assert strings["untranslated"] == len(_glossary(dosage, locale))


def test_a_changed_english_plural_arrives_fuzzy_with_both_previous_strings(
        dosage: Path) -> None:
    edit(dosage / "source" / "glossary.yaml", 'other: "{count} sets"', 'other: "{count} series"')
    with env(SOURCE_DATE_EPOCH=EPOCH):
        ok(dosage, "extract", "-q")
        result = ok(dosage, "update")
    assert "1 fuzzy" in result.out
    counted = entry(_glossary(dosage), "{count} set", DOSAGE)
    assert counted.flags == ["fuzzy", "python-brace-format"]
    assert (counted.msgid_plural, counted.previous_msgid, counted.previous_msgid_plural,
            counted.previous_msgctxt) == ("{count} series", "{count} set", "{count} sets",
                                          DOSAGE)
    assert counted.msgstr_plural == {0: "{count}\u00a0série", 1: "{count}\u00a0séries"}
    path = catalog_dir(dosage, "fr") / "glossary.po"
    text = path.read_text("utf-8")
    assert '#| msgid_plural "{count} sets"\nmsgctxt "dosage"\nmsgid "{count} set"' in text
    check = run_cli(dosage, "check", "--format", "json")
    found = [(d["path"], d["line"], d["code"]) for d in json.loads(check.out)["diagnostics"]]
    line = text.split("\n").index('msgstr[0] "{count}\u00a0série"') + 1
    assert found == [(f"{FR}/glossary.po", line, "E502")]
    before = snapshot(dosage)
    with env(SOURCE_DATE_EPOCH=EPOCH):
        ok(dosage, "update", "-q")
    assert snapshot(dosage) == before
    assert_msgfmt_ok(path)


def test_a_removed_plural_phrase_stays_obsolete_with_every_form(dosage: Path) -> None:
    glossary = dosage / "source" / "glossary.yaml"
    text = glossary.read_text("utf-8")
    glossary.write_text(text[:text.index("dosage:")], "utf-8")
    with env(SOURCE_DATE_EPOCH=EPOCH):
        ok(dosage, "extract", "-q")
        ok(dosage, "update", "-q")
    old = {e.msgid: e for e in _glossary(dosage) if e.obsolete}
    assert old["{count} second"].msgstr_plural == {0: "{count}\u00a0seconde",
                                                   1: "{count}\u00a0secondes"}
    assert old["Hold for {seconds}"].msgstr == "Tenez la position {seconds}"
    assert not any(e.msgctxt == DOSAGE for e in _glossary(dosage) if not e.obsolete)
    # Put back: the translations return from the obsolete entries, reviewed.
    glossary.write_text(text, "utf-8")
    with env(SOURCE_DATE_EPOCH=EPOCH):
        ok(dosage, "extract", "-q")
        ok(dosage, "update", "-q")
    assert run_cli(dosage, "check").code == 0
    assert entry(_glossary(dosage), "{count} second", DOSAGE).msgstr_plural == {
        0: "{count}\u00a0seconde", 1: "{count}\u00a0secondes"}


def test_a_plural_entry_is_translated_only_with_every_form(dosage: Path) -> None:
    def blank(catalog: polib.POFile) -> None:
        entry(catalog, "{count} set", DOSAGE).msgstr_plural[1] = ""

    edit_po(catalog_dir(dosage, "fr") / "glossary.po", blank)
    report = json.loads(ok(dosage, "stats", "--format", "json").out)
    strings = report["locales"]["fr"]["documents"]["glossary"]["strings"]
    assert strings["untranslated"] == 1
    check = run_cli(dosage, "check", "--format", "json")
    found = [(d["code"], d["message"]) for d in json.loads(check.out)["diagnostics"]]
    assert found == [("E501", "msgstr[1] not translated: every plural form needs its text")]
    # A partial translation is the translator's: update keeps it as it is.
    before = snapshot(dosage)
    with env(SOURCE_DATE_EPOCH=EPOCH):
        ok(dosage, "update", "-q")
    assert snapshot(dosage) == before


def test_a_catalog_without_the_templates_flag_is_stale(dosage: Path) -> None:
    """The format flag comes from the template (as msgmerge takes it): a catalog whose
    entry lost it is not merged with its template, and update puts it back."""
    def unflag(catalog: polib.POFile) -> None:
        entry(catalog, "Hold for {seconds}", DOSAGE).flags = []

    edit_po(catalog_dir(dosage, "fr") / "glossary.po", unflag)
    check = run_cli(dosage, "check", "--format", "json")
    codes = {(d["path"], d["code"]) for d in json.loads(check.out)["diagnostics"]}
    assert codes == {(f"{FR}/glossary.po", "E407")}
    with env(SOURCE_DATE_EPOCH=EPOCH):
        ok(dosage, "update", "-q")
    assert entry(_glossary(dosage), "Hold for {seconds}", DOSAGE).flags == [
        "python-brace-format"]
    assert run_cli(dosage, "check").code == 0
