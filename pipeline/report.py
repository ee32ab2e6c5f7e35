"""Print diagnostics for people (text), programs (json) and GitHub Actions (annotations),
and the summary tables and lines that end each command.

What reaches the terminal is shaped here (`cli` and `watch` print through these helpers).
Colour and styles appear only on a terminal; with NO_COLOR set the output is plain text,
as it is when piped. Paths, messages and values come from files and users, so they are
always printed literally: styles are applied to `Text` objects, never written as rich markup,
and the console reads no markup or emoji codes in what it is given.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from pipeline.core.config import Config
from pipeline.core.diagnostics import Diagnostic

if TYPE_CHECKING:  # what each command reports on; its stage is loaded by the command itself
    from pipeline.content.readability import Reading
    from pipeline.exchange.apply import ImportResult
    from pipeline.exchange.tmx import TmxExport
    from pipeline.exchange.xliff import ExportResult
    from pipeline.gettext.stats import Progress
    from pipeline.stages.build import BuildResult
    from pipeline.stages.extract import ExtractResult
    from pipeline.stages.gate import CheckView
    from pipeline.stages.preview import PreviewResult
    from pipeline.stages.update import InitResult, UpdateResult
    from pipeline.stages.watch import WatchResult, WatchRun

Format = Literal["text", "json", "github"]
JSON_VERSION = 1
_STYLE = {"error": "bold red", "warning": "yellow"}


def console(stream: TextIO | None = None) -> Console:
    """A console on stdout (or `stream`). Rich drops styles when the stream is not a
    terminal; with NO_COLOR it would still send bold and dim, so no colour system is used.
    It reads no markup and no emoji codes: a file named `[bold red]x[/]` or `:x:` prints as
    it is named (styles go in `style=` or on `Text`)."""
    plain = bool(os.environ.get("NO_COLOR"))
    return Console(file=stream or sys.stdout, highlight=False, soft_wrap=True,
                   color_system=None if plain else "auto", markup=False, emoji=False)


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
            line = Text.assemble(f"{d.location()}: ", (f"{d.code} {d.name}", _style(d)),
                                 f": {d.message}")
            if d.source_ref:
                line.append(f" (source: {d.source_ref})", style="dim")
            out.print(line)
    errors = any(d.severity == "error" for d in diagnostics)
    out.print(Text(summary(diagnostics, checked, what),
                   style="bold red" if errors else "green"))


def _style(d: Diagnostic) -> str:
    return _STYLE.get(d.severity, "")


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
    table = Table(title=Text(f"Translation progress: {locale}"), title_justify="left")
    for column in ("document", "translated", "fuzzy", "untranslated", "words done", "complete"):
        table.add_column(column, justify="left" if column == "document" else "right")

    def row(name: str, p: Progress, style: str = "") -> None:
        words = sum(p.words.values())
        table.add_row(Text(name), str(p.strings["translated"]), str(p.strings["fuzzy"]),
                      str(p.strings["untranslated"]), f"{p.words['translated']}/{words}",
                      f"{p.percent:.1f} %", style=style)

    for name, p in per_document.items():
        row(name, p)
    table.add_section()
    row("total", total, style="bold")
    return table


def check_table(source: tuple[int, int] | None, per_locale: dict[str, tuple[int, int]],
                required: Sequence[str]) -> Table:
    """`check`: (errors, warnings) of the source, templates and schemas (None: nothing of
    theirs was checked) and of each locale, counted as the problems were printed."""
    table = Table(title="Check summary", title_justify="left")
    for column in ("scope", "policy", "errors", "warnings"):
        table.add_column(column, justify="right" if column in ("errors", "warnings") else "left")
    if source is not None:
        table.add_row("source and catalogs", "required", str(source[0]), str(source[1]))
    for locale, (e, w) in per_locale.items():
        table.add_row(Text(locale), "required" if locale in required else "optional", str(e),
                      str(w), style="red" if e else "")
    return table


def print_delta(appeared: Sequence[Diagnostic], fixed: Sequence[Diagnostic], *,
                out: Console, quiet: bool = False) -> None:
    """`watch`: `+` for a problem that appeared, `-` for one that went away."""
    if quiet:
        appeared = [d for d in appeared if d.severity == "error"]
        fixed = [d for d in fixed if d.severity == "error"]
    for d in appeared:
        out.print(Text.assemble(("+", _style(d)), f" {d.location()}: ",
                                (f"{d.code} {d.name}", _style(d)), f": {d.message}"))
    for d in fixed:
        out.print(Text.assemble(("-", "green"), f" {d.location()}: {d.code} {d.name}: "
                                f"{d.message} ", ("(fixed)", "green")))


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def watch_summary(clock: str, changed: Sequence[str], appeared: Sequence[Diagnostic],
                  fixed: Sequence[Diagnostic], errors: int, warnings: int) -> Text:
    """One line after each run of `watch`: what was saved, what changed, where things stand."""
    saved = changed[0] if len(changed) == 1 else f"{len(changed)} files"
    change = (f"{len(appeared)} new, {len(fixed)} fixed" if appeared or fixed
              else "no change in problems")
    line = Text(f"{clock} {saved} changed: {change}; now {_count(errors, 'error')}, "
                f"{_count(warnings, 'warning')}.")
    line.stylize("bold red" if errors else "yellow" if warnings else "green")
    return line


def preview_table(rows: Sequence[tuple[str, str, Mapping[str, int], float]]) -> Table:
    """`preview`: per locale, how many strings are in each state and how complete it is.

    Each row is (locale, policy, count per status, percent translated). `missing` and
    `rejected` get a column only when some locale has them, so the table fits 80 columns."""
    states = ["translated", "fuzzy", "untranslated"]
    states += [s for s in ("missing", "rejected") if any(c.get(s) for _, _, c, _ in rows)]
    table = Table(title="Preview", title_justify="left")
    for column in ("locale", "policy", *states, "complete"):
        table.add_column(column, justify="left" if column in ("locale", "policy") else "right")
    for locale, policy, counts, percent in rows:
        waiting = sum(n for s, n in counts.items() if s != "translated")
        table.add_row(Text(locale), Text(policy), *(str(counts.get(s, 0)) for s in states),
                      f"{percent:.1f} %", style="yellow" if waiting else "")
    return table


def build_table(locales: Mapping[str, Mapping[str, Any]]) -> Table:
    """`build`: the manifest's view of each locale (completeness, share fallen back)."""
    table = Table(title="Build summary", title_justify="left")
    for column in ("locale", "policy", "bundles", "complete", "fell back to English"):
        table.add_column(column, justify="left" if column in ("locale", "policy") else "right")
    for tag, info in locales.items():
        complete = info.get("complete_percent")
        fallback = info.get("fallback_percent")
        table.add_row(Text(tag), Text(str(info.get("policy", ""))),
                      str(info.get("bundles", "")),
                      "" if complete is None else f"{complete:.1f} %",
                      "" if fallback is None else f"{fallback:.1f} %")
    return table


