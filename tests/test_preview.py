"""`pipeline preview`: the static side-by-side site, checked in its HTML and in a real browser.

The tiny project (tests/fixtures/build/tiny, French required) is copied to a tmp folder and
put in a work-in-progress state a translator would recognise: one string fuzzy, one
untranslated, one too long for its field (the build rejects it), one with markup injection.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest

from pipeline.infra import outdir
from pipeline.stages.preview import STATUSES, build_preview

from build_helpers import (
    bundle_file,
    cli,
    cli_config,
    clone,
    configure,
    edit_entry,
    edit_text,
    line_of,
    png_colours,
    po_path,
    tiny_template,
    tree_hashes,
)
from catalog_helpers import dosage_project, translate_dosage

FUZZY = "Glute bridge"  # name, row 1
UNTRANSLATED = "Lift your hips off the floor to work the buttock muscles."  # summary, row 2
TOO_LONG = "Half bridge"  # easier[0].name: at most 60 characters
INJECTED = "Keep your weight on your *heels*."
INJECTION = 'Gardez le poids sur vos *talons*. <script>alert("x")</script>"><img src=x>'
PAGE = "fr/glute-bridge.html"


@dataclass
class Article:
    """One side-by-side row as the page shows it."""

    anchor: str
    classes: set[str]
    texts: dict[str, str] = field(default_factory=dict)  # "en"/"tr" → shown text
    links: dict[str, dict[str, str]] = field(default_factory=dict)  # "src"/"po" → attrs+label
    label: str = ""  # what the row is ("steps[2] (3 of 6)")
    problems: list[str] = field(default_factory=list)


class PageReader(HTMLParser):
    """Collects the rows of a side-by-side page, and every tag name used."""

    def __init__(self) -> None:
        super().__init__()
        self.articles: list[Article] = []
        self.tags: Counter[str] = Counter()
        self.hrefs: list[str] = []
        self._side = ""
        self._capture: tuple[str, str] | None = None
        self._buffer = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags[tag] += 1
        if tag == "a" and "href" in a:
            self.hrefs.append(a["href"])
        classes = set(a.get("class", "").split())
        if tag == "article":
            self.articles.append(Article(a["id"], classes))
        elif tag == "div" and classes & {"en", "tr"} and self.articles:
            self._side = "en" if "en" in classes else "tr"
        elif tag == "p" and "text" in classes and self._side:
            self._capture, self._buffer = ("text", self._side), ""
        elif tag == "a" and classes & {"po", "src"} and self.articles and self._side:
            kind = "po" if "po" in classes else "src"
            self.articles[-1].links[kind] = dict(a)
            self._capture, self._buffer = ("link", kind), ""
        elif tag == "a" and "path" in classes and self.articles:
            self._capture, self._buffer = ("field", ""), ""
        elif tag == "li" and self._side == "tr" and self.articles:
            self._capture, self._buffer = ("problem", ""), ""

    def handle_data(self, data: str) -> None:
        if self._capture:
            self._buffer += data

    def handle_endtag(self, tag: str) -> None:
        if self._capture and tag in ("p", "a", "li"):
            what, key = self._capture
            if what == "text":
                self.articles[-1].texts[key] = self._buffer
            elif what == "field":
                self.articles[-1].label = self._buffer
            elif what == "problem":
                self.articles[-1].problems.append(self._buffer)
            else:
                self.articles[-1].links[key]["label"] = self._buffer
            self._capture = None
        elif tag == "div":
            self._side = ""


def read_page(path: Path) -> PageReader:
    reader = PageReader()
    reader.feed(path.read_text(encoding="utf-8"))
    return reader


def row(reader: PageReader, english: str) -> Article:
    found = [a for a in reader.articles if a.texts.get("en") == english]
    assert len(found) == 1, f"{english!r} is on {len(found)} rows"
    return found[0]


def make_wip(root: Path) -> dict[str, int]:
    """Put the tiny project's French in a work-in-progress state; returns msgid → .po line."""
    po = po_path(root, "glute-bridge")
    edit_entry(po, FUZZY, msgstr="Pont des fessiers", fuzzy=True)
    edit_entry(po, UNTRANSLATED, msgstr="")
    edit_entry(po, TOO_LONG, msgstr="Demi-pont " * 9)
    edit_entry(po, INJECTED, msgstr=INJECTION)
    # Read once all edits are made: each one moves the lines below it.
    return {msgid: line_of(po, msgid) for msgid in (FUZZY, UNTRANSLATED, TOO_LONG, INJECTED)}


