"""Text that a renderer would turn into a live script link or a spoofed display never passes
`check` or `build`, in the English source or in a translation.

The corpus is what a hostile translator would try: script links hidden behind entities,
case, tabs and percent-encoding; raw HTML with event handlers; addresses that linkifying
renderers turn into links; reference definitions, link titles and block Markdown that only a
full-document renderer acts on; invisible and direction-changing characters and stacked marks.

The proof runs against the real thing: the raw translations are rendered with markdown-it
(default options, inline mode, with `linkify`, and with linkify-it's older fuzzy domain
linking) and marked (defaults), from npm, in headless Chromium, in one browser launch. Each
live case must show there what makes it dangerous (a payload that runs, a link or title the
English rendering lacks, an element the English lacks, invisible characters on the page), so
this test fails if the corpus stops being hostile. Then the same translations, put in a
required French locale, are refused by `check` (E515, E516) and by `build`; with French
optional, the build ships the English instead; and the clean French of this repository
renders with exactly the English's links.

Bundles carry no Markdown: a text that may carry markup reaches a client as rich text (blocks
of spans with marks and typed links), which an app renders as text, never as HTML. So the
shipped bundles are held to that: every link names a document of the build or is an https
page the English links to, and rendered the way a client renders them (elements made one by
one, span text set as text, an anchor only for an https or a document link), in the same
browser, no script runs, no link the English lacks appears, and every span reads as the text
it holds.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polib
import pytest
from filelock import FileLock

from pipeline.content.markup import analyze
from pipeline.core.text import hidden_characters
from pipeline.gettext.checks import CheckContext, check_catalog
from pipeline.gettext.locales import plural_forms
from pipeline.gettext.pofiles import read_catalog

from build_helpers import (
    bundles,
    cli,
    clone,
    configure,
    edit_entry,
    line_of,
    msgstr_line,
    plain,
    plain_of,
    po_path,
    refresh,
    tiny_template,
)
from catalog_helpers import run_cli

REPO_ROOT = Path(__file__).resolve().parents[1]
RENDERERS = Path(__file__).parent / "renderers"
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run",
                  "--disable-quic", "--virtual-time-budget=10000")

# --- The corpus ---------------------------------------------------------------------------------

# English texts of the entries the cases translate, and their honest French.
STEP = "Squeeze your buttocks and lift your hips off the floor."
FR_STEP = "Serrez les fesses et soulevez les hanches du sol."
URL = "https://pubmed.ncbi.nlm.nih.gov/30700068/"
EN_URL = f"Read {URL} before you start."
FR_URL = f"Lisez {URL} avant de commencer."
EN_LINK = "Squeeze your buttocks as in the [glute bridge](glute-bridge.yaml)."
FR_LINK = "Serrez les fesses comme dans le [pont fessier](glute-bridge.yaml)."
ZALGO = "".join(chr(c) for c in range(0x0300, 0x0308))  # eight marks on one letter


@dataclass(frozen=True)
class Case:
    """A hostile translation of `english`. `PWN` in it stands for the case's payload,
    `pwn(<number>)`, which reports itself when a browser runs it. `hazard` is what at least
    one renderer makes of the raw text in a browser: "script" (the payload runs), "link" or
    "title" (one the English rendering lacks), "markup" (an element the English lacks),
    "hidden" (invisible or direction-changing characters reach the page); None when no
    renderer tried here acts on it (other renderers or apps may: refused all the same)."""

    name: str
    english: str
    translation: str
    hazard: str | None


CASES = [
    # Script links: entities (numeric, hex, named, without semicolon), case, tab, newline.
    Case("entity-decimal", STEP, FR_STEP + " [Vidéo](&#106;avascript:PWN)", "script"),
    Case("entity-hex", STEP, FR_STEP + " [Vidéo](&#x6A;avascript:PWN)", "script"),
    Case("entity-colon-numeric", STEP, FR_STEP + " [Vidéo](javascript&#58;PWN)", "script"),
    Case("entity-colon-named", STEP, FR_STEP + " [Vidéo](javascript&colon;PWN)", "script"),
    Case("entity-tab-named", STEP, FR_STEP + " [Vidéo](java&Tab;script:PWN)", "script"),
    Case("entity-newline-named", STEP, FR_STEP + " [Vidéo](javascript&NewLine;:PWN)", "script"),
    Case("entity-padded-no-semicolon", STEP, FR_STEP + " [Vidéo](&#0000106avascript:PWN)",
         "link"),
    Case("mixed-case-scheme", STEP, FR_STEP + " [Vidéo](JaVaScRiPt:PWN)", "script"),
    Case("raw-tab-in-scheme", STEP, FR_STEP + " [Vidéo](java\tscript:PWN)", None),
    Case("percent-encoded-scheme", STEP, FR_STEP + " [Vidéo](%6aavascript:PWN)", "link"),
    Case("autolink-script", STEP, FR_STEP + " <javascript:PWN>", "script"),
    Case("pointy-destination", STEP, FR_STEP + " [Vidéo](<javascript:PWN>)", "script"),
    Case("spaced-destination", STEP, FR_STEP + " [Vidéo]( javascript:PWN )", "script"),
    Case("data-url", STEP, FR_STEP + " [Vidéo](data:text/html,<script>PWN</script>)", "link"),
    Case("vbscript", STEP, FR_STEP + " [Vidéo](vbscript:PWN)", "link"),
    # Raw HTML and what a browser reads as a tag.
    Case("img-onerror", STEP, FR_STEP + " <img src=x onerror=PWN>", "script"),
    Case("details-ontoggle", STEP, FR_STEP + " <details open ontoggle=PWN>x</details>", "script"),
    Case("svg-onload", STEP, FR_STEP + " <svg onload=PWN>", "script"),
    Case("svg-slash-onload", STEP, FR_STEP + " <svg/onload=PWN>", None),
    Case("html-anchor", STEP, FR_STEP + " <a href=javascript:PWN>Vidéo</a>", "script"),
    Case("iframe-srcdoc", STEP, FR_STEP + "\n\n<iframe srcdoc=\"<script>parent.PWN</script>\">"
                                          "</iframe>", "script"),
    Case("entity-encoded-tag", STEP, FR_STEP + " &lt;img src=x onerror=PWN&gt;", None),
    Case("split-tag", STEP, FR_STEP + " <scr<b>ipt>PWN</b>", "markup"),
    # Bare addresses that linkifying renderers link.
    Case("bare-url", STEP, FR_STEP + " https://evil.example/soins", "link"),
    Case("www-address", STEP, FR_STEP + " Voir www.evil.example.", "link"),
    Case("email-address", STEP, FR_STEP + " Écrivez à soins@evil.example.", "link"),
    Case("bare-domain", STEP, FR_STEP + " Voir evil.com.", "link"),
    Case("protocol-relative-bare", STEP, FR_STEP + " Voir //evil.example/soins.", "link"),
    Case("http-downgrade", EN_URL, FR_URL.replace("https://", "http://"), "link"),
    Case("idn-look-alike", EN_URL, FR_URL.replace("ncbi", "ncb\u0456"), "link"),
    Case("link-text-around-english-url", EN_URL,
         f"Lisez [l’essai]({URL}) avant de commencer.", "link"),
    Case("url-in-link-text", EN_LINK,
         "Serrez les fesses comme dans le [https://evil.example](glute-bridge.yaml).", None),
    # Link targets that leave the app.
    Case("protocol-relative-link", STEP, FR_STEP + " [Vidéo](//evil.example)", "link"),
    Case("backslashes", STEP, FR_STEP + " [Vidéo](\\\\evil.example)", "link"),
    Case("slash-backslash", STEP, FR_STEP + " [Vidéo](/\\evil.example)", "link"),
    Case("scheme-without-slashes", STEP, FR_STEP + " [Vidéo](https:evil.example)", "link"),
    Case("mailto-link", STEP, FR_STEP + " [Écrivez-nous](mailto:soins@evil.example)", "link"),
    Case("nested-brackets", EN_LINK,
         "Serrez les fesses comme dans le [pont [fessier](https://evil.example) au sol]"
         "(glute-bridge.yaml).", "link"),
    # Reference definitions: links only a full-document renderer makes.
    Case("reference-definition", STEP, FR_STEP + " [Vidéo][1]\n\n[1]: https://evil.example",
         "link"),
    Case("reference-definition-script", STEP, "[1]: javascript:PWN\n\n" + FR_STEP + " [Vidéo][1]",
         "script"),
    # Link titles.
    Case("link-title", EN_LINK, "Serrez les fesses comme dans le [pont fessier](glute-bridge.yaml "
                                "\"Cliquez ici pour gagner\").", "title"),
    # Block Markdown after a line break.
    Case("heading", STEP, FR_STEP + "\n# Titre", "markup"),
    Case("setext-heading", STEP, FR_STEP + "\n===", "markup"),
    Case("bullet-list", STEP, FR_STEP + "\n- puce", "markup"),
    Case("block-quote", STEP, FR_STEP + "\n> citation", "markup"),
    Case("indented-code", STEP, FR_STEP + "\n\n    code", "markup"),
    Case("fenced-code", STEP, FR_STEP + "\n```\ncode\n```", "markup"),
    Case("thematic-break", STEP, FR_STEP + "\n\n***", "markup"),
    Case("table", STEP, "a | b\n--|--\n" + FR_STEP + " | x", "markup"),
    Case("renumbered-list", STEP, "1. Serrez les fesses.\n1. Soulevez les hanches du sol.",
         "markup"),
    Case("strikethrough-double", STEP, "Serrez les fesses et ~~ne~~ soulevez les hanches du sol.",
         "markup"),
    Case("strikethrough-single", STEP, "Serrez les fesses et ~ne~ soulevez les hanches du sol.",
         "markup"),
    # Invisible and direction-changing characters, stacked marks.
    Case("right-to-left-mark", STEP, "Serrez les fesses\u200f et soulevez les hanches du sol.",
         "hidden"),
    Case("left-to-right-mark", STEP, "Serrez les fesses\u200e et soulevez les hanches du sol.",
         "hidden"),
    Case("arabic-letter-mark", STEP, "Serrez les fesses\u061c et soulevez les hanches du sol.",
         "hidden"),
    Case("right-to-left-override", STEP, "Serrez les \u202esessef\u202c et soulevez les hanches.",
         "hidden"),
    Case("isolate", STEP, "Serrez les fesses \u2067et\u2069 soulevez les hanches du sol.",
         "hidden"),
    Case("zero-width-space", STEP, "Serrez les fes\u200bses et soulevez les hanches du sol.",
         "hidden"),
    Case("word-joiner", STEP, "Serrez les fes\u2060ses et soulevez les hanches du sol.", "hidden"),
    Case("byte-order-mark", STEP, "Serrez les fes\ufeffses et soulevez les hanches du sol.",
         "hidden"),
    Case("soft-hyphen", STEP, "Serrez les fes\u00adses et soulevez les hanches du sol.", "hidden"),
    Case("tag-characters", STEP, FR_STEP + "".join(chr(0xE0000 + ord(c)) for c in "pwn"),
         "hidden"),
    Case("joiner-in-latin", STEP, "Serrez les fes\u200dses et soulevez les hanches du sol.",
         "hidden"),
    Case("variation-selectors", STEP, "Serrez\ufe00\ufe01\ufe02 les fesses et soulevez les "
                                      "hanches du sol.", "hidden"),
    Case("zalgo", STEP, f"Serrez{ZALGO} les fesses et soulevez les hanches du sol.", "hidden"),
]


def payload(number: int) -> str:
    return f"pwn({number})"


def hostile_text(number: int, case: Case) -> str:
    """The case's translation with its own payload."""
    return case.translation.replace("PWN", payload(number))


