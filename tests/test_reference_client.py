"""The reference client (docs/client/) reads a real build, in headless Chromium.

A copy of the real project is built in a tmp folder (build_helpers); an HTTP server started
here, on localhost, serves docs/client/ and the built site and records every request; a
headless Chromium loads one route per launch and dumps its DOM, which is parsed and
compared with the bundle the page was made from.

How the test waits for the page, without racing it: the client sets
`<body data-ready="1">` once a route is on screen ("error" if it failed). Chromium runs with
--virtual-time-budget: virtual time does not advance while a fetch is pending, and the DOM
is dumped (and the screenshot taken) only once the budget is spent, i.e. after the page's
fetches have been answered and their rendering has run, however slow the machine or the
server (each JSON response held back 11 s, past the whole budget, still renders). There is
no sleep and no wall-clock timeout in the path (the subprocess timeout only stops a hung
browser). Every test asserts data-ready="1" first, so a page that had not finished would
fail loudly instead of being read half-drawn.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
import shutil
import subprocess
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import pytest

from pipeline.content.captions import parse

from build_helpers import REPO_ROOT, built, png_colours, real_template

CLIENT = REPO_ROOT / "docs" / "client"
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                  # Virtual milliseconds: spent at once when the page is idle, and frozen
                  # while a fetch is pending (see the module docstring).
                  "--virtual-time-budget=10000", "--window-size=1000,2200")
GUIDE, EXERCISE = "si-joint-pain", "bird-dog"
PAYLOAD = """<img src=x onerror="document.title='pwned'">"""


# --------------------------------------------------------------------------------------------
# The built site, a server for it and a browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """build/site/ of the real project, built once per worker; tests only read it."""
    return built(tmp_path_factory, "real", real_template(tmp_path_factory)) / "build" / "site"


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@dataclass
class Server:
    url: str
    requests: list[str]  # paths requested, in order

    def fetched(self, prefix: str) -> Counter[str]:
        """How many times each file under a mount was requested."""
        return Counter(path[len(prefix):] for path in self.requests if path.startswith(prefix))


@contextmanager
def serve(mounts: dict[str, Path]) -> Iterator[Server]:
    """An HTTP server on 127.0.0.1 (a free port) serving each folder under its URL prefix
    ("/client/" → docs/client); anything else is a 404."""
    requests: list[str] = []
    lock = threading.Lock()

    class Handler(SimpleHTTPRequestHandler):
        # Module scripts need a JavaScript type; not left to the machine's mime.types.
        extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript",
                          ".json": "application/json", ".css": "text/css", ".html": "text/html"}

        def do_GET(self) -> None:
            with lock:
                requests.append(unquote(urlsplit(self.path).path))
            super().do_GET()

        def translate_path(self, path: str) -> str:
            clean = posixpath.normpath(unquote(urlsplit(path).path))
            for prefix, folder in mounts.items():
                if (clean + "/").startswith(prefix):
                    return str(folder / clean[len(prefix):])
            return "/.no-such-file"  # a 404

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Server(f"http://127.0.0.1:{server.server_address[1]}", requests)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="module")
def browser() -> str:
    """Chromium's path; requested before `site`, so a machine without it skips unbuilt."""
    return chromium()


def chromium() -> str:
    found = shutil.which("chromium")
    if found is None:
        message = ("headless Chromium is needed to run the reference client; install Debian's "
                   "chromium package: apt-get install chromium")
        if os.environ.get("CI") == "true":  # .ci/run installs it: missing there is a bug
            pytest.fail(message)
        pytest.skip(message)
    return found


# --------------------------------------------------------------------------------------------
# The DOM Chromium dumps


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
BLOCK = {"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "section",
         "aside", "article", "header", "footer", "figure", "figcaption", "blockquote", "main"}


