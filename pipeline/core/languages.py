"""The language part of a locale code, which language-wide rules are keyed by."""

from __future__ import annotations


def language_of(locale: str) -> str:
    """`pt_BR`, `pt-BR` and `PT` → `pt`: dictionaries, number words, reading formulas and
    the checks of a language serve each of its regions."""
    return locale.replace("-", "_").split("_")[0].lower()