def watch(runs: Iterable[WatchRun], out: Console, folders: str, *,
          quiet: bool = False) -> WatchResult:
    """`watch`: the first run's problems, then after each save what appeared and what was
    fixed, with a one-line summary (errors only with `quiet`)."""
    from pipeline.stages.watch import WatchResult

    last: WatchRun | None = None
    count = -1
    for run in runs:
        if run.delta is None:
            print_diagnostics(run.result.diagnostics, "text", checked=run.result.checked_files,
                              out=out, quiet=quiet)
            out.print(Text(f"Watching {folders} for changes; press Ctrl-C to stop.",
                           style="dim"))
        else:
            print_delta(run.delta.appeared, run.delta.fixed, out=out, quiet=quiet)
            out.print(watch_summary(time.strftime("%H:%M:%S"), run.changed, run.delta.appeared,
                                    run.delta.fixed, run.result.errors(),
                                    run.result.warnings()))
        last, count = run, count + 1
    assert last is not None, "the first run always comes"
    return WatchResult(count, last.result)


# --------------------------------------------------------------------------------------------
# What each command says when it is done


def schemas_written(config: Config, written: Mapping[Path, bool], *, verbose: bool,
                    quiet: bool) -> None:
    if quiet:
        return
    out = console()
    for path, changed in written.items():
        if verbose or changed:
            out.print(f"{'wrote' if changed else 'unchanged'} {config.rel(path)}")
    out.print(f"{len(written)} schemas in {config.rel(config.schema_dir)}/, "
              f"{sum(written.values())} written.")


