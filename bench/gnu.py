"""The same merge done with GNU msgmerge, as a team would script it: one process per
catalog, with the locale's other catalogs as compendiums (and, for the no-fuzzy baseline,
`msgmerge -N` on the catalog alone)."""

from __future__ import annotations

import random
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class GnuRun:
    """Per-process times summed (what a sequential loop costs), over `catalogs` catalogs of
    `total`; with a sample, `estimate` scales the sum to every catalog."""

    mode: str
    seconds: float
    catalogs: int
    total: int

    @property
    def estimate(self) -> float:
        return self.seconds * self.total / self.catalogs if self.catalogs else 0.0


def msgmerge_path() -> str | None:
    return shutil.which("msgmerge")


def sample(documents: list[str], size: int, seed: int) -> list[str]:
    """All documents, or a fixed random sample of them."""
    if size <= 0 or size >= len(documents):
        return sorted(documents)
    return sorted(random.Random(seed).sample(sorted(documents), size))


def merge_all(old: Path, templates: Path, out: Path, documents: list[str], *,
              fuzzy: bool, compendium: bool, workers: int = 2) -> GnuRun:
    """Merge `templates/<doc>.pot` into `old/<doc>.po` for each document, into `out/`.

    Processes run `workers` at a time to keep the bench short; each is timed on its own and
    the times are summed, which is what one loop over the catalogs would take."""
    tool = msgmerge_path()
    assert tool is not None, "msgmerge is not installed"
    out.mkdir(parents=True, exist_ok=True)
    catalogs = sorted(old.glob("*.po"))

    def one(doc: str) -> float:
        command = [tool, "--previous", "-q"]
        if not fuzzy:
            command.append("-N")
        if compendium:
            command += [f"--compendium={c}" for c in catalogs if c.stem != doc]
        command += [str(old / f"{doc}.po"), str(templates / f"{doc}.pot"),
                    "-o", str(out / f"{doc}.po")]
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        return time.perf_counter() - start

    with ThreadPoolExecutor(max_workers=workers) as pool:
        seconds = sum(pool.map(one, documents))
    mode = ("fuzzy" if fuzzy else "no-fuzzy") + (" + compendium" if compendium else "")
    return GnuRun(mode, seconds, len(documents), len(list(templates.glob("*.pot"))))