def test_the_corpus_is_well_formed() -> None:
    names = [case.name for case in CASES]
    assert len(names) == len(set(names))
    assert {case.english for case in CASES} <= {STEP, EN_URL, EN_LINK}
    assert {case.hazard for case in CASES} <= {"script", "link", "title", "markup", "hidden",
                                               None}
    for english, french in ((STEP, FR_STEP), (EN_URL, FR_URL), (EN_LINK, FR_LINK)):
        assert not analyze(english).problems and not analyze(french).problems


# --- The English source: the same rules, as E1xx/E3xx ------------------------------------------

ENGLISH_REFUSED = [
    ("entity-javascript", "Squeeze your buttocks, as [shown](&#106;avascript:pwn(1)).", "E309"),
    ("named-entity-colon", "Squeeze your buttocks, as [shown](javascript&colon;pwn(1)).", "E309"),
    ("hidden-scheme-in-text", "Squeeze your buttocks, then type java&#9;script:pwn(1).", "E309"),
    ("bare-http-url", "Squeeze your buttocks, as shown on http://clinic.example/bridge.", "E309"),
    ("www-address", "Squeeze your buttocks, as shown on www.clinic.example.", "E309"),
    ("email-address", "Squeeze your buttocks; write to care@clinic.example with questions.",
     "E309"),
    ("protocol-relative", "Squeeze your buttocks, as [shown](//clinic.example/bridge).", "E309"),
    ("reference-definition",
     "Squeeze your buttocks, as [shown][1].\n\n[1]: https://clinic.example", "E310"),
    ("heading", "Squeeze your buttocks and lift your hips.\n# Lift", "E310"),
    ("bullet", "Squeeze your buttocks and lift your hips.\n- Lift", "E310"),
    ("indented-code", "    Squeeze your buttocks and lift your hips.", "E310"),
    ("table", "a | b\n--|--\nSqueeze your buttocks | lift your hips.", "E310"),
    ("strikethrough", "Squeeze your buttocks and ~do not~ lift your hips.", "E310"),
    ("svg-onload", "Squeeze your buttocks <svg/onload=pwn(1)> and lift your hips.", "E307"),
    ("html-block", "<div>Squeeze your buttocks and lift your hips.</div>", "E307"),
    ("zero-width-space", "Squeeze your but\u200btocks and lift your hips.", "E110"),
    ("right-to-left-mark", "Squeeze your buttocks\u200f and lift your hips.", "E110"),
    ("word-joiner", "Squeeze your but\u2060tocks and lift your hips.", "E110"),
    ("tag-characters", "Squeeze your buttocks." + "".join(chr(0xE0000 + ord(c)) for c in "hi"),
     "E110"),
    ("joiner-in-latin", "Squeeze your but\u200dtocks and lift your hips.", "E110"),
    ("zalgo", f"Squeeze{ZALGO} your buttocks and lift your hips.", "E110"),
]