def extracted(config: Config, result: ExtractResult, documents: int, *, fmt: Format,
              quiet: bool) -> None:
    if result.notes:
        print_diagnostics(result.notes, fmt, checked=1)
    if quiet:
        return
    out = console()
    for path in result.written:
        out.print(f"wrote {config.rel(path)}")
    for path in result.removed:
        out.print(f"removed {config.rel(path)} (its document was deleted)")
    out.print(f"{documents} templates, {len(result.written)} written, "
              f"{len(result.removed)} removed.")


def locale_hint(config: Config, locales: Sequence[str]) -> str:
    """What `init` and `check` say of locales the configuration does not list: where to add
    them, and the very lines to write there."""
    def toml_list(values: Sequence[str]) -> str:
        return "[" + ", ".join(json.dumps(v) for v in values) + "]"  # JSON strings are TOML's

    names = " and ".join(repr(loc) for loc in locales)
    lines = [(f"optional_locales = {toml_list([*config.optional_locales, *locales])}",
              "reported, never fails a run"),
             (f"required_locales = {toml_list([*config.required_locales, *locales])}",
              "must be complete and pass every check")]
    width = max(len(line) for line, _ in lines)
    return (f"Add {names} to required_locales or optional_locales under [tool.pipeline] in "
            "pyproject.toml: check and build only handle configured locales. Change (or add) "
            "one of these lines there:\n" + "\n".join(f"    {line.ljust(width)}  # {why}"
                                               for line, why in lines))


def initialized(config: Config, locale: str, result: InitResult, *, fmt: Format,
                quiet: bool, verbose: bool) -> None:
    if result.notes or result.problems:
        print_diagnostics(result.notes + result.problems, fmt, checked=1)
    if result.problems or quiet:
        return
    out = console()
    for path in result.kept if verbose else []:
        out.print(f"kept {config.rel(path)} (already exists)")
    for path in result.created:
        out.print(f"created {config.rel(path)}")
    if not config.is_configured(locale):
        out.print(locale_hint(config, [locale]))
    out.print(f"{locale}: {len(result.created)} catalogs created, "
              f"{len(result.kept)} already there.")


def updated(config: Config, result: UpdateResult, *, fmt: Format, quiet: bool) -> None:
    if result.problems:
        print_diagnostics(result.notes + result.problems, fmt, checked=len(result.problems))
        return
    if result.notes or result.skipped:
        print_diagnostics(result.notes + result.skipped, fmt,
                          checked=len(result.written) + len(result.skipped) or 1)
    if quiet:
        return
    out = console()
    for path in result.written:
        out.print(f"updated {config.rel(path)}")
    summary = ", ".join(f"{result.counts[k]} {k}" for k in
                        ("translated", "fuzzy", "untranslated", "obsolete", "from memory"))
    out.print(f"{len(result.written)} catalogs written; entries: {summary}.")


