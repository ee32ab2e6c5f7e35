"""The stable diagnostic codes: one registry shared by every command, the README and the tests.

A code never changes meaning once released. The letter is the default severity (E error,
W warning); a project may raise, lower or silence any code in `[tool.pipeline.severity]`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "off"]


@dataclass(frozen=True)
class Code:
    code: str
    name: str
    summary: str

    @property
    def default_severity(self) -> Severity:
        return "error" if self.code.startswith("E") else "warning"


_ALL = [
    # Reading source files (E0xx)
    Code("E001", "unreadable", "A source file cannot be read, is not a regular file, is not valid UTF-8 or holds a character YAML refuses (NUL, other control characters)."),
    Code("E002", "yaml-syntax", "The file is not valid YAML."),
    Code("E003", "duplicate-key", "A mapping repeats a key; YAML would silently keep the last one."),
    Code("E004", "tab-indent", "A tab character is used for indentation."),
    Code("E005", "yaml-alias", "Anchors, aliases and custom tags are not allowed in content."),
    Code("E006", "empty-file", "The file holds no document."),
    Code("E007", "file-too-large", "The file is larger than its limit: `max_file_bytes`, or 10 MB for a catalog."),
    Code("E008", "unknown-kind", "`kind` is missing or is not exercise, guide, reviewer or glossary."),
    Code("E009", "id-filename", "The document id differs from the file name."),
    Code("E010", "not-a-mapping", "The document (or a field) must be a mapping of keys to values."),
    Code("E011", "unsafe-path", "A file or folder is a link leading outside source/ or locales/."),
    Code("W012", "schema-comment", "The first line does not name the editor schema for this kind."),
    Code("E013", "file-system", "A file or folder cannot be read, written or locked: disk full, read-only file system, permission denied, not a regular file."),
    # Model validation (E1xx)
    Code("E101", "missing-field", "A required field is missing."),
    Code("E102", "unknown-field", "A field is not part of the model (often a typo)."),
    Code("E103", "wrong-type", "A value has the wrong type (text, number, list, mapping, date)."),
    Code("E104", "too-long", "A text or list is longer than the model allows."),
    Code("E105", "too-short", "A text or list is shorter than the model allows."),
    Code("E106", "bad-id", "An id is not lowercase kebab-case (a-z, 0-9, single hyphens)."),
    Code("E107", "bad-doi", "A DOI does not look like 10.NNNN/suffix."),
    Code("E108", "bad-url", "A URL is not an https:// address."),
    Code("E109", "bad-value", "A value is not one of the allowed choices or out of range."),
    Code("E110", "invalid", "Any other model rule is broken (control or bidi characters in a text, for one)."),
    # Cross-document rules (E2xx)
    Code("E201", "duplicate-id", "Two documents, or two glossary terms, share one id."),
    Code("E202", "unknown-exercise", "A guide or related link names an exercise that does not exist."),
    Code("E203", "unknown-reviewer", "A quote or guide names a reviewer who does not exist."),
    Code("E204", "unknown-term", "A muscle, equipment or position id is not in the glossary."),
    Code("E205", "self-reference", "An exercise lists itself as related."),
    Code("E206", "missing-glossary", "The source folder has no glossary document."),
    Code("E207", "broken-link", "A relative link points to a content file that does not exist."),
    Code("E208", "reserved-id", "A document id names a file the build writes beside the bundles (`index`)."),
    Code("E209", "unknown-citation", "A citation marker `[@id]` names no reference of the guide (an exercise lists none, so it cites none)."),
    Code("E210", "uncited-reference", "A guide's reference backs no statement: no `[@id]` marker in the guide names it."),
    Code("E211", "bad-media", "An image or video is not a lowercase path under media/ with a type clients show (.jpg .png .webp .avif, .mp4 .webm) nor an https:// URL; or its file is missing, not a regular file, leads outside media/, is larger than `max_media_bytes`, or holds another type than its name says."),
    # Content lint (E3xx / W3xx)
    Code("E301", "wrong-language", "Text in an English field reads as another language."),
    Code("E302", "empty-text", "A text is empty or only white space."),
    Code("W303", "spacing", "Leading, trailing or doubled spaces."),
    Code("W304", "end-punctuation", "A step, tip or caution does not end with . ! or ?"),
    Code("E305", "duplicate-step", "The same step appears twice in one exercise."),
    Code("W306", "numbered-step", "A step starts with its own number; the list already numbers it."),
    Code("E307", "raw-html", "Text contains raw HTML; only a small Markdown subset is allowed."),
    Code("E308", "image", "Text contains an image; images are not part of text fields."),
    Code("E309", "unsafe-link", "A link target is not https:// or a relative content path."),
    Code("E310", "unsupported-markup", "Markdown beyond emphasis, strong and links (headings, lists, code…)."),
    Code("E311", "markup-in-plain", "Markup in a field that is shown as plain text."),
    Code("W312", "spelling", "A word is not in the language's Hunspell dictionary, the project's word list, the glossary or the reviewers' names (in English text and in translations); suggestions are given."),
    Code("W313", "reading-level", "A document reads above the target school grade (`reading_grade`, default 8): Flesch–Kincaid for English, Kandel–Moles for French."),
    Code("W314", "review-overdue", "A guide's `reviewed_on` is older than `review_max_age_months` (default 24)."),
    # Catalogs (E4xx / W4xx)
    Code("E401", "po-syntax", "A .po or .pot file cannot be parsed: a malformed string, an escape GNU gettext does not know, NUL or EOT, or a plural entry that is not whole: msgstr[N] without msgid_plural (or with an empty one), forms not numbered 0, 1, 2… in order, or not as many forms as the Plural-Forms header's nplurals."),
    Code("E402", "po-charset", "A catalog is not declared and encoded as UTF-8."),
    Code("E403", "po-duplicate", "A catalog has the same msgctxt and msgid twice."),
    Code("E404", "po-language", "The Language header disagrees with the catalog's folder."),
    Code("E405", "po-plural-forms", "Plural-Forms is not a gettext rule, or disagrees with CLDR for the locale."),
    Code("E406", "stale-template", "A template differs from what `extract` writes now."),
    Code("E407", "stale-catalog", "A locale's catalog is not merged with the current template."),
    Code("E408", "missing-catalog", "A locale has no catalog for a template."),
    Code("E409", "unknown-locale", "A locale code is not known to CLDR."),
    Code("E410", "stale-schema", "A committed editor schema differs from the models."),
    Code("E411", "locked", "Another run is updating the catalogs or writing the build."),
    Code("W412", "journal-discarded", "An interrupted update's record no longer matches the catalogs on disk; nothing it held was written."),
    Code("E413", "changed-during-run", "A file changed while the run was reading it; what was checked would not be what ships. Run again."),
    Code("E420", "captions-syntax", "A WebVTT captions file is not valid WebVTT: no `WEBVTT` line, a malformed cue timing, cue tags or settings (captions are plain text), or not UTF-8."),
    Code("E421", "captions-timing", "A cue ends before it starts, starts before the cue before it, or runs past the video's `duration_seconds`."),
    Code("E422", "captions-empty-cue", "A cue has no text."),
    Code("E423", "captions-cue-count", "A translation's captions have another number of cues than the English, or cues at other times."),
    Code("E424", "missing-captions", "A video's captions file is missing: the English in source/captions/, or a required locale's in locales/<locale>/captions/ (an optional locale shows the English captions, or leaves the exercise out when the video is safety-critical)."),
    # Translation checks (E5xx / W5xx)
    Code("E501", "untranslated", "An entry has no translation. In an optional locale, one warning per catalog counts them (`--verbose` lists each)."),
    Code("E502", "fuzzy", "An entry is marked fuzzy and needs review. In an optional locale, one warning per catalog counts them (`--verbose` lists each)."),
    Code("W503", "obsolete", "A catalog keeps obsolete entries."),
    Code("E504", "empty-translation", "A translation is empty while the source is not."),
    Code("E505", "markup-parity", "Links, emphasis, strong or citation markers (`[@id]`) differ from the source."),
    Code("E506", "number-parity", "A number in the source is missing from the translation."),
    Code("W507", "whitespace-parity", "Leading/trailing white space or line breaks differ from the source."),
    Code("W508", "end-punctuation-parity", "The ending punctuation differs from the source."),
    Code("W509", "same-as-source", "The translation is identical to the English."),
    Code("E510", "translation-too-long", "The translation exceeds the field's max length."),
    Code("W511", "length-ratio", "The translation is far shorter or longer than the source."),
    Code("W512", "glossary-term", "A glossary term in the source is not rendered with its translation."),
    Code("E513", "translation-language", "The translation is not in the catalog's language."),
    Code("E514", "fr-typography", "French typography: no-break spaces before ; : ! ? and inside « », no straight quotes."),
    Code("E515", "unsafe-translation", "Raw HTML or tag-like text, scripts, images, block Markdown, unsafe links, or links, addresses or titles not in the source."),
    Code("E516", "control-chars", "Invisible, direction-changing or control characters, line separators or stacked combining marks in a translation."),
    Code("E517", "doi-url-parity", "A DOI or URL in the source is missing or altered."),
    Code("E518", "placeholder-parity", "A translation (each form of a plural entry) does not use exactly the `{name}` placeholders of the English, or has an unmatched brace, in an entry flagged python-brace-format."),
    Code("E519", "dose-parity", "A dose changed in translation: a number's unit dropped or changed (`180°` → `180`, seconds → minutes), a range changed, or a quantity converted to a different amount."),
    Code("W520", "doubled-word", "A word is written twice in a row (`le le`), where the English does not repeat it."),
    Code("W521", "initial-capital", "The translation starts with a lowercase letter where the English starts with a capital."),
    Code("W522", "acronym", "An acronym of the English (`BMI`, `ACL`) is missing from the translation, and no local acronym or glossary translation stands for it."),
    Code("W523", "bracket-parity", "Brackets or quotation marks are unbalanced, or fewer than in the English."),
    Code("W524", "sentence-count", "The translation has a different number of sentences than the English (one dropped, or two run together)."),
    Code("W525", "double-space", "Two spaces in a row inside the translation."),
    Code("W526", "inconsistent-translation", "The same English is translated two ways in one locale; one approved translation per English string."),
    Code("W527", "formality", "The translation addresses the reader in the locale's informal form (French: tu, toi, ton, ta, tes) where the project uses the formal one."),
    Code("W530", "suppression", "A suppression (`ignore-<code or name>`) suppresses nothing, names no known check, cannot silence that check, or gives no reason."),
    # Build (E6xx)
    Code("E601", "bundle-invalid", "A localized document breaks the model once translated."),
    Code("E602", "unsafe-output", "An output folder is inside source/ or locales/, or is a folder the tool did not create; refused."),
    Code("W603", "withheld", "A document is left out of an optional locale (its bundle, index entry, offline pack and the cards that list it): a safety-critical text of it has no reviewed translation."),
    # Exchange with translation vendors: XLIFF and TMX (E7xx / W7xx)
    Code("E701", "exchange-xml", "An XLIFF or TMX file is not well-formed XML; nothing from the import is written."),
    Code("E702", "exchange-unsafe-xml", "An XLIFF or TMX file declares a document type (DTD, entities, external references); refused before anything in it is expanded or fetched."),
    Code("E703", "exchange-too-large", "An XLIFF or TMX file is larger than the limit (20 MB for XLIFF, 100 MB for TMX); refused from its size."),
    Code("E704", "exchange-structure", "A file is not the XLIFF or TMX expected (root, version, languages, a document or locale with no catalogs), or a unit lacks an id, a source or a known state."),
    Code("W705", "stale-unit", "A unit's English is no longer the catalog entry's (changed or removed since the export); the unit is skipped."),
    Code("W706", "unknown-document", "A file's units belong to a document that has no catalog in the locale (deleted or renamed); they are skipped."),
    Code("E707", "duplicate-unit", "The same unit appears more than once in one import; none of its copies is applied."),
    Code("E708", "inline-codes", "A target's inline codes do not match its source's: an unknown code, one used twice, or a pair closed before it opens or never closed."),
    Code("E709", "unit-refused", "A unit's target has findings the translation checks refuse; it was not applied."),
]

CODES: dict[str, Code] = {c.code: c for c in _ALL}
BY_NAME: dict[str, Code] = {c.name: c for c in _ALL}
