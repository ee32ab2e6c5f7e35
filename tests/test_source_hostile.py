"""Source YAML that used to be accepted wrongly or reported badly, run through
`pipeline validate`: numbers that are not YAML integers, nesting thousands of levels deep, a
NUL byte, and a list item indented one space too far (which YAML folds into the item above).
"""

from __future__ import annotations

import pytest

from conftest import Project, where

EX = "source/exercises/glute-bridge.yaml"
GUIDE = "source/guides/hip-pain.yaml"
STEPS = ("  - Squeeze your buttocks and lift your hips off the floor.\n"
         "  - Hold for a moment, then lower your hips slowly.\n")


def only(project: Project, files: dict[str, str | bytes]) -> dict[str, object]:
    """The one diagnostic `validate` reports after writing `files`."""
    code, found = project.validate(files)
    assert code == 1 and len(found) == 1, found
    return found[0]


# --- Numbers must be YAML integers ------------------------------------------------------------

@pytest.mark.parametrize("value,hint", [
    ("true", "true is a yes/no value"),
    ("3.0", "write 3"),
    ("2.5", "2.5 is not a whole number"),
    ('"3"', "remove the quotes"),
    ("ten", "write the number in digits"),
])
def test_a_count_that_is_not_a_yaml_integer_is_a_wrong_type(project: Project, value: str,
                                                            hint: str) -> None:
    text = project.read(EX).replace("  reps: 10\n", f"  reps: {value}\n")
    found = only(project, {EX: text})
    assert (found["path"], found["line"], found["column"], found["code"]) == (EX, 23, 9, "E103")
    assert str(found["message"]).startswith("dosage.reps: ")
    assert "whole number" in str(found["message"]) and hint in str(found["message"])


def test_a_year_and_a_yes_no_field_are_strict_too(project: Project) -> None:
    guide = project.read(GUIDE)
    found = only(project, {GUIDE: guide.replace("year: 2020", "year: 2020.0")})
    assert where([found]) == [(GUIDE, 23, 11, "E103")]
    assert "write 2020" in str(found["message"])
    text = project.read(EX).replace("  reps: 10\n", "  reps: 10\n  per_side: 1\n")
    found = only(project, {GUIDE: guide, EX: text})
    assert where([found]) == [(EX, 24, 13, "E103")]
    assert "true or false" in str(found["message"])


def test_integers_in_any_yaml_spelling_and_dates_still_validate(project: Project) -> None:
    text = project.read(EX).replace("  reps: 10\n", "  reps: 0x0A\n  per_side: false\n")
    assert project.validate({EX: text}) == (0, [])


# --- Deep nesting and a NUL byte: located, with what to do -------------------------------------

def test_flow_nesting_thousands_deep_is_located_like_moderate_nesting(project: Project) -> None:
    original = project.read(EX)
    assert original.count("steps:\n" + STEPS) == 1

    def nested(depth: int) -> str:
        return original.replace("steps:\n" + STEPS, "steps: " + "[" * depth + "]" * depth + "\n")

    moderate = only(project, {EX: nested(100)})
    deep = only(project, {EX: nested(2_000)})
    assert deep == moderate
    assert where([deep]) == [(EX, 14, 7 + 65, "E010")]
    assert "RecursionError" not in str(deep["message"])
    assert "64 levels" in str(deep["message"]) and "bracket" in str(deep["message"])


def test_a_nul_byte_is_reported_at_its_line_and_column(project: Project) -> None:
    text = project.read(EX).replace("name: Glute bridge", "name: Glute\x00 bridge")
    found = only(project, {EX: text})
    assert where([found]) == [(EX, 4, 12, "E001")]
    assert "U+0000" in str(found["message"]) and "delete" in str(found["message"])


# --- A list item indented one space too far ----------------------------------------------------

@pytest.mark.parametrize("steps,line,column,spaces", [
    ("  - Squeeze your buttocks and lift your hips off the floor.\n"
     "   - Hold for a moment, then lower your hips slowly.\n", 16, 4, "one space"),
    ("- Squeeze your buttocks and lift your hips off the floor.\n"  # dashes at column 1
     "   - Hold for a moment, then lower your hips slowly.\n", 16, 4, "3 spaces"),
    ("  - Squeeze your buttocks and lift your hips\n"  # a wrapped line, then the bad one
     "    off the floor.\n"
     "   - Hold for a moment, then lower your hips slowly.\n", 17, 4, "one space"),
])
def test_an_over_indented_item_is_not_folded_into_the_one_above(
        project: Project, steps: str, line: int, column: int, spaces: str) -> None:
    text = project.read(EX).replace(STEPS, steps)
    found = only(project, {EX: text})
    assert where([found]) == [(EX, line, column, "E002")]
    message = str(found["message"])
    assert f"indented {spaces} more than the item above" in message
    assert "align the dashes" in message


def test_text_that_wraps_onto_the_next_line_still_validates(project: Project) -> None:
    wrapped = ("  - Squeeze your buttocks and lift your hips\n"
               "    off the floor - slowly.\n"
               "  - Hold for a moment,\n"
               "     then lower your hips slowly.\n")
    original = project.read(EX)
    assert project.validate({EX: original.replace(STEPS, wrapped)}) == (0, [])
    # Quoted, a dash that starts a line is the writer's own.
    quoted = ('  - "Squeeze your buttocks and lift your hips\n'
              '     - then hold."\n'
              "  - Hold for a moment, then lower your hips slowly.\n")
    assert project.validate({EX: original.replace(STEPS, quoted)}) == (0, [])
