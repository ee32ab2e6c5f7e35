"""Command line: parse arguments, call the stage, print the report, return the exit status.

Exit status: 0 clean, 1 content or translation problems, 2 usage errors.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from . import __version__
from .config import Config, UsageError, load_config
from .diagnostics import count_errors
from .fsutil import write_if_changed
from .report import console, print_diagnostics
from .schema import schema_files
from .validate import validate_project

Command = Callable[[argparse.Namespace, Config], int]
COMMANDS: dict[str, tuple[Command, str]] = {}


def command(name: str, help_text: str) -> Callable[[Command], Command]:
    def register(func: Command) -> Command:
        COMMANDS[name] = (func, help_text)
        return func
    return register


@command("validate", "Validate every source document and report every problem.")
def cmd_validate(args: argparse.Namespace, config: Config) -> int:
    library, problems = validate_project(config)
    checked = sum(1 for _ in config.source_dir.rglob("*.y*ml"))
    print_diagnostics(problems, args.format, checked=checked, quiet=args.quiet)
    return 1 if count_errors(problems) else 0


@command("schema", "Write the editor JSON Schemas for each document kind.")
def cmd_schema(args: argparse.Namespace, config: Config) -> int:
    out = console()
    for path, content in schema_files(config.schema_dir).items():
        changed = write_if_changed(path, content)
        if args.verbose or changed:
            out.print(f"{'wrote' if changed else 'unchanged'} {config.rel(path)}")
    return 0


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


OPTIONS: dict[str, list[Callable[[argparse.ArgumentParser], None]]] = {}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        config = load_config(args.root)
        func, _ = COMMANDS[args.command]
        return func(args, config)
    except UsageError as exc:
        print(f"pipeline: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("pipeline: interrupted; nothing was half-written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