def stats(progress_of: Mapping[str, tuple[Mapping[str, Progress], Progress]],
          reading: Mapping[str, Mapping[str, Reading | None]], target: float,
          withheld: Mapping[str, Mapping[str, str]], *, fmt: Format) -> None:
    out = console()
    if fmt == "json":
        from pipeline.gettext.stats import as_dict

        found = {locale: {"documents": {k: as_dict(v) for k, v in per_doc.items()},
                          "total": as_dict(total)}
                 for locale, (per_doc, total) in progress_of.items()}
        levels = {locale: {doc: None if r is None else {
                               "grade": round(r.grade, 1),
                               "ease": None if r.ease is None else round(r.ease, 1),
                               "formula": r.formula, "sentences": r.sentences,
                               "words": r.words}
                           for doc, r in per_doc.items()}
                  for locale, per_doc in reading.items()}
        for locale, hidden in withheld.items():
            if locale in found:
                found[locale]["withheld"] = dict(hidden)
        out.file.write(json.dumps({"version": 1, "locales": found,
                                   "reading": {"target_grade": target, "levels": levels}},
                                  indent=2) + "\n")
        return
    if fmt != "text":
        return
    if not progress_of:
        out.print("No locales yet: start one with 'pipeline init <locale>'.")
    for locale, (per_doc, total) in progress_of.items():
        out.print(progress_table(locale, dict(per_doc), total))
        for doc_id, why in withheld.get(locale, {}).items():
            out.print(Text(f"{doc_id}: left out of {locale} ({why})", style="yellow"))
    if reading:
        out.print(reading_table(reading, target))


def reading_table(reading: Mapping[str, Mapping[str, Reading | None]], target: float) -> Table:
    """Each document's school grade per language; above the target in red (W313 warns of it
    for exercises and guides)."""
    table = Table(title=Text(f"Reading level (school grade; target {target:g})"),
                  title_justify="left")
    table.add_column("document")
    for locale in reading:
        table.add_column(locale, justify="right")
    documents = sorted({doc for per_doc in reading.values() for doc in per_doc})
    for doc in documents:
        cells = []
        for per_doc in reading.values():
            found = per_doc.get(doc)
            cells.append(Text("–") if found is None else Text(
                f"{found.grade:.1f}", style="red" if found.grade > target else ""))
        table.add_row(Text(doc), *cells)
    return table


def checked(config: Config, view: CheckView, *, fmt: Format, quiet: bool,
            show_suppressed: bool = False) -> None:
    if fmt == "json":
        extra: dict[str, Any] = {
            "locales": {loc: {"errors": e, "warnings": w,
                              "required": loc in config.required_locales}
                        for loc, (e, w) in view.locales.items()},
            "suppressed": len(view.suppressed)}
        if show_suppressed:
            extra["suppressions"] = [
                {"path": d.path, "line": d.line, "code": d.code, "name": d.name,
                 "message": d.message, "reason": d.suppressed} for d in view.suppressed]
        print_diagnostics(view.shown, "json", checked=view.files, extra=extra)
        return
    print_diagnostics(view.shown, fmt, checked=view.files, quiet=quiet)
    if fmt != "text" or quiet:
        return
    if show_suppressed:
        suppressed(view.suppressed)
    elif view.suppressed:
        console().print(Text(f"{_count(len(view.suppressed), 'finding')} suppressed here by "
                             "ignore-… comments (check --show-suppressed lists them).",
                             style="dim"))
    if view.source or view.locales:
        console().print(check_table(view.source, view.locales, config.required_locales))


def suppressed(found: Sequence[Diagnostic]) -> None:
    """Each silenced finding with the reason its suppression gives: what a reviewer reads to
    decide whether each silence is still deserved."""
    out = console()
    out.print(Text(f"Suppressed: {_count(len(found), 'finding')}", style="bold"))
    for d in found:
        line = Text.assemble(f"{d.location()}: ", (f"{d.code} {d.name}", "dim"),
                             f": {d.message}")
        line.append(f" — suppressed: {d.suppressed}", style="italic")
        out.print(line)


