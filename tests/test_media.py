"""Media: images and a video with alt text, files under media/ checked for what they hold,
WebVTT captions in each locale checked like translations, and bundles that carry the
localized alt text and the locale's caption track, falling back (or leaving the exercise
out) as an optional locale's rules decide."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.content.captions import parse

from build_helpers import bundles, clone, configure, edit_entry, must, po_path, tiny_template
from runner import run_cli

EXERCISE = "source/exercises/glute-bridge.yaml"
# The first bytes of a PNG and of a WebM file: what the type check reads.
PNG = b"\x89PNG\r\n\x1a\n" + bytes(24) + b"original image"
WEBM = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm" + bytes(48)
START_ALT = "Someone lies on their back on a mat with knees bent."
VIDEO_ALT = "Someone lifts their hips off a mat, holds, and lowers them."
FR_ALT = {START_ALT: "Une personne allongée sur le dos sur un tapis, les genoux fléchis.",
          VIDEO_ALT: "Une personne soulève les hanches du tapis, tient, puis les redescend."}
EN_VTT = ("WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nLift your hips.\n\n"
          "00:00:05.000 --> 00:00:08.000\nHold for 3 seconds, then lower them slowly.\n")
FR_VTT = ("WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nSoulevez les hanches.\n\n"
          "00:00:05.000 --> 00:00:08.000\nTenez 3\u00a0secondes, puis redescendez-les "
          "lentement.\n")


def media_yaml(*, safety_video: bool = False) -> str:
    return ("media:\n  images:\n    - src: bridge/start.png\n"
            f"      alt: {START_ALT}\n"
            "  video:\n    src: bridge/demo.webm\n    poster: bridge/start.png\n"
            f"    duration_seconds: 10\n    alt: {VIDEO_ALT}\n    captions: bridge\n"
            + ("    safety: true\n" if safety_video else ""))


def project(tmp_path: Path, factory: pytest.TempPathFactory, *, required: tuple[str, ...],
            optional: tuple[str, ...], fr_captions: str | None = FR_VTT,
            safety_video: bool = False) -> Path:
    """The tiny project with a video and an image on its exercise, the French alt texts
    translated, and French captions when given."""
    root = clone(tiny_template(factory), tmp_path / "project")
    configure(root, required=required, optional=optional)
    (root / "media" / "bridge").mkdir(parents=True)
    (root / "media" / "bridge" / "start.png").write_bytes(PNG)
    (root / "media" / "bridge" / "demo.webm").write_bytes(WEBM)
    (root / "source" / "captions").mkdir()
    (root / "source" / "captions" / "bridge.vtt").write_text(EN_VTT, encoding="utf-8")
    with (root / EXERCISE).open("a", encoding="utf-8") as fh:
        fh.write(media_yaml(safety_video=safety_video))
    must(root, "extract")
    must(root, "update")
    for english, french in FR_ALT.items():
        edit_entry(po_path(root, "glute-bridge"), english, msgstr=french)
    if fr_captions is not None:
        (root / "locales" / "fr" / "captions").mkdir()
        (root / "locales" / "fr" / "captions" / "bridge.vtt").write_text(fr_captions,
                                                                        encoding="utf-8")
    return root


def test_bundles_carry_localized_alt_text_and_the_locales_captions(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    root = project(tmp_path, tmp_path_factory, required=("fr",), optional=())
    result = run_cli(root, "build")
    assert result.code == 0, result.out
    site = root / "build" / "site"
    found = bundles(root / "build")
    french, english = found["fr/glute-bridge.json"], found["en/glute-bridge.json"]
    media = french["document"]["media"]
    assert media["images"] == [{"src": "bridge/start.png", "alt": FR_ALT[START_ALT],
                                "safety": False}]
    assert media["video"]["alt"] == FR_ALT[VIDEO_ALT]
    assert (media["video"]["src"], media["video"]["poster"]) == ("bridge/demo.webm",
                                                                 "bridge/start.png")
    assert french["formatted"]["captions"] == {"src": "fr/captions/bridge.vtt",
                                               "language": "fr"}
    assert english["formatted"]["captions"] == {"src": "en/captions/bridge.vtt",
                                                "language": "en"}
    assert french["fallbacks"] == []
    # What ships is the checked bytes, listed in the manifest with their hashes.
    assert (site / "fr" / "captions" / "bridge.vtt").read_bytes() == FR_VTT.encode()
    assert (site / "en" / "captions" / "bridge.vtt").read_bytes() == EN_VTT.encode()
    assert (site / "media" / "bridge" / "start.png").read_bytes() == PNG
    files = json.loads((site / "manifest.json").read_text("utf-8"))["files"]
    for rel, data in (("media/bridge/demo.webm", WEBM), ("fr/captions/bridge.vtt",
                                                         FR_VTT.encode())):
        assert files[rel] == {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    # A changed captions file is a changed build (the fingerprint covers captions and media).
    (root / "media" / "bridge" / "demo.webm").write_bytes(WEBM + b"more")
    assert run_cli(root, "build").code == 0
    assert (site / "media" / "bridge" / "demo.webm").read_bytes() == WEBM + b"more"


def test_a_required_locale_without_captions_fails(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    root = project(tmp_path, tmp_path_factory, required=("fr",), optional=(),
                   fr_captions=None)
    result = run_cli(root, "build")
    assert result.code == 1
    assert "locales/fr/captions/bridge.vtt: E424" in result.out
    assert not (root / "build" / "site").exists()


def test_an_optional_locale_without_captions_shows_the_english_track(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    root = project(tmp_path, tmp_path_factory, required=(), optional=("fr",),
                   fr_captions=None)
    result = run_cli(root, "build")
    assert result.code == 0, result.out
    french = bundles(root / "build")["fr/glute-bridge.json"]
    # Said as the language of the track, and as a fallback of the page.
    assert french["formatted"]["captions"] == {"src": "en/captions/bridge.vtt",
                                               "language": "en"}
    assert french["fallbacks"] == ["media.video.captions"]
    assert not (root / "build" / "site" / "fr" / "captions").exists()


def test_a_safety_video_without_reviewed_captions_leaves_the_exercise_out(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    root = project(tmp_path, tmp_path_factory, required=(), optional=("fr",),
                   fr_captions=None, safety_video=True)
    result = run_cli(root, "build")
    assert result.code == 0, result.out
    assert "fr/glute-bridge.json" not in bundles(root / "build")
    manifest = json.loads((root / "build" / "site" / "manifest.json").read_text("utf-8"))
    assert manifest["locales"]["fr"]["withheld"]["glute-bridge"] == (
        "safety-critical text without a reviewed translation: media.video.captions")


def test_unsafe_captions_in_an_optional_locale_are_not_shipped(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    hostile = FR_VTT.replace("Soulevez les hanches.",
                             "Soulevez les hanches. Voir https://evil.example/x.")
    root = project(tmp_path, tmp_path_factory, required=(), optional=("fr",),
                   fr_captions=hostile)
    checked = run_cli(root, "check")
    assert checked.code == 0 and "locales/fr/captions/bridge.vtt:4: E515" in checked.out
    result = run_cli(root, "build")
    assert result.code == 0, result.out
    french = bundles(root / "build")["fr/glute-bridge.json"]
    assert french["formatted"]["captions"]["language"] == "en"
    assert not (root / "build" / "site" / "fr" / "captions").exists()


def test_french_captions_are_checked_as_translations(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each cue against the English cue at the same time: a dose changed (E519), French
    typography (E514), and cues at other times than the English's (E423)."""
    wrong = (FR_VTT.replace("3\u00a0secondes", "5\u00a0secondes")
             .replace("00:00:01.000 --> 00:00:04.000", "00:00:01.500 --> 00:00:04.000")
             .replace("Soulevez les hanches.", "Soulevez les hanches !"))
    root = project(tmp_path, tmp_path_factory, required=("fr",), optional=(),
                   fr_captions=wrong)
    result = run_cli(root, "check")
    assert result.code == 1
    where = "locales/fr/captions/bridge.vtt"
    for expected in (f"{where}:3: E423", f"{where}:7: E519", f"{where}:4: E514"):
        assert expected in result.out, result.out


