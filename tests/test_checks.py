"""Translation checks: each rule fails on a real mistake and stays quiet on a good translation.

Every case is a real .po file written to tmp_path and read with `pofiles.read_catalog`, so the
checks see exactly what `check` sees (escapes, line numbers, flags, obsolete entries).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import polib
import pytest

from pipeline.core.codes import CODES
from pipeline.core.diagnostics import Diagnostic
from pipeline.gettext import checks
from pipeline.gettext.checks import (
    LOCALE_RULES,
    CheckContext,
    Finding,
    Pair,
    UnitInfo,
    check_catalog,
)
from pipeline.gettext.locales import cldr_plural_forms, plural_forms
from pipeline.gettext.pofiles import EntryKey, read_catalog

ROOT = Path(__file__).resolve().parents[1]
DISPLAY = "locales/fr/LC_MESSAGES/hip-thrust.po"
SOURCE_REF = "source/exercises/hip-thrust.yaml:23"
NNBSP, NBSP = "\u202f", "\u00a0"
GLOSSARY = {
    "gluteus maximus": "grand fessier",
    "hamstrings": "ischio-jambiers",
    "erector spinae": "érecteurs de l'épine",
    "bench": "banc",  # too short to check: one word under six letters
}
# What the project's word list and glossary let the spelling check accept (a glossary term
# is accepted as written; its singular comes from the word list).
WORDS = frozenset({*GLOSSARY.values(), "ischio-jambier"})
HEADERS = {
    "Language": "fr",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
    "Plural-Forms": "nplurals=2; plural=(n > 1);",
}


@dataclass(frozen=True)
class Entry:
    msgid: str
    msgstr: str
    fuzzy: bool = False
    obsolete: bool = False
    context: str | None = None


def _quote(text: str) -> str:
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"')
               .replace("\n", "\\n").replace("\t", "\\t"))
    return f'"{escaped}"'


def write_po(tmp_path: Path, entries: Sequence[Entry],
             headers: dict[str, str] | None = None) -> tuple[Path, list[int]]:
    """A catalog file and the line of each entry's msgstr (where diagnostics point)."""
    lines = ['msgid ""', 'msgstr ""']
    lines += [_quote(f"{k}: {v}\n") for k, v in (HEADERS if headers is None else headers).items()]
    starts = []
    for number, entry in enumerate(entries):
        lines.append("")
        prefix = "#~ " if entry.obsolete else ""
        if not entry.obsolete:
            lines += ["#. Kind: sentence.", f"#: source/exercises/hip-thrust.yaml:{20 + number}"]
        if entry.fuzzy:
            lines.append("#, fuzzy")
        if entry.context is not None:
            lines.append(f"{prefix}msgctxt {_quote(entry.context)}")
        lines += [f"{prefix}msgid {_quote(entry.msgid)}", f"{prefix}msgstr {_quote(entry.msgstr)}"]
        starts.append(len(lines))
    path = tmp_path / "hip-thrust.po"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, starts


def context(entries: Iterable[Entry] = (), *, locale: str = "fr", max_length: int | None = 320,
            markup: bool = True, allow: Iterable[str] = ()) -> CheckContext:
    units = {EntryKey(e.context, e.msgid): UnitInfo(max_length, markup, SOURCE_REF)
             for e in entries}
    return CheckContext(locale, DISPLAY, units, GLOSSARY, frozenset(allow),
                        spelling_words=WORDS)


def headers_for(locale: str) -> dict[str, str]:
    return {**HEADERS, "Language": locale, "Plural-Forms": plural_forms(locale)}


def run(tmp_path: Path, source: str, translation: str, *, locale: str = "fr",
        max_length: int | None = 320, markup: bool = True,
        allow: Iterable[str] = ()) -> list[Diagnostic]:
    """Check a catalog holding one entry; every diagnostic must sit on that entry."""
    entry = Entry(source, translation)
    path, (line,) = write_po(tmp_path, [entry], headers_for(locale))
    ctx = context([entry], locale=locale, max_length=max_length, markup=markup, allow=allow)
    found = check_catalog(read_catalog(path, DISPLAY), ctx)
    for d in found:
        assert (d.path, d.line, d.source_ref) == (DISPLAY, line, SOURCE_REF), d.format()
    return found


def codes(found: Iterable[Diagnostic]) -> set[str]:
    return {d.code for d in found}


# --- Translations that pass every check ------------------------------------------------------

