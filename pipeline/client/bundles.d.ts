/* Generated from the pipeline's client models by `make types`; do not edit. */

export type Bundle = ExerciseBundle | GuideBundle | ReviewerBundle | GlossaryBundle;

/**
 * Every kind of file a client fetches, in one schema: the TypeScript declarations are
 * made from it, so each type is declared once under one name.
 */
export interface ClientFiles {
  bundle: Bundle;
  index: Index;
  manifest: Manifest;
  offline: OfflinePack;
}
/**
 * What a client receives for one exercise in one locale.
 */
export interface ExerciseBundle {
  /**
   * Changes when a client written for the previous version could misread the bundle.
   */
  bundle_version: 3;
  cards: Cards;
  document: Exercise;
  /**
   * Fields shown in English because no reviewed translation exists.
   */
  fallbacks: string[];
  formatted: ExerciseFormatted;
  id: string;
  kind: "exercise";
  /**
   * BCP 47 tag, e.g. 'fr'.
   */
  locale: string;
  terms: Terms;
}
/**
 * Cards of the documents a bundle's page shows, by id.
 */
export interface Cards {
  exercises: {
    [k: string]: ExerciseCard | undefined;
  };
  reviewers: {
    [k: string]: ReviewerCard | undefined;
  };
}
/**
 * What a page shows of an exercise it lists or links to.
 */
export interface ExerciseCard {
  /**
   * How much to do.
   */
  dosage: Dosage | null;
  /**
   * What is needed, if anything.
   */
  equipment: string[];
  formatted: ExerciseFormatted;
  id: string;
  /**
   * The exercise's name, as shown in headings and lists.
   */
  name: string;
  /**
   * The starting position, from the glossary.
   */
  position: string;
  /**
   * One line under the name saying what it is.
   */
  summary: string;
}
export interface Dosage {
  /**
   * Seconds to hold.
   */
  hold_seconds: number | null;
  /**
   * Whether the dosage applies to each side.
   */
  per_side: boolean;
  /**
   * Repetitions per set.
   */
  reps: number | null;
  /**
   * Number of sets.
   */
  sets: number | null;
}
/**
 * Values written out for the locale.
 */
export interface ExerciseFormatted {
  /**
   * The captions of the exercise's video; null without a video or captions.
   */
  captions: CaptionTrack | null;
  /**
   * The dose as one phrase in the locale, e.g. '3 séries de 8 répétitions de chaque côté'; null without a dose (or without the glossary's dosage phrases).
   */
  dosage: string | null;
}
/**
 * A video's captions as a WebVTT file of the build (a `<track>` for web players).
 */
export interface CaptionTrack {
  /**
   * The language of its text (BCP 47): the locale's, or the source's where the locale has no reviewed captions yet (then `media.video.captions` is among the bundle's fallbacks).
   */
  language: string;
  /**
   * The file, from the site's root: <locale>/captions/<id>.vtt.
   */
  src: string;
}
/**
 * What a page shows of a reviewer it names.
 */
export interface ReviewerCard {
  /**
   * Degrees and licences, e.g. 'PT, DPT'.
   */
  credentials: string;
  id: string;
  /**
   * Full name, as the person writes it.
   */
  name: string;
  /**
   * The reviewer's job title.
   */
  role: string;
}
export interface Exercise {
  /**
   * A safety warning.
   */
  cautions: RichText[];
  /**
   * How much to do.
   */
  dosage: Dosage | null;
  /**
   * An easier version.
   */
  easier: Variation[];
  /**
   * What is needed, if anything.
   */
  equipment: string[];
  /**
   * A harder version.
   */
  harder: Variation[];
  id: string;
  kind: "exercise";
  /**
   * Images and a video of the exercise.
   */
  media: Media | null;
  /**
   * The exercise's name, as shown in headings and lists.
   */
  name: string;
  /**
   * The starting position, from the glossary.
   */
  position: string;
  /**
   * An expert quote about the exercise.
   */
  quote: Quote | null;
  /**
   * A sign to stop the exercise and see a doctor.
   */
  red_flags: RichText[];
  /**
   * Other exercises to try.
   */
  related: string[];
  starting_position: RichText;
  /**
   * One instruction the reader follows, in order.
   *
   * @minItems 2
   * @maxItems 12
   */
  steps: RichText[];
  /**
   * One line under the name saying what it is.
   */
  summary: string;
  /**
   * Muscles worked.
   *
   * @minItems 1
   */
  target_muscles: string[];
  /**
   * A tip for doing it well.
   */
  tips: RichText[];
  why_it_helps: RichText;
}
/**
 * A text that may carry emphasis and links, as blocks of spans.
 */
