"""Read YAML source files into plain data, keeping the line and column of every key and value.

PyYAML composes the node tree, with libyaml, its C reader (safe: nothing is constructed from
tags, and every node keeps where it starts). This module turns nodes into dicts, lists and
scalars itself, so that duplicate keys, anchors, aliases and custom tags become clean
diagnostics instead of silent surprises or crashes, and scalars are read by YAML 1.2 rules
(`yes` and `010` mean what a writer typed). A file YAML cannot read is explained in a
writer's words, at the place of the mistake (`_explain`).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.error import MarkedYAMLError, YAMLError
from yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    MappingStartEvent,
    NodeEvent,
    ScalarEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.reader import ReaderError
from yaml.tokens import FlowMappingEndToken, FlowSequenceEndToken, ScalarToken, Token

from pipeline.content.textunits import DataPath
from pipeline.core.diagnostics import Diagnostic, diag
from pipeline.core.files import FileTooLarge, read_regular
from pipeline.core.suppressions import Suppression, of_yaml
from pipeline.core.text import printable

_STD = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
MAX_DEPTH = 64
_TOO_DEEP = (f"nesting deeper than {MAX_DEPTH} levels (lists or mappings inside each other); no "
             "field of the content nests this deep: check the brackets and the indentation here")
_ANCHORS = ("anchors and aliases (&name, *name) are not allowed; write the {} out (a text that "
            "starts with & or * goes in quotes)")
# A continuation line of plain text that starts like a list item: "- " or a lone "-".
_ITEM_START = re.compile(r"-(?:\s|$)")
# Line breaks as YAML 1.2 counts them, and editors (marks count lines by these).
_BREAK = re.compile(r"\r\n|[\n\r]")
# YAML 1.1, which libyaml reads, also breaks lines at NEL, LS and PS; YAML 1.2 and editors do
# not. They are read as characters the file does not hold and given back in every text, so
# a pasted line separator stays in its text (E110 reports it) and lines stay where editors
# show them.
_NOT_BREAKS = "\x85\u2028\u2029"
_STAND_INS = (range(0xE000, 0xF900), range(0xF0000, 0xFFFFE), range(0x100000, 0x10FFFE))

# How plain scalars are read: the YAML 1.2 core schema, as the content has always been read.
# PyYAML alone would read YAML 1.1, where yes/no/on/off are true and false, 010 is 8 and 1:30
# is 90: a writer's text would silently become something else.
_YAML_1_2 = [
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("float", r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
                    |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
                    |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?
                    |[-+]?\.(?:inf|Inf|INF)
                    |\.(?:nan|NaN|NAN))$""", "-+0123456789."),
    ("int", r"""^(?:[-+]?0b[0-1_]+
                  |[-+]?0o?[0-7_]+
                  |[-+]?[0-9_]+
                  |[-+]?0x[0-9a-fA-F_]+)$""", "-+0123456789"),
    ("merge", r"^(?:<<)$", "<"),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("timestamp", r"""^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
                        |[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?
                         (?:[Tt]|[\ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?
                         (?:[\ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""", "0123456789"),
    ("value", r"^(?:=)$", "="),
    ("yaml", r"^(?:!|&|\*)$", "!&*"),
]


class _PyLoader(yaml.SafeLoader):
    """PyYAML's own reader, in pure Python: the same nodes as libyaml's, about ten times
    slower."""

    yaml_implicit_resolvers: dict[Any, Any] = {}


_LOADERS: list[type[yaml.SafeLoader] | type[yaml.CSafeLoader]] = [_PyLoader]
if yaml.__with_libyaml__:
    class _CLoader(yaml.CSafeLoader):
        """libyaml, PyYAML's C reader: the fastest well-kept YAML reader that keeps positions."""

        yaml_implicit_resolvers: dict[Any, Any] = {}

    _LOADERS.append(_CLoader)

for _kind, _pattern, _first in _YAML_1_2:
    for _cls in _LOADERS:
        _cls.add_implicit_resolver(_STD + _kind, re.compile(_pattern, re.X), list(_first))


