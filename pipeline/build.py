"""`build`: gate, export every (locale, document), write manifest and schemas, swap in.

The new build is assembled in a staging folder next to `build/` and swapped in only when
complete, so a failure or an interruption leaves the previous build as it was. Bundles whose
inputs did not change are copied from the previous build (content-hash cache), which gives
the same bytes as a clean build.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polib

from . import __version__
from .catalogs import locale_memory
from .config import Config, UsageError
from .diagnostics import Diagnostic
from .fsutil import LockBusy, exclusive
from .export import BUNDLE_MODELS, Translator, bcp47, export_document, localized_glossary, render_json
from .gate import GateResult, run_gate
from .library import Library
from .stats import Progress, progress
from .textunits import iter_texts

CACHE_NAME = ".cache.json"


@dataclass
class BuildResult:
    gate: GateResult
    problems: list[Diagnostic] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    exported: int = 0
    reused: int = 0
    bundles: int = 0
    ok: bool = False


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def source_revision(root: Path) -> str | None:
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True,
                              text=True, timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "source", "locales"],
                               cwd=root, capture_output=True, text=True, timeout=10,
                               check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{head}+dirty" if dirty else head


def _recover(config: Config) -> None:
    """Undo what an interrupted swap or build left behind."""
    parent, name = config.build_dir.parent, config.build_dir.name
    olds = sorted(parent.glob(f".{name}.old-*"))
    if not config.build_dir.exists() and olds:
        os.replace(olds[-1], config.build_dir)
        olds = olds[:-1]
    for leftover in [*olds, *parent.glob(f".{name}.tmp-*")]:
        shutil.rmtree(leftover, ignore_errors=True)


def _swap(stage: Path, target: Path) -> None:
    old = target.parent / f".{target.name}.old-{os.getpid()}"
    try:
        if target.exists():
            os.replace(target, old)
        os.replace(stage, target)
    except BaseException:
        # Interrupted (Ctrl-C) or failed between the two renames: put the previous build back.
        if old.exists() and not target.exists():
            os.replace(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


@functools.cache
def _code_fingerprint() -> str:
    """The pipeline's own code: a bundle made by different code is never reused, even when
    the version number was not bumped."""
    package = Path(__file__).parent
    return _sha(b"".join(p.read_bytes() for p in sorted(package.glob("*.py"))))


def _read_cache(build_dir: Path) -> dict[str, dict[str, str]]:
    try:
        data = json.loads((build_dir / CACHE_NAME).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def run_build(config: Config, *, clean: bool = False) -> BuildResult:
    """Build under a lock: two builds at once would each swap the other's staging folder."""
    lock = config.build_dir.parent / f".{config.build_dir.name}.lock"
    try:
        with exclusive(lock):
            return _build(config, clean)
    except LockBusy:
        raise UsageError(f"another pipeline run is writing {config.rel(config.build_dir)}/ "
                         f"({config.rel(lock)}); wait for it to finish", "E411") from None


def _build(config: Config, clean: bool) -> BuildResult:
    # First, so a build/ left aside by an interrupted swap is back even if the gate fails.
    _recover(config)
    gate = run_gate(config)
    result = BuildResult(gate)
    if gate.errors():
        return result
    library = gate.library
    stage = config.build_dir.parent / f".{config.build_dir.name}.tmp-{os.getpid()}"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    try:
        files, cache, locale_info = _export_all(config, library, clean, result)
        if result.problems:
            shutil.rmtree(stage, ignore_errors=True)
            return result
        for kind, model in sorted(BUNDLE_MODELS.items()):
            schema = model.model_json_schema()
            schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
            files[f"schema/{kind}.json"] = render_json(schema).encode()
        for rel, data in files.items():
            target = stage / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        manifest = {
            "generator": f"exercise-content-pipeline {__version__}",
            "source_revision": source_revision(config.root),
            "source_locale": bcp47(config.source_locale),
            "locales": locale_info,
            "bundles": {rel: {"sha256": _sha(data), "bytes": len(data)}
                        for rel, data in sorted(files.items())
                        if not rel.startswith(("schema/", "mo/"))},
        }
        (stage / "manifest.json").write_text(render_json(manifest), encoding="utf-8")
        (stage / CACHE_NAME).write_text(render_json(cache), encoding="utf-8")
        _swap(stage, config.build_dir)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    result.ok = True
    return result


