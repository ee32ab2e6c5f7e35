"""Command line: parse arguments, call the stage, print the report, return the exit status.

Exit status: 0 clean, 1 content or translation problems, 2 usage errors.

Each command imports its stage when it runs, so a command loads only what it uses: a build
with nothing to do never loads the models, the catalogs' readers or the exporters.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import __version__, report
from pipeline.core.codes import CODES
from pipeline.core.config import Config, UsageError, load_config
from pipeline.core.diagnostics import Diagnostic, count_errors
from pipeline.core.environment import Environment
from pipeline.core.files import FileSystemError, fs_error
from pipeline.core.text import printable
from pipeline.exchange import XLIFF_VERSIONS
from pipeline.infra import progress
from pipeline.report import console, print_diagnostics

if TYPE_CHECKING:
    from pipeline.content.library import Library
    from pipeline.gettext.stats import Progress

Command = Callable[[argparse.Namespace, Config], int]
COMMANDS: dict[str, tuple[Command, str]] = {}


def command(name: str, help_text: str) -> Callable[[Command], Command]:
    def register(func: Command) -> Command:
        COMMANDS[name] = (func, help_text)
        return func
    return register


@command("validate", "Validate every source document and report every problem.")
def cmd_validate(args: argparse.Namespace, config: Config) -> int:
    from pipeline.content.loader import iter_source_files
    from pipeline.stages.validate import validate_project

    library, problems = validate_project(config)
    checked = sum(1 for _ in iter_source_files(config.source_dir))
    print_diagnostics(problems, args.format, checked=checked, quiet=args.quiet)
    return 1 if count_errors(problems) else 0


@command("schema", "Write the editor JSON Schemas for each document kind.")
def cmd_schema(args: argparse.Namespace, config: Config) -> int:
    from pipeline.stages.schemas import write_schemas

    report.schemas_written(config, write_schemas(config), verbose=args.verbose,
                           quiet=args.quiet)
    return 0


def _validated(args: argparse.Namespace, config: Config) -> tuple[int, Library]:
    """Validate first: later stages never run on content with errors."""
    from pipeline.stages.validate import validate_project

    library, problems = validate_project(config)
    if count_errors(problems):
        print_diagnostics(problems, args.format, checked=len(library) or 1, quiet=True)
        return 1, library
    return 0, library


@command("extract", "Write one gettext template (.pot) per source document.")
def cmd_extract(args: argparse.Namespace, config: Config) -> int:
    from pipeline.stages.extract import run_extract

    status, library = _validated(args, config)
    if status:
        return status
    report.extracted(config, run_extract(config, library), len(library), fmt=args.format,
                     quiet=args.quiet)
    return 0


@command("init", "Create catalogs for a new locale from the templates.")
def cmd_init(args: argparse.Namespace, config: Config) -> int:
    from pipeline.gettext.locales import normalize, parse
    from pipeline.stages import update

    locale = normalize(args.locale)
    parse(locale)
    result = update.run_init(config, locale)
    report.initialized(config, locale, result, fmt=args.format, quiet=args.quiet,
                       verbose=args.verbose)
    return 1 if result.problems else 0


def _locales(args: argparse.Namespace, config: Config) -> list[str]:
    from pipeline.gettext.locales import normalize

    if getattr(args, "locale", None):
        return [normalize(args.locale)]
    found = set(config.locales)
    if config.locales_dir.is_dir():
        found |= {p.name for p in config.locales_dir.iterdir()
                  if p.is_dir() and p.name != "templates" and (p / "LC_MESSAGES").is_dir()}
    return sorted(found)


@command("update", "Merge the templates into every locale's catalogs.")
def cmd_update(args: argparse.Namespace, config: Config) -> int:
    from pipeline.stages import update

    result = update.run_update(config, _locales(args, config))
    report.updated(config, result, fmt=args.format, quiet=args.quiet)
    return 0 if result.ok else 1


@command("stats", "Show translation progress per locale and document.")
def cmd_stats(args: argparse.Namespace, config: Config) -> int:
    from pipeline.content.readability import Reading
    from pipeline.gettext.pofiles import PoReadError, read_catalog
    from pipeline.gettext.stats import locale_progress, locale_reading, withheld_documents
    from pipeline.gettext.templates import existing_templates
    from pipeline.stages import update
    from pipeline.stages.validate import validate_project

    progress_of: dict[str, tuple[dict[str, Progress], Progress]] = {}
    reading: dict[str, dict[str, Reading | None]] = {}
    withheld: dict[str, dict[str, str]] = {}
    library, _ = validate_project(config)
    try:
        reading[config.source_locale] = locale_reading(
            {path: read_catalog(path, config.rel(path)) for path in existing_templates(config)},
            config.source_locale, english=True)
        for locale in _locales(args, config):
            catalogs = update.read_catalogs(config, locale)
            progress_of[locale] = locale_progress(catalogs)
            reading[locale] = locale_reading(catalogs, locale)
            if locale in config.optional_locales:
                withheld[locale] = withheld_documents(library, catalogs)
    except PoReadError as exc:
        print_diagnostics([exc.diagnostic], args.format, checked=1)
        return 1
    report.stats(progress_of, reading, config.reading_grade, withheld, fmt=args.format)
    return 0


@command("check", "The CI gate: validation, freshness and translation checks.")
def cmd_check(args: argparse.Namespace, config: Config) -> int:
    from pipeline.gettext.locales import normalize, parse
    from pipeline.stages.gate import check_view, run_gate

    missing = [p for p in args.paths if not os.path.lexists(p)]
    if missing:  # a typo would otherwise report "no problems" about nothing
        raise UsageError(f"no such file or folder: {', '.join(repr(p) for p in missing)}")
    locales = [normalize(loc) for loc in args.locale] if args.locale else list(config.locales)
    unconfigured = ([loc for loc in locales if not config.is_configured(loc)]
                    if args.locale else [])
    if unconfigured:  # its catalogs would all read as missing, under no policy at all
        for loc in unconfigured:
            parse(loc)  # a code CLDR does not know is E409, not something to configure
        what = ("is not a configured locale" if len(unconfigured) == 1
                else "are not configured locales")
        raise UsageError(f"{' and '.join(repr(loc) for loc in unconfigured)} {what}. "
                         f"{report.locale_hint(config, unconfigured)}")
    result = run_gate(config, args.locale or None)
    view = check_view(config, result, locales, [Path(p) for p in args.paths],
                      verbose=args.verbose)
    report.checked(config, view, fmt=args.format, quiet=args.quiet,
                   show_suppressed=args.show_suppressed)
    return 1 if count_errors(view.shown) else 0


@command("build", "Gate, then export localized JSON bundles, manifest and schemas to build/.")
def cmd_build(args: argparse.Namespace, config: Config) -> int:
    from pipeline.stages.build import run_build

    result = run_build(config, clean=args.clean, allow_incomplete=args.allow_incomplete)
    report.built(config, result, fmt=args.format, quiet=args.quiet)
    return 0 if result.ok else 1


@command("preview", "Write a static HTML preview: English beside each translation.")
def cmd_preview(args: argparse.Namespace, config: Config) -> int:
    from pipeline.stages import preview as site

    out_dir = args.out.resolve() if args.out else None
    result = site.build_preview(config, args.locale or None, out_dir)
    report.previewed(config, result, fmt=args.format, quiet=args.quiet, verbose=args.verbose)
    return 1 if result.problems else 0


@command("watch", "Check again on every save under source/ and locales/; print what changed.")
def cmd_watch(args: argparse.Namespace, config: Config) -> int:
    if args.format != "text":
        raise UsageError("watch prints text for people; use 'check --format "
                         f"{args.format}' for tools")
    from pipeline.stages import watch as watcher

    out = console()
    changes = watcher.file_changes(config)
    try:
        report.watched(report.watch(watcher.runs(config, changes, locales=args.locale,
                                                  max_runs=args.max_runs),
                                     out, watcher.folders_shown(config), quiet=args.quiet),
                       out)
    except KeyboardInterrupt:
        report.watched(None, out)
    return 0


@command("xliff", "Exchange with translation vendors: export XLIFF for CAT tools, import "
                  "their work.")
def cmd_xliff(args: argparse.Namespace, config: Config) -> int:
    from pipeline.exchange import apply as exchange_apply
    from pipeline.exchange import xliff as exchange_xliff

    if args.action == "export":
        if args.files:
            raise UsageError("xliff export takes no files; use -o DIR for the output folder")
        if not args.locale:
            raise UsageError("xliff export needs --locale (the language to translate into)")
        if args.output is None:
            raise UsageError("xliff export needs -o DIR (where to write the XLIFF files)")
        exported = exchange_xliff.export_xliff(config, args.locale, args.output,
                                               everything=args.all,
                                               version=args.xliff_version)
        report.xliff_exported(config, exported, args.xliff_version, fmt=args.format,
                              quiet=args.quiet, verbose=args.verbose)
        return 1 if exported.problems else 0
    if args.locale or args.output is not None or args.all:
        raise UsageError("--locale, --all and -o are for 'xliff export'; an import reads the "
                         "language from each file")
    if not args.files:
        raise UsageError("xliff import needs the XLIFF files to read")
    imported = exchange_apply.import_xliff(config, [Path(f) for f in args.files])
    report.xliff_imported(config, imported, fmt=args.format, quiet=args.quiet)
    return 0 if imported.ok else 1


@command("tmx", "The locale's translation memory as TMX 1.4b, or a vendor's TMX into "
                "untranslated entries.")
def cmd_tmx(args: argparse.Namespace, config: Config) -> int:
    from pipeline.exchange import tmx as exchange_tmx

    if not args.locale:
        raise UsageError(f"tmx {args.action} needs --locale")
    if args.action == "export":
        if args.files:
            raise UsageError("tmx export takes no files; use -o FILE (default: standard output)")
        exported = exchange_tmx.export_tmx(config, args.locale)
        if args.output is not None and not exported.problems:
            exchange_tmx.save(config, exported, args.output)
        report.tmx_exported(config, exported, args.output, fmt=args.format, quiet=args.quiet)
        return 1 if exported.problems else 0
    if len(args.files) != 1 or args.output is not None or args.all:
        raise UsageError("tmx import reads one TMX file: pipeline tmx import FILE --locale LL")
    imported = exchange_tmx.import_tmx(config, Path(args.files[0]), args.locale)
    report.tmx_imported(config, imported, fmt=args.format, quiet=args.quiet)
    return 0 if imported.ok else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pipeline",
        description="Validate exercise content, manage its translations and export bundles.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", type=Path, help="project folder (default: nearest "
                        "pyproject.toml with [tool.pipeline])")
    common.add_argument("--format", choices=("text", "json", "github"), default="text",
                        help="output format for problems (default: text)")
    noise = common.add_mutually_exclusive_group()
    noise.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    noise.add_argument("-v", "--verbose", action="store_true", help="print more detail")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (_, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text, parents=[common])
        _add_options(name, p)
    return parser


def _add_options(name: str, parser: argparse.ArgumentParser) -> None:
    """Per-command options; kept here so each command's needs are visible in one place."""
    for extra in OPTIONS.get(name, ()):
        extra(parser)