@functools.cache
def _reader() -> type[yaml.SafeLoader] | type[yaml.CSafeLoader]:
    """libyaml when PyYAML was built with it (its wheels are) and it refuses deep nesting by
    itself, as it does from 0.2.6 (1,000 levels): an older libyaml composes recursively in C,
    where a deeply nested file would crash the process. Otherwise, and only then, PyYAML's
    reader in pure Python: it overflows the Python stack instead, which is caught."""
    if yaml.__with_libyaml__:
        try:
            yaml.compose("[" * 1001 + "]" * 1001, Loader=_LOADERS[-1])
        except MarkedYAMLError:
            return _LOADERS[-1]
    return _PyLoader


@dataclass
class SourceFile:
    """One source file as read: its data and where each piece of it is."""

    path: Path
    display: str  # the path as shown in diagnostics
    data: Any = None
    first_line: str = ""
    # Line and column (1-based) of each value, and of each mapping key, by data path.
    values: dict[DataPath, tuple[int, int]] = field(default_factory=dict)
    keys: dict[DataPath, tuple[int, int]] = field(default_factory=dict)
    # The writer's `# ignore-…: reason` comments, by the line they apply to.
    suppressions: dict[int, list[Suppression]] = field(default_factory=dict)

    def where(self, path: DataPath, *, key: bool = False) -> tuple[int, int]:
        """The closest known position for a data path (a missing field points at its parent)."""
        table = self.keys if key else self.values
        probe = tuple(path)
        while probe:
            if probe in table:
                return table[probe]
            if probe in self.values:
                return self.values[probe]
            probe = probe[:-1]
        return self.values.get((), (1, 1))


