"""Match what a person types to the id a field expects.

People type what the site shows them: "Gennemførelse", "4. Klima og ressourcer",
"Teknik og Miljø", "teknik-og-miljø". Each of those names one id; `match` finds
it, and `suggest` turns it into the Danish hint " Mente du 'execution' (Gennemførelse)?".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from difflib import get_close_matches

# Danish letters folded the way ids spell them, so "miljø", "miljoe" and "MILJØ" are one word.
_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe", "ü": "ue"})
_NUMBERING = re.compile(r"^\s*\d{1,2}\s*[.)]\s*")
_SEPARATORS = re.compile(r"[^a-z0-9]+")

# id → the names a person may write for it (its Danish label first).
Choices = Mapping[str, Iterable[str]]


def fold(text: str) -> str:
    """A comparable form: lower case, Danish letters as ae/oe/aa, accents and numbering dropped, words joined by '-'."""
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_DANISH)
    folded = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    folded = _NUMBERING.sub("", folded)
    return _SEPARATORS.sub("-", folded).strip("-")


def match(value: str, choices: Choices) -> str | None:
    """The id `value` names exactly (as id, label or other name, in any spelling), or None."""
    wanted = fold(value)
    if not wanted:
        return None
    for choice_id, names in choices.items():
        if wanted == fold(choice_id) or any(wanted == fold(name) for name in names):
            return choice_id
    # A number alone ("4") names the focus area numbered so: its names include "4. …".
    if value.strip().rstrip(".").isdigit():
        number = value.strip().rstrip(".")
        for choice_id, names in choices.items():
            if any(re.match(rf"^\s*{number}\s*[.)]", name) for name in names):
                return choice_id
    return None


def closest(value: str, choices: Choices) -> str | None:
    """The id `value` most likely means: an exact match in any spelling, else the nearest by letters."""
    exact = match(value, choices)
    if exact is not None:
        return exact
    folded: dict[str, str] = {}
    for choice_id, names in choices.items():
        folded.setdefault(fold(choice_id), choice_id)
        for name in names:
            folded.setdefault(fold(name), choice_id)
    folded.pop("", None)
    wanted = fold(value)
    near = get_close_matches(wanted, list(folded), n=1, cutoff=0.6)
    if near:
        return folded[near[0]]
    # A word or two of a long name ("Klima", "velfærd"): only when it points to one choice.
    if len(wanted) >= 4:
        containing = {choice_id for name, choice_id in folded.items() if f"-{wanted}-" in f"-{name}-"}
        if len(containing) == 1:
            return containing.pop()
    return None


def suggest(value: object, choices: Choices) -> str:
    """A Danish " Mente du 'id' (Label)?" for a value that is not an id, or '' when nothing is close."""
    if not isinstance(value, str | int) or isinstance(value, bool):
        return ""
    choice_id = closest(str(value), choices)
    if choice_id is None or choice_id == value:
        return ""
    label = next(iter(choices[choice_id]), "")
    shown = f" ({label})" if label and label != choice_id else ""
    return f" Mente du '{choice_id}'{shown}?"


def labelled(choices: Mapping[str, str]) -> dict[str, list[str]]:
    """Choices from a plain id → label table."""
    return {choice_id: [label] for choice_id, label in choices.items()}
