"""A dose written out for readers: the right plural form for each count under the locale's
rule, numbers written for the locale, patterns joined in a fixed order, and English where a
translated phrase could not be filled in safely."""

from __future__ import annotations

from collections.abc import Callable

import polib
import pytest

from pipeline.client.dosage import DoseWords, counted, locale_number, write_dose
from pipeline.content.models import Dosage
from pipeline.gettext.pofiles import plural_rule as catalog_rule
from pipeline.stages.export import Translator, english_rule

EN_PATTERNS = {"sets_of_repetitions": "{sets} of {repetitions}",
               "each_side": "{dose} on each side",
               "holding": "{dose}, holding each for {seconds}",
               "hold": "Hold for {seconds}"}
EN_COUNTS = {"sets": ("{count} set", "{count} sets"),
             "repetitions": ("{count} repetition", "{count} repetitions"),
             "seconds": ("{count} second", "{count} seconds")}


def words(locale: str, forms: dict[str, list[str]], patterns: dict[str, str],
          header: str) -> DoseWords:
    number = locale_number(locale)
    rule = plural_rule(header)
    return DoseWords(
        *(counted(forms[name], rule, EN_COUNTS[name], number)
          for name in ("sets", "repetitions", "seconds")),
        {name: (patterns[name], EN_PATTERNS[name]) for name in EN_PATTERNS}, number)


def plural_rule(header: str) -> Callable[[int], int]:
    """The rule a catalog with this Plural-Forms gives its plural entries, as the export
    reads it (English's when the header cannot be read)."""
    catalog = polib.POFile()
    catalog.metadata = {"Plural-Forms": header}
    catalog.append(polib.POEntry(msgid="{count} set", msgid_plural="{count} sets",
                                 msgstr_plural={0: "{count} série", 1: "{count} séries"},
                                 linenum=1))
    return Translator("fr", catalog).rule


ENGLISH = words("en", {k: list(v) for k, v in EN_COUNTS.items()}, EN_PATTERNS,
                "nplurals=2; plural=(n != 1);")
FRENCH = words("fr", {"sets": ["{count} série", "{count} séries"],
                      "repetitions": ["{count} répétition", "{count} répétitions"],
                      "seconds": ["{count}\u00a0seconde", "{count}\u00a0secondes"]},
               {"sets_of_repetitions": "{sets} de {repetitions}",
                "each_side": "{dose} de chaque côté",
                "holding": "{dose}, en tenant chaque fois {seconds}",
                "hold": "Tenez la position {seconds}"},
               "nplurals=2; plural=(n > 1);")


@pytest.mark.parametrize(("dosage", "english", "french"), [
    (Dosage(sets=3, reps=8, hold_seconds=5, per_side=True),
     "3 sets of 8 repetitions on each side, holding each for 5 seconds",
     "3 séries de 8 répétitions de chaque côté, en tenant chaque fois 5\u00a0secondes"),
    (Dosage(sets=1, reps=1), "1 set of 1 repetition", "1 série de 1 répétition"),
    (Dosage(reps=10), "10 repetitions", "10 répétitions"),
    (Dosage(sets=2), "2 sets", "2 séries"),
    (Dosage(hold_seconds=30, per_side=True), "Hold for 30 seconds on each side",
     "Tenez la position 30\u00a0secondes de chaque côté"),
    (Dosage(hold_seconds=1), "Hold for 1 second", "Tenez la position 1\u00a0seconde"),
    (Dosage(), None, None),
])
def test_doses_in_english_and_french(dosage: Dosage, english: str | None,
                                     french: str | None) -> None:
    assert write_dose(dosage, ENGLISH) == english
    assert write_dose(dosage, FRENCH) == french


def test_no_dose_or_no_phrases_gives_nothing() -> None:
    assert write_dose(None, FRENCH) is None
    assert write_dose(Dosage(sets=3), None) is None


def test_each_count_takes_the_form_its_locale_rule_picks() -> None:
    """Polish has three forms (1; 2–4, 22–24…; 5–21, 25…): the catalog's rule picks."""
    polish = "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || " \
             "n%100>=20) ? 1 : 2);"
    write = counted(["{count} seria", "{count} serie", "{count} serii"], plural_rule(polish),
                    EN_COUNTS["sets"], locale_number("pl"))
    assert [write(n) for n in (1, 2, 4, 5, 12, 22, 25)] == [
        "1 seria", "2 serie", "4 serie", "5 serii", "12 serii", "22 serie", "25 serii"]
    # French counts zero as singular, English as plural.
    french = counted(["{count} série", "{count} séries"], plural_rule("nplurals=2; "
                     "plural=(n > 1);"), EN_COUNTS["sets"], locale_number("fr"))
    assert (french(0), french(1), french(2)) == ("0 série", "1 série", "2 séries")
    assert [english_rule(n) for n in (0, 1, 2)] == [1, 0, 1]


def test_numbers_are_written_for_the_locale() -> None:
    write = counted(["{count} Sekunde", "{count} Sekunden"], english_rule,
                    EN_COUNTS["seconds"], locale_number("de"))
    assert write(1500) == "1.500 Sekunden"


def test_a_phrase_that_cannot_be_filled_safely_is_written_in_english() -> None:
    """A form or pattern with other placeholders than the English (checks report it, E518)
    is never filled in: `{0}`, `{count.__class__}` or a lost `{dose}` would show readers
    garbage or raise."""
    broken = words("fr", {"sets": ["{count} série", "{nombre} séries"],
                          "repetitions": ["{count.__class__}", "{count} répétitions"],
                          "seconds": ["{count}\u00a0seconde"]},
                   {"sets_of_repetitions": "{sets} de {repetitions} {0}",
                    "each_side": "de chaque côté",
                    "holding": "{dose}, en tenant chaque fois {seconds}",
                    "hold": "Tenez {seconds"},
                   "nplurals=2; plural=(n > 1);")
    assert write_dose(Dosage(sets=3, reps=1, per_side=True), broken) == (
        "3 sets of 1 repetition on each side")
    assert write_dose(Dosage(hold_seconds=5), broken) == "Hold for 5 seconds"
    # A rule that names a form the catalog lacks falls back to English too.
    assert write_dose(Dosage(hold_seconds=5, reps=2), broken) == (
        "2 répétitions, en tenant chaque fois 5 seconds")


@pytest.mark.parametrize("header", ["", "nplurals=2;", "nplurals=2; plural=n >>> 1;",
                                    "nplurals=2; plural=__import__('os');"])
def test_a_broken_plural_rule_reads_as_english(header: str) -> None:
    catalog = polib.POFile()
    catalog.metadata = {"Plural-Forms": header}
    assert catalog_rule(catalog) is None
    rule = plural_rule(header)
    assert [rule(n) for n in (0, 1, 2)] == [1, 0, 1]


def test_a_rule_that_cannot_place_a_count_writes_it_in_english() -> None:
    """A header that divides by zero passes for a rule until it is run: the count gets no
    form, and its English is written instead of the build stopping."""
    rule = plural_rule("nplurals=2; plural=n%0;")
    assert rule(3) == -1
    write = counted(["{count} série", "{count} séries"], rule, EN_COUNTS["sets"],
                    locale_number("fr"))
    assert write(3) == "3 sets"
