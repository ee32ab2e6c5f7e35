"""A deterministic synthetic content library for the bench: source, French catalogs, edits.

`generate` writes a project (pyproject.toml with a `[tool.pipeline]` table, source/ with a
glossary, reviewers, exercises and guides) whose documents are valid against the models and
whose French passes the translation checks. `translate` fills the French catalogs (90 %
translated); `apply_edits` then changes the English as writers do between two updates.
Everything depends only on the seed.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polib

from pipeline.gettext.pofiles import read_catalog, render_catalog

from . import texts
from .texts import Text

SIZES = {"small": 200, "medium": 2000, "large": 10000}
LOCALE = "fr"

# Glossary terms with their French names; ids are what exercises refer to.
MUSCLES: dict[str, tuple[Text, Text]] = {
    "gluteus-maximus": (Text("Gluteus maximus", "Grand fessier"),
                        Text("The largest muscle of the buttock, which extends the hip.",
                             "Le plus grand muscle de la fesse, qui étend la hanche.")),
    "gluteus-medius": (Text("Gluteus medius", "Moyen fessier"),
                       Text("A muscle on the outer side of the hip that keeps the pelvis level.",
                            "Un muscle sur le côté de la hanche qui garde le bassin horizontal.")),
    "quadriceps": (Text("Quadriceps", "Quadriceps"),
                   Text("The four muscles at the front of the thigh that straighten the knee.",
                        "Les quatre muscles à l’avant de la cuisse qui tendent le genou.")),
    "hamstrings": (Text("Hamstrings", "Ischio-jambiers"),
                   Text("The muscles at the back of the thigh that bend the knee.",
                        "Les muscles à l’arrière de la cuisse qui plient le genou.")),
    "calves": (Text("Calf muscles", "Muscles du mollet"),
               Text("The muscles at the back of the lower leg that lift the heel.",
                    "Les muscles à l’arrière de la jambe qui soulèvent le talon.")),
    "erector-spinae": (Text("Erector spinae", "Érecteurs du rachis"),
                       Text("The long muscles along both sides of the spine.",
                            "Les longs muscles situés de chaque côté de la colonne.")),
    "obliques": (Text("Obliques", "Obliques"),
                 Text("The muscles on the sides of the belly that twist the trunk.",
                      "Les muscles sur les côtés du ventre qui font pivoter le tronc.")),
    "deltoids": (Text("Deltoids", "Deltoïdes"),
                 Text("The rounded muscles that cap the shoulders and lift the arm.",
                      "Les muscles arrondis qui recouvrent les épaules et lèvent le bras.")),
    "rotator-cuff": (Text("Rotator cuff", "Coiffe des rotateurs"),
                     Text("A group of small muscles that hold the shoulder joint steady.",
                          "Un groupe de petits muscles qui stabilisent l’articulation de "
                          "l’épaule.")),
    "tibialis-anterior": (Text("Tibialis anterior", "Tibial antérieur"),
                          Text("The muscle at the front of the shin that lifts the foot.",
                               "Le muscle à l’avant du tibia qui relève le pied.")),
}
EQUIPMENT: dict[str, tuple[Text, Text]] = {
    "exercise-mat": (Text("Exercise mat", "Tapis d’exercice"),
                     Text("A padded mat that makes lying on the floor more comfortable.",
                          "Un tapis rembourré qui rend la position au sol plus confortable.")),
    "mini-band": (Text("Mini band", "Mini-bande élastique"),
                  Text("A short loop of elastic band that adds resistance.",
                       "Une petite boucle élastique qui ajoute de la résistance.")),
    "chair": (Text("Chair", "Chaise"),
              Text("A sturdy chair without wheels, for support or for sitting.",
                   "Une chaise stable sans roulettes, pour s’appuyer ou s’asseoir.")),
    "step": (Text("Step", "Marche"),
             Text("A low, stable step or the bottom stair of a staircase.",
                  "Une marche basse et stable ou la première marche d’un escalier.")),
}
POSITIONS: dict[str, tuple[Text, Text]] = {
    "lying-on-back": (Text("Lying on your back", "Allongé sur le dos"),
                      Text("Flat on your back, face up.", "À plat sur le dos, visage vers le "
                           "haut.")),
    "lying-on-side": (Text("Lying on your side", "Allongé sur le côté"),
                      Text("On one side, with your legs stacked.",
                           "Sur un côté, les jambes l’une sur l’autre.")),
    "standing": (Text("Standing", "Debout"),
                 Text("Upright on both feet.", "Droit, sur les deux pieds.")),
    "sitting": (Text("Sitting on a chair", "Assis sur une chaise"),
                Text("Upright on a chair, feet flat on the floor.",
                     "Droit sur une chaise, les pieds à plat au sol.")),
    "hands-and-knees": (Text("On hands and knees", "À quatre pattes"),
                        Text("Hands under your shoulders and knees under your hips.",
                             "Les mains sous les épaules et les genoux sous les hanches.")),
}


@dataclass
class Library:
    """The generated documents (as YAML data) and the French of every English text."""

    root: Path
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    folders: dict[str, str] = field(default_factory=dict)
    french: dict[str, str] = field(default_factory=dict)

    def text(self, item: Text) -> str:
        self.french.setdefault(item.en, item.fr)
        return item.en

    def path(self, doc_id: str) -> Path:
        return self.root / "source" / self.folders[doc_id] / f"{doc_id}.yaml"


PYPROJECT = """\
[project]
name = "bench-content"

