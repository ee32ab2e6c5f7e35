"""Locale codes: validation against CLDR (via Babel) and the headers gettext expects."""

from __future__ import annotations

import re

from babel import Locale, UnknownLocaleError
from babel.messages.plurals import get_plural

from pipeline.core.config import UsageError

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


# The Plural-Forms GNU gettext's msginit writes (its plural table, as in gettext 0.21),
# which translators' tools expect. CLDR's rules (through Babel) change between its
# releases — French gained a third form for large round numbers — and would make every
# catalog's header wrong after a library upgrade; they serve only languages this lacks.
_GNU_PLURALS: dict[str, tuple[str, ...]] = {
    "nplurals=1; plural=0;": ("ja", "ko", "vi"),
    "nplurals=2; plural=(n != 1);": ("bg", "da", "de", "el", "en", "eo", "es", "et", "fi",
                                     "fo", "he", "hu", "it", "nb", "nl", "nn", "no", "pt",
                                     "sv", "tr"),
    "nplurals=2; plural=(n > 1);": ("fr", "pt_BR"),
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n != 0 ? 1 : 2);": ("lv",),
    "nplurals=3; plural=n==1 ? 0 : n==2 ? 1 : 2;": ("ga",),
    "nplurals=3; plural=n==1 ? 0 : (n==0 || (n%100 > 0 && n%100 < 20)) ? 1 : 2;": ("ro",),
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && (n%100<10 || n%100>=20) "
    "? 1 : 2);": ("lt",),
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || "
    "n%100>=20) ? 1 : 2);": ("be", "hr", "ru", "sr", "uk"),
    "nplurals=3; plural=(n==1) ? 0 : (n>=2 && n<=4) ? 1 : 2;": ("cs", "sk"),
    "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);":
        ("pl",),
    "nplurals=4; plural=(n%100==1 ? 0 : n%100==2 ? 1 : n%100==3 || n%100==4 ? 2 : 3);":
        ("sl",),
}
_GNU_BY_LANGUAGE = {lang: rule for rule, langs in _GNU_PLURALS.items() for lang in langs}


def plural_forms(code: str) -> str:
    """The Plural-Forms a new catalog gets: GNU gettext's for the language (or language
    and territory, as pt_BR), else CLDR's."""
    locale = parse(code)
    for key in (f"{locale.language}_{locale.territory}", locale.language):
        if key in _GNU_BY_LANGUAGE:
            return _GNU_BY_LANGUAGE[key]
    return cldr_plural_forms(code)


def cldr_plural_forms(code: str) -> str:
    """CLDR's plural rule for a locale, as gettext writes one (what Babel and some
    translation platforms put in new catalogs)."""
    plural = get_plural(parse(code))
    return f"nplurals={plural.num_plurals}; plural={plural.plural_expr};"


def team(code: str) -> str:
    return f"{parse(code).get_display_name('en')} <{normalize(code)}@li.org>"


def header_mismatch(language: str, locale: str) -> str | None:
    """E404's message when a catalog's Language header does not name the locale of its
    folder (or is missing), or None: tools, and `build`, trust the header."""
    found = language.strip()
    if not found:
        return f"Language header is missing; expected {locale!r}"
    try:
        same = normalize(found) == normalize(locale)
    except UsageError:
        same = False
    return None if same else f"Language header is {found!r}; expected {locale!r}"
