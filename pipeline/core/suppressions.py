"""Per-place suppressions: a person who has looked at a finding silences one check, at one
place, and says why.

A translator writes `ignore-<code or name>` (`ignore-W509`, `ignore-same-as-source`) as a
flag of the .po entry with the reason in a translator comment, or as a translator comment of
its own, `# ignore-W509: brand name, kept in English`. GNU gettext's tools drop flags they do
not know when they re-save a catalog (msgcat, msgmerge, msgattrib), while every tool keeps
translator comments; the comment form is the one that survives them all. A writer puts the
same comment in the YAML, at the end of the field's line or on the line above it.

A suppression silences a warning, or one of the few errors about wording a person may rule
on (`SUPPRESSIBLE_ERRORS`: the language a sentence reads as, French typography). What
protects a reader — the text's structure, links, addresses, safety and length, whether it is
translated at all, a dose, and the source's model — cannot be silenced. A suppression naming
one of those, naming no known check, giving no reason, or silencing nothing is itself
reported (W530).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from pipeline.core.codes import BY_NAME, CODES
from pipeline.core.diagnostics import Diagnostic, diag

# The errors a suppression may silence: judgements on wording a reviewer may overrule.
SUPPRESSIBLE_ERRORS = frozenset({"E301", "E513", "E514"})


def suppressible(code: str) -> bool:
    return code != "W530" and (code.startswith("W") or code in SUPPRESSIBLE_ERRORS)

_TOKEN = re.compile(r"ignore-([A-Za-z0-9-]+)")
_COMMENT = re.compile(r"^\s*ignore-([A-Za-z0-9-]+)\s*(?::\s*(.*))?$")
# A YAML comment: `#` at the start of the line or after white space.
_YAML_COMMENT = re.compile(r"(?:^|\s)#\s*ignore-([A-Za-z0-9-]+)\s*(?::\s*(.*?))?\s*$")


@dataclass(frozen=True)
class Suppression:
    """One `ignore-…` as written, the code it names (None when it names no check), and the
    reason given ("" when none)."""

    written: str
    code: str | None
    reason: str


def code_of(name: str) -> str | None:
    """The code an `ignore-` names, by its code (any case) or its name."""
    if name.upper() in CODES:
        return name.upper()
    found = BY_NAME.get(name.lower())
    return found.code if found is not None else None


def of_entry(flags: Sequence[str], tcomment: str | None) -> list[Suppression]:
    """The suppressions of a catalog entry: its `ignore-` flags (their reason is the rest of
    its translator comment) and its `ignore-…: reason` comment lines."""
    lines = (tcomment or "").splitlines()
    found: dict[str, Suppression] = {}
    prose: list[str] = []
    for line in lines:
        match = _COMMENT.match(line)
        if match is None:
            if line.strip():
                prose.append(line.strip())
            continue
        name = match.group(1)
        found[name.lower()] = Suppression(f"ignore-{name}", code_of(name),
                                          (match.group(2) or "").strip())
    reason = " ".join(prose)
    for flag in flags:
        match = _TOKEN.fullmatch(flag.strip())
        if match is not None and match.group(1).lower() not in found:
            name = match.group(1)
            found[name.lower()] = Suppression(f"ignore-{name}", code_of(name), reason)
    return list(found.values())


def of_yaml(text: str) -> dict[int, list[Suppression]]:
    """The suppressions written in a YAML file, by the line they apply to: the comment's own
    line when it follows a value, else the next line that is neither blank nor a comment."""
    lines = text.split("\n")
    found: dict[int, list[Suppression]] = {}
    waiting: list[Suppression] = []
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        match = _YAML_COMMENT.search(line) if "ignore-" in line else None
        if match is not None:
            name = match.group(1)
            suppression = Suppression(f"ignore-{name}", code_of(name),
                                      (match.group(2) or "").strip())
            if stripped.startswith("#"):
                waiting.append(suppression)
                continue
            found.setdefault(number, []).append(suppression)
        if stripped and not stripped.startswith("#") and waiting:
            found.setdefault(number, []).extend(waiting)
            waiting = []
    return found


def apply(findings: Iterable[Diagnostic], suppressions: Sequence[Suppression], *,
          path: str, line: int, judged: frozenset[str] | None = None
          ) -> list[Diagnostic]:
    """The findings of one place with its suppressions applied: a silenced finding is kept,
    marked `suppressed` with the reason (for `check --show-suppressed`), and each
    suppression that cannot be honoured or silenced nothing is reported (W530) at the place.
    `judged` is the codes the run looked for there (None: all); a suppression of a check
    that did not run is not said to silence nothing."""
    result = list(findings)
    for suppression in suppressions:
        code = suppression.code
        if code is None:
            result.append(diag(path, line, 0, "W530",
                               f"{suppression.written} names no check (write a code such as "
                               "W509, or a name such as same-as-source)"))
            continue
        if not suppressible(code):
            result.append(diag(path, line, 0, "W530",
                               f"{suppression.written}: {code} {CODES[code].name} cannot be "
                               "suppressed; fix the text instead"))
            continue
        hits = [i for i, d in enumerate(result) if d.code == code and d.suppressed is None]
        if not hits:
            if judged is None or code in judged:
                result.append(diag(path, line, 0, "W530",
                                   f"{suppression.written} suppresses nothing here; remove it"))
            continue
        reason = suppression.reason or "(no reason given)"
        for i in hits:
            result[i] = replace(result[i], suppressed=reason)
        if not suppression.reason:
            result.append(diag(path, line, 0, "W530",
                               f"{suppression.written} gives no reason: say why in a "
                               "translator comment (# ignore-…: reason)"))
    return result
