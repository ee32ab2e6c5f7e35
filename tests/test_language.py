"""Language verdicts come from a judge process that holds lingua's models: its answers are
lingua's own, a run whose judge is gone judges on its own instead of failing, and no judge
is forked once the models are loaded in the run itself (a fork then inherits a thread pool
without its threads, and hangs).

Each case runs in a fresh interpreter: whether a judge is started depends on what the
process did before, which a test worker shares between tests.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
FRENCH = "Gardez le dos bien droit et respirez calmement pendant tout l'exercice."
ENGLISH = "Keep your back straight and breathe calmly during the whole exercise."

PRELUDE = f"""
import json, multiprocessing
from pipeline.content import language
from pipeline.infra import judge
FRENCH, ENGLISH = {FRENCH!r}, {ENGLISH!r}
def judges():
    return [p for p in multiprocessing.active_children() if p.name == "language-judge"]
"""


def in_fresh_process(code: str) -> Any:
    """What the snippet prints as JSON on its last line, run after PRELUDE in a new
    interpreter (a hang fails the test at the timeout rather than stalling the suite)."""
    done = subprocess.run([sys.executable, "-c", PRELUDE + code], cwd=REPO, text=True,
                          capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_judge_process_finds_english_left_in_french() -> None:
    found = in_fresh_process("""
judge.prefetch([FRENCH, ENGLISH], "fr")
print(json.dumps([len(judges()), language.foreign_sentence(FRENCH, "fr"),
                  language.foreign_sentence(ENGLISH, "fr"),
                  language.foreign_sentence(FRENCH + " " + ENGLISH, "fr"),
                  language.foreign_sentence(ENGLISH, "en")]))
""")
    assert found == [1, None, [ENGLISH, "en"], [ENGLISH, "en"], None]


def test_one_judge_serves_every_language() -> None:
    assert in_fresh_process("""
judge.prefetch(["Lentement, relâchez ensuite chaque muscle sollicité."], "en")
judge.prefetch(["Slowly release every muscle you have just worked."], "fr")
print(json.dumps(len(judges())))
""") == 1


def test_a_run_whose_judge_died_judges_on_its_own() -> None:
    assert in_fresh_process("""
judge.prefetch([ENGLISH], "fr")
started = len(judges())
for process in judges():
    process.kill()
    process.join(timeout=10)
gone = not judges()
fresh = "Please keep both of your shoulders relaxed while you lift the band."
judge.prefetch([fresh], "fr")
print(json.dumps([started, gone, language.foreign_sentence(fresh, "fr") == (fresh, "en")]))
""") == [1, True, True]


def test_a_run_held_to_one_cpu_starts_no_judge() -> None:
    assert in_fresh_process("""
sentence = "Hold the band with both hands and pull it slowly towards your chest."
judge.prefetch([sentence], "fr", workers=1)
print(json.dumps([len(judges()), language.foreign_sentence(sentence, "fr") == (sentence, "en")]))
""") == [0, True]


def test_no_judge_is_forked_once_the_models_are_loaded_here() -> None:
    """A sentence judged here first (a check run before any prefetch) loads lingua and its
    threads in this process; a judge forked after that hung in its first batch."""
    assert in_fresh_process("""
language.judge_here([ENGLISH], "fr")
sentence = "Lift one arm and the opposite leg, then hold still for a breath or two."
judge.prefetch([sentence], "fr")
print(json.dumps([len(judges()), language.foreign_sentence(sentence, "fr") == (sentence, "en")]))
""") == [0, True]


def test_models_loaded_ahead_leave_every_answer_in_its_place() -> None:
    """Asking the judge to load ahead sends no answer back: the verdicts of the batches that
    follow are still their own, for both languages, and a run that already keeps verdicts
    asks for no load at all."""
    assert in_fresh_process("""
class Store:
    def __init__(self, kept): self.kept = kept
    def get(self, *key): return self.kept
judge.start()
judge.load_ahead("en", Store(None))
first = judge.verdicts([FRENCH, ENGLISH], "en")
second = judge.verdicts([FRENCH, ENGLISH], "fr")
language.known_verdicts("en")[ENGLISH] = None
judge.load_ahead("en", Store(None))  # verdicts kept in this run: no load asked
third = judge.verdicts([ENGLISH], "en")
print(json.dumps([len(judges()), first, second, third]))
""") == [1, ["fr", None], [None, "en"], [None]]
