"""Parallel English/French phrase tables and sentence templates for the synthetic library.

Every text is built from a template and a few phrases chosen by a seeded random generator, so
the same seed gives the same library. The French side follows the checks: the same numbers and
markup, a no-break space before ; : ! ? (none are used), typographic apostrophes, and no
straight double quotes. Glossary terms are never named in running text.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass

Pair = tuple[str, str]

# French holds a number and its unit together with a no-break space.
NB = "\u00a0"


@dataclass(frozen=True)
class Text:
    """One English text and its French translation."""

    en: str
    fr: str


# Body parts with the French possessive that goes with them ("your knees" → "vos genoux").
PARTS: list[Pair] = [
    ("knee", "votre genou"), ("knees", "vos genoux"), ("hip", "votre hanche"),
    ("hips", "vos hanches"), ("back", "votre dos"), ("shoulders", "vos épaules"),
    ("right shoulder", "votre épaule droite"), ("left shoulder", "votre épaule gauche"),
    ("arms", "vos bras"), ("right arm", "votre bras droit"), ("left arm", "votre bras gauche"),
    ("right leg", "votre jambe droite"), ("left leg", "votre jambe gauche"),
    ("heels", "vos talons"), ("feet", "vos pieds"), ("chin", "votre menton"),
    ("head", "votre tête"), ("pelvis", "votre bassin"), ("elbows", "vos coudes"),
    ("hands", "vos mains"), ("toes", "vos orteils"), ("chest", "votre poitrine"),
    ("ankles", "vos chevilles"), ("wrists", "vos poignets"), ("thighs", "vos cuisses"),
    ("right foot", "votre pied droit"), ("left foot", "votre pied gauche"),
    ("upper body", "le haut de votre corps"), ("trunk", "votre tronc"),
]
VERBS: list[Pair] = [
    ("Lift", "Soulevez"), ("Lower", "Abaissez"), ("Bend", "Pliez"), ("Straighten", "Tendez"),
    ("Rotate", "Tournez"), ("Slide", "Faites glisser"), ("Raise", "Levez"),
    ("Move", "Déplacez"), ("Stretch", "Étirez"), ("Bring", "Amenez"), ("Push", "Poussez"),
    ("Pull", "Tirez"), ("Tilt", "Inclinez"), ("Guide", "Guidez"), ("Roll", "Faites rouler"),
]
DIRECTIONS: list[Pair] = [
    ("toward the ceiling", "vers le plafond"), ("toward the floor", "vers le sol"),
    ("to the side", "sur le côté"), ("forward", "vers l’avant"),
    ("backward", "vers l’arrière"), ("toward your chest", "vers votre poitrine"),
    ("away from your body", "loin de votre corps"), ("a little higher", "un peu plus haut"),
    ("toward the wall", "vers le mur"), ("across your body", "devant votre corps"),
    ("back to the middle", "vers le centre"), ("toward the chair", "vers la chaise"),
    ("in a small circle", "en décrivant un petit cercle"),
    ("along the floor", "le long du sol"),
]
MANNERS: list[Pair] = [
    ("slowly", "lentement"), ("gently", "doucement"), ("with control", "avec contrôle"),
    ("without rushing", "sans vous précipiter"),
    ("as far as is comfortable", "aussi loin que possible sans douleur"),
    ("smoothly", "en douceur"), ("steadily", "de façon régulière"),
    ("while you breathe out", "pendant que vous expirez"),
    ("while you breathe in", "pendant que vous inspirez"),
    ("at an even pace", "à un rythme régulier"), ("with care", "avec précaution"),
    ("a little at a time", "petit à petit"),
]
PLACES: list[Pair] = [
    ("in line with your body", "dans l’alignement de votre corps"),
    ("close to the floor", "près du sol"), ("under control", "sous contrôle"),
    ("in the same place", "au même endroit"), ("level with your hips", "au niveau de vos hanches"),
    ("relaxed and loose", "détendus et souples"), ("away from your ears", "loin de vos oreilles"),
    ("over your ankles", "au-dessus de vos chevilles"),
    ("on the floor", "au sol"), ("pointing forward", "orientés vers l’avant"),
]
BENEFITS: list[Pair] = [
    ("walk with less pain", "marcher avec moins de douleur"),
    ("climb stairs more easily", "monter les escaliers plus facilement"),
    ("stand up from a chair", "vous lever d’une chaise"),
    ("keep your balance", "garder votre équilibre"),
    ("carry shopping bags", "porter vos sacs de courses"),
    ("sit for longer without pain", "rester assis plus longtemps sans douleur"),
    ("bend down to pick things up", "vous pencher pour ramasser des objets"),
    ("get in and out of the car", "monter en voiture et en descendre"),
    ("sleep more comfortably", "dormir plus confortablement"),
    ("play with your children", "jouer avec vos enfants"),
    ("garden without strain", "jardiner sans forcer"),
    ("return to your usual sport", "reprendre votre sport habituel"),
]
FEELINGS: list[Pair] = [
    ("a gentle stretch", "un étirement doux"), ("the muscles working", "les muscles travailler"),
    ("a light pull", "une légère tension"), ("some warmth in the muscles",
                                             "une certaine chaleur dans les muscles"),
    ("the effort building", "l’effort augmenter"),
]
BAD: list[Pair] = [
    ("drop toward the floor", "tomber vers le sol"),
    ("move while you lift", "bouger pendant que vous levez"),
    ("twist to the side", "pivoter sur le côté"), ("lift off the floor", "décoller du sol"),
    ("roll inward", "rouler vers l’intérieur"), ("lock straight", "se bloquer en extension"),
    ("sag toward the floor", "s’affaisser vers le sol"),
]
LEVELS: list[Pair] = [
    ("gentle", "doux"), ("simple", "simple"), ("short", "court"), ("slow", "lent"),
    ("steady", "régulier"), ("low-impact", "à faible impact"), ("basic", "de base"),
]
WHERE: list[Pair] = [
    ("at home", "à la maison"), ("at work", "au travail"), ("on the floor", "au sol"),
    ("in a chair", "sur une chaise"), ("next to a wall", "près d’un mur"),
    ("during a break", "pendant une pause"), ("before a walk", "avant une marche"),
    ("in the morning", "le matin"), ("in the evening", "le soir"),
]
CONDITIONS: list[Pair] = [
    ("knee pain", "la douleur au genou"), ("lower back pain", "la douleur lombaire"),
    ("hip stiffness", "la raideur de la hanche"), ("neck tension", "la tension dans la nuque"),
    ("shoulder pain", "la douleur à l’épaule"), ("ankle sprains", "les entorses de la cheville"),
    ("poor balance", "les troubles de l’équilibre"), ("sitting all day", "la station assise prolongée"),
    ("pregnancy", "la grossesse"), ("returning to running", "la reprise de la course"),
    ("desk work", "le travail de bureau"), ("recovery after surgery",
                                           "la convalescence"),
]
GROUPS: list[Pair] = [
    ("older adults", "les personnes âgées"), ("office workers", "les employés de bureau"),
    ("runners", "les coureurs"), ("new parents", "les jeunes parents"),
    ("beginners", "les débutants"), ("people who garden", "les jardiniers"),
    ("people who cycle", "les cyclistes"), ("people who stand all day",
                                            "ceux qui restent debout"),
]
# Name parts: the English modifier goes first, the French one after the movement.
NAME_MOVES: list[Pair] = [
    ("leg raise", "Élévation de la jambe"), ("hip hinge", "Charnière de hanche"),
    ("knee lift", "Montée du genou"), ("heel slide", "Glissement du talon"),
    ("arm reach", "Extension du bras"), ("trunk rotation", "Rotation du tronc"),
    ("shoulder roll", "Roulement des épaules"), ("calf raise", "Élévation des mollets"),
    ("pelvic tilt", "Bascule du bassin"), ("bridge", "Pont"), ("squat", "Flexion des jambes"),
    ("side step", "Pas chassé"), ("lunge", "Fente"), ("plank", "Gainage"),
    ("chest opener", "Ouverture thoracique"), ("ankle circle", "Cercle de la cheville"),
    ("wall push", "Poussée contre le mur"), ("spine twist", "Torsion du dos"),
    ("toe tap", "Touche des orteils"), ("hip circle", "Cercle de hanche"),
]
NAME_MODIFIERS: list[Pair] = [
    ("Seated", "en position assise"), ("Standing", "debout"),
    ("Side-lying", "allongé sur le côté"), ("Kneeling", "à genoux"),
    ("Banded", "avec élastique"), ("Supported", "avec appui"),
    ("Single-leg", "sur une jambe"), ("Slow", "au ralenti"), ("Wall", "contre le mur"),
    ("Floor", "au sol"), ("Paused", "avec pause"), ("Half", "en demi-amplitude"),
]
NAME_EXTRAS: list[Pair] = [
    ("", ""), ("with a pause", "et pause"), ("on a step", "sur une marche"),
    ("with a towel", "avec une serviette"), ("with a ball", "avec un ballon"),
    ("with reach", "et extension"), ("with a twist", "et rotation"),
]
VARIATION_NAMES: list[Pair] = [
    ("Smaller range", "Amplitude réduite"), ("Hands on a chair", "Mains sur une chaise"),
    ("Shorter hold", "Maintien plus court"), ("Longer hold", "Maintien plus long"),
    ("Add a pause", "Ajouter une pause"), ("One side only", "Un seul côté"),
    ("Slower lowering", "Descente plus lente"), ("Feet wider apart", "Pieds plus écartés"),
    ("Eyes closed", "Yeux fermés"), ("Arms crossed", "Bras croisés"),
    ("Add a small weight", "Ajouter un petit poids"), ("On a softer surface",
                                                       "Sur une surface plus souple"),
]
ROLES: list[Pair] = [
    ("Physical therapist", "Kinésithérapeute"), ("Sports physiotherapist",
                                                  "Kinésithérapeute du sport"),
    ("Occupational therapist", "Ergothérapeute"), ("Rehabilitation physician",
                                                   "Médecin de réadaptation"),
    ("Clinical exercise physiologist", "Physiologiste clinique de l’exercice"),
]
FIRST_NAMES = ["Alex", "Sam", "Maria", "Jonas", "Aiko", "Leila", "Tomas", "Grace", "Omar",
               "Ines", "Karin", "Dev", "Nora", "Felix", "Amara", "Luca"]
LAST_NAMES = ["Moreau", "Okafor", "Lindqvist", "Tanaka", "Haddad", "Novak", "Reyes",
              "Brennan", "Kowalski", "Mensah", "Castillo", "Iversen", "Shah", "Dubois"]

# Sentences many exercises share word for word, as real content does.
STANDARD_STEPS: list[Text] = [
    Text("Return slowly to the starting position.", "Revenez lentement à la position de départ."),
    Text("Breathe normally throughout the movement.",
         "Respirez normalement pendant tout le mouvement."),
    Text("Repeat on the other side.", "Répétez de l’autre côté."),
    Text("Rest for a moment before the next repetition.",
         "Reposez-vous un instant avant la répétition suivante."),
    Text("Keep your back flat against the floor.", "Gardez le dos bien à plat contre le sol."),
    Text("Relax your shoulders and keep your neck long.",
         "Relâchez les épaules et gardez la nuque allongée."),
]
STANDARD_CAUTIONS: list[Text] = [
    Text("Stop if the exercise causes sharp or increasing pain.",
         "Arrêtez si l’exercice provoque une douleur vive ou croissante."),
    Text("Ask your physical therapist before you try this after a recent injury.",
         "Demandez conseil à votre kinésithérapeute avant d’essayer après une blessure récente."),
]
DISCLAIMER = Text(
    "This guide is for general information only. It does not replace advice from your doctor "
    "or physical therapist. Stop any exercise that causes sharp or increasing pain.",
    "Ce guide est fourni à titre d’information générale uniquement. Il ne remplace pas les "
    "conseils de votre médecin ou de votre kinésithérapeute. Arrêtez tout exercice qui "
    "provoque une douleur vive ou croissante.",
)

# Classes of interchangeable phrases, for small edits that keep a text valid.
SWAPPABLE: list[list[Pair]] = [MANNERS, DIRECTIONS, BENEFITS, PLACES, WHERE, FEELINGS]


def of(phrase_fr: str) -> str:
    """French `de` before a phrase: `de votre genou`, but `du haut de votre corps`."""
    return "du " + phrase_fr[3:] if phrase_fr.startswith("le ") else "de " + phrase_fr


def pick(rng: random.Random, table: list[Pair]) -> Pair:
    return table[rng.randrange(len(table))]


def step(rng: random.Random) -> Text:
    """An instruction in the imperative, ending with a full stop."""
    kind = rng.randrange(8)
    part, part_fr = pick(rng, PARTS)
    if kind <= 2:
        verb, verb_fr = pick(rng, VERBS)
        way, way_fr = pick(rng, DIRECTIONS)
        how, how_fr = pick(rng, MANNERS)
        return Text(f"{verb} your {part} {way} {how}.", f"{verb_fr} {part_fr} {way_fr} {how_fr}.")
    if kind == 3:
        n = rng.randrange(2, 61)
        how, how_fr = pick(rng, MANNERS)
        return Text(f"Hold this position for {n} seconds, then relax {how}.",
                    f"Maintenez cette position pendant {n}{NB}secondes, puis relâchez {how_fr}.")
    if kind == 4:
        n, m = rng.randrange(3, 21), rng.randrange(10, 91)
        return Text(f"Repeat {n} times on each side, resting {m} seconds between sets.",
                    f"Répétez {n}{NB}fois de chaque côté, avec {m}{NB}secondes de repos "
                    "entre les séries.")
    if kind == 5:
        place, place_fr = pick(rng, PLACES)
        how, how_fr = pick(rng, MANNERS)
        return Text(f"Keep your {part} {place} as you move {how}.",
                    f"Gardez {part_fr} {place_fr} pendant que vous bougez {how_fr}.")
    if kind == 6:
        feel, feel_fr = pick(rng, FEELINGS)
        way, way_fr = pick(rng, DIRECTIONS)
        return Text(f"Reach {way} until you feel {feel} in your {part}.",
                    f"Allez {way_fr} jusqu’à sentir {feel_fr} dans {part_fr}.")
    verb, verb_fr = pick(rng, VERBS)
    n = rng.randrange(2, 31)
    how, how_fr = pick(rng, MANNERS)
    return Text(f"{verb} your {part} {how} and count to {n} before you go on.",
                f"{verb_fr} {part_fr} {how_fr} et comptez jusqu’à {n} avant de continuer.")


def tip(rng: random.Random, links: list[tuple[str, Text]] | None = None) -> Text:
    """Advice for doing the exercise well; now and then with emphasis, strong or a link."""
    kind = rng.randrange(7)
    part, part_fr = pick(rng, PARTS)
    if kind == 0 and links:
        target, name = links[rng.randrange(len(links))]
        where, where_fr = pick(rng, WHERE)
        return Text(f"If this feels hard, try [{name.en.lower()}]({target}) {where} first.",
                    f"Si c’est difficile, essayez d’abord [{name.fr.lower()}]({target}) "
                    f"{where_fr}.")
    if kind == 1:
        place, place_fr = pick(rng, PLACES)
        return Text(f"Keep your {part} *{place}* the whole time.",
                    f"Gardez {part_fr} *{place_fr}* pendant tout l’exercice.")
    if kind == 2:
        feel, feel_fr = pick(rng, FEELINGS)
        return Text(f"You should feel {feel} around your {part}, never pain.",
                    f"Vous devez sentir {feel_fr} autour {of(part_fr)}, jamais de douleur.")
    if kind == 3:
        how, how_fr = pick(rng, MANNERS)
        return Text(f"Imagine a string gently pulling your {part} upward as you move {how}.",
                    f"Imaginez un fil qui tire doucement {part_fr} vers le haut pendant que "
                    f"vous bougez {how_fr}.")
    if kind == 4:
        where, where_fr = pick(rng, WHERE)
        return Text(f"Practice in front of a mirror {where} to check your form.",
                    f"Entraînez-vous devant un miroir {where_fr} pour vérifier votre posture.")
    if kind == 5:
        n = rng.randrange(2, 11)
        return Text(f"Start with {n} repetitions and add more as it gets **easier**.",
                    f"Commencez par {n}{NB}répétitions et ajoutez-en à mesure que cela devient "
                    "**plus facile**.")
    how, how_fr = pick(rng, MANNERS)
    return Text(f"Breathe out as you lift and breathe in as you lower {how}.",
                f"Expirez en montant et inspirez en redescendant {how_fr}.")


def caution(rng: random.Random) -> Text:
    if rng.random() < 0.25:
        return STANDARD_CAUTIONS[rng.randrange(len(STANDARD_CAUTIONS))]
    part, part_fr = pick(rng, PARTS)
    bad, bad_fr = pick(rng, BAD)
    if rng.random() < 0.5:
        return Text(f"**Don't** let your {part} {bad}.",
                    f"**Ne laissez pas** {part_fr} {bad_fr}.")
    n = rng.randrange(2, 15)
    return Text(f"If your {part} hurts for more than {n} days, see a health professional.",
                f"Si {part_fr} vous fait mal plus de {n}{NB}jours, consultez un professionnel "
                "de santé.")


def exercise_name(rng: random.Random) -> Text:
    """A name within the model's 60 characters in both languages."""
    while True:
        mod, mod_fr = pick(rng, NAME_MODIFIERS)
        move, move_fr = pick(rng, NAME_MOVES)
        extra, extra_fr = pick(rng, NAME_EXTRAS)
        en = f"{mod} {move}" + (f" {extra}" if extra else "")
        fr = f"{move_fr} {mod_fr}" + (f" {extra_fr}" if extra_fr else "")
        if len(fr) <= 60:
            return Text(en, fr)