def built(config: Config, result: BuildResult, *, fmt: Format, quiet: bool) -> None:
    if result.gate is not None and result.gate.errors():
        print_diagnostics(result.gate.diagnostics, fmt, checked=result.gate.checked_files,
                          quiet=True)
        console(sys.stderr).print("build stopped by the check above; build/ was not changed",
                                  style="bold red")
        return
    if result.problems:
        print_diagnostics(result.problems, fmt, checked=result.bundles)
        console(sys.stderr).print("build stopped by the problems above; "
                                  "build/ was not changed", style="bold red")
        return
    staging = sorted(tag for tag, info in result.locales.items() if info.get("staging"))
    if quiet and not staging:
        return
    if result.warnings and not quiet:
        print_diagnostics(result.warnings, fmt, checked=result.bundles)
    out = console()
    if fmt == "text" and not quiet:
        out.print(build_table(result.locales))
    if staging:
        # Loud whatever the format: this build must not reach production.
        console(sys.stderr).print(
            f"STAGING BUILD: required locale{'s' if len(staging) > 1 else ''} "
            f"{', '.join(staging)} fall{'' if len(staging) > 1 else 's'} back to English where "
            "translations are missing, fuzzy or unusable; the manifest marks "
            f"{'them' if len(staging) > 1 else 'it'} \"staging\": true. Do not deploy to "
            "production.", style="bold yellow")
    if quiet:
        return
    out.print(f"Built {result.bundles} bundles in {config.rel(config.build_dir)}/ "
              f"({result.exported} exported, {result.reused} unchanged).")


def previewed(config: Config, result: PreviewResult, *, fmt: Format, quiet: bool,
              verbose: bool) -> None:
    from pipeline.stages.preview import STATUSES

    if result.problems:
        print_diagnostics(result.problems, fmt, checked=result.checked, quiet=True)
        console(sys.stderr).print("preview not written: fix the source first",
                                  style="bold red")
        return
    out = console()
    if fmt == "json":
        out.file.write(json.dumps({"version": 1, "out": config.rel(result.out), "locales": {
            loc: {"strings": {s: result.tally(loc).counts[s] for s in STATUSES},
                  "percent": round(result.tally(loc).percent, 1)}
            for loc in result.locales}}, indent=2) + "\n")
        return
    if quiet:
        return
    if verbose:
        for page in result.pages:
            tally = page.tally
            out.print(f"{config.rel(result.out / page.rel)}: {tally.counts['translated']} of "
                      f"{tally.total} translated")
    if fmt == "text":
        rows = [(loc, "required" if loc in config.required_locales else "optional",
                 dict(result.tally(loc).counts), result.tally(loc).percent)
                for loc in result.locales]
        out.print(preview_table(rows))
    locales = len(result.locales)
    out.print(f"Wrote {result.documents} documents in {locales} "
              f"locale{'' if locales == 1 else 's'} to "
              f"{config.rel(result.out)}/; open {config.rel(result.out / 'index.html')} "
              "in a browser.")


def watched(result: WatchResult | None, out: Console) -> None:
    """How a watch session ended: after its `--max-runs`, or stopped with Ctrl-C (None)."""
    if result is None:
        out.print("Stopped watching.")
        return
    runs, last = result.runs, result.last
    out.print(f"Stopped after {runs} run{'' if runs == 1 else 's'}; {last.errors()} errors, "
              f"{last.warnings()} warnings.")


# --------------------------------------------------------------------------------------------
# Vendor files


def _exchange_problems(found: Sequence[Diagnostic], checked: int, extra: dict[str, object], *,
                       fmt: Format, quiet: bool) -> None:
    """Problems of an exchange command: always for tools, and for people when there are
    some (the command prints its own summary line)."""
    if fmt != "text" or found:
        print_diagnostics(list(found), fmt, checked=checked or 1, quiet=quiet,
                          extra=extra if fmt == "json" else None)