ENGLISH_ACCEPTED = [
    ("numbered-step", "1. Lie on your back and lift your hips.", {"W306"}),
    ("number-on-a-second-line", "Lie on your back.\n2. Lift your hips off the floor.", set()),
    ("year-first", "2024 guidelines say: lift your hips off the floor.", set()),
    ("https-url", f"Read {URL} before you lift your hips.", set()),
    ("content-link-with-title", "Lift your hips as in the [glute bridge](glute-bridge.yaml "
                                "\"The glute bridge\").", set()),
    ("emoji-sequences", "Lift your hips off the floor 💪🏽 like a 👩\u200d👩\u200d👧 family.", set()),
    ("tilde-range", "Lift your hips ~10–~15 times.", set()),
    ("less-than-number", "Lift your hips off the floor for <5 seconds.", set()),
    # Only linkify-it's fuzzy links (off by default) link a bare domain name; "M.Sc" is one
    # to them. A translation may not add one (see the corpus).
    ("domain-like-abbreviation", "Lift your hips as taught in the M.Sc. course.", set()),
]


def yaml_string(text: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes are YAML's), with the characters YAML does
    not take raw escaped."""
    quoted = json.dumps(text, ensure_ascii=False)
    return "".join(f"\\u{ord(ch):04x}" if ch in "\u2028\u2029\ufeff\x85" else ch
                   for ch in quoted)


def exercise_with_step(template: str, doc_id: str, step: str) -> str:
    """The tiny project's exercise under another id, with its first step replaced."""
    text = template.replace("id: glute-bridge", f"id: {doc_id}", 1)
    assert f"  - {STEP}\n" in text
    return text.replace(f"  - {STEP}\n", f"  - {yaml_string(step)}\n", 1)


def test_english_source_is_held_to_the_same_rules(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory,
        capsys: pytest.CaptureFixture[str]) -> None:
    root = clone(tiny_template(tmp_path_factory), tmp_path / "project")
    template = (root / "source" / "exercises" / "glute-bridge.yaml").read_text("utf-8")
    documents = {f"bad-{name}": text for name, text, _ in ENGLISH_REFUSED}
    documents |= {f"good-{name}": text for name, text, _ in ENGLISH_ACCEPTED}
    for doc_id, text in documents.items():
        (root / "source" / "exercises" / f"{doc_id}.yaml").write_text(
            exercise_with_step(template, doc_id, text), encoding="utf-8")
    run = cli(capsys, root, "validate", "--format", "json")
    found: dict[str, set[str]] = {}
    for d in json.loads(run.out)["diagnostics"]:
        found.setdefault(Path(d["path"]).stem, set()).add(d["code"])
    for name, _, code in ENGLISH_REFUSED:
        assert code in found.get(f"bad-{name}", set()), (name, found.get(f"bad-{name}"))
    for name, _, codes in ENGLISH_ACCEPTED:
        assert found.get(f"good-{name}", set()) == codes, (name, found.get(f"good-{name}"))


# --- Right-to-left locales, joiners, the fuzz seed ----------------------------------------------


def check_one(tmp_path: Path, locale: str, source: str, translation: str) -> set[str]:
    """The codes `check` gives one translated entry of a catalog in `locale`."""
    catalog = polib.POFile(wrapwidth=79)
    catalog.metadata = {"Language": locale, "MIME-Version": "1.0",
                        "Content-Type": "text/plain; charset=UTF-8",
                        "Content-Transfer-Encoding": "8bit",
                        "Plural-Forms": plural_forms(locale)}
    catalog.append(polib.POEntry(msgid=source, msgstr=translation))
    path = tmp_path / f"{locale}.po"
    catalog.save(str(path))
    display = f"locales/{locale}/LC_MESSAGES/doc.po"
    ctx = CheckContext(locale, display, {}, {})
    return {d.code for d in check_catalog(read_catalog(path, display), ctx)}


ARABIC = "ارفع الوركين\u200f 10 مرات."  # RLM after a word, before a number


@pytest.mark.parametrize(("locale", "translation", "refused"), [
    pytest.param("ar", ARABIC, False, id="rlm-in-arabic"),
    pytest.param("he", "הרם את הירכיים\u200f 10 פעמים.", False, id="rlm-in-hebrew"),
    pytest.param("fa", "باسن\u200cها را ۱۰ بار بالا ببرید\u061c.", False,
                 id="zwnj-and-alm-persian"),
    pytest.param("ur", "کولہے 10 بار اٹھائیں\u200e.", False, id="lrm-in-urdu"),
    pytest.param("hi", "कूल्हों को 10 बार उठाएँ, क्\u200dष.", False, id="zwj-after-virama"),
    pytest.param("fr", "Soulevez les hanches 10 fois 💪🏽 👩\u200d👩\u200d👧.", False,
                 id="emoji-zwj-sequence"),
    pytest.param("fr", "Soulevez les hanches\u200f 10 fois.", True, id="rlm-in-french"),
    pytest.param("ar", "ارفع الوركين\u202e 10 مرات.", True, id="override-in-arabic"),
    pytest.param("ar", "ارفع \u2067الوركين\u2069 10 مرات.", True, id="isolate-in-arabic"),
    pytest.param("ar", "ارفع الوركين\u200b 10 مرات.", True, id="zero-width-space-in-arabic"),
    pytest.param("fr", "Soulevez les han\u200cches 10 fois.", True, id="zwnj-in-french"),
])
def test_bidi_marks_and_joiners_only_where_a_script_needs_them(tmp_path: Path, locale: str,
                                                  translation: str, refused: bool) -> None:
    codes = check_one(tmp_path, locale, "Lift your hips 10 times.", translation)
    assert ("E516" in codes) is refused, codes


def test_the_fuzz_seed_catalog_is_refused_entry_by_entry() -> None:
    """The hostile catalog the fuzzer mutates (tests/fixtures/fuzz/po) holds one attack per
    entry: `check` refuses each of them."""
    path = Path(__file__).parent / "fixtures" / "fuzz" / "po" / \
        "ok-hostile-links-and-invisible-characters.po-input"
    display = "locales/fr/LC_MESSAGES/doc.po"
    catalog = read_catalog(path, display)
    found: dict[int, set[str]] = {}
    for d in check_catalog(catalog, CheckContext("fr", display, {}, {})):
        found.setdefault(d.line, set()).add(d.code)
    entries = [e for e in catalog if e.msgid]
    assert len(entries) > 15
    for entry in entries:
        assert found.get(msgstr_line(path, entry), set()) & {"E515", "E516"}, entry.msgstr


# --- Renderers in a browser ---------------------------------------------------------------------


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        message = (f"{name!r} is needed to render Markdown in a browser (apt-get install "
                   "chromium npm)")
        if os.environ.get("CI") == "true":
            pytest.fail(message + "; CI=true requires it")
        pytest.skip(message)
    return found


def _installed() -> bool:
    """Whether node_modules holds the versions package.json pins."""
    wanted = json.loads((RENDERERS / "package.json").read_text("utf-8"))["dependencies"]
    for package, version in wanted.items():
        manifest = RENDERERS / "node_modules" / package / "package.json"
        if not manifest.is_file() or json.loads(manifest.read_text("utf-8"))["version"] != version:
            return False
    return True


def renderer_scripts() -> list[Path]:
    """The browser builds of markdown-it and marked, installed with npm when missing."""
    if not _installed():
        npm = _tool("npm")
        with FileLock(Path(tempfile.gettempdir()) / "pipeline-renderers-npm.lock"):
            if not _installed():
                done = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                                      cwd=RENDERERS, capture_output=True, text=True, timeout=300)
                assert done.returncode == 0, done.stdout + done.stderr
    modules = RENDERERS / "node_modules"
    return [modules / "markdown-it" / "dist" / "browser" / "markdown-it.umd.min.js",
            modules / "marked" / "lib" / "marked.umd.js", RENDERERS / "render.js"]