@pytest.fixture(scope="module")
def wip(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """The tiny project in progress, with its preview written once (tests only read it)."""
    root = clone(tiny_template(tmp_path_factory), tmp_path_factory.mktemp("wip") / "tiny")
    lines = make_wip(root)
    result = build_preview(cli_config(root))
    assert result.problems == [] and result.out == root / "build" / "preview"
    return root, lines


def test_site_has_an_index_and_a_side_by_side_page_per_document(
        wip: tuple[Path, dict[str, int]]) -> None:
    root, _ = wip
    site = root / "build" / "preview"
    docs = sorted(p.stem for p in (root / "source").rglob("*.yaml"))
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()) == \
        sorted([outdir.MARKER, "index.html", "style.css", *(f"fr/{d}.html" for d in docs)])
    index = read_page(site / "index.html")
    # Every page is linked from the index, and every relative link resolves to a file.
    assert {h for h in index.hrefs if h.startswith("fr/")} == {f"fr/{d}.html" for d in docs}
    for page in [site / "index.html", *(site / "fr").iterdir()]:
        for href in read_page(page).hrefs:
            if not href.startswith(("#", "https:")):
                assert (page.parent / href.split("#")[0]).resolve().is_file(), (page, href)
    html = (site / "index.html").read_text(encoding="utf-8")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert '<link rel="stylesheet" href="style.css">' in html
    # One bar for French overall and one per document; glute-bridge is 9 of 13 done.
    assert html.count('class="bar"') == 1 + len(docs)
    assert "9 of 13 translated" in html
    assert "@media (max-width: 40rem)" in (site / "style.css").read_text(encoding="utf-8")


def test_untranslated_fuzzy_and_rejected_strings_are_highlighted_with_a_legend(
        wip: tuple[Path, dict[str, int]]) -> None:
    root, _ = wip
    page = read_page(root / "build" / "preview" / PAGE)
    fuzzy, untranslated, rejected = (row(page, FUZZY), row(page, UNTRANSLATED),
                                     row(page, TOO_LONG))
    assert {"st-fuzzy", "fallback"} <= fuzzy.classes
    assert fuzzy.texts["tr"] == "Pont des fessiers"  # the translation waiting for review
    assert {"st-untranslated", "fallback"} <= untranslated.classes
    assert untranslated.texts["tr"] == "Not translated yet"
    assert {"st-rejected", "fallback", "has-problems"} <= rejected.classes
    done = row(page, "Squeeze your buttocks and lift your hips off the floor.")
    assert "st-translated" in done.classes and "fallback" not in done.classes
    assert done.texts["tr"] == "Serrez les fesses et soulevez les hanches du sol."
    html = (root / "build" / "preview" / PAGE).read_text(encoding="utf-8")
    legend = html.split('<ul class="legend"', 1)[1].split("</ul>", 1)[0]
    for status in STATUSES:
        assert f'<li class="st-{status}">' in legend
    assert "E510 translation-too-long" in html  # what `check` says, next to the string
    css = (root / "build" / "preview" / "style.css").read_text(encoding="utf-8")
    for status in STATUSES:
        assert f".pair.st-{status}" in css


