// What an app does with a build, typed against the declarations the build ships
// (build/site/types/bundles.d.ts). tests/test_client_types.py copies that file next to this
// one as bundles.d.ts and compiles both with tsc --strict --noUncheckedIndexedAccess
// --exactOptionalPropertyTypes --noEmit; nothing here is run.
import type {
  Bundle, Cards, Dosage, ExerciseBundle, GlossaryBundle, GlossaryTerm, GuideBundle, Index,
  IndexEntry, LocaleInfo, Manifest, OfflinePack, ReviewerBundle, RichText, Span, Terms,
} from "./bundles";

/** Fetches a file of the build by its path relative to the manifest, parsed. */
export type FetchJson = (path: string) => Promise<unknown>;

function version2<T>(data: unknown, what: string): T {
  const found = (data as { bundle_version?: unknown } | null)?.bundle_version;
  if (found !== 3) throw new Error(`${what}: bundle_version ${String(found)}, expected 3`);
  return data as T;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// ---- Manifest, locale, index, bundle ------------------------------------------------------

/** The first wanted locale the build has (en-CA falls back to en), else the source locale. */
export function pickLocale(manifest: Manifest, wanted: readonly string[]): [string, LocaleInfo] {
  for (const tag of [...wanted, manifest.source_locale]) {
    for (const candidate of [tag, tag.split("-")[0] ?? tag]) {
      const info = manifest.locales[candidate];
      if (info !== undefined && !info.staging) return [candidate, info];
    }
  }
  throw new Error(`the build has no locale ${manifest.source_locale}`);
}

export async function openDocument(fetchJson: FetchJson, wanted: readonly string[],
                                   id: string): Promise<string> {
  const manifest = version2<Manifest>(await fetchJson("manifest.json"), "manifest.json");
  const [, info] = pickLocale(manifest, wanted);
  const index = version2<Index>(await fetchJson(info.index), info.index);
  const entry: IndexEntry | undefined = index.documents.find((d) => d.id === id);
  if (entry === undefined) return `<p>Not found: ${escapeHtml(id)}</p>`;
  if (manifest.files[entry.bundle]?.sha256 !== entry.sha256) throw new Error("stale index");
  return renderPage(version2<Bundle>(await fetchJson(entry.bundle), entry.bundle));
}

/** The same page from an offline pack (bundles by document id). */
export function openOffline(pack: OfflinePack, id: string): string | undefined {
  const bundle = pack.bundles[id];
  return bundle === undefined ? undefined : renderPage(bundle);
}

export function renderList(index: Index): string {
  const items = index.documents.map((d) =>
    `<li><a href="/${d.kind}/${escapeHtml(d.id)}">${escapeHtml(d.title ?? d.id)}</a>` +
    (d.summary === null ? "" : ` ${escapeHtml(d.summary)}`) +
    (d.translated_percent < 100 ? ` (${Math.round(d.translated_percent)} %)` : "") + "</li>");
  return `<ul lang="${escapeHtml(index.locale)}">${items.join("")}</ul>`;
}

// ---- Rich text ----------------------------------------------------------------------------

type Link = NonNullable<Span["link"]>;

function href(link: Link): string {
  if (link.kind === "web") return link.url;
  if (link.kind === "citation") return `#ref-${link.reference}`;
  return `/${link.kind}/${link.id}${link.fragment === null ? "" : `#${link.fragment}`}`;
}

function sameLink(a: Span["link"], b: Span["link"]): boolean {
  return a === b || (a !== null && b !== null && href(a) === href(b));
}

/** Escaped text in its marks (outermost first); adjacent spans with one link are one anchor. */
export function renderRichText(r: RichText): string {
  return r.blocks.map((block) => {
    let html = "";
    let open: Span["link"] = null;
    for (const span of block.spans) {
      if (!sameLink(open, span.link)) {
        if (open !== null) html += "</a>";
        if (span.link !== null) html += `<a href="${escapeHtml(href(span.link))}">`;
        open = span.link;
      }
      let text = escapeHtml(span.text).replace(/\n/g, "<br>");
      for (const mark of [...span.marks].reverse()) text = `<${mark}>${text}</${mark}>`;
      html += text;
    }
    return `<p>${html}${open === null ? "" : "</a>"}</p>`;
  }).join("");
}

// ---- Pages --------------------------------------------------------------------------------

function term(terms: Terms, vocabulary: keyof Terms, id: string): string {
  return escapeHtml(terms[vocabulary][id]?.name ?? id);
}

function dosage(d: Dosage | null): string {
  if (d === null) return "";
  const parts = [d.sets === null ? "" : `${d.sets} ×`, d.reps === null ? "" : `${d.reps}`,
                 d.hold_seconds === null ? "" : `${d.hold_seconds} s`, d.per_side ? "/side" : ""];
  return parts.filter((p) => p !== "").join(" ");
}

function exerciseCard(cards: Cards, terms: Terms, id: string): string {
  const card = cards.exercises[id];
  if (card === undefined) return `<li>${escapeHtml(id)}</li>`;
  return `<li><a href="/exercise/${escapeHtml(card.id)}">${escapeHtml(card.name)}</a> ` +
    `${escapeHtml(card.summary)} ${term(terms, "positions", card.position)} ` +
    `${card.equipment.map((e) => term(terms, "equipment", e)).join(", ")} ` +
    `${dosage(card.dosage)}</li>`;
}

function reviewerCard(cards: Cards, id: string): string {
  const card = cards.reviewers[id];
  return card === undefined ? escapeHtml(id)
    : `${escapeHtml(card.name)}, ${escapeHtml(card.credentials)} (${escapeHtml(card.role)})`;
}

function fallbackNotice(bundle: Bundle): string {
  return bundle.fallbacks.length === 0 ? ""
    : `<aside>Shown in English: ${escapeHtml(bundle.fallbacks.join(", "))}</aside>`;
}

function exercisePage({ document: doc, cards, terms }: ExerciseBundle): string {
  const list = (texts: RichText[]) => texts.map((t) => `<li>${renderRichText(t)}</li>`).join("");
  return `<h1>${escapeHtml(doc.name)}</h1><p>${escapeHtml(doc.summary)}</p>` +
    `<p>${term(terms, "positions", doc.position)} · ${dosage(doc.dosage)}</p>` +
    `<p>${doc.target_muscles.map((m) => term(terms, "muscles", m)).join(", ")}</p>` +
    renderRichText(doc.starting_position) + `<ol>${list(doc.steps)}</ol>` +
    renderRichText(doc.why_it_helps) + `<ul>${list(doc.tips)}${list(doc.cautions)}</ul>` +
    [...doc.easier, ...doc.harder].map((v) => `<h3>${escapeHtml(v.name)}</h3>` +
      renderRichText(v.how)).join("") +
    (doc.quote === null ? "" : `<blockquote>${renderRichText(doc.quote.text)}` +
      `<cite>${reviewerCard(cards, doc.quote.reviewer)}</cite></blockquote>`) +
    `<ul>${doc.related.map((id) => exerciseCard(cards, terms, id)).join("")}</ul>`;
}

function guidePage({ document: doc, cards, terms, formatted }: GuideBundle): string {
  return `<h1>${escapeHtml(doc.title)}</h1>` +
    `<p>${escapeHtml(formatted.reviewed_on)}: ` +
    `${doc.reviewers.map((id) => reviewerCard(cards, id)).join("; ")}</p>` +
    doc.intro.map(renderRichText).join("") +
    `<ol>${doc.exercises.map((id) => exerciseCard(cards, terms, id)).join("")}</ol>` +
    doc.sections.map((s) => `<h2 id="${escapeHtml(s.id)}">${escapeHtml(s.heading)}</h2>` +
      (s.intro === null ? "" : renderRichText(s.intro)) +
      s.items.map((i) => `<h3>${escapeHtml(i.heading)}</h3>${renderRichText(i.text)}`).join(""))
      .join("") +
    `<ol>${doc.references.map((r) => `<li id="ref-${escapeHtml(r.id)}">${escapeHtml(r.authors.join(", "))} (${r.year}). ` +
      `${escapeHtml(r.title)}. ${escapeHtml(r.journal)}` +
      (r.doi === null ? "" : ` doi:${escapeHtml(r.doi)}`) + "</li>").join("")}</ol>` +
    renderRichText(doc.disclaimer);
}

function reviewerPage({ document: doc }: ReviewerBundle): string {
  return `<h1>${escapeHtml(doc.name)}, ${escapeHtml(doc.credentials)}</h1>` +
    `<p>${escapeHtml(doc.role)}</p>${doc.bio === null ? "" : renderRichText(doc.bio)}`;
}

function glossaryPage({ document: doc }: GlossaryBundle): string {
  const terms = (group: { [id: string]: GlossaryTerm | undefined }) =>
    Object.entries(group).map(([id, t]) => t === undefined ? "" :
      `<dt id="${escapeHtml(id)}">${escapeHtml(t.name)}</dt>` +
      `<dd>${escapeHtml(t.description ?? "")}</dd>`).join("");
  return `<dl>${terms(doc.muscles)}${terms(doc.equipment)}${terms(doc.positions)}</dl>`;
}

export function renderPage(bundle: Bundle): string {
  const notice = fallbackNotice(bundle);
  switch (bundle.kind) {
    case "exercise": return notice + exercisePage(bundle);
    case "guide": return notice + guidePage(bundle);
    case "reviewer": return notice + reviewerPage(bundle);
    case "glossary": return notice + glossaryPage(bundle);
    default: {
      const never: never = bundle;
      throw new Error(`unknown bundle kind in ${JSON.stringify(never)}`);
    }
  }
}
