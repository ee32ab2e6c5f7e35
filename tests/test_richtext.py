"""Rich text must show what a Markdown renderer shows: the same characters, with the same
emphasis and the same links. Each generated text is rendered by markdown-it's own HTML
renderer and read back run by run with Python's HTML parser (an independent reading of
the renderer's output), then compared with the spans `rich_text` gives."""

from __future__ import annotations

import html
from html.parser import HTMLParser
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.client.richtext import RichText, rich_text
from pipeline.content import markup

SETTINGS = settings(max_examples=200, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

# A run: (text, marks in nesting order, link target or None).
Run = tuple[str, tuple[str, ...], str | None]


class _Runs(HTMLParser):
    """The text of rendered HTML in runs, each with the elements it sits in."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.marks: list[str] = []
        self.href: str | None = None
        self.blocks: list[list[Run]] = []
        self.inside = False
        self.after_break = False
        self.number = 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "ol":  # a numbered line: the browser shows its number before the text
            self.number = int(dict(attrs).get("start") or 1)
        elif tag == "li":
            self.blocks.append([])
            self.inside = True
            self.add(f"{self.number}. ")
            self.number += 1
        elif tag == "p" and not self.inside:
            self.blocks.append([])
            self.inside = True
        elif tag in ("strong", "em"):
            self.marks.append(tag)
        elif tag == "a":
            self.href = dict(attrs).get("href")
        elif tag == "br":
            self.add("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("p", "li"):
            self.inside = False
        elif tag in ("strong", "em"):
            self.marks.pop()
        elif tag == "a":
            self.href = None

    def handle_data(self, data: str) -> None:
        if not self.inside:  # the line breaks between the renderer's elements
            return
        if self.after_break:  # the renderer writes "<br />\n": that newline shows nothing
            data = data.removeprefix("\n")
        self.add(data.replace("\n", " "))

    def add(self, data: str) -> None:
        self.after_break = data == "\n"
        run = self.blocks[-1]
        if run and run[-1][1] == tuple(self.marks) and run[-1][2] == self.href:
            run[-1] = (run[-1][0] + data, run[-1][1], self.href)
        elif data:
            run.append((data, tuple(self.marks), self.href))


def rendered(text: str) -> list[list[Run]]:
    reader = _Runs()
    reader.feed(markup.parser().render(text))
    return reader.blocks


def _resolve(target: str) -> tuple[str, str, str | None]:
    # The test keeps the whole target as the id, to compare it with the rendered href.
    return "exercise", target, None


def runs(rich: RichText) -> list[list[Run]]:
    found = []
    for block in rich.blocks:
        spans: list[Run] = []
        for span in block.spans:
            href: str | None = None
            if span.link is not None:
                href = span.link.url if span.link.kind == "web" else span.link.id
            spans.append((span.text, tuple(span.marks), href))
        found.append(spans)
    return found


def _same(ours: list[list[Run]], theirs: list[list[Run]]) -> bool:
    """Equal once the renderer's percent-encoding and trailing newlines are set aside."""
    def norm(blocks: list[list[Run]]) -> list[list[Run]]:
        out = []
        for block in blocks:
            merged: list[Run] = []
            for text, marks, href in block:
                href = markup.browser_target(html.unescape(href)) if href else None
                if href is not None:
                    href = markup.parser().normalizeLink(href)
                if merged and merged[-1][1:] == (marks, href):
                    merged[-1] = (merged[-1][0] + text, marks, href)
                elif text:
                    merged.append((text, marks, href))
            if merged:
                # White space at either end of a paragraph shows nothing.
                merged[-1] = (merged[-1][0].rstrip(), *merged[-1][1:])
                merged[0] = (merged[0][0].lstrip(), *merged[0][1:])
                out.append([r for r in merged if r[0]])
        return out
    return norm(ours) == norm(theirs)


_PIECES = st.sampled_from([
    "Lie", " on", " your", " back", ".", " ", " ", "*", "**", "_", "__", "*slowly*",
    "**don't**", "_gently_", "[the bird dog](../exercises/bird-dog.yaml)",
    "[trial](https://doi.org/10.1000/x_y)", "[*both* ways](bird-dog.yaml#steps)",
    "\\*", "&amp;", "&lt;b&gt;", "\n", "  \n", "é", "«\u00a0", "\u00a0»", "3.", " 1.", "(", ")",
])


@SETTINGS
@given(st.lists(_PIECES, min_size=1, max_size=14).map("".join))
def test_spans_carry_what_a_renderer_shows(text: str) -> None:
    analysis = markup.analyze(text)
    if analysis.problems or not text.strip():
        return  # validation refuses it; only valid text reaches a bundle
    ours = rich_text(text, _resolve)
    assert _same(runs(ours), rendered(text)), (text, runs(ours), rendered(text))
    assert ours.plain == "\n\n".join("".join(s.text for s in b.spans) for b in ours.blocks)


@pytest.mark.parametrize(("text", "expected"), [
    ("**Don't** lift your leg.", [[("Don't", ("strong",), None), (" lift your leg.", (), None)]]),
    ("Try the [*bird* dog](../exercises/bird-dog.yaml).",
     [[("Try the ", (), None), ("bird", ("em",), "../exercises/bird-dog.yaml"),
       (" dog", (), "../exercises/bird-dog.yaml"), (".", (), None)]]),
    ("1. Lie down.\n2. Breathe.", [[("1. Lie down.", (), None)], [("2. Breathe.", (), None)]]),
    ("Stop \\*now\\* &amp; rest", [[("Stop *now* & rest", (), None)]]),
])
def test_known_texts(text: str, expected: list[list[Run]]) -> None:
    assert runs(rich_text(text, _resolve)) == expected


def test_links_are_typed_and_no_source_path_is_kept() -> None:
    seen: list[str] = []

    def resolve(target: str) -> tuple[str, str, str | None]:
        seen.append(target)
        return "exercise", "bird-dog", "steps"

    rich = rich_text("See [this](../exercises/bird-dog.yaml#steps) and "
                     "[that](https://example.org/a).", resolve)
    links: list[Any] = [s.link.model_dump() for b in rich.blocks for s in b.spans if s.link]
    assert links == [{"kind": "exercise", "id": "bird-dog", "fragment": "steps"},
                     {"kind": "web", "url": "https://example.org/a"}]
    assert seen == ["../exercises/bird-dog.yaml#steps"]
    assert ".yaml" not in rich.model_dump_json()
