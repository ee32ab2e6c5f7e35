"""`build`: gate, export every (locale, document), write manifest and schemas, swap in.

The new build is assembled in a staging folder next to `build/` and swapped in only when
complete, so a failure or an interruption leaves the previous build as it was. Bundles whose
inputs did not change are copied from the previous build (content-hash cache), which gives
the same bytes as a clean build.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import polib

from . import __version__, parallel
from .cache import code_fingerprint, library_versions
from .config import Config
from .diagnostics import Diagnostic
from .fsutil import exclusive
from .export import BUNDLE_MODELS, Translator, bcp47, export_document, localized_glossary, render_json
from .gate import GateResult, run_gate
from .library import Library
from .pofiles import read_catalog
from .stats import Progress, progress
from .textunits import iter_texts

CACHE_NAME = ".cache.json"
# The cache entry describing the whole build (not a file of it).
META = "build"


@dataclass
class BuildResult:
    gate: GateResult
    problems: list[Diagnostic] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    exported: int = 0
    reused: int = 0
    bundles: int = 0
    ok: bool = False
    # Outputs identical to the previous build's: linked into the new build, not rewritten.
    carried: set[str] = field(default_factory=set, repr=False)


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


def _read_cache(build_dir: Path) -> dict[str, Any]:
    try:
        data = json.loads((build_dir / CACHE_NAME).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def run_build(config: Config, *, clean: bool = False) -> BuildResult:
    """Build under a lock: two builds at once would each swap the other's staging folder."""
    lock = config.build_dir.parent / f".{config.build_dir.name}.lock"
    with exclusive(lock, f"writing {config.rel(config.build_dir)}/", config.rel(lock)):
        return _build(config, clean)


def _input_files(config: Config) -> list[Path]:
    """Every file a build reads: settings, source, editor schemas, templates and catalogs."""
    found = [config.root / "pyproject.toml"]
    for folder in (config.source_dir, config.schema_dir, config.locales_dir):
        if folder.is_dir():
            found += [p for p in folder.rglob("*")
                      if p.is_file() and p.name != ".pipeline.lock"]
    return sorted(set(found))


def inputs_fingerprint(config: Config) -> str:
    """One hash of everything a build depends on: the bytes of every input file (by path),
    the source revision the manifest records, and the code and libraries that do the work.
    Equal fingerprints give equal builds, so the gate and export need not run again."""
    digest = hashlib.sha256()
    versions = [library_versions(), code_fingerprint(), str(source_revision(config.root))]
    digest.update("\0".join(versions).encode())
    for path in _input_files(config):
        digest.update(config.rel(path).encode() + b"\0" + _sha(path.read_bytes()).encode())
    return digest.hexdigest()


def _tree(build_dir: Path) -> dict[str, str]:
    """sha256 of every file of a build (its cache file aside), by relative path."""
    return {p.relative_to(build_dir).as_posix(): _sha(p.read_bytes())
            for p in sorted(build_dir.rglob("*")) if p.is_file() and p.name != CACHE_NAME}


def _unchanged(config: Config, fingerprint: str) -> BuildResult | None:
    """The previous build's result when neither its inputs nor its files have changed since
    (a tampered or half-deleted build/ is rebuilt)."""
    meta = _read_cache(config.build_dir).get(META)
    if not isinstance(meta, dict) or meta.get("inputs") != fingerprint:
        return None
    if _tree(config.build_dir) != meta.get("tree"):
        return None
    result = BuildResult(GateResult(Library()), ok=True)
    result.bundles = result.reused = int(meta.get("bundles", 0))
    result.warnings = [Diagnostic(**d) for d in meta.get("warnings", [])]
    return result


def _build(config: Config, clean: bool) -> BuildResult:
    # First, so a build/ left aside by an interrupted swap is back even if the gate fails.
    _recover(config)
    fingerprint = inputs_fingerprint(config)
    if not clean and (same := _unchanged(config, fingerprint)) is not None:
        return same
    gate = run_gate(config)
    result = BuildResult(gate)
    if gate.errors():
        return result
    library = gate.library
    stage = config.build_dir.parent / f".{config.build_dir.name}.tmp-{os.getpid()}"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    try:
        outputs, cache, locale_info = _export_all(config, library, clean, result, gate, stage)
        if result.problems:
            shutil.rmtree(stage, ignore_errors=True)
            return result
        for kind, model in sorted(BUNDLE_MODELS.items()):
            schema = model.model_json_schema()
            schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
            data = render_json(schema).encode()
            rel = f"schema/{kind}.json"
            (stage / rel).parent.mkdir(parents=True, exist_ok=True)
            _place(config.build_dir / rel, stage / rel, data, carried=False)
            outputs[rel] = _Output(_sha(data), len(data))
        manifest = {
            "generator": f"exercise-content-pipeline {__version__}",
            "source_revision": source_revision(config.root),
            "source_locale": bcp47(config.source_locale),
            "locales": locale_info,
            "bundles": {rel: {"sha256": out.sha256, "bytes": out.size}
                        for rel, out in sorted(outputs.items())
                        if not rel.startswith(("schema/", "mo/"))},
        }
        data = render_json(manifest).encode()
        (stage / "manifest.json").write_bytes(data)
        tree = {rel: out.sha256 for rel, out in outputs.items()}
        tree["manifest.json"] = _sha(data)
        cache[META] = {
            "inputs": fingerprint, "bundles": result.bundles,
            "tree": dict(sorted(tree.items())),
            "warnings": [dataclasses.asdict(d) for d in result.warnings],
        }
        (stage / CACHE_NAME).write_text(render_json(cache), encoding="utf-8")
        _keep_preview(config.build_dir, stage)
        _swap(stage, config.build_dir)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    result.ok = True
    return result


