"""Anchors: what well-known readers and checkers take on the same files, measured in the same
run as the stages, so each stage reads as a ratio that holds however loaded the machine is.

- `libyaml parse`: PyYAML's C composer on every source file (keeps line and column, as the
  loader does): the floor for reading the source.
- `polib parse`: polib's reader on every catalog of the locale.
- `msgfmt -c`: GNU gettext checking every catalog of the locale (concatenated first with
  msgcat, which is not timed).
- `pofilter`: translate-toolkit's checks on every catalog of the locale, when installed.
- `Python start`: an interpreter that imports nothing of ours.

Each runs as its own process, as the stages do (`run.measure`).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from .run import Timing, measure

_LIBYAML = """
import sys, yaml
from pathlib import Path
for path in sorted(Path(sys.argv[1]).rglob("*.yaml")):
    with path.open("rb") as fh:
        yaml.compose(fh, Loader=yaml.CSafeLoader)
"""
_POLIB = """
import sys, polib
from pathlib import Path
for path in sorted(Path(sys.argv[1]).glob("*.po")):
    polib.pofile(str(path))
"""

# Which anchor each stage is read against: the work its floor is made of.
STAGE_ANCHOR = {
    "validate": "libyaml parse",
    "extract": "libyaml parse",
    "update": "polib parse",
    "check": "msgfmt -c",
    "build (cold)": "msgfmt -c",
    "build (no change)": "Python start",
    "build (one document edited)": "Python start",
}


def measure_anchors(source: Path, catalogs: Path, work: Path, log: Path) -> list[Timing]:
    anchors = [
        measure("Python start", [sys.executable, "-c", "pass"], log),
        measure("libyaml parse", [sys.executable, "-c", _LIBYAML, str(source)], log),
        measure("polib parse", [sys.executable, "-c", _POLIB, str(catalogs)], log),
    ]
    msgcat, msgfmt = shutil.which("msgcat"), shutil.which("msgfmt")
    if msgcat and msgfmt:
        combined = work / "all.po"
        subprocess.run([msgcat, "--use-first", "-o", str(combined),
                        *sorted(str(p) for p in catalogs.glob("*.po"))], check=True)
        anchors.append(measure("msgfmt -c", [msgfmt, "-c", "-o", "/dev/null",
                                             str(combined)], log))
    pofilter = shutil.which("pofilter", path=str(Path(sys.executable).parent)) \
        or shutil.which("pofilter")
    if pofilter:
        anchors.append(measure("pofilter", [pofilter, "--progress=none", "-i", str(catalogs),
                                            "-o", str(work / "pofilter")], log))
    return anchors


def ratios(stages: list[dict[str, object]], anchors: list[dict[str, object]]
           ) -> dict[str, dict[str, object]]:
    """Per stage: its anchor's name, time and the stage's time as a multiple of it; `check`
    is also given against pofilter when it ran."""
    seconds = {str(a["stage"]): float(str(a["seconds"])) for a in anchors}
    found: dict[str, dict[str, object]] = {}
    for stage in stages:
        name = str(stage["stage"])
        wanted = [STAGE_ANCHOR.get(name)] + (["pofilter"] if name == "check" else [])
        found[name] = {anchor: round(float(str(stage["seconds"])) / seconds[anchor], 2)
                       for anchor in wanted if anchor in seconds and seconds[anchor] > 0}
    return found
