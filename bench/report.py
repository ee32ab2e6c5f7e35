"""The bench's results as a markdown table, and how peak memory grows with the library."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ORDER = ("small", "medium", "large")


def _seconds(value: float) -> str:
    return f"{value:.2f} s" if value < 100 else f"{value:.0f} s"


def markdown(results: dict[str, Any]) -> str:
    machine = results["machine"]
    lines = [
        f"### Bench: {results['size']} — {results['documents']:,} documents, "
        f"{results['strings']:,} strings (seed {results['seed']})",
        "",
        f"Edits before `update`: {results['edits']['edited']:,} strings edited, "
        f"{results['edits']['removed']:,} removed, {results['edits']['added']:,} added, "
        f"{results['edits']['moved']:,} moved to another document. "
        f"Python {machine['python']}, {machine['cpus']} CPUs.",
        "",
        "| stage | time | peak RSS | against its anchor, same run |",
        "| --- | ---: | ---: | --- |",
    ]
    ratios = results.get("ratios", {})
    for stage in results["stages"]:
        failed = "" if stage["exit_code"] == 0 else f" (exit {stage['exit_code']})"
        against = "; ".join(f"{ratio}× {anchor}"
                            for anchor, ratio in ratios.get(stage["stage"], {}).items())
        lines.append(f"| {stage['stage']}{failed} | {_seconds(stage['seconds'])} | "
                     f"{stage['peak_rss_mb']:.0f} MB | {against} |")
    anchors = results.get("anchors", [])
    if anchors:
        lines += ["", "Anchors, each its own process: " + ", ".join(
            f"{a['stage']} {_seconds(a['seconds'])}" for a in anchors) + "."]
    edit = results["one_document_edit"]
    lines += ["", f"One-document edit (`{edit['document']}`): "
              f"{len(edit['bundles_rewritten'])} bundles changed "
              f"({', '.join(edit['bundles_rewritten'])})."]
    gnu = results.get("msgmerge")
    if gnu:
        agree = gnu["agreement"]
        sampled = ("" if gnu["sampled"] == gnu["catalogs"] else
                   f" (measured on {gnu['sampled']} of {gnu['catalogs']} catalogs, "
                   f"{_seconds(gnu['fuzzy_compendium_measured_seconds'])}, scaled)")
        lines += [
            "",
            "| update vs GNU msgmerge | time | ours relative |",
            "| --- | ---: | ---: |",
            f"| `pipeline update` (fuzzy, cross-document memory) | "
            f"{_seconds(gnu['update_seconds'])} | 1× |",
            f"| `msgmerge --compendium` (every other catalog), one process per catalog"
            f"{sampled} | {_seconds(gnu['fuzzy_compendium_seconds'])} | "
            f"{gnu['speedup_vs_fuzzy']}× faster |",
            f"| `msgmerge -N` (no fuzzy, no compendium), one process per catalog | "
            f"{_seconds(gnu['no_fuzzy_seconds'])} | {gnu['ratio_vs_no_fuzzy']}× its time |",
            "",
            f"Agreement with msgmerge over {agree['entries']:,} entries: "
            f"{100 * agree['decisions']:.2f} % on translated / untranslated / obsolete, "
            f"{100 * agree['overall']:.2f} % on all four states; by msgmerge's state: "
            + ", ".join(f"{s} {100 * v:.2f} %" for s, v in agree["by_state"].items())
            + f"; fuzzy entries offering the same translation: "
            f"{100 * agree['fuzzy_same_suggestion']:.2f} %.",
        ]
    slope = results.get("memory_slope")
    if slope:
        lines += ["", "Peak memory by size (largest stage): " + ", ".join(
            f"{s['size']} {s['strings']:,} strings → {s['peak_rss_mb']:.0f} MB"
            for s in slope["points"])
            + (f"; slope {slope['mb_per_10k_strings']:.1f} MB per 10,000 strings."
               if slope.get("mb_per_10k_strings") is not None else ".")]
    return "\n".join(lines) + "\n"


def memory_slope(out: Path, size: str, current: dict[str, Any]) -> dict[str, Any]:
    """Peak RSS of the hungriest stage for every size measured so far (this run and earlier
    results in `out`), and the slope from the smallest to the largest."""
    points = []
    for name in ORDER:
        data = current if name == size else _load(out / f"{name}.json")
        if data is None:
            continue
        peak = max(s["peak_rss_mb"] for s in data["stages"])
        points.append({"size": name, "strings": data["strings"], "peak_rss_mb": peak})
    slope = None
    if len(points) >= 2 and points[-1]["strings"] != points[0]["strings"]:
        slope = (10_000 * (points[-1]["peak_rss_mb"] - points[0]["peak_rss_mb"])
                 / (points[-1]["strings"] - points[0]["strings"]))
    return {"points": points, "mb_per_10k_strings": round(slope, 2) if slope else None}


def _load(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else None
    except (OSError, ValueError):
        return None
