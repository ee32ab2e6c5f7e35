"""Language verdicts come from a judge process that holds lingua's models: its answers are
lingua's own, and a run whose judge is gone judges on its own instead of failing."""

from __future__ import annotations

import multiprocessing

import pytest

from pipeline.content import language
from pipeline.infra import judge

FRENCH = "Gardez le dos bien droit et respirez calmement pendant tout l'exercice."
ENGLISH = "Keep your back straight and breathe calmly during the whole exercise."


def judges() -> list[multiprocessing.process.BaseProcess]:
    return [p for p in multiprocessing.active_children() if p.name == "language-judge"]


def test_the_judge_process_finds_english_left_in_french() -> None:
    judge.prefetch([FRENCH, ENGLISH], "fr")
    assert judges(), "prefetch starts the judge"
    assert language.foreign_sentence(FRENCH, "fr") is None
    assert language.foreign_sentence(ENGLISH, "fr") == (ENGLISH, "en")
    assert language.foreign_sentence(f"{FRENCH} {ENGLISH}", "fr") == (ENGLISH, "en")
    assert language.foreign_sentence(ENGLISH, "en") is None


def test_one_judge_serves_every_language() -> None:
    judge.warm_up("en")
    judge.prefetch(["Ceci est une phrase française assez longue pour être jugée."], "fr")
    judge.prefetch(["This is an English sentence long enough to be judged."], "en")
    assert len(judges()) == 1


def test_a_run_whose_judge_died_judges_on_its_own() -> None:
    judge.warm_up("fr")
    for process in judges():
        process.kill()
        process.join(timeout=10)
    assert not judges()
    fresh = "Please keep both of your shoulders relaxed while you lift the band."
    judge.prefetch([fresh], "fr")
    assert language.foreign_sentence(fresh, "fr") == (fresh, "en")


def test_a_run_held_to_one_cpu_starts_no_judge(monkeypatch: pytest.MonkeyPatch) -> None:
    before = {p.pid for p in judges()}
    sentence = "Hold the band with both hands and pull it slowly towards your chest."
    judge.warm_up("fr", workers=1)
    judge.prefetch([sentence], "fr", workers=1)
    assert {p.pid for p in judges()} <= before
    assert language.foreign_sentence(sentence, "fr") == (sentence, "en")
