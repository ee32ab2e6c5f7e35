"""`python -m fuzz --target loader|po|all --seconds N`: fuzz each target for N seconds.

Exit status 0 when every input kept the contract, 1 when a crash was found (each one is
saved, shrunk, under `--out`, with its traceback printed), 2 for a usage error.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings

from .strategies import INPUTS
from .targets import TARGETS

DEFAULT_OUT = Path(__file__).resolve().parent / "crashes"
# Examples per Hypothesis run; runs repeat until the time is up.
BATCH = 100
# An input that takes longer than this is reported too: a reader must not hang.
SLOW = timedelta(seconds=10)


@dataclass
class Outcome:
    target: str
    seconds: float = 0.0
    examples: int = 0
    crashes: list[Path] = field(default_factory=list)


def _signature(exc: BaseException) -> str:
    """Where a crash happened, to report each distinct crash once."""
    frames = traceback.extract_tb(exc.__traceback__)
    last = frames[-1] if frames else None
    place = f"{Path(last.filename).name}:{last.lineno}" if last else "?"
    return f"{type(exc).__name__}@{place}"


def fuzz_target(name: str, seconds: float, out: Path, keep_going: bool) -> Outcome:
    run, extension = TARGETS[name]
    outcome = Outcome(name)
    seen: set[str] = set()
    last_input: list[bytes] = []
    with tempfile.TemporaryDirectory(prefix=f"fuzz-{name}-") as tmp:
        folder = Path(tmp)

        @settings(max_examples=BATCH, deadline=SLOW, database=None, print_blob=False,
                  suppress_health_check=list(HealthCheck),
                  phases=[Phase.generate, Phase.shrink])
        @given(INPUTS[name]())
        def probe(data: bytes) -> None:
            outcome.examples += 1
            last_input[:] = [data]
            run(data, folder)

        start = time.monotonic()
        while time.monotonic() - start < seconds:
            try:
                probe()
            except KeyboardInterrupt:
                break
            except Exception:  # a crash: Hypothesis has shrunk it and replayed it last
                data = last_input[0]
                try:
                    run(data, folder)
                    error: BaseException | None = None
                except Exception as exc:  # the replay shows the traceback of the crash
                    error = exc
                signature = _signature(error) if error else "flaky"
                if signature not in seen:
                    seen.add(signature)
                    out.mkdir(parents=True, exist_ok=True)
                    digest = hashlib.sha256(data).hexdigest()[:12]
                    path = out / f"{name}-{digest}.{extension}"
                    path.write_bytes(data)
                    outcome.crashes.append(path)
                    print(f"\n{name}: crash {signature}, input saved to {path} "
                          f"({len(data)} bytes)", file=sys.stderr)
                    if error is not None:
                        traceback.print_exception(error, file=sys.stderr)
                if not keep_going:
                    break
        outcome.seconds = time.monotonic() - start
    return outcome


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fuzz", description=__doc__)
    parser.add_argument("--target", choices=[*TARGETS, "all"], default="all")
    parser.add_argument("--seconds", type=float, default=60.0,
                        help="time per target (default: 60)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="where crashing inputs are saved (default: fuzz/crashes)")
    parser.add_argument("--keep-going", action="store_true",
                        help="keep fuzzing after a crash, to find other crashes")
    args = parser.parse_args(argv)
    if args.seconds <= 0:
        parser.error("--seconds must be positive")
    names = list(TARGETS) if args.target == "all" else [args.target]
    outcomes = [fuzz_target(name, args.seconds, args.out, args.keep_going) for name in names]
    for o in outcomes:
        verdict = f"{len(o.crashes)} crash(es)" if o.crashes else "no crash"
        print(f"{o.target}: {o.examples} inputs in {o.seconds:.0f} s, {verdict}")
    return 1 if any(o.crashes for o in outcomes) else 0


if __name__ == "__main__":
    raise SystemExit(main())