export interface RichText {
  /**
   * @minItems 1
   */
  blocks: Block[];
  /**
   * The same text without marks or links, for search, previews and accessibility labels.
   */
  plain: string;
}
export interface Block {
  /**
   * @minItems 1
   */
  spans: Span[];
  type: "paragraph";
}
/**
 * A run of text with the same marks and link.
 */
export interface Span {
  /**
   * Where the span links to, if it is (part of) a link; adjacent spans with an equal link are one.
   */
  link: (DocumentLink | WebLink | CitationLink) | null;
  /**
   * Emphasis to apply, outermost first.
   */
  marks: ("strong" | "em")[];
  /**
   * Plain text, never HTML; a newline is a line break.
   */
  text: string;
}
/**
 * A link to another document of the library, in the same locale.
 */
export interface DocumentLink {
  /**
   * A place inside the linked document, if any.
   */
  fragment: string | null;
  /**
   * The linked document's id: its bundle is <locale>/<id>.json.
   */
  id: string;
  /**
   * The kind of the linked document.
   */
  kind: "exercise" | "guide" | "reviewer" | "glossary";
}
/**
 * A link to a page outside the library; always https.
 */
export interface WebLink {
  kind: "web";
  /**
   * An https:// URL.
   */
  url: string;
}
/**
 * A citation marker: the span's text is the reference's number (`[3]`), and the
 * reference is the guide's `references` entry with this id, number `number` in its list.
 */
export interface CitationLink {
  kind: "citation";
  /**
   * Its place in the references list, from 1.
   */
  number: number;
  /**
   * The id of the cited entry of the guide's references.
   */
  reference: string;
}
export interface Variation {
  how: RichText;
  /**
   * Name of an easier or harder version of the exercise.
   */
  name: string;
}
export interface Media {
  /**
   * A still image.
   *
   * @maxItems 8
   */
  images: Image[];
  /**
   * A demonstration video.
   */
  video: Video | null;
}
export interface Image {
  /**
   * What the image shows, for readers who cannot see it.
   */
  alt: string;
  /**
   * The image shows a safety point (a mistake to avoid, when to stop): its alt text is safety-critical.
   */
  safety: boolean;
  /**
   * A file under media/ (e.g. 'glute-bridge/start.webp') or an https:// URL.
   */
  src: string;
}
export interface Video {
  /**
   * What the video shows, for readers who cannot see it.
   */
  alt: string;
  /**
   * Its captions: source/captions/<id>.vtt in English, and locales/<locale>/captions/<id>.vtt in each language.
   */
  captions: string | null;
  /**
   * How long it runs, in seconds; no caption may run past it.
   */
  duration_seconds: number;
  /**
   * The image shown before it plays.
   */
  poster: string | null;
  /**
   * The video demonstrates a safety point: its alt text and its captions are safety-critical.
   */
  safety: boolean;
  /**
   * A .mp4 or .webm file under media/, or an https:// URL.
   */
  src: string;
}
export interface Quote {
  /**
   * Id of the reviewer who said it.
   */
  reviewer: string;
  text: RichText;
}
/**
 * Localized glossary terms, by vocabulary and id.
 */
