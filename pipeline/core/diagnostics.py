"""Problems found in content or catalogs, carried as data with their location.

Every stage returns diagnostics instead of printing or raising, so a run can collect every
problem in every file and report them all at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from pipeline.core.codes import CODES, Severity


@dataclass(frozen=True, order=True)
class Diagnostic:
    path: str
    line: int
    column: int
    code: str
    message: str
    severity: Severity = field(default="error", compare=False)
    # Where the English text lives, for problems found in a translation.
    source_ref: str | None = field(default=None, compare=False)
    # The reason a person gave for silencing this finding here (`suppressions`), or None.
    suppressed: str | None = field(default=None, compare=False)

    @property
    def name(self) -> str:
        return CODES[self.code].name

    def location(self) -> str:
        loc = self.path
        if self.line:
            loc += f":{self.line}"
            if self.column:
                loc += f":{self.column}"
        return loc

    def format(self) -> str:
        text = f"{self.location()}: {self.code} {self.name}: {self.message}"
        if self.source_ref:
            text += f" (source: {self.source_ref})"
        return text


def diag(
    path: str | Path,
    line: int,
    column: int,
    code: str,
    message: str,
    source_ref: str | None = None,
) -> Diagnostic:
    """Build a diagnostic with the code's default severity; `apply_severity` adjusts it later."""
    if code not in CODES:
        raise KeyError(f"Unknown diagnostic code {code!r}")
    return Diagnostic(
        str(path), line, column, code, message, CODES[code].default_severity, source_ref
    )


def apply_severity(
    diagnostics: Iterable[Diagnostic], overrides: Mapping[str, Severity]
) -> list[Diagnostic]:
    """Apply project overrides (by code or by name), drop silenced ones, sort by place."""
    result = []
    for d in diagnostics:
        sev = overrides.get(d.code, overrides.get(d.name, d.severity))
        if sev == "off":
            continue
        result.append(replace(d, severity=sev) if sev != d.severity else d)
    return sorted(set(result))


def count_errors(diagnostics: Iterable[Diagnostic]) -> int:
    return sum(1 for d in diagnostics if d.severity == "error")