@dataclass(frozen=True)
class Rendering:
    links: tuple[str, ...]
    titles: tuple[str, ...]
    tags: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class Page:
    """What the browser made of every text: (text id, renderer) → rendering, and the ids of
    the payloads that ran."""

    renderings: dict[tuple[str, str], Rendering]
    fired: list[str]

    def renderers(self) -> list[str]:
        return sorted({renderer for _, renderer in self.renderings})


def _open_page(folder: Path, scripts: list[Path], data: list[dict[str, Any]]) -> Page:
    """Open a page that sets `window.INPUT` to `data` and runs `scripts` in order, in one
    headless Chromium launch; what the report the last script writes says."""
    browser = _tool("chromium")
    folder.mkdir(parents=True, exist_ok=True)
    for script in scripts:
        if script.parent != folder:
            shutil.copy2(script, folder / script.name)
    # "<" escaped, so no text can end the script element that carries it.
    text = json.dumps(data).replace("<", "\\u003c")
    tags = "".join(f'<script src="{script.name}"></script>' for script in scripts[:-1])
    (folder / "page.html").write_text(
        '<!doctype html><meta charset="utf-8"><title>renderers</title><body>\n'
        f"{tags}\n<script>window.INPUT = {text};</script>\n"
        f'<script src="{scripts[-1].name}"></script>\n', encoding="utf-8")
    profile = folder / "profile"
    done = subprocess.run(
        [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom",
         (folder / "page.html").as_uri()],
        capture_output=True, text=True, timeout=120, cwd=folder)
    match = re.search(r'<pre id="report">(.*)</pre>', done.stdout, re.DOTALL)
    assert done.returncode == 0 and match, done.stderr[-3000:]
    report = json.loads(html.unescape(match.group(1)))
    renderings = {(r["id"], r["renderer"]): Rendering(tuple(r["links"]), tuple(r["titles"]),
                                                      tuple(r["tags"]), r["text"])
                  for r in report["results"]}
    return Page(renderings, [str(f) for f in report["fired"]])


