"""`preview`: a static HTML site that shows writers and translators their work.

`build/preview/index.html` lists every document with a completeness bar per locale;
`build/preview/<locale>/<document>.html` puts each English text beside its translation, marks
what readers would see in English (untranslated, fuzzy, missing from the catalog, or rejected
by the build) and links every string to its line in the `.po` file and in the YAML source.

The preview is for work in progress: broken or stale catalogs are shown, not refused. Only
the English source has to be valid, because every page is laid out from it. The site is
deterministic (no timestamps) and replaced as a whole, so a browser never sees half of it.

A plural entry (a phrase with a count) shows each form on its own row, beside the English it
renders, with the counts that take it under the catalog's Plural-Forms (`msgstr[1], for
n = 2, 3, 4…`) and a link to its msgstr[N] line; a finding about one form is listed under it.
"""

from __future__ import annotations

import difflib
import os
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import polib
from babel import Locale
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from pipeline.content.library import Library, LoadedDocument
from pipeline.content.loader import iter_source_files
from pipeline.content.models import Exercise, Guide, Reviewer
from pipeline.content.textunits import format_path, iter_texts
from pipeline.core.config import Config
from pipeline.core.diagnostics import Diagnostic, apply_severity, count_errors
from pipeline.core.files import fs_error
from pipeline.core.text import printable
from pipeline.gettext import checks
from pipeline.gettext.catalogs import catalog_path
from pipeline.gettext.locales import normalize
from pipeline.gettext.pofiles import (
    EntryKey,
    entry_status,
    form_lines,
    forms,
    key_of,
    plural_rule,
    sources_of,
    translation_line,
)
from pipeline.infra import outdir
from pipeline.infra.progress import track
from pipeline.stages.build import build_lock
from pipeline.stages.export import Translator, bcp47, localize_document
from pipeline.stages.gate import check_context, glossary_terms, spelling_words
from pipeline.stages.update import read_or_error
from pipeline.stages.validate import validate_project

TEMPLATES = Path(__file__).parents[1] / "templates"
# Every state a string can be in on a side-by-side page. Only "translated" reaches readers;
# the others are shown to them in English (they "fall back").
STATUSES = ("translated", "fuzzy", "untranslated", "missing", "rejected")
STATUS_HELP = {
    "translated": "Translated and reviewed: readers see this text.",
    "fuzzy": "Marked fuzzy: needs review; readers see the English until the flag is removed.",
    "untranslated": "No translation yet; readers see the English.",
    "missing": "Not in the catalog (missing or not merged): run 'pipeline update'.",
    "rejected": "Translated, but a check or the model rejects it (an error below); "
                "readers see the English, and in a required locale the build stops.",
}
# Codes that only repeat a string's status; the status badge already says it.
_STATUS_CODES = {"E501", "E502"}
KIND_ORDER = ("guide", "exercise", "reviewer", "glossary")


@dataclass(frozen=True)
class Link:
    """A place in a project file: a relative link for the browser, a `path:line` for people.

    Static HTML cannot open a file at a line, so the line is shown in the label and kept in
    `data-line` for tools."""

    href: str
    label: str
    line: int


@dataclass(frozen=True)
class Row:
    """One English text of a document and what one locale's catalog does with it."""

    anchor: str
    field: str  # "steps[2] (3 of 6)"
    context: str | None
    english: str
    translation: str  # the catalog's msgstr, "" when there is none
    status: str  # one of STATUSES
    source: Link
    po: Link | None
    problems: tuple[str, ...] = ()
    # A fuzzy entry's English as the translation was made for it, word by word against the
    # English now: ("same" | "removed" | "added", text) pieces, as Weblate shows a change.
    changes: tuple[tuple[str, str], ...] = ()

    @property
    def fell_back(self) -> bool:
        return self.status != "translated"


@dataclass
class Tally:
    """Unique strings per status (a text used twice in a document counts once, as in stats)."""

    counts: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def percent(self) -> float:
        """Share of strings a reader sees translated; nothing to translate counts as done."""
        return 100.0 if not self.total else 100.0 * self.counts["translated"] / self.total

    def share(self, status: str) -> float:
        return 0.0 if not self.total else round(100.0 * self.counts[status] / self.total, 2)

    def add(self, other: Tally) -> None:
        self.counts.update(other.counts)


