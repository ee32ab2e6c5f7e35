"""A dose written out for readers ("3 séries de 8 répétitions de chaque côté…"), so no app
writes its own phrases and plural rules.

The words come from the glossary's `dosage` phrases as translated in the locale's catalog:
counts are gettext plural entries, so each language has the forms its plural rules need,
picked by the catalog's Plural-Forms rule (held to CLDR's through Babel by check E405);
numbers are written by Babel for the locale. A phrase whose placeholders do not match the
English is never filled in: its English is used (checks report it as E518).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from babel.numbers import format_decimal

from pipeline.content.fields import placeholders
from pipeline.content.models import Dosage

# A count phrase: the phrase for a number ("3 séries"), its plural form already chosen.
Count = Callable[[int], str]


@dataclass(frozen=True)
class DoseWords:
    """What a locale writes a dose with: the count phrases (already choosing their plural
    form) and the patterns joining them, each paired with its English."""

    sets: Count
    repetitions: Count
    seconds: Count
    patterns: Mapping[str, tuple[str, str]]  # name → (translation, English)
    number: Callable[[int], str]


def counted(forms: list[str], rule: Callable[[int], int], english: tuple[str, str],
            number: Callable[[int], str]) -> Count:
    """A count phrase: the form the rule picks, with the number written for the locale."""
    def write(n: int) -> str:
        index = rule(n)
        form = forms[index] if 0 <= index < len(forms) else ""
        if placeholders(form) != {"count"}:
            form = english[0] if n == 1 else english[1]
        return form.replace("{count}", number(n))
    return write


def locale_number(locale: str) -> Callable[[int], str]:
    babel_locale = locale.replace("-", "_")
    return lambda n: format_decimal(n, locale=babel_locale)


def _fill(words: DoseWords, name: str, **values: str) -> str:
    translation, english = words.patterns[name]
    text = translation if placeholders(translation) == set(values) else english
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def write_dose(dosage: Dosage | None, words: DoseWords | None) -> str | None:
    """The dose as one phrase, or None when there is no dose or nothing to write it with.

    Sets and repetitions first ("3 sets of 8 repetitions"), then "on each side", then the
    hold ("…, holding each for 5 seconds"); a hold alone is "Hold for 30 seconds"."""
    if dosage is None or words is None:
        return None
    sets = words.sets(dosage.sets) if dosage.sets else None
    reps = words.repetitions(dosage.reps) if dosage.reps else None
    if sets and reps:
        dose: str | None = _fill(words, "sets_of_repetitions", sets=sets, repetitions=reps)
    else:
        dose = sets or reps
    seconds = words.seconds(dosage.hold_seconds) if dosage.hold_seconds else None
    if dose is None and seconds is None:
        return None
    if dose is None:
        assert seconds is not None
        dose = _fill(words, "hold", seconds=seconds)
        seconds = None
    if dosage.per_side:
        dose = _fill(words, "each_side", dose=dose)
    if seconds is not None:
        dose = _fill(words, "holding", dose=dose, seconds=seconds)
    return dose
