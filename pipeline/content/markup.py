"""The Markdown subset allowed in text — emphasis, strong, links and citation markers
(`[@id]`, text to every renderer) — judged on what renderers
make of it.

Apps render a text in more than one way: markdown-it in inline mode, full-document renderers
(marked, markdown-it) that also see block structure and reference definitions, renderers that
turn bare addresses into links (markdown-it with `linkify`, GitHub-flavoured marked), and
browsers that decode entities in the `href` they are given. So `analyze` parses the text as a
CommonMark block parser does (with GFM tables), keeps every link while parsing instead of
letting markdown-it's own filter turn a `javascript:` link into text, judges each link target
as a browser would read it, and lists every address a renderer could link. One function
serves the English source (E307–E311), translations (E505, E515) and exported bundles.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token

from pipeline.core.text import CITATION, citation_keys

_RELATIVE_LINK = re.compile(r"^(\.\./|\./)*[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)*\.yaml(#[a-z0-9-]+)?$")
_HTTPS_LINK = re.compile(r"^https://[^\s/$.?#][^\s]*$", re.IGNORECASE)
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):", re.IGNORECASE)
_STRUCTURE = {"em_open", "em_close", "strong_open", "strong_close", "link_open", "link_close"}
_HARMLESS = {"text", "softbreak", "hardbreak"}

# ---------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class Problem:
    code: str
    message: str


@dataclass(frozen=True)
class Address:
    """Somewhere a renderer could send a reader, or a tooltip it could show.

    `kind` says which renderers act on it: "link" every renderer (a Markdown link, an
    autolink, a reference definition); "bare" those that link bare addresses (a URL, a `www.`
    or e-mail address in the text); "domain" those that also link a bare domain name
    (`clinic.com`: linkify-it's fuzzy links); "text" none (an address shown as the text of a
    link, or found only in the text as written); "title" a link title, shown on hover.
    `target` is what a browser would be given, the form translations are compared on."""

    kind: str
    written: str
    target: str


@dataclass(frozen=True)
class Markup:
    links: tuple[str, ...] = ()
    # The order of emphasis/strong/link openings and closings, e.g. ("strong_open", ...).
    structure: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = field(default=())
    addresses: tuple[Address, ...] = ()
    # The reference ids its citation markers (`[@id]`) name, in order.
    citations: tuple[str, ...] = ()

    @property
    def has_markup(self) -> bool:
        return bool(self.structure or self.citations)


# ---------------------------------------------------------------------------------------------
# Link targets as a browser reads them


class _Parser(MarkdownIt):
    """CommonMark with GFM tables (what marked renders by default), keeping every link:
    markdown-it's own filter would leave `[x](javascript:…)` as text, and so hide from the
    judgement a link that other renderers make live."""

    def validateLink(self, url: str) -> bool:
        return True


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    return _Parser("commonmark").enable("table")


# What the URL parser removes anywhere (tab, LF, CR) and at either end (C0 controls, space).
_URL_IGNORED = re.compile(r"[\t\n\r]")
_C0_AND_SPACE = "".join(chr(c) for c in range(0x21))


def _unescape(text: str) -> str:
    """HTML entities decoded until none is left (`&amp;#106;` too), as html.unescape reads
    them: named ones such as `&colon;`, and references without their semicolon."""
    for _ in range(8):
        decoded = html.unescape(text)
        if decoded == text:
            break
        text = decoded
    return text


def browser_target(target: str) -> str:
    """The target a browser follows: an `href` is an HTML attribute, so entities are decoded
    even when the renderer left them as written (marked does); tab, CR and LF are dropped and
    controls and spaces at the ends stripped, as the URL parser does; backslashes read as
    slashes, as browsers read them in http(s) URLs."""
    text = _URL_IGNORED.sub("", _unescape(target)).strip(_C0_AND_SPACE)
    return text.replace("\\", "/")


def _scheme_view(target: str) -> str:
    """The target with everything that could hide its scheme taken away, for judging it:
    entities and percent-encoding decoded (repeatedly), every control, format and white-space
    character removed. Wider than any browser's reading, on purpose."""
    text = browser_target(target)
    for _ in range(8):
        decoded = unquote(_unescape(text))
        if decoded == text:
            break
        text = decoded
    kept = (ch for ch in text if not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cf"))
    return "".join(kept).replace("\\", "/")


def _decoded_views(text: str) -> tuple[str, str]:
    """A whole text decoded as `_scheme_view` decodes a target, with the characters a URL
    parser drops either removed (`java<TAB>script:`) or read as spaces (`data` at the end of
    a line), keeping the spaces between words."""
    for _ in range(8):
        decoded = unquote(_unescape(text))
        if decoded == text:
            break
        text = decoded
    hidden = [ch for ch in set(text) if unicodedata.category(ch) in ("Cc", "Cf")]
    if not hidden:
        return text, text
    pattern = re.compile("[" + re.escape("".join(hidden)) + "]")
    return pattern.sub("", text), pattern.sub(" ", text)


def _address(kind: str, written: str, target: str) -> Address:
    """An address with its target as a browser gets it: decoded and normalized the way
    markdown-it writes an `href` (percent-encoding, punycode hosts), then as `browser_target`
    reads it, so the English and a translation compare on the same form."""
    return Address(kind, written, browser_target(parser().normalizeLink(_unescape(target))))


def _target_problem(target: str) -> str | None:
    """Why a link target is not allowed, or None: it must be an https:// address, or a
    relative path to a content file, both as written and as the browser reads it."""
    seen = _scheme_view(target)
    scheme = _SCHEME.match(seen)
    if scheme is not None:
        if scheme.group(1).lower() == "https" and _HTTPS_LINK.match(seen) \
                and _HTTPS_LINK.match(target):
            return None
    elif not seen.startswith("//") and _RELATIVE_LINK.match(target) \
            and _RELATIVE_LINK.match(seen):
        return None
    return (f"link target {target!r} must be https:// or a relative path to a content file "
            "(…/name.yaml)")


def is_safe_link(target: str) -> bool:
    return _target_problem(target) is None


# ---------------------------------------------------------------------------------------------
# Bare addresses: what linkifying renderers turn into links

# The top-level domains linkify-it links without a scheme (its defaults: a few generic ones,
# every two-letter country code, punycode), so `evil.com` is found as it would be linked.
_TLDS_2 = ("a:cdefgilmnoqrstuwxz|b:abdefghijmnorstvwyz|c:acdfghiklmnoruvwxyz|d:ejkmoz|e:cegrstu|"
           "f:ijkmor|g:abdefghilmnpqrstuwy|h:kmnrtu|i:delmnoqrst|j:emop|k:eghimnprwyz|"
           "l:abcikrstuvy|m:acdeghklmnopqrstuvwxyz|n:acefgilopruz|o:m|p:aefghklmnrstwy|q:a|"
           "r:eosuw|s:abcdeghijklmnortuvxyz|t:cdfghjklmnortvwz|u:agksyz|v:aceginu|w:fs|y:et|z:amw")
_TLDS = ["biz", "com", "edu", "gov", "net", "org", "pro", "web", "xxx", "aero", "asia", "coop",
         "info", "museum", "name", "shop", "рф"]
_TLDS += [first + second for first, rest in (item.split(":") for item in _TLDS_2.split("|"))
          for second in rest]
_TLD = "(?:" + "|".join(sorted(_TLDS, key=len, reverse=True)) + r"|xn--[a-z0-9-]{1,59})"

# As far as the most generous renderer takes an address (marked: up to a space or `<`), and
# from wherever one starts (marked links `https://` and `www.` even right after a letter).
_TAIL = r"[^\s<]*"
_SCHEME_URL = re.compile(r"(?:(?:https?|ftp)://|(?:mailto|xmpp):)" + _TAIL, re.IGNORECASE)
# What linkify-it takes for a letter of a host name: anything but space, punctuation and a
# few symbols, so `script~.e.com` and `x|-e.com` are hosts to it; marked also takes `_` in an
# e-mail address's host, and hyphens anywhere (`a@---e.x`). Without a scheme, `$+=^`` end a
# domain name (`^1.e.com` links `1.e.com`), and so may `|` (`||e.com` links `e.com`).
_NOT_HOST = r"\s!\"#%&'()*,./:;?@\[\\\]_{}<>"
_NOT_MAIL_HOST = _NOT_HOST.replace("_", "")
_NOT_DOMAIN = _NOT_HOST + r"$+=^`"


def _label(excluded: str) -> str:
    """One label of a host name: its characters, a hyphen inside but not at either end."""
    edge = "[^" + excluded + "-]"
    return edge + "(?:[^" + excluded + "]*" + edge + ")?"


def _domain(excluded: str) -> re.Pattern[str]:
    return re.compile(r"(?<![^" + excluded + r"])(?<![.@/:_-])(?:" + _label(excluded) + r"\.)+"
                      + _TLD + r"(?![^" + excluded + r"])(?::\d{1,5})?(?:[/?#]" + _TAIL + ")?",
                      re.IGNORECASE)


_PROTOCOL_RELATIVE = re.compile(r"(?<![\w:/])//[^" + _NOT_HOST + "]" + _TAIL)
_WWW = re.compile(r"www\.[^\W_]" + _TAIL, re.IGNORECASE)
_EMAIL = re.compile(r"(?<![\w.!#$%&'*+/=?^`{|}~;:,\"-])[\w.!#$%&'*+/=?^`{|}~;:,\"-]+@"
                    r"[^" + _NOT_MAIL_HOST + r"]+(?:\.[^" + _NOT_MAIL_HOST + r"]+)+")
_DOMAIN = _domain(_NOT_DOMAIN)
_DOMAIN_AFTER_BAR = _domain(_NOT_DOMAIN + "|")
_TRAILING = ".,:;!?'\"*_~…»”’>"
# A prefix with nothing after it ("see www.", "mailto: links") is text.
_PREFIX_ONLY = re.compile(r"(?:https?|ftp)(?::/{0,2})?|(?:mailto|xmpp):?|www\.?|/{1,2}",
                          re.IGNORECASE)


def _trim(address: str) -> str:
    """Sentence punctuation after an address is not part of it, nor an unbalanced closing
    bracket (as linkifiers decide)."""
    while address:
        last = address[-1]
        if last in _TRAILING:
            address = address[:-1]
        elif last in ")]" and address.count(last) > address.count("(" if last == ")" else "["):
            address = address[:-1]
        else:
            break
    return address


def _bare_addresses(text: str) -> Iterator[tuple[str, str, str]]:
    """(as written, as linked, kind) for each address a linkifying renderer could find: kind
    "bare" for URLs, `www.` and e-mail addresses, which linkifying renderers link by default,
    "domain" for a domain name alone, which only linkify-it's fuzzy links do. Each kind of
    match is blanked before the next is looked for, so a URL's host is not found again as a
    domain name."""
    for pattern, prefix, kind in ((_SCHEME_URL, "", "bare"), (_PROTOCOL_RELATIVE, "", "bare"),
                                  (_EMAIL, "mailto:", "bare"), (_WWW, "http://", "bare"),
                                  (_DOMAIN, "http://", "domain"),
                                  (_DOMAIN_AFTER_BAR, "http://", "domain")):
        pieces: list[str] = []
        last = 0
        for match in pattern.finditer(text):
            written = _trim(match.group(0))
            if _PREFIX_ONLY.fullmatch(written):  # "http://~" is linked all the same
                written = "" if _PREFIX_ONLY.fullmatch(match.group(0)) else match.group(0)
            if written:
                yield written, prefix + written, kind
                pieces += [text[last:match.start()], " " * len(written)]
                last = match.start() + len(written)
        if pattern is not _DOMAIN:  # both readings of `|` are looked for
            text = "".join(pieces) + text[last:]


# ---------------------------------------------------------------------------------------------
# Block structure

_BLOCKS = {
    "heading_open": "heading", "bullet_list_open": "bullet list", "blockquote_open": "block quote",
    "code_block": "indented code block", "fence": "fenced code block", "hr": "thematic break",
    "table_open": "table",
}
# A GFM table's delimiter row under a line of text: `|-`, `--|--`, `:--` (a row of hyphens
# alone is a heading's underline, reported as such).
_TABLE_DELIMITER = re.compile(r"(?m)(?<=\S)[^\S\n]*\n[ \t]*(?=[-:| \t]*[|:])(?=[-:| \t]*-)"
                              r"[-:| \t]+$")
# A reference definition anywhere, even where CommonMark would not take one (inside a
# paragraph): renderers differ, and a definition shows nothing itself.
_DEFINITION = re.compile(r"(?m)^ {0,3}\[((?:\\.|[^\\\]\n])+)\]:[ \t]*(?:\n[ \t]*)?<?([^\s>]*)")


def _block_problems(tokens: Sequence[Token]) -> Iterator[Problem]:
    """Block constructs a full-document renderer would make of the text. A numbered line
    ("1. Lie down") is a list to such a renderer, but one that shows the same number and
    text, so it is allowed as long as every number shown is the number written."""
    lists: list[int | None] = []  # per open list: None for bullets, else the next number
    for tok in tokens:
        kind = tok.type
        if kind in ("paragraph_open", "paragraph_close", "inline", "list_item_close"):
            continue
        if kind == "ordered_list_open":
            lists.append(-1)
        elif kind == "bullet_list_open":
            lists.append(None)
            yield Problem("E310", f"bullet list markup {tok.markup!r} is not supported")
        elif kind in ("ordered_list_close", "bullet_list_close"):
            if lists:
                lists.pop()
        elif kind == "list_item_open":
            expected = lists[-1] if lists else None
            if expected is None or not tok.info.isdigit():
                continue
            shown = str(int(tok.info)) if expected < 0 else str(expected)
            lists[-1] = int(shown) + 1
            if tok.info != shown:
                yield Problem("E310", f"numbered line '{tok.info}{tok.markup}' would be shown "
                                      f"as '{shown}.' by a Markdown renderer")
        elif kind == "html_block":
            yield Problem("E307", f"raw HTML {tok.content.strip()!r} is not allowed")
        elif kind in _BLOCKS:
            what = _BLOCKS[kind]
            how = f" {tok.markup!r}" if tok.markup else ""
            yield Problem("E310", f"{what} markup{how} is not supported")
        elif not kind.endswith("_close") and not kind.startswith(("tr_", "th_", "td_", "thead",
                                                                   "tbody")):
            yield Problem("E310", f"{kind.replace('_', ' ')} markup is not supported")


# ---------------------------------------------------------------------------------------------
# Inline checks on the text as written

# What a browser's HTML tokenizer starts a tag, comment or declaration with: more than
# CommonMark's raw HTML (`<svg/onload=…>` is text to Markdown but a tag to innerHTML).
_TAG_START = re.compile(r"<(?:/?[A-Za-z]|[!?])")
_AUTOLINK = re.compile(r"<[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*>"
                       r"|<[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)*>")
# Schemes that run script when followed, wherever they appear once decoded.
_SCRIPT_SCHEME = re.compile(r"(?<![a-z0-9+.-])(?:java|vb|live)script:|(?<![a-z0-9+.-])data:",
                            re.IGNORECASE)


def tag_snippet(text: str, start: int) -> str:
    """The tag that starts at `start`, up to its `>` or 40 characters, for a message."""
    end = text.find(">", start)
    stop = end + 1 if 0 <= end - start < 40 else start + 40
    return text[start:stop]


def tag_starts(text: str) -> list[str]:
    """Each place a browser would start a tag, as written or once entities are decoded
    (an app may decode them before putting text into HTML); autolinks aside."""
    found: list[str] = []
    for variant in dict.fromkeys((text, _unescape(text))):
        masked = _AUTOLINK.sub(lambda m: " " * len(m.group(0)), variant)
        found += [tag_snippet(variant, m.start()) for m in _TAG_START.finditer(masked)]
    return list(dict.fromkeys(found))


def _flanking(text: str, start: int, end: int) -> tuple[bool, bool]:
    """Whether a delimiter run can open and close (CommonMark's left/right flanking)."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "

    def punct(ch: str) -> bool:
        return ch != "~" and unicodedata.category(ch)[0] in "PS"

    opens = not after.isspace() and (not punct(after) or before.isspace() or punct(before))
    closes = not before.isspace() and (not punct(before) or after.isspace() or punct(after))
    return opens, closes


def _strikethrough(text: str) -> str | None:
    """The first `~text~` or `~~text~~` that GitHub-flavoured marked strikes through, or
    None. markdown-it knows only the double form; marked strikes through with either."""
    opener: dict[int, int] = {}  # run length → where the last run that can open starts
    for match in re.finditer(r"~+", text):
        size = len(match.group(0))
        if size > 2:
            continue
        opens, closes = _flanking(text, match.start(), match.end())
        if closes and size in opener:
            return text[opener[size]:match.end()]
        if opens:
            opener[size] = match.start()
    return None


# ---------------------------------------------------------------------------------------------
# The analysis


def _inline(tokens: Iterable[Token], links: list[str], structure: list[str],
            problems: list[Problem], addresses: list[Address], citations: list[str]) -> None:
    depth = 0
    for tok in tokens:
        kind = tok.type
        if kind == "text":
            addresses += [_address("text" if depth else found, written, target)
                          for written, target, found in _bare_addresses(tok.content)]
            for marker in CITATION.finditer(tok.content):
                if depth:
                    problems.append(Problem("E310", f"citation {marker.group(0)!r} inside a "
                                                    "link's text; put it after the link"))
                else:
                    citations += citation_keys(marker.group(0))
        if kind in _HARMLESS:
            continue
        if kind in _STRUCTURE:
            structure.append(kind)
            if kind == "link_close":
                depth = max(depth - 1, 0)
            if kind != "link_open":
                continue
            depth += 1
            target = str(tok.attrs.get("href", ""))
            links.append(target)
            addresses.append(_address("link", target, target))
            title = tok.attrs.get("title")
            if title:
                addresses.append(Address("title", str(title), _unescape(str(title))))
            problem = _target_problem(target)
            if tok.markup == "autolink" and problem is not None:
                problems.append(Problem("E309", f"unsafe link target {target!r}"))
            elif problem is not None:
                problems.append(Problem("E309", problem))
        elif kind == "html_inline":
            problems.append(Problem("E307", f"raw HTML {tok.content!r} is not allowed"))
        elif kind == "image":
            problems.append(Problem("E308", f"image {tok.attrs.get('src', '')!r} is not allowed"))
        else:
            problems.append(
                Problem("E310", f"{kind.replace('_', ' ')} markup {tok.markup!r} is not supported")
            )


# Text no renderer can make anything of: one line that starts with a letter (so no block
# construct), words, spaces and sentence punctuation, and a full stop only before a space or
# at the end (so no domain name). Without `[<&%\\:@/*_`~|` there is no link, tag, entity,
# escape, scheme, address or emphasis to find. Most steps and summaries are such text; the
# analysis of it is empty (`tests/test_shortcuts.py` holds the parser to that).
_PLAIN = re.compile(r"[^\W\d_](?:[^\W_]|[ ,;'’\"«»?!()°\u00a0\u202f-]|\.(?=[ \u00a0]|\Z))*\Z")
NOTHING = Markup()


def is_plain(text: str) -> bool:
    return _PLAIN.match(text) is not None


@lru_cache(maxsize=65536)
def analyze(text: str) -> Markup:
    """Parse the text as renderers do and list what a translation must keep (links and
    structure), what is not allowed (problems), and every address a renderer could link."""
    if is_plain(text):
        return NOTHING
    return parse(text)


def parse(text: str) -> Markup:
    """`analyze` without the shortcut for plain text: the parsers always run."""
    env: dict[str, Any] = {}
    blocks = parser().parse(text, env)
    links: list[str] = []
    structure: list[str] = []
    problems = list(_block_problems(blocks))
    addresses: list[Address] = []
    citations: list[str] = []
    for tok in blocks:
        if tok.type == "inline":
            _inline(tok.children or [], links, structure, problems, addresses, citations)
    # Apps render in inline mode too, where a blank line does not end a code span or a link.
    for tok in parser().parseInline(text, {}):
        _inline(tok.children or [], [], [], problems, addresses, [])
    if _TABLE_DELIMITER.search(text):  # marked takes a table where markdown-it does not
        problems.append(Problem("E310", "table markup is not supported"))
    definitions = _DEFINITION.findall(text)
    references: dict[str, dict[str, Any]] = env.get("references") or {}
    if not definitions:  # held in a block quote or a list item: markdown-it found them
        definitions = [(label, str(ref.get("href", ""))) for label, ref in references.items()]
    for label, target in definitions:
        problems.append(Problem("E310", f"reference-style link definition [{label}]: {target} "
                                        "is not supported; write [text](target)"))
        addresses.append(_address("link", target, target))
    for ref in references.values():
        addresses.append(_address("link", str(ref.get("href", "")), str(ref.get("href", ""))))
        if ref.get("title"):
            addresses.append(Address("title", str(ref["title"]), _unescape(str(ref["title"]))))
    # Renderers differ on where an address starts and ends and on what splits a text (marked
    # never decodes entities; linkify sees `e.com&#106;` as `e.com` then `j`): the text as
    # written, and decoded, is searched too. What only this finds is kept as shown text.
    found = {address.target for address in addresses}
    for variant in dict.fromkeys((text, _unescape(text))):
        for written, target, _ in _bare_addresses(variant):
            address = _address("text", written, target)
            if address.target not in found:
                found.add(address.target)
                addresses.append(address)
    for address in addresses:
        if address.kind == "bare" and _target_problem(address.target) is not None:
            problems.append(Problem(
                "E309", f"{address.written!r} would become a link to {address.target!r} in "
                        "renderers that link bare addresses; only https:// addresses may be"))
    struck = _strikethrough(text)
    if struck is not None:
        problems.append(Problem("E310", f"strikethrough markup {struck!r} is not supported"))
    if not any(p.code == "E307" for p in problems):
        problems += [Problem("E307", f"{snippet!r} would be read as an HTML tag; write '<' "
                                     "followed by a space, or rephrase")
                     for snippet in tag_starts(text)]
    if any(_SCRIPT_SCHEME.search(view) for view in _decoded_views(text)) \
            and not any(p.code == "E309" for p in problems):
        problems.append(Problem("E309", "text contains a javascript:/data: URL"))
    return Markup(tuple(links), tuple(structure), tuple(dict.fromkeys(problems)),
                  tuple(dict.fromkeys(addresses)), tuple(citations))


# Which kinds of address in the English allow one in a translation: a link only where the
# English links it too; a bare address where the English links it or has it bare too.
_MATCHES = {"link": {"link"}, "bare": {"link", "bare"}, "domain": {"link", "bare", "domain"},
            "text": {"link", "bare", "domain", "text"}, "title": {"title"}}


def added_addresses(source: Markup, translation: Markup) -> list[str]:
    """What a translation would let a renderer link (or show as a link title) that the
    English does not, described. An identical address is fine; so is a bare one the English
    links. Compared as the browser reads them, so an entity or a tab changes nothing."""
    have: dict[str, set[str]] = {}
    for address in source.addresses:
        have.setdefault(address.kind, set()).add(address.target)
    found: list[str] = []
    for address in translation.addresses:
        if any(address.target in have.get(kind, set()) for kind in _MATCHES[address.kind]):
            continue
        if address.kind == "link":
            found.append(f"link target {address.written!r} is not in the source")
        elif address.kind == "title":
            found.append(f"link title {address.written!r} is not in the source")
        else:
            found.append(f"address {address.written!r} is not in the source; renderers that "
                         f"link bare addresses would link it to {address.target!r}")
    return list(dict.fromkeys(found))
