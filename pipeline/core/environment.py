"""What the environment tells a run, read once by the command line (`Environment.read`) and
carried in the configuration: no module below the command line reads `os.environ`, so a
stage called from a test, a script or another tool does what its arguments say."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

# The variable that switches the per-file cache off.
NO_CACHE = "PIPELINE_NO_CACHE"


@dataclass(frozen=True)
class Environment:
    # PIPELINE_WORKERS: the most worker processes a run may start (None: one per CPU).
    workers: int | None = None
    # PIPELINE_NO_CACHE: run without the per-file cache.
    cache_off: bool = False
    # XDG_CACHE_HOME: where the user's signing key lives (None: ~/.cache).
    cache_home: Path | None = None
    # SOURCE_DATE_EPOCH: the moment written into templates and catalogs, for reproducible
    # files (None: the clock).
    source_date_epoch: int | None = None

    @classmethod
    def read(cls, environ: Mapping[str, str]) -> Environment:
        """The settings in `environ`; a value that does not parse is ignored, as before a
        run had a say in it (a malformed variable never stops a run)."""
        workers = environ.get("PIPELINE_WORKERS", "").strip()
        home = environ.get("XDG_CACHE_HOME", "").strip()
        epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
        return cls(workers=max(1, int(workers)) if workers.isdigit() else None,
                   cache_off=environ.get(NO_CACHE, "").strip() not in ("", "0"),
                   cache_home=Path(home) if home and os.path.isabs(home) else None,
                   source_date_epoch=int(epoch) if epoch.isdigit() else None)

    def now(self) -> dt.datetime:
        """This moment, or SOURCE_DATE_EPOCH's, in UTC to the second."""
        if self.source_date_epoch is not None:
            return dt.datetime.fromtimestamp(self.source_date_epoch, dt.timezone.utc)
        return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)

    def key_folder(self) -> Path:
        """The user's cache folder, outside every project."""
        return (self.cache_home or Path.home() / ".cache") / "exercise-content-pipeline"