[tool.pipeline]
source = "source"
locales = "locales"
build = "build"
source_locale = "en"
required_locales = []
optional_locales = ["fr"]
pseudo_locale = "en-XA"
# The generated review dates are fixed while the clock moves on.
review_max_age_months = 600
"""


def generate(root: Path, documents: int, seed: int) -> Library:
    """Write a project of `documents` documents (plus the glossary) under `root`."""
    rng = random.Random(seed)
    lib = Library(root)
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    lib.documents["glossary"] = _glossary(lib)
    lib.folders["glossary"] = ""
    reviewers = max(2, documents // 50)
    guides = max(1, documents // 10)
    exercises = max(2, documents - reviewers - guides)
    reviewer_ids = []
    for number in range(reviewers):
        data = _reviewer(rng, lib, number)
        reviewer_ids.append(data["id"])
        _add(lib, data, "reviewers")
    exercise_ids: list[str] = []
    names: dict[str, Text] = {}
    for number in range(exercises):
        data = _exercise(rng, lib, number, reviewer_ids, exercise_ids, names)
        exercise_ids.append(data["id"])
        _add(lib, data, "exercises")
    for number in range(guides):
        _add(lib, _guide(rng, lib, number, exercise_ids, reviewer_ids), "guides")
    write_sources(lib)
    return lib


def _add(lib: Library, data: dict[str, Any], folder: str) -> None:
    lib.documents[data["id"]] = data
    lib.folders[data["id"]] = folder


def _glossary(lib: Library) -> dict[str, Any]:
    def vocabulary(table: dict[str, tuple[Text, Text]]) -> dict[str, Any]:
        return {key: {"name": lib.text(name), "description": lib.text(desc)}
                for key, (name, desc) in table.items()}
    return {"kind": "glossary", "id": "glossary", "muscles": vocabulary(MUSCLES),
            "equipment": vocabulary(EQUIPMENT), "positions": vocabulary(POSITIONS)}


def _reviewer(rng: random.Random, lib: Library, number: int) -> dict[str, Any]:
    first = texts.FIRST_NAMES[rng.randrange(len(texts.FIRST_NAMES))]
    last = texts.LAST_NAMES[rng.randrange(len(texts.LAST_NAMES))]
    role = texts.ROLES[rng.randrange(len(texts.ROLES))]
    return {"kind": "reviewer", "id": f"{first}-{last}-{number}".lower(),
            "name": f"{first} {last}", "credentials": rng.choice(["PT, DPT", "PT", "MD", "OT"]),
            "role": lib.text(Text(*role)), "bio": lib.text(texts.bio(rng, first))}


def _unique(rng: random.Random, lib: Library, make: Any, count: int, seen: set[str],
            *args: Any) -> list[str]:
    """`count` texts from `make`, none already used in this document."""
    found: list[str] = []
    for _ in range(count * 4):
        if len(found) == count:
            break
        item: Text = make(rng, *args)
        if item.en not in seen:
            seen.add(item.en)
            found.append(lib.text(item))
    return found


def _exercise(rng: random.Random, lib: Library, number: int, reviewers: list[str],
              earlier: list[str], names: dict[str, Text]) -> dict[str, Any]:
    name = texts.exercise_name(rng)
    doc_id = "-".join(name.en.lower().replace("-", " ").split()) + f"-{number}"
    names[doc_id] = name
    seen: set[str] = {name.en}
    links = [(f"{other}.yaml", names[other])
             for other in rng.sample(earlier, min(3, len(earlier)))]
    steps = _unique(rng, lib, texts.step, rng.randrange(7, 12), seen)
    if rng.random() < 0.5:
        standard = texts.pick_text(rng, texts.STANDARD_STEPS)
        if standard.en not in seen:
            seen.add(standard.en)
            steps.append(lib.text(standard))
    data: dict[str, Any] = {
        "kind": "exercise", "id": doc_id, "name": lib.text(name),
        "summary": _unique(rng, lib, texts.summary, 1, seen)[0],
        "why_it_helps": _unique(rng, lib, texts.why, 1, seen)[0],
        "target_muscles": sorted(rng.sample(sorted(MUSCLES), rng.randrange(1, 4))),
        "equipment": sorted(rng.sample(sorted(EQUIPMENT), rng.randrange(0, 3))),
        "position": rng.choice(sorted(POSITIONS)),
        "starting_position": _unique(rng, lib, texts.starting_position, 1, seen)[0],
        "steps": steps,
        "tips": _unique(rng, lib, texts.tip, rng.randrange(2, 7), seen, links),
        "cautions": _unique(rng, lib, texts.caution, rng.randrange(1, 3), seen),
    }
    for side in ("easier", "harder"):
        variations = []
        for _ in range(rng.randrange(0, 3)):
            label = texts.pick_text(rng, [Text(*v) for v in texts.VARIATION_NAMES])
            how = texts.variation_how(rng)
            if label.en in seen or how.en in seen:
                continue
            seen.update((label.en, how.en))
            variations.append({"name": lib.text(label), "how": lib.text(how)})
        if variations:
            data[side] = variations
    data["dosage"] = {"sets": rng.randrange(1, 5), "reps": rng.randrange(5, 16),
                      "per_side": rng.random() < 0.5}
    if rng.random() < 0.4:
        data["quote"] = {"text": lib.text(texts.quote(rng)), "reviewer": rng.choice(reviewers)}
    if earlier:
        data["related"] = sorted(rng.sample(earlier, min(len(earlier), rng.randrange(0, 4))))
    return data


def _guide(rng: random.Random, lib: Library, number: int, exercises: list[str],
           reviewers: list[str]) -> dict[str, Any]:
    title = texts.guide_title(rng)
    seen: set[str] = {title.en}
    sections = []
    headings: set[str] = set()
    for index in range(rng.randrange(1, 4)):
        head = texts.heading(rng)
        if head.en in headings:
            continue
        headings.add(head.en)
        items = []
        for _ in range(rng.randrange(1, 4)):
            sub, text = texts.heading(rng), texts.paragraph(rng)
            if text.en in seen:
                continue
            seen.add(text.en)
            items.append({"heading": lib.text(sub), "text": lib.text(text)})
        if items:
            sections.append({"id": f"part-{index}", "heading": lib.text(head), "items": items})
    day = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(700))
    data: dict[str, Any] = {
        "kind": "guide", "id": f"guide-{number}", "title": lib.text(title),
        "summary": _unique(rng, lib, texts.guide_summary, 1, seen)[0],
        "intro": _unique(rng, lib, texts.paragraph, rng.randrange(1, 4), seen),
        "exercises": rng.sample(exercises, min(len(exercises), rng.randrange(3, 8))),
        "sections": sections,
        "reviewers": sorted(rng.sample(reviewers, min(len(reviewers), 2))),
        "reviewed_on": day,
        "disclaimer": lib.text(texts.DISCLAIMER),
    }
    if not sections:
        del data["sections"]
    return data


# --- YAML ------------------------------------------------------------------------------


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, dt.date)):
        return str(value)
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML scalar


def _yaml(value: Any, indent: int) -> Iterator[str]:
    pad = " " * indent
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                yield f"{pad}{key}:"
                yield from _yaml(item, indent + 2)
            else:
                yield f"{pad}{key}: {_scalar(item) if item != [] else '[]'}"
    else:
        for item in value:
            if isinstance(item, dict):
                lines = list(_yaml(item, indent + 2))
                yield f"{pad}- {lines[0].lstrip()}"
                yield from lines[1:]
            else:
                yield f"{pad}- {_scalar(item)}"


def document_text(lib: Library, doc_id: str) -> str:
    data = lib.documents[doc_id]
    schema = "../schema" if doc_id == "glossary" else "../../schema"
    lines = [f"# yaml-language-server: $schema={schema}/{data['kind']}.json", *_yaml(data, 0)]
    return "\n".join(lines) + "\n"


def write_sources(lib: Library, only: list[str] | None = None) -> None:
    for doc_id in only if only is not None else list(lib.documents):
        path = lib.path(doc_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(document_text(lib, doc_id), encoding="utf-8")


# --- French catalogs -------------------------------------------------------------------


def translate(lib: Library, seed: int, translated: float = 0.9, fuzzy: float = 0.01) -> None:
    """Fill the French catalogs `update` created: most entries translated, a few fuzzy (with
    the English they were made for), the rest untranslated; one catalog in ten keeps an
    obsolete entry. Written in the tool's own layout, so only real changes show later."""
    rng = random.Random(seed * 7919 + 1)
    folder = lib.root / "locales" / LOCALE / "LC_MESSAGES"
    for path in sorted(folder.glob("*.po")):
        catalog = read_catalog(path)
        for entry in catalog:
            french = lib.french.get(entry.msgid)
            roll = rng.random()
            if french is None or roll >= translated + fuzzy:
                continue
            entry.msgstr = french
            if roll >= translated:
                changed = texts.edit(rng, Text(entry.msgid, french))
                if changed is not None:
                    entry.flags = ["fuzzy"]
                    entry.previous_msgid = changed.en
        if rng.random() < 0.1:
            gone = texts.step(rng)
            if all(e.msgid != gone.en for e in catalog):
                catalog.append(polib.POEntry(msgid=gone.en, msgstr=gone.fr, obsolete=True))
        path.write_text(render_catalog(catalog), encoding="utf-8")


