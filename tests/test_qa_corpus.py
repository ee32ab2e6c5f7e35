"""The translation checks scored against an independent corpus of translation defects and of
clean translations (tests/fixtures/qa/, described in its README).

Each case is one English text and its translation. The cases of a locale become entries of
a real .po file (msgctxt = the case id), read back with the project's reader and checked as
`pipeline check` checks a catalog. A defect case is caught when one of the codes it expects
is raised for its entry; a clean case is a false alarm when anything at all is raised for it.
The score must reach `MIN_DETECTION` over every defect case, and stay at or under
`MAX_FALSE_ALARMS` over every clean case; a failure prints a table per category and every
missed and falsely flagged case with what was raised.

A held-out set in tests/fixtures/qa/holdout/ (ids `holdout-…`), written apart from the checks
and never tuned against, is checked in catalogs of its own and scored on its own: its own
table and totals, held to the same thresholds.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline.content.spelling import SuggestionBudget
from pipeline.content.wordlists import parse_word_list
from pipeline.core.codes import CODES
from pipeline.core.diagnostics import Diagnostic
from pipeline.gettext import checks, pofiles
from pipeline.gettext.pofiles import EntryKey

CORPUS = Path(__file__).parent / "fixtures" / "qa"
WORD_LISTS = Path(__file__).resolve().parents[1] / "spelling"
HOLDOUT = CORPUS / "holdout"
HOLDOUT_PREFIX = "holdout-"
MIN_DETECTION = 0.95
MAX_FALSE_ALARMS = 0.05
CLEAN = "clean"
BRACE_FORMAT = pofiles.BRACE_FORMAT

# A catalog's plural rule and team, per locale of the corpus (as GNU gettext writes them).
PLURAL_FORMS = {
    "fr": "nplurals=2; plural=(n > 1);",
    "de": "nplurals=2; plural=(n != 1);",
    "es": "nplurals=2; plural=(n != 1);",
    "it": "nplurals=2; plural=(n != 1);",
    "pt_BR": "nplurals=2; plural=(n > 1);",
    "ja": "nplurals=1; plural=0;",
    "zh": "nplurals=1; plural=0;",
}
# Findings that belong to a catalog, not to one of its entries.
NOT_CASE_FINDINGS = frozenset({"W503"})

REQUIRED = {"id", "locale", "source", "translation", "expect", "why"}
OPTIONAL = {"flags", "glossary", "max_length", "markup"}


def word_list(locale: str) -> frozenset[str]:
    """The repository's own word list for the locale's language (spelling/<language>.txt)."""
    path = WORD_LISTS / f"{locale.split('_')[0]}.txt"
    return parse_word_list(path.read_text(encoding="utf-8")) if path.exists() else frozenset()


@dataclass(frozen=True)
class Case:
    id: str
    category: str
    locale: str
    source: str
    translation: str
    expect: tuple[str, ...]  # empty for a clean case
    why: str
    flags: tuple[str, ...] = ()
    glossary: Mapping[str, str] = field(default_factory=dict)
    max_length: int | None = None
    markup: bool | None = None

    @property
    def clean(self) -> bool:
        return not self.expect

    def unit(self) -> checks.UnitInfo | None:
        """What the model would say about the text, when the case says anything."""
        fmt = BRACE_FORMAT if BRACE_FORMAT in self.flags else None
        if self.max_length is None and self.markup is None and fmt is None:
            return None
        return checks.UnitInfo(self.max_length, bool(self.markup), f"corpus:{self.id}", fmt)


def _case(raw: Any, category: str, where: str) -> Case:
    assert isinstance(raw, dict), f"{where}: a case is a mapping"
    keys = set(raw)
    assert REQUIRED <= keys, f"{where}: missing {sorted(REQUIRED - keys)}"
    assert keys <= REQUIRED | OPTIONAL, f"{where}: unknown {sorted(keys - REQUIRED - OPTIONAL)}"
    for name in ("id", "locale", "source", "translation", "why"):
        assert isinstance(raw[name], str) and raw[name], f"{where}: {name} must be a text"
    expect = raw["expect"]
    codes = (expect,) if isinstance(expect, str) else tuple(expect)
    assert codes and all(isinstance(code, str) for code in codes), f"{where}: bad expect"
    glossary = raw.get("glossary", {})
    assert isinstance(glossary, dict), f"{where}: glossary must be a mapping"
    max_length = raw.get("max_length")
    assert max_length is None or isinstance(max_length, int), f"{where}: bad max_length"
    markup = raw.get("markup")
    assert markup is None or isinstance(markup, bool), f"{where}: markup is true or false"
    return Case(
        id=raw["id"], category=category, locale=raw["locale"], source=raw["source"],
        translation=raw["translation"], expect=() if codes == (CLEAN,) else codes,
        why=raw["why"], flags=tuple(raw.get("flags", ())),
        glossary={str(k): str(v) for k, v in glossary.items()},
        max_length=max_length, markup=markup)


def load_corpus(folder: Path = CORPUS) -> list[Case]:
    cases: list[Case] = []
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert isinstance(data, list), f"{path.name}: the file is a list of cases"
        cases += [_case(raw, path.stem, f"{path.name}[{index}]")
                  for index, raw in enumerate(data)]
    return cases


# ---------------------------------------------------------------------------------------------
# Running the checks


def _quoted(text: str) -> str:
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\t", "\\t").replace("\r", "\\r"))
    return f'"{escaped}"'


def _po_text(locale: str, cases: list[Case]) -> str:
    header = [
        "Project-Id-Version: exercise-content-pipeline qa-corpus",
        f"Language: {locale}",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=UTF-8",
        "Content-Transfer-Encoding: 8bit",
        f"Plural-Forms: {PLURAL_FORMS[locale]}",
    ]
    lines = ["# The QA corpus: one entry per case.", 'msgid ""', 'msgstr ""']
    lines += [_quoted(f"{line}\n") for line in header]
    for case in cases:
        lines.append("")
        lines.append(f"#: corpus/{case.category}.yaml")
        if case.flags:
            lines.append("#, " + ", ".join(case.flags))
        lines += [f"msgctxt {_quoted(case.id)}", f"msgid {_quoted(case.source)}",
                  f"msgstr {_quoted(case.translation)}"]
    return "\n".join(lines) + "\n"


def _catalog_groups(cases: list[Case]) -> dict[tuple[str, str], list[Case]]:
    """One catalog per locale; a case with its own glossary gets a catalog of its own, as a
    glossary applies to every entry of the catalog it is checked with."""
    groups: dict[tuple[str, str], list[Case]] = defaultdict(list)
    for case in cases:
        name = f"glossary-{case.id}" if case.glossary else "corpus"
        groups[(case.locale, name)].append(case)
    return groups


def run_corpus(cases: list[Case], root: Path) -> dict[str, list[Diagnostic]]:
    """Every case id → the findings raised for its entry."""
    found: dict[str, list[Diagnostic]] = {case.id: [] for case in cases}
    for (locale, name), group in sorted(_catalog_groups(cases).items()):
        display = f"locales/{locale}/LC_MESSAGES/{name}.po"
        path = root / display
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_po_text(locale, group).encode("utf-8"))
        catalog = pofiles.read_catalog(path, display)
        entries = sorted(catalog, key=lambda entry: entry.linenum)
        # The file holds what was written: every case, in order, unchanged.
        assert [entry.msgctxt for entry in entries] == [case.id for case in group], display
        for entry, case in zip(entries, group, strict=True):
            assert (entry.msgid, entry.msgstr) == (case.source, case.translation), case.id
            assert not entry.obsolete and "fuzzy" not in entry.flags, case.id
        # Each entry owns its lines, from its first line to the next entry's; a finding
        # points at the entry's msgstr line, which lies inside.
        starts = [entry.linenum for entry in entries]
        ends = starts[1:] + [10**9]
        for entry, start, end in zip(entries, starts, ends, strict=True):
            assert start <= pofiles.translation_line(entry) < end, entry.msgctxt
        units = {EntryKey(case.id, case.source): unit
                 for case in group if (unit := case.unit()) is not None}
        glossary = group[0].glossary if name != "corpus" else {}
        # As in a project: its word list and its glossary are what spelling accepts.
        ctx = checks.CheckContext(locale=locale, display=display, units=units,
                                  glossary=glossary, scope="not-language",
                                  spelling_words=word_list(locale) | set(glossary.values()),
                                  # What is scored is the finding, not Hunspell's suggestions.
                                  spelling_budget=SuggestionBudget(0))
        for diagnostic in checks.check_catalog(catalog, ctx):
            if diagnostic.code in NOT_CASE_FINDINGS or diagnostic.line < starts[0]:
                continue  # the catalog's own findings (header, obsolete entries)
            index = bisect_right(starts, diagnostic.line) - 1
            found[group[index].id].append(diagnostic)
    return found


# ---------------------------------------------------------------------------------------------
# Scoring


@dataclass
class Tally:
    defects: int = 0
    caught: int = 0
    clean: int = 0
    false_alarms: int = 0


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 1.0


def _raised(found: list[Diagnostic]) -> str:
    if not found:
        return "nothing"
    return "; ".join(f"{d.code} {d.message[:90]}" for d in found)


def score_report(cases: list[Case], found: Mapping[str, list[Diagnostic]],
                 label: str = "ALL") -> tuple[Tally, str]:
    total = Tally()
    per: dict[str, Tally] = defaultdict(Tally)
    missed: list[str] = []
    alarms: list[str] = []
    for case in cases:
        codes = {d.code for d in found[case.id]}
        tally = per[case.category]
        if case.clean:
            tally.clean += 1
            if codes:
                tally.false_alarms += 1
                alarms.append(f"  {case.category}: {case.id} [{case.locale}] "
                              f"raised {_raised(found[case.id])}")
        else:
            tally.defects += 1
            if codes & set(case.expect):
                tally.caught += 1
            else:
                missed.append(f"  {case.category}: {case.id} [{case.locale}] expects "
                              f"{'/'.join(case.expect)}, raised {_raised(found[case.id])}")
    for tally in per.values():
        total.defects += tally.defects
        total.caught += tally.caught
        total.clean += tally.clean
        total.false_alarms += tally.false_alarms
    width = max(len(name) for name in [*per, label])
    lines = [f"{'category':<{width}}  defects  caught  detection  clean  alarms  alarm rate"]
    for name in sorted(per) + [label]:
        t = total if name == label else per[name]
        lines.append(f"{name:<{width}}  {t.defects:7}  {t.caught:6}  "
                     f"{_ratio(t.caught, t.defects):9.1%}  {t.clean:5}  {t.false_alarms:6}  "
                     f"{_ratio(t.false_alarms, t.clean) if t.clean else 0.0:10.1%}")
    lines += [f"missed defects ({len(missed)}):"] + missed
    lines += [f"false alarms ({len(alarms)}):"] + alarms
    return total, "\n".join(lines)


@pytest.fixture(scope="module")
def corpus() -> list[Case]:
    return load_corpus()


@pytest.fixture(scope="module")
def holdout() -> list[Case]:
    return load_corpus(HOLDOUT)


def _assert_score(cases: list[Case], root: Path, label: str) -> None:
    found = run_corpus(cases, root)
    total, report = score_report(cases, found, label)
    detection = _ratio(total.caught, total.defects)
    alarm_rate = _ratio(total.false_alarms, total.clean)
    summary = (f"{label}: detection {detection:.1%} (needs >= {MIN_DETECTION:.0%}), false "
               f"alarms {alarm_rate:.1%} (needs <= {MAX_FALSE_ALARMS:.0%})")
    print(f"{summary}\n{report}")  # shown with -s, or -rP
    assert detection >= MIN_DETECTION and alarm_rate <= MAX_FALSE_ALARMS, (
        f"{summary}\n{report}")


def test_corpus_score(corpus: list[Case], tmp_path: Path) -> None:
    _assert_score(corpus, tmp_path, "ALL")


def test_holdout_score(holdout: list[Case], tmp_path: Path) -> None:
    """The held-out set, in catalogs of its own so that it cannot change the corpus's
    findings (or the other way round)."""
    _assert_score(holdout, tmp_path, "holdout")


def test_corpus_hygiene(corpus: list[Case], holdout: list[Case]) -> None:
    problems: list[str] = []
    seen: set[str] = set()
    main_categories = {case.category for case in corpus}
    for case in holdout:
        if not case.id.startswith(HOLDOUT_PREFIX):
            problems.append(f"{case.id}: a held-out id must start with {HOLDOUT_PREFIX!r}")
        if case.category not in main_categories:
            problems.append(f"{case.id}: held-out category {case.category!r} not in the corpus")
    for case in corpus + holdout:
        if case.id in seen:
            problems.append(f"{case.id}: id used twice")
        seen.add(case.id)
        if case.locale not in PLURAL_FORMS:
            problems.append(f"{case.id}: locale {case.locale!r} has no catalog header here")
        problems += [f"{case.id}: expects {code}, which is not a registered code"
                     for code in case.expect if code not in CODES]
        if set(case.flags) - {BRACE_FORMAT}:
            problems.append(f"{case.id}: unknown flags {sorted(set(case.flags))}")
        if case.max_length is not None and case.clean and len(case.translation) > (
                case.max_length):
            problems.append(f"{case.id}: a clean case longer than its max_length")
    categories: dict[str, list[Case]] = defaultdict(list)
    for case in corpus:
        categories[case.category].append(case)
    for case in holdout:
        categories[f"holdout/{case.category}"].append(case)
    for name, members in sorted(categories.items()):
        if all(case.clean for case in members):
            problems.append(f"{name}: no defect case")
        if not any(case.clean for case in members):
            problems.append(f"{name}: no clean case")
    assert not problems, "\n".join(problems)