export interface Terms {
  equipment: {
    [k: string]: LocalizedTerm | undefined;
  };
  muscles: {
    [k: string]: LocalizedTerm | undefined;
  };
  positions: {
    [k: string]: LocalizedTerm | undefined;
  };
}
/**
 * A glossary term's display name and definition in the bundle's locale.
 */
export interface LocalizedTerm {
  description: string | null;
  name: string;
}
/**
 * What a client receives for one guide in one locale.
 */
export interface GuideBundle {
  /**
   * Changes when a client written for the previous version could misread the bundle.
   */
  bundle_version: 3;
  cards: Cards;
  document: Guide;
  /**
   * Fields shown in English because no reviewed translation exists.
   */
  fallbacks: string[];
  formatted: GuideFormatted;
  id: string;
  kind: "guide";
  /**
   * BCP 47 tag, e.g. 'fr'.
   */
  locale: string;
  terms: Terms;
}
export interface Guide {
  disclaimer: RichText;
  /**
   * Exercises, in order.
   *
   * @minItems 1
   */
  exercises: string[];
  id: string;
  /**
   * An introductory paragraph.
   *
   * @minItems 1
   */
  intro: RichText[];
  kind: "guide";
  /**
   * When to stop and see a doctor, shown before anything else.
   */
  red_flags: RichText[];
  references: Reference[];
  /**
   * When the guide was last reviewed.
   */
  reviewed_on: string;
  /**
   * Who reviewed the guide.
   */
  reviewers: string[];
  /**
   * A section after the exercises.
   */
  sections: Section[];
  /**
   * One or two lines shown in lists and previews.
   */
  summary: string;
  /**
   * The guide's title.
   */
  title: string;
}
/**
 * A cited publication. Citation data is shown as published, never translated. The
 * guide's texts cite it as `[@id]` after the statement it supports.
 */
export interface Reference {
  /**
   * @minItems 1
   */
  authors: string[];
  doi: string | null;
  /**
   * How the guide's texts cite it: [@id] after the statement.
   */
  id: string;
  issue: string | null;
  journal: string;
  pages: string | null;
  title: string;
  url: string | null;
  volume: string | null;
  year: number;
}
export interface Section {
  /**
   * The heading of a section of the guide.
   */
  heading: string;
  id: string;
  /**
   * Text before the section's items.
   */
  intro: RichText | null;
  /**
   * A headed paragraph.
   *
   * @minItems 1
   */
  items: HeadedParagraph[];
}
export interface HeadedParagraph {
  /**
   * A short heading over one paragraph.
   */
  heading: string;
  text: RichText;
}
/**
 * Values written out for the locale.
 */
export interface GuideFormatted {
  /**
   * The review date, as the locale writes dates.
   */
  reviewed_on: string;
}
/**
 * What a client receives for one reviewer in one locale.
 */
export interface ReviewerBundle {
  /**
   * Changes when a client written for the previous version could misread the bundle.
   */
  bundle_version: 3;
  cards: Cards;
  document: Reviewer;
  /**
   * Fields shown in English because no reviewed translation exists.
   */
  fallbacks: string[];
  formatted: NothingFormatted;
  id: string;
  kind: "reviewer";
  /**
   * BCP 47 tag, e.g. 'fr'.
   */
  locale: string;
  terms: Terms;
}
export interface Reviewer {
  /**
   * One sentence about the reviewer.
   */
  bio: RichText | null;
  /**
   * Degrees and licences, e.g. 'PT, DPT'.
   */
  credentials: string;
  id: string;
  kind: "reviewer";
  /**
   * Full name, as the person writes it.
   */
  name: string;
  /**
   * The reviewer's job title.
   */
  role: string;
}
/**
 * No value of this kind is formatted.
 */
export interface NothingFormatted {}
/**
 * What a client receives for one glossary in one locale.
 */