def _locale_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("locale", help="locale code, e.g. fr or pt_BR")


def _locale_filter(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--locale", help="only this locale")


def _check_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--locale", action="append", help="only this locale (repeatable)")
    parser.add_argument("paths", nargs="*", help="only report on these files or folders")
    parser.add_argument("--show-suppressed", action="store_true",
                        help="also list the findings ignore-… comments silence, with reasons")


def _build_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--clean", action="store_true",
                        help="ignore the cache and export everything")
    parser.add_argument("--allow-incomplete", action="store_true",
                        help="staging build: required locales fall back to English where a "
                             "translation is missing, fuzzy or unusable (marked in the "
                             "manifest; never for production)")


def _preview_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--locale", action="append",
                        help="only this locale (repeatable; default: every configured locale)")
    parser.add_argument("--out", type=Path, help="output folder (default: build/preview)")


def _watch_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--locale", action="append", help="only this locale (repeatable)")
    parser.add_argument("--max-runs", type=_positive, metavar="N",
                        help="stop after N runs that followed a change (default: never)")


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number")
    return value



# What an exchange command can report besides catalog, source and translation-check codes;
# listed in its --help.
EXCHANGE_CODES = ("E701", "E702", "E703", "E704", "W705", "W706", "E707", "E708", "E709")