@pytest.mark.parametrize(("name", "content", "message"), [
    ("start.png", b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>",
     "does not hold a .png file"),
    ("start.png", None, "leads outside media/"),
    ("demo.webm", PNG, "does not hold a .webm file"),
])
def test_a_media_file_must_hold_what_its_name_says(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, name: str,
        content: bytes | None, message: str) -> None:
    root = project(tmp_path, tmp_path_factory, required=("fr",), optional=())
    path = root / "media" / "bridge" / name
    path.unlink()
    if content is None:  # a link to a file outside the media folder
        (tmp_path / "elsewhere.png").write_bytes(PNG)
        os.symlink(tmp_path / "elsewhere.png", path)
    else:
        path.write_bytes(content)
    result = run_cli(root, "validate")
    assert result.code == 1
    assert f"{EXERCISE}:" in result.out and "E211" in result.out and message in result.out


def test_the_media_size_limit(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
                              ) -> None:
    root = project(tmp_path, tmp_path_factory, required=("fr",), optional=())
    settings = root / "pyproject.toml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace("review_max_age_months = 600\n",
                                     "review_max_age_months = 600\nmax_media_bytes = 40\n"),
                        encoding="utf-8")
    result = run_cli(root, "validate")
    assert result.code == 1 and "the limit (max_media_bytes) is 40" in result.out