GOOD = [
    pytest.param("Core work helps [@yan-2024]. It is safe [@a; @b].",
                 "Le gainage aide [@yan-2024]. C’est sans danger [@a; @b].",
                 id="citations-kept"),
    pytest.param("Hold for 10 seconds.", f"Tenez 10{NBSP}secondes.", id="number-in-digits"),
    pytest.param("1,000 steps", f"1 000{NBSP}pas", id="thousands-plain-space"),
    pytest.param("1,000 steps", f"1{NNBSP}000{NBSP}pas", id="thousands-narrow-nbsp"),
    pytest.param("1,000 steps", f"1{NBSP}000{NBSP}pas", id="thousands-nbsp"),
    pytest.param("1,000 steps", f"1000{NBSP}pas", id="thousands-ungrouped"),
    pytest.param("2.5 kg", f"2,5{NBSP}kg", id="decimal-comma"),
    pytest.param("Hold for 10 seconds.", "Tenez dix secondes.", id="number-as-word"),
    pytest.param("Hold for 30 seconds.", f"Tenez 30{NBSP}s.", id="unit-abbreviated"),
    pytest.param("Use a 10 lb weight.", f"Prenez un poids de 4,5{NBSP}kg.", id="unit-converted"),
    pytest.param("Do 3-4 sets.", "Faites trois à quatre séries.", id="range-in-words"),
    pytest.param("Lift one foot off the floor.", "Levez un pied du sol.", id="a-foot-not-a-length"),
    pytest.param("Do 5–10 repetitions.", f"Faites 5 à 10{NBSP}répétitions.",
                 id="range-two-numbers"),
    pytest.param("Seated figure-4 stretch", "Étirement assis en 4", id="number-inside-word"),
    pytest.param("Stop at 10:30.", "Arrêtez à 10:30.", id="time-colon-between-digits"),
    pytest.param("Really?", f"Vraiment{NNBSP}?", id="question-narrow-nbsp"),
    pytest.param("Why?!", f"Pourquoi{NNBSP}?!", id="question-exclamation-run"),
    pytest.param("**Why?**", f"**Pourquoi{NNBSP}?**", id="question-inside-strong"),
    pytest.param("**Note:** rest.", f"**Remarque**{NBSP}: reposez-vous.",
                 id="colon-after-strong"),
    pytest.param('Say "stop".', f"Dites «{NBSP}stop{NBSP}».", id="guillemets-nbsp"),
    pytest.param('He says "stop."', f"Il dit «{NNBSP}stop.{NNBSP}»", id="end-inside-guillemets"),
    pytest.param("**Don't** arch your lower back.", "**Ne** cambrez pas le bas du dos.",
                 id="strong-kept"),
    pytest.param("Keep your *back* flat.", "Gardez le dos *plat*.", id="emphasis-moved"),
    pytest.param("It pairs well with the [bird dog](bird-dog.yaml).",
                 "Il se combine bien avec le [chien d’arrêt](bird-dog.yaml).", id="link-kept"),
    pytest.param("Hip thrust", "Hip thrust", id="same-short-term"),
    pytest.param("Quadriceps", "Quadriceps", id="same-single-term"),
    pytest.param("5–10", "5–10", id="same-no-letters"),
    pytest.param("Squeeze your gluteus maximus.", "Contractez vos grands fessiers.",
                 id="glossary-plural"),
    pytest.param("Stretch your hamstrings.", "Étirez l’ischio-jambier.", id="glossary-singular"),
    pytest.param("Relax the erector spinae.", "Relâchez les érecteurs de l’épine.",
                 id="glossary-apostrophe"),
    pytest.param("Sit on the bench.", "Asseyez-vous sur le tabouret.", id="glossary-short-term"),
    pytest.param("Read https://pubmed.ncbi.nlm.nih.gov/30700068/ first.",
                 "Lisez d’abord https://pubmed.ncbi.nlm.nih.gov/30700068/.", id="url-kept"),
    pytest.param("See DOI 10.3389/fphys.2024.1337754.", "Voir le DOI 10.3389/fphys.2024.1337754.",
                 id="doi-kept"),
    pytest.param("First line.\nSecond line.", "Première ligne.\nDeuxième ligne.",
                 id="line-break-kept"),
    pytest.param("Wait...", "Attendez…", id="ellipsis-forms"),
    pytest.param("Rest.", "Reposez-vous.", id="short-source-no-ratio"),
]


