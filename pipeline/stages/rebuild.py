"""The build when something changed: the gate runs, the outputs whose inputs did not change
are linked from the previous build (the same bytes as a clean build), and the rest are
exported by workers into a staging folder that is swapped in only when complete, so a failure
or an interruption leaves the previous build as it was.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import polib

from pipeline import __version__
from pipeline.client.bundles import (
    BUNDLE_VERSION,
    TYPES_FILE,
    Index,
    Manifest,
    client_schemas,
)
from pipeline.client.dosage import DoseWords
from pipeline.content.captions import video_of
from pipeline.content.library import Library, LoadedDocument
from pipeline.content.media import MediaError, local_media, read_media
from pipeline.content.textunits import format_path
from pipeline.core.config import Config
from pipeline.core.diagnostics import Diagnostic, diag
from pipeline.core.files import digest, read_regular
from pipeline.gettext.catalogs import catalog_path, catalog_paths
from pipeline.gettext.pofiles import MAX_CATALOG_BYTES, PoReadError, key_of, read_catalog
from pipeline.gettext.stats import Progress, progress
from pipeline.infra import filestate, outdir, parallel
from pipeline.infra.cache import Cache, code_fingerprint
from pipeline.stages.build import META, BuildResult, Record, source_revision
from pipeline.stages.export import (
    CAPTIONS_PLACE,
    Links,
    Localized,
    Outline,
    Translator,
    bcp47,
    bundle_json,
    dose_words,
    formatted_values,
    index_fields,
    localized,
    localized_glossary,
    outline,
    render_json,
    withheld_because,
)
from pipeline.stages.gate import GateResult, locale_of, run_gate, summarize_pending


def rebuild(config: Config, real: Path, record: Record, *, clean: bool) -> BuildResult:
    stage = outdir.stage(real, "build")
    try:
        gate = run_gate(config)
        result = BuildResult(gate)
        if gate.errors():
            outdir.discard(stage, "build")
            return result
        # A staging build says what stands in English in its required locales, catalog by
        # catalog (`check --verbose` lists every entry).
        result.warnings += summarize_pending(config, gate, [
            d for d in gate.diagnostics if d.severity == "warning"
            and locale_of(config, d.path, config.staging_locales) is not None])
        plan = _plan(config, gate.library, {} if clean else record.outputs, record.files,
                     record.stamps, stage, record.store, gate.captions)
        if changed := _changed_since_read(config, plan, record.files, gate):
            result.problems += changed
            outdir.discard(stage, "build")
            return result
        outputs, cache, locale_info = _export_rest(config, gate.library, plan, result,
                                                   gate, stage)
        if result.problems:
            outdir.discard(stage, "build")
            return result
        for folder in ("schema", "types", "offline"):
            (stage / SITE / folder).mkdir(parents=True, exist_ok=True)
        for name, schema in client_schemas().items():
            outputs[f"{SITE}/schema/{name}.json"] = _write(
                stage / SITE / "schema" / f"{name}.json", render_json(schema).encode())
        outputs[f"{SITE}/types/bundles.d.ts"] = _write(stage / SITE / "types" / "bundles.d.ts",
                                                       TYPES_FILE.read_bytes())
        _write_indexes(plan, outputs, cache, stage)
        result.problems += _write_media(config, gate, outputs, stage, locale_info)
        if result.problems:
            outdir.discard(stage, "build")
            return result
        manifest = Manifest(
            bundle_version=BUNDLE_VERSION,
            generator=f"exercise-content-pipeline {__version__}",
            source_revision=source_revision(config.root),
            source_locale=bcp47(config.source_locale),
            locales={tag: info for tag, info in locale_info.items()
                     if info["policy"] != "pseudo"},
            files={rel.removeprefix(f"{SITE}/"): {"sha256": out.sha256, "bytes": out.size}
                   for rel, out in sorted(outputs.items()) if rel.startswith(f"{SITE}/")},
        )
        outputs[f"{SITE}/manifest.json"] = _write(
            stage / SITE / "manifest.json", render_json(manifest.model_dump(mode="json")).encode())
        result.locales = locale_info
        cache[META] = {
            "inputs": record.fingerprint, "bundles": result.bundles,
            "tree": {rel: out.sha256 for rel, out in sorted(outputs.items())},
            "warnings": [dataclasses.asdict(d) for d in result.warnings],
            "locales": locale_info,
        }
        _keep_preview(real, stage)
        outdir.swap(stage, real, "build")
        record.save(cache, {rel: out.stamp for rel, out in outputs.items()})
    except BaseException:
        outdir.discard(stage, "build")
        raise
    result.ok = True
    return result


# The per-project cache's namespace of each document's `outline`.
_OUTLINES = "outlines"
# The part of build/ to deploy: what clients fetch, and nothing else.
SITE = "site"
# A pseudo-locale is for testing layouts; kept apart so no locale picker offers it.
PSEUDO = "pseudo"


def locale_folder(tag: str, policy: str) -> str:
    return f"{PSEUDO}/{tag}" if policy == "pseudo" else f"{SITE}/{tag}"


def bundle_path(tag: str, policy: str, doc_id: str) -> str:
    return f"{locale_folder(tag, policy)}/{doc_id}.json"


def _digest_of_file(path: Path) -> str:
    """The hash of a catalog the fingerprint did not take; one that cannot be read (a named
    pipe, a fault) keys its bundle on the failure: the gate reports it and ships nothing."""
    try:
        return digest(read_regular(path, MAX_CATALOG_BYTES))
    except OSError as exc:
        return f"unreadable:{exc.errno}"


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
    stamp: list[int]


def _write(path: str | Path, data: bytes) -> _Output:
    with open(path, "wb") as fh:
        fh.write(data)
    return _Output(digest(data), len(data), filestate.stamp(path, changes=False))


def _carry(old: str, target: str, entry: dict[str, Any], stamp: Any) -> _Output | None:
    """Link the previous build's output into the new one when it is still as that build
    left it (by its stamp, or else by its bytes); None when it is gone or was changed since
    (then it is made again). Where links are not possible the bytes are copied."""
    if not filestate.intact(old, stamp, entry.get("output")):
        return None
    try:
        os.link(old, target)
    except OSError:
        try:
            with open(old, "rb") as fh:
                data = fh.read()
        except OSError:
            return None
        return _write(target, data) if digest(data) == entry.get("output") else None
    found = filestate.stamp(target, changes=False)
    return _Output(str(entry.get("output")), found[0], found)


@dataclass
class _Done:
    """One job's outcome. The bytes stay in the staging folder (a worker wrote them there),
    so no process holds a whole build in memory."""

    rel: str
    output: _Output | None
    entry: dict[str, Any] | None
    problems: list[Diagnostic]
    warnings: list[Diagnostic]
    reused: bool = False


class _Catalogs:
    """A locale's catalogs, parsed only when a bundle or compiled catalog has to be made
    again: an edit to one document parses one catalog (and the glossary's). Only the bytes
    the gate checked are used (`expect`, set once the gate has run); a catalog the gate could
    not read (in an optional locale) is left out, so its document falls back to English."""

    def __init__(self, config: Config, locale: str | None) -> None:
        self.config = config
        self.paths = ({p.stem: p for p in catalog_paths(config, locale)}
                      if locale is not None else {})
        self.parsed: dict[str, polib.POFile] = {}
        self.expect: dict[Path, str] = {}

    def get(self, stem: str, keep: bool = False) -> polib.POFile | None:
        """The catalog of a document; kept for later calls only when asked (the glossary's,
        which every bundle of the locale uses)."""
        path = self.paths.get(stem)
        if path is None or path not in self.expect:
            return None
        if stem in self.parsed:
            return self.parsed[stem]
        catalog = read_catalog(path, self.config.rel(path), expect=self.expect[path])
        if keep:
            self.parsed[stem] = catalog
        return catalog


@dataclass
class _Plan:
    """Every output of the new build, and those already linked in from the previous one."""

    config: Config
    locales: list[tuple[str, str]]
    jobs: list[_Job]
    catalogs: dict[str, _Catalogs]
    done: dict[str, _Done]
    todo: list[_Job]
    # What the library's relative links name, for the export as for the jobs' keys.
    links: Links
    # Each document's `outline`, by id.
    shapes: dict[str, Outline]
    # The checked bytes of each video's captions, by locale and captions id (`GateResult`).
    captions: dict[str, dict[str, bytes]]

    def track(self, locale: str, policy: str, doc: LoadedDocument
              ) -> tuple[dict[str, str] | None, bytes | None, bool]:
        """The captions a locale's bundle of the document offers: (track, its bytes,
        whether they are the source language's in a locale that should have its own)."""
        video = video_of(doc.model)
        if video is None or video.captions is None:
            return None, None, False
        own = self.captions.get(locale, {}).get(video.captions)
        if own is not None and policy != "pseudo":
            tag = bcp47(locale)
            return {"src": f"{tag}/captions/{video.captions}.vtt", "language": tag}, own, False
        source = self.config.source_locale
        english = self.captions.get(source, {}).get(video.captions)
        if english is None:  # not there, or not valid: validation failed the run
            return None, None, False
        tag = bcp47(source)
        return ({"src": f"{tag}/captions/{video.captions}.vtt", "language": tag}, english,
                policy != "pseudo")


def _outlines(library: Library, models: dict[str, str], store: Cache) -> dict[str, Outline]:
    """Each document's `outline`, kept in the per-project cache by the hash of its model:
    after an edit, only the edited documents are read again."""
    found: dict[str, Outline] = {}
    for doc in library:
        kept = store.get(_OUTLINES, doc.id, models[doc.id])
        if not isinstance(kept, Outline):
            kept = outline(doc)
            store.put(_OUTLINES, doc.id, models[doc.id], kept)
        found[doc.id] = kept
    store.prune(_OUTLINES)
    return found


def _plan(config: Config, library: Library, old_cache: dict[str, Any],
          files: dict[str, list[Any]], stamps: dict[str, list[int]], stage: Path,
          store: Cache, captions: dict[str, dict[str, bytes]]) -> _Plan:
    """Every bundle and compiled catalog to be in the new build, each keyed by all it is
    made from, and the previous build's file linked into the staging folder where the key
    is the same and the file is as that build left it.

    A key holds what the translation checks depend on (the catalog, the document, the
    locale's policy and severities, the code), not their findings, so this runs before the
    checks have finished."""
    locales: list[tuple[str, str]] = [(config.source_locale, "source")]
    locales += [(loc, "required") for loc in config.required_locales]
    locales += [(loc, "optional") for loc in config.optional_locales]
    if config.pseudo_locale:
        locales.append((config.pseudo_locale, "pseudo"))
    models = {doc.id: digest(doc.model.model_dump_json().encode()) for doc in library}
    glossary_model = models.get("glossary", "")
    links = Links(library)
    shapes = _outlines(library, models, store)
    # What else each bundle is made from: the documents it shows cards of, and what its
    # relative links resolve to.
    depends = {doc.id: ([i for ids in shapes[doc.id].names.values() for i in ids],
                        links.targets(doc, shapes[doc.id].links)) for doc in library}
    catalogs: dict[str, _Catalogs] = {}
    jobs: list[_Job] = []
    plan = _Plan(config, locales, jobs, catalogs, {}, [], links, shapes, captions)
    for locale, policy in locales:
        tag = bcp47(locale)
        raw: dict[str, str] = {}
        translated = policy in ("required", "optional")
        catalogs[locale] = _Catalogs(config, locale if translated else None)
        if translated:
            # The bytes' hashes as the fingerprint just found them.
            raw = {stem: str(files[config.rel(p)][-1]) if config.rel(p) in files
                   else _digest_of_file(p) for stem, p in catalogs[locale].paths.items()}
        severities = repr(sorted(config.severity_for(locale).items()))
        empty = digest(b"")
        for doc in library:
            named, targets = depends[doc.id]
            track, shown, fell = plan.track(locale, policy, doc)
            inputs = "\0".join([
                f"captions:{track}:{digest(shown) if shown is not None else ''}:{fell}",
                __version__, code_fingerprint(), tag, policy, severities, models[doc.id],
                raw.get(doc.id, empty), raw.get("glossary", empty), glossary_model, targets,
                *(f"{other}:{models.get(other, '')}:{raw.get(other, empty)}"
                  for other in named),
                # A linked document left out of an optional locale turns its links to text.
                *(f"link:{other}:{models.get(other, '')}:{raw.get(other, empty)}"
                  for other in _linked_ids(targets)),
            ])
            jobs.append(_Job(bundle_path(tag, policy, doc.id), locale, policy, doc.id,
                             digest(inputs.encode())))
            if translated and config.compile_mo and doc.id in raw:
                # Compiled from the translations the bundle accepted, so it is keyed alike.
                jobs.append(_Job(f"mo/{locale}/LC_MESSAGES/{doc.id}.mo", locale, policy,
                                 doc.id, digest(f"{inputs}\0mo".encode()), mo=True))
    for folder in sorted({os.path.dirname(job.rel) for job in jobs}):
        (stage / folder).mkdir(parents=True, exist_ok=True)
    # Plain strings: pathlib would cost more than the links themselves.
    old_base, new_base = os.fspath(config.build_dir), os.fspath(stage)
    done, todo = plan.done, plan.todo
    for job in jobs:
        previous = old_cache.get(job.rel)
        carried = (_carry(os.path.join(old_base, job.rel), os.path.join(new_base, job.rel),
                          previous, stamps.get(job.rel))
                   if isinstance(previous, dict) and previous.get("input") == job.key else None)
        if carried is not None:
            assert isinstance(previous, dict)
            done[job.rel] = _Done(job.rel, carried, previous, [], [], reused=True)
        else:
            todo.append(job)
    return plan


def _export_rest(config: Config, library: Library, plan: _Plan, result: BuildResult,
                 gate: GateResult, stage: Path
                 ) -> tuple[dict[str, _Output], dict[str, Any], dict[str, Any]]:
    """The outputs not carried over, made into the staging folder (on every core for large
    libraries, each job writing its own file), and what the manifest says of every output.

    In an optional locale, a translation the checks flag as unsafe (`gate.UNSAFE_CODES`) is
    left out and its English used, with a warning."""
    locales, jobs, catalogs, done = plan.locales, plan.jobs, plan.catalogs, plan.done
    unsafe = gate.unsafe
    new_base = os.fspath(stage)
    glossaries: dict[str, dict[str, Any] | None] = {}
    words: dict[str, DoseWords | None] = {}
    for locale, policy in locales if plan.todo else []:
        rejects = unsafe.get(locale, {})
        terms = Translator(locale, catalogs[locale].get("glossary", keep=True),
                           policy == "pseudo", policy == "source")
        for msgid, _ in rejects.get("glossary", []):
            terms.reject(msgid)
        glossaries[locale] = (localized_glossary(library, terms)
                              if "glossary" in library.documents else None)
        words[locale] = dose_words(library, terms, bcp47(locale))

    def made(job: _Job, data: bytes, entry: dict[str, Any], problems: list[Diagnostic]
             ) -> _Done:
        return _Done(job.rel, _write(os.path.join(new_base, job.rel), data), entry, [],
                     problems)

    def run(job: _Job) -> _Done:
        try:
            return make(job)
        except PoReadError as exc:  # changed since the gate read it (E413)
            return _Done(job.rel, None, None, [exc.diagnostic], [])

    links = plan.links
    # Documents localized in this process, by (locale, id): a guide's exercises are shown
    # on its page as cards, so each is localized once per process, not once per guide.
    memo: dict[tuple[str, str], tuple[Localized | None, list[Diagnostic], Translator]] = {}

    def local(locale: str, policy: str, doc_id: str
              ) -> tuple[Localized | None, list[Diagnostic], Translator]:
        """The document localized, the problems that stopped it, and the translations it
        used (and those that fell back)."""
        if (locale, doc_id) in memo:
            return memo[(locale, doc_id)]
        catalog = catalogs[locale].get(doc_id)
        doc = library.documents[doc_id]
        translate = Translator(locale, catalog, policy == "pseudo", policy == "source")
        for msgid, _ in unsafe.get(locale, {}).get(doc_id, []):
            translate.reject(msgid)
        display = config.rel(catalog_path(config, locale, doc_id))
        item, problems = localized(doc, translate, display, links, plan.shapes[doc_id],
                                   fall_back=policy == "optional")
        if item is not None:
            track, _, fell = plan.track(locale, policy, doc)
            if fell:  # the source's captions, until the locale has reviewed ones
                item.fallbacks = sorted({*item.fallbacks, CAPTIONS_PLACE})
            item.formatted = formatted_values(doc, locale, policy == "pseudo", words[locale],
                                              track)
        memo[(locale, doc_id)] = found = item, problems, translate
        if len(memo) > 4096:
            memo.clear()
        return found

    def withheld(policy: str, doc_id: str, item: Localized) -> str | None:
        """Why an optional locale may not show this document, if it may not."""
        return (withheld_because(item, plan.shapes[doc_id]) if policy == "optional"
                else None)

    def make(job: _Job) -> _Done:
        doc = library.documents[job.doc_id]
        item, problems, translate = local(job.locale, job.policy, job.doc_id)
        if item is None:  # the bundle's job reports why
            return _Done(job.rel, None, None, [] if job.mo else problems, [])
        why = withheld(job.policy, job.doc_id, item)
        cards, hidden = {}, set()
        for other in (i for ids in item.names.values() for i in ids):
            if other in library.documents:
                card, _, _ = local(job.locale, job.policy, other)
                if card is not None and withheld(job.policy, other, card):
                    hidden.add(other)  # the page lists only what the locale can show
                elif card is not None:
                    cards[other] = card
        for other in _linked(item.client) - set(cards) - hidden:
            linked, _, _ = (local(job.locale, job.policy, other) if other in library.documents
                            else (None, [], None))
            if linked is not None and withheld(job.policy, other, linked):
                hidden.add(other)
        if hidden:
            item, emptied = _without(item, hidden)
            why = why or (f"none of its {emptied} can be shown" if emptied else None)
        if why is not None:
            return _Done(job.rel, None, {"input": job.key, "withheld": why}, [], [])
        if job.mo:
            if translate.catalog is None:  # unreadable (optional locale): nothing to compile
                return _Done(job.rel, None, None, [], [])
            data = compiled(translate.catalog, translate)
            return made(job, data, {"input": job.key, "output": digest(data)}, [])
        text = bundle_json(item, bcp47(job.locale), cards, glossaries[job.locale])
        data = text.encode("utf-8")
        count = plan.shapes[job.doc_id].texts
        return made(job, data, {"input": job.key, "output": digest(data), "texts": str(count),
                                "fallbacks": str(len(translate.fallbacks)), "kind": doc.kind,
                                **index_fields(item),
                                "fallen": item.fallbacks}, problems)

    done.update((d.rel, d) for d in parallel.run(run, plan.todo, limit=config.environment.workers,
                                                 description="exporting"))
    outputs: dict[str, _Output] = {}
    cache: dict[str, Any] = {}
    locale_info: dict[str, Any] = {}
    withheld_docs: dict[str, dict[str, str]] = {}
    for job in jobs:
        outcome = done[job.rel]
        result.problems += outcome.problems
        result.warnings += outcome.warnings
        reason = (outcome.entry or {}).get("withheld")
        if reason is not None and not job.mo:
            withheld_docs.setdefault(job.locale, {})[job.doc_id] = reason
            result.warnings.append(diag(
                config.rel(catalog_path(config, job.locale, job.doc_id)), 0, 0, "W603",
                f"{job.doc_id!r} is left out of {job.locale!r}: {reason}"))
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
        hidden = withheld_docs.get(locale, {})
        result.bundles += len(library) - len(hidden)
        folder = locale_folder(tag, policy)
        staging = locale in config.staging_locales
        info: dict[str, Any] = {
            "policy": "required" if staging else policy, "staging": staging,
            "bundles": len(library) - len(hidden), "withheld": dict(sorted(hidden.items())),
            "complete_percent": 100.0, "fallback_percent": 0.0,
            "index": f"{folder}/index.json".removeprefix(f"{SITE}/"),
            "offline": f"offline/{tag}.json"}
        if policy in ("required", "optional"):
            totals = Progress()
            texts = fallen = 0
            known = gate.progress.get(locale, {})
            for doc in library:
                if doc.id in known:
                    totals.add(known[doc.id])
                elif (catalog := catalogs[locale].get(doc.id)) is not None:
                    totals.add(progress(catalog))
                entry = cache.get(bundle_path(tag, policy, doc.id), {})
                texts += int(entry.get("texts", "0"))
                fallen += int(entry.get("fallbacks", "0"))
            info["complete_percent"] = round(totals.percent, 1)
            info["fallback_percent"] = round(100.0 * fallen / texts, 1) if texts else 0.0
        locale_info[tag] = info
    return outputs, cache, locale_info


# The fields of a document that list other documents by id, shown as cards.
_LISTS = ("exercises", "related")


def _without(item: Localized, hidden: set[str]) -> tuple[Localized, str | None]:
    """The document without the cards its locale cannot show; and the name of a required
    list (a guide's `exercises`) this left empty, if it did."""
    client = dict(item.client)
    emptied = None
    for name in _LISTS:
        if isinstance(client.get(name), list):
            client[name] = [i for i in client[name] if i not in hidden]
            if not client[name] and name == "exercises":
                emptied = name
    names = {kind: [i for i in ids if i not in hidden] for kind, ids in item.names.items()}
    return replace(item, client=_unlinked(client, hidden), names=names), emptied


def _linked_ids(targets: str) -> list[str]:
    """The ids in `Links.targets`' lines (`kind:id:fragment`; `?target` names none)."""
    return [line.split(":")[1] for line in targets.split("\n")
            if line and not line.startswith("?") and line.count(":") >= 2]


def _document_link(value: dict[str, Any]) -> str | None:
    """The id of the document a rich-text node links to, if it links to one (not the web)."""
    link = value.get("link")
    if isinstance(link, dict) and link.get("kind") != "web" and isinstance(link.get("id"), str):
        return str(link["id"])
    return None


def _linked(value: Any) -> set[str]:
    """The ids of the documents the rich text of a client document links to."""
    found: set[str] = set()
    if isinstance(value, dict):
        if (target := _document_link(value)) is not None:
            found.add(target)
        for inner in value.values():
            found |= _linked(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= _linked(inner)
    return found


def _unlinked(value: Any, hidden: set[str]) -> Any:
    """The value with each link to a document the locale leaves out made plain text (the
    words stay; a reader is not sent to a page that is not there)."""
    if isinstance(value, dict):
        if _document_link(value) in hidden:
            value = {**value, "link": None}
        return {key: _unlinked(inner, hidden) for key, inner in value.items()}
    if isinstance(value, list):
        return [_unlinked(inner, hidden) for inner in value]
    return value


def _write_indexes(plan: _Plan, outputs: dict[str, _Output], cache: dict[str, Any],
                   stage: Path) -> None:
    """Each locale's index (every document with its title, summary, file and what fell
    back) and, for locales clients are offered, its offline pack (the index and every
    bundle in one file), made from the bundles just written."""
    by_locale: dict[str, list[_Job]] = {}
    policies = dict(plan.locales)
    for job in plan.jobs:
        if not job.mo and job.rel in outputs:
            by_locale.setdefault(job.locale, []).append(job)
    for locale, jobs in by_locale.items():
        tag, policy = bcp47(locale), policies[locale]
        folder = locale_folder(tag, policy)
        documents = []
        for job in sorted(jobs, key=lambda j: j.doc_id):
            entry, out = cache[job.rel], outputs[job.rel]
            texts, fallen = int(entry.get("texts", "0")), int(entry.get("fallbacks", "0"))
            documents.append({
                "id": job.doc_id, "kind": entry.get("kind"), "title": entry.get("title"),
                "summary": entry.get("summary"),
                "bundle": job.rel.split("/", 1)[1],  # relative to site/ (or pseudo/)
                "sha256": out.sha256, "bytes": out.size,
                "translated_percent": (round(100.0 * (texts - fallen) / texts, 1)
                                       if texts else 100.0),
                "fallbacks": entry.get("fallen", [])})
        index = Index(bundle_version=BUNDLE_VERSION, locale=tag, documents=documents)
        index_data = index.model_dump(mode="json")
        outputs[f"{folder}/index.json"] = _write(stage / folder / "index.json",
                                                 render_json(index_data).encode())
        if policy == "pseudo":
            continue
        written: dict[str, bytes] = {}
        for job in jobs:
            with open(stage / job.rel, "rb") as fh:
                written[job.doc_id] = fh.read()
        rel = f"{SITE}/offline/{tag}.json"
        outputs[rel] = _write(stage / rel, offline_pack(tag, render_json(index_data), written))


def _write_media(config: Config, gate: GateResult, outputs: dict[str, _Output], stage: Path,
                 locale_info: dict[str, Any]) -> list[Diagnostic]:
    """The files bundles point at: each locale's checked captions (`<tag>/captions/`) of the
    exercises it shows, and the media files exercises name (`media/`), read and checked
    again as they are copied, so a file changed or swapped since validation does not ship
    unchecked."""
    problems: list[Diagnostic] = []
    for locale, ready in sorted(gate.captions.items()):
        if not ready or not (locale == config.source_locale or locale in config.locales):
            continue
        tag = bcp47(locale)
        hidden = locale_info.get(tag, {}).get("withheld", {})
        shown = {video.captions for doc in gate.library if doc.id not in hidden
                 and (video := video_of(doc.model)) is not None}
        folder = stage / SITE / tag / "captions"
        for name, data in sorted(ready.items()):
            if name not in shown:  # only withheld exercises of this locale use it
                continue
            folder.mkdir(parents=True, exist_ok=True)
            outputs[f"{SITE}/{tag}/captions/{name}.vtt"] = _write(
                folder / f"{name}.vtt", data)
    for doc in gate.library:
        for path, name in local_media(doc.model):
            rel = f"{SITE}/media/{name}"
            if rel in outputs:
                continue
            try:
                data = read_media(config, name)
            except MediaError as exc:
                line, col = doc.source.where(path)
                problems.append(diag(doc.source.display, line, col, "E211",
                                     f"{format_path(path)}: {exc}"))
                continue
            (stage / rel).parent.mkdir(parents=True, exist_ok=True)
            outputs[rel] = _write(stage / rel, data)
    return problems


def offline_pack(tag: str, index: str, bundles: dict[str, bytes]) -> bytes:
    """The offline pack's bytes, made from the index's and the bundles' own (each written by
    `render_json`): what `render_json` of the whole pack writes, without parsing every bundle
    again (tests/test_client_bundles.py holds the two equal)."""
    def nested(text: str | bytes, depth: int) -> bytes:
        raw = text.encode() if isinstance(text, str) else text
        return raw.rstrip(b"\n").replace(b"\n", b"\n" + b" " * depth)

    parts = [b'{\n  "bundle_version": %d,\n  "bundles": ' % BUNDLE_VERSION]
    if bundles:
        parts.append(b"{\n" + b",\n".join(
            b"    " + render_json(doc_id).rstrip("\n").encode() + b": " + nested(text, 4)
            for doc_id, text in sorted(bundles.items())) + b"\n  }")
    else:
        parts.append(b"{}")
    parts.append(b',\n  "index": ' + nested(index, 2))
    parts.append(b',\n  "locale": ' + render_json(tag).rstrip("\n").encode() + b"\n}\n")
    return b"".join(parts)


def _changed_since_read(config: Config, plan: _Plan, files: dict[str, list[Any]],
                        gate: GateResult) -> list[Diagnostic]:
    """Hand the build the digests of the catalog bytes the gate checked, and refuse a run in
    which a catalog changed between the build's first look and the gate's read: outputs
    carried over were chosen by the first, and what ships must be what was checked."""
    problems: list[Diagnostic] = []
    for locale, catalogs in plan.catalogs.items():
        catalogs.expect = gate.snapshot.get(locale, {})
        for path, expected in sorted(catalogs.expect.items()):
            record = files.get(config.rel(path))
            if record is not None and record[-1] != expected:
                problems.append(diag(config.rel(path), 0, 0, "E413",
                                     "the catalog changed while the build was reading it; "
                                     "run the build again"))
    return problems


def compiled(catalog: polib.POFile | None, translate: Translator) -> bytes:
    """A `.mo` holding exactly the translations a bundle of the document uses: those the
    checks and the model accepted (an optional locale's unsafe or invalid ones left out)."""
    mo = polib.POFile()
    mo.metadata = dict(catalog.metadata) if catalog is not None else {}
    plurals = {key_of(e): e.msgid_plural for e in catalog or [] if e.msgid_plural}
    for key, msgstr in sorted(translate.accepted().items()):
        if isinstance(msgstr, list):
            mo.append(polib.POEntry(msgctxt=key.context, msgid=key.msgid,
                                    msgid_plural=plurals[key],
                                    msgstr_plural=dict(enumerate(msgstr))))
        else:
            mo.append(polib.POEntry(msgctxt=key.context, msgid=key.msgid, msgstr=msgstr))
    return bytes(mo.to_binary())


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


