"""Read YAML source files into plain data, keeping the line and column of every key and value.

ruamel.yaml composes the node tree (safe: nothing is constructed from tags); this module turns
nodes into dicts, lists and scalars itself so that duplicate keys, anchors, aliases and
custom tags become clean diagnostics instead of silent surprises or crashes.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, ReusedAnchorWarning, YAMLError
from ruamel.yaml.events import (
    CollectionEndEvent,
    CollectionStartEvent,
    MappingStartEvent,
    NodeEvent,
)
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError

from pipeline.content.textunits import DataPath
from pipeline.core.diagnostics import Diagnostic, diag
from pipeline.core.files import FileTooLarge, read_regular
from pipeline.core.text import printable

_STD = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
MAX_DEPTH = 64
_TOO_DEEP = (f"nesting deeper than {MAX_DEPTH} levels (lists or mappings inside each other); no "
             "field of the content nests this deep: check the brackets and the indentation here")
# A continuation line of plain text that starts like a list item: "- " or a lone "-".
_ITEM_START = re.compile(r"-(?:\s|$)")


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
    for number, line_text in enumerate(text.split("\n"), start=1):
        stripped = line_text.lstrip(" ")
        if stripped.startswith("\t"):
            return src, [diag(display, number, len(line_text) - len(stripped) + 1, "E004",
                              "tab used for indentation; indent with spaces")]
    try:
        with warnings.catch_warnings():
            # A reused anchor is reported as E005 below; ruamel's warning would only be noise.
            warnings.simplefilter("ignore", ReusedAnchorWarning)
            root_node = YAML(typ="safe", pure=True).compose(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        problem = printable(exc.problem or exc.context or "invalid YAML")
        if "expected a single document" in str(exc):
            problem = "only one YAML document per file (remove the '---' separator)"
        return src, [diag(display, line, col, "E002", problem)]
    except ReaderError as exc:  # a character YAML does not allow, such as NUL
        return src, [_unacceptable_character(display, text, exc)]
    except RecursionError:  # nesting so deep that composing it overflowed the stack
        return src, [_too_deep(display, text)]
    except YAMLError as exc:
        return src, [diag(display, 0, 0, "E002", f"invalid YAML: {type(exc).__name__}")]
    if root_node is None:
        return src, [diag(display, 1, 1, "E006", "the file holds no document")]
    try:
        src.data = _build(root_node, (), src, set(), 0, text.split("\n"))
    except _LoadError as exc:
        src.data = None
        return src, [diag(display, exc.line, exc.column, exc.code, exc.message)]
    return src, []


def _unacceptable_character(display: str, text: str, exc: ReaderError) -> Diagnostic:
    """E001 at the character YAML refuses: most editors do not show it, so say where."""
    char = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)[:1]
    at = exc.position
    if not (isinstance(at, int) and 0 <= at < len(text) and text[at] == char):
        at = text.find(char) if char else -1
    if at < 0:
        return diag(display, 0, 0, "E001", printable(f"invalid YAML: {exc}"))
    line = text.count("\n", 0, at) + 1
    col = at - (text.rfind("\n", 0, at) + 1) + 1
    return diag(display, line, col, "E001",
                f"character U+{ord(char):04X} is not allowed in YAML and most editors do not "
                "show it; delete it (retype the text around this place if you cannot see it)")


def _too_deep(display: str, text: str) -> Diagnostic:
    """E010 where `_build` reports nesting deeper than MAX_DEPTH, found again from the
    parser's events: they come without recursion, however deep the nesting."""
    open_: list[int] = []  # per open collection: values seen in a mapping, -1 in a sequence
    try:
        for event in YAML(typ="safe", pure=True).parse(text):
            if isinstance(event, CollectionEndEvent):
                open_.pop()
                continue
            if not isinstance(event, NodeEvent):
                continue
            is_key = bool(open_) and open_[-1] >= 0 and open_[-1] % 2 == 0
            if open_ and open_[-1] >= 0:
                open_[-1] += 1
            if not is_key and len(open_) > MAX_DEPTH:
                return diag(display, *_mark(event.start_mark), "E010", _TOO_DEEP)
            if isinstance(event, CollectionStartEvent):
                open_.append(0 if isinstance(event, MappingStartEvent) else -1)
    except (YAMLError, RecursionError, IndexError):
        pass
    return diag(display, 0, 0, "E010", _TOO_DEEP)


def _mark(mark: Any) -> tuple[int, int]:
    return mark.line + 1, mark.column + 1


def _pos(node: Node) -> tuple[int, int]:
    return _mark(node.start_mark)


def _folded_item(item: Node, sequence: SequenceNode, lines: Sequence[str]) -> None:
    """Refuse a plain item whose text goes on in a line starting with '- ': that line is
    almost always the next item indented too far, which YAML silently folds into this one
    ("Lie on your back. - Lift your hips.")."""
    if not isinstance(item, ScalarNode) or item.style is not None:
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


def _build(node: Node, path: DataPath, src: SourceFile, seen: set[int], depth: int,
           lines: Sequence[str]) -> Any:
    line, col = _pos(node)
    if depth > MAX_DEPTH:
        raise _LoadError("E010", _TOO_DEEP, line, col)
    if id(node) in seen or getattr(node, "anchor", None):
        raise _LoadError("E005", "anchors and aliases (&name, *name) are not allowed; "
                         "write the value out", line, col)
    seen.add(id(node))
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
            if getattr(key_node, "anchor", None):
                raise _LoadError("E005", "anchors and aliases (&name, *name) are not allowed; "
                                 "write the key out", *_pos(key_node))
            if str(key_node.tag) not in _SCALAR_TAGS:
                raise _LoadError("E005", f"tag {str(key_node.tag)!r} is not allowed on a key",
                                 *_pos(key_node))
            key = str(key_node.value)
            if key in result:
                first = src.keys[path + (key,)]
                raise _LoadError("E003", f"key {key!r} appears twice (first at line "
                                 f"{first[0]})", *_pos(key_node))
            src.keys[path + (key,)] = _pos(key_node)
            result[key] = _build(value_node, path + (key,), src, seen, depth + 1, lines)
        return result
    if isinstance(node, SequenceNode):
        if tag != _STD + "seq":
            raise _LoadError("E005", f"tag {tag!r} is not allowed", line, col)
        items = []
        for i, item in enumerate(node.value):
            if not node.flow_style:
                _folded_item(item, node, lines)
            items.append(_build(item, path + (i,), src, seen, depth + 1, lines))
        return items
    if not isinstance(node, ScalarNode) or tag not in _SCALAR_TAGS:
        raise _LoadError("E005", f"tag {tag!r} is not allowed", line, col)
    return _scalar(node, tag, line, col)


def _scalar(node: ScalarNode, tag: str, line: int, col: int) -> Any:
    value: str = node.value
    kind = tag[len(_STD):]
    if kind == "str":
        return value
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