@dataclass(frozen=True)
class _Job:
    """One output file: a bundle (document in a locale) or a compiled catalog."""

    rel: str
    locale: str
    policy: str
    doc_id: str
    key: str
    mo: bool = False


@dataclass(frozen=True)
class _Output:
    """A file written into the new build: what the manifest and the next build know of it."""

    sha256: str
    size: int


@dataclass
class _Done:
    """One job's outcome. The bytes stay in the staging folder (a worker wrote them there),
    so no process holds a whole build in memory."""

    rel: str
    output: _Output | None
    entry: dict[str, str] | None
    problems: list[Diagnostic]
    warnings: list[Diagnostic]
    reused: bool = False


class _Catalogs:
    """A locale's catalogs, parsed only when a bundle or compiled catalog has to be made
    again: an edit to one document parses one catalog (and the glossary's)."""

    def __init__(self, config: Config, locale: str | None) -> None:
        folder = config.catalog_dir(locale) if locale is not None else None
        self.config = config
        self.paths = ({p.stem: p for p in sorted(folder.glob("*.po"))}
                      if folder is not None and folder.is_dir() else {})
        self.parsed: dict[str, polib.POFile] = {}

    def get(self, stem: str, keep: bool = False) -> polib.POFile | None:
        """The catalog of a document; kept for later calls only when asked (the glossary's,
        which every bundle of the locale uses)."""
        path = self.paths.get(stem)
        if path is None:
            return None
        if stem in self.parsed:
            return self.parsed[stem]
        catalog = read_catalog(path, self.config.rel(path))
        if keep:
            self.parsed[stem] = catalog
        return catalog