def test_each_string_links_to_its_line_in_the_real_po_file(
        wip: tuple[Path, dict[str, int]]) -> None:
    root, lines = wip
    page_path = root / "build" / "preview" / PAGE
    po = po_path(root, "glute-bridge")
    po_lines = po.read_text(encoding="utf-8").splitlines()
    page = read_page(page_path)
    assert len(page.articles) == 13
    for article in page.articles:
        english, link = article.texts["en"], article.links["po"]
        line = line_of(po, english)
        assert (page_path.parent / link["href"]).resolve() == po.resolve()
        assert link["href"] == "../../../locales/fr/LC_MESSAGES/glute-bridge.po"
        assert (link["data-line"], link["label"]) == (
            str(line), f"locales/fr/LC_MESSAGES/glute-bridge.po:{line}")
        # That line is the msgstr of the entry holding it (between two blank lines).
        assert po_lines[line - 1].startswith("msgstr ")
        start = max(i for i in range(line) if po_lines[i] == "") + 1
        entry = "\n".join(po_lines[start:]).split("\n\n", 1)[0] + "\n"
        assert [e.msgid for e in polib.pofile(entry)] == [english]
    for english, line in lines.items():
        assert row(page, english).links["po"]["data-line"] == str(line)
    source = row(page, TOO_LONG).links["src"]
    assert source["label"] == f"source/exercises/glute-bridge.yaml:{source['data-line']}"
    yaml_line = (root / "source/exercises/glute-bridge.yaml").read_text(
        encoding="utf-8").splitlines()[int(source["data-line"]) - 1]
    assert TOO_LONG in yaml_line


def test_translations_are_shown_as_text_never_as_markup(
        wip: tuple[Path, dict[str, int]]) -> None:
    root, _ = wip
    path = root / "build" / "preview" / PAGE
    html = path.read_text(encoding="utf-8")
    page = read_page(path)
    assert row(page, INJECTED).texts["tr"] == INJECTION  # shown, character for character
    assert "<script" not in html.lower() and "<img" not in html.lower()
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&#34;&gt;&lt;img src=x&gt;" in html
    assert set(page.tags) <= {"html", "head", "meta", "title", "link", "body", "header", "a",
                              "span", "main", "nav", "h1", "h2", "p", "code", "div", "ul", "li",
                              "b", "section", "article", "footer"}


def test_a_translation_with_an_error_is_not_shown_as_translated(
        wip: tuple[Path, dict[str, int]]) -> None:
    """The injected `<script>` is an error of `check`: the row says so, not a green badge."""
    root, _ = wip
    page = read_page(root / "build" / "preview" / PAGE)
    assert "st-rejected" in row(page, INJECTED).classes
    assert "st-translated" not in row(page, INJECTED).classes


