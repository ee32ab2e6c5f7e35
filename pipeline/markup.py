"""The inline Markdown subset allowed in text: emphasis, strong and links.

Parsed with markdown-it-py in inline mode, so "1. Lie down" stays text rather than a list and
the same function serves the English source, translations and exported bundles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

_RELATIVE_LINK = re.compile(r"^(\.\./|\./)*[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)*\.yaml(#[a-z0-9-]+)?$")
_HTTPS_LINK = re.compile(r"^https://[^\s/$.?#][^\s]*$", re.IGNORECASE)
_STRUCTURE = {"em_open", "em_close", "strong_open", "strong_close", "link_open", "link_close"}
_HARMLESS = {"text", "softbreak", "hardbreak"}


@dataclass(frozen=True)
class Problem:
    code: str
    message: str


@dataclass(frozen=True)
class Markup:
    links: tuple[str, ...] = ()
    # The order of emphasis/strong/link openings and closings, e.g. ("strong_open", ...).
    structure: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = field(default=())

    @property
    def has_markup(self) -> bool:
        return bool(self.structure)


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark")


def is_safe_link(target: str) -> bool:
    return bool(_HTTPS_LINK.match(target) or _RELATIVE_LINK.match(target))


@lru_cache(maxsize=65536)
def analyze(text: str) -> Markup:
    """Parse inline Markdown and list what a translation must keep and what is not allowed."""
    tokens: list[Token] = []
    for tok in _parser().parseInline(text):
        tokens.extend(tok.children or [])
    links: list[str] = []
    structure: list[str] = []
    problems: list[Problem] = []
    for tok in tokens:
        kind = tok.type
        if kind in _HARMLESS:
            continue
        if kind in _STRUCTURE:
            structure.append(kind)
            if kind == "link_open":
                target = str(tok.attrs.get("href", ""))
                links.append(target)
                if tok.markup == "autolink" and not target.startswith("https://"):
                    problems.append(Problem("E309", f"unsafe link target {target!r}"))
                elif not is_safe_link(target):
                    problems.append(
                        Problem(
                            "E309",
                            f"link target {target!r} must be https:// or a relative "
                            "path to a content file (…/name.yaml)",
                        )
                    )
        elif kind == "html_inline":
            problems.append(Problem("E307", f"raw HTML {tok.content!r} is not allowed"))
        elif kind == "image":
            problems.append(Problem("E308", f"image {tok.attrs.get('src', '')!r} is not allowed"))
        else:
            problems.append(
                Problem("E310", f"{kind.replace('_', ' ')} markup {tok.markup!r} is not supported")
            )
    if re.search(r"(?i)\b(javascript|data|vbscript):", text) and not any(
        p.code == "E309" for p in problems
    ):
        problems.append(Problem("E309", "text contains a javascript:/data: URL"))
    return Markup(tuple(links), tuple(structure), tuple(problems))