@dataclass(eq=False)  # a node is itself: compared by identity
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list, repr=False)
    parent: Node | None = field(default=None, repr=False)

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.walk()

    def all(self, tag: str | None = None, cls: str | None = None) -> list[Node]:
        return [n for n in self.walk() if (tag is None or n.tag == tag)
                and (cls is None or cls in n.attrs.get("class", "").split())]

    def one(self, tag: str | None = None, cls: str | None = None) -> Node:
        found = self.all(tag, cls)
        assert len(found) == 1, f"{len(found)} <{tag} class={cls}> found"
        return found[0]

    def text(self) -> str:
        """The text as a reader sees it: character references decoded, spaces collapsed."""
        parts = [c if isinstance(c, str) else " " if c.tag == "br"
                 else f" {c.text()} " if c.tag in BLOCK else c.text() for c in self.children]
        return squash("".join(parts))

    def ancestors(self) -> Iterator[Node]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.open = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, parent=self.open)
        self.open.children.append(node)
        if tag not in VOID:
            self.open = node

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.open
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.open = node.parent

    def handle_data(self, data: str) -> None:
        self.open.children.append(data)


@dataclass
class Page:
    html: str  # the DOM as Chromium serialised it
    root: Node

    @property
    def body(self) -> Node:
        return self.root.one("body")

    def hrefs(self) -> list[str]:
        return [a.attrs["href"] for a in self.root.all("a") if "href" in a.attrs]


