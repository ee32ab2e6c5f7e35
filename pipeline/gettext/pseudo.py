"""Pseudo-localization: English made visibly foreign and longer, for layout testing.

Accents show strings that skipped translation, padding (about 35 %) shows truncation, and
brackets show concatenation. Markup, citation markers, link targets, URLs, numbers and `{name}` placeholders
(which the app fills in, so they must keep their names) stay untouched.
"""

from __future__ import annotations

import re

from pipeline.core.text import CITATION

_ACCENTS = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "àƀçđéƒĝĥîĵķłɱñöƥǫŕšţûṽŵẋýžÀƁÇĐÉƑĜĤÎĴĶŁṀÑÖƤǪŔŠŢÛṼŴẊÝŽ",
)
# Pieces that must survive byte for byte: citation markers, link targets, URLs, markup runs,
# numbers, brace placeholders and doubled braces.
_KEEP = re.compile(CITATION.pattern
                   + r"|\]\([^)]*\)|https://\S+|[*_]+|\d[\d.,:/-]*|\{\{|\}\}|\{[^{}]*\}")
EXPANSION = 0.35


def pseudo_text(text: str, max_length: int | None = None) -> str:
    pieces: list[str] = []
    last = 0
    for match in _KEEP.finditer(text):
        pieces.append(text[last:match.start()].translate(_ACCENTS))
        pieces.append(match.group(0))
        last = match.end()
    pieces.append(text[last:].translate(_ACCENTS))
    body = "".join(pieces)
    padding = "·" * max(1, round(len(text) * EXPANSION) - 2)
    if max_length is not None:
        room = max_length - len(body) - 4
        padding = padding[: max(room, 0)]
    result = f"⟦{body} {padding}⟧" if padding else f"⟦{body}⟧"
    if max_length is not None and len(result) > max_length:
        return body  # no room to mark it; keep it valid
    return result