@dataclass
class Page:
    """The side-by-side page of one document in one locale."""

    locale: str
    doc: LoadedDocument
    title: str
    catalog: Link
    rows: list[Row] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # about the catalog as a whole
    tally: Tally = field(default_factory=Tally)

    @property
    def rel(self) -> str:
        return f"{self.locale}/{self.doc.id}.html"


@dataclass
class PreviewResult:
    out: Path
    locales: list[str]
    problems: list[Diagnostic] = field(default_factory=list)  # source errors: nothing written
    pages: list[Page] = field(default_factory=list)
    documents: int = 0
    checked: int = 0  # source files read
    files: int = 0

    def tally(self, locale: str) -> Tally:
        total = Tally()
        for page in self.pages:
            if page.locale == locale:
                total.add(page.tally)
        return total


def title_of(doc: LoadedDocument) -> str:
    model = doc.model
    if isinstance(model, Guide):
        return model.title
    if isinstance(model, (Exercise, Reviewer)):
        return model.name
    return "Glossary"


def link(config: Config, target: Path, line: int, page_dir: Path) -> Link:
    """A link from a page in `page_dir` to `target`, relative so the site can be moved along
    with the project (and opened straight from disk)."""
    href = Path(os.path.relpath(target, page_dir)).as_posix()
    label = config.rel(target) + (f":{line}" if line else "")
    return Link(quote(href), label, line)


def _read(config: Config, path: Path) -> tuple[polib.POFile | None, str | None]:
    if not os.path.lexists(path):  # anything else there (a pipe, a folder) is read and refused
        return None, f"{config.rel(path)} does not exist yet: run 'pipeline update'"
    found = read_or_error(config, path)
    return (None, found.format()) if isinstance(found, Diagnostic) else (found, None)


def _page(config: Config, library: Library, doc: LoadedDocument, locale: str,
          catalogs: dict[Path, polib.POFile], errors: dict[Path, str], out: Path,
          terms: dict[str, str], words: frozenset[str]) -> Page:
    path = catalog_path(config, locale, doc.id)
    page_dir = out / locale
    display = config.rel(path)
    page = Page(locale, doc, title_of(doc), link(config, path, 0, page_dir))
    if path in errors:
        page.problems.append(errors[path])
    catalog = catalogs.get(path)
    entries = {key_of(e): e for e in catalog or [] if not e.obsolete}
    rejected, by_line, error_lines = _findings(config, library, doc, locale, catalogs, terms,
                                               words)
    counts = _form_counts(catalog)
    row_lines: set[int] = set()
    seen: set[EntryKey] = set()
    for index, unit in enumerate(iter_texts(doc.model), start=1):
        key = EntryKey(unit.context, unit.text)
        entry = entries.get(key)
        where = format_path(unit.path)
        label = where + (f" ({unit.position[0] + 1} of {unit.position[1]})"
                         if unit.position else "")
        src_line, _ = doc.source.where(unit.path)
        source = link(config, doc.source.path, src_line, page_dir)
        if entry is None:
            english = unit.text if unit.plural is None else f"{unit.text}\n{unit.plural}"
            rows = [Row(f"s{index}", label, unit.context, english, "", "missing", source, None)]
        else:
            status = entry_status(entry)
            line = translation_line(entry)
            if status == "translated" and (where in rejected or line in error_lines):
                status = "rejected"  # never shown as a good translation
            row_lines.add(line)
            rows = _entry_rows(config, entry, f"s{index}", label, status, source,
                               by_line.get(line, []), counts,
                               lambda at: link(config, path, at, page_dir))
        page.rows += rows
        if key not in seen:
            seen.add(key)
            page.tally.counts[rows[0].status] += 1
    # Problems about the catalog as a whole (header, obsolete entries) go above the strings.
    for line, messages in sorted(by_line.items()):
        if line not in row_lines:
            page.problems += [f"{display}:{line}: {m}" if line else f"{display}: {m}"
                              for m in messages]
    return page