def summary(rng: random.Random) -> Text:
    level, level_fr = pick(rng, LEVELS)
    part, part_fr = pick(rng, PARTS)
    where, where_fr = pick(rng, WHERE)
    return Text(f"A {level} exercise for your {part} that you can do {where}.",
                f"Un exercice {level_fr} pour {part_fr}, à faire {where_fr}.")


def why(rng: random.Random) -> Text:
    part, part_fr = pick(rng, PARTS)
    benefit, benefit_fr = pick(rng, BENEFITS)
    group, group_fr = pick(rng, GROUPS)
    n = rng.randrange(2, 9)
    return Text(
        f"This exercise strengthens the muscles around your {part} and helps you {benefit}. "
        f"Done {n} times a week, it is a good choice for {group}.",
        f"Cet exercice renforce les muscles autour {of(part_fr)} et vous aide à {benefit_fr}. "
        f"Pratiqué {n}{NB}fois par semaine, c’est un bon choix pour {group_fr}.",
    )


def starting_position(rng: random.Random) -> Text:
    part, part_fr = pick(rng, PARTS)
    place, place_fr = pick(rng, PLACES)
    where, where_fr = pick(rng, WHERE)
    start, start_fr = pick(rng, [
        ("Lie on your back", "Allongez-vous sur le dos"),
        ("Stand tall", "Tenez-vous bien droit"),
        ("Sit on the edge of a chair", "Asseyez-vous au bord d’une chaise"),
        ("Kneel on a soft surface", "Mettez-vous à genoux sur une surface souple"),
        ("Lie on your side", "Allongez-vous sur le côté"),
        ("Get on your hands and knees", "Mettez-vous à quatre pattes"),
    ])
    return Text(f"{start} {where}, with your {part} {place}.",
                f"{start_fr} {where_fr}, {part_fr} {place_fr}.")


