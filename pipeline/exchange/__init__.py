"""Exchange with translation vendors: XLIFF files out and back in, TMX memories out and in.

Vendors work in CAT tools (Trados, memoQ, Phrase) that read XLIFF and TMX, not `.po`. This
package turns catalog entries into XLIFF units and TMX pairs, protects the Markdown markup as
inline codes so a CAT tool keeps it intact, and brings a vendor's file back into the
catalogs only through the same checks as a `.po` edit. The modules, one job each:

- `xmlsafe`: reading untrusted XML (bounded, no DTD, no entities) and writing valid XML text;
- `inline`: Markdown markup ↔ inline codes;
- `units`: which catalog entries become units, their ids, notes, limits and states;
- `xliff12`, `xliff20`: the two XLIFF versions, written and read;
- `xliff`: the export command's work (one file per document);
- `apply`: the import's work (match, check, write under the catalogs' lock);
- `tmx`: the translation memory as TMX 1.4b, out and in.
"""

# The XLIFF versions `xliff export` writes, the default first.
XLIFF_VERSIONS = ("2.0", "1.2")