@pytest.mark.parametrize(("source", "translation"), GOOD)
def test_good_translation_has_no_problem(tmp_path: Path, source: str, translation: str) -> None:
    assert [d.format() for d in run(tmp_path, source, translation)] == []


# --- One mistake each: the exact codes it raises ----------------------------------------------

BAD = [
    # E505 markup parity
    pytest.param("**Don't** arch your back.", "Ne cambrez pas le dos.", {"E505"},
                 id="E505-strong-dropped"),
    pytest.param("**Don't** arch your back.", "**Ne** cambrez **pas** le dos.", {"E505"},
                 id="E505-strong-added"),
    pytest.param("It pairs well with the [bird dog](bird-dog.yaml).",
                 "Il se combine bien avec le chien d’arrêt.", {"E505"}, id="E505-link-dropped"),
    pytest.param("Core work helps [@yan-2024].", "Le gainage aide.", {"E505"},
                 id="E505-citation-dropped"),
    pytest.param("Core work helps [@yan-2024].", "Le gainage aide [@yan-2042].", {"E505"},
                 id="E505-citation-changed"),
    pytest.param("Core work helps [@yan-2024].", "Le gainage aide [@yan-2024] [@yan-2024].",
                 {"E505"}, id="E505-citation-repeated"),
    # E506 number parity
    pytest.param("Hold for 10 seconds.", "Tenez quinze secondes.", {"E519"},
                 id="E519-word-changed"),
    pytest.param("2.5 kg", f"25{NBSP}kg", {"E519"}, id="E519-decimal-lost"),
    pytest.param("Turn 180° to face the wall.", "Tournez de 180 pour faire face au mur.",
                 {"E519"}, id="E519-degree-dropped"),
    pytest.param("Hold for 30 seconds.", f"Tenez 30{NBSP}minutes.", {"E519"},
                 id="E519-unit-changed"),
    pytest.param("Release 12.34.56", "Version 12.34.5", {"E506"}, id="E506-identifier"),
    pytest.param("Do 5–10 repetitions.", f"Faites 5{NBSP}répétitions.", {"E519"},
                 id="E506-range-end-lost"),
    pytest.param("Seated figure-4 stretch", "Étirement assis", {"E506"}, id="E506-in-word"),
    # W507 whitespace parity
    pytest.param("Rest.", "Reposez-vous. ", {"W507"}, id="W507-trailing-space"),
    pytest.param("First line.\nSecond line.", "Première ligne. Deuxième ligne.", {"W507"},
                 id="W507-line-break-lost"),
    # W508 end punctuation parity
    pytest.param("Stop.", f"Arrêtez{NNBSP}!", {"W508"}, id="W508-period-to-exclamation"),
    pytest.param("Really?", "Vraiment.", {"W508"}, id="W508-question-lost"),
    pytest.param("Hip thrust", "Pont fessier.", {"W508"}, id="W508-period-added"),
    # W509 same as source
    pytest.param("Rest slowly.", "Rest slowly.", {"W509"}, id="W509-identical"),
    # W511 length ratio
    pytest.param("Press through your heels and lift your hips.", "Poussez.", {"W511"},
                 id="W511-too-short"),
    pytest.param("Gently tighten your belly.",
                 "Contractez doucement les muscles du ventre, en douceur, sans bloquer "
                 "la respiration.", {"W511"}, id="W511-too-long"),
    # W512 glossary
    pytest.param("Stretch your hamstrings.", "Étirez l’arrière de la cuisse.", {"W512"},
                 id="W512-term-not-used"),
    # E513 wrong language
    pytest.param("Keep your back flat. Breathe slowly and do not hold your breath.",
                 "Gardez le dos plat. Breathe slowly and do not hold your breath.", {"E513"},
                 id="E513-english-left"),
    # E514 French typography
    pytest.param("Really?", "Vraiment ?", {"E514"}, id="E514-plain-space-question"),
    pytest.param("Really?", "Vraiment?", {"E514"}, id="E514-no-space-question"),
    pytest.param("Careful; slowly.", "Attention; lentement.", {"E514"}, id="E514-semicolon"),
    pytest.param("**Note:** rest.", "**Remarque** : reposez-vous.", {"E514"},
                 id="E514-colon-after-strong"),
    pytest.param('Say "stop".', "Dites « stop ».", {"E514"}, id="E514-guillemets-plain-space"),
    pytest.param('Say "stop".', 'Dites "stop".', {"E514"}, id="E514-straight-quotes"),
    # E515 security
    pytest.param("Read the guide.", "Lisez le [guide](https://evil.example).", {"E505", "E515"},
                 id="E515-link-not-in-source"),
    # ("alert" is no French word either.)
    pytest.param("Rest now.", "Reposez-vous <script>alert(1)</script>.", {"E515", "W312"},
                 id="E515-script"),
    pytest.param("See the picture.", "Voir l’image ![x](https://img.example/a.png).", {"E515"},
                 id="E515-image"),
    pytest.param("See [this](bird-dog.yaml).", "Voir [ceci](javascript:alert(1)).",
                 {"E505", "E515"}, id="E515-javascript-link"),
    # E516 control and bidi characters
    pytest.param("Hello", "Bon\u202ejour", {"E516"}, id="E516-bidi-override"),
    pytest.param("Hello", "Bon\u2066jour\u2069", {"E516"}, id="E516-bidi-isolate"),
    pytest.param("Hello", "Bon\x07jour", {"E516"}, id="E516-bell"),
    # E517 DOI/URL parity
    # An altered URL is also one the English does not have, which linkifiers would link.
    pytest.param("Read https://pubmed.ncbi.nlm.nih.gov/30700068/ first.",
                 "Lisez d’abord https://pubmed.ncbi.nlm.nih.gov/3070006/.", {"E515", "E517"},
                 id="E517-url-altered"),
    pytest.param("See DOI 10.3389/fphys.2024.1337754.", "Voir le DOI 10.3389/fphys.2024.133775.",
                 {"E517"}, id="E517-doi-truncated"),
    pytest.param("See DOI 10.3389/fphys.2024.1337754.", "Voir l’article.",
                 {"E517"}, id="E517-doi-dropped"),
]