def variation_how(rng: random.Random) -> Text:
    how, how_fr = pick(rng, MANNERS)
    part, part_fr = pick(rng, PARTS)
    n = rng.randrange(2, 11)
    return Text(f"Move your {part} {how} and stop after {n} repetitions.",
                f"Bougez {part_fr} {how_fr} et arrêtez-vous après {n}{NB}répétitions.")


def quote(rng: random.Random) -> Text:
    part, part_fr = pick(rng, PARTS)
    benefit, benefit_fr = pick(rng, BENEFITS)
    n = rng.randrange(2, 7)
    return Text(
        f"I ask people to watch their {part} in a mirror. Within {n} weeks most of them find "
        f"it easier to {benefit}.",
        f"Je demande aux gens d’observer {part_fr} dans un miroir. En {n}{NB}semaines, la "
        f"plupart trouvent plus facile de {benefit_fr}.",
    )


def guide_title(rng: random.Random) -> Text:
    cond, cond_fr = pick(rng, CONDITIONS)
    group, group_fr = pick(rng, GROUPS)
    return Text(f"Exercises for {cond} in {group}", f"Exercices contre {cond_fr} chez {group_fr}")


def guide_summary(rng: random.Random) -> Text:
    n = rng.randrange(3, 9)
    part, part_fr = pick(rng, PARTS)
    return Text(f"{n} exercises that build strength and control around your {part}.",
                f"{n} exercices qui renforcent et stabilisent la zone autour {of(part_fr)}.")


