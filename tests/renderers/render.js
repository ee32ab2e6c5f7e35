// Renders every text of window.INPUT with common web Markdown renderers, the way an app puts
// the result into a page (innerHTML), and reports what the browser made of each: the links
// as the browser resolves them, the titles, the elements, the text. Every javascript: link
// the browser recognizes is clicked. Payloads in the texts call pwn(id): window.fired lists
// each call, so a script that ran is reported rather than guessed.
"use strict";

window.fired = [];
window.pwn = function (id) { window.fired.push(String(id)); };

const plain = markdownit();
const linkify = markdownit({ linkify: true });
// linkify-it before version 5 also linked bare domain names (fuzzyLink); many apps still do.
const fuzzy = markdownit({ linkify: true });
fuzzy.linkify.set({ fuzzyLink: true });

const RENDERERS = {
  "markdown-it": (text) => plain.render(text),
  "markdown-it inline": (text) => plain.renderInline(text),
  "markdown-it linkify": (text) => linkify.render(text),
  "markdown-it linkify fuzzy": (text) => fuzzy.render(text),
  "marked": (text) => marked.parse(text),
  "marked inline": (text) => marked.parseInline(text),
};

const boxes = [];
for (const item of window.INPUT) {
  for (const [renderer, render] of Object.entries(RENDERERS)) {
    const box = document.createElement("div");
    document.body.append(box);
    box.innerHTML = render(item.text);
    boxes.push({ id: item.id, renderer, box });
  }
}
for (const { box } of boxes) {
  for (const link of box.querySelectorAll("a[href]")) {
    if (link.protocol === "javascript:") link.click();
  }
}

// Clicks, error and toggle events run as tasks: report once they had their turn.
setTimeout(() => {
  const results = boxes.map(({ id, renderer, box }) => ({
    id,
    renderer,
    links: [...box.querySelectorAll("a[href], area[href]")].map((a) => a.href),
    titles: [...box.querySelectorAll("[title]")].map((e) => e.getAttribute("title")),
    tags: [...new Set([...box.querySelectorAll("*")].map((e) => e.localName))].sort(),
    text: box.textContent,
  }));
  const report = document.createElement("pre");
  report.id = "report";
  report.textContent = JSON.stringify({ results, fired: window.fired });
  document.body.replaceChildren(report);
}, 500);
