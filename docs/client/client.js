/*
 * Reference client for the exercise library's bundles (bundle_version 3).
 *
 * Everything an app does with a build, in plain JavaScript:
 *
 *   1. manifest.json: the locales to offer (manifest.locales) and each one's index;
 *   2. <locale>/index.json: the documents of that locale and the path of each bundle;
 *   3. ONE bundle per page: it holds the document, plus a card of every exercise and
 *      reviewer the page names and the localized glossary terms it uses, so a page never
 *      needs a second fetch;
 *   4. rich text (blocks of spans) rendered with DOM calls only.
 *
 * The one rule that keeps a translation from becoming markup: text is always set as text
 * (Node.append of a string, i.e. a Text node), never as HTML. This file contains no
 * innerHTML, outerHTML, insertAdjacentHTML or document.write; keep it that way.
 *
 * Types of every file: types/bundles.d.ts in the site folder.
 */

const BUNDLE_VERSION = 3;

// ---------------------------------------------------------------------------------------
// Where the data is

/**
 * The site folder's URL, always ending in "/".
 *
 * ?data= is accepted only on this page's origin: anyone can send a link with a query
 * string, and a page that showed another site's texts under this origin would be a
 * convenient phishing page. A deployer who hosts the bundles elsewhere sets data-base on
 * <html> instead (and allows that origin in the page's Content-Security-Policy).
 */
function dataBase() {
  const here = new URL(location.href);
  const fromQuery = here.searchParams.get("data");
  if (fromQuery !== null) {
    const url = new URL(fromQuery, here);
    if (url.origin !== here.origin) {
      throw new Error(`?data= must be on this page's origin (${here.origin}); ` +
                      "set data-base on <html> for another one.");
    }
    return withSlash(url);
  }
  return withSlash(new URL(document.documentElement.dataset.base || "../../build/site/", here));
}

function withSlash(url) {
  url.search = "";
  url.hash = "";
  if (!url.pathname.endsWith("/")) url.pathname += "/";
  return url;
}

const BASE = (() => {
  try {
    return dataBase();
  } catch (error) {
    return error;  // shown by the first render, which reports it like any load failure
  }
})();

// One request per file per page load: every path is relative to the manifest (the paths
// in the manifest and the index are), and a promise is kept so that concurrent callers
// share the fetch.
const fetched = new Map();

function load(path) {
  if (BASE instanceof Error) return Promise.reject(BASE);
  const url = new URL(path, BASE).href;
  if (!fetched.has(url)) {
    const promise = fetch(url).then(async (response) => {
      if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
      const data = await response.json();
      // A newer format may mean something else by the same fields: refuse, don't guess.
      if (data.bundle_version !== BUNDLE_VERSION) {
        throw new Error(`${path} is bundle_version ${data.bundle_version}; ` +
                        `this client reads version ${BUNDLE_VERSION}.`);
      }
      return data;
    });
    promise.catch(() => fetched.delete(url));  // a failed load is tried again next time
    fetched.set(url, promise);
  }
  return fetched.get(url);
}

/** The locale's index, with a lookup of its documents by kind and id. */
async function loadIndex(manifest, tag) {
  const index = await load(manifest.locales[tag].index);
  const byKey = new Map(index.documents.map((entry) => [`${entry.kind}/${entry.id}`, entry]));
  return { documents: index.documents, entry: (kind, id) => byKey.get(`${kind}/${id}`) };
}

// ---------------------------------------------------------------------------------------
// The app's own strings. Bundles carry content only; headings such as "Steps" belong to
// the app and are translated with it. A locale without a table here uses English.

