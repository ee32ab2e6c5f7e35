"""Print diagnostics for people (text), programs (json) and GitHub Actions (annotations).

The only module besides `cli` that writes to the terminal. Colour appears only on a terminal
and never when NO_COLOR is set (rich decides).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from itertools import groupby
from typing import Any, Literal, TextIO

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .diagnostics import Diagnostic
from .stats import Progress

Format = Literal["text", "json", "github"]
JSON_VERSION = 1
_STYLE = {"error": "bold red", "warning": "yellow"}


def console(stream: TextIO | None = None) -> Console:
    return Console(file=stream or sys.stdout, highlight=False, soft_wrap=True)


def summary(diagnostics: Sequence[Diagnostic], checked: int, what: str = "file") -> str:
    errors = sum(1 for d in diagnostics if d.severity == "error")
    warnings = len(diagnostics) - errors
    plural = "s" if checked != 1 else ""
    if not diagnostics:
        return f"No problems in {checked} {what}{plural}."
    files = len({d.path for d in diagnostics})
    return (f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning"
            f"{'s' if warnings != 1 else ''} in {files} of {checked} {what}{plural}.")


def print_diagnostics(
    diagnostics: Sequence[Diagnostic],
    fmt: Format,
    *,
    checked: int,
    what: str = "file",
    out: Console | None = None,
    quiet: bool = False,
    extra: dict[str, Any] | None = None,
) -> None:
    out = out or console()
    if fmt == "json":
        out.file.write(to_json(diagnostics, checked, extra) + "\n")
        return
    if fmt == "github":
        for d in diagnostics:
            out.file.write(github_annotation(d) + "\n")
        out.file.write(summary(diagnostics, checked, what) + "\n")
        return
    for path, group in groupby(diagnostics, key=lambda d: d.path):
        for d in group:
            if quiet and d.severity != "error":
                continue
            style = _STYLE.get(d.severity, "")
            line = (f"{escape(d.location())}: [{style}]{d.code} {d.name}[/]: "
                    f"{escape(d.message)}")
            if d.source_ref:
                line += f" [dim](source: {escape(d.source_ref)})[/]"
            out.print(line)
    errors = any(d.severity == "error" for d in diagnostics)
    out.print(summary(diagnostics, checked, what), style="bold red" if errors else "green")


def to_json(diagnostics: Sequence[Diagnostic], checked: int,
            extra: dict[str, Any] | None = None) -> str:
    """The documented machine shape: stable keys, sorted diagnostics."""
    payload: dict[str, Any] = {
        "version": JSON_VERSION,
        "diagnostics": [
            {
                "path": d.path, "line": d.line, "column": d.column, "code": d.code,
                "name": d.name, "severity": d.severity, "message": d.message,
                "source": d.source_ref,
            }
            for d in diagnostics
        ],
        "summary": {
            "checked": checked,
            "errors": sum(1 for d in diagnostics if d.severity == "error"),
            "warnings": sum(1 for d in diagnostics if d.severity == "warning"),
        },
    }
    if extra:
        payload.update(extra)
    return json.dumps(payload, indent=2, ensure_ascii=False)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(d: Diagnostic) -> str:
    level = "error" if d.severity == "error" else "warning"
    props = [f"file={_escape_property(d.path)}"]
    if d.line:
        props.append(f"line={d.line}")
    if d.column:
        props.append(f"col={d.column}")
    props.append(f"title={_escape_property(f'{d.code} {d.name}')}")
    message = d.message + (f" (source: {d.source_ref})" if d.source_ref else "")
    return f"::{level} {','.join(props)}::{_escape_data(message)}"


def progress_table(locale: str, per_document: dict[str, Progress], total: Progress) -> Table:
    table = Table(title=f"Translation progress: {locale}", title_justify="left")
    for column in ("document", "translated", "fuzzy", "untranslated", "words done", "complete"):
        table.add_column(column, justify="left" if column == "document" else "right")

    def row(name: str, p: Progress, style: str = "") -> None:
        words = sum(p.words.values())
        table.add_row(name, str(p.strings["translated"]), str(p.strings["fuzzy"]),
                      str(p.strings["untranslated"]), f"{p.words['translated']}/{words}",
                      f"{p.percent:.1f} %", style=style)

    for name, p in per_document.items():
        row(name, p)
    table.add_section()
    row("total", total, style="bold")
    return table


def check_table(errors: int, warnings: int, per_locale: dict[str, tuple[int, int]],
                required: Sequence[str]) -> Table:
    table = Table(title="Check summary", title_justify="left")
    for column in ("scope", "policy", "errors", "warnings"):
        table.add_column(column, justify="right" if column in ("errors", "warnings") else "left")
    locale_errors = sum(e for e, _ in per_locale.values())
    locale_warnings = sum(w for _, w in per_locale.values())
    table.add_row("source and catalogs", "required", str(errors - locale_errors),
                  str(warnings - locale_warnings))
    for locale, (e, w) in per_locale.items():
        table.add_row(locale, "required" if locale in required else "optional", str(e), str(w),
                      style="red" if e else "")
    return table
