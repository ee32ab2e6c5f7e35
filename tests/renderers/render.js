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

// Report once every element that loads something has loaded or failed (an `onerror` or
// `onload` payload runs then), and then once more tasks had their turn (clicks, toggle
// events): synchronised on the events, so a loaded machine cannot outrun it.
const loading = boxes.flatMap(({ box }) =>
  [...box.querySelectorAll("img, video, audio, iframe, object, embed, svg, input[type=image]")]);
const settled = loading.map((element) => new Promise((resolve) => {
  for (const event of ["load", "error", "loadeddata"]) {
    element.addEventListener(event, resolve, { once: true });
  }
  // What has nothing to load fires neither event (an <svg> fires its load only for an
  // onload handler to run).
  const source = element.getAttribute("src") || element.getAttribute("data") ||
    element.hasAttribute("srcdoc");
  if (element.localName === "svg" ? !element.hasAttribute("onload") : !source) resolve();
}));
let reported = false;
function report() {
  if (reported) return;
  reported = true;
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
}
Promise.all(settled).then(() => setTimeout(() => setTimeout(report, 0), 0));
// An element that never settles must not cost the report: Chromium's virtual time moves
// only while the page is idle, so this comes after everything else the page had to do.
setTimeout(report, 5000);