@pytest.mark.parametrize(("source", "translation", "expected"), BAD)
def test_mistake_raises_its_code(tmp_path: Path, source: str, translation: str,
                                 expected: set[str]) -> None:
    assert codes(run(tmp_path, source, translation)) == expected


@pytest.mark.parametrize(("source", "translation", "message"), [
    pytest.param("Really?", "Vraiment ?", "no-break space needed before '?' (found ' ?')",
                 id="typography"),
    pytest.param("Really?", "Vraiment?", "no-break space needed before '?' (found 't?')",
                 id="typography-no-space"),
    pytest.param("**Note:** rest.", "**Remarque**: reposez-vous.",
                 "no-break space needed before ':' (found 'e**:')", id="typography-markup"),
    pytest.param('Say "stop".', "Dites « stop ».", "no-break space needed after '«' (found '« ')",
                 id="guillemet-open"),
    pytest.param("It pairs well with the [bird dog](bird-dog.yaml).",
                 "Il se combine bien avec le chien d’arrêt.",
                 "link target 'bird-dog.yaml' is missing from the translation", id="link"),
    pytest.param("Read the guide.", "Lisez le [guide](https://evil.example).",
                 "link target 'https://evil.example' is not in the source", id="foreign-link"),
    pytest.param("Hold for 10 seconds.", "Tenez quelques secondes.",
                 "number '10' is missing from the translation", id="number"),
    pytest.param("Turn 180°.", "Tournez de 180.",
                 "'180°': the unit is missing after '180' in the translation", id="unit"),
    pytest.param("Stretch your hamstrings.", "Étirez l’arrière de la cuisse.",
                 "glossary term 'hamstrings' should be translated as 'ischio-jambiers'",
                 id="glossary"),
    pytest.param("Hello", "Bon\u202ejour", "bidi control U+202E (RIGHT-TO-LEFT OVERRIDE)",
                 id="bidi"),
])
def test_messages_name_the_offending_bit(tmp_path: Path, source: str, translation: str,
                                         message: str) -> None:
    assert message in [d.message for d in run(tmp_path, source, translation)]


def test_e513_english_sentence_in_french(tmp_path: Path) -> None:
    found = run(tmp_path, "Keep your back flat. Breathe slowly and do not hold your breath.",
                "Gardez le dos plat. Breathe slowly and do not hold your breath.")
    (d,) = found
    assert d.code == "E513" and "'en'" in d.message and "Breathe slowly" in d.message


# --- Rules that depend on the model or the project -------------------------------------------