def _exchange_options(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = "problems with a vendor's file:\n" + "\n".join(
        f"  {code} {CODES[code].name}" for code in EXCHANGE_CODES)
    parser.add_argument("action", choices=("export", "import"), help="export or import")
    parser.add_argument("files", nargs="*", metavar="FILE", help="files to import")
    parser.add_argument("--locale", help="the locale: needed by xliff export and by tmx")
    parser.add_argument("-o", "--output", type=Path, metavar="PATH",
                        help="where to write the export")


def _xliff_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--all", action="store_true",
                        help="export every live entry, not only untranslated and fuzzy ones")
    parser.add_argument("--xliff-version", choices=XLIFF_VERSIONS, default=XLIFF_VERSIONS[0],
                        help="XLIFF version to write (default: 2.0); --format stays the "
                             "format of problems")


def _tmx_options(parser: argparse.ArgumentParser) -> None:
    parser.set_defaults(all=False)


OPTIONS: dict[str, list[Callable[[argparse.ArgumentParser], None]]] = {
    "check": [_check_options],
    "build": [_build_options],
    "init": [_locale_arg],
    "update": [_locale_filter],
    "stats": [_locale_filter],
    "preview": [_preview_options],
    "watch": [_watch_options],
    "xliff": [_exchange_options, _xliff_options],
    "tmx": [_exchange_options, _tmx_options],
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    config: Config | None = None
    try:
        config = load_config(args.root, Environment.read(os.environ))
        progress.configure(enabled=not args.quiet and getattr(args, "format", "text") == "text")
        func, _ = COMMANDS[args.command]
        return func(args, config)
    except UsageError as exc:
        prefix = f"{exc.code} {CODES[exc.code].name}: " if exc.code else ""
        print(f"pipeline: error: {prefix}{exc}", file=sys.stderr)
        return 2
    except FileSystemError as exc:
        return _file_system_fault(args, config, exc.diagnostic)
    except OSError as exc:
        # A fault no stage named itself (disk full in the middle of a build, say): located
        # at the file the system names, exit status 1, never a traceback.
        name = exc.filename if exc.filename is not None else (config.root if config else ".")
        shown = printable(os.fsdecode(name) if isinstance(name, (str, bytes, os.PathLike))
                          else str(name))
        found = fs_error(shown, exc, f"complete '{args.command}'").diagnostic
        return _file_system_fault(args, config, found)
    except KeyboardInterrupt:
        # Every write replaces a whole file (or folder) by a rename: none is half-written,
        # but a run stopped halfway may have replaced some files and not others yet.
        print("pipeline: interrupted; every file is either as it was or completely written; "
              "run the command again to complete it", file=sys.stderr)
        return 130


def _file_system_fault(args: argparse.Namespace, config: Config | None,
                       found: Diagnostic) -> int:
    """Report an E013 like any other problem, in the chosen format and with the path as a
    writer sees it; exit status 1 (the state was left as it was: the run can be repeated)."""
    path = Path(found.path)
    if config is not None and path.is_absolute():
        found = replace(found, path=config.rel(path))
    try:
        print_diagnostics([found], args.format, checked=1)
    except OSError:  # the output itself is what failed (a closed pipe, a full disk)
        print(f"pipeline: error: {found.format()}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