def _entry_rows(config: Config, entry: polib.POEntry, anchor: str, label: str, status: str,
                source: Link, problems: list[str], counts: Callable[[int], str],
                po_link: Callable[[int], Link]) -> list[Row]:
    """The rows of one catalog entry: one, or one per form of a plural entry (each with the
    English it renders, the counts that take it, its own line and the findings that name
    it; findings about the entry as a whole go under its first form)."""
    if not entry.msgid_plural:
        changes = (word_changes(entry.previous_msgid, entry.msgid)
                   if status == "fuzzy" and entry.previous_msgid else ())
        return [Row(anchor, label, entry.msgctxt, entry.msgid, entry.msgstr, status, source,
                    po_link(translation_line(entry)), tuple(problems), changes)]
    previous = [entry.previous_msgid, entry.previous_msgid_plural]
    rows: list[Row] = []
    texts, sources, lines = forms(entry), sources_of(entry), form_lines(entry)
    marks = [f"msgstr[{form}]:" for form in range(len(texts))]
    for form, (text, english, line) in enumerate(zip(texts, sources, lines)):
        own = [p for p in problems if marks[form] in p]
        general = ([p for p in problems if not any(mark in p for mark in marks)]
                   if form == 0 else [])
        before = previous[0] if form == 0 and len(texts) > 1 else previous[1]
        changes = (word_changes(before, english)
                   if status == "fuzzy" and before is not None else ())
        rows.append(Row(anchor if form == 0 else f"{anchor}-{form}",
                        f"{label} · msgstr[{form}]{counts(form)}", entry.msgctxt, english, text,
                        status, source, po_link(line), tuple(general + own), changes))
    return rows


def _form_counts(catalog: polib.POFile | None) -> Callable[[int], str]:
    """For a plural form's index, the first counts (0 to 1000) the catalog's Plural-Forms
    gives it, as readers meet them: ", for n = 2, 3, 4…". Nothing when the rule cannot be
    read (the checks say why)."""
    chosen: list[int] = []

    def counts(form: int) -> str:
        if not chosen:  # worked out for the first plural entry of the page
            rule = plural_rule(catalog) if catalog is not None else None
            if rule is None:
                chosen.append(-1)  # no rule: no counts shown
            else:
                chosen.extend(rule(n) for n in range(1001))
        taking = [n for n, index in enumerate(chosen) if index == form]
        if not taking:
            return ""
        shown = ", ".join(str(n) for n in taking[:4])
        return f", for n = {shown}{'…' if len(taking) > 4 else ''}"

    return counts


def _findings(config: Config, library: Library, doc: LoadedDocument, locale: str,
              catalogs: dict[Path, polib.POFile], terms: dict[str, str], words: frozenset[str]
              ) -> tuple[set[str], dict[int, list[str]], set[int]]:
    """What the build and `check` would say about this catalog: the fields whose translation
    the build rejects (shown in English), each problem by catalog line, and the lines with
    an error."""
    path = catalog_path(config, locale, doc.id)
    catalog = catalogs.get(path)
    if catalog is None:
        return set(), {}, set()
    display = config.rel(path)
    by_line: dict[int, list[str]] = {}
    translate = Translator(locale, catalog)
    localized, found = localize_document(doc, translate, display, fall_back=True)
    # When the build could not fall back (None), the problems below say why.
    rejected = set(translate.fallbacks) if localized is not None else set()
    for d in found:
        by_line.setdefault(d.line, []).append(f"{d.code} {d.name}: {d.message}")
    ctx = check_context(config, library, locale, path, terms, words)
    errors = {d.line for d in found}
    for d in apply_severity(checks.check_catalog(catalog, ctx), config.severity_for(locale)):
        if d.code not in _STATUS_CODES:
            by_line.setdefault(d.line, []).append(f"{d.code} {d.name}: {d.message}")
            if d.severity == "error":
                errors.add(d.line)
    return rejected, by_line, errors


_WORDS = re.compile(r"\s+|[^\s]+")