def test_e510_longer_than_the_field_allows(tmp_path: Path) -> None:
    found = run(tmp_path, "Hold for 10 seconds.", f"Tenez 10{NBSP}secondes.", max_length=17)
    assert codes(found) == {"E510"}
    assert "18 characters" in found[0].message and "allows 17" in found[0].message
    assert run(tmp_path, "Hold for 10 seconds.", f"Tenez 10{NBSP}secondes.", max_length=18) == []
    assert run(tmp_path, "Hold for 10 seconds.", f"Tenez 10{NBSP}secondes.", max_length=None) == []


def test_a_translation_far_over_its_limit_is_only_reported_as_too_long(tmp_path: Path) -> None:
    """Up to twice the limit every check runs (all of a text's problems at once); beyond,
    only E510: the time spent on a translation follows the field, not what was pasted."""
    source, translation = "Hold for 10 seconds.", "Tenez <b>dix</b> secondes, sans bouger."
    assert len(translation) == 39
    close = codes(run(tmp_path, source, translation, max_length=20))
    assert "E510" in close and len(close) > 1, close
    assert codes(run(tmp_path, source, translation, max_length=19)) == {"E510"}
    # A text the source does not have is held to the longest any field allows.
    assert codes(run(tmp_path, source, "<b>" * 2000, max_length=None)) == {"E510"}


def test_an_empty_translation_is_quoted_short(tmp_path: Path) -> None:
    (found,) = run(tmp_path, "Hold for 10 seconds.", " " * 5000)
    assert found.code == "E504"
    assert "(5000 characters)" in found.message and len(found.message) < 120, found.message


def test_e505_markup_in_a_plain_text_field(tmp_path: Path) -> None:
    found = run(tmp_path, "Hip thrust", "Pont *fessier*", markup=False)
    assert codes(found) == {"E505"}
    assert "plain-text field" in found[0].message


def test_w509_allow_list(tmp_path: Path) -> None:
    assert codes(run(tmp_path, "Rest slowly.", "Rest slowly.")) == {"W509"}
    assert run(tmp_path, "Rest slowly.", "Rest slowly.", allow=["Rest slowly."]) == []


@pytest.mark.parametrize(("text", "is_term"), [
    ("Quadriceps", True), ("Hip thrust", True), ("Knee-to-chest stretch", True),
    ("Rest slowly.", False), ("lying down", False), ("Seated hamstring stretch", False),
    ("Step 2", False),
])
def test_short_term_rule(text: str, is_term: bool) -> None:
    assert checks._is_short_term(text) is is_term


def test_typography_is_french_only(tmp_path: Path) -> None:
    assert run(tmp_path, "Really?", "Vraiment ?", locale="fr_CA")[0].code == "E514"
    # German has no such rule (and no German detector complaint on two words).
    found = run(tmp_path, "Really?", "Wirklich ?", locale="de")
    assert "E514" not in codes(found)


def test_a_locale_can_add_its_own_rule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_eszett(pair: Pair, ctx: CheckContext) -> Iterable[Finding]:
        if "ß" in pair.translation:
            yield Finding("E514", "Swiss German writes 'ss', not 'ß'")

    monkeypatch.setitem(LOCALE_RULES, "gsw", [no_eszett])
    entry = Entry("Street", "Straße")
    path, (line,) = write_po(tmp_path, [entry], headers_for("gsw"))
    found = check_catalog(read_catalog(path), context([entry], locale="gsw"))
    assert [(d.code, d.line) for d in found] == [("E514", line)]


# --- Entry states ----------------------------------------------------------------------------


@pytest.mark.parametrize(("entry", "code"), [
    pytest.param(Entry("Hold for 10 seconds.", ""), "E501", id="E501-untranslated"),
    pytest.param(Entry("Hold for 10 seconds.", "Vraiment ?", fuzzy=True), "E502",
                 id="E502-fuzzy-no-content-checks"),
    pytest.param(Entry("Hold for 10 seconds.", " "), "E504", id="E504-space"),
    pytest.param(Entry("Hold for 10 seconds.", "\u200b"), "E504", id="E504-zero-width"),
    pytest.param(Entry("Hold for 10 seconds.", "** **"), "E504", id="E504-markup-only"),
    pytest.param(Entry("Hold", "Tiens", context="verb"), None, id="with-context"),
])
def test_entry_state(tmp_path: Path, entry: Entry, code: str | None) -> None:
    path, (line,) = write_po(tmp_path, [entry])
    found = check_catalog(read_catalog(path, DISPLAY), context([entry]))
    assert [(d.code, d.line, d.source_ref) for d in found] == (
        [(code, line, SOURCE_REF)] if code else [])


