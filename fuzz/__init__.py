"""Fuzzing the two readers of untrusted input: YAML source files and gettext catalogs.

`python -m fuzz --target loader|po|all --seconds N` feeds generated and mutated input to each
target for a bounded time (with Hypothesis). The contract of a target: any input ends in a
valid result or a clean error — diagnostics from the YAML loader, `PoReadError` from the
catalog reader — and what reads as valid survives being written and read back. Anything else
is a crash: the input is saved, shrunk, under `fuzz/crashes/`. Fixed, it becomes a regression
fixture in `tests/fixtures/fuzz/{yaml,po}/`, named for its outcome (`ok-<what>` or
`<code>-<what>`; a catalog input ends in `.po-input`, since most are broken on purpose),
replayed by tests/test_fuzz_regressions.py.
"""