const UI = {
  en: {
    library: "Exercise library",
    language: "Language",
    guides: "Guides",
    guide: "Guide",
    exercise: "Exercise",
    reviewer: "Reviewer",
    glossary: "Glossary",
    exercises: "Exercises",
    position: "Starting position",
    equipment: "Equipment",
    noEquipment: "No equipment",
    muscles: "Muscles worked",
    dosage: "How much",
    startingPosition: "Starting position",
    steps: "Steps",
    tips: "Tips",
    cautions: "Be careful",
    redFlags: "When to stop and see a doctor",
    whyItHelps: "Why it helps",
    variations: "Variations",
    easier: "Easier",
    harder: "Harder",
    quote: "From the reviewer",
    related: "Related exercises",
    reviewedBy: "Reviewed by",
    reviewedOn: "Last reviewed on {date}",
    references: "References",
    citation: "Reference {number}",
    media: "Watch how",
    captions: "Captions",
    safetyImage: "Avoid this",
    disclaimer: "Disclaimer",
    musclesTerms: "Muscles",
    equipmentTerms: "Equipment",
    positionsTerms: "Positions",
    fallbacks: "Some text on this page is in {language}: it has no reviewed translation yet.",
    staging: "Staging build: {language} stands in for missing translations.",
    notFound: "This page is not available in this language.",
    failed: "This page could not be loaded.",
    allGuides: "All guides",
    builtBy: "Reference client for bundle_version {version} · {generator}",
  },
  fr: {
    library: "Bibliothèque d’exercices",
    language: "Langue",
    guides: "Guides",
    guide: "Guide",
    exercise: "Exercice",
    reviewer: "Relecteur",
    glossary: "Glossaire",
    exercises: "Exercices",
    position: "Position de départ",
    equipment: "Matériel",
    noEquipment: "Aucun matériel",
    muscles: "Muscles sollicités",
    dosage: "Combien",
    startingPosition: "Position de départ",
    steps: "Étapes",
    tips: "Conseils",
    cautions: "Attention",
    redFlags: "Quand arrêter et consulter un médecin",
    whyItHelps: "Pourquoi c’est utile",
    variations: "Variantes",
    easier: "Plus facile",
    harder: "Plus difficile",
    quote: "L’avis du relecteur",
    related: "Exercices associés",
    reviewedBy: "Relu par",
    reviewedOn: "Dernière relecture le {date}",
    references: "Références",
    citation: "Référence {number}",
    media: "En images",
    captions: "Sous-titres",
    safetyImage: "À éviter",
    disclaimer: "Avertissement",
    musclesTerms: "Muscles",
    equipmentTerms: "Matériel",
    positionsTerms: "Positions",
    fallbacks: "Certains textes de cette page sont en {language} : leur traduction n’a pas " +
               "encore été relue.",
    staging: "Version de test : l’{language} remplace les traductions manquantes.",
    notFound: "Cette page n’existe pas dans cette langue.",
    failed: "La page n’a pas pu être chargée.",
    allGuides: "Tous les guides",
    builtBy: "Client de référence, bundle_version {version} · {generator}",
  },
  es: {
    library: "Biblioteca de ejercicios",
    language: "Idioma",
    guides: "Guías",
    guide: "Guía",
    exercise: "Ejercicio",
    reviewer: "Revisor",
    glossary: "Glosario",
    exercises: "Ejercicios",
    position: "Posición inicial",
    equipment: "Material",
    noEquipment: "Sin material",
    muscles: "Músculos trabajados",
    dosage: "Cuánto",
    startingPosition: "Posición inicial",
    steps: "Pasos",
    tips: "Consejos",
    cautions: "Precaución",
    redFlags: "Cuándo parar y consultar a un médico",
    whyItHelps: "Por qué ayuda",
    variations: "Variantes",
    easier: "Más fácil",
    harder: "Más difícil",
    quote: "La opinión del revisor",
    related: "Ejercicios relacionados",
    reviewedBy: "Revisado por",
    reviewedOn: "Última revisión: {date}",
    references: "Referencias",
    citation: "Referencia {number}",
    media: "En imágenes",
    captions: "Subtítulos",
    safetyImage: "Evite esto",
    disclaimer: "Aviso",
    musclesTerms: "Músculos",
    equipmentTerms: "Material",
    positionsTerms: "Posiciones",
    fallbacks: "Algunos textos de esta página están en {language}: su traducción aún no se " +
               "ha revisado.",
    staging: "Versión de prueba: el {language} sustituye a las traducciones que faltan.",
    notFound: "Esta página no está disponible en este idioma.",
    failed: "No se pudo cargar la página.",
    allGuides: "Todas las guías",
    builtBy: "Cliente de referencia, bundle_version {version} · {generator}",
  },
};