def render(browser: str, server: Server, route: str, tmp_path: Path,
           screenshot: Path | None = None) -> Page:
    """Load a route of the client in a fresh headless Chromium; its DOM once it is ready."""
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    profile.mkdir()
    command = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}"]
    if screenshot is not None:
        command.append(f"--screenshot={screenshot}")
    done = subprocess.run([*command, "--dump-dom", server.url + route], capture_output=True,
                          text=True, encoding="utf-8", timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    builder = _TreeBuilder()
    builder.feed(done.stdout)
    page = Page(done.stdout, builder.root)
    body = page.body
    assert body.attrs.get("data-ready") == "1", (
        f"the page did not finish: data-ready={body.attrs.get('data-ready')!r}, "
        f"{squash(body.text())[:600]!r}")
    return page


# --------------------------------------------------------------------------------------------
# Bundles


def spans_of(value: Any) -> list[dict[str, Any]]:
    """Every span of a bundle's rich texts, in document order."""
    if isinstance(value, dict):
        if "text" in value and "marks" in value:
            return [value]
        return [span for item in value.values() for span in spans_of(item)]
    if isinstance(value, list):
        return [span for item in value for span in spans_of(item)]
    return []


def document_links(value: Any) -> list[dict[str, Any]]:
    """Every internal link in a bundle's rich texts."""
    found = []
    if isinstance(value, dict):
        link = value.get("link") if "text" in value and "marks" in value else None
        if isinstance(link, dict) and link.get("kind") not in ("web", "citation"):
            found.append(link)
        for item in value.values():
            found += document_links(item)
    elif isinstance(value, list):
        for item in value:
            found += document_links(item)
    return found


def rewrite(site: Path, rel: str, edit: Any) -> None:
    """Change one bundle with `edit(bundle)`, and its size and hash in the manifest and the
    index, so the site stays consistent (what a compromised build would look like)."""
    path = site / rel
    bundle = read_json(path)
    edit(bundle)
    data = json.dumps(bundle, ensure_ascii=False, indent=2).encode("utf-8")
    path.write_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    manifest = read_json(site / "manifest.json")
    manifest["files"][rel] = {"sha256": digest, "bytes": len(data)}
    index_rel = manifest["locales"][bundle["locale"]]["index"]
    index = read_json(site / index_rel)
    for entry in index["documents"]:
        if entry["bundle"] == rel:
            entry.update(sha256=digest, bytes=len(data))
    index_data = json.dumps(index, ensure_ascii=False, indent=2).encode("utf-8")
    (site / index_rel).write_bytes(index_data)
    manifest["files"][index_rel] = {"sha256": hashlib.sha256(index_data).hexdigest(),
                                    "bytes": len(index_data)}
    (site / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")


# --------------------------------------------------------------------------------------------
# Screenshots


# --------------------------------------------------------------------------------------------
# The client's source


def test_the_client_never_parses_content_as_html() -> None:
    """The rule the client is built on, readable in its source: text is set as text."""
    script = (CLIENT / "client.js").read_text(encoding="utf-8")
    script = re.sub(r"(?s)/\*.*?\*/", "", script)  # the comments name the sinks it avoids
    script = re.sub(r"(?m)(^|\s)//.*$", "", script)
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                 "new Function", "DOMParser", "createContextualFragment", "srcdoc"):
        assert sink not in script, sink
    html = (CLIENT / "index.html").read_text(encoding="utf-8")
    assert '<script type="module" src="client.js"></script>' in html
    assert '<link rel="stylesheet" href="client.css">' in html
    assert "script-src 'self'" in html  # no inline script could run, even injected
    assert 'data-base="../../build/site/"' in html


# --------------------------------------------------------------------------------------------
# In a real browser


def test_guide_page_renders_from_one_bundle(browser: str, site: Path, tmp_path: Path) -> None:
    bundle = read_json(site / "fr" / f"{GUIDE}.json")
    manifest = read_json(site / "manifest.json")
    guide, cards = bundle["document"], bundle["cards"]
    shot = tmp_path / "guide.png"
    with serve({"/client/": CLIENT, "/site/": site}) as server:
        page = render(browser, server, f"/client/index.html?data=/site/#/fr/guide/{GUIDE}",
                      tmp_path, screenshot=shot)
    root = page.root
    assert root.one("html").attrs["lang"] == "fr"
    assert root.one("title").text().startswith(guide["title"])
    # The locale picker offers the manifest's locales, the page's one selected.
    options = root.one("select").all("option")
    assert [o.attrs["value"] for o in options] == list(manifest["locales"])
    assert [o.attrs["value"] for o in options if "selected" in o.attrs] == ["fr"]

    main = root.one("main")
    # The red flags open the page, before the title: announced first, never scrolled past.
    article = main.one("article", "guide")
    first = next(c for c in article.children if isinstance(c, Node))
    assert (first.tag, first.attrs.get("class"), first.attrs.get("role")) == (
        "aside", "red-flags", "alert")
    assert guide["red_flags"], "the SI guide has red flags"
    assert [li.text() for li in first.all("li")] == [squash(flag["plain"])
                                                     for flag in guide["red_flags"]]
    assert main.one("h1").text() == squash(guide["title"])
    assert squash(guide["summary"]) in main.text()
    intro = main.one("div", "intro")
    assert intro.text() == squash(" ".join(rich["plain"] for rich in guide["intro"]))
    # Every exercise, in the guide's order, from its card: name linked to its page, summary,
    # position and equipment by their localized names.
    listed = main.one("section", "exercises").all("li", "card")
    assert [li.attrs["data-id"] for li in listed] == guide["exercises"]
    for li in listed:
        card = cards["exercises"][li.attrs["data-id"]]
        link = li.one("h3").one("a")
        assert link.text() == squash(card["name"])
        assert link.attrs["href"] == f"#/fr/exercise/{card['id']}"
        assert squash(card["summary"]) in li.text()
        assert squash(bundle["terms"]["positions"][card["position"]]["name"]) in li.text()
        for item in card["equipment"]:
            assert squash(bundle["terms"]["equipment"][item]["name"]) in li.text()
    for part in guide["sections"]:
        assert squash(part["heading"]) in [h2.text() for h2 in main.all("h2")]
        for item in part["items"]:
            assert squash(item["text"]["plain"]) in main.text()
    reviewers = main.one("section", "reviewers").text()
    for reviewer_id in guide["reviewers"]:
        card = cards["reviewers"][reviewer_id]
        assert squash(card["name"]) in reviewers and squash(card["credentials"]) in reviewers
    time = main.one("time")
    assert (time.text(), time.attrs["datetime"]) == (
        squash(bundle["formatted"]["reviewed_on"]), guide["reviewed_on"])
    references = main.one("section", "references").all("li")
    assert [r.one("cite").text() for r in references] == [
        squash(r["title"]) for r in guide["references"]]
    # Each citation marker: [n] raised, leading to the n-th item of the references list.
    assert [r.attrs["data-fragment"] for r in references] == [
        f"ref-{r['id']}" for r in guide["references"]]
    marks = [(sup.one("a").attrs["href"], sup.one("a").text()) for sup in main.all("sup")
             if "citation" in sup.attrs.get("class", "").split()]
    cited = [span["link"] for span in spans_of(guide)
             if (span["link"] or {}).get("kind") == "citation"]
    assert cited and marks == [(f"#/fr/guide/{GUIDE}/ref-{c['reference']}", f"[{c['number']}]")
                               for c in cited]
    assert {c["number"] for c in cited} == set(range(1, len(references) + 1))
    assert main.one("aside", "disclaimer").text() == squash(guide["disclaimer"]["plain"])
    assert bool(main.all(cls="notice")) == bool(bundle["fallbacks"])

    # Links: to in-page routes, or https in a new tab; never to a file of the build.
    internal = document_links(guide)
    assert internal, "the guide's rich text should link to an exercise"
    hrefs = page.hrefs()
    for target in internal:
        assert f"#/fr/{target['kind']}/{target['id']}" in hrefs
    for a in root.all("a"):
        href = a.attrs["href"]
        assert href.startswith("#/fr") or href.startswith("https://"), href
        assert ".json" not in href
        if href.startswith("https://"):
            assert (a.attrs.get("rel"), a.attrs.get("target")) == ("noopener noreferrer", "_blank")
    assert ".yaml" not in page.html

    # One fetch for the page: the manifest, the locale's index and the guide's bundle.
    assert server.fetched("/site/") == Counter(
        {"manifest.json": 1, "fr/index.json": 1, f"fr/{GUIDE}.json": 1})

    # The screenshot is the page painted: text, the cards' background, a link's colour.
    colours = png_colours(shot.read_bytes())
    total = sum(colours.values())
    assert colours.most_common(1)[0][1] < 0.9 * total, "the screenshot is (almost) one colour"
    assert colours[bytes.fromhex("1f2328")] > 1000, "no body text painted"
    assert colours[bytes.fromhex("f6f8fa")] > 10_000, "no exercise card painted"
    assert colours[bytes.fromhex("fff0f0")] > 10_000, "no red flags box painted"
    assert colours[bytes.fromhex("0b5cad")] > 100, "no link painted"
    print(f"screenshot: {shot}")


def test_exercise_page_renders_from_one_bundle_at_the_default_base(
        browser: str, site: Path, tmp_path: Path) -> None:
    """Served as in the repository (docs/client/ beside build/site/), with no ?data=."""
    bundle = read_json(site / "fr" / f"{EXERCISE}.json")
    exercise, cards = bundle["document"], bundle["cards"]
    with serve({"/docs/client/": CLIENT, "/build/site/": site}) as server:
        page = render(browser, server, f"/docs/client/index.html#/fr/exercise/{EXERCISE}",
                      tmp_path)
    main = page.root.one("main")
    assert main.one("h1").text() == squash(exercise["name"])
    steps = main.one("ol", "steps")
    items = [child for child in steps.children if isinstance(child, Node)]
    assert [li.tag for li in items] == ["li"] * len(exercise["steps"])
    assert [li.text() for li in items] == [squash(step["plain"]) for step in exercise["steps"]]
    # Cautions come before the steps, in their own box.
    cautions = main.one("aside", "cautions")
    assert [li.text() for li in cautions.all("li")] == [
        squash(c["plain"]) for c in exercise["cautions"]]
    order = list(main.walk())
    assert order.index(cautions) < order.index(steps)
    for tip in exercise["tips"]:
        assert squash(tip["plain"]) in main.text()
    variations = main.one("section", "variations")
    assert [dt.text() for dt in variations.all("dt")] == [
        squash(v["name"]) for v in exercise["easier"] + exercise["harder"]]
    dosage = main.one("dl", "facts").one("p", "dosage").text()
    # The build's own phrase, shown as it is: the app writes no dose phrase of its own.
    assert dosage == squash(bundle["formatted"]["dosage"])
    for number in ("sets", "reps", "hold_seconds"):
        if exercise["dosage"][number] is not None:
            assert re.search(rf"\b{exercise['dosage'][number]}\b", dosage), (number, dosage)
    for muscle in exercise["target_muscles"]:
        assert squash(bundle["terms"]["muscles"][muscle]["name"]) in main.text()
    quote = main.one("figure", "quote")
    reviewer = cards["reviewers"][exercise["quote"]["reviewer"]]
    assert squash(exercise["quote"]["text"]["plain"]) in quote.one("blockquote").text()
    assert squash(reviewer["name"]) in quote.text()
    assert squash(reviewer["credentials"]) in quote.text()
    related = main.one("section", "related").all("li", "card")
    assert [li.attrs["data-id"] for li in related] == exercise["related"]
    for li in related:
        assert li.one("h3").text() == squash(cards["exercises"][li.attrs["data-id"]]["name"])
    assert server.fetched("/build/site/") == Counter(
        {"manifest.json": 1, "fr/index.json": 1, f"fr/{EXERCISE}.json": 1})


def test_home_page_lists_the_guides_from_the_index_alone(
        browser: str, site: Path, tmp_path: Path) -> None:
    index = read_json(site / "fr" / "index.json")
    with serve({"/client/": CLIENT, "/site/": site}) as server:
        page = render(browser, server, "/client/index.html?data=/site/#/fr", tmp_path)
    guides = [entry for entry in index["documents"] if entry["kind"] == "guide"]
    listed = page.root.one("main").all("li", "card")
    assert [(li.one("a").text(), li.one("a").attrs["href"]) for li in listed] == [
        (squash(entry["title"]), f"#/fr/guide/{entry['id']}") for entry in guides]
    assert server.fetched("/site/") == Counter({"manifest.json": 1, "fr/index.json": 1})


def test_hostile_bundle_text_stays_text_and_unsafe_links_are_dropped(
        browser: str, site: Path, tmp_path: Path) -> None:
    """A bundle changed after the build (or by a bug): markup in a span's text, a
    javascript: URL in a web link, and a field listed as fallen back to English."""
    hostile = tmp_path / "hostile"
    shutil.copytree(site, hostile)
    linked: dict[str, str] = {}

    def edit(bundle: dict[str, Any]) -> None:
        intro = bundle["document"]["intro"]
        intro[0]["blocks"][0]["spans"] = [{"text": PAYLOAD, "marks": [], "link": None}]
        span = next(s for rich in intro for block in rich["blocks"] for s in block["spans"]
                    if s["link"] is not None and s["link"]["kind"] != "citation")
        linked["text"] = span["text"]
        span["link"] = {"kind": "web", "url": "javascript:alert(1)"}
        bundle["fallbacks"] = ["title"]

    rewrite(hostile, f"fr/{GUIDE}.json", edit)
    with serve({"/client/": CLIENT, "/site/": hostile}) as server:
        page = render(browser, server, f"/client/index.html?data=/site/#/fr/guide/{GUIDE}",
                      tmp_path)
    root = page.root
    # The markup is shown, character for character, as text; no element was made of it.
    assert root.all("img") == [] and "<img" not in page.html
    intro = root.one("main").one("div", "intro")
    assert intro.all("p")[0].text() == PAYLOAD
    assert "pwned" not in root.one("title").text()
    # The javascript: link is gone, its text kept (in no anchor).
    for href in page.hrefs():
        assert not re.sub(r"\s", "", href).lower().startswith(("javascript:", "data:")), href
    holders = [n for n in intro.walk() if linked["text"] in "".join(
        c for c in n.children if isinstance(c, str))]
    assert holders, linked["text"]
    assert all(n.tag != "a" and all(a.tag != "a" for a in n.ancestors()) for n in holders)
    # The fallback is announced, and the title is marked as English.
    assert root.one("main").all(cls="notice")
    assert root.one("h1").attrs.get("lang") == "en"


# --------------------------------------------------------------------------------------------
# Media

MEDIA_EXERCISE = "glute-bridge"
# A page that hands each captions file to Chromium's own WebVTT parser (a <track> of a
# <video>) and writes out the cues it read: the reader players use, not ours.
PROBE = """<!doctype html><meta charset="utf-8"><body><script>
const files = JSON.parse(decodeURIComponent(location.hash.slice(1)));
const read = {};
let left = files.length;
for (const src of files) {
  const video = document.createElement("video");
  const track = document.createElement("track");
  track.kind = "captions"; track.src = src; track.default = true;
  video.append(track); document.body.append(video);
  track.track.mode = "hidden";
  const done = (cues) => {
    read[src] = cues;
    if (--left === 0) {
      document.body.dataset.cues = JSON.stringify(read);
      document.body.dataset.ready = "1";
    }
  };
  track.addEventListener("load", () => done([...track.track.cues].map(
    (cue) => [cue.startTime, cue.endTime, cue.text])));
  track.addEventListener("error", () => done(null));
}
</script>"""


def test_the_exercise_page_shows_its_media_and_chromium_reads_every_cue(
        browser: str, site: Path, tmp_path: Path) -> None:
    bundle = read_json(site / "fr" / f"{MEDIA_EXERCISE}.json")
    media, track = bundle["document"]["media"], bundle["formatted"]["captions"]
    assert media["video"] is not None and track == {
        "src": f"fr/captions/{MEDIA_EXERCISE}.vtt", "language": "fr"}
    probe = tmp_path / "probe"
    probe.mkdir()
    (probe / "index.html").write_text(PROBE, encoding="utf-8")
    with serve({"/client/": CLIENT, "/site/": site, "/probe/": probe}) as server:
        page = render(browser, server, f"/client/index.html?data=/site/#/fr/exercise/"
                                       f"{MEDIA_EXERCISE}", tmp_path)
        files = [f"/site/{tag}/captions/{MEDIA_EXERCISE}.vtt" for tag in ("en", "fr")]
        read = render(browser, server, "/probe/index.html#" + quote(json.dumps(files)),
                      tmp_path)
    # Every image with its French alt text, the safety one marked; the video with the
    # French track.
    section = page.root.one("section", "media")
    assert [img.attrs["alt"] for img in section.all("img")] == [
        image["alt"] for image in media["images"]]
    assert len(section.all("figure", "safety")) == sum(i["safety"] for i in media["images"])
    (video,) = section.all("video")
    assert video.attrs["aria-label"] == media["video"]["alt"]
    (shown,) = video.all("track")
    assert (shown.attrs["srclang"], shown.attrs["src"]) == (
        "fr", f"{server.url}/site/fr/captions/{MEDIA_EXERCISE}.vtt")
    assert video.one("source").attrs["src"] == f"{server.url}/site/media/{media['video']['src']}"
    # Chromium's parser reads the cues ours read, time for time and word for word.
    cues = json.loads(read.body.attrs["data-cues"])
    for src in files:
        ours = parse((site / src.removeprefix("/site/")).read_text(encoding="utf-8")).cues
        assert ours and cues[src] == [[c.start, c.end, c.text] for c in ours], src