def render_in_chromium(texts: dict[str, str], folder: Path) -> Page:
    """Render every text with every Markdown renderer in one headless Chromium launch."""
    return _open_page(folder, renderer_scripts(),
                      [{"id": key, "text": text} for key, text in texts.items()])


# How an app renders a bundle's text: a plain-text field set as text; a rich text's spans
# made into elements one by one (only <p>, <strong>, <em>, <br> and <a>), their text set as
# text, never parsed as HTML; an anchor only for an https page or a document of the build
# (adjacent spans with an equal link share one). Reported as render.js reports.
CLIENT_JS = """\
"use strict";

window.fired = [];
window.pwn = function (id) { window.fired.push(String(id)); };

const MARKS = { strong: "strong", em: "em" };
const DOCUMENTS = ["exercise", "guide", "reviewer", "glossary"];

function href(link) {
  if (link.kind === "web") return link.url.startsWith("https://") ? link.url : null;
  if (!DOCUMENTS.includes(link.kind)) return null;
  return "#/" + encodeURIComponent(link.kind) + "/" + encodeURIComponent(link.id) +
    (link.fragment ? "/" + encodeURIComponent(link.fragment) : "");
}

function render(value, box) {
  if (typeof value === "string") {
    const p = document.createElement("p");
    p.textContent = value;
    box.append(p);
    return;
  }
  for (const block of value.blocks) {
    const p = document.createElement("p");
    let anchor = null;
    let anchorLink = null;
    for (const span of block.spans) {
      let node = document.createDocumentFragment();
      span.text.split("\\n").forEach((line, n) => {
        if (n > 0) node.append(document.createElement("br"));
        node.append(document.createTextNode(line));  // as textContent sets it: text
      });
      for (const mark of [...span.marks].reverse()) {
        if (!(mark in MARKS)) continue;
        const element = document.createElement(MARKS[mark]);
        element.append(node);
        node = element;
      }
      const target = span.link === null ? null : href(span.link);
      if (target === null) {
        anchor = anchorLink = null;
        p.append(node);
        continue;
      }
      const key = JSON.stringify(span.link);
      if (anchor === null || anchorLink !== key) {
        anchor = document.createElement("a");
        anchor.setAttribute("href", target);
        anchorLink = key;
        p.append(anchor);
      }
      anchor.append(node);
    }
    box.append(p);
  }
}

const boxes = [];
for (const item of window.INPUT) {
  const box = document.createElement("div");
  document.body.append(box);
  render(item.value, box);
  boxes.push({ id: item.id, box });
}
for (const { box } of boxes) {
  for (const link of box.querySelectorAll("a[href]")) {
    if (link.protocol === "javascript:") link.click();
  }
}

function report() {
  const results = boxes.map(({ id, box }) => ({
    id,
    renderer: "client",
    links: [...box.querySelectorAll("a[href], area[href]")].map((a) => a.href),
    titles: [...box.querySelectorAll("[title]")].map((e) => e.getAttribute("title")),
    tags: [...new Set([...box.querySelectorAll("*")].map((e) => e.localName))].sort(),
    text: box.textContent,
  }));
  const element = document.createElement("pre");
  element.id = "report";
  element.textContent = JSON.stringify({ results, fired: window.fired });
  document.body.replaceChildren(element);
}
setTimeout(() => setTimeout(report, 0), 0);
"""
CLIENT_TAGS = {"p", "strong", "em", "br", "a"}


