"""`python -m bench`: time every stage on a synthetic library and compare `update` with GNU
msgmerge (see "Library scale" in the README). Each stage runs as its own process, as a
person or CI would run it; results go to bench/results/<size>.json and <size>.md."""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from pipeline.infra.cache import FOLDER as CACHE_FOLDER

from . import agreement, gnu
from .anchors import measure_anchors, ratios
from .generate import (
    LOCALE,
    SIZES,
    apply_edits,
    count_strings,
    edit_one_document,
    generate,
    translate,
)
from .report import markdown, memory_slope
from .run import Timing, pipeline


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--size", choices=sorted(SIZES), default="small",
                        help="small, medium or large: 200, 2,000 or 10,000 documents")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="build the library in DIR and keep it (default: a temp folder)")
    parser.add_argument("--out", type=Path, default=Path("bench/results"),
                        help="where <size>.json and <size>.md go (default bench/results)")
    parser.add_argument("--skip-msgmerge", action="store_true",
                        help="do not run GNU msgmerge for comparison")
    parser.add_argument("--msgmerge-sample", type=int, default=None, metavar="N",
                        help="run msgmerge with compendiums on N catalogs only and scale its "
                        "time (default: every catalog, 300 for large)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    documents = SIZES[args.size]
    work = args.keep or Path(tempfile.mkdtemp(prefix="pipeline-bench-"))
    if work.exists() and args.keep:
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    root, log = work / "library", work / "bench.log"
    try:
        results = run(args, documents, root, work, log)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    args.out.mkdir(parents=True, exist_ok=True)
    results["memory_slope"] = memory_slope(args.out, args.size, results)
    (args.out / f"{args.size}.json").write_text(json.dumps(results, indent=2) + "\n",
                                                encoding="utf-8")
    table = markdown(results)
    (args.out / f"{args.size}.md").write_text(table, encoding="utf-8")
    print(table)
    failed = [t for t in results["stages"] if t["exit_code"] != 0]
    return 1 if failed else 0


def _step(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def run(args: argparse.Namespace, documents: int, root: Path, work: Path, log: Path
        ) -> dict[str, Any]:
    _step(f"generating {documents} documents in {root}")
    lib = generate(root, documents, args.seed)
    for prepare in (["schema"], ["extract", "-q"], ["update", "-q"]):
        _required(pipeline("prepare", root, prepare, log), log)
    translate(lib, args.seed)
    _required(pipeline("prepare", root, ["update", "-q"], log), log)
    strings = count_strings(lib)
    edits = apply_edits(lib, args.seed)
    catalogs = root / "locales" / LOCALE / "LC_MESSAGES"
    before = work / "before"
    shutil.copytree(catalogs, before)

    stages: list[Timing] = []

    def stage(name: str, command: list[str], cold: bool = False) -> None:
        """`cold`: without the per-file results earlier runs left, as on a fresh clone."""
        _step(name)
        if cold:
            shutil.rmtree(root / CACHE_FOLDER, ignore_errors=True)
        stages.append(pipeline(name, root, command, log))

    stage("validate", ["validate", "-q"], cold=True)
    stage("extract", ["extract", "-q"])
    stage("update", ["update", "-q"])
    stage("check", ["check"])
    stage("build (cold)", ["build", "-q"], cold=True)
    stage("build (no change)", ["build", "-q"])
    previous = _manifest(root)
    edited = edit_one_document(lib)
    stage("build (one document edited)", ["build", "-q"])
    rebuilt = _bundles_changed(previous, _manifest(root))
    _step("anchors: libyaml, polib, msgfmt -c, pofilter")
    anchors = [t.as_dict() for t in measure_anchors(root / "source", catalogs, work, log)]

    results: dict[str, Any] = {
        "size": args.size, "seed": args.seed, "documents": len(lib.documents),
        "strings": strings, "edits": vars(edits),
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": _cpus()},
        "stages": [t.as_dict() for t in stages],
        "anchors": anchors,
        "ratios": ratios([t.as_dict() for t in stages], anchors),
        "one_document_edit": {"document": edited, "bundles_rewritten": rebuilt},
    }
    if args.skip_msgmerge or gnu.msgmerge_path() is None:
        return results
    results["msgmerge"] = compare_with_msgmerge(args, root, work, before, stages)
    return results


def compare_with_msgmerge(args: argparse.Namespace, root: Path, work: Path, before: Path,
                          stages: list[Timing]) -> dict[str, Any]:
    templates = root / "locales" / "templates"
    everything = sorted(p.stem for p in templates.glob("*.pot"))
    size = args.msgmerge_sample if args.msgmerge_sample is not None else (
        300 if args.size == "large" else 0)
    chosen = gnu.sample(everything, size, args.seed)
    _step(f"msgmerge with compendiums on {len(chosen)} of {len(everything)} catalogs")
    fuzzy = gnu.merge_all(before, templates, work / "gnu-fuzzy", chosen,
                          fuzzy=True, compendium=True)
    _step("msgmerge -N on every catalog")
    plain = gnu.merge_all(before, templates, work / "gnu-plain", everything,
                          fuzzy=False, compendium=False)
    ours = agreement.folder_outcomes(root / "locales" / LOCALE / "LC_MESSAGES", chosen)
    theirs = agreement.folder_outcomes(work / "gnu-fuzzy", chosen)
    update = next(t for t in stages if t.stage == "update").seconds
    return {
        "catalogs": len(everything),
        "sampled": len(chosen),
        "fuzzy_compendium_seconds": round(fuzzy.estimate, 2),
        "fuzzy_compendium_measured_seconds": round(fuzzy.seconds, 2),
        "no_fuzzy_seconds": round(plain.estimate, 2),
        "update_seconds": round(update, 3),
        "speedup_vs_fuzzy": round(fuzzy.estimate / update, 1) if update else None,
        "ratio_vs_no_fuzzy": round(update / plain.estimate, 2) if plain.estimate else None,
        "agreement": agreement.compare(ours, theirs).as_dict(),
    }


def _required(timing: Timing, log: Path) -> None:
    if timing.exit_code != 0:
        raise SystemExit(f"bench: preparing the library failed; see {log}")


def _manifest(root: Path) -> dict[str, Any]:
    path = root / "build" / "site" / "manifest.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _bundles_changed(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Bundles whose bytes differ between two manifests: after a one-document edit, that
    document's bundles and those of the pages showing its card (the locales' indexes and
    offline packs, which list every bundle, are left out)."""
    old, new = before.get("files", {}), after.get("files", {})
    return sorted(rel for rel in set(old) | set(new) if old.get(rel) != new.get(rel)
                  and not rel.startswith(("offline/", "schema/", "types/"))
                  and not rel.endswith("/index.json"))


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)


if __name__ == "__main__":
    raise SystemExit(main())
