"""How far two merges of the same catalogs agree, entry by entry.

Each entry of each catalog ends up translated, fuzzy, untranslated or obsolete (as gettext
tools see it: an empty fuzzy entry is untranslated; an untranslated obsolete entry is dropped).
The agreement is counted over the union of entries of both sides, keyed by document, msgctxt
and msgid; a fuzzy entry also agrees on its suggestion when both offer the same translation.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polib

STATES = ("translated", "fuzzy", "untranslated", "obsolete")
MISSING = "missing"

Key = tuple[str, str | None, str]  # document, msgctxt, msgid
Outcome = tuple[str, str]  # state, msgstr


def state_of(entry: polib.POEntry) -> str:
    """An entry's state as gettext tools see it (an empty fuzzy entry is untranslated for
    msgfmt): the states msgmerge's decisions are compared in."""
    if entry.obsolete:
        return "obsolete"
    first = entry.msgstr_plural.get(0, "") if entry.msgid_plural else entry.msgstr
    if not first:
        return "untranslated"
    return "fuzzy" if "fuzzy" in entry.flags else "translated"


def outcomes(document: str, entries: Iterable[polib.POEntry]) -> dict[Key, Outcome]:
    """The decision for every entry of one catalog (header excluded)."""
    found: dict[Key, Outcome] = {}
    for entry in entries:
        if not entry.msgid and not entry.msgctxt:
            continue
        if entry.obsolete and not entry.msgstr:
            continue  # gettext tools do not write these
        found[(document, entry.msgctxt, entry.msgid)] = (state_of(entry), entry.msgstr)
    return found


def folder_outcomes(folder: Path, documents: Iterable[str] | None = None) -> dict[Key, Outcome]:
    """Every decision in a folder of catalogs (or only in the named documents')."""
    found: dict[Key, Outcome] = {}
    paths = (sorted(folder.glob("*.po")) if documents is None
             else [folder / f"{d}.po" for d in sorted(documents)])
    for path in paths:
        found.update(outcomes(path.stem, polib.pofile(str(path))))
    return found


@dataclass
class Agreement:
    """The confusion between our decisions and the reference's, and shares derived from it."""

    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    same_suggestion: int = 0
    both_fuzzy: int = 0

    @property
    def total(self) -> int:
        return sum(self.confusion.values())

    @property
    def overall(self) -> float:
        """Share of entries with the same state on both sides."""
        agree = sum(n for (ours, theirs), n in self.confusion.items() if ours == theirs)
        return agree / self.total if self.total else 1.0

    def by_state(self, state: str) -> float:
        """Of the entries the reference puts in `state`, the share we put there too."""
        theirs = sum(n for (_, t), n in self.confusion.items() if t == state)
        agree = self.confusion[(state, state)]
        return agree / theirs if theirs else 1.0

    @property
    def decisions(self) -> float:
        """Agreement on translated / untranslated / obsolete: entries either side puts in one
        of these states, counted as agreeing when both put them in the same one."""
        hard = {"translated", "untranslated", "obsolete"}
        relevant = {k: n for k, n in self.confusion.items() if k[0] in hard or k[1] in hard}
        total = sum(relevant.values())
        agree = sum(n for (ours, theirs), n in relevant.items() if ours == theirs)
        return agree / total if total else 1.0

    @property
    def suggestion(self) -> float:
        """Of the entries both mark fuzzy, the share offering the same translation."""
        return self.same_suggestion / self.both_fuzzy if self.both_fuzzy else 1.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "entries": self.total,
            "overall": round(self.overall, 5),
            "decisions": round(self.decisions, 5),
            "by_state": {s: round(self.by_state(s), 5) for s in STATES},
            "fuzzy_same_suggestion": round(self.suggestion, 5),
            "confusion": {f"{ours}/{theirs}": n
                          for (ours, theirs), n in sorted(self.confusion.items())},
        }


def compare(ours: Mapping[Key, Outcome], theirs: Mapping[Key, Outcome]) -> Agreement:
    """Entry by entry over the union of both sides; an entry only one side has is `missing`
    on the other."""
    result = Agreement()
    for key in sorted(set(ours) | set(theirs), key=repr):
        mine, other = ours.get(key), theirs.get(key)
        state_mine = mine[0] if mine else MISSING
        state_other = other[0] if other else MISSING
        result.confusion[(state_mine, state_other)] += 1
        if mine and other and state_mine == state_other == "fuzzy":
            result.both_fuzzy += 1
            result.same_suggestion += mine[1] == other[1]
    return result


def disagreements(ours: Mapping[Key, Outcome], theirs: Mapping[Key, Outcome], *,
                  suggestions: bool = False) -> dict[tuple[str, str], list[Key]]:
    """The entries on which the two sides differ, by (our state, their state), to see which
    rule a disagreement comes from; with `suggestions`, also fuzzy entries both sides mark
    fuzzy but with a different translation (listed as fuzzy/fuzzy)."""
    found: dict[tuple[str, str], list[Key]] = defaultdict(list)
    for key in sorted(set(ours) | set(theirs), key=repr):
        mine, other = ours.get(key), theirs.get(key)
        state_mine = mine[0] if mine else MISSING
        state_other = other[0] if other else MISSING
        if state_mine != state_other or (suggestions and mine != other
                                         and state_mine == "fuzzy"):
            found[(state_mine, state_other)].append(key)
    return dict(found)


def main(argv: list[str] | None = None) -> int:
    """`python -m bench.agreement OURS THEIRS`: the figures, then every disagreeing entry by
    category, for two folders of merged catalogs (e.g. a kept bench's library and gnu-fuzzy)."""
    parser = argparse.ArgumentParser(prog="python -m bench.agreement", description=main.__doc__)
    parser.add_argument("ours", type=Path, help="folder of our merged catalogs")
    parser.add_argument("theirs", type=Path, help="folder of msgmerge's merged catalogs")
    parser.add_argument("--suggestions", action="store_true",
                        help="also list fuzzy entries whose suggestions differ")
    args = parser.parse_args(argv)
    documents = [p.stem for p in sorted(args.theirs.glob("*.po"))]
    ours = folder_outcomes(args.ours, documents)
    theirs = folder_outcomes(args.theirs, documents)
    result = compare(ours, theirs)
    print(f"{result.total} entries: decisions {100 * result.decisions:.2f} %, "
          f"all states {100 * result.overall:.2f} %, same fuzzy suggestion "
          f"{100 * result.suggestion:.2f} %")
    for (mine, other), keys in sorted(disagreements(ours, theirs,
                                                    suggestions=args.suggestions).items()):
        print(f"\n== ours {mine} / msgmerge {other}: {len(keys)}")
        for document, context, msgid in keys:
            where = f"{document} [{context}]" if context else document
            print(f"  {where}: {msgid!r}")
            for side, outcome in (("ours", ours.get((document, context, msgid))),
                                  ("msgmerge", theirs.get((document, context, msgid)))):
                if outcome is not None and outcome[1]:
                    print(f"    {side}: {outcome[1]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