def test_w503_one_diagnostic_for_all_obsolete_entries(tmp_path: Path) -> None:
    entries = [Entry("Rest.", "Reposez-vous."),
               Entry("Old step.", "Ancienne étape.", obsolete=True),
               Entry("Older step.", "Étape plus ancienne.", obsolete=True)]
    path, lines = write_po(tmp_path, entries)
    found = check_catalog(read_catalog(path, DISPLAY), context(entries))
    assert [(d.code, d.line) for d in found] == [("W503", lines[1])]
    assert found[0].message.startswith("2 obsolete entries")


def test_source_ref_falls_back_to_the_po_reference(tmp_path: Path) -> None:
    entries = [Entry("Hold for 10 seconds.", ""), Entry("Rest.", "")]
    path, lines = write_po(tmp_path, entries)
    ctx = CheckContext("fr", DISPLAY, {}, {})
    found = check_catalog(read_catalog(path, DISPLAY), ctx)
    assert [(d.code, d.line, d.source_ref) for d in found] == [
        ("E501", lines[0], "source/exercises/hip-thrust.yaml:20"),
        ("E501", lines[1], "source/exercises/hip-thrust.yaml:21"),
    ]


# --- Headers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("changes", "locale", "expected"), [
    pytest.param({}, "fr", [], id="fr-ok"),
    pytest.param({"Language": "de"}, "fr", ["E404"], id="E404-other-language"),
    pytest.param({"Language": "fr_FR"}, "fr", ["E404"], id="E404-region-added"),
    pytest.param({"Language": None}, "fr", ["E404"], id="E404-missing"),
    pytest.param({"Language": "pt-BR", "Plural-Forms": "nplurals=2; plural=(n > 1);"}, "pt_BR",
                 [], id="hyphen-normalized"),
    pytest.param({"Plural-Forms": "nplurals=2; plural=(n != 1);"}, "fr", ["E405"],
                 id="E405-wrong"),
    pytest.param({"Plural-Forms": None}, "fr", ["E405"], id="E405-missing"),
    pytest.param({"Plural-Forms": "nplurals=2;  plural=(n>1)"}, "fr", [],
                 id="plural-forms-whitespace"),
    # CLDR's rule as Babel has it, as some platforms write it (since CLDR 42, French has a
    # third form for large round numbers).
    pytest.param({"Plural-Forms": cldr_plural_forms("fr")}, "fr", [], id="cldr-french"),
    pytest.param({"Plural-Forms": "nplurals=1; plural=0;"}, "fr", ["E405"], id="E405-one-form"),
])
def test_headers(tmp_path: Path, changes: dict[str, str | None], locale: str,
                 expected: list[str]) -> None:
    headers = {k: v for k, v in {**HEADERS, **changes}.items() if v is not None}
    path, _ = write_po(tmp_path, [], headers)
    found = check_catalog(read_catalog(path, DISPLAY), context(locale=locale))
    assert [(d.code, d.line, d.source_ref) for d in found] == [(c, 1, None) for c in expected]


def test_every_code_used_is_registered() -> None:
    used = {"E402", "E404", "E405", *(f"E50{i}" for i in (1, 2, 4, 5, 6)), "W503", "W507",
            "W508", "W509", "E510", "W511", "W512", "E513", "E514", "E515", "E516", "E517",
            "E518"}
    assert used <= set(CODES)


# --- The shipped catalogs --------------------------------------------------------------------


def test_shipped_french_catalogs_can_be_checked() -> None:
    """The translation is being written now: only require that checking works."""
    folder = ROOT / "locales" / "fr" / "LC_MESSAGES"
    glossary_catalog = read_catalog(folder / "glossary.po")
    glossary = {e.msgid.lower(): e.msgstr for e in glossary_catalog
                if e.msgstr and not e.obsolete and "fuzzy" not in e.flags}
    paths = sorted(folder.glob("*.po"))
    assert paths
    for path in paths:
        display = path.relative_to(ROOT).as_posix()
        catalog: polib.POFile = read_catalog(path, display)
        found = check_catalog(catalog, CheckContext("fr", display, {}, glossary))
        for d in found:
            assert d.code in CODES and d.path == display and d.line >= 1


# --- Plural entries and placeholders ---------------------------------------------------------

