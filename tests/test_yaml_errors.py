"""YAML mistakes writers make, as `pipeline validate` reports them: at the line (and column)
of the mistake, in words a writer understands, with what to write instead.

Each case changes one line (or two) of the minimal project's exercise or guide. The same
cases run once more together, as the public command `python -m pipeline validate` in a
process of its own.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass

import pytest

from pipeline.content import loader

from conftest import REPO_ROOT, Project

EX = "source/exercises/glute-bridge.yaml"
GUIDE = "source/guides/hip-pain.yaml"


@dataclass(frozen=True)
class Mistake:
    id: str
    file: str  # the fixture file changed
    old: str  # text that occurs once in it
    new: str
    where: str  # line:column
    code: str  # "E002 yaml-syntax"
    message: str

    def text(self, project: Project) -> str:
        original = project.read(self.file)
        assert original.count(self.old) == 1, self.old
        return original.replace(self.old, self.new)

    def line(self, path: str) -> str:
        return f"{path}:{self.where}: {self.code}: {self.message}"


SYNTAX = "E002 yaml-syntax"
TYPE = "E103 wrong-type"

MISTAKES = [
    # A key indented more than the key above it.
    Mistake("over-indented-key", EX, "name: Glute bridge", "  name: Glute bridge", "4:3",
            SYNTAX, "'name' is indented more than the key above it ('id', line 3), so YAML "
            "reads it as more of the text of 'id'; line it up with 'id' (column 1)"),
    Mistake("over-indented-nested-key", EX, "  reps: 10", "    reps: 10", "23:5", SYNTAX,
            "'reps' is indented more than the key above it ('sets', line 22), so YAML reads it "
            "as more of the text of 'sets'; line it up with 'sets' (column 3)"),
    Mistake("over-indented-key-after-a-list", EX, "dosage:\n  sets", "    dosage:\n  sets",
            "21:5", SYNTAX, "'dosage' is indented more than the list item above it (line 20), "
            "so YAML reads it as more of its text; line it up with 'cautions' (column 1)"),
    Mistake("over-indented-key-after-a-comment", EX, "  reps: 10", "    # ten\n    reps: 10",
            "24:5", SYNTAX, "'reps' is indented more than the key above it ('sets', line 22); "
            "line it up with 'sets' (column 3)"),
    Mistake("over-indented-key-after-wrapped-text", EX,
            "floor to work the buttock muscles.\nwhy_it_helps:",
            "floor\n  to work the buttock muscles.\n  why_it_helps:", "7:3", SYNTAX,
            "'why_it_helps' is indented more than the key above it ('summary', line 5), so YAML "
            "reads it as more of the text of 'summary'; line it up with 'summary' (column 1)"),
    Mistake("indented-first-key", EX, "kind: exercise", "  kind: exercise", "2:3", SYNTAX,
            "'kind' is indented, but the first keys of a file start in column 1 (as line 3 "
            "does); remove the spaces before it"),
    # A key indented to no level above it, or like the list items above it.
    Mistake("under-indented-key", EX, "  reps: 10", " reps: 10", "23:2", SYNTAX,
            "'reps' starts in column 2, which lines it up with no key above it; start it in "
            "the column of the keys it belongs with (column 1 or column 3)"),
    Mistake("key-indented-like-list-items", EX, "position: lying-on-back",
            "  position: lying-on-back", "12:3", SYNTAX,
            "'position' is indented like the list items above it but has no '- ': if it is "
            "an item, start it with '- '; if it is a field of its own, line it up with "
            "'equipment' (column 1); if it belongs to the item above, line it up with the text "
            "after that item's dash (column 5)"),
    # Quotes.
    Mistake("unclosed-quote", EX, "name: Glute bridge", 'name: "Glute bridge', "4:7", SYNTAX,
            'this quote is never closed: add a closing " at the end of the text'),
    Mistake("unclosed-quote-in-a-list-item", EX, "  - Keep your weight on your *heels*.",
            "  - 'Keep your weight on your *heels*.", "18:5", SYNTAX,
            "this quote is never closed: add a closing ' at the end of the text"),
    Mistake("unclosed-quote-closed-by-a-later-one", EX,
            "name: Glute bridge\nsummary: Lift your hips off the floor to work the buttock "
            "muscles.", 'name: "Glute bridge\nsummary: "Lift your hips off the floor to work '
            'the buttock muscles."', "4:7", SYNTAX,
            'this quote is not closed on its line, so YAML reads on to the next ", on line 5; '
            'add a closing " at the end of the text'),
    Mistake("quote-inside-double-quotes", EX, "name: Glute bridge",
            'name: "Glute "bridge" basic"', "4:14", SYNTAX,
            'the text in quotes ends at this ", but more text follows it on the line; put the '
            "whole text in one pair of quotes: name: 'Glute \"bridge\" basic'"),
    Mistake("apostrophe-inside-single-quotes", EX, "name: Glute bridge", "name: 'Don't lift'",
            "4:11", SYNTAX, "the text in quotes ends at this ', but more text follows it on "
            "the line; put the whole text in one pair of quotes: name: \"Don't lift\""),
    # A colon and a space inside a text.
    Mistake("colon-in-a-step", EX, "  - Hold for a moment, then lower your hips slowly.",
            "  - Hold for 10 seconds: then lower your hips slowly.", "16:24", TYPE,
            "steps[1]: this text holds ': ' (a colon and a space), which YAML reads as 'key: "
            "value'; put the whole text in quotes: - \"Hold for 10 seconds: then lower your "
            'hips slowly."'),
    Mistake("colon-in-a-summary", EX, "summary: Lift your hips",
            "summary: Note: lift your hips", "5:14", SYNTAX,
            "the text of 'summary' holds ': ' (a colon and a space), which YAML reads as the "
            "start of a new key; put the whole text in quotes: summary: \"Note: lift your hips "
            'off the floor to work the buttock muscles."'),
    Mistake("two-colons-in-a-step", EX, "  - Hold for a moment, then lower your hips slowly.",
            "  - Note: hold for 10 seconds: then lower your hips slowly.", "16:30", SYNTAX,
            "this text holds ': ' (a colon and a space), which YAML reads as the start of a "
            "key; put the whole text in quotes: - \"Note: hold for 10 seconds: then lower "
            'your hips slowly."'),
    Mistake("no-space-after-a-colon", EX, "name: Glute bridge", "name:Glute bridge", "4:5",
            SYNTAX, "put a space after the colon: 'name: Glute bridge'"),
    # Dates.
    Mistake("date-day-first", GUIDE, "reviewed_on: 2024-05-01", "reviewed_on: 14/10/2026",
            "19:14", TYPE, "reviewed_on: '14/10/2026' is not a date YAML reads: write it as "
            "YYYY-MM-DD (year, month, day), here 2026-10-14"),
    Mistake("date-with-dots", GUIDE, "reviewed_on: 2024-05-01", "reviewed_on: 14.10.2026",
            "19:14", TYPE, "reviewed_on: '14.10.2026' is not a date YAML reads: write it as "
            "YYYY-MM-DD (year, month, day), here 2026-10-14"),
    Mistake("date-month-first", GUIDE, "reviewed_on: 2024-05-01", "reviewed_on: 10/14/2026",
            "19:14", TYPE, "reviewed_on: '10/14/2026' is not a date YAML reads: write it as "
            "YYYY-MM-DD (year, month, day), here 2026-10-14"),
    Mistake("date-day-or-month-first", GUIDE, "reviewed_on: 2024-05-01",
            "reviewed_on: 03/04/2026", "19:14", TYPE, "reviewed_on: '03/04/2026' is not a "
            "date YAML reads: write it as YYYY-MM-DD (year, month, day), here 2026-04-03 "
            "(3 April) or 2026-03-04 (4 March), whichever you mean"),
    Mistake("date-one-digit-day", GUIDE, "reviewed_on: 2024-05-01", "reviewed_on: 2026-10-4",
            "19:14", TYPE, "reviewed_on: '2026-10-4' is not a date YAML reads: write it as "
            "YYYY-MM-DD (year, month, day), here 2026-10-04"),
    Mistake("date-with-a-time", GUIDE, "reviewed_on: 2024-05-01",
            "reviewed_on: 2024-05-01 10:30:00", "19:14", "E110 invalid",
            "reviewed_on: 2024-05-01 10:30:00 is a date and a time; write the date alone: "
            "2024-05-01"),
    # Values YAML reads as something else than text.
    Mistake("title-that-is-a-number", GUIDE, "title: Exercises for hip pain", "title: 1984",
            "4:8", TYPE, "title: Input should be a valid string; YAML reads this as a number: "
            "put it in quotes to make it text"),
    # List items.
    Mistake("list-item-indented-less", EX, "  - hamstrings", " - hamstrings", "9:2", SYNTAX,
            "the dash of this list item is in column 2 but the dash of the item above it "
            "(line 8) is in column 3; line the dashes of one list up"),
    Mistake("missing-dash", EX, "  - hamstrings", "  hamstrings", "9:3", SYNTAX,
            "this line has no '- ' in front of it, but the lines above it are list items: "
            "start it with '- ' to make it an item (or, if it is more of the text of the item "
            "above, indent it further)"),
    Mistake("missing-first-dash", EX, "  - gluteus-maximus", "  gluteus-maximus", "8:3", TYPE,
            "target_muscles: Input should be a valid list; write each item on a line of its "
            "own, starting with '- ' (the first item has none, so YAML reads the lines below "
            "it as more of its text)"),
    Mistake("no-space-after-a-dash", EX, "  - hamstrings", "  -hamstrings", "9:3", SYNTAX,
            "put a space after the dash: '- hamstrings'"),
    # Lines that are neither a key nor an item, and texts that start with a YAML sign.
    Mistake("text-going-on-unindented", EX, "take load off the lower back and steady",
            "take load off the lower back\nand steady", "7:1", SYNTAX,
            "this line is neither 'key: value' nor a list item: if it is more of the text of "
            "'why_it_helps' (line 6), indent it further than 'why_it_helps'"),
    Mistake("key-without-colon", EX, "position: lying-on-back", "position lying-on-back",
            "12:1", SYNTAX, "this line is neither 'key: value' nor a list item ('- '): if "
            "'position' is a key, put ': ' after it; if it is more of the text above it, "
            "indent it further than the key it belongs to"),
    Mistake("text-starting-with-a-star", EX, "  - Keep your weight on your *heels*.",
            "  - *Slowly* shift your weight to your heels.", "18:5", SYNTAX,
            "YAML reads a text that starts with * as a reference to another value; put the "
            "text in quotes: - \"*Slowly* shift your weight to your heels.\""),
    Mistake("text-starting-with-a-bracket", EX, "name: Glute bridge", "name: [Basic] bridge",
            "4:7", SYNTAX, "YAML reads a text that starts with [ as a list, so the text after "
            "its closing bracket does not fit; put the text in quotes: name: \"[Basic] "
            'bridge"'),
    Mistake("unclosed-bracket", EX, "name: Glute bridge", "name: [Glute bridge", "4:7", SYNTAX,
            "expected ',' or ']': this [ is never closed; YAML reads a text that starts with [ "
            "as a list, which ends with ]; to write a text that starts with [, put it in "
            "quotes: name: \"[Glute bridge\""),
]


@pytest.mark.parametrize("reader", ["libyaml", "pure-python"])
@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.id)
def test_a_yaml_mistake_is_reported_where_it_is(project: Project, mistake: Mistake,
                                                reader: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """With libyaml, and with PyYAML's pure-Python reader (where libyaml is missing), whose
    errors are worded otherwise: the writer reads the same message."""
    monkeypatch.setenv("NO_COLOR", "1")
    if reader == "pure-python":
        monkeypatch.setattr(loader, "_reader", lambda: loader._PyLoader)
    project.write(mistake.file, mistake.text(project))
    result = project.run("validate")
    assert (result.code, result.err) == (1, "")
    assert result.out.splitlines() == [mistake.line(mistake.file),
                                       "1 error, 0 warnings in 1 of 5 files."]


def test_every_mistake_through_the_command_line(project: Project) -> None:
    """All of them at once, each in a file of its own, from `python -m pipeline validate`."""
    expected = []
    for mistake in MISTAKES:
        folder = "exercises" if mistake.file == EX else "guides"
        path = f"source/{folder}/{mistake.id}.yaml"
        old_id = "id: glute-bridge" if mistake.file == EX else "id: hip-pain"
        project.write(path, mistake.text(project).replace(old_id, f"id: {mistake.id}", 1))
        expected.append(mistake.line(path))
    env = {key: value for key, value in os.environ.items()
           if key not in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE")}
    env["NO_COLOR"] = "1"
    done = subprocess.run([sys.executable, "-m", "pipeline", "validate", "--root",
                           str(project.root)], capture_output=True, text=True, cwd=REPO_ROOT,
                          env=env, timeout=120)
    assert (done.returncode, done.stderr) == (1, "")
    lines = done.stdout.splitlines()
    assert lines[:-1] == sorted(expected)
    count = len(MISTAKES)
    assert lines[-1] == f"{count} errors, 0 warnings in {count} of {count + 5} files."