def paragraph(rng: random.Random) -> Text:
    """Two or three sentences of guide prose."""
    parts: list[Text] = []
    for _ in range(rng.randrange(2, 4)):
        kind = rng.randrange(4)
        part, part_fr = pick(rng, PARTS)
        benefit, benefit_fr = pick(rng, BENEFITS)
        if kind == 0:
            parts.append(Text(f"Strong muscles around your {part} help you {benefit}.",
                              f"Des muscles solides autour {of(part_fr)} vous aident à "
                              f"{benefit_fr}."))
        elif kind == 1:
            n = rng.randrange(2, 7)
            parts.append(Text(f"Aim to do these exercises {n} times a week.",
                              f"Essayez de faire ces exercices {n}{NB}fois par semaine."))
        elif kind == 2:
            how, how_fr = pick(rng, MANNERS)
            parts.append(Text(f"Move {how} and stop before the movement becomes painful.",
                              f"Bougez {how_fr} et arrêtez-vous avant que le mouvement "
                              "ne devienne douloureux."))
        else:
            group, group_fr = pick(rng, GROUPS)
            parts.append(Text(f"Many {group} find that regular practice helps them {benefit}.",
                              f"Beaucoup de personnes parmi {group_fr} constatent qu’une "
                              f"pratique régulière les aide à {benefit_fr}."))
    return Text(" ".join(p.en for p in parts), " ".join(p.fr for p in parts))


