"""Locale codes: validation against CLDR (via Babel) and the headers gettext expects."""

from __future__ import annotations

import re

from babel import Locale, UnknownLocaleError
from babel.messages.plurals import get_plural

from .config import UsageError

# gettext folder names: fr, pt_BR, sr_Latn; also pseudo-locales such as en_XA.
_CODE = re.compile(r"^[a-z]{2,3}(_[A-Z][a-z]{3})?(_([A-Z]{2}|\d{3}))?$")


def normalize(code: str) -> str:
    """`pt-BR` → `pt_BR`; refuses anything that is not a locale code (and so any path)."""
    candidate = code.replace("-", "_")
    if not _CODE.fullmatch(candidate):
        raise UsageError(f"{code!r} is not a locale code (examples: 'fr', 'pt_BR')", "E409")
    return candidate


def parse(code: str) -> Locale:
    try:
        return Locale.parse(normalize(code))
    except (UnknownLocaleError, ValueError) as exc:
        raise UsageError(f"unknown locale {code!r}: CLDR has no data for it", "E409") from exc


def plural_forms(code: str) -> str:
    plural = get_plural(parse(code))
    return f"nplurals={plural.num_plurals}; plural={plural.plural_expr};"


def team(code: str) -> str:
    return f"{parse(code).get_display_name('en')} <{normalize(code)}@li.org>"