# --- The WebVTT reader -----------------------------------------------------------------------


def test_captions_read_as_webvtt_writes_them() -> None:
    found = parse("\ufeffWEBVTT - with a title\r\n\r\nNOTE a comment\r\n\r\nintro\r\n"
                  "01:02.500 --> 01:01:02.750\r\nFish &amp; chips\r\nand peas\r\n", 4000)
    assert found.problems == ()
    (cue,) = found.cues
    assert (cue.line, cue.start, cue.end, cue.text) == (6, 62.5, 3662.75, "Fish & chips\nand peas")


@pytest.mark.parametrize(("text", "code", "line"), [
    ("WEBVT\n\n00:01.000 --> 00:02.000\nHi.\n", "E420", 1),
    ("WEBVTT\n\nSTYLE\n::cue { color: red }\n", "E420", 3),
    ("WEBVTT\n\n00:01.000 --> 00:02.000\n<v Ann>Hi.\n", "E420", 4),
    ("WEBVTT\n\n00:01.000 --> 00:02.000\nFish & chips.\n", "E420", 4),
    ("WEBVTT\n\n00:01.000 -> 00:02.000\nHi.\n", "E420", 3),
    ("WEBVTT\n\n00:01.000 --> 00:02.000\nHi.\n00:03.000 --> 00:04.000\nHo.\n", "E420", 3),
    ("WEBVTT\n\n00:03.000 --> 00:04.000\nHi.\n\n00:01.000 --> 00:02.000\nHo.\n", "E421", 6),
    ("WEBVTT\n\n00:03.000 --> 00:02.000\nHi.\n", "E421", 3),
    ("WEBVTT\n\n00:03.000 --> 00:02.000\n", "E422", 3),
    ("WEBVTT\n", "E422", 1),
])
def test_captions_problems_name_their_line(text: str, code: str, line: int) -> None:
    problems = parse(text, 60).problems
    assert (problems[0].code, problems[0].line) == (code, line), problems


