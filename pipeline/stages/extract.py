"""`extract`: which templates the English source makes that differ in meaning from those on
disk (a template re-wrapped or re-dated by a gettext tool is the same template), each read
once, with the per-file cache sparing the unchanged ones."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.content.library import Library, LoadedDocument
from pipeline.core.config import Config
from pipeline.core.diagnostics import Diagnostic
from pipeline.core.files import fs_error, read_regular
from pipeline.gettext.pofiles import (
    MAX_CATALOG_BYTES,
    PoReadError,
    meaning,
    parse_catalog,
    render_catalog,
)
from pipeline.gettext.templates import (
    build_template,
    existing_templates,
    stamp,
    template_path,
)
from pipeline.infra import parallel
from pipeline.infra.cache import Cache, sha
from pipeline.infra.fsutil import write_atomic
from pipeline.stages import update

# A template's creation date is when its English last changed, not part of what it says.
_DATED = frozenset({"POT-Creation-Date"})


def _changed_template(config: Config, item: tuple[LoadedDocument, bytes | None], created: str
                      ) -> str | None:
    """The text `extract` writes for a document's template, or None when the template's
    bytes on disk (as read once, for the cache key too) already say the same
    (`pofiles.meaning`, creation date aside): re-wrapped or re-headered by a gettext tool,
    it is the same template and is left as it is."""
    doc, data = item
    template = build_template(config, doc, created)
    try:
        old = None if data is None else parse_catalog(data.decode("utf-8"),
                                                      config.rel(template_path(config, doc.id)))
    except (UnicodeDecodeError, PoReadError):
        old = None  # unreadable: written anew
    if old is not None and meaning(old, ignore=_DATED) == meaning(template, ignore=_DATED):
        return None
    return render_catalog(template, like=old)


def stale_templates(config: Config, library: Library, cache: Cache | None = None
                    ) -> tuple[dict[Path, str], list[Path]]:
    """Templates that differ from the source (to write) and templates of deleted documents.

    A template is the same as last time when both its document's source file and the
    template file are (a template depends on its own document alone): that verdict is
    cached, so only edited documents are rendered again."""
    cache = cache if cache is not None else Cache(config, enabled=False)
    todo: list[tuple[LoadedDocument, bytes | None]] = []
    keys: dict[str, str] = {}
    for doc in library:
        digest = library.digests.get(doc.id)
        try:
            old = read_regular(template_path(config, doc.id), MAX_CATALOG_BYTES)
        except OSError:
            old = None  # missing or unreadable: written anew
        if digest is not None and old is not None:
            keys[doc.id] = _key(digest, old)
            if cache.get(_NAMESPACE, doc.id, keys[doc.id]) is True:
                continue
        todo.append((doc, old))
    cache.prune(_NAMESPACE)
    created = stamp(config.environment.now())
    texts = parallel.run(functools.partial(_changed_template, config, created=created), todo,
                         limit=config.environment.workers,
                         description="comparing templates")
    changed: dict[Path, str] = {}
    for (doc, _), text in zip(todo, texts):
        if text is not None:
            changed[template_path(config, doc.id)] = text
        elif doc.id in keys:
            cache.put(_NAMESPACE, doc.id, keys[doc.id], True)
    names = {template_path(config, doc_id) for doc_id in library.documents}
    orphans = sorted(p for p in existing_templates(config) if p not in names)
    cache.save()
    return changed, orphans


def remember_written(cache: Cache, library: Library, written: dict[str, str]) -> None:
    """Templates `extract` just wrote (document id → text) say what their source says: the
    next `check` need not render them again while neither file changes."""
    for doc_id, text in written.items():
        digest = library.digests.get(doc_id)
        if digest is not None:
            cache.put(_NAMESPACE, doc_id, _key(digest, text.encode("utf-8")), True)
    cache.save()


_NAMESPACE = "templates"


def _key(source_digest: str, template: bytes) -> str:
    """What a template's verdict depends on: its document's source and its own bytes."""
    return sha(source_digest, template)


@dataclass
class ExtractResult:
    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)  # templates of deleted documents
    notes: list[Diagnostic] = field(default_factory=list)  # an interrupted update finished


def run_extract(config: Config, library: Library, cache: Cache | None = None
                ) -> ExtractResult:
    """Write the templates whose meaning changed and remove those of deleted documents,
    under the catalogs' lock, so `update` never merges half-old, half-new templates."""
    result = ExtractResult()
    cache = cache if cache is not None else Cache(config)
    with update.locked(config) as notes:
        result.notes = notes
        changed, orphans = stale_templates(config, library, cache)
        for path, text in sorted(changed.items()):
            write_atomic(path, text, config.rel(path))
            result.written.append(path)
        remember_written(cache, library, {path.stem: text for path, text in changed.items()})
        for path in orphans:
            try:
                path.unlink()
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise fs_error(config.rel(path), exc, "remove the template") from None
            result.removed.append(path)
    return result