def render_as_client(values: dict[str, Any], folder: Path) -> Page:
    """Render every bundle text (a string or a rich text) as an app does, in one headless
    Chromium launch."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "client.js").write_text(CLIENT_JS, encoding="utf-8")
    return _open_page(folder, [folder / "client.js"],
                      [{"id": key, "value": value} for key, value in values.items()])


def text_shown(value: Any) -> str:
    """What a page holding a bundle text reads as, every span taken as text (a line break
    is an element, and reads as nothing)."""
    if isinstance(value, str):
        return value
    return "".join(span["text"] for block in value["blocks"]
                   for span in block["spans"]).replace("\n", "")


def hazards(page: Page, text_id: str, english_id: str, renderer: str) -> set[str]:
    """What a rendering has that the English's rendering by the same renderer does not."""
    got, english = page.renderings[text_id, renderer], page.renderings[english_id, renderer]
    found = set()
    if Counter(got.links) - Counter(english.links):
        found.add("link")
    if set(got.titles) - set(english.titles):
        found.add("title")
    if set(got.tags) - set(english.tags):
        found.add("markup")
    if hidden_characters(got.text) and not hidden_characters(english.text):
        found.add("hidden")
    return found


# --- The hostile project: one exercise per case, French required --------------------------------


def case_id(number: int) -> str:
    return f"case-{number:02d}"


@dataclass(frozen=True)
class Hostile:
    """The project, what `check` and `build` said with French required, the bundles the
    build shipped with French optional, and what the browser made of it all: the raw texts
    with the Markdown renderers (`page`), the shipped texts and the raw texts put in spans
    as an app renders a bundle (`client`)."""

    root: Path
    check: list[dict[str, Any]]
    required_build: int
    built_anything: bool  # whether the refused build left a build/ folder
    optional_build: int
    bundles: dict[str, dict[str, Any]]  # "fr/case-01.json" → the bundle shipped
    shipped: dict[str, tuple[Any, Any]]  # text id → (English, French) from the bundles
    page: Page
    client: Page


def is_rich(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"blocks", "plain"}


def _bundle_texts(english: Any, french: Any, path: str = "") -> Iterator[tuple[str, Any, Any]]:
    """(path, English, French) for every text the two bundles hold at the same place: a
    string, or a rich text as a whole."""
    if (isinstance(english, str) and isinstance(french, str)) or (
            is_rich(english) and is_rich(french)):
        yield path, english, french
    elif isinstance(english, dict) and isinstance(french, dict):
        for key in sorted(english.keys() & french.keys()):
            yield from _bundle_texts(english[key], french[key], f"{path}.{key}")
    elif isinstance(english, list) and isinstance(french, list):
        for index, (a, b) in enumerate(zip(english, french)):
            yield from _bundle_texts(a, b, f"{path}[{index}]")