def word_changes(before: str, after: str) -> tuple[tuple[str, str], ...]:
    """`before` turned into `after`, word by word: what a reviewer of a fuzzy entry needs
    to see to update the translation, without re-reading the whole English."""
    old, new = _WORDS.findall(before), _WORDS.findall(after)
    pieces: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(("same", "".join(old[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(("removed", "".join(old[i1:i2])))
        if j2 > j1:
            pieces.append(("added", "".join(new[j1:j2])))
    return tuple(pieces)


def collect(config: Config, library: Library, locales: list[str], out: Path) -> list[Page]:
    """Every (locale, document) page, in a fixed order; catalogs with problems still count."""
    pages: list[Page] = []
    work: list[tuple[str, LoadedDocument]] = [(loc, doc) for loc in locales for doc in
                                               _ordered(library)]
    read: dict[str, tuple[dict[Path, polib.POFile], dict[Path, str], dict[str, str]]] = {}
    words: dict[str, frozenset[str]] = {}
    for locale in locales:
        catalogs: dict[Path, polib.POFile] = {}
        errors: dict[Path, str] = {}
        for doc in library:
            path = catalog_path(config, locale, doc.id)
            catalog, error = _read(config, path)
            if catalog is not None:
                catalogs[path] = catalog
            if error is not None:
                errors[path] = error
        read[locale] = (catalogs, errors, glossary_terms(library, catalogs))
        words[locale] = spelling_words(config, library, locale, read[locale][2])
    for locale, doc in track(work, "preview"):
        catalogs, errors, terms = read[locale]
        pages.append(_page(config, library, doc, locale, catalogs, errors, out, terms,
                           words[locale]))
    return pages


def _ordered(library: Library) -> list[LoadedDocument]:
    """Guides first (what readers open), then exercises, reviewers and the glossary."""
    return sorted(library, key=lambda d: (KIND_ORDER.index(d.kind), d.id))


def locale_name(locale: str) -> str:
    try:
        return str(Locale.parse(locale).get_display_name("en"))
    except (ValueError, TypeError):
        return locale


def _environment() -> Environment:
    # Autoescape everything: English and translations are untrusted text, never markup.
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.globals.update(STATUSES=STATUSES, STATUS_HELP=STATUS_HELP, locale_name=locale_name,
                       bcp47=bcp47)
    return env


def render_site(config: Config, result: PreviewResult) -> dict[str, str]:
    """Relative path inside the preview folder → file text."""
    env = _environment()
    files: dict[str, str] = {"style.css": (TEMPLATES / "style.css").read_text(encoding="utf-8")}
    by_doc: dict[str, dict[str, Page]] = {}
    for page in result.pages:
        by_doc.setdefault(page.doc.id, {})[page.locale] = page
    documents = [(doc_id, next(iter(pages.values()))) for doc_id, pages in by_doc.items()]
    files["index.html"] = env.get_template("index.html").render(
        project=config.project_name, locales=result.locales, documents=documents,
        by_doc=by_doc, totals={loc: result.tally(loc) for loc in result.locales},
        required=config.required_locales, root="")
    page_template = env.get_template("document.html")
    for page in result.pages:
        files[page.rel] = page_template.render(
            project=config.project_name, page=page, locales=result.locales,
            required=config.required_locales, root="../")
    return files


def default_out(config: Config) -> Path:
    return config.build_dir / "preview"


def build_preview(config: Config, locales: list[str] | None = None,
                  out: Path | None = None) -> PreviewResult:
    """Validate the source, read the catalogs, write the site. Source errors write nothing."""
    out = (out or default_out(config)).resolve()
    outdir.resolve_output(config, out, "preview")  # refused before any work is done
    chosen = [normalize(loc) for loc in locales] if locales else list(config.locales)
    result = PreviewResult(out, chosen)
    library, problems = validate_project(config)
    result.checked = sum(1 for _ in iter_source_files(config.source_dir))
    if count_errors(problems):
        result.problems = [d for d in problems if d.severity == "error"]
        return result
    result.documents = len(library)
    result.pages = collect(config, library, chosen, out)
    files = render_site(config, result)
    result.files = len(files)
    # build/ is swapped as a whole by `build`: do not write into it while a build runs.
    with build_lock(config):
        build = outdir.resolve_output(config, config.build_dir, "build")
        # A build interrupted mid-swap is put back before anything is written beside it.
        outdir.recover(build, "build")
        real = outdir.resolve_output(config, out, "preview")
        if real.is_relative_to(build):
            outdir.ensure(build, "build")
        write_site(real, files)
    return result


def write_site(real: Path, files: dict[str, str]) -> None:
    """Write every file into a staging folder next to the site, then swap it in: stale pages
    disappear and a reader (or a crash) never sees a half-written site."""
    outdir.recover(real, "preview")
    staged = outdir.stage(real, "preview")
    try:
        for rel, text in sorted(files.items()):
            target = staged / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8", newline="\n")
        outdir.swap(staged, real, "preview")
    except OSError as exc:
        outdir.discard(staged, "preview")
        raise fs_error(printable(str(real)), exc, "write the preview") from None
    except BaseException:
        outdir.discard(staged, "preview")
        raise