def _export_all(config: Config, library: Library, clean: bool, result: BuildResult,
                gate: GateResult, stage: Path
                ) -> tuple[dict[str, _Output], dict[str, Any], dict[str, Any]]:
    """Every bundle and compiled catalog, written into the staging folder, reusing the
    previous build's file when its inputs are the same. The (locale, document) jobs run on
    every core for large libraries, and each writes its own file.

    In an optional locale, a translation the checks flag as unsafe (`gate.UNSAFE_CODES`) is
    left out and its English used, with a warning."""
    old_cache = {} if clean else _read_cache(config.build_dir)
    glossary_doc = library.documents.get("glossary")
    locales: list[tuple[str, str]] = [(config.source_locale, "source")]
    locales += [(loc, "required") for loc in config.required_locales]
    locales += [(loc, "optional") for loc in config.optional_locales]
    if config.pseudo_locale:
        locales.append((config.pseudo_locale, "pseudo"))
    models = {doc.id: _sha(doc.model.model_dump_json().encode()) for doc in library}
    glossary_model = models.get("glossary", "")
    catalogs: dict[str, _Catalogs] = {}
    raw: dict[str, dict[str, str]] = {}
    unsafe = gate.unsafe
    glossaries: dict[str, dict[str, Any] | None] = {}
    jobs: list[_Job] = []
    for locale, policy in locales:
        tag = bcp47(locale)
        raw[locale] = {}
        translated = policy in ("required", "optional")
        catalogs[locale] = _Catalogs(config, locale if translated else None)
        rejects = unsafe.get(locale, {})
        if translated:
            raw[locale] = {stem: _sha(p.read_bytes())
                           for stem, p in catalogs[locale].paths.items()}
            if config.compile_mo:
                jobs += [_Job(f"mo/{locale}/LC_MESSAGES/{stem}.mo", locale, policy, stem,
                              _sha(f"{code_fingerprint()}\0{digest}".encode()), mo=True)
                         for stem, digest in raw[locale].items()]
        pseudo, source = policy == "pseudo", policy == "source"
        terms = Translator(locale, catalogs[locale].get("glossary", keep=True), pseudo, source)
        for msgid, _ in rejects.get("glossary", []):
            terms.reject(msgid)
        glossaries[locale] = localized_glossary(library, terms) if glossary_doc else None
        for doc in library:
            rejected = [sorted(msgid for msgid, _ in rejects.get(stem, []))
                        for stem in (doc.id, "glossary")]
            inputs = "\0".join([
                __version__, code_fingerprint(), tag, policy, models[doc.id],
                raw[locale].get(doc.id, _sha(b"")), raw[locale].get("glossary", _sha(b"")),
                glossary_model, repr(rejected),
            ])
            jobs.append(_Job(f"{tag}/{doc.id}.json", locale, policy, doc.id,
                             _sha(inputs.encode())))
    for folder in sorted({(stage / job.rel).parent for job in jobs}):
        folder.mkdir(parents=True, exist_ok=True)

    def made(job: _Job, data: bytes, entry: dict[str, str], problems: list[Diagnostic]
             ) -> _Done:
        _place(config.build_dir / job.rel, stage / job.rel, data, carried=False)
        return _Done(job.rel, _Output(entry["output"], len(data)), entry, [], problems)

    def run(job: _Job) -> _Done:
        previous = old_cache.get(job.rel)
        if isinstance(previous, dict) and previous.get("input") == job.key:
            try:
                data = (config.build_dir / job.rel).read_bytes()
            except OSError:
                data = b""
            if _sha(data) == previous.get("output"):
                _place(config.build_dir / job.rel, stage / job.rel, data, carried=True)
                return _Done(job.rel, _Output(_sha(data), len(data)), previous, [], [],
                             reused=True)
        catalog = catalogs[job.locale].get(job.doc_id)
        if job.mo:
            assert catalog is not None
            data = catalog.to_binary()
            return made(job, data, {"input": job.key, "output": _sha(data)}, [])
        doc = library.documents[job.doc_id]
        translate = Translator(job.locale, catalog, job.policy == "pseudo",
                               job.policy == "source")
        for msgid, _ in unsafe.get(job.locale, {}).get(job.doc_id, []):
            translate.reject(msgid)
        display = config.rel(config.catalog_dir(job.locale) / f"{doc.id}.po")
        text, problems = export_document(doc, bcp47(job.locale), translate,
                                         glossaries[job.locale], display,
                                         fall_back=job.policy == "optional")
        if text is None:
            return _Done(job.rel, None, None, problems, [])
        data = text.encode("utf-8")
        count = sum(1 for _ in iter_texts(doc.model))
        return made(job, data, {"input": job.key, "output": _sha(data), "texts": str(count),
                                "fallbacks": str(len(translate.fallbacks))}, problems)

    done = {d.rel: d for d in parallel.run(run, jobs, description="exporting")}
    outputs: dict[str, _Output] = {}
    cache: dict[str, Any] = {}
    locale_info: dict[str, Any] = {}
    for job in jobs:
        outcome = done[job.rel]
        result.problems += outcome.problems
        result.warnings += outcome.warnings
        if not job.mo:
            result.warnings += [replace(d, message=d.message + "; English used instead")
                                for _, d in unsafe.get(job.locale, {}).get(job.doc_id, [])]
        if outcome.output is None or outcome.entry is None:
            continue
        outputs[job.rel], cache[job.rel] = outcome.output, outcome.entry
        if outcome.reused:
            result.carried.add(job.rel)
        if not job.mo:
            if outcome.reused:
                result.reused += 1
            else:
                result.exported += 1
    for locale, policy in locales:
        tag = bcp47(locale)
        result.bundles += len(library)
        info: dict[str, Any] = {"policy": policy, "bundles": len(library)}
        if policy in ("required", "optional"):
            totals = Progress()
            texts = fallen = 0
            known = gate.progress.get(locale, {})
            for doc in library:
                if doc.id in known:
                    totals.add(known[doc.id])
                elif (catalog := catalogs[locale].get(doc.id)) is not None:
                    totals.add(progress(catalog))
                entry = cache.get(f"{tag}/{doc.id}.json", {})
                texts += int(entry.get("texts", "0"))
                fallen += int(entry.get("fallbacks", "0"))
            info["complete_percent"] = round(totals.percent, 1)
            info["fallback_percent"] = round(100.0 * fallen / texts, 1) if texts else 0.0
        locale_info[tag] = info
    return outputs, cache, locale_info


def _keep_preview(build: Path, stage: Path) -> None:
    """The preview site is written by its own command into build/preview/; a build carries it
    over (linked, not copied) rather than deleting it with the old build."""
    preview = build / "preview"
    if preview.is_dir() and not preview.is_symlink():
        shutil.copytree(preview, stage / "preview", symlinks=True, copy_function=_link_or_copy)


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _place(old: Path, target: Path, data: bytes, carried: bool) -> None:
    """Put one output in the staging folder. An output carried over from the previous build
    is hard-linked (its bytes were just checked): after a small edit most of the build is
    linked, not rewritten. The old build is deleted by the swap, so nothing shares a file
    for long; where links are not possible the bytes are written."""
    if carried:
        try:
            os.link(old, target)
            return
        except OSError:
            pass
    target.write_bytes(data)