def test_captions_leading_outside_their_folder_are_refused(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    root = project(tmp_path, tmp_path_factory, required=("fr",), optional=())
    english = root / "source" / "captions" / "bridge.vtt"
    (tmp_path / "elsewhere.vtt").write_text(EN_VTT, encoding="utf-8")
    english.unlink()
    os.symlink(tmp_path / "elsewhere.vtt", english)
    result = run_cli(root, "validate")
    assert result.code == 1 and "source/captions/bridge.vtt: E011" in result.out, result.out


def test_captions_too_large_are_refused_from_their_size(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    root = project(tmp_path, tmp_path_factory, required=("fr",), optional=())
    with (root / "locales" / "fr" / "captions" / "bridge.vtt").open("r+b") as fh:
        fh.truncate(2_000_000)  # sparse: no disk space, never read
    result = run_cli(root, "check")
    assert result.code == 1 and "locales/fr/captions/bridge.vtt: E007" in result.out, result.out


def test_a_withheld_exercise_ships_no_captions_in_that_locale(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """A safety video's alt text untranslated: the exercise is left out of French, and so
    are its French captions, checked and ready as they are."""
    root = project(tmp_path, tmp_path_factory, required=(), optional=("fr",),
                   safety_video=True)
    edit_entry(po_path(root, "glute-bridge"), VIDEO_ALT, msgstr="")
    result = run_cli(root, "build")
    assert result.code == 0, result.out
    manifest = json.loads((root / "build" / "site" / "manifest.json").read_text("utf-8"))
    assert manifest["locales"]["fr"]["withheld"]["glute-bridge"] == (
        "safety-critical text without a reviewed translation: media.video.alt")
    assert not (root / "build" / "site" / "fr" / "captions").exists()
    assert (root / "build" / "site" / "en" / "captions" / "bridge.vtt").is_file()


def test_a_captions_folder_leading_outside_is_refused(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """The folder, not the file, is the link: the file's own path looks innocent."""
    root = project(tmp_path, tmp_path_factory, required=("fr",), optional=())
    folder = root / "source" / "captions"
    (folder / "bridge.vtt").rename(tmp_path / "bridge.vtt")
    folder.rmdir()
    os.symlink(tmp_path, folder)
    result = run_cli(root, "validate")
    assert result.code == 1 and "source/captions/bridge.vtt: E011" in result.out, result.out


def test_the_language_of_captions_is_judged_once_and_kept(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Captions are judged for their language in one batch whose verdicts the store keeps:
    a second `check`, in a fresh interpreter, reports the same English left in the French
    captions without loading lingua's models."""
    english = EN_VTT + ("\n00:00:09.000 --> 00:00:10.000\n"
                        "Breathe slowly and steadily throughout each lift.\n")
    french = FR_VTT + ("\n00:00:09.000 --> 00:00:10.000\n"
                       "Breathe slowly and steadily throughout each lift.\n")
    root = project(tmp_path, tmp_path_factory, required=(), optional=("fr",),
                   fr_captions=french)
    (root / "source" / "captions" / "bridge.vtt").write_text(english, encoding="utf-8")
    script = ("import multiprocessing, sys; from pipeline.cli import main; "
              "from pipeline.content import language; "
              f"code = main(['check', '--root', {str(root)!r}]); "
              "judged = language.loaded_here() or any(p.name == 'language-judge' for p in "
              "multiprocessing.active_children()); print('judged:', judged); sys.exit(code)")
    env = {k: v for k, v in os.environ.items() if k != "PIPELINE_NO_CACHE"}
    runs = [subprocess.run([sys.executable, "-c", script], cwd=root, env=env, text=True,
                           capture_output=True, timeout=120) for _ in range(2)]
    e513 = "locales/fr/captions/bridge.vtt:3: E513"  # at the first cue
    assert [r.returncode for r in runs] == [0, 0], runs[0].stderr + runs[1].stderr
    assert all(e513 in r.stdout and "'en'" in r.stdout for r in runs), runs[1].stdout
    assert [r.stdout.splitlines()[-1] for r in runs] == ["judged: True", "judged: False"]
