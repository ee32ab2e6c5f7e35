"""Numbers and doses in running text, read as values: what a reader of an exercise acts on.

A translation may write a number its own way — `2,5` for `2.5`, `trois` for `three`, `3 à 4`
for `3-4`, `30 s` for `30 seconds`, `4,5 kg` for `10 lb` — and still say the same thing; it
may not change the amount, drop the unit or swap it (`180°` → `180`, seconds → minutes).
This module turns a text into `Quantity` values (every reading a token may have in the
locale, and its unit's dimension and factor), so the checks compare amounts, not strings.

Number words are read in the languages listed in `_WORDS`; a language without a table is
read in digits only. In the English source, a number word only counts where it is a dose
(followed by a unit or a counted noun: "three sets", "ten seconds"), so "one leg" is not a
number the translation must repeat.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel.numbers import (
    NumberFormatError,
    get_decimal_symbol,
    get_group_symbol,
    parse_decimal,
)

from pipeline.core.languages import language_of

# ---------------------------------------------------------------------------------------------
# Units: surface form (lowercase) → (dimension, factor to the dimension's base unit)

_TIME = {"s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1, "seconde": 1, "secondes": 1,
         "segundo": 1, "segundos": 1, "sekunde": 1, "sekunden": 1, "secondo": 1, "secondi": 1,
         "min": 60, "mins": 60, "minute": 60, "minutes": 60, "minuto": 60, "minutos": 60,
         "minuten": 60, "minuti": 60,
         "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600, "heure": 3600,
         "heures": 3600, "hora": 3600, "horas": 3600, "stunde": 3600, "stunden": 3600,
         "ora": 3600, "ore": 3600,
         "day": 86400, "days": 86400, "jour": 86400, "jours": 86400, "día": 86400,
         "días": 86400, "dia": 86400, "dias": 86400, "tag": 86400, "tage": 86400,
         "tagen": 86400, "giorno": 86400, "giorni": 86400,
         "week": 604800, "weeks": 604800, "semaine": 604800, "semaines": 604800,
         "semana": 604800, "semanas": 604800, "woche": 604800, "wochen": 604800,
         "settimana": 604800, "settimane": 604800}
_MASS = {"kg": "1", "kgs": "1", "kilo": "1", "kilos": "1", "kilogram": "1", "kilograms": "1",
         "kilogramme": "1", "kilogrammes": "1", "kilogramo": "1", "kilogramos": "1",
         "kilogramm": "1", "chilo": "1", "chili": "1", "quilo": "1", "quilos": "1",
         "g": "0.001", "gram": "0.001", "grams": "0.001", "gramme": "0.001",
         "grammes": "0.001", "gramo": "0.001", "gramos": "0.001",
         "lb": "0.45359237", "lbs": "0.45359237", "pound": "0.45359237",
         "pounds": "0.45359237", "livre": "0.45359237", "livres": "0.45359237",
         "libra": "0.45359237", "libras": "0.45359237", "pfund": "0.45359237",
         "libbra": "0.45359237", "libbre": "0.45359237"}
_LENGTH = {"mm": "0.001", "cm": "0.01", "m": "1", "km": "1000",
           "centimeter": "0.01", "centimeters": "0.01", "centimetre": "0.01",
           "centimetres": "0.01", "centimètre": "0.01", "centimètres": "0.01",
           "centímetro": "0.01", "centímetros": "0.01", "zentimeter": "0.01",
           "centimetro": "0.01", "centimetri": "0.01",
           "meter": "1", "meters": "1", "metre": "1", "metres": "1", "mètre": "1",
           "mètres": "1", "metro": "1", "metros": "1", "metri": "1",
           "inch": "0.0254", "inches": "0.0254", "pouce": "0.0254", "pouces": "0.0254",
           "pulgada": "0.0254", "pulgadas": "0.0254", "zoll": "0.0254",
           "foot": "0.3048", "feet": "0.3048", "ft": "0.3048", "pied": "0.3048",
           "pieds": "0.3048", "mile": "1609.344", "miles": "1609.344", "mi": "1609.344",
           "milla": "1609.344", "millas": "1609.344", "meile": "1609.344",
           "meilen": "1609.344", "miglio": "1609.344", "miglia": "1609.344",
           "milha": "1609.344", "milhas": "1609.344"}
# What a dose counts: sets, and repetitions (a "time" is one repetition).
_SETS = {"set", "sets", "série", "séries", "serie", "series", "satz", "sätze", "sätzen",
         "serie", "séries", "セット"}
_REPS = {"rep", "reps", "repetition", "repetitions", "time", "times", "répétition",
         "répétitions", "fois", "repetición", "repeticiones", "vez", "veces",
         "wiederholung", "wiederholungen", "mal", "ripetizione", "ripetizioni", "volta",
         "volte", "repetição", "repetições", "vezes", "回"}
# Units written in Chinese and Japanese characters, right after the number.
_CJK_TIME = {"秒": 1, "秒間": 1, "秒钟": 1, "分": 60, "分間": 60, "分钟": 60, "時間": 3600,
             "小时": 3600, "日": 86400, "天": 86400, "週間": 604800, "周": 604800}
_ANGLE = {"°": 1, "degree": 1, "degrees": 1, "degré": 1, "degrés": 1, "grado": 1,
          "grados": 1, "grad": 1, "gradi": 1, "grau": 1, "graus": 1}
_PERCENT = {"%": 1, "percent": 1, "per cent": 1, "pour cent": 1, "por ciento": 1,
            "prozent": 1, "per cento": 1, "por cento": 1}
_TEMPERATURE = {"°c", "°f", "℃", "℉"}

UNITS: dict[str, tuple[str, Decimal]] = {
    **{k: ("time", Decimal(v)) for k, v in _TIME.items()},
    **{k: ("mass", Decimal(v)) for k, v in _MASS.items()},
    **{k: ("length", Decimal(v)) for k, v in _LENGTH.items()},
    **{k: ("angle", Decimal(v)) for k, v in _ANGLE.items()},
    **{k: ("percent", Decimal(v)) for k, v in _PERCENT.items()},
    **{k: ("temperature", Decimal(1)) for k in _TEMPERATURE},
    **{k: ("time", Decimal(v)) for k, v in _CJK_TIME.items()},
    **{k: ("sets", Decimal(1)) for k in _SETS},
    **{k: ("repetitions", Decimal(1)) for k in _REPS},
}
_FAHRENHEIT = {"°f", "℉"}
# Units that are also body parts: after a number word ("one foot") they are the body part.
_BODY_PARTS = frozenset({"foot", "feet", "pied", "pieds", "pie", "pies"})
# Dimensions that count what is done rather than measure it.
COUNTED = frozenset({"sets", "repetitions"})

# Counted nouns that make an English number word a dose ("three sets", "ten times").
_DOSE_NOUNS = {"time", "times", "set", "sets", "rep", "reps", "repetition", "repetitions",
               "round", "rounds", "breath", "breaths", "hold", "holds", "side", "sides"}

# A converted amount may be rounded as people round (10 lb → 4.5 kg, or 5 kg).
CONVERSION_TOLERANCE = Decimal("0.12")

# ---------------------------------------------------------------------------------------------
# Number words, by language

_BASE_WORDS: dict[str, dict[str, int]] = {
    "en": {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
           "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
           "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
           "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
           "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
           "hundred": 100},
    "fr": {"zéro": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5,
           "six": 6, "sept": 7, "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12,
           "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16, "vingt": 20,
           "vingts": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60,
           "cent": 100, "cents": 100},
    "es": {"cero": 0, "un": 1, "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5,
           "seis": 6, "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12,
           "trece": 13, "catorce": 14, "quince": 15, "dieciséis": 16, "diecisiete": 17,
           "dieciocho": 18, "diecinueve": 19, "veinte": 20, "treinta": 30, "cuarenta": 40,
           "cincuenta": 50, "sesenta": 60, "setenta": 70, "ochenta": 80, "noventa": 90,
           "cien": 100},
    "de": {"null": 0, "eins": 1, "ein": 1, "eine": 1, "zwei": 2, "drei": 3, "vier": 4,
           "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10, "elf": 11,
           "zwölf": 12, "fünfzehn": 15, "zwanzig": 20, "dreißig": 30, "vierzig": 40,
           "fünfzig": 50, "sechzig": 60, "hundert": 100},
    "it": {"zero": 0, "uno": 1, "una": 1, "due": 2, "tre": 3, "quattro": 4, "cinque": 5,
           "sei": 6, "sette": 7, "otto": 8, "nove": 9, "dieci": 10, "undici": 11,
           "dodici": 12, "quindici": 15, "venti": 20, "trenta": 30, "quaranta": 40,
           "cinquanta": 50, "sessanta": 60, "cento": 100},
    "pt": {"zero": 0, "um": 1, "uma": 1, "dois": 2, "duas": 2, "três": 3, "quatro": 4,
           "cinco": 5, "seis": 6, "sete": 7, "oito": 8, "nove": 9, "dez": 10, "onze": 11,
           "doze": 12, "quinze": 15, "vinte": 20, "trinta": 30, "quarenta": 40,
           "cinquenta": 50, "sessenta": 60, "cem": 100},
}

# Ordinal words (2nd → deuxième): the value of an English `2nd`, `3rd`.
_ORDINALS: dict[str, dict[str, int]] = {
    "fr": {"premier": 1, "première": 1, "deuxième": 2, "second": 2, "seconde": 2,
           "troisième": 3, "quatrième": 4, "cinquième": 5, "sixième": 6, "septième": 7,
           "huitième": 8, "neuvième": 9, "dixième": 10},
    "es": {"primero": 1, "primera": 1, "tercero": 3, "tercera": 3, "cuarto": 4, "cuarta": 4,
           "quinto": 5, "quinta": 5},
    "de": {"erste": 1, "ersten": 1, "zweite": 2, "zweiten": 2, "dritte": 3, "dritten": 3,
           "vierte": 4, "fünfte": 5},
    "it": {"primo": 1, "prima": 1, "terzo": 3, "terza": 3, "quarto": 4, "quinto": 5},
    "pt": {"primeiro": 1, "primeira": 1, "terceiro": 3, "terceira": 3, "quarto": 4,
           "quinto": 5},
}
for _language, _words in _ORDINALS.items():
    _BASE_WORDS[_language] = {**_words, **_BASE_WORDS[_language]}

# Connectors between the parts of one number word ("vingt et un", "twenty-five").
_JOINERS = {"en": r"-", "fr": r"-|\s+et\s+|\s+", "es": r"\s+y\s+", "de": r"und",
            "it": r"", "pt": r"\s+e\s+"}


def _word_value(parts: list[str], table: dict[str, int]) -> int | None:
    """The value of a compound number word split into its parts: sums, with "quatre vingt"
    (80) and "deux cents" (200) multiplied."""
    total = 0
    last = 0
    for part in parts:
        value = table.get(part)
        if value is None:
            return None
        if value in (20, 100) and last in (2, 3, 4, 5, 6, 7, 8, 9) and (
                value == 100 or last == 4):
            total += last * value - last
        else:
            total += value
        last = value
    return total


@lru_cache(maxsize=16)
def _word_pattern(language: str) -> re.Pattern[str] | None:
    table = _BASE_WORDS.get(language)
    if table is None:
        return None
    words = "|".join(sorted((re.escape(w) for w in table), key=len, reverse=True))
    joiner = _JOINERS.get(language, "-")
    joined = f"(?:{joiner})" if joiner else ""
    return re.compile(rf"(?<![\w-])(?:{words})(?:{joined}(?:{words}))*(?![\w-])", re.IGNORECASE)


# ---------------------------------------------------------------------------------------------
# Reading a text

# Digits with any separator a locale might use: , . ' and the three spaces.
_DIGITS = re.compile(r"\d++(?:[.,'’][0-9]++|[ \u00a0\u202f]\d{3}(?!\d))*+")
_ENGLISH_DIGITS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
# A dotted sequence (a version, an address, a date: `12.34.56`) is an identifier, not a number.
_DOTTED = re.compile(r"\d+(?:\.\d+){2,}")
_UNIT_AFTER = re.compile(r"[ \u00a0\u202f-]?(°[cCfF]|°|%|℃|℉|[^\W\d_]+(?: (?:cent|ciento|cento))?)")
# A time of day on a 12-hour clock: 6 PM is 18 h.
_AFTERNOON = re.compile(r"\s?(?:pm|p\.m\.)(?!\w)", re.IGNORECASE)
_RANGE_JOINERS = re.compile(r"\s*(?:-|–|—|to|or|and|à|a|ou|et|y|o|bis|oder|und|e)\s*",
                            re.IGNORECASE)


@dataclass(frozen=True)
class Quantity:
    """A number as written (`text`, at `start`), every value it may mean in the locale, and
    its unit (the unit of the range it ends, for the first number of "3 to 4 minutes")."""

    text: str
    start: int
    values: frozenset[Decimal]
    unit: str | None = None  # the surface form, lowercase
    word: bool = False
    written: str = ""  # the number and its unit as written ("180°", "30 secondes")

    @property
    def dimension(self) -> str | None:
        return UNITS[self.unit][0] if self.unit is not None else None

    def base_values(self) -> frozenset[Decimal]:
        """The values in the dimension's base unit (seconds, kilograms, metres, degrees
        Celsius)."""
        if self.unit is None:
            return self.values
        if self.unit in _FAHRENHEIT:
            return frozenset((v - 32) * 5 / 9 for v in self.values)
        factor = UNITS[self.unit][1]
        return frozenset(v * factor for v in self.values)

    @property
    def shown(self) -> str:
        return self.written or self.text


def _plain_readings(token: str) -> set[Decimal]:
    """`1.000,5` → every separator as grouping (10005), or the last one as decimal (1000.5)."""
    compact = re.sub(r"[ \u00a0\u202f'’]", "", token)
    readings = {re.sub(r"[.,]", "", compact)}
    last = max(compact.rfind("."), compact.rfind(","))
    if last >= 0:
        readings.add(re.sub(r"[.,]", "", compact[:last]) + "." + compact[last + 1:])
    return {Decimal(r).normalize() for r in readings if r}


def _readings(token: str, locale: str) -> frozenset[Decimal]:
    """Every value a number written in a translation could mean: the locale's reading
    (Babel), each separator as grouping or decimal, and each space-separated part alone
    (`3 100` may be "3 100" or "3" then "100")."""
    values: set[Decimal] = set()
    try:
        values.add(Decimal(parse_decimal(token, locale=locale)).normalize())
    except (NumberFormatError, ValueError, InvalidOperation, LookupError):
        pass
    values |= _plain_readings(token)
    for part in re.split(r"[ \u00a0\u202f]", token):
        values |= _plain_readings(part)
    if _comma_is_decimal(locale) and token.count(",") == 1 and "." not in token:
        # In French, `7,500` is seven and a half: never seven thousand five hundred.
        values.discard(Decimal(re.sub(r"[ \u00a0\u202f',]", "", token)).normalize())
    return frozenset(values)


@lru_cache(maxsize=64)
def _comma_is_decimal(locale: str) -> bool:
    """Whether the locale writes decimals with a comma and never groups digits with one."""
    try:
        return (get_decimal_symbol(locale) == "," and get_group_symbol(locale) != ",")
    except (ValueError, LookupError):
        return False


def _unit_at(text: str, end: int) -> tuple[str | None, int]:
    """The unit written right after a number ending at `end`, and where it ends."""
    match = _UNIT_AFTER.match(text, end)
    if match is None:
        return None, end
    word = match.group(1).lower()
    if word in UNITS:
        return word, match.end()
    for size in (2, 1):  # a CJK unit runs on into the next word: 10秒間キープ
        if word[:size] in UNITS and not word[:1].isascii():
            return word[:size], match.start(1) + size
    first = word.split(" ")[0]
    if first in UNITS:
        return first, match.start(1) + len(first)
    return None, end


@lru_cache(maxsize=8192)
def quantities(text: str, locale: str, *, source: bool = False) -> tuple[Quantity, ...]:
    """Every number of the text with its readings and unit, in order. With `source`, the
    text is English as written in the source: `1,000` is a thousand and `2.5` two and a
    half, and a number word counts only as a dose."""
    language = language_of(locale)
    found: list[tuple[int, int, frozenset[Decimal], bool]] = []
    masked = _DOTTED.sub(lambda m: "x" * len(m.group(0)), text)
    digits = _ENGLISH_DIGITS if source else _DIGITS
    for match in digits.finditer(masked):
        if match.start() and (masked[match.start() - 1].isalpha()
                              or masked[match.start() - 1] == "x"):
            continue  # part of a word or an identifier: "B12", "x2"
        literal = match.group(0)
        values = (frozenset({Decimal(literal.replace(",", "")).normalize()}) if source
                  else _readings(literal, locale))
        if source and _AFTERNOON.match(masked, match.end()) and values == {
                v for v in values if 0 < v < 12}:
            values = values | {v + 12 for v in values}
        found.append((match.start(), match.end(), values, False))
    pattern = _word_pattern(language)
    table = _BASE_WORDS.get(language, {})
    if pattern is not None:
        for match in pattern.finditer(masked):
            parts = [p for p in re.split(_JOINERS.get(language, "-") or "(?!)",
                                         match.group(0).lower()) if p]
            value = _word_value(parts, table)
            if value is not None:
                found.append((match.start(), match.end(), frozenset({Decimal(value)}), True))
    found.sort()
    result: list[Quantity] = []
    for start, end, values, word in found:
        unit, unit_end = _unit_at(text, end)
        if word and unit in _BODY_PARTS:
            unit, unit_end = None, end  # "lift one foot": a foot, not a length
        result.append(Quantity(text[start:end], start, values, unit, word,
                               text[start:unit_end]))
    # The first number of a range takes the unit of the second: "3 to 4 minutes".
    for i in range(len(result) - 1):
        first, second = result[i], result[i + 1]
        between = text[first.start + len(first.text): second.start]
        if first.unit is None and second.unit is not None and \
                _RANGE_JOINERS.fullmatch(between):
            result[i] = Quantity(first.text, first.start, first.values, second.unit,
                                 first.word, f"{first.text} {second.unit}")
    if source:
        result = [q for q in result if not q.word or _is_dose_word(q, result, text)]
    return tuple(result)


def _is_dose_word(quantity: Quantity, every: list[Quantity], text: str) -> bool:
    """Whether an English number word is a dose: it has a unit, is followed by a counted
    noun, or is one end of a range."""
    if quantity.unit is not None:
        return True
    after = text[quantity.start + len(quantity.text):]
    match = re.match(r"[ -]?([^\W\d_]+)", after)
    if match is not None and match.group(1).lower() in _DOSE_NOUNS:
        return True
    for other in every:
        if other is quantity:
            continue
        lo, hi = sorted((quantity.start, other.start))
        first = quantity if quantity.start == lo else other
        between = text[first.start + len(first.text): hi]
        if _RANGE_JOINERS.fullmatch(between):
            return True
    return False


# How often: "3 times a week" — the period a frequency counts in, by language.
_PERIODS = {
    "en": r"(?:a|an|per|each|every)\s+(?P<p>day|week|month|hour)|(?P<q>daily|weekly|monthly|hourly)",
    "fr": r"(?:par|chaque)\s+(?P<p>jour|semaine|mois|heure)|(?P<q>quotidien\w*|hebdomadaire\w*"
          r"|mensuel\w*)",
    "es": r"(?:al|a\s+la|por|cada)\s+(?P<p>día|semana|mes|hora)|(?P<q>diari\w*|semanal\w*)",
    "de": r"(?:pro|jeden|jede|jedes|am|in\s+der)\s+(?P<p>tag|woche|monat|stunde)"
          r"|(?P<q>täglich|wöchentlich|monatlich)",
    "it": r"(?:al|a|alla|ogni|per)\s+(?P<p>giorno|settimana|mese|ora)|(?P<q>giornalier\w*)",
    "pt": r"(?:por|ao|à|cada)\s+(?P<p>dia|semana|mês|hora)|(?P<q>diári\w*|semanal\w*)",
}
_PERIOD_OF = {"day": "day", "daily": "day", "jour": "day", "quotidien": "day", "día": "day",
              "diari": "day", "tag": "day", "täglich": "day", "giorno": "day",
              "giornalier": "day", "dia": "day", "diári": "day",
              "week": "week", "weekly": "week", "semaine": "week", "hebdomadaire": "week",
              "semana": "week", "semanal": "week", "woche": "week", "wöchentlich": "week",
              "settimana": "week",
              "month": "month", "monthly": "month", "mois": "month", "mensuel": "month",
              "mes": "month", "monat": "month", "monatlich": "month", "mese": "month",
              "mês": "month",
              "hour": "hour", "hourly": "hour", "heure": "hour", "hora": "hour",
              "stunde": "hour", "ora": "hour"}


@lru_cache(maxsize=16)
def _period_pattern(language: str) -> re.Pattern[str] | None:
    pattern = _PERIODS.get(language)
    return (re.compile(rf"(?<!\w)(?:{pattern})(?!\w)", re.IGNORECASE)
            if pattern is not None else None)


def periods(text: str, locale: str) -> set[str]:
    """The periods a text's frequencies count in ("day", "week"…): "3 times a week" and
    "3 fois par semaine" both say "week"."""
    pattern = _period_pattern(language_of(locale))
    if pattern is None:
        return set()
    found: set[str] = set()
    for match in pattern.finditer(text):
        word = (match.group("p") or match.group("q")).lower()
        period = _PERIOD_OF.get(word) or next(
            (v for k, v in _PERIOD_OF.items() if word.startswith(k)), None)
        if period is not None:
            found.add(period)
    return found


def identifiers(text: str) -> list[str]:
    """Dotted sequences (`12.34.56`: a version, an address, a date), which a translation
    keeps character for character."""
    return [m.group(0) for m in _DOTTED.finditer(text)]


def same_amount(source: Quantity, translated: Quantity) -> bool:
    """Whether a translated quantity says the source's amount: the same value in the same
    unit, or a value in another unit of the same dimension that converts to it (within
    `CONVERSION_TOLERANCE` between unit systems: people round 10 lb to 4.5 or 5 kg)."""
    if source.unit is None or translated.unit is None:
        return False
    if source.dimension != translated.dimension:
        return False
    wanted = source.base_values()
    given = translated.base_values()
    if wanted & given:
        return True
    if source.dimension == "temperature" and source.unit != translated.unit:
        return any(abs(g - w) <= 1 for w in wanted for g in given)  # 100 °F is 37.8 °C
    if source.dimension not in ("mass", "length") or source.unit == translated.unit:
        return False
    return any(abs(g - w) <= CONVERSION_TOLERANCE * abs(w) for w in wanted for g in given if w)