export interface GlossaryBundle {
  /**
   * Changes when a client written for the previous version could misread the bundle.
   */
  bundle_version: 3;
  cards: Cards;
  document: Glossary;
  /**
   * Fields shown in English because no reviewed translation exists.
   */
  fallbacks: string[];
  formatted: NothingFormatted;
  id: string;
  kind: "glossary";
  /**
   * BCP 47 tag, e.g. 'fr'.
   */
  locale: string;
  terms: Terms;
}
export interface Glossary {
  /**
   * Equipment, by id.
   */
  equipment: {
    [k: string]: GlossaryTerm | undefined;
  };
  id: "glossary";
  kind: "glossary";
  /**
   * Muscles, by id.
   */
  muscles: {
    [k: string]: GlossaryTerm | undefined;
  };
  /**
   * Starting positions, by id.
   */
  positions: {
    [k: string]: GlossaryTerm | undefined;
  };
}
/**
 * This interface was referenced by `undefined`'s JSON-Schema definition
 * via the `patternProperty` "^[a-z0-9]+(-[a-z0-9]+)*$".
 *
 * This interface was referenced by `undefined`'s JSON-Schema definition
 * via the `patternProperty` "^[a-z0-9]+(-[a-z0-9]+)*$".
 *
 * This interface was referenced by `undefined`'s JSON-Schema definition
 * via the `patternProperty` "^[a-z0-9]+(-[a-z0-9]+)*$".
 */
export interface GlossaryTerm {
  /**
   * A plain-language definition.
   */
  description: string | null;
  /**
   * The display name of a controlled-vocabulary term.
   */
  name: string;
}
/**
 * Every document of one locale.
 */
export interface Index {
  bundle_version: 3;
  documents: IndexEntry[];
  locale: string;
}
/**
 * One document of a locale, as a list page or a search needs it.
 */
export interface IndexEntry {
  /**
   * The bundle's path, relative to the manifest's folder.
   */
  bundle: string;
  bytes: number;
  /**
   * Fields of the document shown in English (its bundle's `fallbacks` also lists its cards').
   */
  fallbacks: string[];
  id: string;
  kind: "guide" | "exercise" | "reviewer" | "glossary";
  sha256: string;
  /**
   * The localized summary, as plain text.
   */
  summary: string | null;
  /**
   * The localized title or name; null for the glossary.
   */
  title: string | null;
  /**
   * Share of the page's texts shown in the locale (100 in the source locale).
   */
  translated_percent: number;
}
/**
 * The build: its locales (the ones to offer in a locale picker) and every file.
 */
export interface Manifest {
  bundle_version: 3;
  /**
   * Every file beside the manifest, by path.
   */
  files: {
    [k: string]: FileInfo | undefined;
  };
  generator: string;
  locales: {
    [k: string]: LocaleInfo | undefined;
  };
  source_locale: string;
  source_revision: string | null;
}
export interface FileInfo {
  bytes: number;
  sha256: string;
}
/**
 * What the build holds for one locale.
 */
export interface LocaleInfo {
  bundles: number;
  complete_percent: number;
  fallback_percent: number;
  /**
   * The locale's index, relative to the manifest.
   */
  index: string;
  /**
   * The locale's offline pack, relative to the manifest.
   */
  offline: string;
  policy: "source" | "required" | "optional";
  /**
   * True when this required locale was built with English standing in for missing translations (a staging build); never true in a production build.
   */
  staging: boolean;
  /**
   * Documents this (optional) locale leaves out, by id, with the reason: a safety-critical text of theirs has no reviewed translation. They are in no index, pack or card list of the locale.
   */
  withheld: {
    [k: string]: string | undefined;
  };
}
/**
 * Every bundle of one locale and its index in one file, for apps that work offline.
 */
export interface OfflinePack {
  bundle_version: 3;
  bundles: {
    [k: string]: ExerciseBundle | GuideBundle | ReviewerBundle | GlossaryBundle | undefined;
  };
  index: Index;
  locale: string;
}