def test_a_fuzzy_entry_shows_what_changed_in_the_english(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A writer changes one word; `update` makes the entry fuzzy with its old English
    (`#| msgid`); the preview shows the change word by word, as a reviewer needs it."""
    root = clone(tiny_template(tmp_path_factory), tmp_path / "tiny")
    edit_text(root / "source" / "exercises" / "glute-bridge.yaml",
              "Keep your weight on your *heels*.", "Keep your weight on your *feet*.")
    assert cli(capsys, root, "extract").code == 0
    assert cli(capsys, root, "update").code == 0
    entry = polib.pofile(str(po_path(root, "glute-bridge"))).find(
        "Keep your weight on your *feet*.")
    assert entry is not None and entry.fuzzy and entry.previous_msgid == INJECTED
    assert cli(capsys, root, "preview").code == 0
    html = (root / "build" / "preview" / PAGE).read_text(encoding="utf-8")
    assert ("Changed since translated:</span> Keep your weight on your "
            "<del>*heels*.</del><ins>*feet*.</ins></p>") in html


def test_preview_is_deterministic_and_replaces_stale_pages(
        tiny_wip: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = tiny_wip / "build" / "preview"
    assert cli(capsys, tiny_wip, "preview").code == 0
    first = tree_hashes(site)
    (site / "fr" / "deleted-exercise.html").write_text("old page", encoding="utf-8")
    assert cli(capsys, tiny_wip, "preview").code == 0
    assert tree_hashes(site) == first
    # No staging left; build/ was made (and marked) to hold the preview.
    assert sorted(p.name for p in site.parent.iterdir()) == [outdir.MARKER, "preview"]


def test_invalid_source_writes_nothing(tiny_wip: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(capsys, tiny_wip, "preview").code == 0
    before = tree_hashes(tiny_wip / "build")
    edit_text(tiny_wip / "source/exercises/glute-bridge.yaml", "name: Glute bridge",
              "nmae: Glute bridge")
    run = cli(capsys, tiny_wip, "preview")
    assert run.code == 1
    assert "E102 unknown-field" in run.out and "preview not written" in run.err
    assert tree_hashes(tiny_wip / "build") == before


def test_broken_missing_and_unstarted_catalogs_are_previewed(
        tiny_wip: Path, capsys: pytest.CaptureFixture[str]) -> None:
    configure(tiny_wip, required=("fr",), optional=("de",))
    po_path(tiny_wip, "hip-pain").write_text('msgid "unterminated\n', encoding="utf-8")
    po_path(tiny_wip, "ann-lee").unlink()
    run = cli(capsys, tiny_wip, "preview")
    assert run.code == 0, run.text
    site = tiny_wip / "build" / "preview"
    hip = (site / "fr" / "hip-pain.html").read_text(encoding="utf-8")
    assert "Catalog problems" in hip and "E401 po-syntax" in hip
    for page in (site / "fr" / "hip-pain.html", site / "fr" / "ann-lee.html",
                 site / "de" / "glute-bridge.html"):
        rows = read_page(page).articles
        assert rows and all("st-missing" in a.classes for a in rows), page
        assert all("po" not in a.links for a in rows)
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "German <code>de</code>" in index and "French <code>fr</code>" in index
    assert "0 of 13 translated" in index  # glute-bridge in German
    summary = json.loads(cli(capsys, tiny_wip, "preview", "--format", "json").out)
    assert summary["locales"]["de"] == {"percent": 0.0, "strings": {
        "translated": 0, "fuzzy": 0, "untranslated": 0, "missing": 28, "rejected": 0}}
    assert summary["locales"]["fr"]["strings"]["missing"] == 2 + 7  # ann-lee, hip-pain
    only_fr = cli(capsys, tiny_wip, "preview", "--locale", "fr", "--out",
                  str(tiny_wip / "site"))
    assert only_fr.code == 0
    assert sorted(p.name for p in (tiny_wip / "site").iterdir()) == [
        outdir.MARKER, "fr", "index.html", "style.css"]
    assert "Wrote 4 documents in 1 locale to site/" in only_fr.out


@pytest.fixture
def tiny_wip(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    """A fresh work-in-progress copy to change."""
    root = clone(tiny_template(tmp_path_factory), tmp_path / "tiny")
    make_wip(root)
    return root


# --------------------------------------------------------------------------------------------
# In a real browser

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--hide-scrollbars")


def chromium() -> str:
    found = shutil.which("chromium")
    if found is None:
        message = ("headless Chromium is needed to render the preview; install Debian's "
                   "chromium package: apt-get install chromium")
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found


def test_side_by_side_page_renders_in_headless_chromium(
        wip: tuple[Path, dict[str, int]], tmp_path: Path) -> None:
    browser = chromium()
    root, lines = wip
    page = root / "build" / "preview" / PAGE
    shot = tmp_path / "glute-bridge-fr.png"
    profile = tmp_path / "profile"
    profile.mkdir()
    done = subprocess.run(
        [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--window-size=900,1000",
         f"--screenshot={shot}", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=60, cwd=tmp_path)
    dom = done.stdout
    assert done.returncode == 0 and "<article" in dom, done.stderr[-2000:]
    # The French text, the highlights and the .po links, as the browser parsed them.
    assert "Serrez les fesses et soulevez les hanches du sol." in dom
    assert 'class="pair st-fuzzy fallback"' in dom
    assert 'class="pair st-untranslated fallback"' in dom
    assert 'class="pair st-rejected fallback has-problems"' in dom
    assert (f'<a class="po" href="../../../locales/fr/LC_MESSAGES/glute-bridge.po" '
            f'data-line="{lines[FUZZY]}">locales/fr/LC_MESSAGES/glute-bridge.po:'
            f'{lines[FUZZY]}</a>') in dom
    assert "<script" not in dom.lower() and "&lt;script&gt;" in dom
    # The screenshot shows the highlights: the fuzzy and untranslated backgrounds are painted.
    colours = png_colours(shot.read_bytes())
    assert colours[bytes.fromhex("fff4d6")] > 100, "no fuzzy highlight in the screenshot"
    assert colours[bytes.fromhex("fde7e5")] > 100, "no untranslated highlight"
    print(f"screenshot: {shot}")


def test_a_build_carries_the_preview_over(tmp_path_factory: pytest.TempPathFactory,
                                          tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """`build` replaces build/ as a whole; the preview written beside the bundles survives."""
    root = clone(tiny_template(tmp_path_factory), tmp_path / "tiny")
    assert cli(capsys, root, "build").code == 0
    assert cli(capsys, root, "preview").code == 0
    site = tree_hashes(root / "build" / "preview")
    assert "index.html" in site
    edit_entry(po_path(root, "glute-bridge"),
               "Squeeze your buttocks and lift your hips off the floor.",
               msgstr="Serrez les fesses et soulevez doucement les hanches du sol.")
    run = cli(capsys, root, "build")
    assert run.code == 0, run.text
    assert "doucement" in bundle_file(root / "build", "fr/glute-bridge.json").read_text("utf-8")
    assert tree_hashes(root / "build" / "preview") == site


# --------------------------------------------------------------------------------------------
# Plural entries: a row per form


def test_each_form_of_a_plural_entry_has_its_row(tmp_path_factory: pytest.TempPathFactory,
                                                 tmp_path: Path) -> None:
    """Each form beside the English it renders, with the counts that take it under the
    catalog's Plural-Forms and a link to its own msgstr[N] line; a finding about one form
    under that form; the entry counted once."""
    root = clone(dosage_project(tmp_path_factory), tmp_path / "dosage")
    translate_dosage(po_path(root, "glossary"),
                     {"{count} second": ["{count} seconde", "secondes"]}, {})
    result = build_preview(cli_config(root))
    assert result.problems == []
    page_path = root / "build" / "preview" / "fr" / "glossary.html"
    page = read_page(page_path)
    one, many = row(page, "{count} second"), row(page, "{count} seconds")
    assert (one.texts["tr"], many.texts["tr"]) == ("{count} seconde", "secondes")
    assert one.label == "dosage.seconds · msgstr[0], for n = 0, 1"
    assert many.label == "dosage.seconds · msgstr[1], for n = 2, 3, 4, 5…"
    assert many.anchor == one.anchor + "-1"
    # A required locale's error: the whole entry is rejected, the finding under its form.
    assert "st-rejected" in one.classes and "st-rejected" in many.classes
    # Findings about the entry as a whole (the build's) go under its first form.
    assert not any("E518" in p for p in one.problems)
    assert [p.split(":")[0] for p in many.problems] == ["E518 placeholder-parity"]
    assert "msgstr[1]: placeholders differ" in many.problems[0]
    lines = po_path(root, "glossary").read_text(encoding="utf-8").splitlines()
    for article, keyword in ((one, "msgstr[0]"), (many, "msgstr[1]")):
        line = int(article.links["po"]["data-line"])
        assert lines[line - 1].startswith(keyword), (keyword, lines[line - 1])
    sets = row(page, "{count} sets")
    assert "st-translated" in sets.classes and sets.texts["tr"] == "{count}\u00a0séries"
    # Counted once per entry, as stats counts them.
    (glossary,) = [p for p in result.pages if p.doc.id == "glossary"]
    assert glossary.tally.total == len([e for e in polib.pofile(str(po_path(root, "glossary")))
                                        if not e.obsolete])