class _LoadError(Exception):
    def __init__(self, code: str, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.code, self.message, self.line, self.column = code, message, line, column


def iter_source_files(source_dir: Path) -> Iterator[Path]:
    """Every YAML file under the source folder, in a stable order."""
    return iter(sorted(p for p in source_dir.rglob("*") if p.suffix in (".yaml", ".yml")))


def read_source(path: Path, display: str, *, max_bytes: int, root: Path | None = None
                ) -> tuple[SourceFile, list[Diagnostic]]:
    """Read one file. Returns the file (data None when unreadable) and any diagnostics."""
    src = SourceFile(path, display)
    try:
        # The file, or a folder between it and the root, may be a link leading elsewhere.
        if root is not None and not (target := path.resolve()).is_relative_to(root.resolve()):
            return src, [diag(display, 0, 0, "E011", f"links outside the source folder, to {str(target)!r}")]
        # Only a regular file, checked on the open descriptor: a named pipe would block.
        raw = read_regular(path, max_bytes)
    except FileTooLarge as exc:
        return src, [diag(display, 0, 0, "E007", f"file is {exc.size:,} bytes; the limit is {max_bytes:,}")]
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop (Python < 3.13)
        reason = getattr(exc, "strerror", None) or exc
        return src, [diag(display, 0, 0, "E001", f"cannot read file: {reason}")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return src, [diag(display, line, col, "E001", f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})")]
    if text.startswith("\ufeff"):
        text = text[1:]
    src.first_line = text.split("\n", 1)[0]
    if "ignore-" in text:
        src.suppressions = of_yaml(text)
    for number, line_text in enumerate(text.split("\n"), start=1):
        stripped = line_text.lstrip(" ")
        if stripped.startswith("\t"):
            return src, [diag(display, number, len(line_text) - len(stripped) + 1, "E004",
                              "tab used for indentation; indent with spaces")]
    swap, back = _stand_ins(text)
    if swap:
        text = text.translate(swap)
    try:
        root_node = yaml.compose(text, Loader=_reader())
    except MarkedYAMLError as exc:
        if "nesting depth" in str(exc.problem):  # libyaml's own limit, far beyond MAX_DEPTH
            return src, [diag(display, *(_too_deep_at(text) or (0, 0)), "E010", _TOO_DEEP)]
        return src, [_syntax_error(display, text, back, exc)]
    except ReaderError as exc:  # a character YAML does not allow, such as NUL
        return src, [_unacceptable_character(display, text, exc)]
    except RecursionError:  # the pure-Python reader composes recursively
        return src, [diag(display, *(_too_deep_at(text) or (0, 0)), "E010", _TOO_DEEP)]
    except YAMLError as exc:
        return src, [diag(display, 0, 0, "E002", f"invalid YAML: {type(exc).__name__}")]
    if root_node is None:
        return src, [diag(display, 1, 1, "E006", "the file holds no document")]
    try:
        src.data = _build(root_node, (), src, _Walk(_anchored(text), _BREAK.split(text), back), 0)
    except _LoadError as exc:
        src.data = None
        return src, [diag(display, exc.line, exc.column, exc.code, exc.message)]
    return src, []


def _stand_ins(text: str) -> tuple[dict[int, str], dict[int, str]]:
    """For each of NEL, LS and PS in the text, a private-use character it does not hold: the
    table to read the text with, and the one to give back the original characters."""
    if not any(ch in text for ch in _NOT_BREAKS):
        return {}, {}
    free = (chr(c) for block in _STAND_INS for c in block if chr(c) not in text)
    swap = {}
    for ch in _NOT_BREAKS:
        if ch in text and (stand_in := next(free, None)) is not None:
            swap[ord(ch)] = stand_in
    return swap, {ord(stand_in): chr(ch) for ch, stand_in in swap.items()}


def _unacceptable_character(display: str, text: str, exc: ReaderError) -> Diagnostic:
    """E001 at the character YAML refuses: most editors do not show it, so say where."""
    char = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)[:1]
    at = exc.position
    if isinstance(at, int) and not (0 <= at < len(text) and text[at] == char):
        # libyaml counts bytes of UTF-8, the pure-Python reader characters.
        at = len(text.encode("utf-8")[:at].decode("utf-8", "ignore"))
    if not (isinstance(at, int) and 0 <= at < len(text) and text[at] == char):
        at = text.find(char) if char else -1
    if at < 0:
        return diag(display, 0, 0, "E001", printable(f"invalid YAML: {exc}"))
    line = text.count("\n", 0, at) + 1
    col = at - (text.rfind("\n", 0, at) + 1) + 1
    return diag(display, line, col, "E001",
                f"character U+{ord(char):04X} is not allowed in YAML and most editors do not "
                "show it; delete it (retype the text around this place if you cannot see it)")


def _too_deep_at(text: str) -> tuple[int, int] | None:
    """Where nesting first goes deeper than MAX_DEPTH (as `_build` counts it), found from the
    events of the pure-Python parser: they come without recursion, however deep the nesting
    (libyaml, which reads ahead, may stop at its own limit before)."""
    open_: list[int] = []  # per open collection: values seen in a mapping, -1 in a sequence
    try:
        for event in yaml.parse(text, Loader=_PyLoader):
            if isinstance(event, CollectionEndEvent):
                open_.pop()
                continue
            if not isinstance(event, NodeEvent):
                continue
            is_key = bool(open_) and open_[-1] >= 0 and open_[-1] % 2 == 0
            if open_ and open_[-1] >= 0:
                open_[-1] += 1
            if not is_key and len(open_) > MAX_DEPTH:
                return _mark(event.start_mark)
            if isinstance(event, CollectionStartEvent):
                open_.append(0 if isinstance(event, MappingStartEvent) else -1)
    except (YAMLError, RecursionError, IndexError):
        pass
    return None


def _anchored(text: str) -> set[tuple[int, int, bool]]:
    """Where the nodes that carry an anchor start (and whether each is a scalar: a mapping
    starts where its first key does). The composer keeps anchors to itself, so they are
    found from the parser's events, in the files that have a '&' at all."""
    if "&" not in text:
        return set()
    found = set()
    try:
        for event in yaml.parse(text, Loader=_reader()):
            if isinstance(event, NodeEvent) and not isinstance(event, AliasEvent) and event.anchor:
                found.add((*_mark(event.start_mark), isinstance(event, ScalarEvent)))
    except YAMLError:
        pass
    return found


def _mark(mark: Any) -> tuple[int, int]:
    return mark.line + 1, mark.column + 1


def _pos(node: Node) -> tuple[int, int]:
    return _mark(node.start_mark)


@dataclass
class _Walk:
    """What `_build` carries through the tree."""

    anchored: set[tuple[int, int, bool]]
    lines: Sequence[str]
    back: dict[int, str]  # stand-ins for NEL, LS and PS, to the characters themselves
    seen: set[int] = field(default_factory=set)


def _folded_item(item: Node, sequence: SequenceNode, lines: Sequence[str]) -> None:
    """Refuse a plain item whose text goes on in a line starting with '- ': that line is
    almost always the next item indented too far, which YAML silently folds into this one
    ("Lie on your back. - Lift your hips.")."""
    if not isinstance(item, ScalarNode) or item.style:  # libyaml's plain style is '', not None
        return  # quoted or block text: a dash in it is the writer's own
    for number in range(item.start_mark.line + 1, min(item.end_mark.line, len(lines) - 1) + 1):
        text = lines[number]
        indent = len(text) - len(text.lstrip(" "))
        if _ITEM_START.match(text, indent):
            extra = indent - sequence.start_mark.column
            spaces = "one space" if extra == 1 else f"{extra} spaces" if extra > 1 else "more"
            raise _LoadError("E002", f"this line is indented {spaces} more than the item above, "
                             "so YAML reads it as more text of that item; align the dashes to "
                             "make it an item of its own (or quote the item if the dash is "
                             "part of its text)", number + 1, indent + 1)


def _build(node: Node, path: DataPath, src: SourceFile, walk: _Walk, depth: int) -> Any:
    line, col = _pos(node)
    if depth > MAX_DEPTH:
        raise _LoadError("E010", _TOO_DEEP, line, col)
    if id(node) in walk.seen or (line, col, isinstance(node, ScalarNode)) in walk.anchored:
        raise _LoadError("E005", _ANCHORS.format("value"), line, col)
    walk.seen.add(id(node))
    src.values[path] = (line, col)
    tag = str(node.tag)
    if isinstance(node, MappingNode):
        if tag != _STD + "map":
            raise _LoadError("E005", f"tag {tag!r} is not allowed", line, col)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or str(key_node.tag) == _STD + "merge":
                raise _LoadError("E005", "only plain text keys are allowed (no merge keys "
                                 "or complex keys)", *_pos(key_node))
            if (*_pos(key_node), True) in walk.anchored:
                raise _LoadError("E005", _ANCHORS.format("key"), *_pos(key_node))
            if str(key_node.tag) not in _SCALAR_TAGS:
                raise _LoadError("E005", f"tag {str(key_node.tag)!r} is not allowed on a key",
                                 *_pos(key_node))
            key = str(key_node.value).translate(walk.back) if walk.back else str(key_node.value)
            if key in result:
                first = src.keys[path + (key,)]
                raise _LoadError("E003", f"key {key!r} appears twice (first at line "
                                 f"{first[0]})", *_pos(key_node))
            src.keys[path + (key,)] = _pos(key_node)
            result[key] = _build(value_node, path + (key,), src, walk, depth + 1)
        return result
    if isinstance(node, SequenceNode):
        if tag != _STD + "seq":
            raise _LoadError("E005", f"tag {tag!r} is not allowed", line, col)
        items = []
        for i, item in enumerate(node.value):
            if not node.flow_style:
                _folded_item(item, node, walk.lines)
            items.append(_build(item, path + (i,), src, walk, depth + 1))
        return items
    if not isinstance(node, ScalarNode) or tag not in _SCALAR_TAGS:
        hint = "" if tag.startswith(_STD) else " (a text that starts with ! goes in quotes)"
        raise _LoadError("E005", f"tag {tag!r} is not allowed{hint}", line, col)
    return _scalar(node, tag, walk.back)


def _scalar(node: ScalarNode, tag: str, back: dict[int, str]) -> Any:
    value: str = node.value
    kind = tag[len(_STD):]
    if kind == "str":
        return value.translate(back) if back else value
    if kind == "null":
        return None
    if kind == "bool":
        return value.lower() in ("true", "yes", "on")
    try:
        if kind == "int":
            digits = value.replace("_", "")
            prefixed = digits.lstrip("+-")[:2].lower() in ("0x", "0o", "0b")
            return int(digits, 0) if prefixed else int(digits, 10)
        if kind == "float":
            return float(value.replace("_", ""))
        if kind == "timestamp":
            if len(value) == 10:
                return dt.date.fromisoformat(value)
            return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    return value


def _syntax_error(display: str, text: str, back: dict[int, str], exc: MarkedYAMLError
                  ) -> Diagnostic:
    """E002 for a file YAML cannot read: the mistake a writer most likely made, at its place,
    and what to write instead; YAML's own words for the rare rest."""
    if "duplicate anchor" in str(exc.context) and exc.context_mark is not None:
        return diag(display, *_mark(exc.context_mark), "E005", _ANCHORS.format("value"))
    if "expected a single document" in str(exc.problem) + str(exc.context):
        line, col = _mark(exc.problem_mark) if exc.problem_mark else (0, 0)
        return diag(display, line, col, "E002",
                    "only one YAML document per file (remove the '---' separator)")
    try:
        explained = _explain(exc, text, _BREAK.split(text))
    except (IndexError, ValueError):  # a mark beyond the text: YAML's words will do
        explained = None
    if explained is not None:
        line, col, message = explained
        return diag(display, line, col, "E002", printable(message.translate(back)))
    mark = exc.problem_mark or exc.context_mark
    line, col = _mark(mark) if mark else (0, 0)
    return diag(display, line, col, "E002", printable(exc.problem or exc.context or "invalid YAML"))


# What may start a plain key: not a YAML sign.
_KEY_START = re.compile(r"[^\s#'\"\[\]{},&*!|>%@`:-]|-\S")
# Longest text quoted back in a message: longer ones are only named.
_EXAMPLE_CHARS = 200
_FIELD_NAME = re.compile(r"[\w-]+")


@dataclass(frozen=True)
class _Line:
    """What a source line looks like to a writer: where it starts, a list item or a key."""

    number: int  # 0-based, as marks count
    text: str
    indent: int
    dash: int | None  # column of its first dash, for a list item
    body: int  # column after the dashes
    key: str | None
    colon: int | None  # column of the key's colon

    @classmethod
    def at(cls, lines: Sequence[str], number: int) -> _Line:
        text = lines[number].rstrip("\r")
        indent = body = len(text) - len(text.lstrip(" "))
        while text.startswith("-", body) and (body + 1 == len(text) or text[body + 1] == " "):
            body += 1
            while text.startswith(" ", body):
                body += 1
        colon = text.find(":", body)  # the first ': ' (or ':' at the end) ends a key
        while colon >= 0 and colon + 1 < len(text) and text[colon + 1] != " ":
            colon = text.find(":", colon + 1)
        key = text[body:colon].strip() if colon >= 0 else ""
        if not (key and _KEY_START.match(key)):
            key, colon = "", -1
        return cls(number, text, indent, indent if body > indent else None, body,
                   key or None, colon if colon >= 0 else None)

    @property
    def content(self) -> bool:
        """Not blank and not a comment."""
        return bool(self.text.strip()) and not self.text.lstrip().startswith("#")

    def value(self) -> str:
        """The text after the key (or after the dashes), up to a comment."""
        start = self.colon + 1 if self.colon is not None else self.body
        return re.split(r"\s#", self.text[start:], maxsplit=1)[0].strip()


def _above(lines: Sequence[str], number: int) -> _Line | None:
    """The nearest line above that is not blank or a comment."""
    for above in range(number - 1, -1, -1):
        if (line := _Line.at(lines, above)).content:
            return line
    return None


def _below(lines: Sequence[str], number: int) -> _Line | None:
    for below in range(number + 1, len(lines)):
        if (line := _Line.at(lines, below)).content:
            return line
    return None


def _owner(lines: Sequence[str], number: int, indent: int) -> _Line | None:
    """The nearest key line above that is indented less than `indent`: what a line there
    belongs to."""
    for above in range(number - 1, -1, -1):
        line = _Line.at(lines, above)
        if line.content and line.indent < indent and line.key is not None:
            return line
    return None


def in_quotes(text: str) -> str:
    """The text as a writer would quote it: in double quotes when it holds none, else in
    single quotes when it holds none of those, else in double quotes with escapes."""
    if '"' not in text and "\\" not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _one_line(lines: Sequence[str], line: _Line) -> bool:
    """Whether the text that starts on this line ends on it (no more-indented line follows)."""
    below = _below(lines, line.number)
    return below is None or below.indent <= line.indent or below.dash == line.indent


def _explain(exc: MarkedYAMLError, text: str, lines: Sequence[str]
             ) -> tuple[int, int, str] | None:
    """(line, column, message) of the mistake behind a YAML error, or None when it is not one
    a writer commonly makes. Marks are 0-based; the result is 1-based."""
    problem, context = exc.problem or "", exc.context or ""
    pm, cm = exc.problem_mark, exc.context_mark
    if "mapping values are not allowed" in problem and pm is not None:
        return _colon_in_text(lines, pm.line, pm.column)
    if "quoted scalar" in context and cm is not None:
        quote = lines[cm.line][cm.column]
        if "end of stream" in problem or "document separator" in problem:
            return (cm.line + 1, cm.column + 1,
                    f"this quote is never closed: add a closing {quote} at the end of the text")
        if "escape" in problem and pm is not None:
            at = lines[pm.line].rfind("\\", 0, pm.column + 1)
            at = at if at >= 0 else pm.column
            return (pm.line + 1, at + 1,
                    "in a text in double quotes a backslash starts an escape such as \\n, and "
                    "this one is not one YAML knows (or not a character); write \\\\ for a "
                    "backslash, or put the text in single quotes")
    if pm is not None and ("did not find expected key" in problem
                           or "did not find expected '-' indicator" in problem
                           or "expected <block end>" in problem):
        return _does_not_fit(text, lines, pm.line, pm.column, "block collection" in context)
    if "could not find expected ':'" in problem and cm is not None:
        return _not_a_key(lines, cm.line, cm.column)
    if ("alias" in context or "anchor" in context or "undefined alias" in problem) and (
            mark := cm if cm is not None else pm) is not None:
        line = _Line.at(lines, mark.line)
        sign = line.text[mark.column]
        return (mark.line + 1, mark.column + 1,
                f"YAML reads a text that starts with {sign} as a reference to another value; "
                "put the text in quotes" + _example(lines, line, mark.column))
    if "cannot start any token" in problem and pm is not None:
        line = _Line.at(lines, pm.line)
        sign = line.text[pm.column]
        if sign == "\t":
            return pm.line + 1, pm.column + 1, "YAML does not take a tab here; use spaces"
        return (pm.line + 1, pm.column + 1,
                f"a text cannot start with {sign} in YAML; put the text in quotes"
                + _example(lines, line, pm.column))
    if "block scalar" in context and cm is not None:
        line = _Line.at(lines, cm.line)
        sign = line.text[cm.column]
        return (cm.line + 1, cm.column + 1,
                f"after {sign} YAML expects the text on the lines below, indented; to start a "
                f"text with {sign}, put it in quotes" + _example(lines, line, cm.column))
    if "sequence entries are not allowed" in problem and pm is not None:
        line = _Line.at(lines, pm.line)
        return (pm.line + 1, pm.column + 1,
                "a list cannot start on the same line as its key: put each item on a line of "
                "its own below it, indented, starting with '- '; if the dash is part of the "
                "text, put the text in quotes" + _example(lines, line, pm.column))
    if "flow" in context and cm is not None and pm is not None and "expected ','" in problem:
        opening = lines[cm.line][cm.column]
        closing, what = ("}", "a mapping") if opening == "{" else ("]", "a list")
        line = _Line.at(lines, cm.line)
        found = lines[pm.line][pm.column:pm.column + 1] if pm.line < len(lines) else ""
        if pm.line > cm.line or not found.strip():  # the line ends and the list goes on
            return (cm.line + 1, cm.column + 1,
                    f"expected ',' or {closing!r}: this {opening} is never closed; YAML reads a "
                    f"text that starts with {opening} as {what}, which ends with {closing}; to "
                    f"write a text that starts with {opening}, put it in quotes"
                    + _example(lines, line, cm.column))
        return (pm.line + 1, pm.column + 1,
                f"expected ',' or {closing!r}, but found {found!r}: {what} that opens with "
                f"{opening!r} closes with {closing!r} (a text that starts with {opening!r} goes "
                "in quotes)")
    if "<document start>" in problem and pm is not None:
        first = _below(lines, -1)
        line = _Line.at(lines, pm.line)
        if first is not None and first.number < pm.line and first.indent > line.indent:
            name = repr(first.key) if first.key is not None else "the first line"
            return (first.number + 1, first.indent + 1,
                    f"{name} is indented, but the first keys of a file start in column 1 (as "
                    f"line {pm.line + 1} does); remove the spaces before it")
    return None


def _example(lines: Sequence[str], line: _Line, start: int) -> str:
    """': ' and the line with its text, from `start`, in quotes; nothing when the text goes on
    over more lines."""
    if not _one_line(lines, line):
        return ""
    rest = re.split(r"\s#", line.text[start:], maxsplit=1)[0].rstrip()
    if len(rest) > _EXAMPLE_CHARS:
        return ""
    return f": {line.text[line.indent:start]}{in_quotes(rest)}"


def _colon_in_text(lines: Sequence[str], number: int, column: int
                   ) -> tuple[int, int, str] | None:
    """A ': ' where YAML cannot start a key: a key indented more than the line above, or a
    colon inside a text."""
    line = _Line.at(lines, number)
    if line.colon == column and line.key is not None:  # the line's first 'key:'
        # YAML reads the line as more of the text of the nearest line indented less.
        owner = next((found for n in range(number - 1, -1, -1)
                      if (found := _Line.at(lines, n)).content and found.indent < line.indent),
                     None)
        if owner is None:
            return None
        if _FIELD_NAME.fullmatch(line.key):
            return number + 1, line.body + 1, _indented_more(lines, line, owner, reads=True)
        return (number + 1, column + 1,
                f"this line holds ': ' (a colon and a space) in the text that starts on line "
                f"{owner.number + 1}, which YAML reads as the start of a new key; put that "
                "whole text in quotes")
    if line.colon is None or column < line.colon:
        return None
    if line.dash is not None:  # a list item: the whole item is the writer's text
        return (number + 1, column + 1,
                "this text holds ': ' (a colon and a space), which YAML reads as the start of "
                "a key; put the whole text in quotes" + _example(lines, line, line.body))
    return (number + 1, column + 1,
            f"the text of {line.key!r} holds ': ' (a colon and a space), which YAML reads as "
            "the start of a new key; put the whole text in quotes"
            + _example(lines, line, line.colon + 2))


def _indented_more(lines: Sequence[str], line: _Line, owner: _Line, *, reads: bool) -> str:
    """A key indented more than the line it belongs with (`owner`, the nearest line above
    indented less), and where to start it."""
    name = repr(line.key) if line.key is not None else "this line"
    if owner.dash is None and owner.key is not None:
        return (f"{name} is indented more than the key above it ({owner.key!r}, line "
                f"{owner.number + 1})" + (f", so YAML reads it as more of the text of "
                                          f"{owner.key!r}" if reads else "")
                + f"; line it up with {owner.key!r} (column {owner.indent + 1})")
    parent = _owner(lines, owner.number, owner.indent)
    fix = (f"line it up with {parent.key!r} (column {parent.indent + 1})"
           if parent is not None and parent.key is not None
           else "line it up with the key it belongs with")
    what = "the list item above it" if owner.dash is not None else "the line above it"
    return (f"{name} is indented more than {what} (line {owner.number + 1})"
            + (", so YAML reads it as more of its text" if reads else "") + f"; {fix}")


def _does_not_fit(text: str, lines: Sequence[str], number: int, column: int,
                  in_list: bool) -> tuple[int, int, str] | None:
    """YAML expected the next key (or list item) and found something else: text after a
    closing quote or bracket, or a line indented to no level above."""
    line = _Line.at(lines, number)
    if column > line.indent:  # something follows a finished value on its line
        return _after_value(text, lines, line, column)
    above = _above(lines, number)
    if above is None:
        return None
    if line.dash is not None:
        item = next((found for n in range(number - 1, -1, -1)
                     if (found := _Line.at(lines, n)).content and found.dash is not None
                     and found.dash != line.dash), None)
        if item is None or item.dash is None:
            return None
        return (number + 1, line.indent + 1,
                f"the dash of this list item is in column {line.indent + 1} but the dash of the "
                f"item above it (line {item.number + 1}) is in column {item.dash + 1}; line "
                "the dashes of one list up")
    if line.key is not None and line.indent > above.indent and above.value():
        owner = next((found for n in range(number - 1, -1, -1)
                      if (found := _Line.at(lines, n)).content and found.indent < line.indent),
                     above)
        return number + 1, line.indent + 1, _indented_more(lines, line, owner, reads=False)
    name = repr(line.key) if line.key is not None else "this line"
    if in_list and above.dash is not None:
        parent = _owner(lines, number, line.indent)
        field_fix = (f"line it up with {parent.key!r} (column {parent.indent + 1})"
                     if parent is not None and parent.key is not None else "indent it less")
        return (number + 1, line.indent + 1,
                f"{name} is indented like the list items above it but has no '- ': if it is an "
                f"item, start it with '- '; if it is a field of its own, {field_fix}; if it "
                f"belongs to the item above, line it up with the text after that item's dash "
                f"(column {above.body + 1})")
    levels = sorted({found.indent for n in range(number - 1, -1, -1)
                     if (found := _Line.at(lines, n)).content and found.key is not None
                     and found.dash is None and found.indent != line.indent}
                    | {found.body for n in range(number - 1, -1, -1)
                       if (found := _Line.at(lines, n)).content and found.key is not None
                       and found.dash is not None})
    near = [level for level in levels if abs(level - line.indent) <= 4][:2]
    columns = " or ".join(f"column {level + 1}" for level in near)
    return (number + 1, line.indent + 1,
            f"{name} starts in column {line.indent + 1}, which lines it up with no key above "
            f"it; start it in the column of the keys it belongs with"
            + (f" ({columns})" if columns else ""))


def _after_value(text: str, lines: Sequence[str], line: _Line, column: int
                 ) -> tuple[int, int, str] | None:
    """More on a line after a quoted text or a [list] ended: a quote inside a quoted text, a
    quote not closed on its line, or a text that starts with a bracket."""
    last: Token | None = None
    try:
        for token in yaml.scan(text, Loader=_reader()):
            if (token.start_mark.line, token.start_mark.column) >= (line.number, column):
                break
            last = token
    except YAMLError:
        pass
    if last is None or last.end_mark.line != line.number or line.text[
            last.end_mark.column:column].strip():
        return None
    if isinstance(last, ScalarToken) and last.style in ("'", '"'):
        quote, start = last.style, last.start_mark
        if start.line < line.number:
            return (start.line + 1, start.column + 1,
                    f"this quote is not closed on its line, so YAML reads on to the next "
                    f"{quote}, on line {line.number + 1}; add a closing {quote} at the end of "
                    "the text")
        rest = re.split(r"\s#", line.text[start.column:], maxsplit=1)[0].rstrip()
        inner = rest[1:-1] if len(rest) > 1 and rest.endswith(quote) else rest
        example = (f": {line.text[line.indent:start.column]}{in_quotes(inner)}"
                   if len(inner) <= _EXAMPLE_CHARS else "")
        return (line.number + 1, last.end_mark.column,
                f"the text in quotes ends at this {quote}, but more text follows it on the "
                f"line; put the whole text in one pair of quotes{example}")
    if isinstance(last, (FlowSequenceEndToken, FlowMappingEndToken)):
        start_col = line.colon + 2 if line.colon is not None and line.colon < column else line.body
        sign = line.text[start_col:start_col + 1]
        if sign not in ("[", "{"):
            return None
        what = "a list" if sign == "[" else "a mapping"
        return (line.number + 1, start_col + 1,
                f"YAML reads a text that starts with {sign} as {what}, so the text after its "
                f"closing bracket does not fit; put the text in quotes"
                + _example(lines, line, start_col))
    return None


def _not_a_key(lines: Sequence[str], number: int, column: int) -> tuple[int, int, str] | None:
    """A line YAML took for the start of a 'key: value' and found no ': ' in: no space
    after a colon or a dash, a list item without its dash, or text not indented."""
    line = _Line.at(lines, number)
    rest = line.text[line.body:]
    if rest.startswith("-") and not rest.startswith("---"):
        return (number + 1, line.body + 1,
                f"put a space after the dash: '- {rest[1:].strip()}'")
    if line.dash is None and (match := re.match(r"([^\s:#'\"][^:#]*?):(\S)", rest)) \
            and "://" not in rest[:match.end() + 2]:
        return (number + 1, line.body + match.end(1) + 1,
                f"put a space after the colon: '{match.group(1)}: {rest[match.end(1) + 1:]}'")
    above = _above(lines, number)
    if above is not None and above.dash is not None and above.dash == line.indent:
        return (number + 1, line.indent + 1,
                "this line has no '- ' in front of it, but the lines above it are list items: "
                "start it with '- ' to make it an item (or, if it is more of the text of the "
                "item above, indent it further)")
    words = rest.split()
    # A key without its colon ("position lying-on-back") is a word or two, not a sentence.
    key = f"if {words[0]!r} is a key, put ': ' after it" if len(words) <= 2 else ""
    if above is not None and above.key is not None and above.dash is None \
            and above.indent >= line.indent:
        text_of = (f"the text of {above.key!r} (line {above.number + 1})" if above.value()
                   else f"the value of {above.key!r} (line {above.number + 1})")
        return (number + 1, line.indent + 1,
                f"this line is neither 'key: value' nor a list item: if it is more of "
                f"{text_of}, indent it further than {above.key!r}" + (f"; {key}" if key else ""))
    return (number + 1, line.indent + 1,
            "this line is neither 'key: value' nor a list item ('- '): " + (f"{key}; " if key
                                                                           else "")
            + "if it is more of the text above it, indent it further than the key it belongs "
            "to")