def _export_all(config: Config, library: Library, clean: bool,
                result: BuildResult) -> tuple[dict[str, bytes], dict[str, dict[str, str]],
                                              dict[str, Any]]:
    old_cache = {} if clean else _read_cache(config.build_dir)
    cache: dict[str, dict[str, str]] = {}
    files: dict[str, bytes] = {}
    locale_info: dict[str, Any] = {}
    glossary_doc = library.documents.get("glossary")
    locales: list[tuple[str, str]] = [(config.source_locale, "source")]
    locales += [(loc, "required") for loc in config.required_locales]
    locales += [(loc, "optional") for loc in config.optional_locales]
    if config.pseudo_locale:
        locales.append((config.pseudo_locale, "pseudo"))
    for locale, policy in locales:
        tag = bcp47(locale)
        catalogs: dict[str, polib.POFile] = {}
        raw: dict[str, bytes] = {}
        if policy in ("required", "optional"):
            _, by_path = locale_memory(config, locale)
            catalogs = {p.stem: c for p, c in by_path.items()}
            raw = {p.stem: p.read_bytes() for p in by_path}
            if config.compile_mo:
                for stem, catalog in catalogs.items():
                    files[f"mo/{locale}/LC_MESSAGES/{stem}.mo"] = catalog.to_binary()
        pseudo, source = policy == "pseudo", policy == "source"
        glossary = localized_glossary(
            library, Translator(locale, catalogs.get("glossary"), pseudo, source)
        ) if glossary_doc else None
        totals = Progress()
        texts = fallen = 0
        for doc in library:
            rel = f"{tag}/{doc.id}.json"
            inputs = "\0".join([
                __version__, _code_fingerprint(), tag, policy, doc.model.model_dump_json(),
                _sha(raw.get(doc.id, b"")), _sha(raw.get("glossary", b"")),
                glossary_doc.model.model_dump_json() if glossary_doc else "",
            ])
            key = _sha(inputs.encode())
            catalog = catalogs.get(doc.id)
            if catalog is not None:
                totals.add(progress(catalog))
            previous = old_cache.get(rel)
            old_file = config.build_dir / rel
            translate = Translator(locale, catalog, pseudo, source)
            if previous and previous.get("input") == key and old_file.is_file():
                data = old_file.read_bytes()
                if _sha(data) == previous.get("output"):
                    files[rel] = data
                    cache[rel] = previous
                    result.reused += 1
                    fallbacks = json.loads(data).get("fallbacks", [])
                    texts += int(previous.get("texts", "0"))
                    fallen += len(fallbacks)
                    continue
            display = config.rel(config.catalog_dir(locale) / f"{doc.id}.po")
            text, problems = export_document(doc, tag, translate, glossary, display,
                                             fall_back=policy == "optional")
            if text is None:
                result.problems += problems
                continue
            result.warnings += problems
            assert text is not None
            data = text.encode("utf-8")
            count = sum(1 for _ in iter_texts(doc.model))
            files[rel] = data
            cache[rel] = {"input": key, "output": _sha(data), "texts": str(count)}
            texts += count
            fallen += len(translate.fallbacks)
            result.exported += 1
        result.bundles += len(library)
        info: dict[str, Any] = {"policy": policy, "bundles": len(library)}
        if policy in ("required", "optional"):
            info["complete_percent"] = round(totals.percent, 1)
            info["fallback_percent"] = round(100.0 * fallen / texts, 1) if texts else 0.0
        locale_info[tag] = info
    return files, cache, locale_info