def xliff_exported(config: Config, exported: ExportResult, version: str, *, fmt: Format,
                   quiet: bool, verbose: bool) -> None:
    if exported.problems:
        print_diagnostics(exported.problems, fmt, checked=1, quiet=True)
        return
    files = [config.rel(p.absolute()) for p in exported.written + exported.unchanged]
    _exchange_problems([], len(files), {"files": sorted(files), "units": exported.units},
                       fmt=fmt, quiet=quiet)
    if fmt != "text" or quiet:
        return
    out = console()
    for path in exported.written:
        out.print(f"wrote {config.rel(path.absolute())}")
    for path in exported.unchanged if verbose else []:
        out.print(f"unchanged {config.rel(path.absolute())}")
    out.print(f"{exported.units} units in {len(files)} XLIFF {version} "
              f"files ({len(exported.written)} written).")


def _import_summary(counts: Mapping[str, int], written: int) -> str:
    applied = counts["translated"] + counts["fuzzy"]
    return (f"{applied} units applied ({counts['translated']} translated, {counts['fuzzy']} "
            f"fuzzy), {counts['unchanged']} unchanged, {counts['no translation']} without a "
            f"translation, {counts['stale']} stale, {counts['refused']} refused, "
            f"{counts['skipped']} skipped; {written} catalogs written.")


def _imported(imported: ImportResult, written: Sequence[str], checked: int,
              extra: dict[str, object], done: str, *, fmt: Format, quiet: bool) -> None:
    """An import's problems, then (for people) each catalog written and one summary line,
    or why nothing was imported."""
    _exchange_problems(imported.diagnostics, checked, extra, fmt=fmt, quiet=quiet)
    if fmt != "text" or quiet:
        return
    out = console()
    for shown in written:
        out.print(f"updated {shown}")
    out.print(done)


def xliff_imported(config: Config, imported: ImportResult, *, fmt: Format,
                   quiet: bool) -> None:
    written = [config.rel(p) for p in imported.written]
    units = {k: v for k, v in sorted(imported.counts.items()) if v}
    _imported(imported, written, imported.files, {"written": written, "units": units},
              "Nothing was imported: a file above cannot be used." if imported.stopped
              else _import_summary(imported.counts, len(written)), fmt=fmt, quiet=quiet)


def tmx_exported(config: Config, exported: TmxExport, path: Path | None, *, fmt: Format,
                 quiet: bool) -> None:
    """The export's problems; the TMX itself on standard output when no file was named."""
    if exported.problems:
        print_diagnostics(exported.problems, fmt, checked=1, quiet=True)
        return
    if path is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(exported.data)
        sys.stdout.buffer.flush()
        return
    shown = config.rel(path.absolute())
    _exchange_problems([], 1, {"file": shown, "pairs": exported.pairs,
                               "plural_left_out": exported.plural}, fmt=fmt, quiet=quiet)
    if fmt == "text" and not quiet:
        left = (f"; {exported.left_out} left out (characters XML cannot carry)"
                if exported.left_out else "")
        if exported.plural:
            left += (f"; {exported.plural} plural entr{'y' if exported.plural == 1 else 'ies'} "
                     "left out (TMX has no plural forms; exchange them in XLIFF)")
        console().print(f"{exported.pairs} translation pairs in {shown}{left}.")


def tmx_imported(config: Config, imported: ImportResult, *, fmt: Format, quiet: bool) -> None:
    written = [config.rel(p) for p in imported.written]
    counts = imported.counts
    _imported(imported, written, 1, {"written": written, "filled": counts["fuzzy"]},
              "Nothing was imported: the file above cannot be used." if imported.stopped
              else f"{counts['fuzzy']} untranslated entries filled as fuzzy, "
                   f"{counts['refused']} refused; {len(written)} catalogs written.",
              fmt=fmt, quiet=quiet)
