"""`pipeline xliff export`: a locale's catalogs as XLIFF files, one per document; and the
reading side every import starts from.

One file per document rather than one file with a `<file>` per document: every CAT tool
opens a single-file XLIFF, while several tools (and several 1.2 readers, translate-toolkit's
xliff2po among them) take only the first `<file>` of a multi-file document or split it
themselves; a vendor can also hand out, count and return documents one by one, and a file
maps to exactly one catalog. Files are named `<document>.<locale>.xlf`, hold no timestamp,
and are written only when their bytes change: the same catalogs give the same files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.core.config import Config, UsageError
from pipeline.core.diagnostics import Diagnostic, count_errors
from pipeline.exchange import XLIFF_VERSIONS, xliff12, xliff20
from pipeline.exchange.units import ReadUnit, bcp47, export_units
from pipeline.exchange.xmlsafe import MAX_XLIFF_BYTES, fail, local, namespace, read_xml, serialize
from pipeline.gettext.locales import normalize, parse
from pipeline.gettext.pofiles import PoReadError
from pipeline.infra.fsutil import write_if_changed
from pipeline.stages import update
from pipeline.stages.gate import unit_index
from pipeline.stages.validate import validate_project


@dataclass
class ExportResult:
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    units: int = 0
    problems: list[Diagnostic] = field(default_factory=list)


def locale_with_catalogs(config: Config, code: str) -> str:
    """A locale given on the command line, known to CLDR and with catalogs here
    (UsageError, exit status 2, otherwise)."""
    locale = normalize(code)
    parse(locale)
    if not config.catalog_dir(locale).is_dir():
        raise UsageError(f"no catalogs for {locale!r} in "
                         f"{config.rel(config.locales_dir)}/; start them with "
                         f"'pipeline init {locale}'")
    return locale


def output_folder(config: Config, out: Path) -> Path:
    """Where exported files go: any folder but the project's own content folders (E602,
    exit status 2), which the tool never writes vendor files into."""
    real = out.resolve()
    for kept in (config.source_dir, config.locales_dir, config.schema_dir):
        inner = kept.resolve()
        if real == inner or real.is_relative_to(inner) or inner.is_relative_to(real):
            raise UsageError(f"{config.rel(out)} is inside or around "
                             f"{config.rel(kept)}/; export somewhere else", "E602")
    if real.exists() and not real.is_dir():
        raise UsageError(f"{config.rel(out)} exists and is not a folder")
    return out


def export_xliff(config: Config, locale_code: str, out: Path, *, everything: bool = False,
                 version: str = "2.0") -> ExportResult:
    """Write one XLIFF file per document with units to export; problems (invalid source,
    an unreadable catalog) stop it before anything is written."""
    if version not in XLIFF_VERSIONS:
        raise UsageError(f"XLIFF version {version!r}; choose {' or '.join(XLIFF_VERSIONS)}")
    locale = locale_with_catalogs(config, locale_code)
    out = output_folder(config, out)
    result = ExportResult()
    library, problems = validate_project(config)
    if count_errors(problems):
        result.problems = problems
        return result
    try:
        catalogs = update.read_catalogs(config, locale)
    except PoReadError as exc:
        result.problems = [exc.diagnostic]
        return result
    index = unit_index(library)
    source_lang, target_lang = bcp47(config.source_locale), bcp47(locale)
    for path, catalog in catalogs.items():
        document = path.stem
        units = export_units(document, catalog, index.get(document, {}), everything)
        if not units:
            continue
        original = config.rel(path)
        root = (xliff20.document(units, document, original, source_lang, target_lang)
                if version == "2.0" else
                xliff12.document(units, original, source_lang, target_lang))
        target = out / f"{document}.{locale}.xlf"
        changed = write_if_changed(target, serialize(root), config.rel(target))
        (result.written if changed else result.unchanged).append(target)
        result.units += len(units)
    return result


@dataclass(frozen=True)
class ReadFile:
    """What one vendor file holds, as far as an import needs it."""

    shown: str
    version: str
    source_lang: str
    target_lang: str
    line: int
    units: list[ReadUnit]
    problems: list[Diagnostic]


def read_xliff(path: Path, shown: str, max_bytes: int = MAX_XLIFF_BYTES) -> ReadFile:
    """An XLIFF 1.2 or 2.x file, read safely (ExchangeFileError when it is not usable)."""
    root = read_xml(path, shown, max_bytes).getroot()
    line = root.sourceline or 0
    if local(root) != "xliff" or namespace(root) not in (xliff12.NS, xliff20.NS):
        shown_ns = namespace(root) or "no namespace"
        fail(shown, line, "E704", f"not an XLIFF 1.2 or 2.0 document (root element "
                                  f"<{local(root) or '?'}> in {shown_ns})")
    if namespace(root) == xliff12.NS:
        source, target, units, problems = xliff12.read(root, shown)
        version = "1.2"
    else:
        source, target, units, problems = xliff20.read(root, shown)
        version = root.get("version", "2.0")
    return ReadFile(shown, version, source, target, line, units, problems)