def heading(rng: random.Random) -> Text:
    return pick_text(rng, [
        Text("How these exercises help", "Comment ces exercices vous aident"),
        Text("Before you start", "Avant de commencer"), Text("Getting started", "Pour commencer"),
        Text("When to slow down", "Quand ralentir"), Text("Making progress", "Progresser"),
        Text("Everyday movement", "Les gestes du quotidien"),
        Text("Stronger muscles", "Des muscles plus forts"),
        Text("Better balance", "Un meilleur équilibre"),
        Text("Less stiffness", "Moins de raideur"),
        Text("Building a routine", "Prendre une habitude"),
    ])


def pick_text(rng: random.Random, table: list[Text]) -> Text:
    return table[rng.randrange(len(table))]


def bio(rng: random.Random, first: str) -> Text:
    n = rng.randrange(3, 30)
    group, group_fr = pick(rng, GROUPS)
    cond, cond_fr = pick(rng, CONDITIONS)
    return Text(f"{first} has worked with {group} for {n} years and focuses on {cond}.",
                f"{first} travaille avec {group_fr} depuis {n}{NB}ans et se consacre à {cond_fr}.")


_NUMBER = re.compile(r"\d+")


def edit(rng: random.Random, text: Text) -> Text | None:
    """A small change to a text, as a writer makes it: one phrase swapped for another of the
    same kind, or one number changed. None when the text has nothing to swap, or links to
    another document (its target must keep naming a file)."""
    if "](" in text.en:
        return None
    options: list[Callable[[], Text | None]] = []
    for table in SWAPPABLE:
        for en, fr in table:
            if (f" {en} " in f" {text.en} " or f" {en}." in text.en) and fr in text.fr:
                def swap(en: str = en, fr: str = fr, table: list[Pair] = table) -> Text | None:
                    new_en, new_fr = table[rng.randrange(len(table))]
                    if new_en == en:
                        return None
                    return Text(text.en.replace(en, new_en, 1), text.fr.replace(fr, new_fr, 1))
                options.append(swap)
    numbers = _NUMBER.findall(text.en)
    if numbers and all(text.fr.count(n) == text.en.count(n) for n in numbers):
        def renumber() -> Text | None:
            old = numbers[rng.randrange(len(numbers))]
            new = str(int(old) + rng.randrange(1, 6))
            pattern = re.compile(rf"(?<!\d){old}(?!\d)")
            return Text(pattern.sub(new, text.en, count=1), pattern.sub(new, text.fr, count=1))
        options.append(renumber)
    for _ in range(6):
        if not options:
            return None
        changed = options[rng.randrange(len(options))]()
        if changed is not None and changed.en != text.en:
            return changed
    return None