# --- Edits -----------------------------------------------------------------------------


@dataclass
class EditCounts:
    strings: int = 0
    edited: int = 0
    removed: int = 0
    added: int = 0
    moved: int = 0


def _slots(data: dict[str, Any]) -> Iterator[tuple[Any, Any]]:
    """(container, key) of every translatable text of a document."""
    kind = data["kind"]
    if kind == "exercise":
        for key in ("name", "summary", "why_it_helps", "starting_position"):
            yield data, key
        for key in ("steps", "tips", "cautions"):
            for index in range(len(data.get(key, []))):
                yield data[key], index
        for key in ("easier", "harder"):
            for variation in data.get(key, []):
                yield variation, "name"
                yield variation, "how"
        if "quote" in data:
            yield data["quote"], "text"
    elif kind == "guide":
        for key in ("title", "summary", "disclaimer"):
            yield data, key
        for index in range(len(data["intro"])):
            yield data["intro"], index
        for section in data.get("sections", []):
            yield section, "heading"
            for item in section["items"]:
                yield item, "heading"
                yield item, "text"
    elif kind == "reviewer":
        yield data, "role"
        yield data, "bio"


_LISTS = {"steps": (2, 12), "tips": (0, 12), "cautions": (0, 12)}


def count_strings(lib: Library) -> int:
    """Distinct (document, English) pairs: the entries of the templates."""
    return sum(len({c[k] for c, k in _slots(d)}) for d in lib.documents.values()
               if d["kind"] != "glossary") + sum(
        2 * len(lib.documents["glossary"][v]) for v in ("muscles", "equipment", "positions"))