/**
 * A translator for the app's strings in a locale ("fr-CA" uses "fr", then English):
 * t(key, values) is a string; t.nodes(key, values) a list of strings and the values as
 * given, for a value that is an element (a <time> in a sentence).
 */
function strings(tag) {
  const table = own(UI, tag) || own(UI, tag.split("-")[0]) || UI.en;
  const plural = new Intl.PluralRules(tag);
  const number = new Intl.NumberFormat(tag);
  const parts = (key, values) => {
    let text = own(table, key) ?? UI.en[key];
    if (typeof text === "object") text = text[plural.select(values.n)] ?? text.other;
    // "{n} sets" → ["", "n", " sets"]: odd items are placeholder names.
    return text.split(/\{(\w+)\}/).map((part, at) => {
      if (at % 2 === 0) return part;
      const value = values[part];
      return typeof value === "number" ? number.format(value) : value;
    });
  };
  const t = (key, values = {}) => parts(key, values).map(String).join("");
  t.nodes = (key, values = {}) => parts(key, values).filter((part) => part !== "");
  return t;
}

/** A language's name, in the given locale ("français" for fr in fr); the tag if unknown. */
function languageName(tag, inLocale) {
  try {
    return new Intl.DisplayNames([inLocale], { type: "language" }).of(tag) || tag;
  } catch {
    return tag;
  }
}

/** "rtl" for Arabic, Hebrew…: set on <html> with lang so the whole page mirrors. */
function direction(tag) {
  try {
    const locale = new Intl.Locale(tag);
    const info = locale.getTextInfo ? locale.getTextInfo() : locale.textInfo;
    return info?.direction === "rtl" ? "rtl" : "ltr";
  } catch {
    return "ltr";
  }
}

/**
 * map[key] if the object has that key itself. Keys come from data (ids, locale tags): a key
 * such as "constructor" must not find something on Object.prototype.
 */
function own(map, key) {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}

// ---------------------------------------------------------------------------------------
// Building DOM

/**
 * An element. Attribute names are always literals of this file; children that are strings
 * become Text nodes (Node.append), so no content is ever parsed as HTML.
 */
function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") element.className = value;
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  const present = (child) => child !== null && child !== undefined && child !== false;
  element.append(...children.flat(Infinity).filter(present));
  return element;
}

/** The in-page route of a document: #/fr/exercise/bird-dog (never a bundle's .json path). */
function routeHref(tag, kind, id, fragment = null) {
  const parts = [tag, kind, id, fragment].filter((part) => part !== null && part !== undefined);
  return "#/" + parts.map(encodeURIComponent).join("/");
}

/** Where a media file is: an https URL as it is, or a file under the site's media/. */
function mediaUrl(src) {
  if (src.startsWith("https://")) return httpsOnly(src);
  return BASE instanceof Error ? null : new URL(`media/${src}`, BASE).href;
}

/**
 * The exercise's images and video. Alt text is the localized text of the bundle; an image
 * or video that shows a safety point is marked as such. Captions are the locale's track
 * (its language from the bundle: the source's where the locale has none reviewed yet).
 */
function mediaSection(media, formatted, page) {
  if (!media || (!media.images.length && !media.video)) return null;
  const t = page.t;
  const figures = media.images.map((image, at) => {
    const src = mediaUrl(image.src);
    return h("figure", { class: image.safety ? "safety" : "" },
      src ? h("img", { src, alt: image.alt, loading: "lazy",
                       ...langOf(page, `media.images[${at}].alt`) }) : null,
      image.safety ? h("figcaption", {}, t("safetyImage")) : null);
  });
  let video = null;
  if (media.video) {
    const v = media.video;
    const src = mediaUrl(v.src);
    const track = formatted.captions;
    video = src ? h("video", {
      controls: "", preload: "metadata", "aria-label": v.alt,
      ...(v.poster && mediaUrl(v.poster) ? { poster: mediaUrl(v.poster) } : {}),
      ...langOf(page, "media.video.alt"),
    },
      h("source", { src }),
      track && !(BASE instanceof Error)
        ? h("track", { kind: "captions", default: "", srclang: track.language,
                       label: t("captions"), src: new URL(track.src, BASE).href })
        : null) : null;
  }
  return section("media", t("media"), figures, video);
}