def rich_texts(value: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """(path, rich text) for every rich text in a bundle."""
    if is_rich(value):
        yield path, value
    elif isinstance(value, dict):
        for key in sorted(value):
            yield from rich_texts(value[key], f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from rich_texts(item, f"{path}[{index}]")


def links_of(rich: dict[str, Any]) -> list[dict[str, Any]]:
    return [span["link"] for block in rich["blocks"] for span in block["spans"]
            if span["link"] is not None]


def _negated(value: Any) -> Any:
    """A bundle text with its payloads' numbers negated: a payload that reached a bundle
    reports itself as shipped, not raw."""
    if isinstance(value, str):
        return value.replace("pwn(", "pwn(-")
    if isinstance(value, dict):
        return {key: _negated(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_negated(item) for item in value]
    return value


def as_span(text: str) -> dict[str, Any]:
    """A text as the one span of a rich text."""
    return {"blocks": [{"type": "paragraph", "spans": [{"text": text, "marks": [],
                                                        "link": None}]}], "plain": text}


def clean_french() -> dict[str, tuple[str, str]]:
    """(English, French) of every reviewed translation in this repository's French catalogs."""
    pairs: dict[str, tuple[str, str]] = {}
    for path in sorted((REPO_ROOT / "locales" / "fr" / "LC_MESSAGES").glob("*.po")):
        for entry in read_catalog(path):
            if entry.msgstr and not entry.obsolete and "fuzzy" not in entry.flags:
                pairs.setdefault(f"{entry.msgid}\0{entry.msgstr}", (entry.msgid, entry.msgstr))
    return {f"clean-{n}": pair for n, pair in enumerate(pairs.values())}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Hostile:
    base = tmp_path_factory.mktemp("unsafe")
    root = clone(tiny_template(tmp_path_factory), base / "project")
    template = (root / "source" / "exercises" / "glute-bridge.yaml").read_text("utf-8")
    for number, case in enumerate(CASES, 1):
        (root / "source" / "exercises" / f"{case_id(number)}.yaml").write_text(
            exercise_with_step(template, case_id(number), case.english), encoding="utf-8")
    refresh(root)
    for number, case in enumerate(CASES, 1):
        edit_entry(po_path(root, case_id(number)), case.english,
                   msgstr=hostile_text(number, case), fuzzy=False)

    check = run_cli(root, "check", "--format", "json")
    required_build = run_cli(root, "build", "--quiet").code
    built_anything = (root / "build").exists()
    configure(root, required=(), optional=("fr",), pseudo="")
    optional_build = run_cli(root, "build", "--quiet").code
    shipped_bundles = bundles(root / "build")
    shipped: dict[str, tuple[Any, Any]] = {}
    seen: set[str] = set()
    for rel, french_bundle in sorted(shipped_bundles.items()):
        if not rel.startswith("fr/"):
            continue
        english_bundle = shipped_bundles["en/" + rel.removeprefix("fr/")]
        stem = rel.removeprefix("fr/").removesuffix(".json")
        for part in ("document", "cards", "terms"):
            for where, en, fr in _bundle_texts(english_bundle[part], french_bundle[part],
                                               f".{part}"):
                pair = json.dumps([en, fr], sort_keys=True)
                if pair not in seen:
                    seen.add(pair)
                    shipped[f"shipped-{stem}{where}"] = (en, fr)

    texts: dict[str, str] = {}
    for number, case in enumerate(CASES, 1):
        texts[f"raw-{number}"] = hostile_text(number, case)
    for english in (STEP, EN_URL, EN_LINK):
        texts[f"en-{english}"] = english
    for key, (en, fr) in clean_french().items():
        texts[f"{key}-en"] = en
        texts[f"{key}-fr"] = fr
    page = render_in_chromium(texts, base / "page")
    values: dict[str, Any] = {}
    for key, (en, fr) in shipped.items():
        values[f"{key}-en"] = en
        values[f"{key}-fr"] = _negated(fr)
    # Had a hostile text reached a span, an app would still show it as text.
    for number, case in enumerate(CASES, 1):
        values[f"span-{number}"] = as_span(hostile_text(number, case))
    client = render_as_client(values, base / "client")
    return Hostile(root, json.loads(check.out)["diagnostics"], required_build, built_anything,
                   optional_build, shipped_bundles, shipped, page, client)


def test_renderers_make_every_live_case_dangerous(hostile: Hostile) -> None:
    """The proof that the corpus is hostile: raw, each live case does in a browser what its
    `hazard` says, with at least one renderer. (If a renderer stopped doing so, this fails
    instead of the refusals below passing for nothing.)"""
    page = hostile.page
    assert len(page.renderers()) == 6
    not_shown: dict[str, set[str]] = {}
    for number, case in enumerate(CASES, 1):
        shown = {"script"} if str(number) in page.fired else set()
        for renderer in page.renderers():
            shown |= hazards(page, f"raw-{number}", f"en-{case.english}", renderer)
        if case.hazard is not None and case.hazard not in shown:
            not_shown[case.name] = shown
    assert not_shown == {}
    assert {case.hazard for case in CASES} >= {"script", "link", "title", "markup", "hidden"}


def test_check_refuses_every_case_in_a_required_locale(hostile: Hostile) -> None:
    at: dict[tuple[str, int], set[str]] = {}
    for d in hostile.check:
        if d["severity"] == "error":
            at.setdefault((d["path"], d["line"]), set()).add(d["code"])
    places = set()
    for number, case in enumerate(CASES, 1):
        place = (f"locales/fr/LC_MESSAGES/{case_id(number)}.po",
                 line_of(po_path(hostile.root, case_id(number)), case.english))
        places.add(place)
        expected = "E516" if case.hazard == "hidden" else "E515"
        assert expected in at.get(place, set()), (case.name, at.get(place))
    # Nothing else is wrong in the project: the refusals come from the hostile texts.
    assert set(at) <= places, sorted(set(at) - places)


def test_build_ships_none_of_them(hostile: Hostile) -> None:
    """With French optional, each refused translation is shipped as the English's rich
    text, and said to have fallen back."""
    assert hostile.required_build == 1 and not hostile.built_anything
    assert hostile.optional_build == 0
    for number, case in enumerate(CASES, 1):
        bundle = hostile.bundles[f"fr/{case_id(number)}.json"]
        english = hostile.bundles[f"en/{case_id(number)}.json"]
        step = bundle["document"]["steps"][0]
        assert step == english["document"]["steps"][0], case.name
        assert plain(step) == plain_of(case.english), case.name
        assert "steps[0]" in bundle["fallbacks"], case.name
        assert "pwn(" not in json.dumps(bundle), case.name


DOCUMENT_KINDS = {"exercise", "guide", "reviewer", "glossary"}


def test_every_shipped_link_names_a_document_or_an_https_page_the_english_links(
        hostile: Hostile) -> None:
    """A client follows a link as the bundle types it: a document of the build (no source
    path reaches a bundle), or an https page, one the English at the same place links to."""
    shipped = hostile.bundles
    assert {rel.split("/")[0] for rel in shipped} == {"en", "fr"}
    kinds = {rel: bundle["kind"] for rel, bundle in shipped.items()}
    found: Counter[str] = Counter()
    for rel, bundle in shipped.items():
        locale, name = rel.split("/")
        assert bundle["bundle_version"] == 3 and bundle["locale"] == locale, rel
        assert ".yaml" not in json.dumps(bundle), rel
        english = dict(rich_texts(shipped[f"en/{name}"]))
        for where, rich in rich_texts(bundle):
            spans = [span for block in rich["blocks"] for span in block["spans"]]
            assert spans and all(set(span["marks"]) <= {"strong", "em"} for span in spans)
            assert rich["plain"] == "\n\n".join(
                "".join(span["text"] for span in block["spans"]) for block in rich["blocks"])
            web = Counter(link["url"] for link in links_of(rich) if link["kind"] == "web")
            english_web = Counter(link["url"] for link in links_of(english[where])
                                  if link["kind"] == "web")
            assert web - english_web == Counter(), (rel, where)
            for link in links_of(rich):
                if link["kind"] == "web":
                    assert set(link) == {"kind", "url"}, (rel, where, link)
                    assert link["url"].startswith("https://"), (rel, where, link)
                elif link["kind"] == "citation":  # a number of the bundle's own references
                    assert set(link) == {"kind", "reference", "number"}, (rel, where, link)
                    cited = bundle["document"]["references"][link["number"] - 1]
                    assert cited["id"] == link["reference"], (rel, where, link)
                else:
                    assert set(link) == {"kind", "id", "fragment"}, (rel, where, link)
                    assert link["kind"] in DOCUMENT_KINDS, (rel, where, link)
                    assert kinds.get(f"{locale}/{link['id']}.json") == link["kind"], \
                        (rel, where, link)
                found[link["kind"]] += 1
    # The project links to an exercise (every case's copy of the guide's exercise too) and
    # to a web page: the checks above ran on both kinds.
    assert found["web"] > 0 and found["exercise"] > 0, found


def test_shipped_bundles_render_no_script_and_no_link_the_english_lacks(
        hostile: Hostile) -> None:
    """Rendered as an app renders them, the French bundles run nothing and show no link,
    title or element the English lacks, and every span reads as the text it holds."""
    client = hostile.client
    assert client.renderers() == ["client"] and client.fired == []
    found = {key: problems for key in hostile.shipped
             if (problems := hazards(client, f"{key}-fr", f"{key}-en", "client"))}
    assert found == {}
    for key, (en, fr) in hostile.shipped.items():
        for side, value in (("en", en), ("fr", _negated(fr))):
            rendering = client.renderings[f"{key}-{side}", "client"]
            assert set(rendering.tags) <= CLIENT_TAGS, (key, side, rendering.tags)
            assert rendering.text == text_shown(value), (key, side)
    assert any(client.renderings[f"{key}-fr", "client"].links for key in hostile.shipped)
    assert len(hostile.shipped) > len(CASES)  # every case's bundle and the rest of them


def test_a_hostile_text_in_a_span_is_shown_as_text(hostile: Hostile) -> None:
    """The rich text's promise: span text is text. Every raw case, put in a span, renders as
    a paragraph of that text, with no element, link or script of its own."""
    client = hostile.client
    assert client.fired == []
    for number, case in enumerate(CASES, 1):
        text = hostile_text(number, case)
        rendering = client.renderings[f"span-{number}", "client"]
        assert rendering.links == () and rendering.titles == (), case.name
        assert set(rendering.tags) == ({"p", "br"} if "\n" in text else {"p"}), case.name
        assert rendering.text == text.replace("\n", ""), case.name


def test_clean_french_renders_with_exactly_the_english_links(hostile: Hostile) -> None:
    page = hostile.page
    pairs = clean_french()
    assert len(pairs) > 100
    with_links = 0
    for key in pairs:
        for renderer in page.renderers():
            english, french = page.renderings[f"{key}-en", renderer], \
                page.renderings[f"{key}-fr", renderer]
            assert sorted(french.links) == sorted(english.links), (key, renderer, pairs[key])
            assert hazards(page, f"{key}-fr", f"{key}-en", renderer) == set(), (key, renderer)
            with_links += bool(english.links)
    assert with_links > 0