def apply_edits(lib: Library, seed: int, edited: float = 0.03, removed: float = 0.02,
                added: float = 0.02, moved: float = 0.01) -> EditCounts:
    """Change the English as between two releases, then rewrite the changed files."""
    rng = random.Random(seed * 104729 + 3)
    counts = EditCounts(strings=count_strings(lib))
    exercises = sorted(d for d, data in lib.documents.items() if data["kind"] == "exercise")
    editable = sorted(d for d, data in lib.documents.items() if data["kind"] != "glossary")
    touched: set[str] = set()

    def texts_of(doc_id: str) -> set[str]:
        return {c[k] for c, k in _slots(lib.documents[doc_id])}

    target = round(counts.strings * edited)
    for _ in range(target * 10):
        if counts.edited >= target:
            break
        doc_id = editable[rng.randrange(len(editable))]
        slots = list(_slots(lib.documents[doc_id]))
        container, key = slots[rng.randrange(len(slots))]
        old = container[key]
        changed = texts.edit(rng, Text(old, lib.french.get(old, "")))
        if changed is None or changed.en in texts_of(doc_id) or len(changed.en) > 300:
            continue
        container[key] = lib.text(changed)
        touched.add(doc_id)
        counts.edited += 1

    target = round(counts.strings * removed)
    for _ in range(target * 10):
        if counts.removed >= target:
            break
        doc_id = exercises[rng.randrange(len(exercises))]
        data = lib.documents[doc_id]
        key = rng.choice(sorted(_LISTS))
        items = data.get(key, [])
        if len(items) <= _LISTS[key][0]:
            continue
        items.pop(rng.randrange(len(items)))
        touched.add(doc_id)
        counts.removed += 1

    target = round(counts.strings * added)
    for _ in range(target * 10):
        if counts.added >= target:
            break
        doc_id = exercises[rng.randrange(len(exercises))]
        data = lib.documents[doc_id]
        key = rng.choice(["steps", "tips"])
        items = data.setdefault(key, [])
        if len(items) >= _LISTS[key][1]:
            continue
        new = (texts.pick_text(rng, texts.STANDARD_STEPS) if rng.random() < 0.2
               else texts.step(rng) if key == "steps" else texts.tip(rng))
        if new.en in texts_of(doc_id):
            continue
        items.append(lib.text(new))
        touched.add(doc_id)
        counts.added += 1

    target = round(counts.strings * moved)
    for _ in range(target * 10):
        if counts.moved >= target:
            break
        source, dest = (exercises[rng.randrange(len(exercises))] for _ in range(2))
        key = rng.choice(["tips", "cautions"])
        items = lib.documents[source].get(key, [])
        dest_tips = lib.documents[dest].setdefault("tips", [])
        if source == dest or not items or len(dest_tips) >= _LISTS["tips"][1]:
            continue
        text = items[rng.randrange(len(items))]
        if text in texts_of(dest) or "](" in text:
            continue
        items.remove(text)
        dest_tips.append(text)
        touched.update((source, dest))
        counts.moved += 1
    write_sources(lib, sorted(touched))
    return counts


def edit_one_document(lib: Library) -> str:
    """A small edit confined to one document: its dosage in the English source, and one
    French wording in its catalog. Returns the document id."""
    doc_id = next(d for d, data in sorted(lib.documents.items()) if data["kind"] == "exercise")
    data = lib.documents[doc_id]
    data["dosage"]["reps"] = data["dosage"]["reps"] % 15 + 1
    write_sources(lib, [doc_id])
    path = lib.root / "locales" / LOCALE / "LC_MESSAGES" / f"{doc_id}.po"
    catalog = read_catalog(path)
    for entry in catalog:
        if entry.msgid == data["summary"] and entry.msgstr:
            entry.msgstr = entry.msgstr.replace("Un exercice", "Un petit exercice", 1)
    path.write_text(render_catalog(catalog), encoding="utf-8")
    return doc_id