BRACE = "python-brace-format"


def run_entry(tmp_path: Path, msgid: str, texts: Sequence[str], *, plural: str | None = None,
              flags: Sequence[str] = (BRACE,), fuzzy: bool = False, model_format: bool = False,
              locale: str = "fr") -> list[tuple[str, str]]:
    """Check a catalog holding one entry (a plural one with `plural`), written as a file and
    read as `check` reads it; (code, message) of each finding, all at its msgstr[0] line.
    With `model_format`, the model says the text has placeholders, the entry's flag aside."""
    lines = ['msgid ""', 'msgstr ""']
    lines += [_quote(f"{k}: {v}\n") for k, v in headers_for(locale).items()]
    shown = (["fuzzy"] if fuzzy else []) + list(flags)
    lines += ["", f"#: {SOURCE_REF}"] + ([f"#, {', '.join(shown)}"] if shown else [])
    lines.append(f"msgid {_quote(msgid)}")
    if plural is None:
        lines.append(f"msgstr {_quote(texts[0])}")
    else:
        lines.append(f"msgid_plural {_quote(plural)}")
        lines += [f"msgstr[{n}] {_quote(text)}" for n, text in enumerate(texts)]
    line = len(lines) - len(texts) + 1 if plural is not None else len(lines)
    path = tmp_path / "glossary.po"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    info = UnitInfo(None, False, SOURCE_REF, BRACE if model_format else None)
    ctx = CheckContext(locale, DISPLAY, {EntryKey(None, msgid): info}, GLOSSARY)
    found = check_catalog(read_catalog(path, DISPLAY), ctx)
    assert all(d.line == line for d in found), [d.format() for d in found]
    return [(d.code, d.message) for d in found]


def test_every_form_of_a_plural_entry_is_checked_against_its_own_english(
        tmp_path: Path) -> None:
    """msgstr[0] is held to the msgid, msgstr[1] to the msgid_plural: a number of the
    plural English missing from the plural form is found there, and named."""
    assert run_entry(tmp_path, "{count} set (1 day)", [f"{{count}}{NBSP}série (1{NBSP}jour)",
                                                        f"{{count}}{NBSP}séries (7{NBSP}jours)"],
                     plural="{count} sets (7 days)") == []
    assert run_entry(tmp_path, "{count} set (1 day)", [f"{{count}}{NBSP}série (1{NBSP}jour)",
                                                        f"{{count}}{NBSP}séries (1{NBSP}jour)"],
                     plural="{count} sets (7 days)") == [
        ("E519", "msgstr[1]: '7 days' became '1\\xa0jour': a different amount")]
    assert run_entry(tmp_path, "{count} set (1 day)", [f"{{count}}{NBSP}série (7{NBSP}jours)",
                                                        f"{{count}}{NBSP}séries (7{NBSP}jours)"],
                     plural="{count} sets (7 days)") == [
        ("E519", "msgstr[0]: '1 day' became '7\\xa0jours': a different amount")]


def test_with_one_form_the_form_renders_the_english_plural(tmp_path: Path) -> None:
    """In a language with one plural form (Japanese: nplurals=1) that form serves every
    count, so it is held to the msgid_plural."""
    found = run_entry(tmp_path, "{count} set (1 day)", ["{count} セット (7 日)"],
                      plural="{count} sets (7 days)", locale="ja")
    assert [f for f in found if f[0] in ("E506", "E518", "E519")] == []
    found = run_entry(tmp_path, "{count} set (1 day)", ["{count} セット (1 日)"],
                      plural="{count} sets (7 days)", locale="ja")
    assert [f for f in found if f[0] in ("E506", "E518", "E519")] == [
        ("E519", "msgstr[0]: '7 days' became '1 日': a different amount")]


def test_a_plural_entry_is_translated_only_with_every_form(tmp_path: Path) -> None:
    assert run_entry(tmp_path, "{count} set", ["", ""], plural="{count} sets") == [
        ("E501", "not translated")]
    assert run_entry(tmp_path, "{count} set", ["{count} série", ""], plural="{count} sets") == [
        ("E501", "msgstr[1] not translated: every plural form needs its text")]
    assert run_entry(tmp_path, "{count} set", ["{count} série", " "], plural="{count} sets") == [
        ("E504", "msgstr[1]: translation ' ' has nothing to read")]
    assert run_entry(tmp_path, "{count} set", ["{count} série", "{count} séries"],
                     plural="{count} sets", fuzzy=True) == [
        ("E502", "marked fuzzy; review the translation and remove the flag")]