/** The URL if it is https, else null: the only scheme an href from content may have. */
function httpsOnly(text) {
  try {
    const url = new URL(text);
    return url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * Attributes for a field: lang of the source locale when the bundle lists the field in
 * `fallbacks` (it is shown untranslated), so screen readers and hyphenation get it right.
 */
function langOf(page, path) {
  return page.fallbacks.has(path) ? { lang: page.sourceLocale } : {};
}

// ---------------------------------------------------------------------------------------
// Rich text: { blocks: [{ type: "paragraph", spans: [{ text, marks, link }] }], plain }

const MARK_ELEMENT = { strong: "strong", em: "em" };

function sameLink(a, b) {
  if (a === null || b === null) return a === b;
  return a.kind === b.kind && a.id === b.id && a.fragment === b.fragment && a.url === b.url
    && a.reference === b.reference;
}

/** One span: its text (a newline is a line break) inside its marks, outermost first. */
function spanNode(span) {
  let node = document.createDocumentFragment();
  span.text.split("\n").forEach((line, at) => {
    if (at > 0) node.append(h("br"));
    node.append(line);
  });
  for (const mark of [...span.marks].reverse()) {
    // A mark this client does not know still shows its text, just unstyled.
    if (MARK_ELEMENT[mark]) node = h(MARK_ELEMENT[mark], {}, node);
  }
  return node;
}

/** What a link becomes: an in-page route, an external https anchor, a numbered citation
 * of the page's references, or plain text. */
function linkElement(link, page, children) {
  if (link.kind === "citation") {
    // [n] as a superscript leading to the reference, which is the n-th of the list.
    const { kind, id } = page.bundle.document;
    const href = routeHref(page.tag, kind ?? "guide", id, `ref-${link.reference}`);
    return h("sup", { class: "citation" }, h("a", { href, "aria-label":
      page.t("citation", { number: String(link.number) }) }, children));
  }
  if (link.kind === "web") {
    // Bundles only carry https URLs (the schema says so); the client checks anyway, since
    // an href is where text could turn into behaviour (javascript:, data:).
    const href = httpsOnly(link.url);
    return href
      ? h("a", { href, rel: "noopener noreferrer", target: "_blank" }, children)
      : h("span", {}, children);
  }
  // A document the locale does not have (withheld from this build) stays text: no dead link.
  if (!page.index.entry(link.kind, link.id)) return h("span", {}, children);
  return h("a", { href: routeHref(page.tag, link.kind, link.id, link.fragment) }, children);
}

/** Spans into an element; adjacent spans with an equal link become one anchor. */
function appendSpans(parent, spans, page) {
  for (let start = 0; start < spans.length;) {
    const link = spans[start].link;
    let end = start + 1;
    while (end < spans.length && sameLink(spans[end].link, link)) end += 1;
    const nodes = spans.slice(start, end).map(spanNode);
    if (link) parent.append(linkElement(link, page, nodes));
    else parent.append(...nodes);
    start = end;
  }
}

/** A rich text as paragraphs. */
function paragraphs(rich, page, attributes = {}) {
  return rich.blocks.map((block) => {
    const p = h("p", attributes);
    appendSpans(p, block.spans, page);
    return p;
  });
}

/** A rich text inside an element (a list item, a cell): one block inline, more as <p>s. */
function into(element, rich, page) {
  if (rich.blocks.length === 1) appendSpans(element, rich.blocks[0].spans, page);
  else element.append(...paragraphs(rich, page));
  return element;
}

// ---------------------------------------------------------------------------------------
// Pieces shared by the pages

/** A glossary term's localized name (the id if the bundle has no such term). */
function term(page, vocabulary, id) {
  return own(page.bundle.terms[vocabulary], id)?.name ?? id;
}

/** Items with a separator that is in the text (copied, read aloud), not only drawn by CSS. */
function joined(items, separator = " · ") {
  return items.flatMap((item, at) => (at ? [separator, item] : [item]));
}

/**
 * The dose as a line: the phrase the build wrote for the locale (`formatted.dosage`, with the
 * translators' words and the language's plural rules). An app never writes its own.
 */
function dosageLine(formatted) {
  return typeof formatted?.dosage === "string"
    ? h("p", { class: "dosage" }, formatted.dosage)
    : null;
}

/** The exercise cards of a page, in the order the document lists them. */
function exerciseCards(ids, page) {
  return h("ul", { class: "cards" }, ids.map((id) => {
    const card = own(page.bundle.cards.exercises, id);
    // No card: the exercise is not in this locale's build. Show its id, unlinked.
    if (!card) return h("li", { class: "card missing" }, h("h3", {}, id));
    const at = `cards.exercises.${id}`;
    const equipment = card.equipment.length
      ? card.equipment.map((item) => term(page, "equipment", item)).join(", ")
      : page.t("noEquipment");
    return h("li", { class: "card", "data-id": id },
      h("h3", langOf(page, `${at}.name`),
        h("a", { href: routeHref(page.tag, "exercise", id) }, card.name)),
      h("p", { class: "summary", ...langOf(page, `${at}.summary`) }, card.summary),
      h("p", { class: "meta" }, joined([
        h("span", { title: page.t("position") }, term(page, "positions", card.position)),
        h("span", { title: page.t("equipment") }, equipment)])),
      dosageLine(card.formatted));
  }));
}

/** A reviewer's card: name (linked to their page if the locale has one), credentials, role. */
function reviewerCard(id, page, tag = "div") {
  const card = own(page.bundle.cards.reviewers, id);
  if (!card) return h(tag, { class: "reviewer missing" }, id);
  const at = `cards.reviewers.${id}`;
  const name = page.index.entry("reviewer", id)
    ? h("a", { href: routeHref(page.tag, "reviewer", id) }, card.name)
    : card.name;
  return h(tag, { class: "reviewer", "data-id": id },
    h("span", { class: "name" }, name),
    card.credentials ? h("span", { class: "credentials" }, ", ", card.credentials) : null,
    h("span", { class: "role", ...langOf(page, `${at}.role`) }, card.role));
}

function section(className, heading, ...content) {
  return h("section", { class: className }, h("h2", {}, heading), content);
}

/** A notice when the bundle shows some fields in the source language. */
function fallbackNotice(page) {
  if (page.fallbacks.size === 0) return null;
  const language = languageName(page.sourceLocale, page.tag);
  return h("p", { class: "notice", role: "note" }, page.t("fallbacks", { language }));
}

function citation(reference) {
  return h("li", { "data-fragment": `ref-${reference.id}` }, ...citationParts(reference));
}

function citationParts(reference) {
  const where = [reference.journal];
  if (reference.volume) where.push(` ${reference.volume}`);
  if (reference.issue) where.push(`(${reference.issue})`);
  if (reference.pages) where.push(`:${reference.pages}`);
  const doi = reference.doi
    ? "https://doi.org/" + reference.doi.split("/").map(encodeURIComponent).join("/")
    : null;
  const url = reference.url ? httpsOnly(reference.url) : null;
  const external = (href, label) =>
    h("a", { href, rel: "noopener noreferrer", target: "_blank" }, label);
  // Citations are shown as published (never translated), so no lang is claimed for them.
  return [
    `${reference.authors.join(", ")} (${reference.year}). `,
    h("cite", {}, reference.title), ". ",
    where.join(""), ".",
    doi ? [" ", external(doi, `doi:${reference.doi}`)] : null,
    url ? [" ", external(url, new URL(url).hostname)] : null];
}

// ---------------------------------------------------------------------------------------
// Pages. Each returns { title, view }; `page` holds the locale, its index and the bundle.

// Red flags: when to stop and see a doctor. Shown before anything else on the page, as a
// list a reader cannot mistake for advice, with the role a screen reader announces first.
function redFlags(list, page, path) {
  if (!list.length) return null;
  return h("aside", { class: "red-flags", role: "alert", "aria-label": page.t("redFlags") },
    h("h2", {}, page.t("redFlags")),
    h("ul", {}, list.map((flag, at) =>
      into(h("li", langOf(page, `${path}[${at}]`)), flag, page))));
}

function guidePage(page) {
  const { document: guide, formatted } = page.bundle;
  const t = page.t;
  const view = h("article", { class: "guide" },
    redFlags(guide.red_flags, page, "red_flags"),
    h("header", {},
      h("p", { class: "kind" }, t("guide")),
      h("h1", { tabindex: "-1", ...langOf(page, "title") }, guide.title),
      h("p", { class: "lede", ...langOf(page, "summary") }, guide.summary),
      h("p", { class: "reviewed" }, t.nodes("reviewedOn", {
        // The date as the locale writes it (formatted by the build), and as ISO for machines.
        date: h("time", { datetime: guide.reviewed_on }, formatted.reviewed_on),
      }))),
    fallbackNotice(page),
    h("div", { class: "intro" }, guide.intro.map((rich, at) =>
      paragraphs(rich, page, langOf(page, `intro[${at}]`)))),
    section("exercises", t("exercises"), exerciseCards(guide.exercises, page)),
    guide.sections.map((part, at) => h("section", { class: "part", "data-fragment": part.id },
      h("h2", langOf(page, `sections[${at}].heading`), part.heading),
      part.intro ? paragraphs(part.intro, page, langOf(page, `sections[${at}].intro`)) : null,
      part.items.map((item, n) => [
        h("h3", langOf(page, `sections[${at}].items[${n}].heading`), item.heading),
        paragraphs(item.text, page, langOf(page, `sections[${at}].items[${n}].text`)),
      ]))),
    section("reviewers", t("reviewedBy"),
      h("ul", {}, guide.reviewers.map((id) => reviewerCard(id, page, "li")))),
    guide.references.length
      ? section("references", t("references"), h("ol", {}, guide.references.map(citation)))
      : null,
    h("aside", { class: "disclaimer", "aria-label": t("disclaimer"),
                 ...langOf(page, "disclaimer") }, paragraphs(guide.disclaimer, page)));
  return { title: guide.title, view };
}

function exercisePage(page) {
  const exercise = page.bundle.document;
  const t = page.t;
  const rich = (path, value, tag = "div") => into(h(tag, langOf(page, path)), value, page);
  const variations = (which, list) => list.length ? [
    h("h3", {}, t(which)),
    h("dl", {}, list.map((variation, at) => [
      h("dt", langOf(page, `${which}[${at}].name`), variation.name),
      rich(`${which}[${at}].how`, variation.how, "dd"),
    ])),
  ] : null;
  const quote = exercise.quote;
  const view = h("article", { class: "exercise" },
    redFlags(exercise.red_flags, page, "red_flags"),
    h("header", {},
      h("p", { class: "kind" }, t("exercise")),
      h("h1", { tabindex: "-1", ...langOf(page, "name") }, exercise.name),
      h("p", { class: "lede", ...langOf(page, "summary") }, exercise.summary)),
    fallbackNotice(page),
    // Cautions come first, where nobody scrolls past them.
    exercise.cautions.length
      ? h("aside", { class: "cautions", role: "note" },
          h("h2", {}, t("cautions")),
          h("ul", {}, exercise.cautions.map((caution, at) =>
            rich(`cautions[${at}]`, caution, "li"))))
      : null,
    h("dl", { class: "facts" },
      h("dt", {}, t("dosage")),
      h("dd", {}, dosageLine(page.bundle.formatted) ?? "—"),
      h("dt", {}, t("position")), h("dd", {}, term(page, "positions", exercise.position)),
      h("dt", {}, t("equipment")), h("dd", {}, exercise.equipment.length
        ? exercise.equipment.map((id) => term(page, "equipment", id)).join(", ")
        : t("noEquipment")),
      h("dt", {}, t("muscles")),
      h("dd", {}, exercise.target_muscles.map((id) => term(page, "muscles", id)).join(", "))),
    mediaSection(exercise.media, page.bundle.formatted, page),
    section("start", t("startingPosition"), rich("starting_position", exercise.starting_position)),
    section("how", t("steps"), h("ol", { class: "steps" },
      exercise.steps.map((step, at) => rich(`steps[${at}]`, step, "li")))),
    exercise.tips.length
      ? section("tips", t("tips"), h("ul", {}, exercise.tips.map((tip, at) =>
          rich(`tips[${at}]`, tip, "li"))))
      : null,
    section("why", t("whyItHelps"), rich("why_it_helps", exercise.why_it_helps)),
    exercise.easier.length || exercise.harder.length
      ? section("variations", t("variations"), variations("easier", exercise.easier),
                variations("harder", exercise.harder))
      : null,
    quote
      ? h("figure", { class: "quote" },
          h("figcaption", {}, t("quote")),
          h("blockquote", langOf(page, "quote.text"), paragraphs(quote.text, page)),
          reviewerCard(quote.reviewer, page))
      : null,
    exercise.related.length
      ? section("related", t("related"), exerciseCards(exercise.related, page))
      : null);
  return { title: exercise.name, view };
}

function reviewerPage(page) {
  const reviewer = page.bundle.document;
  const view = h("article", { class: "reviewer-page" },
    h("header", {},
      h("p", { class: "kind" }, page.t("reviewer")),
      h("h1", { tabindex: "-1" }, reviewer.name),
      h("p", { class: "lede" }, joined([reviewer.credentials, reviewer.role].filter(Boolean)))),
    fallbackNotice(page),
    reviewer.bio ? paragraphs(reviewer.bio, page, langOf(page, "bio")) : null);
  return { title: reviewer.name, view };
}

function glossaryPage(page) {
  const glossary = page.bundle.document;
  const t = page.t;
  const vocabulary = (name, label) => section("terms", t(label), h("dl", {},
    Object.entries(glossary[name]).map(([id, entry]) => [
      h("dt", { "data-fragment": id, ...langOf(page, `${name}.${id}.name`) }, entry.name),
      entry.description
        ? h("dd", langOf(page, `${name}.${id}.description`), entry.description)
        : null,
    ])));
  const view = h("article", { class: "glossary" },
    h("header", {}, h("h1", { tabindex: "-1" }, t("glossary"))),
    fallbackNotice(page),
    vocabulary("muscles", "musclesTerms"),
    vocabulary("equipment", "equipmentTerms"),
    vocabulary("positions", "positionsTerms"));
  return { title: t("glossary"), view };
}

const PAGES = {
  guide: guidePage, exercise: exercisePage, reviewer: reviewerPage, glossary: glossaryPage,
};

/** The locale's guides, from its index alone (no bundle is fetched for a list). */
function homePage(tag, index, t, sourceLocale) {
  const guides = index.documents.filter((entry) => entry.kind === "guide");
  const fellBack = (entry, field) => entry.fallbacks.includes(field) ? { lang: sourceLocale } : {};
  const view = h("article", { class: "home" },
    h("h1", { tabindex: "-1" }, t("guides")),
    h("ul", { class: "cards" }, guides.map((entry) =>
      h("li", { class: "card", "data-id": entry.id },
        h("h2", fellBack(entry, "title"),
          h("a", { href: routeHref(tag, "guide", entry.id) }, entry.title ?? entry.id)),
        entry.summary
          ? h("p", { class: "summary", ...fellBack(entry, "summary") }, entry.summary)
          : null))));
  return { title: t("guides"), view };
}

// ---------------------------------------------------------------------------------------
// Routing: #/<locale>[/<kind>/<id>[/<fragment>]]

function parseRoute(hash) {
  const parts = hash.replace(/^#\/?/, "").split("/").filter(Boolean).map((part) => {
    try {
      return decodeURIComponent(part);
    } catch {
      return part;
    }
  });
  const [tag = null, kind = null, id = null, fragment = null] = parts;
  return { tag, kind, id, fragment };
}

/** The reader's first language the build has, else the source locale. */
function preferredLocale(manifest) {
  const offered = Object.keys(manifest.locales);
  for (const wanted of navigator.languages || []) {
    const exact = offered.find((tag) => tag.toLowerCase() === wanted.toLowerCase());
    const base = offered.find((tag) => tag.toLowerCase() === wanted.split("-")[0].toLowerCase());
    if (exact || base) return exact || base;
  }
  return manifest.source_locale;
}

/** Header and footer in the page's locale; the picker offers every locale of the manifest. */
function renderChrome(manifest, tag, route, t) {
  document.documentElement.lang = tag;
  document.documentElement.dir = direction(tag);
  const home = document.getElementById("home");
  home.textContent = t("library");
  home.setAttribute("href", routeHref(tag));
  document.getElementById("picker-label").textContent = t("language");
  const picker = document.getElementById("locale");
  // The manifest lists the locales a build publishes: the source and the translated ones
  // (the pseudo-locale is written elsewhere, never here), so all of them are offered.
  picker.replaceChildren(...Object.keys(manifest.locales).map((code) =>
    h("option", { value: code, lang: code, selected: code === tag }, languageName(code, code))));
  picker.value = tag;
  picker.onchange = () => {
    // The same page in the other locale, when there is one; its route says if it is missing.
    location.hash = route.kind
      ? routeHref(picker.value, route.kind, route.id)
      : routeHref(picker.value);
  };
  const staging = manifest.locales[tag].staging
    ? h("p", { class: "notice" },
        t("staging", { language: languageName(manifest.source_locale, tag) }))
    : null;
  document.getElementById("footer").replaceChildren(
    h("p", {}, t("builtBy", { version: String(BUNDLE_VERSION), generator: manifest.generator })));
  return staging;
}

async function pageFor(route, manifest, t) {
  const { tag, kind, id } = route;
  const index = await loadIndex(manifest, tag);
  if (!kind) return homePage(tag, index, t, manifest.source_locale);
  const entry = own(PAGES, kind) && id ? index.entry(kind, id) : null;
  if (!entry) return null;
  const bundle = await load(entry.bundle);
  if (bundle.kind !== kind || bundle.id !== id) {
    throw new Error(`${entry.bundle} is not ${kind} ${id}`);
  }
  return PAGES[kind]({
    tag, t, index, bundle,
    sourceLocale: manifest.source_locale,
    fallbacks: new Set(bundle.fallbacks),
  });
}

function notFound(tag, t) {
  return {
    title: t("notFound"),
    view: h("article", {},
      h("h1", { tabindex: "-1" }, t("notFound")),
      h("p", {}, h("a", { href: routeHref(tag) }, t("allGuides")))),
  };
}

let shown = 0;  // the latest navigation; an older one that finishes late is dropped

async function show(navigated) {
  const mine = ++shown;
  const main = document.getElementById("page");
  // `data-ready` says the current route is on screen (tests and tooling wait for it).
  delete document.body.dataset.ready;
  let t = strings(document.documentElement.lang || "en");
  try {
    const manifest = await load("manifest.json");
    const route = parseRoute(location.hash);
    if (!route.tag || !own(manifest.locales, route.tag)) {
      route.tag = preferredLocale(manifest);
      route.kind = route.id = route.fragment = null;
      history.replaceState(null, "", routeHref(route.tag));
    }
    t = strings(route.tag);
    const staging = renderChrome(manifest, route.tag, route, t);
    const page = (await pageFor(route, manifest, t)) ?? notFound(route.tag, t);
    if (mine !== shown) return;
    main.replaceChildren(...[staging, page.view].filter(Boolean));
    document.title = `${page.title} · ${t("library")}`;
    const target = route.fragment
      ? [...main.querySelectorAll("[data-fragment]")]
        .find((element) => element.dataset.fragment === route.fragment)
      : null;
    if (target) target.scrollIntoView();
    else if (navigated) {
      window.scrollTo(0, 0);
      // Move focus to the new heading so a screen reader announces the page.
      main.querySelector("h1")?.focus({ preventScroll: true });
    }
    document.body.dataset.ready = "1";
  } catch (error) {
    if (mine !== shown) return;
    main.replaceChildren(h("div", { class: "error", role: "alert" },
      h("p", {}, t("failed")), h("p", {}, h("code", {}, String(error.message || error)))));
    document.body.dataset.ready = "error";
  }
}

window.addEventListener("hashchange", () => show(true));
show(false);