@pytest.mark.parametrize(("msgid", "texts", "plural", "expected"), [
    pytest.param("Hold for {seconds}", ["Tenez la position {seconds}"], None, [],
                 id="kept"),
    pytest.param("{sets} of {repetitions}", ["{repetitions}\u00a0répétitions en {sets}"], None, [],
                 id="moved"),
    pytest.param("Hold for {seconds}", ["Tenez {seconds}, {seconds} pas plus"], None, [],
                 id="used-twice"),
    pytest.param("Hold for {seconds}", ["Tenez {{la}} position {seconds}"], None, [],
                 id="doubled-brace-is-text"),
    pytest.param("Hold for {seconds}", ["Tenez la position"], None,
                 ["placeholders differ from the English: {seconds} missing (write exactly "
                  "{seconds})"], id="missing"),
    pytest.param("Hold for {seconds}", ["Tenez la position {secondes}"], None,
                 ["placeholders differ from the English: {seconds} missing; {secondes} not in "
                  "the English (write exactly {seconds})"], id="renamed"),
    pytest.param("{dose} on each side", ["{dose} de chaque côté {side}"], None,
                 ["placeholders differ from the English: {side} not in the English (write "
                  "exactly {dose})"], id="added"),
    pytest.param("Hold for {seconds}", ["Tenez la position {seconds"], None,
                 ["an unmatched brace: keep each placeholder whole ({seconds}), and double a "
                  "brace that is part of the text ({{ or }})"], id="unmatched-open"),
    pytest.param("Hold for {seconds}", ["Tenez la position {seconds} }"], None,
                 ["an unmatched brace: keep each placeholder whole ({seconds}), and double a "
                  "brace that is part of the text ({{ or }})"], id="unmatched-close"),
    pytest.param("{count} set", ["{count}\u00a0série", "séries"], "{count} sets",
                 ["msgstr[1]: placeholders differ from the English: {count} missing (write "
                  "exactly {count})"], id="plural-form-missing"),
    pytest.param("{count} set", ["une série", "{count}\u00a0séries"], "{count} sets",
                 ["msgstr[0]: placeholders differ from the English: {count} missing (write "
                  "exactly {count})"], id="singular-form-missing"),
])
def test_placeholders_are_those_of_the_english(tmp_path: Path, msgid: str, texts: list[str],
                                               plural: str | None, expected: list[str]) -> None:
    found = run_entry(tmp_path, msgid, texts, plural=plural)
    assert [message for code, message in found if code == "E518"] == expected
    assert {code for code, _ in found} <= {"E518"}


def test_placeholders_are_checked_by_the_flag_or_the_model(tmp_path: Path) -> None:
    """The entry's python-brace-format flag says the text has placeholders, and so does the
    model (a translator deleting the flag does not turn the check off); with neither, braces
    are text."""
    bad = ["Tenez la position"]
    assert [c for c, _ in run_entry(tmp_path, "Hold for {seconds}", bad)] == ["E518"]
    assert [c for c, _ in run_entry(tmp_path, "Hold for {seconds}", bad, flags=(),
                                    model_format=True)] == ["E518"]
    assert run_entry(tmp_path, "Hold for {seconds}", bad, flags=()) == []
    assert run_entry(tmp_path, "Hold for {seconds}", bad,
                     flags=("no-python-brace-format",)) == []


def test_placeholder_findings_agree_with_msgfmt_on_plain_phrases(tmp_path: Path) -> None:
    """Where GNU msgfmt -c checks python-brace-format strictly (a text without plural
    forms), E518 finds exactly what it refuses."""
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("GNU msgfmt is not installed")
    cases = [("Hold for {seconds}", text) for text in (
        "Tenez {seconds}", "Tenez", "Tenez {secondes}", "Tenez {seconds} {x}",
        "Tenez {{x}} {seconds}", "Tenez {seconds", "Tenez {seconds}{seconds}")]
    for msgid, text in cases:
        found = run_entry(tmp_path, msgid, [text])
        done = subprocess.run([msgfmt, "-c", "-o", "/dev/null", str(tmp_path / "glossary.po")],
                              capture_output=True, text=True, check=False)
        assert (done.returncode != 0) == any(code == "E518" for code, _ in found), (text,
                                                                                   done.stderr)
